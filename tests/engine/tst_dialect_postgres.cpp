// The PostgreSQL dialect against a real server: hostile names, catalog introspection, and every
// value class carried PostgreSQL -> PostgreSQL through the passes exactly (numeric beyond a
// double, microsecond timestamps, -0, NaN, denormals, bytea with NUL bytes, 1 MB text, json).
//
// Every test works in a schema of its own (connect option `-csearch_path=...`), so its tables
// and its state table never meet another suite's, and the schema is dropped at the end.
#include "db/connectionset.h"
#include "db/dbconnection.h"
#include "db/dberror.h"
#include "db/dialect_postgres.h"
#include "db/dialect_sqlite.h"
#include "db/pgcopy.h"
#include "db/tablecodec.h"
#include "db/valuecodec.h"
#include "sync/checkpointstore.h"
#include "sync/pagereader.h"
#include "sync/operations.h"
#include "sync/projectchecker.h"
#include "testservers.h"

#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTest>

#include <atomic>
#include <cmath>
#include <memory>

using namespace Qt::StringLiterals;
using namespace tidemark;

namespace {

QString randomSuffix()
{
    return QString::number(QRandomGenerator::global()->generate64() & 0xffffffffffULL, 36);
}

// Runs operations over two connections to the test server, "src" and "mirror", the way a worker
// does: one connection set kept between runs, the project checked before each operation.
class PgPair
{
public:
    explicit PgPair(ConnectionConfig server)
    {
        server.name = u"src"_s;
        m_project.filePath = u"/virtual/tidemark.json"_s;
        m_project.connections.insert(server.name, server);
        server.name = u"mirror"_s;
        m_project.connections.insert(server.name, server);
    }

    MappingConfig &addMapping(const QString &name, const QString &source, const QString &mirror,
                              const QString &cursor = {})
    {
        MappingConfig m;
        m.name = name;
        m.source = {u"src"_s, source};
        m.mirror = {u"mirror"_s, mirror};
        m.cursorColumn = cursor;
        m_project.mappings.append(m);
        m_connections.reset();
        return m_project.mappings.last();
    }

    OperationResult run(OperationKind kind, const QString &mapping,
                        const OperationOptions &options = {})
    {
        if (!m_connections)
            m_connections = std::make_unique<ConnectionSet>(m_project, u"test"_s);
        const ProjectCheck check =
                checkProject(m_project, *m_connections, mapping, kind != OperationKind::Prepare);
        if (!check.ok()) {
            OperationResult failed;
            failed.run.result = u"error"_s;
            for (const ProjectError &e : check.errors)
                failed.run.error += e.toString() + u"; "_s;
            return failed;
        }
        const ResolvedMapping &m = check.mappings.first();
        MappingContext ctx{m,
                           m_connections->get(m.config.source.connection),
                           m_connections->get(m.config.mirror.connection),
                           &m_cancel,
                           {}};
        return runOperation(kind, ctx, options);
    }

    // The engine's own connection (opened on demand), e.g. for a statement hook.
    DbConnection &connection(const QString &name)
    {
        if (!m_connections)
            m_connections = std::make_unique<ConnectionSet>(m_project, u"test"_s);
        return m_connections->get(name);
    }

    Checkpoint checkpoint(const QString &mapping)
    {
        if (!m_connections)
            m_connections = std::make_unique<ConnectionSet>(m_project, u"test"_s);
        CheckpointStore store(m_connections->get(u"mirror"_s));
        return store.load(mapping);
    }

private:
    Project m_project;
    std::unique_ptr<ConnectionSet> m_connections;
    std::atomic<bool> m_cancel{false};
};

// Every column of `table` as PostgreSQL's own text (bytea as hex), ordered by `order`: what
// psql would print, compared byte for byte.
QList<QStringList> readAsText(DbConnection &conn, const QString &table, const QString &order)
{
    const PostgresDialect d;
    const TableSchema schema = d.describeTable(conn, table);
    QStringList exprs;
    // Aliased: an output column named like the ORDER BY column would be sorted as text.
    for (const ColumnInfo &c : schema.columns)
        exprs << (c.valueClass == ValueClass::Blob ? u"encode("_s + d.quote(c.name) + u", 'hex')"_s
                                                   : u"CAST("_s + d.quote(c.name) + u" AS text)"_s)
                        + u" AS text_"_s + QString::number(exprs.size());
    QSqlQuery q = conn.exec(u"SELECT "_s + exprs.join(u", "_s) + u" FROM "_s + d.quote(table)
                            + u" ORDER BY "_s + d.quote(order));
    QList<QStringList> rows;
    while (q.next()) {
        QStringList row;
        for (int i = 0; i < exprs.size(); ++i)
            row << (q.value(i).isNull() ? QString() : q.value(i).toString());
        rows << row;
    }
    return rows;
}

QList<QVariantList> readCanonical(DbConnection &conn, const QString &table, const QString &order)
{
    const Dialect &d = conn.dialect();
    const TableSchema schema = d.describeTable(conn, table);
    const TableCodec codec(d, schema, schema.columnNames());
    QSqlQuery q = conn.exec(u"SELECT "_s + codec.selectList() + u" FROM "_s + d.quote(table)
                            + u" ORDER BY "_s + d.quote(order));
    QList<QVariantList> rows;
    while (q.next())
        rows << codec.readRow(q);
    return rows;
}

// Empty when both tables print the same text in every column (NULL and '' kept apart);
// `numericColumns` compare as canonical decimals.
QString textDifferences(DbConnection &conn, const QString &source, const QString &mirror,
                        const QString &order, const QList<int> &numericColumns = {})
{
    const QList<QStringList> src = readAsText(conn, source, order);
    const QList<QStringList> mir = readAsText(conn, mirror, order);
    if (src.size() != mir.size())
        return u"row counts differ: %1 vs %2"_s.arg(src.size()).arg(mir.size());
    QStringList problems;
    for (qsizetype r = 0; r < src.size(); ++r)
        for (qsizetype c = 0; c < src.at(r).size(); ++c) {
            QString a = src.at(r).at(c);
            QString b = mir.at(r).at(c);
            if (numericColumns.contains(int(c)) && !a.isNull() && !b.isNull()) {
                a = PostgresDialect::canonicalDecimal(a);
                b = PostgresDialect::canonicalDecimal(b);
            }
            if (a != b || a.isNull() != b.isNull())
                problems << u"row %1 column %2: source [%3], mirror [%4]"_s.arg(r).arg(c).arg(
                        a.isNull() ? u"NULL"_s : a.left(60), b.isNull() ? u"NULL"_s : b.left(60));
        }
    return problems.join(u"\n"_s);
}

} // namespace

class TestDialectPostgres : public QObject
{
    Q_OBJECT

private:
    QString m_schema; // this run's schema; empty without a server

    // Opens a connection to the test server inside this run's schema.
    ConnectionConfig inSchema(ConnectionConfig c) const
    {
        c.options = u"options=-csearch_path="_s + m_schema;
        return c;
    }

    static std::unique_ptr<DbConnection> open(const ConnectionConfig &c)
    {
        auto conn = std::make_unique<DbConnection>(c, u"test"_s);
        conn->open();
        return conn;
    }

private Q_SLOTS:
    void initTestCase()
    {
        const auto server = test::serverConnection(DriverKind::Postgres, u"pg"_s);
        if (!server)
            return;
        m_schema = u"tm_pgdialect_"_s + randomSuffix();
        auto conn = open(*server);
        conn->exec(u"CREATE SCHEMA "_s + PostgresDialect().quote(m_schema));
    }

    void cleanupTestCase()
    {
        const auto server = test::serverConnection(DriverKind::Postgres, u"pg"_s);
        if (!server || m_schema.isEmpty())
            return;
        auto conn = open(*server);
        conn->exec(u"DROP SCHEMA "_s + PostgresDialect().quote(m_schema) + u" CASCADE"_s);
    }

    // ---- without a server ----------------------------------------------------------------

    void canonicalDecimal_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("canonical");
        QTest::newRow("scale zeros")
                << u"12345678901234567890.1234567890"_s << u"12345678901234567890.123456789"_s;
        QTest::newRow("tiny negative") << u"-0.0000000001"_s << u"-0.0000000001"_s;
        QTest::newRow("integer zeros kept") << u"1000"_s << u"1000"_s;
        QTest::newRow("bare point") << u"1000.000"_s << u"1000"_s;
        QTest::newRow("negative zero") << u"-0.000"_s << u"0"_s;
        QTest::newRow("nan") << u"NaN"_s << u"NaN"_s;
        QTest::newRow("infinity") << u"-Infinity"_s << u"-Infinity"_s;
        // Forms the no-copy check must leave to the general path, and ones it must accept.
        QTest::newRow("negative zero bare") << u"-0"_s << u"0"_s;
        QTest::newRow("zero") << u"0"_s << u"0"_s;
        QTest::newRow("leading zero") << u"007.5"_s << u"7.5"_s;
        QTest::newRow("plus sign") << u"+1.5"_s << u"1.5"_s;
        QTest::newRow("point first") << u".5"_s << u"0.5"_s;
        QTest::newRow("point last") << u"5."_s << u"5"_s;
        QTest::newRow("spaces") << u" 1.5 "_s << u"1.5"_s;
        QTest::newRow("canonical negative fraction") << u"-0.5"_s << u"-0.5"_s;
        QTest::newRow("canonical") << u"-123.45"_s << u"-123.45"_s;
    }

    void canonicalDecimal()
    {
        QFETCH(QString, text);
        QFETCH(QString, canonical);
        QCOMPARE(PostgresDialect::canonicalDecimal(text), canonical);
    }

    void canonicalTimestamp_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("canonical");
        QTest::newRow("tz suffix")
                << u"2026-11-21 10:15:00.123456+00"_s << u"2026-11-21 10:15:00.123456"_s;
        QTest::newRow("fraction zeros")
                << u"2026-11-21 10:15:00.120000"_s << u"2026-11-21 10:15:00.12"_s;
        QTest::newRow("no fraction") << u"2026-11-21 10:15:00+00"_s << u"2026-11-21 10:15:00"_s;
        QTest::newRow("iso T") << u"2026-11-21T10:15:00.5"_s << u"2026-11-21 10:15:00.5"_s;
        QTest::newRow("Z") << u"2026-11-21T10:15:00.5Z"_s << u"2026-11-21 10:15:00.5"_s;
        QTest::newRow("offset") << u"2026-11-21T00:15:00.000001+02:00"_s
                                << u"2026-11-20 22:15:00.000001"_s;
        QTest::newRow("negative offset") << u"2026-12-31 23:30:00-01"_s << u"2027-01-01 00:30:00"_s;
        QTest::newRow("far past") << u"0001-01-01 00:00:00.5+00"_s << u"0001-01-01 00:00:00.5"_s;
        QTest::newRow("bc") << u"0044-03-15 12:00:00+00 BC"_s << u"0044-03-15 12:00:00 BC"_s;
        QTest::newRow("infinity") << u"infinity"_s << u"infinity"_s;
        // Near misses of the common form, which a fast path must hand on, not mangle.
        QTest::newRow("all-zero fraction")
                << u"2026-11-21 10:15:00.000000+00"_s << u"2026-11-21 10:15:00"_s;
        QTest::newRow("+0000") << u"2026-11-21 10:15:00.25+0000"_s << u"2026-11-21 10:15:00.25"_s;
        QTest::newRow("half-hour offset")
                << u"2026-11-21 10:15:00.25+00:30"_s << u"2026-11-21 09:45:00.25"_s;
        QTest::newRow("+01") << u"2026-11-21 00:15:00+01"_s << u"2026-11-20 23:15:00"_s;
        QTest::newRow("five-digit year")
                << u"10000-01-01 00:00:00+00"_s << u"10000-01-01 00:00:00"_s;
        QTest::newRow("padded") << u" 2026-11-21 10:15:00.100 "_s << u"2026-11-21 10:15:00.1"_s;
        QTest::newRow("date only") << u"2026-11-21"_s << u"2026-11-21 00:00:00"_s;
    }

    void canonicalTimestamp()
    {
        QFETCH(QString, text);
        QFETCH(QString, canonical);
        QCOMPARE(PostgresDialect::canonicalTimestamp(text), canonical);
    }

    void upsertShape()
    {
        const PostgresDialect d;
        QCOMPARE(d.upsert(u"t"_s, {u"k"_s, u"v"_s}, {u"k"_s}, 2),
                 u"INSERT INTO \"t\" (\"k\", \"v\") VALUES (?, ?), (?, ?) ON CONFLICT (\"k\") DO "
                 "UPDATE SET \"v\" = excluded.\"v\""_s);
        QCOMPARE(d.upsert(u"t"_s, {u"a"_s, u"b"_s}, {u"a"_s, u"b"_s}, 1,
                          {u"?"_s, u"CAST(? AS numeric)"_s}),
                 u"INSERT INTO \"t\" (\"a\", \"b\") VALUES (?, CAST(? AS numeric)) ON CONFLICT "
                 "(\"a\", \"b\") DO NOTHING"_s);
        QCOMPARE(d.quote(u"a\"b"_s), u"\"a\"\"b\""_s);
        QCOMPARE(d.quote(u"a.b"_s), u"\"a.b\""_s);
    }

    void copyTextFormat()
    {
        QByteArray out;
        appendCopyRow(out,
                      {qlonglong(-5), QVariant(QMetaType::fromType<QString>()),
                       u"a\tb\nc\\d\re \\N 🚀"_s, QByteArray("\0\xff\\", 3), true,
                       qulonglong(18446744073709551615ULL), u""_s});
        QCOMPARE(out,
                 QByteArray("-5\t\\N\ta\\tb\\nc\\\\d\\re \\\\N \xf0\x9f\x9a\x80\t"
                            "\\\\x00ff5c\tt\t18446744073709551615\t\n"));
    }

    void mirrorTypesFromOtherDialects()
    {
        // A SQLite source: every class maps onto a PostgreSQL type that holds it exactly.
        TableSchema s;
        s.sourceKind = DriverKind::Sqlite;
        auto add = [&](const QString &name, const QString &type, int precision = -1,
                       int scale = 0) {
            ColumnInfo c;
            c.name = name;
            c.declaredType = type;
            c.valueClass = SqliteDialect::classify(type);
            c.precision = precision;
            c.scale = scale;
            c.nullable = name != u"id";
            s.columns << c;
        };
        add(u"id"_s, u"INTEGER"_s);
        add(u"amount"_s, u"DECIMAL(12,2)"_s, 12, 2);
        add(u"price"_s, u"NUMERIC"_s);
        add(u"ratio"_s, u"REAL"_s);
        add(u"at"_s, u"TIMESTAMP"_s);
        add(u"doc"_s, u"JSON"_s);
        add(u"raw"_s, u"BLOB"_s);
        add(u"odd"_s, u"GEOMETRY"_s);
        add(u"big"_s, u"BIGINT UNSIGNED"_s); // as MariaDB reports it
        const QString sql =
                PostgresDialect().createMirrorTable(u"m"_s, s, s.columnNames(), {u"id"_s});
        QVERIFY2(sql.contains(u"\"id\" bigint NOT NULL"_s), qPrintable(sql));
        QVERIFY2(sql.contains(u"\"amount\" numeric(12,2)"_s), qPrintable(sql));
        QVERIFY2(sql.contains(u"\"price\" numeric,"_s), qPrintable(sql));
        QVERIFY2(sql.contains(u"\"ratio\" double precision"_s), qPrintable(sql));
        QVERIFY2(sql.contains(u"\"at\" timestamp(6)"_s), qPrintable(sql));
        QVERIFY2(sql.contains(u"\"doc\" json,"_s), qPrintable(sql)); // never jsonb
        QVERIFY2(sql.contains(u"\"raw\" bytea"_s), qPrintable(sql));
        QVERIFY2(sql.contains(u"\"odd\" text"_s), qPrintable(sql));
        QVERIFY2(sql.contains(u"\"big\" numeric(20,0)"_s), qPrintable(sql));
        QVERIFY2(sql.contains(u"PRIMARY KEY (\"id\")"_s), qPrintable(sql));
    }

    void lossReasons_data()
    {
        QTest::addColumn<QString>("sourceType");
        QTest::addColumn<int>("sourceClass");
        QTest::addColumn<int>("sourcePrecision");
        QTest::addColumn<int>("sourceScale");
        QTest::addColumn<QString>("mirrorType");
        QTest::addColumn<int>("mirrorClass");
        QTest::addColumn<int>("mirrorPrecision");
        QTest::addColumn<int>("mirrorScale");
        QTest::addColumn<bool>("lossy");
        const int dec = int(ValueClass::Decimal);
        const int real = int(ValueClass::Real);
        const int integer = int(ValueClass::Integer);
        const int ts = int(ValueClass::Timestamp);
        const int tstz = int(ValueClass::TimestampTz);
        const int text = int(ValueClass::Text);
        const int json = int(ValueClass::Json);
        QTest::newRow("numeric into narrower numeric")
                << u"numeric(30,10)"_s << dec << 30 << 10 << u"numeric(12,2)"_s << dec << 12 << 2
                << true;
        QTest::newRow("numeric into wider numeric")
                << u"numeric(12,2)"_s << dec << 12 << 2 << u"numeric(30,10)"_s << dec << 30 << 10
                << false;
        QTest::newRow("numeric into unconstrained") << u"numeric(30,10)"_s << dec << 30 << 10
                                                    << u"numeric"_s << dec << -1 << 0 << false;
        QTest::newRow("numeric into double") << u"numeric(30,10)"_s << dec << 30 << 10
                                             << u"double precision"_s << real << -1 << 0 << true;
        QTest::newRow("numeric into integer") << u"numeric(30,10)"_s << dec << 30 << 10
                                              << u"integer"_s << integer << -1 << 0 << true;
        QTest::newRow("bigint into integer")
                << u"bigint"_s << integer << -1 << 0 << u"integer"_s << integer << -1 << 0 << true;
        QTest::newRow("unsigned bigint into bigint")
                << u"bigint(20) unsigned"_s << integer << -1 << 0 << u"bigint"_s << integer << -1
                << 0 << true;
        QTest::newRow("unsigned bigint into numeric(20,0)")
                << u"bigint(20) unsigned"_s << integer << -1 << 0 << u"numeric(20,0)"_s << dec << 20
                << 0 << false;
        QTest::newRow("integer into bigint")
                << u"integer"_s << integer << -1 << 0 << u"bigint"_s << integer << -1 << 0 << false;
        QTest::newRow("timestamp(6) into timestamp(3)")
                << u"timestamp(6) without time zone"_s << ts << 6 << 0
                << u"timestamp(3) without time zone"_s << ts << 3 << 0 << true;
        QTest::newRow("timestamptz into timestamp")
                << u"timestamp with time zone"_s << tstz << 6 << 0
                << u"timestamp without time zone"_s << ts << 6 << 0 << false;
        QTest::newRow("text into varchar") << u"text"_s << text << -1 << 0
                                           << u"character varying(20)"_s << text << -1 << 0 << true;
        QTest::newRow("varchar(10) into varchar(20)")
                << u"character varying(10)"_s << text << -1 << 0 << u"character varying(20)"_s
                << text << -1 << 0 << false;
        QTest::newRow("json into jsonb")
                << u"json"_s << json << -1 << 0 << u"jsonb"_s << json << -1 << 0 << true;
        QTest::newRow("json into json")
                << u"json"_s << json << -1 << 0 << u"json"_s << json << -1 << 0 << false;
    }

    void lossReasons()
    {
        QFETCH(QString, sourceType);
        QFETCH(int, sourceClass);
        QFETCH(int, sourcePrecision);
        QFETCH(int, sourceScale);
        QFETCH(QString, mirrorType);
        QFETCH(int, mirrorClass);
        QFETCH(int, mirrorPrecision);
        QFETCH(int, mirrorScale);
        QFETCH(bool, lossy);
        const ColumnInfo s{u"s"_s, sourceType,      ValueClass(sourceClass),
                           true,   sourcePrecision, sourceScale};
        const ColumnInfo m{u"m"_s, mirrorType,      ValueClass(mirrorClass),
                           true,   mirrorPrecision, mirrorScale};
        const QString reason = PostgresDialect().lossReason(s, m);
        QVERIFY2(reason.isEmpty() != lossy, qPrintable(reason.isEmpty() ? u"(none)"_s : reason));
    }

    // ---- against the server --------------------------------------------------------------

    void hostileNamesRoundTrip()
    {
        TIDEMARK_SERVER_OR_SKIP(tidemark::DriverKind::Postgres, u"pg"_s, pg);
        auto conn = open(inSchema(pg));
        const Dialect &d = conn->dialect();
        const QString suffix = randomSuffix();
        // "a.b" is one table in the search_path schema, not table b of schema a.
        const QStringList tables{u"a\"b "_s + suffix, u"select "_s + suffix,
                                 u"naïve 表 "_s + suffix, u"x.y "_s + suffix};
        const QStringList columns{u"k ey"_s, u"a\"b"_s, u"select"_s, u"naïve 表"_s, u"x.y"_s};
        for (const QString &table : tables) {
            conn->exec(u"CREATE TABLE "_s + d.quote(table) + u" ("_s + d.quote(columns.at(0))
                       + u" bigint PRIMARY KEY, "_s + d.quote(columns.at(1)) + u" text, "_s
                       + d.quote(columns.at(2)) + u" text, "_s + d.quote(columns.at(3))
                       + u" text NOT NULL, "_s + d.quote(columns.at(4)) + u" integer)"_s);
            const TableSchema schema = d.describeTable(*conn, table);
            QCOMPARE(schema.columnNames(), columns);
            QCOMPARE(schema.primaryKey, QStringList{columns.at(0)});
            QVERIFY(!schema.column(columns.at(3))->nullable);
            QVERIFY(d.tableExists(*conn, table));

            conn->exec(d.upsert(table, columns, {columns.at(0)}, 2),
                       {1, u"q\"'"_s, u"sel"_s, u"表"_s, 7, 2, QVariant(), u"x"_s, u"y"_s, 8});
            conn->exec(d.upsert(table, columns, {columns.at(0)}, 1),
                       {1, u"again"_s, u"sel"_s, u"表 2"_s, 9});
            QCOMPARE(conn->scalar(u"SELECT "_s + d.quote(columns.at(3)) + u" FROM "_s
                                          + d.quote(table) + u" WHERE "_s
                                          + d.keyIn({columns.at(0)}, 1),
                                  {1})
                             .toString(),
                     u"表 2"_s);
            QCOMPARE(conn->scalar(u"SELECT COUNT(*) FROM "_s + d.quote(table)).toLongLong(), 2);
            conn->exec(u"DROP TABLE "_s + d.quote(table));
            QVERIFY(!d.tableExists(*conn, table));
        }
        // A missing table is an empty schema, not an error.
        QVERIFY(!d.describeTable(*conn, u"no such table "_s + suffix).exists());
    }

    void hostileNamesThroughThePasses()
    {
        TIDEMARK_SERVER_OR_SKIP(tidemark::DriverKind::Postgres, u"pg"_s, pg);
        auto conn = open(inSchema(pg));
        const Dialect &d = conn->dialect();
        const QString suffix = randomSuffix();
        const QString source = u"order \"details\"; -- "_s + suffix;
        const QString mirror = u"mirror.of naïve 表 "_s + suffix;
        conn->exec(u"CREATE TABLE "_s + d.quote(source)
                   + u" (\"key\" bigint, \"select\" text, "
                     "\"a\"\"b\" numeric(10,2), \"order\" timestamptz, PRIMARY KEY (\"select\", "
                     "\"key\"))"_s);
        for (int i = 1; i <= 25; ++i)
            conn->exec(u"INSERT INTO "_s + d.quote(source) + u" VALUES (?, ?, ?, ?)"_s,
                       {i, u"sel'ect %1"_s.arg(i % 3), u"%1.25"_s.arg(i),
                        u"2026-11-21 10:15:00.%1"_s.arg(i, 6, 10, QChar(u'0'))});
        PgPair pair(inSchema(pg));
        const QString mapping = u"hostile_"_s + suffix;
        pair.addMapping(mapping, source, mirror, u"order"_s).batchRows = 4;
        QCOMPARE(pair.run(OperationKind::Prepare, mapping).run.result, u"ok"_s);
        const OperationResult sync = pair.run(OperationKind::Sync, mapping);
        QVERIFY2(sync.ok(), qPrintable(sync.run.error));
        QCOMPARE(sync.run.rowsWritten, 25);
        conn->exec(u"DELETE FROM "_s + d.quote(source) + u" WHERE \"key\" <= 3"_s);
        const OperationResult sweep = pair.run(OperationKind::Sweep, mapping);
        QVERIFY2(sweep.ok(), qPrintable(sweep.run.error));
        QCOMPARE(sweep.run.rowsDeleted, 3);
        QCOMPARE(textDifferences(*conn, source, mirror, u"key"_s), QString());
        conn->exec(u"DROP TABLE "_s + d.quote(source));
        conn->exec(u"DROP TABLE "_s + d.quote(mirror));
    }

    void describeTableReportsTypes()
    {
        TIDEMARK_SERVER_OR_SKIP(tidemark::DriverKind::Postgres, u"pg"_s, pg);
        auto conn = open(inSchema(pg));
        const Dialect &d = conn->dialect();
        const QString table = u"described_"_s + randomSuffix();
        conn->exec(u"CREATE TABLE "_s + d.quote(table)
                   + u" (i2 smallint, i4 integer, b bigint NOT NULL, n numeric(30,10) NOT NULL,"
                     " nu numeric, f4 real, f8 double precision, t text, v varchar(20),"
                     " c char(3), u uuid, by bytea, bo boolean, d date, tm time(4),"
                     " ts timestamp, ts3 timestamp(3), tz timestamptz(6), j json, jb jsonb,"
                     " iv interval, arr integer[], a text NOT NULL,"
                     " PRIMARY KEY (a, b))"_s);
        const TableSchema s = d.describeTable(*conn, table);
        QCOMPARE(s.sourceKind, DriverKind::Postgres);
        QCOMPARE(s.columnNames(),
                 (QStringList{u"i2"_s, u"i4"_s, u"b"_s,  u"n"_s,   u"nu"_s,  u"f4"_s,
                              u"f8"_s, u"t"_s,  u"v"_s,  u"c"_s,   u"u"_s,   u"by"_s,
                              u"bo"_s, u"d"_s,  u"tm"_s, u"ts"_s,  u"ts3"_s, u"tz"_s,
                              u"j"_s,  u"jb"_s, u"iv"_s, u"arr"_s, u"a"_s}));
        // Key order is the constraint's, not the table's column order.
        QCOMPARE(s.primaryKey, (QStringList{u"a"_s, u"b"_s}));
        struct Expect
        {
            QString name;
            QString type;
            ValueClass cls;
            int precision;
            int scale;
            bool nullable;
        };
        const QList<Expect> expected{
                {u"i2"_s, u"smallint"_s, ValueClass::Integer, -1, 0, true},
                {u"b"_s, u"bigint"_s, ValueClass::Integer, -1, 0, false},
                {u"n"_s, u"numeric(30,10)"_s, ValueClass::Decimal, 30, 10, false},
                {u"nu"_s, u"numeric"_s, ValueClass::Decimal, -1, 0, true},
                {u"f4"_s, u"real"_s, ValueClass::Real, -1, 0, true},
                {u"f8"_s, u"double precision"_s, ValueClass::Real, -1, 0, true},
                {u"v"_s, u"character varying(20)"_s, ValueClass::Text, -1, 0, true},
                {u"c"_s, u"character(3)"_s, ValueClass::Text, -1, 0, true},
                {u"u"_s, u"uuid"_s, ValueClass::Text, -1, 0, true},
                {u"by"_s, u"bytea"_s, ValueClass::Blob, -1, 0, true},
                {u"bo"_s, u"boolean"_s, ValueClass::Boolean, -1, 0, true},
                {u"d"_s, u"date"_s, ValueClass::Date, -1, 0, true},
                {u"tm"_s, u"time(4) without time zone"_s, ValueClass::Time, 4, 0, true},
                {u"ts"_s, u"timestamp without time zone"_s, ValueClass::Timestamp, 6, 0, true},
                {u"ts3"_s, u"timestamp(3) without time zone"_s, ValueClass::Timestamp, 3, 0, true},
                {u"tz"_s, u"timestamp(6) with time zone"_s, ValueClass::TimestampTz, 6, 0, true},
                {u"j"_s, u"json"_s, ValueClass::Json, -1, 0, true},
                {u"jb"_s, u"jsonb"_s, ValueClass::Json, -1, 0, true},
                {u"iv"_s, u"interval"_s, ValueClass::Unknown, -1, 0, true},
                {u"arr"_s, u"integer[]"_s, ValueClass::Unknown, -1, 0, true},
                {u"a"_s, u"text"_s, ValueClass::Text, -1, 0, false},
        };
        for (const Expect &e : expected) {
            const ColumnInfo *c = s.column(e.name);
            QVERIFY(c);
            QCOMPARE(c->declaredType, e.type);
            QCOMPARE(int(c->valueClass), int(e.cls));
            QCOMPARE(c->nullable, e.nullable);
            if (e.cls == ValueClass::Decimal || e.cls == ValueClass::Time
                || e.cls == ValueClass::Timestamp || e.cls == ValueClass::TimestampTz) {
                QCOMPARE(c->precision, e.precision);
                QCOMPARE(c->scale, e.scale);
            }
        }
        conn->exec(u"DROP TABLE "_s + d.quote(table));
    }

    void describeTableFollowsSearchPath()
    {
        TIDEMARK_SERVER_OR_SKIP(tidemark::DriverKind::Postgres, u"pg"_s, pg);
        auto conn = open(inSchema(pg));
        const Dialect &d = conn->dialect();
        const QString other = m_schema + u"_other"_s;
        const QString table = u"elsewhere_"_s + randomSuffix();
        conn->exec(u"CREATE SCHEMA "_s + d.quote(other));
        conn->exec(u"CREATE TABLE "_s + d.quote(other) + u'.' + d.quote(table)
                   + u" (id bigint PRIMARY KEY)"_s);
        QVERIFY(!d.describeTable(*conn, table).exists());
        conn->exec(u"SET search_path TO "_s + d.quote(m_schema) + u", "_s + d.quote(other));
        QCOMPARE(d.describeTable(*conn, table).primaryKey, QStringList{u"id"_s});
        // Not a schema-qualified name: "schema.table" is one identifier nobody created.
        QVERIFY(!d.describeTable(*conn, other + u'.' + table).exists());
        conn->exec(u"DROP SCHEMA "_s + d.quote(other) + u" CASCADE"_s);
    }

    void sessionIsPinned()
    {
        TIDEMARK_SERVER_OR_SKIP(tidemark::DriverKind::Postgres, u"pg"_s, pg);
        auto conn = open(inSchema(pg));
        QCOMPARE(conn->scalar(u"SHOW TimeZone"_s).toString(), u"UTC"_s);
        // statement_timeout_s, default 120 s.
    QCOMPARE(conn->scalar(u"SHOW statement_timeout"_s).toString(), u"2min"_s);
        QCOMPARE(conn->scalar(u"SHOW lock_timeout"_s).toString(), u"30s"_s);
        QCOMPARE(conn->scalar(u"SHOW extra_float_digits"_s).toString(), u"3"_s);
        QVERIFY(conn->scalar(u"SHOW DateStyle"_s).toString().startsWith(u"ISO"_s));
        QCOMPARE(conn->scalar(u"SHOW client_encoding"_s).toString(), u"UTF8"_s);
    }

    void foreignCanonicalValuesBind()
    {
        // Canonical values as other dialects produce them, bound into PostgreSQL columns.
        TIDEMARK_SERVER_OR_SKIP(tidemark::DriverKind::Postgres, u"pg"_s, pg);
        auto conn = open(inSchema(pg));
        const Dialect &d = conn->dialect();
        const QString table = u"foreign_"_s + randomSuffix();
        conn->exec(u"CREATE TABLE "_s + d.quote(table)
                   + u" (id bigint PRIMARY KEY, tz timestamptz(6), ts timestamp(6), n numeric,"
                     " f double precision, bo boolean, i integer, by bytea, d date, t text)"_s);
        const TableSchema schema = d.describeTable(*conn, table);
        const TableCodec codec(d, schema, schema.columnNames());
        const QList<QVariantList> rows{
                // MariaDB/PG canonical timestamps (UTC, no suffix) into timestamptz: UTC.
                {qlonglong(1), u"2026-11-21 10:15:00.123456"_s, u"2026-11-21 10:15:00.123456"_s,
                 u"NaN"_s, 0.1, true, qlonglong(7), QByteArray("\0\1", 2), u"2026-11-21"_s, u"x"_s},
                // SQLite text timestamps with a 'T' and with an offset; SQLite numbers.
                {qlonglong(2), u"2026-11-21T10:15:00.5"_s, u"2026-11-21T12:15:00.25+02:00"_s, 0.1,
                 qlonglong(3), qlonglong(1), 7.0, u"bytes"_s, u"2026-11-21"_s, qlonglong(42)},
                {qlonglong(3), QVariant(), QVariant(), u"-0.0000000001"_s, -0.0, false, QVariant(),
                 QByteArray("", 0), QVariant(), u""_s},
        };
        QVariantList binds;
        for (const QVariantList &row : rows)
            binds << codec.toDriver(row);
        conn->exec(d.upsert(table, schema.columnNames(), {u"id"_s}, int(rows.size()),
                            codec.placeholders()),
                   binds);
        const QList<QStringList> text = readAsText(*conn, table, u"id"_s);
        QCOMPARE(text.at(0),
                 (QStringList{u"1"_s, u"2026-11-21 10:15:00.123456+00"_s,
                              u"2026-11-21 10:15:00.123456"_s, u"NaN"_s, u"0.1"_s, u"true"_s,
                              u"7"_s, u"0001"_s, u"2026-11-21"_s, u"x"_s}));
        QCOMPARE(text.at(1),
                 (QStringList{u"2"_s, u"2026-11-21 10:15:00.5+00"_s, u"2026-11-21 10:15:00.25"_s,
                              u"0.1"_s, u"3"_s, u"true"_s, u"7"_s, u"6279746573"_s, u"2026-11-21"_s,
                              u"42"_s}));
        QCOMPARE(text.at(2),
                 (QStringList{u"3"_s, QString(), QString(), u"-0.0000000001"_s, u"-0"_s, u"false"_s,
                              QString(), u""_s, QString(), u""_s}));
        QVERIFY(!text.at(2).at(7).isNull()); // an empty bytea is not NULL
        QVERIFY(!text.at(2).at(9).isNull()); // nor an empty text
        conn->exec(u"DROP TABLE "_s + d.quote(table));
    }

    // The backfill's read-ahead reads on a connection of its own. When that connection is
    // killed mid-table, the read must fail as a lost connection; it must never look like the
    // end of the table (the rows after the break would never be compared).
    void readAheadLossIsAnErrorNotTheEnd()
    {
        TIDEMARK_SERVER_OR_SKIP(tidemark::DriverKind::Postgres, u"pg"_s, pg);
        auto conn = open(inSchema(pg));
        const Dialect &d = conn->dialect();
        const QString table = u"read_ahead_"_s + randomSuffix();
        conn->exec(u"CREATE TABLE "_s + d.quote(table)
                   + u" AS SELECT g::bigint AS id, md5(g::text) AS t FROM generate_series(1, 20000) g"_s);
        conn->exec(u"ALTER TABLE "_s + d.quote(table) + u" ADD PRIMARY KEY (id)"_s);
        const TableSchema schema = d.describeTable(*conn, table);
        std::atomic<bool> cancel = false;

        // Whole, it reads every row in key order.
        {
            PageReader reader(inSchema(pg), schema, table, {u"id"_s, u"t"_s}, {u"id"_s}, 700,
                              &cancel);
            QList<QVariantList> page;
            qint64 rows = 0;
            qint64 last = 0;
            while (reader.next(page)) {
                for (const QVariantList &row : page) {
                    QCOMPARE(row.at(0).toLongLong(), last + 1);
                    last = row.at(0).toLongLong();
                }
                rows += page.size();
            }
            QCOMPARE(rows, 20000);
        }

        // Named, so the test ends this session and no other test's.
        ConnectionConfig named = inSchema(pg);
        const QString app = u"tm_read_ahead_"_s + randomSuffix();
        named.options += u";application_name="_s + app;
        PageReader reader(named, schema, table, {u"id"_s, u"t"_s}, {u"id"_s}, 100, &cancel);
        QList<QVariantList> page;
        QVERIFY(reader.next(page));
        qint64 rows = page.size();
        const QVariant killed = conn->scalar(
                u"SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE application_name = ?"_s, {app});
        QVERIFY2(killed.toInt() >= 1, "the read-ahead's session was not found");
        bool failed = false;
        try {
            while (reader.next(page))
                rows += page.size();
        } catch (const DbError &e) {
            failed = true;
            QVERIFY2(e.isTransient(), qPrintable(e.message()));
        }
        QVERIFY2(failed, qPrintable(u"the read ended quietly after %1 of 20000 rows"_s.arg(rows)));
        QVERIFY(rows < 20000);
    }

    void copyFailureRollsBackAndKeepsTheConnection()
    {
        if (!copyUpsertAvailable()) {
            // CI installs libpq-dev (scripts/install-deps.sh): a build without it is a broken
            // set-up there, not a reason to skip.
            if (tidemark::test::serversRequired())
                QFAIL("built without libpq: no COPY path");
            QSKIP("built without libpq: no COPY path");
        }
        TIDEMARK_SERVER_OR_SKIP(tidemark::DriverKind::Postgres, u"pg"_s, pg);
        auto conn = open(inSchema(pg));
        const Dialect &d = conn->dialect();
        const QString table = u"copy_failure_"_s + randomSuffix();
        conn->exec(u"CREATE TABLE "_s + d.quote(table)
                   + u" (id bigint PRIMARY KEY, v integer CHECK (v > 0), t text)"_s);
        const TableSchema schema = d.describeTable(*conn, table);
        const TableCodec codec(d, schema, schema.columnNames());
        QList<QVariantList> rows;
        for (int i = 1; i <= 40; ++i)
            rows << QVariantList{qlonglong(i), qlonglong(i), u"row %1"_s.arg(i)};
        const QStringList key{u"id"_s};
        // No transaction: the staging table would vanish before the upsert.
        QVERIFY(!copyUpsert(*conn, codec, table, key, rows));

        // A value the column's input function refuses fails the COPY itself...
        rows[20][1] = u"not a number"_s;
        {
            Transaction tx(*conn);
            QVERIFY_THROWS_EXCEPTION(DbError, copyUpsert(*conn, codec, table, key, rows));
        }
        // ...and one the table refuses fails the upsert from the staging table.
        rows[20][1] = qlonglong(-1);
        {
            Transaction tx(*conn);
            try {
                copyUpsert(*conn, codec, table, key, rows);
                QFAIL("the CHECK constraint did not fail the batch");
            } catch (const DbError &e) {
                QVERIFY2(!e.isTransient() && e.message().contains(u"23514"_s),
                         qPrintable(e.message()));
            }
        }
        // Both rolled back; the connection works and the next batch goes through.
        QCOMPARE(conn->scalar(u"SELECT COUNT(*) FROM "_s + d.quote(table)).toLongLong(), 0);
        rows[20][1] = qlonglong(21);
        for (int pass = 0; pass < 2; ++pass) {
            Transaction tx(*conn);
            QVERIFY(copyUpsert(*conn, codec, table, key, rows));
            // A second batch in the same transaction gets its own staging table.
            QVERIFY(copyUpsert(*conn, codec, table, key, rows.mid(0, 5)));
            tx.commit();
            for (QVariantList &row : rows)
                row[1] = row[1].toLongLong() + 100; // the second pass updates every row
        }
        QCOMPARE(conn->scalar(u"SELECT COUNT(*) FROM "_s + d.quote(table)).toLongLong(), 40);
        QCOMPARE(conn->scalar(u"SELECT SUM(v) FROM "_s + d.quote(table)).toLongLong(),
                 40 * 41 / 2 + 40 * 100);
        conn->exec(u"DROP TABLE "_s + d.quote(table));
    }

    void valuesRoundTripThroughThePasses_data()
    {
        QTest::addColumn<int>("batchRows");
        QTest::addColumn<int>("fillers");
        QTest::addColumn<bool>("copy");
        // Pages of two rows are written by multi-row upserts; one page of 47 rows goes through
        // COPY into a staging table (when the build has libpq).
        QTest::newRow("multi-row upserts") << 2 << 0 << false;
        QTest::newRow("COPY") << 1000 << 40 << copyUpsertAvailable();
    }

    void valuesRoundTripThroughThePasses()
    {
        QFETCH(int, batchRows);
        QFETCH(int, fillers);
        QFETCH(bool, copy);
        TIDEMARK_SERVER_OR_SKIP(tidemark::DriverKind::Postgres, u"pg"_s, pg);
        auto conn = open(inSchema(pg));
        const Dialect &d = conn->dialect();
        const QString suffix = randomSuffix();
        const QString source = u"values_src_"_s + suffix;
        const QString mirror = u"values_mirror_"_s + suffix;
        conn->exec(u"CREATE TABLE "_s + d.quote(source)
                   + u" (id bigint PRIMARY KEY, n numeric(30,10), nu numeric, ts timestamp(6),"
                     " tz timestamptz(6), d date, tm time(6), bo boolean, f double precision,"
                     " f4 real, t text, c char(4), by bytea, j json, jb jsonb, u uuid,"
                     " iv interval, arr text[], i4 integer, upd timestamptz(6))"_s);
        const QString megabyte = QString(1024 * 1024, u'x') + u"🚀 end"_s;
        const QString hostileText = u"Zoë 🚀 \"q\" 'a' \\ \\\\ \\N \t tab\nline\r 表 ''"_s;
        const QByteArray bytes("\x00\x01\xff\x00\\N\t\n\x7f'\"", 12);
        const QString json = u"{\"b\": 1,  \"a\" : [1, 2.50, \"x\\u00e9\"], \"b\": 2}"_s;
        const QString insert = u"INSERT INTO "_s + d.quote(source)
                + u" (id, n, nu, ts, tz, d, tm, bo, f, f4, t, c, by, j, jb, u, iv, arr, i4, upd)"
                  " VALUES (?, CAST(? AS numeric), CAST(? AS numeric), ?, ?, ?, ?, ?,"
                  " CAST(? AS double precision), CAST(? AS real), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"_s;
        const QVariant null;
        // Rows with microsecond cursors that share one millisecond: a checkpoint truncated to
        // milliseconds would re-read (and count) them on every pass.
        conn->exec(insert,
                   {qlonglong(9007199254740993LL),
                    u"12345678901234567890.1234567890"_s,
                    u"123456789012345678901234567890.000000000000000000001"_s,
                    u"2026-11-21 10:15:00.123456"_s,
                    u"2026-11-21 10:15:00.123456+00"_s,
                    u"2026-11-21"_s,
                    u"23:59:59.999999"_s,
                    true,
                    u"-0"_s,
                    u"1.1"_s,
                    hostileText,
                    u"ab"_s,
                    bytes,
                    json,
                    json,
                    u"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"_s,
                    u"1 day 02:03:04.5"_s,
                    u"{a,\"b c\",NULL}"_s,
                    2147483647,
                    u"2026-11-21 10:15:00.100001"_s});
        conn->exec(insert,
                   {qlonglong(-9007199254740993LL),
                    u"-0.0000000001"_s,
                    u"NaN"_s,
                    u"0001-01-01 00:00:00.000001"_s,
                    u"1900-01-01 00:00:00.5+00"_s,
                    u"0044-03-15 BC"_s,
                    u"00:00:00"_s,
                    false,
                    u"1e308"_s,
                    u"-0"_s,
                    u""_s,
                    u""_s,
                    QByteArray("", 0),
                    u"[]"_s,
                    u"{}"_s,
                    null,
                    null,
                    null,
                    -2147483647 - 1,
                    u"2026-11-21 10:15:00.100002"_s});
        conn->exec(insert,
                   {qlonglong(3),
                    u"0"_s,
                    u"1.5000"_s,
                    u"0044-03-15 12:00:00.25 BC"_s,
                    u"294276-12-31 23:59:59.999999+00"_s,
                    u"infinity"_s,
                    u"12:00:00.5"_s,
                    true,
                    u"4.9e-324"_s,
                    u"NaN"_s,
                    megabyte,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    0,
                    u"2026-11-21 10:15:00.100003"_s});
        conn->exec(insert,
                   {qlonglong(4),
                    u"99999999999999999999.9999999999"_s,
                    u"-Infinity"_s,
                    u"-infinity"_s,
                    u"infinity"_s,
                    u"2026-02-28"_s,
                    u"24:00:00"_s,
                    null,
                    u"NaN"_s,
                    u"3.4028235e38"_s,
                    u"\U0001F600"_s,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    u"2026-11-21 10:15:00.999999"_s});
        conn->exec(insert, {qlonglong(5), u"1"_s, null, null,          null,
                            null,         null,   null, u"Infinity"_s, u"1e-45"_s,
                            null,         null,   null, null,          null,
                            null,         null,   null, null,          u"2026-11-21 10:15:01"_s});
        conn->exec(insert,
                   {qlonglong(6), u"-1"_s, null, null,           null,
                    null,         null,    null, u"-Infinity"_s, null,
                    null,         null,    null, null,           null,
                    null,         null,    null, null,           u"2026-11-21 10:15:01.000001"_s});
        conn->exec(insert,
                   {qlonglong(7), u"0.5"_s, null, null,        null,
                    null,         null,     null, u"5e-324"_s, null,
                    null,         null,     null, null,        null,
                    null,         null,     null, null,        u"2026-11-21 10:15:01.000001"_s});
        // NULL in every column but the key, the cursor included: only the backfill carries it.
        conn->exec(insert, {qlonglong(8), null, null, null, null, null, null, null, null, null,
                            null,         null, null, null, null, null, null, null, null, null});
        // Rows between id 8 and the largest id, so the rows checked below keep their places.
        for (int i = 0; i < fillers; ++i)
            conn->exec(insert,
                       {qlonglong(1000 + i),
                        u"%1.5"_s.arg(i),
                        null,
                        null,
                        null,
                        null,
                        null,
                        i % 2 == 0,
                        null,
                        null,
                        hostileText,
                        null,
                        bytes,
                        json,
                        json,
                        null,
                        null,
                        null,
                        i,
                        u"2026-11-21 10:14:00.%1"_s.arg(i)});

        PgPair pair(inSchema(pg));
        const QString mapping = u"values_"_s + suffix;
        MappingConfig &m = pair.addMapping(mapping, source, mirror, u"upd"_s);
        m.batchRows = batchRows;
        m.lookback = 30;
        bool copied = false;
        pair.connection(u"mirror"_s).setStatementHook([&copied](const QString &sql) {
            copied = copied || sql.startsWith(u"CREATE TEMPORARY TABLE"_s);
        });
        const OperationResult prepare = pair.run(OperationKind::Prepare, mapping);
        QVERIFY2(prepare.ok(), qPrintable(prepare.run.error));
        // The mirror was created from the source's declared types, verbatim.
        {
            const TableSchema s = d.describeTable(*conn, source);
            const TableSchema mi = d.describeTable(*conn, mirror);
            QCOMPARE(mi.columnNames(), s.columnNames());
            QCOMPARE(mi.primaryKey, s.primaryKey);
            for (const ColumnInfo &c : s.columns)
                QCOMPARE(mi.column(c.name)->declaredType, c.declaredType);
        }
        const OperationResult sync = pair.run(OperationKind::Sync, mapping);
        QVERIFY2(sync.ok(), qPrintable(sync.run.error));
        QCOMPARE(sync.run.rowsWritten, 7 + fillers);
        QCOMPARE(copied, copy);
        OperationOptions noGate;
        noGate.noGate = true;
        const OperationResult backfill = pair.run(OperationKind::Backfill, mapping, noGate);
        QVERIFY2(backfill.ok(), qPrintable(backfill.run.error));
        // Only the NULL-cursor row was missing; every other row compared equal and was not
        // rewritten (a value that did not survive the trip would be "different" here).
        QCOMPARE(backfill.run.rowsWritten, 1);

        // Byte for byte as PostgreSQL prints the values. Column 2 is an unconstrained numeric:
        // it keeps the scale it was written with ("1.5000"), which the canonical form drops so
        // that every dialect compares like with like; the mirror holds the same number ("1.5").
        const QList<int> unconstrainedNumeric{2};
        QCOMPARE(textDifferences(*conn, source, mirror, u"id"_s, unconstrainedNumeric), QString());
        QCOMPARE(readAsText(*conn, source, u"id"_s).at(1).at(2), u"1.5000"_s);
        QCOMPARE(readAsText(*conn, mirror, u"id"_s).at(1).at(2), u"1.5"_s);

        // And the canonical values, which is what other dialects receive.
        const QList<QVariantList> src = readCanonical(*conn, source, u"id"_s);
        const QList<QVariantList> mir = readCanonical(*conn, mirror, u"id"_s);
        QCOMPARE(mir.size(), src.size());
        for (qsizetype r = 0; r < src.size(); ++r)
            for (qsizetype c = 0; c < src.at(r).size(); ++c)
                QVERIFY2(sameValue(src.at(r).at(c), mir.at(r).at(c)),
                         qPrintable(u"row %1 column %2: %3 vs %4"_s.arg(r).arg(c).arg(
                                 displayText(src.at(r).at(c)).left(50),
                                 displayText(mir.at(r).at(c)).left(50))));
        // Rows are ordered by id: -9007199254740993, 3, 4, ..., 9007199254740993.
        const QVariantList &neg = src.at(0);
        const QVariantList &big = src.last();
        QCOMPARE(big.at(0).metaType().id(), int(QMetaType::LongLong));
        QCOMPARE(big.at(0).toLongLong(), 9007199254740993LL);
        QCOMPARE(neg.at(0).toLongLong(), -9007199254740993LL);
        QCOMPARE(big.at(1).toString(), u"12345678901234567890.123456789"_s);
        QCOMPARE(big.at(2).toString(), u"123456789012345678901234567890.000000000000000000001"_s);
        QCOMPARE(neg.at(1).toString(), u"-0.0000000001"_s);
        QCOMPARE(neg.at(2).toString(), u"NaN"_s);
        QCOMPARE(big.at(3).toString(), u"2026-11-21 10:15:00.123456"_s);
        QCOMPARE(big.at(4).toString(), u"2026-11-21 10:15:00.123456"_s);
        QCOMPARE(neg.at(3).toString(), u"0001-01-01 00:00:00.000001"_s);
        QCOMPARE(neg.at(4).toString(), u"1900-01-01 00:00:00.5"_s);
        QCOMPARE(big.at(5).toString(), u"2026-11-21"_s);
        QCOMPARE(big.at(6).toString(), u"23:59:59.999999"_s);
        QCOMPARE(big.at(7).metaType().id(), int(QMetaType::Bool));
        QVERIFY(big.at(8).toDouble() == 0 && std::signbit(big.at(8).toDouble()));
        QVERIFY(big.at(9).toDouble() == double(1.1f)); // the float4's exact value
        QCOMPARE(big.at(10).toString(), hostileText);
        QCOMPARE(big.at(12).toByteArray(), bytes);
        QCOMPARE(big.at(13).toString(), json);
        QVERIFY(neg.at(8).toDouble() == 1e308);
        QCOMPARE(neg.at(12).metaType().id(), int(QMetaType::QByteArray));
        QVERIFY(!neg.at(12).isNull() && neg.at(12).toByteArray().isEmpty());
        QVERIFY(src.at(1).at(8).toDouble() == 4.9e-324); // denormal
        QVERIFY(std::isnan(src.at(1).at(9).toDouble()));
        QCOMPARE(src.at(1).at(10).toString().size(), megabyte.size());
        QCOMPARE(src.at(1).at(3).toString(), u"0044-03-15 12:00:00.25 BC"_s);
        QVERIFY(std::isnan(src.at(2).at(8).toDouble()));
        QVERIFY(src.at(4).at(8).toDouble() == -double(INFINITY));
        QVERIFY(src.at(5).at(8).toDouble() == 5e-324);
        for (qsizetype c = 1; c < src.at(6).size(); ++c)
            QVERIFY2(src.at(6).at(c).isNull() && mir.at(6).at(c).isNull(),
                     qPrintable(u"column %1 of the NULL row"_s.arg(c)));

        // The checkpoint keeps the microseconds, and a pass with nothing new writes nothing:
        // bound back, it compares equal to the row it came from.
        Checkpoint cp = pair.checkpoint(mapping);
        QCOMPARE(cp.cursor.toString(), u"2026-11-21 10:15:01.000001"_s);
        QCOMPARE(cp.key, (QVariantList{qlonglong(7)}));
        OperationResult again = pair.run(OperationKind::Sync, mapping);
        QVERIFY2(again.ok(), qPrintable(again.run.error));
        QCOMPARE(again.run.rowsWritten, 0);

        // An update one microsecond past the checkpoint, changing a timestamp by one
        // microsecond: exactly that row is written.
        conn->exec(u"UPDATE "_s + d.quote(source)
                           + u" SET ts = ts + INTERVAL '1 microsecond', upd = ? WHERE id = ?"_s,
                   {u"2026-11-21 10:15:01.000002"_s, qlonglong(-9007199254740993LL)});
        again = pair.run(OperationKind::Sync, mapping);
        QVERIFY2(again.ok(), qPrintable(again.run.error));
        QCOMPARE(again.run.rowsWritten, 1);
        cp = pair.checkpoint(mapping);
        QCOMPARE(cp.cursor.toString(), u"2026-11-21 10:15:01.000002"_s);
        QCOMPARE(cp.key, (QVariantList{qlonglong(-9007199254740993LL)}));
        QCOMPARE(textDifferences(*conn, source, mirror, u"id"_s, unconstrainedNumeric), QString());

        // A row that commits late with a cursor 5 s behind the checkpoint (inside lookback_s)
        // is found by the lookback re-read.
        conn->exec(insert, {qlonglong(100), u"42"_s, null, null, null,
                            null,           null,    null, null, null,
                            u"late"_s,      null,    null, null, null,
                            null,           null,    null, null, u"2026-11-21 10:14:56.000002"_s});
        again = pair.run(OperationKind::Sync, mapping);
        QVERIFY2(again.ok(), qPrintable(again.run.error));
        QCOMPARE(again.run.rowsWritten, 1);
        QCOMPARE(textDifferences(*conn, source, mirror, u"id"_s, unconstrainedNumeric), QString());
        // The checkpoint did not move back to the late row.
        QCOMPARE(pair.checkpoint(mapping).cursor.toString(), u"2026-11-21 10:15:01.000002"_s);

        conn->exec(u"DROP TABLE "_s + d.quote(source));
        conn->exec(u"DROP TABLE "_s + d.quote(mirror));
    }

    void numericCursorPagesInNumericOrder()
    {
        // Selecting a numeric column as text under its own name made ORDER BY "c" sort the
        // text: '10' < '9', so keyset pages skipped rows. The text column has an alias now.
        TIDEMARK_SERVER_OR_SKIP(tidemark::DriverKind::Postgres, u"pg"_s, pg);
        auto conn = open(inSchema(pg));
        const Dialect &d = conn->dialect();
        const QString suffix = randomSuffix();
        const QString source = u"numcursor_src_"_s + suffix;
        const QString mirror = u"numcursor_mirror_"_s + suffix;
        conn->exec(u"CREATE TABLE "_s + d.quote(source)
                   + u" (k numeric(20,2) PRIMARY KEY, version numeric(20,0) NOT NULL)"_s);
        const QStringList values{u"9"_s, u"10"_s, u"100"_s, u"11"_s, u"2"_s, u"1000"_s, u"95"_s};
        for (const QString &v : values)
            conn->exec(u"INSERT INTO "_s + d.quote(source)
                               + u" VALUES (CAST(? AS numeric), "
                                 "CAST(? AS numeric))"_s,
                       QVariantList{QString(v + u".5"_s), v});
        PgPair pair(inSchema(pg));
        const QString mapping = u"numcursor_"_s + suffix;
        MappingConfig &m = pair.addMapping(mapping, source, mirror, u"version"_s);
        m.batchRows = 1;
        m.lookback = 5;
        QVERIFY(pair.run(OperationKind::Prepare, mapping).ok());
        OperationResult r = pair.run(OperationKind::Sync, mapping);
        QVERIFY2(r.ok(), qPrintable(r.run.error));
        QCOMPARE(r.run.rowsWritten, qint64(values.size()));
        QCOMPARE(pair.checkpoint(mapping).cursor.toString(), u"1000"_s);
        // Late row inside the numeric lookback (1000 - 5).
        conn->exec(u"INSERT INTO "_s + d.quote(source) + u" VALUES (7.25, 996)"_s);
        r = pair.run(OperationKind::Sync, mapping);
        QVERIFY2(r.ok(), qPrintable(r.run.error));
        QCOMPARE(r.run.rowsWritten, 1);
        QCOMPARE(textDifferences(*conn, source, mirror, u"k"_s), QString());
        conn->exec(u"DROP TABLE "_s + d.quote(source));
        conn->exec(u"DROP TABLE "_s + d.quote(mirror));
    }

    void textCursorRereadsEverythingBehindTheCheckpoint()
    {
        TIDEMARK_SERVER_OR_SKIP(tidemark::DriverKind::Postgres, u"pg"_s, pg);
        auto conn = open(inSchema(pg));
        const Dialect &d = conn->dialect();
        const QString suffix = randomSuffix();
        const QString source = u"textcursor_src_"_s + suffix;
        const QString mirror = u"textcursor_mirror_"_s + suffix;
        conn->exec(u"CREATE TABLE "_s + d.quote(source)
                   + u" (id integer PRIMARY KEY, stamp text NOT NULL)"_s);
        conn->exec(u"INSERT INTO "_s + d.quote(source)
                   + u" VALUES (1, '2026-11-21T10:00'), (2, '2026-11-21T11:00')"_s);
        PgPair pair(inSchema(pg));
        const QString mapping = u"textcursor_"_s + suffix;
        pair.addMapping(mapping, source, mirror, u"stamp"_s).lookback = 30;
        QVERIFY(pair.run(OperationKind::Prepare, mapping).ok());
        QCOMPARE(pair.run(OperationKind::Sync, mapping).run.rowsWritten, 2);
        // A late row far behind the checkpoint: no "minus 30 seconds" for text, so the bound
        // is the lowest possible and the late row is still found.
        conn->exec(u"INSERT INTO "_s + d.quote(source) + u" VALUES (3, '2000-01-01')"_s);
        const OperationResult r = pair.run(OperationKind::Sync, mapping);
        QVERIFY2(r.ok(), qPrintable(r.run.error));
        QCOMPARE(r.run.rowsWritten, 1);
        QCOMPARE(textDifferences(*conn, source, mirror, u"id"_s), QString());
        conn->exec(u"DROP TABLE "_s + d.quote(source));
        conn->exec(u"DROP TABLE "_s + d.quote(mirror));
    }

    void backfillThroughput()
    {
        // Prints rows per second for a backfill into an empty mirror and checks every row
        // arrived. The suite runs a short version; TIDEMARK_PG_BENCH=<rows> runs a bigger one.
        TIDEMARK_SERVER_OR_SKIP(tidemark::DriverKind::Postgres, u"pg"_s, pg);
        const int rows = qEnvironmentVariableIsSet("TIDEMARK_PG_BENCH")
                ? qEnvironmentVariableIntValue("TIDEMARK_PG_BENCH")
                : 5000;
        auto conn = open(inSchema(pg));
        const Dialect &d = conn->dialect();
        const QString suffix = randomSuffix();
        const QString source = u"bench_src_"_s + suffix;
        const QString mirror = u"bench_mirror_"_s + suffix;
        conn->exec(u"CREATE TABLE "_s + d.quote(source)
                   + u" (id bigint PRIMARY KEY, customer text, total numeric(12,2),"
                     " ratio double precision, updated_at timestamptz(6), note text)"_s);
        conn->exec(u"INSERT INTO "_s + d.quote(source)
                           + u" SELECT g, 'customer ' || g, g * 1.25, g / 7.0,"
                             " TIMESTAMPTZ '2026-11-21 10:00:00' + g * INTERVAL '1 microsecond',"
                             " repeat('x', 40) FROM generate_series(1, ?) g"_s,
                   {rows});
        PgPair pair(inSchema(pg));
        const QString mapping = u"bench_"_s + suffix;
        pair.addMapping(mapping, source, mirror, u"updated_at"_s);
        QVERIFY(pair.run(OperationKind::Prepare, mapping).ok());
        QElapsedTimer timer;
        // Where the time goes: the gap after each statement is charged to its first words.
        QHash<QString, qint64> spent;
        QString last;
        qint64 lastAt = 0;
        auto hook = [&](DbConnection &c, const QString &who) {
            c.setStatementHook([&, who](const QString &sql) {
                const qint64 now = timer.nsecsElapsed();
                if (!last.isEmpty())
                    spent[last] += now - lastAt;
                last = who + u": "_s + sql.section(u' ', 0, 1);
                lastAt = now;
            });
        };
        hook(pair.connection(u"src"_s), u"src"_s);
        hook(pair.connection(u"mirror"_s), u"mirror"_s);
        timer.start();
        const OperationResult r = pair.run(OperationKind::Backfill, mapping);
        const qint64 ms = std::max<qint64>(1, timer.elapsed());
        QVERIFY2(r.ok(), qPrintable(r.run.error));
        QCOMPARE(r.run.rowsWritten, qint64(rows));
        qInfo("backfill of %d rows: %lld ms, %lld rows/s", rows, ms, qint64(rows) * 1000 / ms);
        for (auto it = spent.cbegin(); it != spent.cend(); ++it)
            qInfo("  %-40s %6lld ms", qPrintable(it.key()), it.value() / 1000000);
        QCOMPARE(textDifferences(*conn, source, mirror, u"id"_s), QString());

        // The write path alone, both ways, on the same rows: multi-row upserts of 500 rows
        // (QPSQL's PREPARE + EXECUTE with literals) against COPY batches of 1000.
        const QList<QVariantList> all = readCanonical(*conn, source, u"id"_s);
        const TableSchema schema = d.describeTable(*conn, mirror);
        const TableCodec codec(d, schema, schema.columnNames());
        for (const bool copy : {false, true}) {
            conn->exec(u"TRUNCATE "_s + d.quote(mirror));
            timer.restart();
            for (qsizetype start = 0; start < all.size(); start += copy ? 1000 : 500) {
                const QList<QVariantList> batch = all.mid(start, copy ? 1000 : 500);
                Transaction tx(*conn);
                if (copy) {
                    QVERIFY(copyUpsert(*conn, codec, mirror, {u"id"_s}, batch));
                } else {
                    QVariantList binds;
                    for (const QVariantList &row : batch)
                        binds << codec.toDriver(row);
                    conn->exec(d.upsert(mirror, codec.columns(), {u"id"_s}, int(batch.size())),
                               binds);
                }
                tx.commit();
            }
            const qint64 writeMs = std::max<qint64>(1, timer.elapsed());
            qInfo("%s: %lld ms, %lld rows/s",
                  copy ? "COPY + INSERT ... SELECT" : "multi-row upserts", writeMs,
                  qint64(all.size()) * 1000 / writeMs);
            QCOMPARE(textDifferences(*conn, source, mirror, u"id"_s), QString());
        }
        conn->exec(u"DROP TABLE "_s + d.quote(source));
        conn->exec(u"DROP TABLE "_s + d.quote(mirror));
    }

    void validateReportsLossyMirror()
    {
        TIDEMARK_SERVER_OR_SKIP(tidemark::DriverKind::Postgres, u"pg"_s, pg);
        auto conn = open(inSchema(pg));
        const Dialect &d = conn->dialect();
        const QString suffix = randomSuffix();
        const QString source = u"lossy_src_"_s + suffix;
        const QString mirror = u"lossy_mirror_"_s + suffix;
        conn->exec(u"CREATE TABLE "_s + d.quote(source)
                   + u" (id bigint PRIMARY KEY, amount numeric(30,10), at timestamp(6))"_s);
        conn->exec(u"CREATE TABLE "_s + d.quote(mirror)
                   + u" (id bigint PRIMARY KEY, amount numeric(12,2), at timestamp(3))"_s);
        PgPair pair(inSchema(pg));
        const QString mapping = u"lossy_"_s + suffix;
        pair.addMapping(mapping, source, mirror);
        const OperationResult r = pair.run(OperationKind::Sync, mapping);
        QCOMPARE(r.run.result, u"error"_s);
        QVERIFY2(r.run.error.contains(u"'amount'"_s) && r.run.error.contains(u"'at'"_s),
                 qPrintable(r.run.error));
        conn->exec(u"DROP TABLE "_s + d.quote(source));
        conn->exec(u"DROP TABLE "_s + d.quote(mirror));
    }
};

QTEST_GUILESS_MAIN(TestDialectPostgres)
#include "tst_dialect_postgres.moc"
