#include "pairfixture.h"

#include "drift/driftresults.h"

#include "db/dberror.h"
#include "db/tablecodec.h"
#include "db/valuecodec.h"
#include "sync/checkpointstore.h"
#include "sync/keylookup.h"
#include "sync/projectchecker.h"

#include <QCoreApplication>
#include <QHash>
#include <QSqlQuery>

#include <cmath>
#include <cstring>

using namespace Qt::StringLiterals;

namespace tidemark::test {

namespace {

int g_fixtureCounter = 0;

// Examples one comparison shows per column (and of missing / extra keys): enough to see
// whether a difference is systematic, not so many that a megabyte table buries the log.
constexpr qsizetype kMaxExamples = 3;

QString doubleLiteral(double d)
{
    if (std::isnan(d))
        return u"NaN"_s;
    if (std::isinf(d))
        return d > 0 ? u"Infinity"_s : u"-Infinity"_s;
    if (d == 0 && std::signbit(d))
        return u"-0"_s;
    return QString::number(d, 'g', 17); // 17 significant digits round-trip every double
}

bool isNullValue(const QVariant &v)
{
    return !v.isValid() || v.isNull();
}

QVariant nullText()
{
    return QVariant(QMetaType::fromType<QString>());
}

bool isFloatingType(int type)
{
    return type == QMetaType::Double || type == QMetaType::Float;
}

bool isIntegerType(int type)
{
    switch (type) {
    case QMetaType::Int:
    case QMetaType::Long:
    case QMetaType::LongLong:
    case QMetaType::Short:
    case QMetaType::SChar:
    case QMetaType::Char:
    case QMetaType::UInt:
    case QMetaType::ULong:
    case QMetaType::ULongLong:
    case QMetaType::UShort:
    case QMetaType::UChar: return true;
    default: return false;
    }
}

// A database without a boolean type (MariaDB's BOOLEAN is TINYINT(1), SQLite keeps 1/0) may
// read a flag as the integer 1: for "does the table hold what the test wrote" that is the same
// datum. The source/mirror comparison does not relax this; it uses sameValue like the engine.
bool sameFlag(const QVariant &a, const QVariant &b)
{
    auto flag = [](const QVariant &v) -> std::optional<int> {
        if (isNullValue(v))
            return std::nullopt;
        if (v.metaType().id() == QMetaType::Bool)
            return v.toBool() ? 1 : 0;
        if (isIntegerType(v.metaType().id()) && (v.toLongLong() == 0 || v.toLongLong() == 1))
            return int(v.toLongLong());
        return std::nullopt;
    };
    const auto fa = flag(a);
    const auto fb = flag(b);
    return fa && fb && *fa == *fb;
}

// Where two texts or byte strings part, so a difference in a megabyte value can be found.
QString whereTheyPart(const QVariant &a, const QVariant &b)
{
    const int at = a.metaType().id();
    const int bt = b.metaType().id();
    if (at == QMetaType::QString && bt == QMetaType::QString) {
        const QString x = a.toString();
        const QString y = b.toString();
        qsizetype i = 0;
        while (i < x.size() && i < y.size() && x.at(i) == y.at(i))
            ++i;
        return u" [lengths %1 / %2 UTF-16 units, first difference at %3]"_s.arg(x.size())
                .arg(y.size())
                .arg(i);
    }
    if (at == QMetaType::QByteArray && bt == QMetaType::QByteArray) {
        const QByteArray x = a.toByteArray();
        const QByteArray y = b.toByteArray();
        qsizetype i = 0;
        while (i < x.size() && i < y.size() && x.at(i) == y.at(i))
            ++i;
        return u" [lengths %1 / %2 bytes, first difference at %3]"_s.arg(x.size())
                .arg(y.size())
                .arg(i);
    }
    return {};
}

} // namespace

QString PairColumn::typeFor(DriverKind kind) const
{
    switch (kind) {
    case DriverKind::Sqlite: return sqliteType;
    case DriverKind::Postgres: return postgresType;
    case DriverKind::MariaDb: return mariadbType;
    case DriverKind::ClickHouse: return {};   // a mirror only: prepare creates its tables
    }
    return {};
}

PairFixture::PairFixture(DriverKind sourceKind, DriverKind mirrorKind,
                         const std::optional<ConnectionConfig> &sourceServer,
                         const std::optional<ConnectionConfig> &mirrorServer)
    : m_sourceKind(sourceKind)
    , m_mirrorKind(mirrorKind)
    , m_id(++g_fixtureCounter)
{
    m_project.filePath = m_dir.filePath(u"tidemark.json"_s);
    m_project.folder = m_dir.path();
    const ConnectionConfig src = sideConfig(Side::Source, sourceKind, sourceServer);
    const ConnectionConfig mir = sideConfig(Side::Mirror, mirrorKind, mirrorServer);
    m_project.connections.insert(src.name, src);
    m_project.connections.insert(mir.name, mir);
    if (!m_setupError.isEmpty())
        return;
    try {
        // Creating the DbConnection asks Dialect::create for the driver's dialect: a dialect
        // that is not built yet fails here, and the pairing fails with that message.
        m_source = std::make_unique<DbConnection>(src, u"pairfixture"_s);
        m_source->setCreateIfMissing(true); // the test creates the source tables itself
        m_source->open();
        m_mirror = std::make_unique<DbConnection>(mir, u"pairfixture"_s);
        m_mirror->setCreateIfMissing(true);
        m_mirror->open();
        // The test's own sessions write and read timestamps in UTC whatever the server's
        // default, so what a test inserts is what it means. The engine's sessions get no help
        // here: they are pinned by Dialect::configureSession, which is under test.
        for (Side side : {Side::Source, Side::Mirror}) {
            if (kind(side) == DriverKind::Postgres)
                exec(side, u"SET TIME ZONE 'UTC'"_s);
            else if (kind(side) == DriverKind::MariaDb)
                exec(side, u"SET time_zone = '+00:00'"_s);
        }
    } catch (const DbError &e) {
        m_setupError = pairing() + u": "_s + e.message();
        m_source.reset();
        m_mirror.reset();
    }
}

PairFixture::~PairFixture()
{
    // The engine's connections go first: on MariaDB a DROP TABLE waits for the metadata lock
    // of any other session that still has the table open.
    m_engine.reset();
    for (auto it = m_tables.crbegin(); it != m_tables.crend(); ++it) {
        try {
            if (connection(it->first).isOpen())
                exec(it->first, u"DROP TABLE IF EXISTS "_s + quote(it->first, it->second));
        } catch (const DbError &e) {
            qWarning("%s: could not drop test table %s: %s", qPrintable(pairing()),
                     qPrintable(it->second), qPrintable(e.message()));
        }
    }
    // The state table is shared with every other test on the server: remove only our rows.
    // (ClickHouse's cannot delete; the mapping names are unique to this process anyway.)
    for (const QString &mapping : std::as_const(m_mappings)) {
        if (m_mirrorKind == DriverKind::ClickHouse)
            break;
        try {
            for (const QString &table : {CheckpointStore::tableName(), DriftResults::tableName()})
                if (m_mirror && m_mirror->isOpen()
                    && m_mirror->dialect().tableExists(*m_mirror, table))
                    exec(Side::Mirror,
                         u"DELETE FROM "_s + quote(Side::Mirror, table) + u" WHERE mapping = ?"_s,
                         {mapping});
        } catch (const DbError &) {
        }
    }
    m_source.reset();
    m_mirror.reset();
}

ConnectionConfig PairFixture::sideConfig(Side side, DriverKind kind,
                                         const std::optional<ConnectionConfig> &server)
{
    const QString name = side == Side::Source ? u"src"_s : u"mirror"_s;
    ConnectionConfig c;
    if (kind == DriverKind::Sqlite) {
        c.driver = DriverKind::Sqlite;
        c.database = m_dir.filePath(side == Side::Source ? u"source.db"_s : u"mirror.db"_s);
    } else if (server) {
        c = *server;
    } else if (m_setupError.isEmpty()) {
        m_setupError = u"%1: no %2 test server configured"_s.arg(pairing(), driverKindName(kind));
    }
    c.name = name;
    c.driver = kind;
    return c;
}

QString PairFixture::pairing() const
{
    return driverKindName(m_sourceKind) + u" -> "_s + driverKindName(m_mirrorKind);
}

QString PairFixture::tableName(const QString &role) const
{
    return u"tp_%1_%2_%3"_s.arg(QCoreApplication::applicationPid()).arg(m_id).arg(role);
}

DbConnection &PairFixture::connection(Side side)
{
    std::unique_ptr<DbConnection> &c = side == Side::Source ? m_source : m_mirror;
    if (!c)
        throw DbError(DbError::Kind::Permanent, m_setupError);
    return *c;
}

QString PairFixture::quote(Side side, const QString &identifier) const
{
    // The test's own quoting, independent of the dialect under test.
    if (kind(side) == DriverKind::MariaDb)
        return u'`' + QString(identifier).replace(u'`', u"``"_s) + u'`';
    if (kind(side) == DriverKind::ClickHouse)
        return u'`' + QString(identifier).replace(u'\\', u"\\\\"_s).replace(u'`', u"\\`"_s)
                + u'`';
    return u'"' + QString(identifier).replace(u'"', u"\"\""_s) + u'"';
}

QSqlQuery PairFixture::exec(Side side, const QString &sql, const QVariantList &binds)
{
    return connection(side).exec(sql, binds);
}

QVariant PairFixture::scalar(Side side, const QString &sql, const QVariantList &binds)
{
    return connection(side).scalar(sql, binds);
}

void PairFixture::createTable(Side side, const QString &table, const QList<PairColumn> &columns,
                              const QStringList &key)
{
    QStringList defs;
    for (const PairColumn &c : columns)
        defs << quote(side, c.name) + u' ' + c.typeFor(kind(side));
    QStringList keyNames;
    for (const QString &k : key)
        keyNames << quote(side, k);
    defs << u"PRIMARY KEY ("_s + keyNames.join(u", "_s) + u')';
    QString sql = u"CREATE TABLE "_s + quote(side, table) + u" (\n  "_s + defs.join(u",\n  "_s)
            + u"\n)"_s;
    // Explicit, so the test table does not depend on the server's defaults: utf8mb4 holds
    // emoji, and a binary collation compares text the way the other databases do.
    if (kind(side) == DriverKind::MariaDb)
        sql += u" ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"_s;
    exec(side, u"DROP TABLE IF EXISTS "_s + quote(side, table));
    dropLater(side, table);
    exec(side, sql);
}

void PairFixture::dropLater(Side side, const QString &table)
{
    if (!m_tables.contains(std::pair{side, table}))
        m_tables.append({side, table});
}

std::pair<QString, QVariant> PairFixture::bindFor(DriverKind kind, ValueClass cls,
                                                  const QVariant &canonical)
{
    const bool null = isNullValue(canonical);
    switch (kind) {
    case DriverKind::Sqlite:
        // SQLite keeps what it is given; a flag is stored as 1/0 like SQLite's own TRUE/FALSE.
        if (cls == ValueClass::Boolean && !null)
            return {u"?"_s, qlonglong(canonical.toBool() ? 1 : 0)};
        return {u"?"_s, null ? nullText() : canonical};
    case DriverKind::Postgres: {
        // QPSQL runs a prepared statement as EXECUTE with every bound value written out as SQL
        // text: a double becomes its shortest text (so -0 arrives as the integer 0), so
        // everything with a type of its own is bound as text and cast on the server.
        auto cast = [&](const QString &type, const QString &text) {
            return std::pair<QString, QVariant>{u"CAST(? AS "_s + type + u')',
                                                null ? nullText() : QVariant(text)};
        };
        switch (cls) {
        case ValueClass::Decimal: return cast(u"numeric"_s, canonical.toString());
        case ValueClass::Timestamp: return cast(u"timestamp"_s, canonical.toString());
        // The canonical form is UTC without a suffix; say so rather than rely on the session.
        case ValueClass::TimestampTz:
            return cast(u"timestamptz"_s, canonical.toString() + u"+00"_s);
        case ValueClass::Date: return cast(u"date"_s, canonical.toString());
        case ValueClass::Time: return cast(u"time"_s, canonical.toString());
        case ValueClass::Boolean:
            return cast(u"boolean"_s, canonical.toBool() ? u"true"_s : u"false"_s);
        case ValueClass::Real:
            return cast(u"double precision"_s, doubleLiteral(canonical.toDouble()));
        case ValueClass::Json: return cast(u"json"_s, canonical.toString());
        default: break;
        }
        return {u"?"_s, null ? nullText() : canonical};
    }
    case DriverKind::MariaDb:
        // QMYSQL binds through the binary protocol: doubles, integers and bytes arrive exact;
        // decimals and timestamps are bound as text, which MariaDB converts exactly.
        if (cls == ValueClass::Boolean && !null)
            return {u"?"_s, qlonglong(canonical.toBool() ? 1 : 0)};
        return {u"?"_s, null ? nullText() : canonical};
    case DriverKind::ClickHouse: break;
    }
    return {u"?"_s, canonical};
}

void PairFixture::insertRows(Side side, const QString &table, const QList<PairColumn> &columns,
                             const QList<QVariantList> &rows)
{
    QStringList names;
    QStringList placeholders;
    for (const PairColumn &c : columns) {
        names << quote(side, c.name);
        placeholders << bindFor(kind(side), c.valueClass, QVariant()).first;
    }
    const QString row = u"("_s + placeholders.join(u", "_s) + u')';
    const QString head =
            u"INSERT INTO "_s + quote(side, table) + u" ("_s + names.join(u", "_s) + u") VALUES "_s;
    // Up to 100 rows a statement: far below every dialect's bind limit for these tables.
    constexpr qsizetype kRowsPerStatement = 100;
    DbConnection &conn = connection(side);
    conn.begin();
    try {
        for (qsizetype start = 0; start < rows.size(); start += kRowsPerStatement) {
            const qsizetype n = std::min(kRowsPerStatement, rows.size() - start);
            QStringList tuples;
            QVariantList binds;
            for (qsizetype r = start; r < start + n; ++r) {
                tuples << row;
                Q_ASSERT(rows.at(r).size() == columns.size());
                for (qsizetype c = 0; c < columns.size(); ++c)
                    binds << bindFor(kind(side), columns.at(c).valueClass, rows.at(r).at(c)).second;
            }
            conn.exec(head + tuples.join(u", "_s), binds);
        }
        conn.commit();
    } catch (...) {
        conn.rollback();
        throw;
    }
}

void PairFixture::updateRow(Side side, const QString &table, const QList<PairColumn> &columns,
                            const QVariantList &values, const PairColumn &key,
                            const QVariant &keyValue)
{
    Q_ASSERT(columns.size() == values.size());
    QStringList sets;
    QVariantList binds;
    for (qsizetype i = 0; i < columns.size(); ++i) {
        const auto [placeholder, bind] =
                bindFor(kind(side), columns.at(i).valueClass, values.at(i));
        sets << quote(side, columns.at(i).name) + u" = "_s + placeholder;
        binds << bind;
    }
    const auto [keyPlaceholder, keyBind] = bindFor(kind(side), key.valueClass, keyValue);
    binds << keyBind;
    exec(side,
         u"UPDATE "_s + quote(side, table) + u" SET "_s + sets.join(u", "_s) + u" WHERE "_s
                 + quote(side, key.name) + u" = "_s + keyPlaceholder,
         binds);
}

MappingConfig &PairFixture::addMapping(const QString &role, const QString &sourceTable,
                                       const QString &mirrorTable, const QString &cursor)
{
    MappingConfig m;
    m.name = mappingName(role);
    m.source = {u"src"_s, sourceTable};
    m.mirror = {u"mirror"_s, mirrorTable};
    m.cursorColumn = cursor;
    m_project.mappings.append(m);
    m_mappings << m.name;
    dropLater(Side::Mirror, mirrorTable); // `prepare` creates it
    reset();
    return m_project.mappings.last();
}

ConnectionSet &PairFixture::engine()
{
    if (!m_engine)
        m_engine = std::make_unique<ConnectionSet>(m_project, u"pairfixture-engine"_s);
    return *m_engine;
}

void PairFixture::reset()
{
    m_engine.reset();
}

OperationResult PairFixture::run(OperationKind kind, const QString &mapping,
                                 const OperationOptions &options)
{
    const ProjectCheck check =
            checkProject(m_project, engine(), mapping, kind != OperationKind::Prepare);
    if (!check.ok()) {
        QStringList problems;
        for (const ProjectError &e : check.errors)
            problems << e.toString();
        OperationResult failed;
        failed.run.kind = operationName(kind);
        failed.run.result = u"error"_s;
        failed.run.error = u"the project does not check out: "_s + problems.join(u"; "_s);
        failed.transient = check.transient;
        return failed;
    }
    const ResolvedMapping &m = check.mappings.first();
    MappingContext ctx{m,
                       engine().get(m.config.source.connection),
                       engine().get(m.config.mirror.connection),
                       &m_cancel,
                       {}};
    return runOperation(kind, ctx, options);
}

void PairFixture::withContext(const QString &mapping,
                              const std::function<void(MappingContext &)> &body)
{
    const ProjectCheck check = checkProject(m_project, engine(), mapping, true);
    if (!check.ok()) {
        QStringList problems;
        for (const ProjectError &e : check.errors)
            problems << e.toString();
        throw DbError(DbError::Kind::Permanent,
                      u"the project does not check out: "_s + problems.join(u"; "_s));
    }
    const ResolvedMapping &m = check.mappings.first();
    MappingContext ctx{m, engine().get(m.config.source.connection),
                       engine().get(m.config.mirror.connection), &m_cancel, {}};
    body(ctx);
}

StatusMeasurement PairFixture::status(const QString &mapping)
{
    const ProjectCheck check = checkProject(m_project, engine(), mapping, true);
    if (!check.ok()) {
        QStringList problems;
        for (const ProjectError &e : check.errors)
            problems << e.toString();
        throw DbError(DbError::Kind::Permanent,
                      u"status: the project does not check out: "_s + problems.join(u"; "_s));
    }
    const ResolvedMapping &m = check.mappings.first();
    MappingContext ctx{m,
                       engine().get(m.config.source.connection),
                       engine().get(m.config.mirror.connection),
                       nullptr,
                       {}};
    return measureStatus(ctx);
}

Checkpoint PairFixture::checkpoint(const QString &mapping)
{
    CheckpointStore store(engine().get(u"mirror"_s));
    return store.load(mapping);
}

QList<QVariantList> PairFixture::readCanonical(Side side, const QString &table,
                                               const QStringList &columns, const QStringList &key,
                                               QList<ValueClass> *classes)
{
    DbConnection &conn = connection(side);
    const Dialect &d = conn.dialect();
    const TableSchema schema = d.describeTable(conn, table);
    if (!schema.exists())
        throw DbError(DbError::Kind::Permanent,
                      u"%1: table '%2' does not exist on the %3 side"_s.arg(
                              pairing(), table, side == Side::Source ? u"source"_s : u"mirror"_s));
    const TableCodec codec(d, schema, columns);
    if (classes) {
        classes->clear();
        for (qsizetype i = 0; i < columns.size(); ++i)
            classes->append(codec.column(i).valueClass);
    }
    QSqlQuery q = conn.exec(u"SELECT "_s + codec.selectList() + u" FROM "_s + d.readSource(table)
                            + u" ORDER BY "_s + d.columnList(key));
    QList<QVariantList> rows;
    while (q.next())
        rows << codec.readRow(q);
    return rows;
}

QString PairFixture::describeValue(const QVariant &value)
{
    if (isNullValue(value))
        return u"NULL"_s;
    const QString type = QString::fromLatin1(value.metaType().name());
    QString text = displayText(value);
    const qsizetype length = value.metaType().id() == QMetaType::QByteArray
            ? value.toByteArray().size()
            : text.size();
    const bool longValue = text.size() > 80;
    if (longValue)
        text = text.left(60) + u"..."_s;
    text.replace(u'\n', u"\\n"_s).replace(u'\t', u"\\t"_s).replace(u'\r', u"\\r"_s);
    if (value.metaType().id() == QMetaType::QString)
        text = u'"' + text + u'"';
    if (longValue)
        return u"%1 of length %2: %3"_s.arg(type).arg(length).arg(text);
    return u"%1 (%2)"_s.arg(text, type);
}

QString PairFixture::describeResult(const OperationResult &result)
{
    return u"%1 %2: written %3, deleted %4; error: %5; note: %6"_s
            .arg(result.run.kind, result.run.result)
            .arg(result.run.rowsWritten)
            .arg(result.run.rowsDeleted)
            .arg(result.run.error.isEmpty() ? u"none"_s : result.run.error, result.run.note);
}

QString PairFixture::diffRows(const QString &what, const QStringList &columns,
                              const QList<ValueClass> &classes, const QStringList &key,
                              const QList<QVariantList> &left, const QList<QVariantList> &right,
                              const QString &leftName, const QString &rightName, Sameness sameness)
{
    auto same = [&](const QVariant &a, const QVariant &b, ValueClass cls) {
        if (sameness.exactDoubles && isFloatingType(a.metaType().id())
            && isFloatingType(b.metaType().id())) {
            const double x = a.toDouble();
            const double y = b.toDouble();
            if ((std::isnan(x) && std::isnan(y)) || std::memcmp(&x, &y, sizeof x) == 0)
                return true;
            return false;
        }
        if (sameValue(a, b, sameness.byColumnClass ? cls : ValueClass::Unknown))
            return true;
        return sameness.flagsAsIntegers && sameFlag(a, b);
    };
    QList<qsizetype> keyIdx;
    for (const QString &k : key)
        keyIdx << columns.indexOf(k);
    auto keyOf = [&](const QVariantList &row) {
        QVariantList k;
        for (qsizetype i : keyIdx)
            k << row.at(i);
        return k;
    };
    auto keyText = [&](const QVariantList &row) {
        QStringList parts;
        for (const QVariant &v : keyOf(row))
            parts << displayText(v);
        return parts.join(u", "_s);
    };
    QHash<QString, QVariantList> rightByKey;
    for (const QVariantList &row : right)
        rightByKey.insert(keyIdentity(keyOf(row)), row);

    // Grouped by column: a systematic loss (every flag, every -0.0) reads as one line with its
    // count and first examples, and a one-off difference still shows its key.
    struct ColumnDiff
    {
        qsizetype rows = 0;
        QStringList examples;
    };
    QList<ColumnDiff> byColumn(columns.size());
    QStringList missing;
    qsizetype missingCount = 0;
    for (const QVariantList &row : left) {
        const auto it = rightByKey.constFind(keyIdentity(keyOf(row)));
        if (it == rightByKey.constEnd()) {
            if (++missingCount <= kMaxExamples)
                missing << keyText(row);
            continue;
        }
        for (qsizetype c = 0; c < columns.size(); ++c) {
            const QVariant &a = row.at(c);
            const QVariant &b = it->at(c);
            if (same(a, b, classes.value(c, ValueClass::Unknown)))
                continue;
            ColumnDiff &d = byColumn[c];
            if (++d.rows <= kMaxExamples)
                d.examples << u"key %1: %2 %3, %4 %5%6"_s.arg(
                        keyText(row), leftName, describeValue(a), rightName, describeValue(b),
                        whereTheyPart(a, b));
        }
        rightByKey.erase(it);
    }

    const QString prefix = pairing() + u", "_s + what + u": "_s;
    QStringList problems;
    for (qsizetype c = 0; c < columns.size(); ++c) {
        const ColumnDiff &d = byColumn.at(c);
        if (d.rows > 0)
            problems << prefix
                            + u"column '%1' differs in %2 of %3 rows; %4"_s.arg(columns.at(c))
                                      .arg(d.rows)
                                      .arg(left.size())
                                      .arg(d.examples.join(u"; "_s));
    }
    if (missingCount > 0)
        problems << prefix
                        + u"%1 rows missing from the %2, keys %3"_s.arg(missingCount)
                                  .arg(rightName, missing.join(u" / "_s));
    if (!rightByKey.isEmpty()) {
        QStringList extra;
        for (auto it = rightByKey.cbegin(); it != rightByKey.cend() && extra.size() < kMaxExamples;
             ++it)
            extra << keyText(*it);
        problems << prefix
                        + u"%1 rows in the %2 but not in the %3, keys %4"_s.arg(rightByKey.size())
                                  .arg(rightName, leftName, extra.join(u" / "_s));
    }
    return problems.join(u'\n');
}

QString PairFixture::compare(const QString &mapping, const QString &phase)
{
    const MappingConfig *m = m_project.mapping(mapping);
    if (!m)
        return u"no mapping '%1'"_s.arg(mapping);
    DbConnection &src = connection(Side::Source);
    const TableSchema schema = src.dialect().describeTable(src, m->source.table);
    const QStringList columns = m->columns.isEmpty() ? schema.columnNames() : m->columns;
    const QStringList key = m->key.isEmpty() ? schema.primaryKey : m->key;
    QList<ValueClass> classes;
    const QList<QVariantList> source =
            readCanonical(Side::Source, m->source.table, columns, key, &classes);
    const QList<QVariantList> mirror = readCanonical(Side::Mirror, m->mirror.table, columns, key);
    Sameness sameness;
    sameness.byColumnClass = true;
    sameness.exactDoubles =
            kind(Side::Mirror) == DriverKind::Postgres || kind(Side::Mirror) == DriverKind::ClickHouse;
    return diffRows(phase.isEmpty() ? u"mirror"_s : phase, columns, classes, key, source, mirror,
                    u"source"_s, u"mirror"_s, sameness);
}

QString PairFixture::checkRows(Side side, const QString &table, const QStringList &columns,
                               const QStringList &key, const QList<QVariantList> &expected)
{
    QList<ValueClass> classes;
    const QList<QVariantList> actual = readCanonical(side, table, columns, key, &classes);
    const QString what = side == Side::Source ? u"source read back"_s : u"mirror read back"_s;
    Sameness sameness;
    sameness.exactDoubles = true;
    sameness.flagsAsIntegers = true;
    return diffRows(what, columns, classes, key, expected, actual, u"expected"_s,
                    driverKindName(kind(side)) + u" read"_s, sameness);
}

} // namespace tidemark::test
