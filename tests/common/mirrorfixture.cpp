#include "mirrorfixture.h"

#include "db/dberror.h"
#include "db/dialect_sqlite.h"
#include "db/valuecodec.h"
#include "sync/checkpointstore.h"
#include "sync/keylookup.h"
#include "sync/projectchecker.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTest>

using namespace Qt::StringLiterals;

namespace tidemark::test {

namespace {

int g_fixtureCounter = 0;

QSqlQuery execOn(QSqlDatabase &db, const QString &sql, const QVariantList &binds)
{
    QSqlQuery q(db);
    bool ok = q.prepare(sql);
    for (const QVariant &v : binds)
        q.addBindValue(v);
    ok = ok && q.exec();
    if (!ok)
        qFatal("fixture SQL failed: %s\n  in: %s", qPrintable(q.lastError().text()),
               qPrintable(sql));
    return q;
}

QList<QVariantList> readAll(QSqlDatabase &db, const QString &sql)
{
    QList<QVariantList> rows;
    QSqlQuery q = execOn(db, sql, {});
    const int width = q.record().count();
    while (q.next()) {
        QVariantList row;
        for (int i = 0; i < width; ++i)
            row << q.value(i);
        rows << row;
    }
    return rows;
}

} // namespace

MirrorFixture::MirrorFixture()
{
    const int id = ++g_fixtureCounter;
    m_sourcePath = m_dir.filePath(u"source.db"_s);
    m_mirrorPath = m_dir.filePath(u"mirror.db"_s);
    m_project.filePath = m_dir.filePath(u"tidemark.json"_s);
    m_project.folder = m_dir.path();
    ConnectionConfig src;
    src.name = u"src"_s;
    src.driver = DriverKind::Sqlite;
    src.database = m_sourcePath;
    ConnectionConfig mir = src;
    mir.name = u"mirror"_s;
    mir.database = m_mirrorPath;
    m_project.connections.insert(src.name, src);
    m_project.connections.insert(mir.name, mir);

    m_src = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"fixture-src-%1"_s.arg(id));
    m_src.setDatabaseName(m_sourcePath);
    m_src.setConnectOptions(u"QSQLITE_BUSY_TIMEOUT=10000"_s);
    m_mir = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"fixture-mirror-%1"_s.arg(id));
    m_mir.setDatabaseName(m_mirrorPath);
    m_mir.setConnectOptions(u"QSQLITE_BUSY_TIMEOUT=10000"_s);
    if (!m_src.open() || !m_mir.open())
        qFatal("fixture: cannot open the SQLite files in %s", qPrintable(m_dir.path()));
    // WAL: a writer thread and the engine can work on the source at the same time.
    execOn(m_src, u"PRAGMA journal_mode=WAL"_s, {});
}

MirrorFixture::~MirrorFixture()
{
    m_connections.reset();
    const QString srcName = m_src.connectionName();
    const QString mirName = m_mir.connectionName();
    m_src.close();
    m_mir.close();
    m_src = QSqlDatabase();
    m_mir = QSqlDatabase();
    QSqlDatabase::removeDatabase(srcName);
    QSqlDatabase::removeDatabase(mirName);
}

MappingConfig &MirrorFixture::addMapping(const QString &name, const QString &sourceTable,
                                         const QString &mirrorTable, const QString &cursor)
{
    MappingConfig m;
    m.name = name;
    m.source = {u"src"_s, sourceTable};
    m.mirror = {u"mirror"_s, mirrorTable};
    m.cursorColumn = cursor;
    m_project.mappings.append(m);
    reset();
    return m_project.mappings.last();
}

void MirrorFixture::source(const QString &sql, const QVariantList &binds)
{
    execOn(m_src, sql, binds);
}

void MirrorFixture::mirror(const QString &sql, const QVariantList &binds)
{
    execOn(m_mir, sql, binds);
}

QVariant MirrorFixture::sourceScalar(const QString &sql, const QVariantList &binds)
{
    QSqlQuery q = execOn(m_src, sql, binds);
    return q.next() ? q.value(0) : QVariant();
}

QVariant MirrorFixture::mirrorScalar(const QString &sql, const QVariantList &binds)
{
    QSqlQuery q = execOn(m_mir, sql, binds);
    return q.next() ? q.value(0) : QVariant();
}

void MirrorFixture::reset()
{
    m_connections.reset();
}

DbConnection &MirrorFixture::engineConnection(const QString &name)
{
    if (!m_connections)
        m_connections = std::make_unique<ConnectionSet>(m_project, u"fixture"_s);
    return m_connections->get(name, true);
}

OperationResult MirrorFixture::run(OperationKind kind, const QString &mapping,
                                   const OperationOptions &options)
{
    if (!m_connections)
        m_connections = std::make_unique<ConnectionSet>(m_project, u"fixture"_s);
    engineConnection(u"mirror"_s);   // allow creating the mirror file
    const ProjectCheck check =
            checkProject(m_project, *m_connections, mapping, kind != OperationKind::Prepare);
    if (!check.ok()) {
        // Like a worker whose start-up checks failed (an injected failure can land here).
        QStringList problems;
        for (const ProjectError &e : check.errors)
            problems << e.toString();
        OperationResult failed;
        failed.run.kind = operationName(kind);
        failed.run.result = u"error"_s;
        failed.run.error = problems.join(u"; "_s);
        failed.transient = check.transient;
        return failed;
    }
    const ResolvedMapping &m = check.mappings.first();
    MappingContext ctx{m, m_connections->get(m.config.source.connection),
                       m_connections->get(m.config.mirror.connection), &m_cancel, {}};
    return runOperation(kind, ctx, options);
}

StatusMeasurement MirrorFixture::status(const QString &mapping, MeasureScope scope)
{
    if (!m_connections)
        m_connections = std::make_unique<ConnectionSet>(m_project, u"fixture"_s);
    const ProjectCheck check = checkProject(m_project, *m_connections, mapping, true);
    if (!check.ok())
        qFatal("fixture: the project does not check out");
    const ResolvedMapping &m = check.mappings.first();
    MappingContext ctx{m, m_connections->get(m.config.source.connection),
                       m_connections->get(m.config.mirror.connection), nullptr, {}};
    return measureStatus(ctx, scope);
}

Checkpoint MirrorFixture::checkpoint(const QString &mapping)
{
    CheckpointStore store(engineConnection(u"mirror"_s));
    return store.load(mapping);
}

namespace {

struct TableShape
{
    QStringList columns;
    QStringList key;
};

TableShape shapeOf(QSqlDatabase &db, const MappingConfig &m)
{
    TableShape s;
    QList<std::pair<int, QString>> pk;
    QSqlQuery q = execOn(db, u"SELECT name, pk FROM pragma_table_info(?) ORDER BY cid"_s,
                         {m.source.table});
    while (q.next()) {
        s.columns << q.value(0).toString();
        if (q.value(1).toInt() > 0)
            pk.append({q.value(1).toInt(), q.value(0).toString()});
    }
    std::sort(pk.begin(), pk.end());
    for (const auto &p : pk)
        s.key << p.second;
    if (!m.key.isEmpty())
        s.key = m.key;
    if (!m.columns.isEmpty())
        s.columns = m.columns;
    return s;
}

} // namespace

QString MirrorFixture::compare(const QString &mapping)
{
    const MappingConfig *m = m_project.mapping(mapping);
    if (!m)
        return u"no mapping '%1'"_s.arg(mapping);
    const SqliteDialect d;
    const TableShape shape = shapeOf(m_src, *m);
    const QString select = u"SELECT "_s + d.columnList(shape.columns) + u" FROM "_s;
    const QString order = u" ORDER BY "_s + d.columnList(shape.key);
    const QList<QVariantList> src = readAll(m_src, select + d.quote(m->source.table) + order);
    const QList<QVariantList> mir = readAll(m_mir, select + d.quote(m->mirror.table) + order);
    QList<int> keyIdx;
    for (const QString &k : shape.key)
        keyIdx << int(shape.columns.indexOf(k));
    auto keyOf = [&](const QVariantList &row) {
        QVariantList key;
        for (int i : keyIdx)
            key << row.at(i);
        return key;
    };
    QHash<QString, QVariantList> mirrorByKey;
    for (const QVariantList &row : mir)
        mirrorByKey.insert(keyIdentity(keyOf(row)), row);
    QStringList problems;
    for (const QVariantList &row : src) {
        const QString id = keyIdentity(keyOf(row));
        const auto it = mirrorByKey.constFind(id);
        if (it == mirrorByKey.constEnd()) {
            problems << u"missing in mirror: key %1"_s.arg(displayText(keyOf(row).first()));
        } else {
            for (qsizetype c = 0; c < shape.columns.size(); ++c)
                if (!sameValue(row.at(c), it->at(c))) {
                    problems << u"key %1 column '%2': source %3, mirror %4"_s.arg(
                            displayText(keyOf(row).first()), shape.columns.at(c),
                            displayText(row.at(c)).left(60), displayText(it->at(c)).left(60));
                    break;
                }
            mirrorByKey.remove(id);
        }
        if (problems.size() >= 10)
            break;
    }
    for (auto it = mirrorByKey.cbegin(); it != mirrorByKey.cend() && problems.size() < 10; ++it)
        problems << u"extra in mirror: key %1"_s.arg(displayText(keyOf(*it).first()));
    if (problems.isEmpty() && src.size() != mir.size())
        problems << u"row counts differ: source %1, mirror %2"_s.arg(src.size()).arg(mir.size());
    return problems.join(u"\n"_s);
}

QString MirrorFixture::checkpointCovered(const QString &mapping)
{
    const MappingConfig *m = m_project.mapping(mapping);
    const Checkpoint cp = checkpoint(mapping);
    if (cp.isNull())
        return {};
    const SqliteDialect d;
    const TableShape shape = shapeOf(m_src, *m);
    const QStringList order = QStringList{m->cursorColumn} + shape.key;
    QSqlQuery q(m_src);
    q.prepare(u"SELECT "_s + d.columnList(shape.columns) + u" FROM "_s + d.quote(m->source.table)
              + u" WHERE "_s + d.quote(m->cursorColumn) + u" IS NOT NULL AND "_s
              + d.rowLessOrEqual(order));
    for (const QVariant &v : QVariantList{cp.cursor} + cp.key)
        q.addBindValue(v);
    if (!q.exec())
        return u"query failed: "_s + q.lastError().text();
    QList<QVariantList> covered;
    while (q.next()) {
        QVariantList row;
        for (int i = 0; i < shape.columns.size(); ++i)
            row << q.value(i);
        covered << row;
    }
    QList<int> keyIdx;
    for (const QString &k : shape.key)
        keyIdx << int(shape.columns.indexOf(k));
    QStringList problems;
    for (const QVariantList &row : covered) {
        QSqlQuery mq(m_mir);
        QStringList conds;
        for (const QString &k : shape.key)
            conds << d.quote(k) + u" = ?"_s;
        mq.prepare(u"SELECT "_s + d.columnList(shape.columns) + u" FROM "_s
                   + d.quote(m->mirror.table) + u" WHERE "_s + conds.join(u" AND "_s));
        for (int i : keyIdx)
            mq.addBindValue(row.at(i));
        if (!mq.exec() || !mq.next()) {
            problems << u"checkpoint %1 is past key %2, which is not in the mirror"_s.arg(
                    displayText(cp.cursor), displayText(row.at(keyIdx.first())));
            if (problems.size() > 5)
                break;
        }
    }
    return problems.join(u"\n"_s);
}

} // namespace tidemark::test
