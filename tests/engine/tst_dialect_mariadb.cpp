// The MariaDB dialect against a real server: quoting, catalog introspection, keyset paging,
// exact value carriage through QMYSQL, and mirrors that go through the same passes the CLI runs.
// Every test uses its own tables (dropped at the end) and mapping names, since other suites
// share the server.
#include "db/connectionset.h"
#include "db/dbconnection.h"
#include "db/dberror.h"
#include "db/dialect_mariadb.h"
#include "db/mariadbnative.h"
#include "db/dialect_sqlite.h"
#include "db/valuecodec.h"
#include "sync/checkpointstore.h"
#include "sync/keysetpager.h"
#include "sync/mirrorwriter.h"
#include "sync/operations.h"
#include "sync/projectchecker.h"
#include "sync/statusprobe.h"
#include "../common/ciskip.h"
#include "testservers.h"

#include <QCoreApplication>
#include <QScopeGuard>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <memory>

using namespace Qt::StringLiterals;
using namespace tidemark;

namespace {

int g_counter = 0;

// "tmm<pid>_<n>_<stem>": unique on a shared server, short enough for MariaDB's 64 characters.
QString uniqueName(const QString &stem)
{
    return u"tmm%1_%2_%3"_s.arg(QCoreApplication::applicationPid()).arg(++g_counter).arg(stem);
}

// A connection of the test's own, for setting up and reading back. Drops the tables it was told
// about and the state rows of its mappings when it goes, even when a check failed half-way.
class Admin
{
public:
    explicit Admin(const ConnectionConfig &config)
        : m_conn(config, u"test-admin"_s)
    {
        m_conn.open();
    }
    ~Admin()
    {
        for (const QString &t : std::as_const(m_tables)) {
            try {
                m_conn.exec(u"DROP TABLE IF EXISTS "_s + m_d.quote(t));
            } catch (const DbError &e) {
                qWarning("cleanup: %s", qPrintable(e.message()));
            }
        }
        for (const QString &m : std::as_const(m_mappings)) {
            try {
                if (m_d.tableExists(m_conn, CheckpointStore::tableName()))
                    m_conn.exec(u"DELETE FROM "_s + m_d.quote(CheckpointStore::tableName())
                                        + u" WHERE mapping = ?"_s,
                                {m});
            } catch (const DbError &e) {
                qWarning("cleanup: %s", qPrintable(e.message()));
            }
        }
    }

    QString table(const QString &stem)
    {
        const QString t = uniqueName(stem);
        m_tables << t;
        return t;
    }
    QString adopt(const QString &table)
    {
        m_tables << table;
        return table;
    }
    QString mapping(const QString &stem)
    {
        const QString m = uniqueName(stem);
        m_mappings << m;
        return m;
    }
    DbConnection &conn() { return m_conn; }
    const MariaDbDialect &d() const { return m_d; }
    QString q(const QString &name) const { return m_d.quote(name); }

    void exec(const QString &sql, const QVariantList &binds = {}) { m_conn.exec(sql, binds); }
    QVariant scalar(const QString &sql, const QVariantList &binds = {})
    {
        return m_conn.scalar(sql, binds);
    }
    // Each row's values as text (NULL as "<NULL>"), in the order of the query.
    QList<QStringList> rows(const QString &sql, const QVariantList &binds = {})
    {
        QSqlQuery query = m_conn.exec(sql, binds);
        QList<QStringList> out;
        while (query.next()) {
            QStringList row;
            for (int i = 0; i < query.record().count(); ++i) {
                const QVariant v = query.value(i);
                row << (v.isNull() ? u"<NULL>"_s
                                : v.metaType().id() == QMetaType::QByteArray
                                ? QString::fromUtf8(v.toByteArray())
                                : v.toString());
            }
            out << row;
        }
        return out;
    }

private:
    MariaDbDialect m_d;
    DbConnection m_conn;
    QStringList m_tables;
    QStringList m_mappings;
};

// A project over the test server: "src" and "mirror" are two connections to the same database
// (or "src" a SQLite file), with mappings between tables of different names; operations run in
// this thread through the code the CLI uses.
class Bench
{
public:
    explicit Bench(const ConnectionConfig &maria, bool sqliteSource = false)
    {
        ConnectionConfig src = maria;
        src.name = u"src"_s;
        if (sqliteSource) {
            src = ConnectionConfig{};
            src.name = u"src"_s;
            src.driver = DriverKind::Sqlite;
            src.database = m_dir.filePath(u"source.db"_s);
        }
        ConnectionConfig mir = maria;
        mir.name = u"mirror"_s;
        m_project.filePath = m_dir.filePath(u"tidemark.json"_s);
        m_project.folder = m_dir.path();
        m_project.connections.insert(src.name, src);
        m_project.connections.insert(mir.name, mir);
    }

    Project &project() { return m_project; }

    MappingConfig &addMapping(const QString &name, const QString &sourceTable,
                              const QString &mirrorTable, const QString &cursor = {})
    {
        MappingConfig m;
        m.name = name;
        m.source = {u"src"_s, sourceTable};
        m.mirror = {u"mirror"_s, mirrorTable};
        m.cursorColumn = cursor;
        m.batchRows = 3; // several pages even for small tables: keyset paging is exercised
        m_project.mappings.append(m);
        m_connections.reset();
        return m_project.mappings.last();
    }

    DbConnection &connection(const QString &name)
    {
        if (!m_connections)
            m_connections = std::make_unique<ConnectionSet>(m_project, u"test"_s);
        return m_connections->get(name, true);
    }

    OperationResult run(OperationKind kind, const QString &mapping,
                        const OperationOptions &options = {})
    {
        connection(u"mirror"_s);
        const ProjectCheck check =
                checkProject(m_project, *m_connections, mapping, kind != OperationKind::Prepare);
        if (!check.ok()) {
            QStringList problems;
            for (const ProjectError &e : check.errors)
                problems << e.toString();
            OperationResult failed;
            failed.run.result = u"error"_s;
            failed.run.error = problems.join(u"; "_s);
            return failed;
        }
        const ResolvedMapping &m = check.mappings.first();
        MappingContext ctx{m,
                           m_connections->get(m.config.source.connection),
                           m_connections->get(m.config.mirror.connection),
                           nullptr,
                           {}};
        return runOperation(kind, ctx, options);
    }

    StatusMeasurement status(const QString &mapping)
    {
        connection(u"mirror"_s);
        const ProjectCheck check = checkProject(m_project, *m_connections, mapping, true);
        if (!check.ok())
            return {};
        const ResolvedMapping &m = check.mappings.first();
        MappingContext ctx{m,
                           m_connections->get(m.config.source.connection),
                           m_connections->get(m.config.mirror.connection),
                           nullptr,
                           {}};
        return measureStatus(ctx);
    }

    Checkpoint checkpoint(const QString &mapping)
    {
        return CheckpointStore(connection(u"mirror"_s)).load(mapping);
    }

    QString sqlitePath() const { return m_dir.filePath(u"source.db"_s); }

private:
    QTemporaryDir m_dir;
    Project m_project;
    std::unique_ptr<ConnectionSet> m_connections;
};

// A SQLite database of the test's own (for cross-dialect sources).
class SqliteFile
{
public:
    explicit SqliteFile(const QString &path)
        : m_name(uniqueName(u"sqlite"_s))
    {
        m_db = QSqlDatabase::addDatabase(u"QSQLITE"_s, m_name);
        m_db.setDatabaseName(path);
        if (!m_db.open())
            qFatal("cannot open %s", qPrintable(path));
    }
    ~SqliteFile()
    {
        m_db.close();
        m_db = QSqlDatabase();
        QSqlDatabase::removeDatabase(m_name);
    }
    bool exec(const QString &sql, const QVariantList &binds = {})
    {
        QSqlQuery q(m_db);
        bool ok = q.prepare(sql);
        for (const QVariant &v : binds)
            q.addBindValue(v);
        ok = ok && q.exec();
        if (!ok)
            qWarning("sqlite: %s in %s", qPrintable(q.lastError().text()), qPrintable(sql));
        return ok;
    }

private:
    QString m_name;
    QSqlDatabase m_db;
};

// Column by column, `exprs` (with %1 for the table) from the source and the mirror table,
// ordered by `order`: equal text or the first difference.
QString compareTables(Admin &a, const QString &source, const QString &mirror,
                      const QStringList &exprs, const QString &order)
{
    auto dump = [&](const QString &table) {
        QStringList list;
        for (const QString &e : exprs)
            list << e.arg(a.q(table));
        return a.rows(u"SELECT "_s + list.join(u", "_s) + u" FROM "_s + a.q(table) + u" ORDER BY "_s
                      + order);
    };
    const QList<QStringList> s = dump(source);
    const QList<QStringList> m = dump(mirror);
    if (s.size() != m.size())
        return u"row counts differ: source %1, mirror %2"_s.arg(s.size()).arg(m.size());
    for (qsizetype r = 0; r < s.size(); ++r)
        for (qsizetype c = 0; c < exprs.size(); ++c)
            if (s.at(r).at(c) != m.at(r).at(c))
                return u"row %1, %2: source '%3', mirror '%4'"_s.arg(r).arg(
                        exprs.at(c), s.at(r).at(c).left(80), m.at(r).at(c).left(80));
    return {};
}

// An exact text of `column` for compareTables(): HEX() for texts and bytes, CAST AS CHAR for
// the rest (DOUBLE prints the shortest text that reads back as the same double). NULL stays
// distinguishable: "<NULL>" is neither's output.
QString exact(const QString &column, bool hex)
{
    const QString c = u"%1."_s + MariaDbDialect().quote(column);
    return hex ? QString(u"HEX("_s + c + u")"_s) : QString(u"CAST("_s + c + u" AS CHAR)"_s);
}

} // namespace

class TestDialectMariaDb : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void quotingRoundTripOfHostileNames();
    void describeTableReportsTypesAndKeyOrder();
    void keysetPagesOverCompositeKeyWithTies();
    void keysetPredicatesUseThePrimaryKey();
    void sessionIsPinnedAndNeverReconnectsSilently();
    void mariaToMariaRoundTripIsExact();
    void canonicalTimestampsBindIntoStrictColumns();
    void valuesStrictModeWouldChangeAreRefused();
    void textKeysThatCollationsMergeStayDistinct();
    void rejectedValueFailsTheOperationAndKeepsTheCheckpoint();
    void secondSyncPicksUpExactlyTheChangedRows();
    void lookbackBoundsNeverReReadLess_data();
    void lookbackBoundsNeverReReadLess();
    void mirrorTablesFromOtherDialects();
    void lossReasons();
    void upsertOfKeyOnlyTable();
    void writePathsCarryEveryValueExactly_data();
    void writePathsCarryEveryValueExactly();
};

void TestDialectMariaDb::quotingRoundTripOfHostileNames()
{
    TIDEMARK_SERVER_OR_SKIP(tidemark::DriverKind::MariaDb, u"maria"_s, maria);
    Admin a(maria);
    const MariaDbDialect &d = a.d();
    QCOMPARE(d.quote(u"a`b"_s), u"`a``b`"_s);
    QCOMPARE(d.quote(u"select"_s), u"`select`"_s);
    QVERIFY_THROWS_EXCEPTION(DbError, d.quote(QString()));

    const QString table = a.table(u"a`b select naïve 表"_s);
    const QStringList columns{u"a`b"_s, u"select"_s, u"naïve 表"_s, u"with space"_s, u"`"_s};
    a.exec(u"CREATE TABLE "_s + d.quote(table) + u" ("_s + d.quote(columns[0])
           + u" INT NOT NULL, "_s + d.quote(columns[1]) + u" TEXT, "_s + d.quote(columns[2])
           + u" VARCHAR(20), "_s + d.quote(columns[3]) + u" INT, "_s + d.quote(columns[4])
           + u" TEXT, PRIMARY KEY ("_s + d.quote(columns[0]) + u"))"_s);
    const QVariantList rows{1,
                            u"x'); DROP TABLE t; --"_s,
                            u"ünï 表"_s,
                            10,
                            u"`"_s,
                            2,
                            u"sel`ect"_s,
                            u"b"_s,
                            20,
                            u"``"_s};
    a.exec(d.upsert(table, columns, {columns[0]}, 2), rows);
    a.exec(d.upsert(table, columns, {columns[0]}, 1), {2, u"updated"_s, u"c"_s, 21, u"x"_s});

    const TableSchema schema = d.describeTable(a.conn(), table);
    QCOMPARE(schema.columnNames(), columns);
    QCOMPARE(schema.primaryKey, QStringList{columns[0]});
    QCOMPARE(a.rows(u"SELECT "_s + d.columnList(columns) + u" FROM "_s + d.quote(table)
                    + u" ORDER BY 1"_s),
             (QList<QStringList>{{u"1"_s, u"x'); DROP TABLE t; --"_s, u"ünï 表"_s, u"10"_s, u"`"_s},
                                 {u"2"_s, u"updated"_s, u"c"_s, u"21"_s, u"x"_s}}));

    // The same names through every pass, with the mirror named just as badly.
    Bench b(maria);
    const QString mirror = a.adopt(table + u" mirror"_s);
    const QString mapping = a.mapping(u"hostile"_s);
    b.addMapping(mapping, table, mirror);
    QCOMPARE(b.run(OperationKind::Prepare, mapping).run.error, QString());
    QCOMPARE(b.run(OperationKind::Sync, mapping).run.result, u"ok"_s);
    a.exec(u"DELETE FROM "_s + d.quote(table) + u" WHERE "_s + d.quote(columns[0]) + u" = 1"_s);
    const OperationResult sweep = b.run(OperationKind::Sweep, mapping, {.force = true});
    QCOMPARE(sweep.run.error, QString());
    QCOMPARE(sweep.run.rowsDeleted, 1);
    QStringList exprs;
    for (const QString &c : columns)
        exprs << exact(c, true);
    QCOMPARE(compareTables(a, table, mirror, exprs, d.quote(columns[0])), QString());
}

void TestDialectMariaDb::describeTableReportsTypesAndKeyOrder()
{
    TIDEMARK_SERVER_OR_SKIP(tidemark::DriverKind::MariaDb, u"maria"_s, maria);
    Admin a(maria);
    const MariaDbDialect &d = a.d();
    const QString table = a.table(u"describe"_s);
    a.exec(u"CREATE TABLE "_s + d.quote(table)
           + u" (id BIGINT NOT NULL, k2 VARCHAR(10) NOT NULL, dec30 DECIMAL(30,10) NULL, "
             "dt DATETIME(6), ts TIMESTAMP(3) NULL, da DATE NOT NULL, tm TIME(4), flag BOOLEAN, "
             "u BIGINT UNSIGNED, dbl DOUBLE, f FLOAT, txt LONGTEXT, bin LONGBLOB, "
             "vb VARBINARY(16), js JSON, e ENUM('x','y'), bt BIT(4), tiny TINYINT, geo POINT, "
             "PRIMARY KEY (k2, id))"_s);

    const TableSchema s = d.describeTable(a.conn(), table);
    QCOMPARE(s.sourceKind, DriverKind::MariaDb);
    QCOMPARE(s.table, table);
    QCOMPARE(s.columnNames(),
             (QStringList{u"id"_s, u"k2"_s, u"dec30"_s, u"dt"_s, u"ts"_s, u"da"_s, u"tm"_s,
                          u"flag"_s, u"u"_s, u"dbl"_s, u"f"_s, u"txt"_s, u"bin"_s, u"vb"_s, u"js"_s,
                          u"e"_s, u"bt"_s, u"tiny"_s, u"geo"_s}));
    // Key order is the key's, not the columns'.
    QCOMPARE(s.primaryKey, (QStringList{u"k2"_s, u"id"_s}));
    struct Expect
    {
        const char *name;
        ValueClass cls;
        bool nullable;
        int precision;
        int scale;
    };
    const Expect expected[] = {
            {"id", ValueClass::Integer, false, 0, 0},     {"k2", ValueClass::Text, false, 0, 0},
            {"dec30", ValueClass::Decimal, true, 30, 10}, {"dt", ValueClass::Timestamp, true, 6, 0},
            {"ts", ValueClass::TimestampTz, true, 3, 0},  {"da", ValueClass::Date, false, 0, 0},
            {"tm", ValueClass::Time, true, 4, 0},         {"flag", ValueClass::Boolean, true, 0, 0},
            {"u", ValueClass::Integer, true, 0, 0},       {"dbl", ValueClass::Real, true, 0, 0},
            {"f", ValueClass::Real, true, 0, 0},          {"txt", ValueClass::Text, true, 0, 0},
            {"bin", ValueClass::Blob, true, 0, 0},        {"vb", ValueClass::Blob, true, 0, 0},
            {"js", ValueClass::Json, true, 0, 0},         {"e", ValueClass::Text, true, 0, 0},
            {"bt", ValueClass::Integer, true, 0, 0},      {"tiny", ValueClass::Integer, true, 0, 0},
            {"geo", ValueClass::Unknown, true, 0, 0},
    };
    for (const Expect &e : expected) {
        const ColumnInfo *c = s.column(QString::fromLatin1(e.name));
        QVERIFY2(c, e.name);
        QVERIFY2(c->valueClass == e.cls, e.name);
        QVERIFY2(c->nullable == e.nullable, e.name);
        QVERIFY2(c->precision == e.precision, e.name);
        QVERIFY2(c->scale == e.scale, e.name);
    }
    QCOMPARE(s.column(u"dec30"_s)->declaredType, u"decimal(30,10)"_s);
    QCOMPARE(s.column(u"u"_s)->declaredType, u"bigint(20) unsigned"_s);
    QCOMPARE(s.column(u"dt"_s)->declaredType, u"datetime(6)"_s);

    // Missing tables, and names that differ only in case, describe as nothing.
    QVERIFY(!d.describeTable(a.conn(), a.table(u"missing"_s)).exists());
    QVERIFY(!d.tableExists(a.conn(), table.toUpper()));
    QVERIFY(!d.describeTable(a.conn(), table + u" 🚀"_s).exists());
    QVERIFY(d.tableExists(a.conn(), table));
}

void TestDialectMariaDb::keysetPagesOverCompositeKeyWithTies()
{
    TIDEMARK_SERVER_OR_SKIP(tidemark::DriverKind::MariaDb, u"maria"_s, maria);
    Admin a(maria);
    const MariaDbDialect &d = a.d();
    QCOMPARE(d.rowGreaterThan({u"a"_s}), u"`a` > ?"_s);
    QCOMPARE(d.rowGreaterThan({u"a"_s, u"b"_s}), u"((`a` > ?) OR (`a` = ? AND `b` > ?))"_s);
    QCOMPARE(d.rowLessOrEqual({u"a"_s, u"b"_s, u"c"_s}),
             u"((`a` < ?) OR (`a` = ? AND `b` < ?) OR (`a` = ? AND `b` = ? AND `c` <= ?))"_s);
    QCOMPARE(d.bindRowValues({1, 2, 3}), (QVariantList{1, 1, 2, 1, 2, 3}));

    const QString table = a.table(u"pages"_s);
    a.exec(u"CREATE TABLE "_s + d.quote(table)
           + u" (a INT NOT NULL, b VARCHAR(10) COLLATE utf8mb4_nopad_bin NOT NULL, "
             "c DATETIME(6) NOT NULL, v INT, PRIMARY KEY (a, b)) DEFAULT CHARSET=utf8mb4"_s);
    // Ties everywhere: five rows per a, keys differing only in case and trailing spaces, and
    // timestamps shared by several rows or a microsecond apart.
    const QStringList bs{u"A"_s, u"a"_s, u"a "_s, u"b"_s, u"é"_s};
    int v = 0;
    for (int aa = 1; aa <= 5; ++aa)
        for (const QString &bb : bs)
            a.exec(u"INSERT INTO "_s + d.quote(table) + u" VALUES (?, ?, ?, ?)"_s,
                   {aa, bb, u"2024-01-01 00:00:00.00000%1"_s.arg(v % 3), v++});

    const TableSchema schema = d.describeTable(a.conn(), table);
    const QStringList all{u"a"_s, u"b"_s, u"c"_s, u"v"_s};
    for (const QStringList &order :
         {QStringList{u"a"_s, u"b"_s}, QStringList{u"c"_s, u"a"_s, u"b"_s}}) {
        const QList<QStringList> expected =
                a.rows(u"SELECT a, HEX(b), DATE_FORMAT(c, '%Y-%m-%d %H:%i:%s.%f'), v FROM "_s
                       + d.quote(table) + u" ORDER BY "_s + d.columnList(order));
        QCOMPARE(expected.size(), 25);
        for (int pageRows : {1, 3, 4, 25, 30}) {
            KeysetPager pager(a.conn(), schema, table, all, order, pageRows);
            QList<QVariantList> page;
            QList<QStringList> seen;
            // Canonical timestamps drop trailing fractional zeros; DATE_FORMAT keeps six.
            auto padded = [](QString t) {
                if (!t.contains(u'.'))
                    t += u'.';
                return QString(t + u"000000"_s).left(t.indexOf(u'.') + 7);
            };
            while (pager.next(page))
                for (const QVariantList &row : page)
                    seen << QStringList{
                            row.at(0).toString(),
                            QString::fromLatin1(row.at(1).toString().toUtf8().toHex()).toUpper(),
                            padded(row.at(2).toString()), row.at(3).toString()};
            QCOMPARE(seen, expected);
        }
    }
}

void TestDialectMariaDb::keysetPredicatesUseThePrimaryKey()
{
    TIDEMARK_SERVER_OR_SKIP(tidemark::DriverKind::MariaDb, u"maria"_s, maria);
    Admin a(maria);
    const MariaDbDialect &d = a.d();
    const QString table = a.table(u"explain"_s);
    a.exec(u"CREATE TABLE "_s + d.quote(table)
           + u" (a INT NOT NULL, b VARCHAR(10) NOT NULL, v INT, PRIMARY KEY (a, b))"_s);
    a.exec(u"INSERT INTO "_s + d.quote(table)
           + u" SELECT seq DIV 10, CONCAT('k', seq MOD 10), seq FROM seq_1_to_20000"_s);
    a.exec(u"ANALYZE TABLE "_s + d.quote(table));
    const QStringList key{u"a"_s, u"b"_s};
    auto explain = [&](const QString &where, const QVariantList &binds) {
        const QList<QStringList> plan =
                a.rows(u"EXPLAIN SELECT * FROM "_s + d.quote(table) + u" WHERE "_s + where
                               + u" ORDER BY a, b"_s + d.limit(100),
                       binds);
        return plan.isEmpty() ? QString() : plan.first().at(3) + u'/' + plan.first().at(5);
    };
    // The row-value form walks the whole index from the start ("index"); ours is a range.
    QCOMPARE(explain(u"(a, b) > (?, ?)"_s, {1000, u"k5"_s}).section(u'/', 0, 0), u"index"_s);
    QCOMPARE(explain(d.rowGreaterThan(key), d.bindRowValues({1000, u"k5"_s})), u"range/PRIMARY"_s);
    QCOMPARE(explain(d.rowLessOrEqual(key), d.bindRowValues({10, u"k5"_s})), u"range/PRIMARY"_s);
    // Key lookups and deletes by a page of composite keys: the row IN list is a range too.
    QVariantList keys;
    for (int i = 0; i < 500; ++i)
        keys << i * 3 << u"k%1"_s.arg(i % 10);
    QCOMPARE(explain(d.keyIn(key, 500), keys), u"range/PRIMARY"_s);
    const QList<QStringList> del = a.rows(
            u"EXPLAIN DELETE FROM "_s + d.quote(table) + u" WHERE "_s + d.keyIn(key, 500), keys);
    QCOMPARE(del.first().at(3) + u'/' + del.first().at(5), u"range/PRIMARY"_s);
}

void TestDialectMariaDb::sessionIsPinnedAndNeverReconnectsSilently()
{
    TIDEMARK_SERVER_OR_SKIP(tidemark::DriverKind::MariaDb, u"maria"_s, maria);
    Admin a(maria);
    ConnectionConfig config = maria;
    config.options = u"MYSQL_OPT_RECONNECT=1"_s; // a project cannot turn it back on
    DbConnection conn(config, u"session"_s);
    conn.open();
    const QList<QStringList> settings = Admin(maria).rows(u"SELECT 1"_s); // a second session works
    QCOMPARE(settings.size(), 1);
    QSqlQuery q =
            conn.exec(u"SELECT @@time_zone, @@sql_mode, @@autocommit, @@max_statement_time, "
                      "@@character_set_connection, @@character_set_results, @@lock_wait_timeout, "
                      "@@innodb_lock_wait_timeout, @@explicit_defaults_for_timestamp"_s);
    QVERIFY(q.next());
    QCOMPARE(q.value(0).toString(), u"+00:00"_s);
    const QStringList modes = q.value(1).toString().split(u',');
    for (const QString &mode : {u"STRICT_ALL_TABLES"_s, u"NO_ZERO_DATE"_s, u"NO_ZERO_IN_DATE"_s,
                                u"ERROR_FOR_DIVISION_BY_ZERO"_s, u"NO_ENGINE_SUBSTITUTION"_s})
        QVERIFY2(modes.contains(mode), qPrintable(mode));
    QVERIFY(!modes.contains(u"EMPTY_STRING_IS_NULL"_s));
    QCOMPARE(q.value(2).toInt(), 1);
    QCOMPARE(q.value(3).toDouble(), 120.0);   // statement_timeout_s, default 120
    QCOMPARE(q.value(4).toString(), u"utf8mb4"_s);
    QCOMPARE(q.value(5).toString(), u"utf8mb4"_s);
    QCOMPARE(q.value(6).toInt(), 30);
    QCOMPARE(q.value(7).toInt(), 30);
    QCOMPARE(q.value(8).toInt(), 1);

    // A killed session must surface as a (transient) error. With the driver's auto-reconnect
    // the next statement would run in a fresh session: server time zone, server sql_mode, and
    // our marker gone, all without a word.
    conn.exec(u"SET @tidemark_marker = 42"_s);
    const QVariant id = conn.scalar(u"SELECT CONNECTION_ID()"_s);
    a.exec(u"KILL CONNECTION "_s + QString::number(id.toLongLong()));
    bool failed = false;
    try {
        const QVariant marker = conn.scalar(u"SELECT @tidemark_marker"_s);
        QFAIL(qPrintable(u"the killed session answered (marker %1): it was reconnected"_s.arg(
                marker.toString())));
    } catch (const DbError &e) {
        failed = true;
        QVERIFY2(e.isTransient(), qPrintable(e.message()));
    }
    QVERIFY(failed);
}

void TestDialectMariaDb::mariaToMariaRoundTripIsExact()
{
    TIDEMARK_SERVER_OR_SKIP(tidemark::DriverKind::MariaDb, u"maria"_s, maria);
    Admin a(maria);
    const MariaDbDialect &d = a.d();
    const QString source = a.table(u"src"_s);
    const QString mirror = a.table(u"mirror"_s);
    const QString mapping = a.mapping(u"roundtrip"_s);
    a.exec(u"CREATE TABLE "_s + d.quote(source)
           + u" (id BIGINT NOT NULL PRIMARY KEY, u BIGINT UNSIGNED NULL, "
             "dec30 DECIMAL(30,10) NULL, dt DATETIME(6) NULL, ts TIMESTAMP(6) NULL, da DATE NULL, "
             "tm TIME(6) NULL, flag BOOLEAN NULL, dbl DOUBLE NULL, txt LONGTEXT NULL, "
             "bin LONGBLOB NULL, js JSON NULL, updated_at DATETIME(6) NULL) "
             "DEFAULT CHARSET=utf8mb4"_s);
    QString big;
    big.reserve(1 << 20);
    while (big.size() < (1 << 20))
        big += u"1 MB of text: naïve 表 🚀 'q' \"qq\" \\ "_s;
    const QString quirky = u"It's a \"quote\" \\ back\\slash 🚀 naïve 表 \t\n"_s;
    QByteArray blob(1 << 20, '\0');
    for (int i = 0; i < blob.size(); i += 7)
        blob[i] = char(i % 251);
    const QString insert = u"INSERT INTO "_s + d.quote(source)
            + u" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"_s;
    const QVariant null;
    a.exec(insert,
           {qlonglong(9007199254740993LL), qulonglong(18446744073709551615ULL),
            u"12345678901234567890.1234567890"_s, u"2024-02-29 23:59:59.999999"_s,
            u"2038-01-19 03:14:07.499999"_s, u"1000-01-01"_s, u"838:59:58.999999"_s, true, 1e308,
            quirky, QByteArray("\x00\x01\x00\xff\x00", 5),
            u"{\"a\": [1, 2.50, \"x\"], \"b\": null}"_s, u"2024-01-01 00:00:00.000001"_s});
    a.exec(insert,
           {qlonglong(-9223372036854775807LL - 1), qulonglong(0), u"-0.0000000001"_s,
            u"1000-01-01 00:00:00.000001"_s, u"1970-01-01 00:00:01"_s, u"9999-12-31"_s,
            u"-838:59:59"_s, false, -0.0, big, blob, u"[]"_s, u"2024-01-01 00:00:00.000002"_s});
    a.exec(insert,
           {qlonglong(-1), qulonglong(9223372036854775808ULL), u"0"_s,
            u"9999-12-31 23:59:59.999999"_s, u"2000-01-01 00:00:00.5"_s, u"2024-01-02"_s,
            u"00:00:00.000001"_s, true, 5e-324, QString(u"nul \0 inside"_s), QByteArray("", 0),
            u"{}"_s, u"2024-01-01 00:00:00.000002"_s});
    a.exec(insert,
           {qlonglong(7), null, null, null, null, null, null, null, 0.1 + 0.2, QString(u""_s),
            QByteArray("", 0), null, u"2024-01-01 00:00:00.000003"_s});
    // NULL in every non-key column, the cursor too: only a full pass picks this row up.
    a.exec(insert,
           {qlonglong(0), null, null, null, null, null, null, null, null, null, null, null, null});

    Bench b(maria);
    MappingConfig &m = b.addMapping(mapping, source, mirror, u"updated_at"_s);
    m.lookback = 0;
    QCOMPARE(b.run(OperationKind::Prepare, mapping).run.error, QString());
    const OperationResult sync = b.run(OperationKind::Sync, mapping);
    QCOMPARE(sync.run.error, QString());
    QCOMPARE(sync.run.rowsWritten, 4);
    const OperationResult backfill = b.run(OperationKind::Backfill, mapping);
    QCOMPARE(backfill.run.error, QString());
    QCOMPARE(backfill.run.rowsWritten, 1); // the NULL-cursor row; the others are equal already

    const TableSchema ms = d.describeTable(a.conn(), mirror);
    const TableSchema ss = d.describeTable(a.conn(), source);
    QCOMPARE(ms.columnNames(), ss.columnNames());
    QCOMPARE(ms.primaryKey, QStringList{u"id"_s});
    for (const ColumnInfo &c : ss.columns)
        QCOMPARE(ms.column(c.name)->declaredType, c.declaredType);
    QCOMPARE(a.scalar(u"SELECT COLLATION_NAME FROM information_schema.COLUMNS WHERE "
                      "TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND COLUMN_NAME = 'txt'"_s,
                      {mirror})
                     .toString(),
             u"utf8mb4_nopad_bin"_s);

    const QStringList numeric{u"id"_s, u"u"_s,  u"dec30"_s, u"dt"_s,  u"ts"_s,
                              u"da"_s, u"tm"_s, u"flag"_s,  u"dbl"_s, u"updated_at"_s};
    QStringList exprs;
    for (const QString &c : numeric)
        exprs << exact(c, false);
    for (const QString &c : {u"txt"_s, u"bin"_s, u"js"_s})
        exprs << exact(c, true);
    QCOMPARE(compareTables(a, source, mirror, exprs, u"id"_s), QString());
    // The values are the ones written, not just the same on both sides.
    QCOMPARE(a.rows(u"SELECT CAST(u AS CHAR), CAST(dec30 AS CHAR), CAST(dt AS CHAR), "
                    "CAST(ts AS CHAR), CAST(dbl AS CHAR), HEX(bin), LENGTH(txt) FROM "_s
                    + d.quote(mirror) + u" WHERE id = 9007199254740993"_s),
             (QList<QStringList>{{u"18446744073709551615"_s, u"12345678901234567890.1234567890"_s,
                                  u"2024-02-29 23:59:59.999999"_s, u"2038-01-19 03:14:07.499999"_s,
                                  u"1e308"_s, u"000100FF00"_s,
                                  QString::number(quirky.toUtf8().size())}}));
    QCOMPARE(a.rows(u"SELECT CAST(dec30 AS CHAR), CAST(dbl AS CHAR), CHAR_LENGTH(txt) FROM "_s
                    + d.quote(mirror) + u" WHERE id = -9223372036854775808"_s),
             (QList<QStringList>{
                     {u"-0.0000000001"_s, u"0"_s, QString::number(big.toUcs4().size())}}));

    // Reading through the dialect gives the canonical forms of valuecodec.h.
    KeysetPager pager(a.conn(), ms, mirror, ms.columnNames(), {u"id"_s}, 10);
    QList<QVariantList> page;
    QVERIFY(pager.next(page));
    QCOMPARE(page.size(), 5);
    const QVariantList &top = page.last(); // id 9007199254740993
    QCOMPARE(top.at(0).metaType().id(), QMetaType::LongLong);
    QCOMPARE(top.at(0).toLongLong(), 9007199254740993LL);
    QCOMPARE(top.at(1).metaType().id(), QMetaType::ULongLong);
    QCOMPARE(top.at(1).toULongLong(), 18446744073709551615ULL);
    QCOMPARE(top.at(2), QVariant(u"12345678901234567890.123456789"_s));
    QCOMPARE(top.at(3), QVariant(u"2024-02-29 23:59:59.999999"_s));
    QCOMPARE(top.at(5), QVariant(u"1000-01-01"_s));
    QCOMPARE(top.at(6), QVariant(u"838:59:58.999999"_s));
    QCOMPARE(top.at(7), QVariant(true));
    QCOMPARE(top.at(8), QVariant(1e308));
    QCOMPARE(top.at(9).metaType().id(), QMetaType::QString);
    QCOMPARE(top.at(10), QVariant(QByteArray("\x00\x01\x00\xff\x00", 5)));
    QCOMPARE(top.at(11).metaType().id(), QMetaType::QString); // a utf8mb4_bin column
    const QVariantList &minus1 = page.at(1);
    QCOMPARE(minus1.at(2), QVariant(u"0"_s));
    QCOMPARE(minus1.at(4), QVariant(u"2000-01-01 00:00:00.5"_s));
    QCOMPARE(minus1.at(8), QVariant(5e-324));
    QCOMPARE(minus1.at(9), QVariant(QString(u"nul \0 inside"_s)));
    QCOMPARE(minus1.at(10), QVariant(QByteArray("", 0)));
    QVERIFY(!minus1.at(10).isNull()); // empty, not NULL
    const QVariantList &seven = page.at(3);
    QCOMPARE(seven.at(8).toDouble(), 0.30000000000000004);
    QVERIFY(seven.at(1).isNull());
    QCOMPARE(seven.at(9), QVariant(QString(u""_s)));
    QVERIFY(!seven.at(9).isNull());
    QCOMPARE(seven.at(10), QVariant(QByteArray("", 0)));
    QVERIFY(!seven.at(10).isNull());
    QCOMPARE(a.scalar(u"SELECT COUNT(*) FROM "_s + d.quote(mirror)
                      + u" WHERE bin = '' AND txt = ''"_s)
                     .toInt(),
             1);

    // In sync: another full pass (the gate lets it run, since a row has a NULL cursor) finds
    // every row equal, and a sweep finds nothing.
    const OperationResult again = b.run(OperationKind::Backfill, mapping);
    QCOMPARE(again.run.error, QString());
    QCOMPARE(again.run.rowsWritten, 0);
    const OperationResult sweep = b.run(OperationKind::Sweep, mapping);
    QCOMPARE(sweep.run.error, QString());
    QCOMPARE(sweep.orphansFound, 0);
    QCOMPARE(b.status(mapping).backlog, 0);
}

void TestDialectMariaDb::canonicalTimestampsBindIntoStrictColumns()
{
    TIDEMARK_SERVER_OR_SKIP(tidemark::DriverKind::MariaDb, u"maria"_s, maria);
    Admin a(maria);
    const MariaDbDialect &d = a.d();
    const QString table = a.table(u"times"_s);
    a.exec(u"CREATE TABLE "_s + d.quote(table)
           + u" (id INT PRIMARY KEY, dt DATETIME(6), ts TIMESTAMP(6) NULL, da DATE, "
             "tm TIME(6))"_s);
    const TableSchema s = d.describeTable(a.conn(), table);
    const QStringList columns = s.columnNames();
    auto write = [&](int id, const QVariantList &canonical) {
        QVariantList binds{id};
        for (int i = 0; i < canonical.size(); ++i)
            binds << d.fromCanonical(s.columns.at(i + 1), canonical.at(i));
        a.exec(d.upsert(table, columns, {u"id"_s}, 1), binds);
    };
    auto read = [&](int id) {
        return a.rows(u"SELECT DATE_FORMAT(dt, '%Y-%m-%d %H:%i:%s.%f'), "
                      "DATE_FORMAT(ts, '%Y-%m-%d %H:%i:%s.%f'), CAST(da AS CHAR), "
                      "CAST(tm AS CHAR) FROM "_s
                              + d.quote(table) + u" WHERE id = ?"_s,
                      {id})
                .value(0);
    };
    // The canonical form: zone-less UTC with microseconds.
    write(1,
          {u"2024-03-10 02:30:00.123456"_s, u"2024-03-10 02:30:00.654321"_s, u"2024-03-10"_s,
           u"12:34:56.000001"_s});
    QCOMPARE(read(1),
             (QStringList{u"2024-03-10 02:30:00.123456"_s, u"2024-03-10 02:30:00.654321"_s,
                          u"2024-03-10"_s, u"12:34:56.000001"_s}));
    // What SQLite sources hold: 'T' separators, 'Z' and offsets. Strict mode rejects the
    // suffixes; the dialect turns them into UTC first.
    write(2,
          {u"2024-03-10T02:30:00.5Z"_s, u"2024-03-10T04:30:00+02:00"_s, u"2024-03-10T00:00:00Z"_s,
           u"12:34:56.5"_s});
    QCOMPARE(read(2),
             (QStringList{u"2024-03-10 02:30:00.500000"_s, u"2024-03-10 02:30:00.000000"_s,
                          u"2024-03-10"_s, u"12:34:56.500000"_s}));
    write(3,
          {u"2024-03-10 23:30:00-05:30"_s, QDateTime(QDate(2024, 1, 2), QTime(3, 4, 5, 6), Qt::UTC),
           QDate(1999, 12, 31), u"-01:00:00"_s});
    QCOMPARE(read(3),
             (QStringList{u"2024-03-11 05:00:00.000000"_s, u"2024-01-02 03:04:05.006000"_s,
                          u"1999-12-31"_s, u"-01:00:00.000000"_s}));
    // Read back through the dialect: the canonical forms again.
    KeysetPager pager(a.conn(), s, table, columns, {u"id"_s}, 10);
    QList<QVariantList> page;
    QVERIFY(pager.next(page));
    QCOMPARE(
            page.first(),
            (QVariantList{qlonglong(1), u"2024-03-10 02:30:00.123456"_s,
                          u"2024-03-10 02:30:00.654321"_s, u"2024-03-10"_s, u"12:34:56.000001"_s}));
    QCOMPARE(page.at(1),
             (QVariantList{qlonglong(2), u"2024-03-10 02:30:00.5"_s, u"2024-03-10 02:30:00"_s,
                           u"2024-03-10"_s, u"12:34:56.5"_s}));
}

void TestDialectMariaDb::valuesStrictModeWouldChangeAreRefused()
{
    TIDEMARK_SERVER_OR_SKIP(tidemark::DriverKind::MariaDb, u"maria"_s, maria);
    Admin a(maria);
    const MariaDbDialect &d = a.d();
    const QString table = a.table(u"strict"_s);
    a.exec(u"CREATE TABLE "_s + d.quote(table)
           + u" (id INT PRIMARY KEY, dt6 DATETIME(6), dt0 DATETIME, da DATE, dec52 DECIMAL(5,2), "
             "dbl DOUBLE, ti TINYINT, big BIGINT, vc VARCHAR(3), ch CHAR(4), bn BINARY(2), "
             "ubig BIGINT UNSIGNED)"_s);
    const TableSchema s = d.describeTable(a.conn(), table);
    auto refused = [&](const QString &column, const QVariant &value) {
        try {
            d.fromCanonical(*s.column(column), value);
            return QString();
        } catch (const DbError &e) {
            return e.message();
        }
    };
    // Each of these the server would store changed, with a note at most.
    QVERIFY(refused(u"dt6"_s, u"2024-01-02 03:04:05.1234567"_s).contains(u"7 fractional"_s));
    QVERIFY(refused(u"dt0"_s, u"2024-01-02 03:04:05.5"_s).contains(u"dt0"_s));
    QVERIFY(refused(u"da"_s, u"2024-01-02 10:00:00"_s).contains(u"time of day"_s));
    QVERIFY(refused(u"dec52"_s, u"123.456"_s).contains(u"'123.456'"_s));
    QVERIFY(refused(u"ch"_s, u"ab "_s).contains(u"spaces"_s));
    QVERIFY(refused(u"bn"_s, QByteArray("a")).contains(u"pad"_s));
    // And these it would reject, but without naming the value.
    QVERIFY(refused(u"dec52"_s, u"1234.5"_s).contains(u"range"_s));
    QVERIFY(refused(u"ti"_s, qlonglong(300)).contains(u"'300'"_s));
    QVERIFY(refused(u"big"_s, qulonglong(18446744073709551615ULL)).contains(u"range"_s));
    QVERIFY(refused(u"ubig"_s, qlonglong(-1)).contains(u"range"_s));
    QVERIFY(refused(u"vc"_s, u"abcd"_s).contains(u"4 characters"_s));
    QVERIFY(refused(u"dbl"_s, std::nan("")).contains(u"NaN"_s));
    QVERIFY(refused(u"dbl"_s, INFINITY).contains(u"NaN"_s));
    QVERIFY(refused(u"dec52"_s, u"NaN"_s).contains(u"NaN"_s));
    QVERIFY(refused(u"ti"_s, 1.5).contains(u"integer"_s));
    // Values that fit go through unchanged or in the form the column binds.
    QCOMPARE(refused(u"vc"_s, u"🚀🚀🚀"_s), QString());
    QCOMPARE(refused(u"dt0"_s, u"2024-01-02 03:04:05.000"_s), QString());
    QCOMPARE(d.fromCanonical(*s.column(u"dec52"_s), u"-0.50"_s), QVariant(u"-0.5"_s));
    // The canonical forms take a faster path than the others; the same answers either way.
    QCOMPARE(d.fromCanonical(*s.column(u"dec52"_s), u"-0"_s), QVariant(u"0"_s));
    QCOMPARE(d.fromCanonical(*s.column(u"dec52"_s), u"999.99"_s), QVariant(u"999.99"_s));
    QCOMPARE(d.fromCanonical(*s.column(u"dec52"_s), u"-0.05"_s), QVariant(u"-0.05"_s));
    QCOMPARE(d.fromCanonical(*s.column(u"dec52"_s), u"007.10"_s), QVariant(u"7.1"_s));
    QVERIFY(refused(u"dec52"_s, u"1000"_s).contains(u"range"_s));
    QVERIFY(refused(u"dec52"_s, u"0.001"_s).contains(u"3 decimal places"_s));
    QCOMPARE(d.fromCanonical(*s.column(u"dt6"_s), u"2024-01-02T03:04:05.120"_s),
             QVariant(u"2024-01-02 03:04:05.12"_s));
    QCOMPARE(d.fromCanonical(*s.column(u"dt6"_s), u"2024-01-02 03:04:05"_s),
             QVariant(u"2024-01-02 03:04:05"_s));
    QCOMPARE(d.fromCanonical(*s.column(u"dt6"_s), u"2024-01-02 01:04:05-02:00"_s),
             QVariant(u"2024-01-02 03:04:05"_s));
    QVERIFY(refused(u"dt6"_s, u"2024-01-02 03:04:05.1234560"_s).isEmpty());
    QCOMPARE(d.fromCanonical(*s.column(u"ubig"_s), qulonglong(18446744073709551615ULL)),
             QVariant(qulonglong(18446744073709551615ULL)));
    QCOMPARE(d.fromCanonical(*s.column(u"ti"_s), true), QVariant(qlonglong(1)));
    QVERIFY(d.fromCanonical(*s.column(u"dt6"_s), QVariant()).isNull());

    // What the server does on its own under the session's strict mode: the rejections are
    // errors that name table, column and value.
    for (const auto &[column, value] :
         {std::pair{u"dt6"_s, u"2024-02-30 00:00:00"_s},
          std::pair{u"dt6"_s, u"2024-01-02 03:04:05+00:00"_s}, std::pair{u"dbl"_s, u"NaN"_s}}) {
        try {
            a.exec(u"INSERT INTO "_s + d.quote(table) + u" (id, "_s + d.quote(column)
                           + u") VALUES (1, ?)"_s,
                   {value});
            QFAIL(qPrintable(u"the server accepted %1 for %2"_s.arg(value, column)));
        } catch (const DbError &e) {
            QVERIFY2(e.message().contains(table) && e.message().contains(value),
                     qPrintable(e.message()));
        }
    }
    QCOMPARE(a.scalar(u"SELECT COUNT(*) FROM "_s + d.quote(table)).toInt(), 0);
}

void TestDialectMariaDb::textKeysThatCollationsMergeStayDistinct()
{
    TIDEMARK_SERVER_OR_SKIP(tidemark::DriverKind::MariaDb, u"maria"_s, maria);
    Admin a(maria);
    const MariaDbDialect &d = a.d();
    const QStringList keys{u"a"_s, u"A"_s, u"a "_s, u"a  "_s, u"ä"_s, u"\ta"_s};

    // From SQLite, which compares bytes: the mirror we create must keep all six apart. The
    // server's default collation would merge 'a' and 'A'; utf8mb4_bin still merges 'a' and 'a '.
    {
        Bench b(maria, true);
        SqliteFile sqlite(b.sqlitePath());
        QVERIFY(sqlite.exec(u"CREATE TABLE src (k TEXT PRIMARY KEY, v TEXT, n INTEGER)"_s));
        for (int i = 0; i < keys.size(); ++i)
            QVERIFY(sqlite.exec(u"INSERT INTO src VALUES (?, ?, ?)"_s,
                                {keys.at(i), keys.at(i), i}));
        const QString mirror = a.table(u"from_sqlite"_s);
        const QString mapping = a.mapping(u"textkeys"_s);
        b.addMapping(mapping, u"src"_s, mirror);
        QCOMPARE(b.run(OperationKind::Prepare, mapping).run.error, QString());
        const OperationResult sync = b.run(OperationKind::Sync, mapping);
        QCOMPARE(sync.run.error, QString());
        QCOMPARE(sync.run.rowsWritten, keys.size());
        QCOMPARE(
                a.rows(u"SELECT COUNT(*), COUNT(DISTINCT HEX(k)) FROM "_s + d.quote(mirror)),
                (QList<QStringList>{{QString::number(keys.size()), QString::number(keys.size())}}));
        for (int i = 0; i < keys.size(); ++i)
            QCOMPARE(a.scalar(u"SELECT HEX(v) FROM "_s + d.quote(mirror) + u" WHERE n = ?"_s, {i})
                             .toString(),
                     QString::fromLatin1(keys.at(i).toUtf8().toHex().toUpper()));
        // Keyset pages over the mirror and key lookups in the source agree on every key: a
        // sweep finds no orphans, and a second full pass writes nothing.
        const OperationResult sweep = b.run(OperationKind::Sweep, mapping);
        QCOMPARE(sweep.run.error, QString());
        QCOMPARE(sweep.orphansFound, 0);
        QCOMPARE(b.run(OperationKind::Sync, mapping).run.rowsWritten, 0);
        QVERIFY(sqlite.exec(u"DELETE FROM src WHERE k = 'a '"_s));
        QCOMPARE(b.run(OperationKind::Sweep, mapping, {.force = true}).run.rowsDeleted, 1);
        QCOMPARE(
                a.scalar(u"SELECT COUNT(*) FROM "_s + d.quote(mirror) + u" WHERE HEX(k) = '6120'"_s)
                        .toInt(),
                0);
        QCOMPARE(a.scalar(u"SELECT COUNT(*) FROM "_s + d.quote(mirror)).toInt(), keys.size() - 1);
    }

    // From MariaDB: a source whose own collation keeps them apart.
    {
        const QString source = a.table(u"src_nopad"_s);
        const QString mirror = a.table(u"mirror_nopad"_s);
        const QString mapping = a.mapping(u"textkeys2"_s);
        a.exec(u"CREATE TABLE "_s + d.quote(source)
               + u" (k VARCHAR(10) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin PRIMARY KEY, "
                 "v INT)"_s);
        for (int i = 0; i < keys.size(); ++i)
            a.exec(u"INSERT INTO "_s + d.quote(source) + u" VALUES (?, ?)"_s, {keys.at(i), i});
        Bench b(maria);
        b.addMapping(mapping, source, mirror);
        QCOMPARE(b.run(OperationKind::Prepare, mapping).run.error, QString());
        QCOMPARE(b.run(OperationKind::Sync, mapping).run.rowsWritten, keys.size());
        QCOMPARE(compareTables(a, source, mirror, {u"HEX(%1.k)"_s, u"%1.v"_s}, u"v"_s), QString());
    }
}

void TestDialectMariaDb::rejectedValueFailsTheOperationAndKeepsTheCheckpoint()
{
    TIDEMARK_SERVER_OR_SKIP(tidemark::DriverKind::MariaDb, u"maria"_s, maria);
    Admin a(maria);
    const MariaDbDialect &d = a.d();
    const QString source = a.table(u"src_bad"_s);
    const QString mirror = a.table(u"mirror_bad"_s);
    const QString mapping = a.mapping(u"rejected"_s);
    // The source keeps dates as text; the mirror (made by hand) as DATE. Validation cannot know
    // which texts are dates, so the mirror has to refuse the ones that are not, loudly.
    a.exec(u"CREATE TABLE "_s + d.quote(source)
           + u" (id INT PRIMARY KEY, d VARCHAR(30), updated_at DATETIME(6) NOT NULL)"_s);
    a.exec(u"CREATE TABLE "_s + d.quote(mirror)
           + u" (id INT PRIMARY KEY, d DATE, updated_at DATETIME(6) NOT NULL)"_s);
    const QString insert = u"INSERT INTO "_s + d.quote(source) + u" VALUES (?, ?, ?)"_s;
    a.exec(insert, {1, u"2024-01-01"_s, u"2024-06-01 00:00:00.000001"_s});
    a.exec(insert, {2, u"2024-01-02"_s, u"2024-06-01 00:00:00.000002"_s});
    Bench b(maria);
    MappingConfig &m = b.addMapping(mapping, source, mirror, u"updated_at"_s);
    m.lookback = 0;
    QCOMPARE(b.run(OperationKind::Prepare, mapping).run.error, QString());
    QCOMPARE(b.run(OperationKind::Sync, mapping).run.rowsWritten, 2);
    const Checkpoint before = b.checkpoint(mapping);
    QCOMPARE(before.cursor, QVariant(u"2024-06-01 00:00:00.000002"_s));

    // One bad row among good ones in the same page (batch_rows 3): the server rejects it.
    a.exec(insert, {3, u"2024-02-30"_s, u"2024-06-01 00:00:00.000003"_s});
    a.exec(insert, {4, u"2024-01-04"_s, u"2024-06-01 00:00:00.000004"_s});
    OperationResult r = b.run(OperationKind::Sync, mapping);
    QCOMPARE(r.run.result, u"error"_s);
    QVERIFY2(r.run.error.contains(mirror) && r.run.error.contains(u"2024-02-30"_s)
                     && r.run.error.contains(u"`d`"_s),
             qPrintable(r.run.error));
    QVERIFY(!r.transient); // an operator must act; retrying will not help
    QCOMPARE(b.checkpoint(mapping).cursor, before.cursor);
    QCOMPARE(b.checkpoint(mapping).key, before.key);
    QCOMPARE(a.scalar(u"SELECT COUNT(*) FROM "_s + d.quote(mirror)).toInt(), 2);

    // A value the server would store changed (the time of day cut off a DATE) is refused by the
    // dialect, with table, column and value in the message.
    a.exec(u"UPDATE "_s + d.quote(source)
           + u" SET d = '2024-01-03 10:00:00', updated_at = '2024-06-01 00:00:00.000005' "
             "WHERE id = 3"_s);
    r = b.run(OperationKind::Sync, mapping);
    QCOMPARE(r.run.result, u"error"_s);
    QVERIFY2(r.run.error.contains(mirror) && r.run.error.contains(u"2024-01-03 10:00:00"_s)
                     && r.run.error.contains(u"column 'd'"_s),
             qPrintable(r.run.error));
    QCOMPARE(b.checkpoint(mapping).cursor, before.cursor);
    QCOMPARE(a.scalar(u"SELECT COUNT(*) FROM "_s + d.quote(mirror)).toInt(), 2);

    // Fixed at the source, the next pass delivers everything that waited.
    a.exec(u"UPDATE "_s + d.quote(source)
           + u" SET d = '2024-01-03', updated_at = '2024-06-01 00:00:00.000006' WHERE id = 3"_s);
    r = b.run(OperationKind::Sync, mapping);
    QCOMPARE(r.run.error, QString());
    QCOMPARE(r.run.rowsWritten, 2);
    QCOMPARE(compareTables(a, source, mirror,
                           {u"%1.id"_s, u"CAST(CAST(%1.d AS DATE) AS CHAR)"_s,
                            exact(u"updated_at"_s, false)},
                           u"id"_s),
             QString());
}

void TestDialectMariaDb::secondSyncPicksUpExactlyTheChangedRows()
{
    TIDEMARK_SERVER_OR_SKIP(tidemark::DriverKind::MariaDb, u"maria"_s, maria);
    Admin a(maria);
    const MariaDbDialect &d = a.d();
    const QString source = a.table(u"src_micro"_s);
    const QString mirror = a.table(u"mirror_micro"_s);
    const QString mapping = a.mapping(u"micro"_s);
    a.exec(u"CREATE TABLE "_s + d.quote(source)
           + u" (id BIGINT PRIMARY KEY, v VARCHAR(20), updated_at DATETIME(6) NOT NULL, "
             "KEY (updated_at, id))"_s);
    // Ten rows a microsecond apart, inside the same millisecond: a driver that reads
    // milliseconds would see them all as one instant.
    for (int i = 1; i <= 10; ++i)
        a.exec(u"INSERT INTO "_s + d.quote(source) + u" VALUES (?, ?, ?)"_s,
               {i, u"v%1"_s.arg(i), u"2024-05-01 12:00:00.0000%1"_s.arg(i, 2, 10, QChar(u'0'))});
    Bench b(maria);
    MappingConfig &m = b.addMapping(mapping, source, mirror, u"updated_at"_s);
    m.lookback = 0;
    QCOMPARE(b.run(OperationKind::Prepare, mapping).run.error, QString());
    QCOMPARE(b.run(OperationKind::Sync, mapping).run.rowsWritten, 10);
    QCOMPARE(b.checkpoint(mapping).cursor, QVariant(u"2024-05-01 12:00:00.00001"_s));
    QCOMPARE(b.checkpoint(mapping).key, QVariantList{qlonglong(10)});
    QCOMPARE(b.run(OperationKind::Sync, mapping).run.rowsWritten, 0);

    // Three rows change one microsecond after the checkpoint and later.
    const QString update =
            u"UPDATE "_s + d.quote(source) + u" SET v = ?, updated_at = ? WHERE id = ?"_s;
    a.exec(update, {u"changed 3"_s, u"2024-05-01 12:00:00.000011"_s, 3});
    a.exec(update, {u"changed 7"_s, u"2024-05-01 12:00:00.000011"_s, 7});
    a.exec(update, {u"changed 5"_s, u"2024-05-01 12:00:00.000012"_s, 5});
    QCOMPARE(b.status(mapping).backlog, 3);
    OperationResult r = b.run(OperationKind::Sync, mapping);
    QCOMPARE(r.run.error, QString());
    QCOMPARE(r.run.rowsWritten, 3);
    QCOMPARE(b.status(mapping).backlog, 0);
    QCOMPARE(b.checkpoint(mapping).cursor, QVariant(u"2024-05-01 12:00:00.000012"_s));
    QCOMPARE(b.checkpoint(mapping).key, QVariantList{qlonglong(5)});

    // A late commit with the checkpoint's own cursor value and a smaller key: the pass after
    // the checkpoint does not see it, the re-read of the ties does, even at lookback 0. (This
    // test used to expect 0 rows here: the row was left behind for good, issue 10.)
    a.exec(update, {u"late 2"_s, u"2024-05-01 12:00:00.000012"_s, 2});
    QCOMPARE(b.run(OperationKind::Sync, mapping).run.rowsWritten, 1);
    // A late commit with an older cursor value: only the lookback window (one second back)
    // finds it, and writes only that row even though it re-reads five.
    a.exec(update, {u"late 4"_s, u"2024-05-01 12:00:00.000011"_s, 4});
    QCOMPARE(b.run(OperationKind::Sync, mapping).run.rowsWritten, 0);
    m.lookback = 1;
    r = b.run(OperationKind::Sync, mapping);
    QCOMPARE(r.run.error, QString());
    QCOMPARE(r.run.rowsWritten, 1);
    QVERIFY2(r.run.note.contains(u"re-read"_s), qPrintable(r.run.note));
    QCOMPARE(compareTables(a, source, mirror,
                           {u"%1.id"_s, exact(u"v"_s, true), exact(u"updated_at"_s, false)},
                           u"id"_s),
             QString());
}

void TestDialectMariaDb::lookbackBoundsNeverReReadLess_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<QVariant>("checkpoint");
    QTest::addColumn<qint64>("amount");
    QTest::addColumn<QVariantList>("values");
    QTest::addColumn<QString>("expected"); // positions (1-based) of values at or above
    QTest::newRow("datetime(6)") << u"DATETIME(6)"_s << QVariant(u"2024-01-01 00:01:00.5"_s)
                                 << qint64(30)
                                 << QVariantList{u"2024-01-01 00:00:30.499999"_s,
                                                 u"2024-01-01 00:00:30.5"_s,
                                                 u"2024-01-01 00:01:00.5"_s}
                                 << u"2,3"_s;
    QTest::newRow("timestamp") << u"TIMESTAMP(6) NULL"_s << QVariant(u"2024-01-01 00:01:00"_s)
                               << qint64(30)
                               << QVariantList{u"2024-01-01 00:00:29.999999"_s,
                                               u"2024-01-01 00:00:30"_s}
                               << u"2"_s;
    QTest::newRow("date") << u"DATE"_s << QVariant(u"2024-01-02"_s) << qint64(86400)
                          << QVariantList{u"2023-12-31"_s, u"2024-01-01"_s, u"2024-01-02"_s}
                          << u"2,3"_s;
    QTest::newRow("time") << u"TIME(6)"_s << QVariant(u"00:00:10"_s) << qint64(30)
                          << QVariantList{u"-00:00:21"_s, u"-00:00:20"_s, u"00:00:10"_s}
                          << u"2,3"_s;
    // Text minus a number would be computed in doubles, which cannot tell these apart.
    QTest::newRow("decimal") << u"DECIMAL(30,10)"_s
                             << QVariant(u"12345678901234567890.0000000005"_s) << qint64(1)
                             << QVariantList{u"12345678901234567889.0000000004"_s,
                                             u"12345678901234567889.0000000005"_s}
                             << u"2"_s;
    QTest::newRow("bigint") << u"BIGINT"_s << QVariant(qlonglong(10)) << qint64(30)
                            << QVariantList{qlonglong(-21), qlonglong(-20), qlonglong(10)}
                            << u"2,3"_s;
    QTest::newRow("unsigned bigint")
            << u"BIGINT UNSIGNED"_s << QVariant(qulonglong(18446744073709551615ULL)) << qint64(5)
            << QVariantList{qulonglong(18446744073709551609ULL),
                            qulonglong(18446744073709551610ULL)}
            << u"2"_s;
    // A text cursor holding timestamps: a bound one second lower than needed, as text.
    QTest::newRow("text timestamps")
            << u"VARCHAR(40)"_s << QVariant(u"2024-01-01 00:01:00"_s) << qint64(30)
            << QVariantList{u"2024-01-01 00:00:28.9"_s, u"2024-01-01 00:00:30"_s,
                            u"2024-01-01T00:00:30"_s, u"2024-01-01 00:01:00"_s}
            << u"2,3,4"_s;
    // Any other text: everything, even texts that sort below '' under PAD SPACE.
    QTest::newRow("text") << u"VARCHAR(40)"_s << QVariant(u"m"_s) << qint64(30)
                          << QVariantList{u"\tx"_s, u""_s, u"a"_s, u"m"_s} << u"1,2,3,4"_s;
}

void TestDialectMariaDb::lookbackBoundsNeverReReadLess()
{
    TIDEMARK_SERVER_OR_SKIP(tidemark::DriverKind::MariaDb, u"maria"_s, maria);
    QFETCH(QString, type);
    QFETCH(QVariant, checkpoint);
    QFETCH(qint64, amount);
    QFETCH(QVariantList, values);
    QFETCH(QString, expected);
    Admin a(maria);
    const MariaDbDialect &d = a.d();
    const QString table = a.table(u"bound"_s);
    a.exec(u"CREATE TABLE "_s + d.quote(table) + u" (id INT PRIMARY KEY, c "_s + type + u')');
    for (int i = 0; i < values.size(); ++i)
        a.exec(u"INSERT INTO "_s + d.quote(table) + u" VALUES (?, ?)"_s, {i + 1, values.at(i)});
    const ColumnInfo cursor = *d.describeTable(a.conn(), table).column(u"c"_s);
    // As IncrementalPass binds it: the checkpoint through the column's codec.
    const QString bound = d.cursorLowerBound(cursor, checkpoint, amount);
    QCOMPARE(bound.count(u'?'), 1);
    const QString ids = a.scalar(u"SELECT GROUP_CONCAT(id ORDER BY id) FROM "_s + d.quote(table)
                                         + u" WHERE c >= "_s + bound,
                                 {d.fromCanonical(cursor, checkpoint)})
                                .toString();
    QCOMPARE(ids, expected);
}

void TestDialectMariaDb::mirrorTablesFromOtherDialects()
{
    TIDEMARK_SERVER_OR_SKIP(tidemark::DriverKind::MariaDb, u"maria"_s, maria);
    Admin a(maria);
    const MariaDbDialect &d = a.d();
    auto col = [](const QString &name, ValueClass cls, int precision = -1, int scale = 0,
                  bool nullable = true) {
        ColumnInfo c;
        c.name = name;
        c.declaredType = u"whatever"_s;
        c.valueClass = cls;
        c.precision = precision;
        c.scale = scale;
        c.nullable = nullable;
        return c;
    };
    TableSchema s;
    s.sourceKind = DriverKind::Postgres;
    s.columns = {col(u"tk"_s, ValueClass::Text),
                 col(u"bk"_s, ValueClass::Blob),
                 col(u"ik"_s, ValueClass::Integer),
                 col(u"d"_s, ValueClass::Decimal, 30, 10),
                 col(u"dn"_s, ValueClass::Decimal),
                 col(u"r"_s, ValueClass::Real),
                 col(u"t"_s, ValueClass::Text, -1, 0, false),
                 col(u"b"_s, ValueClass::Blob),
                 col(u"f"_s, ValueClass::Boolean),
                 col(u"da"_s, ValueClass::Date),
                 col(u"tm"_s, ValueClass::Time),
                 col(u"ts"_s, ValueClass::Timestamp),
                 col(u"tz"_s, ValueClass::TimestampTz),
                 col(u"j"_s, ValueClass::Json),
                 col(u"x"_s, ValueClass::Unknown)};
    const QString table = a.table(u"from_pg"_s);
    const QString sql = d.createMirrorTable(table, s, s.columnNames(), {u"tk"_s, u"bk"_s, u"ik"_s});
    QVERIFY2(sql.contains(
                     u"`t` LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NOT NULL"_s),
             qPrintable(sql));
    // Three key columns share InnoDB's 3072 key bytes: a BIGINT, and the rest split in two.
    QVERIFY2(
            sql.contains(
                    u"`tk` VARCHAR(383) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NOT NULL"_s),
            qPrintable(sql));
    QVERIFY2(sql.contains(u"`bk` VARBINARY(1532) NOT NULL"_s), qPrintable(sql));
    for (const QString &part :
         {u"`ik` BIGINT NOT NULL"_s, u"`d` DECIMAL(30,10) NULL"_s,
          // No declared precision: exact text, not a DECIMAL(65,30) that would round.
          u"`dn` LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NULL"_s,
          u"`r` DOUBLE NULL"_s, u"`b` LONGBLOB NULL"_s, u"`f` BOOLEAN NULL"_s, u"`da` DATE NULL"_s,
          u"`tm` TIME(6) NULL"_s, u"`ts` DATETIME(6) NULL"_s, u"`tz` DATETIME(6) NULL"_s,
          u"`j` LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NULL"_s,
          u"PRIMARY KEY (`tk`, `bk`, `ik`)"_s, u"ENGINE=InnoDB"_s})
        QVERIFY2(sql.contains(part), qPrintable(part + u" in "_s + sql));
    a.exec(sql); // the server takes it: the key fits
    const TableSchema m = d.describeTable(a.conn(), table);
    QCOMPARE(m.primaryKey, (QStringList{u"tk"_s, u"bk"_s, u"ik"_s}));
    QCOMPARE(m.column(u"tz"_s)->valueClass, ValueClass::Timestamp);
    // A single text key gets the whole 768 characters.
    const QString single = a.table(u"single_key"_s);
    a.exec(d.createMirrorTable(single, s, {u"tk"_s, u"t"_s}, {u"tk"_s}));
    QCOMPARE(d.describeTable(a.conn(), single).column(u"tk"_s)->declaredType, u"varchar(768)"_s);

    // The state table.
    const QString state = a.table(u"state"_s);
    a.exec(d.createStateTable(state));
    a.exec(d.createStateTable(state)); // IF NOT EXISTS
    const TableSchema st = d.describeTable(a.conn(), state);
    QCOMPARE(st.primaryKey, QStringList{u"mapping"_s});
    for (const QString &c :
         {u"cursor_value"_s, u"key_value"_s, u"last_rows_written"_s, u"last_rows_deleted"_s,
          u"orphans"_s, u"orphans_at"_s, u"last_error"_s, u"last_note"_s})
        QVERIFY2(st.column(c), qPrintable(c));
}

void TestDialectMariaDb::lossReasons()
{
    TIDEMARK_SERVER_OR_SKIP(tidemark::DriverKind::MariaDb, u"maria"_s, maria);
    Q_UNUSED(maria); // the types alone decide
    const MariaDbDialect d;
    auto col = [](const QString &type, ValueClass cls, int precision = 0, int scale = 0) {
        ColumnInfo c;
        c.name = u"c"_s;
        c.declaredType = type;
        c.valueClass = cls;
        c.precision = precision;
        c.scale = scale;
        return c;
    };
    const ColumnInfo dt6 = col(u"datetime(6)"_s, ValueClass::Timestamp, 6);
    const ColumnInfo dt0 = col(u"datetime"_s, ValueClass::Timestamp, 0);
    QVERIFY(!d.lossReason(dt6, dt0).isEmpty());
    QVERIFY(d.lossReason(dt0, dt6).isEmpty());
    QVERIFY(d.lossReason(dt6, dt6).isEmpty());
    QVERIFY(!d.lossReason(dt6, col(u"date"_s, ValueClass::Date)).isEmpty());
    QVERIFY(!d.lossReason(col(u"timestamp with time zone"_s, ValueClass::TimestampTz, 6),
                          col(u"timestamp(6)"_s, ValueClass::TimestampTz, 6))
                     .isEmpty());
    QVERIFY(d.lossReason(col(u"timestamp(6)"_s, ValueClass::TimestampTz, 6),
                         col(u"timestamp(6)"_s, ValueClass::TimestampTz, 6))
                    .isEmpty());

    const ColumnInfo dec3010 = col(u"decimal(30,10)"_s, ValueClass::Decimal, 30, 10);
    QVERIFY(d.lossReason(dec3010, dec3010).isEmpty());
    QVERIFY(!d.lossReason(dec3010, col(u"decimal(20,10)"_s, ValueClass::Decimal, 20, 10))
                     .isEmpty());
    QVERIFY(!d.lossReason(dec3010, col(u"decimal(30,5)"_s, ValueClass::Decimal, 30, 5)).isEmpty());
    QVERIFY(!d.lossReason(dec3010, col(u"double"_s, ValueClass::Real)).isEmpty());
    // A numeric without a declared precision into what createMirrorTable makes of it.
    const QString unknown = d.lossReason(col(u"numeric"_s, ValueClass::Decimal, -1),
                                         col(u"decimal(65,30)"_s, ValueClass::Decimal, 65, 30));
    QVERIFY2(unknown.contains(u"65"_s), qPrintable(unknown));
    QVERIFY(!d.lossReason(col(u"double"_s, ValueClass::Real), dec3010).isEmpty());

    const ColumnInfo ubig = col(u"bigint(20) unsigned"_s, ValueClass::Integer);
    const ColumnInfo big = col(u"bigint(20)"_s, ValueClass::Integer);
    QVERIFY(!d.lossReason(ubig, big).isEmpty());
    QVERIFY(!d.lossReason(big, ubig).isEmpty());
    QVERIFY(d.lossReason(ubig, ubig).isEmpty());
    QVERIFY(d.lossReason(col(u"int(11)"_s, ValueClass::Integer), big).isEmpty());
    QVERIFY(!d.lossReason(big, col(u"int(11)"_s, ValueClass::Integer)).isEmpty());
    QVERIFY(d.lossReason(big, col(u"decimal(19,0)"_s, ValueClass::Decimal, 19, 0)).isEmpty());
    QVERIFY(!d.lossReason(big, col(u"decimal(18,0)"_s, ValueClass::Decimal, 18, 0)).isEmpty());
    QVERIFY(d.lossReason(col(u"boolean"_s, ValueClass::Boolean),
                         col(u"tinyint(1)"_s, ValueClass::Boolean))
                    .isEmpty());

    QVERIFY(!d.lossReason(col(u"double precision"_s, ValueClass::Real),
                          col(u"float"_s, ValueClass::Real))
                     .isEmpty());
    // NaN and Infinity are refused when written, naming the value, rather than refusing every
    // double column here.
    QVERIFY(d.lossReason(col(u"double precision"_s, ValueClass::Real),
                         col(u"double"_s, ValueClass::Real))
                    .isEmpty());
    QVERIFY(!d.lossReason(col(u"varchar(100)"_s, ValueClass::Text),
                          col(u"varchar(50)"_s, ValueClass::Text))
                     .isEmpty());
    QVERIFY(d.lossReason(col(u"text"_s, ValueClass::Text), col(u"varchar(768)"_s, ValueClass::Text))
                    .isEmpty());
    QVERIFY(!d.lossReason(col(u"text"_s, ValueClass::Text), col(u"char(10)"_s, ValueClass::Text))
                     .isEmpty());
    QVERIFY(!d.lossReason(col(u"bytea"_s, ValueClass::Blob), col(u"binary(16)"_s, ValueClass::Blob))
                     .isEmpty());
}

void TestDialectMariaDb::upsertOfKeyOnlyTable()
{
    TIDEMARK_SERVER_OR_SKIP(tidemark::DriverKind::MariaDb, u"maria"_s, maria);
    Admin a(maria);
    const MariaDbDialect &d = a.d();
    const QString table = a.table(u"keys_only"_s);
    a.exec(u"CREATE TABLE "_s + d.quote(table) + u" (a INT, b INT, PRIMARY KEY (a, b))"_s);
    const QStringList cols{u"a"_s, u"b"_s};
    QCOMPARE(d.upsert(table, cols, cols, 1),
             u"INSERT INTO `"_s + table
                     + u"` (`a`, `b`) VALUES (?, ?) ON DUPLICATE KEY UPDATE `a` = `a`"_s);
    a.exec(d.upsert(table, cols, cols, 2), {1, 1, 1, 2});
    a.exec(d.upsert(table, cols, cols, 2), {1, 1, 2, 2});
    QCOMPARE(a.scalar(u"SELECT COUNT(*) FROM "_s + d.quote(table)).toInt(), 3);
    // Not INSERT IGNORE: a bad value in a key-only upsert is still an error.
    QVERIFY_THROWS_EXCEPTION(DbError, a.exec(d.upsert(table, cols, cols, 1), {u"x"_s, 1}));
    QCOMPARE(d.upsert(table, {u"a"_s, u"v"_s}, {u"a"_s}, 2),
             u"INSERT INTO `"_s + table
                     + u"` (`a`, `v`) VALUES (?, ?), (?, ?) ON DUPLICATE KEY UPDATE "
                       "`v` = VALUES(`v`)"_s);
    QCOMPARE(d.maxBindValues(), 65535);
}

void TestDialectMariaDb::writePathsCarryEveryValueExactly_data()
{
    QTest::addColumn<bool>("bulk");
    QTest::newRow("bulk execution") << true;
    QTest::newRow("literal statements") << false;
}

void TestDialectMariaDb::writePathsCarryEveryValueExactly()
{
    // MirrorWriter writes MariaDB mirrors by the client library's bulk execution (typed column
    // arrays, db/mariadbnative.h) or, without it, as statements with the values written out as
    // literals; QMYSQL's binding was most of the client's time. On both paths every kind of
    // value must reach the column exactly: escapes, zero characters, every byte, doubles at
    // their limits, 64-bit integers, exact decimals and microseconds. Then the same keys again
    // with other values (the ON DUPLICATE KEY branch), a value the server rejects (named with
    // the rows' keys) and a value neither path carries (bound through QtSql instead).
    QFETCH(bool, bulk);
    TIDEMARK_SERVER_OR_SKIP(tidemark::DriverKind::MariaDb, u"maria"_s, maria);
    mariadbnative::setEnabled(bulk);
    const auto reenable = qScopeGuard([] { mariadbnative::setEnabled(true); });
    Admin a(maria);
    const MariaDbDialect &d = a.d();
    const QString table = a.table(u"literals"_s);
    a.exec(u"CREATE TABLE "_s + d.quote(table)
           + u" (id BIGINT NOT NULL PRIMARY KEY, t LONGTEXT CHARACTER SET utf8mb4 COLLATE "
             "utf8mb4_bin NULL, b LONGBLOB NULL, f DOUBLE NULL, n DECIMAL(30,10) NULL, "
             "u BIGINT UNSIGNED NULL, ts DATETIME(6) NULL, j JSON NULL, dt DATE NULL)"_s);
    const TableSchema schema = d.describeTable(a.conn(), table);
    const QStringList columns{u"id"_s, u"t"_s, u"b"_s, u"f"_s, u"n"_s,
                              u"u"_s,  u"ts"_s, u"j"_s, u"dt"_s};

    QByteArray everyByte;
    for (int i = 0; i < 256; ++i)
        everyByte += char(i);
    const QString nasty = u"a'b\"c\\\\d\\'e\\0f"_s + QChar(0) + u"g\n\r\t\x1a h 🚀 Zoë 表 \\"_s;
    QList<QVariantList> rows{
            {qlonglong(std::numeric_limits<qint64>::min()), nasty, everyByte, 0.1,
             u"-12345678901234567890.0123456789"_s, qulonglong(std::numeric_limits<quint64>::max()),
             u"1000-01-01 00:00:00.000001"_s, u"{\"k\": \"v\\\\\\\"\", \"n\": [1, 2.5]}"_s,
             u"1000-01-01"_s},
            {qlonglong(-1), u"\\"_s, QByteArray(), 5e-324, u"0.0000000001"_s, qulonglong(0),
             u"9999-12-31 23:59:59.999999"_s, u"[]"_s, u"9999-12-31"_s},
            {qlonglong(0), QString(), QVariant(QMetaType(QMetaType::QByteArray)),
             -1.7976931348623157e308, u"99999999999999999999.9999999999"_s,
             qulonglong(9007199254740993ULL), u"2026-11-22 10:15:00"_s, u"null"_s, QVariant()},
            {qlonglong(std::numeric_limits<qint64>::max()), u"'"_s, QByteArray("\\0'", 3), 1e22,
             u"-0.5"_s, QVariant(), QVariant(), QVariant(), u"2026-02-28"_s},
            {qlonglong(9007199254740993LL), QString(1024 * 1024, u'\\'), QByteArray(1 << 20, '\''),
             123456789.123456789, u"1"_s, qulonglong(1), u"2000-01-01 00:00:00.5"_s,
             u"\"\\u0000\""_s, u"2000-02-29"_s},
    };
    QStringList statements;
    a.conn().setStatementHook([&statements](const QString &sql) { statements << sql.left(60); });
    const auto unhook = qScopeGuard([&a] { a.conn().setStatementHook({}); });
    MirrorWriter writer(a.conn(), schema, table, columns, {u"id"_s});

    auto readBack = [&] {
        TableCodec codec(d, schema, columns);
        QSqlQuery q = a.conn().exec(u"SELECT "_s + codec.selectList() + u" FROM "_s + d.quote(table)
                                    + u" ORDER BY id"_s);
        QHash<qlonglong, QVariantList> byKey;
        while (q.next()) {
            const QVariantList row = codec.readRow(q);
            byKey.insert(row.first().toLongLong(), row);
        }
        return byKey;
    };
    auto check = [&](const QList<QVariantList> &expected) {
        const QHash<qlonglong, QVariantList> got = readBack();
        QCOMPARE(got.size(), expected.size());
        for (const QVariantList &row : expected) {
            const QVariantList back = got.value(row.first().toLongLong());
            QCOMPARE(back.size(), row.size());
            for (qsizetype c = 0; c < row.size(); ++c) {
                const bool same = sameValue(row.at(c), back.at(c), schema.columns.at(c).valueClass);
                if (!same)
                    qWarning("key %lld, column %s: wrote %s, read %s",
                             row.first().toLongLong(), qPrintable(columns.at(c)),
                             qPrintable(displayText(row.at(c)).left(80)),
                             qPrintable(displayText(back.at(c)).left(80)));
                QVERIFY(same);
            }
        }
    };

    if (bulk)
        TIDEMARK_REQUIRED_OR_SKIP(mariadbnative::available(a.conn()),
                                  "bulk execution is not built in (libmariadb-dev missing at build "
                                  "time) or the server lacks it");
    QVERIFY(!mariadbnative::available(a.conn()) || bulk);
    writer.upsert(rows);
    // Only INSERTs (one bulk execution, or literal statements), never a QtSql PREPARE.
    QVERIFY(!statements.isEmpty());
    for (const QString &sql : std::as_const(statements))
        QVERIFY2(sql.startsWith(u"INSERT INTO"_s), qPrintable(sql));
    if (bulk)
        QCOMPARE(statements.size(), 1);
    check(rows);

    // The same keys again, every non-key value changed: the ON DUPLICATE KEY branch.
    std::swap(rows[0][1], rows[1][1]);
    std::swap(rows[0][2], rows[3][2]);
    rows[2][3] = 0.30000000000000004;
    rows[3][4] = u"0.1234567891"_s;
    rows[4][6] = u"1970-01-01 00:00:00.000001"_s;
    rows[1][7] = u"{\"quote\": \"'\"}"_s;
    writer.upsert(rows);
    check(rows);

    // A value the server rejects: the error names the table and the rows' keys, and nothing of
    // the statement was written.
    QList<QVariantList> bad{{qlonglong(10), u"ok"_s, QVariant(), QVariant(), QVariant(),
                             QVariant(), QVariant(), QVariant(), QVariant()},
                            {qlonglong(11), u"ok"_s, QVariant(), QVariant(), QVariant(),
                             QVariant(), QVariant(), u"{not json"_s, QVariant()}};
    try {
        writer.upsert(bad);
        QFAIL("an invalid JSON value was accepted");
    } catch (const DbError &e) {
        QVERIFY2(e.message().contains(table) && e.message().contains(u"(10) to (11)"_s),
                 qPrintable(e.message()));
        QVERIFY2(e.detail().size() < 4000, "the error keeps the whole statement");
    }
    QCOMPARE(a.scalar(u"SELECT COUNT(*) FROM "_s + d.quote(table) + u" WHERE id IN (10, 11)"_s).toInt(),
             0);

    // A value with no literal is bound instead. A QDate in a column the writer's schema does
    // not describe reaches the dialect as it is.
    TableSchema partial = schema;
    partial.columns.removeLast();
    MirrorWriter partialWriter(a.conn(), partial, table, columns, {u"id"_s});
    statements.clear();
    partialWriter.upsert({{qlonglong(20), u"date"_s, QVariant(), QVariant(), QVariant(), QVariant(),
                    QVariant(), QVariant(), QDate(2026, 11, 22)}});
    QVERIFY2(statements.size() == 2 && statements.first().startsWith(u"PREPARE"_s),
             qPrintable(statements.join(u" | "_s)));
    QCOMPARE(a.scalar(u"SELECT CAST(dt AS CHAR) FROM "_s + d.quote(table) + u" WHERE id = 20"_s)
                     .toString(),
             u"2026-11-22"_s);

    // Bulk execution sends a page in chunks of 1,000 rows; a later chunk whose column mixes
    // types (a double and a decimal text in the DOUBLE column) goes through QtSql's binding,
    // and every row still arrives.
    QList<QVariantList> many;
    for (int i = 0; i < 2500; ++i)
        many.append({qlonglong(1000 + i), u"row %1"_s.arg(i), QVariant(),
                     i == 1700 ? QVariant(u"0.25"_s) : QVariant(i + 0.5), QVariant(), QVariant(),
                     QVariant(), QVariant(), QVariant()});
    writer.upsert(many);
    QCOMPARE(a.scalar(u"SELECT COUNT(*) FROM "_s + d.quote(table) + u" WHERE id >= 1000 AND id < 3500"_s)
                     .toInt(),
             2500);
    QCOMPARE(a.scalar(u"SELECT f FROM "_s + d.quote(table) + u" WHERE id = 2700"_s).toDouble(),
             0.25);
    QCOMPARE(a.scalar(u"SELECT f FROM "_s + d.quote(table) + u" WHERE id = 3499"_s).toDouble(),
             2499.5);
}

QTEST_GUILESS_MAIN(TestDialectMariaDb)
#include "tst_dialect_mariadb.moc"
