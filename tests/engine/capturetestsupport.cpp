#include "capturetestsupport.h"

#include "capture/captureinstaller.h"
#include "capture/capturesql.h"
#include "project/projectloader.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QSqlQuery>

using namespace Qt::StringLiterals;
using namespace tidemark;

namespace capturetest {

const QList<DriverKind> kKinds{DriverKind::Sqlite, DriverKind::Postgres, DriverKind::MariaDb};

void pairings()
{
    QTest::addColumn<int>("sourceKind");
    QTest::addColumn<int>("mirrorKind");
    for (DriverKind s : kKinds)
        for (DriverKind m : kKinds + QList<DriverKind>{DriverKind::ClickHouse})
            QTest::newRow(qPrintable(driverKindName(s) + u" -> "_s + driverKindName(m)))
                    << int(s) << int(m);
}

void sources()
{
    QTest::addColumn<int>("sourceKind");
    QTest::addColumn<int>("mirrorKind");
    for (DriverKind s : kKinds)
        QTest::newRow(qPrintable(driverKindName(s))) << int(s) << int(DriverKind::Sqlite);
}

void serverSources()
{
    QTest::addColumn<int>("sourceKind");
    QTest::addColumn<int>("mirrorKind");
    for (DriverKind s : {DriverKind::Postgres, DriverKind::MariaDb})
        QTest::newRow(qPrintable(driverKindName(s))) << int(s) << int(DriverKind::Sqlite);
}

void sourceIntoEveryMirror(DriverKind source)
{
    QTest::addColumn<int>("sourceKind");
    QTest::addColumn<int>("mirrorKind");
    for (DriverKind m : kKinds + QList<DriverKind>{DriverKind::ClickHouse})
        QTest::newRow(qPrintable(driverKindName(source) + u" -> "_s + driverKindName(m)))
                << int(source) << int(m);
}

const QList<PairColumn> kColumns{
        {u"id"_s, ValueClass::Integer, u"INTEGER"_s, u"bigint"_s, u"BIGINT"_s},
        {u"txt"_s, ValueClass::Text, u"TEXT"_s, u"text"_s, u"VARCHAR(200)"_s},
        {u"amount"_s, ValueClass::Decimal, u"NUMERIC"_s, u"numeric(12,2)"_s, u"DECIMAL(12,2)"_s},
};

QVariantList row(qlonglong id, const QString &txt)
{
    return {id, txt.isEmpty() ? u"row %1"_s.arg(id) : txt, u"%1.25"_s.arg(id)};
}

Setup captured(PairFixture &f, int rows, int batchRows,
               const std::function<void(MappingConfig &)> &adjust)
{
    Setup s{f.tableName(u"c_src"_s), f.tableName(u"c_mir"_s), f.mappingName(u"c"_s)};
    f.createTable(Side::Source, s.src, kColumns, {u"id"_s});
    QList<QVariantList> data;
    for (int i = 0; i < rows; ++i)
        data << row(i);
    if (!data.isEmpty())
        f.insertRows(Side::Source, s.src, kColumns, data);
    MappingConfig &m = f.addMapping(u"c"_s, s.src, s.mir);
    m.capture = CaptureMode::Triggers;
    m.batchRows = batchRows;
    if (adjust)
        adjust(m);
    f.reset();
    const OperationResult p = f.run(OperationKind::Prepare, s.mapping);
    if (!p.ok())
        throw DbError(DbError::Kind::Permanent, u"prepare: "_s + PairFixture::describeResult(p));
    return s;
}

QString q(PairFixture &f, Side side, const QString &name)
{
    return f.quote(side, name);
}

void exec(PairFixture &f, const QString &sql, const QVariantList &binds)
{
    f.exec(Side::Source, sql, binds);
}

OperationResult sync(PairFixture &f, const Setup &s)
{
    return f.run(OperationKind::Sync, s.mapping);
}

qint64 logRows(PairFixture &f, const Setup &s)
{
    return f.scalar(Side::Source,
                    u"SELECT COUNT(*) FROM "_s + q(f, Side::Source, capture::logTable())
                            + u" WHERE tbl = ?"_s,
                    {s.src})
            .toLongLong();
}

qint64 count(PairFixture &f, Side side, const QString &table)
{
    const Dialect &d = f.connection(side).dialect();
    return f.scalar(side, u"SELECT COUNT(*) FROM "_s + d.readSource(table)).toLongLong();
}

QString ids(PairFixture &f, Side side, const QString &table)
{
    const Dialect &d = f.connection(side).dialect();
    QSqlQuery query = f.exec(side,
                             u"SELECT "_s + d.quote(u"id"_s) + u" FROM "_s + d.readSource(table)
                                     + u" ORDER BY 1"_s);
    QStringList out;
    while (query.next())
        out << query.value(0).toString();
    return out.join(u',');
}

void truncate(PairFixture &f, const Setup &s)
{
    exec(f, u"TRUNCATE TABLE "_s + q(f, Side::Source, s.src));
}

CliRun cli(PairFixture &f, const QStringList &args)
{
    QFile file(f.project().filePath);
    if (!file.open(QIODevice::WriteOnly) || file.write(ProjectLoader::toJson(f.project())) < 0)
        return {-1, {}, u"cannot write "_s + file.fileName()};
    file.close();
    QProcess p;
    p.start(qEnvironmentVariable("TIDEMARK_CLI"),
            args + QStringList{u"--project"_s, f.project().filePath});
    if (!p.waitForFinished(120000))
        return {-1, {}, u"tidemark-cli did not finish: "_s + p.errorString()};
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
            QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

QJsonObject cliStatus(PairFixture &f, const QString &mapping)
{
    const CliRun status = cli(f, {u"status"_s, u"--json"_s, u"--mapping"_s, mapping});
    const QJsonArray mappings =
            QJsonDocument::fromJson(status.out.toUtf8()).object().value(u"mappings"_s).toArray();
    return mappings.isEmpty() ? QJsonObject{{u"output"_s, status.all()}}
                              : mappings.first().toObject();
}

QStringList catalog(PairFixture &f, const QString &table)
{
    QStringList out;
    DbConnection &c = f.connection(Side::Source);
    for (const ColumnInfo &col : c.dialect().describeTable(c, table).columns)
        out << u"column %1 %2 %3"_s.arg(col.name, col.declaredType).arg(col.nullable);
    QString sql;
    switch (f.kind(Side::Source)) {
    case DriverKind::Sqlite:
        sql = u"SELECT type || ' ' || name || ' ' || tbl_name FROM sqlite_master WHERE tbl_name = ?"
              " OR name LIKE '\\_tidemark\\_c%' ESCAPE '\\' OR name LIKE '\\_tidemark\\_seq%'"
              " ESCAPE '\\' OR name = 'sqlite_sequence' ORDER BY 1"_s;
        break;
    case DriverKind::Postgres:
        sql = u"SELECT 'trigger ' || tgname FROM pg_trigger WHERE tgrelid = "
              u"to_regclass(quote_ident(?))"
              " UNION ALL SELECT 'relation ' || relname FROM pg_class WHERE relnamespace ="
              " current_schema()::regnamespace AND (relname LIKE '\\_tidemark\\_changes%' OR"
              " relname LIKE '\\_tidemark\\_sequencer%' OR relname LIKE"
              " '\\_tidemark\\_capture\\_consumers%') UNION ALL SELECT 'function ' || proname"
              " FROM pg_proc WHERE proname LIKE '\\_tidemark\\_cap\\_%' ORDER BY 1"_s;
        break;
    case DriverKind::MariaDb:
        sql = u"SELECT CONCAT('trigger ', TRIGGER_NAME) FROM information_schema.TRIGGERS WHERE"
              " TRIGGER_SCHEMA = DATABASE() AND EVENT_OBJECT_TABLE = ? UNION ALL SELECT"
              " CONCAT('table ', TABLE_NAME) FROM information_schema.TABLES WHERE TABLE_SCHEMA ="
              " DATABASE() AND TABLE_NAME IN ('_tidemark_changes', '_tidemark_sequencer',"
              " '_tidemark_capture_consumers') ORDER BY 1"_s;
        break;
    case DriverKind::ClickHouse: return {u"ClickHouse is never a source"_s};
    }
    QSqlQuery query = f.exec(Side::Source, sql, {table});
    while (query.next())
        out << query.value(0).toString();
    return out;
}

void removeCapture(PairFixture &f, const Setup &s)
{
    f.withContext(s.mapping, [&](MappingContext &ctx) {
        applyCapturePlan(ctx, planCaptureRemoval(ctx), false);
    });
}

CaptureCleanup::~CaptureCleanup()
{
    try {
        removeCapture(f, s);
    } catch (const DbError &e) {
        qWarning("could not remove capture: %s", qPrintable(e.message()));
    }
}

void dropLeftovers(PairFixture &f)
{
    DbConnection &c = f.connection(Side::Source);
    const std::unique_ptr<CaptureSql> sql = CaptureSql::create(f.kind(Side::Source));
    if (sql->captureTriggersAnywhere(c) > 0)
        return;
    for (const QString &s : sql->dropLog())
        c.exec(s);
    if (f.kind(Side::Source) == DriverKind::Postgres) {
        QSqlQuery q = c.exec(u"SELECT proname FROM pg_proc WHERE proname LIKE"
                             " '\\_tidemark\\_cap\\_%'"_s);
        QStringList names;
        while (q.next())
            names << q.value(0).toString();
        for (const QString &n : names)
            c.exec(u"DROP FUNCTION IF EXISTS "_s + c.dialect().quote(n) + u"()"_s);
    }
}

} // namespace capturetest
