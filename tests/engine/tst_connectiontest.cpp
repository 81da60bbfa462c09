// The connection editor's engine side: "Test connection" (server version, TLS state, or the
// exact error) and the catalog reader behind the mapping editor (tables, columns, key and
// cursor suggestions), against SQLite files and the real PostgreSQL and MariaDB test servers.
#include "api/catalog.h"
#include "api/connectiontest.h"
#include "db/dbconnection.h"
#include "testservers.h"

#include <QRandomGenerator>
#include <QSignalSpy>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <atomic>

using namespace Qt::StringLiterals;
using namespace tidemark;

namespace {

QString randomSuffix()
{
    return QString::number(QRandomGenerator::global()->generate64() & 0xffffffffffULL, 36);
}

ConnectionConfig sqliteConnection(const QString &path)
{
    ConnectionConfig c;
    c.name = u"src"_s;
    c.driver = DriverKind::Sqlite;
    c.database = path;
    return c;
}

void execAll(const ConnectionConfig &config, const QStringList &statements)
{
    DbConnection conn(config, u"setup"_s);
    conn.setCreateIfMissing(true);
    conn.open();
    for (const QString &sql : statements)
        conn.exec(sql);
}

ColumnInfo column(const QString &name, ValueClass valueClass, bool nullable = true)
{
    ColumnInfo c;
    c.name = name;
    c.valueClass = valueClass;
    c.nullable = nullable;
    return c;
}

// Clears the password provider however the test ends: it is process-wide.
struct ProviderGuard
{
    ~ProviderGuard() { DbConnection::setPasswordProvider({}); }
};

} // namespace

class TestConnectionTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void sqliteReportsVersion();
    void sqliteMissingFileIsTheExactError();
    void sqliteWriteTransactionSurvivesAnotherWriter();
    void postgresReportsVersionAndTls();
    void postgresWrongPasswordIsTheServersError();
    void postgresUnreachable();
    void mariadbReportsVersionAndTls();
    void mariadbWrongPasswordIsTheServersError();
    void testRunsOffTheCallingThread();
    void newerTestSupersedesOlder();

    void sqliteCatalog();
    void postgresCatalog();
    void mariadbCatalog();
    void catalogReaderInBackground();
    void catalogReaderReportsError();
    void suggestCursorChoice_data();
    void suggestCursorChoice();

private:
    QTemporaryDir m_dir;
    QString m_sqlite;
};

void TestConnectionTest::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_sqlite = m_dir.filePath(u"source.db"_s);
    execAll(sqliteConnection(m_sqlite),
            {u"CREATE TABLE orders (id INTEGER PRIMARY KEY, customer TEXT NOT NULL,"
             " total NUMERIC, created_at TEXT NOT NULL, updated_at TEXT)"_s,
             u"CREATE TABLE \"order lines\" (order_id INTEGER NOT NULL, line_no INTEGER NOT NULL,"
             " qty INTEGER, version INTEGER NOT NULL, PRIMARY KEY (order_id, line_no))"_s,
             u"CREATE VIEW big_orders AS SELECT * FROM orders WHERE total > 100"_s,
             u"CREATE TABLE _tidemark_state (mapping TEXT PRIMARY KEY)"_s});
}

void TestConnectionTest::sqliteReportsVersion()
{
    const ConnectionTestResult r = testConnection(sqliteConnection(m_sqlite));
    QVERIFY2(r.ok, qPrintable(r.error));
    QVERIFY2(r.serverVersion.startsWith(u"SQLite 3."_s), qPrintable(r.serverVersion));
    QCOMPARE(r.tls, TlsState::NotApplicable);
    QVERIFY(r.error.isEmpty());
    QVERIFY(r.summary().startsWith(r.serverVersion));
}

void TestConnectionTest::sqliteMissingFileIsTheExactError()
{
    const QString missing = m_dir.filePath(u"nope.db"_s);
    const ConnectionTestResult r = testConnection(sqliteConnection(missing));
    QVERIFY(!r.ok);
    QVERIFY2(r.error.contains(missing) && r.error.contains(u"does not exist"_s),
             qPrintable(r.error));
    QCOMPARE(r.summary(), r.error);
    // Testing must not create the file, or the next sync would read an empty source.
    QVERIFY(!QFile::exists(missing));
}

// A transaction that reads, then writes, while another connection commits in between: with a
// deferred BEGIN, SQLite in WAL mode refuses the write at once ("database is locked", busy
// timeout or not), which lost sync batches beside a drift check. The transaction must hold.
void TestConnectionTest::sqliteWriteTransactionSurvivesAnotherWriter()
{
    const QString file = m_dir.filePath(u"busy.db"_s);
    execAll(sqliteConnection(file), {u"PRAGMA journal_mode=WAL"_s,
                                     u"CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)"_s,
                                     u"INSERT INTO t VALUES (1, 'a')"_s});
    DbConnection ours(sqliteConnection(file), u"ours"_s);
    ours.open();
    {
        QSqlDatabase other = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"other-writer"_s);
        other.setDatabaseName(file);
        other.setConnectOptions(u"QSQLITE_BUSY_TIMEOUT=200"_s);
        QVERIFY(other.open());
        ours.begin();
        QCOMPARE(ours.scalar(u"SELECT count(*) FROM t"_s).toInt(), 1);
        // The other writer waits for our transaction (and gives up after its 200 ms) instead of
        // slipping a commit in under our read.
        QSqlQuery q(other);
        const bool otherWrote = q.exec(u"INSERT INTO t VALUES (2, 'b')"_s);
        QVERIFY2(!otherWrote, "another connection wrote inside our transaction");
        q.finish();
        ours.exec(u"INSERT INTO t VALUES (3, 'c')"_s);
        ours.commit();
        // Once we are done, the other writer gets its turn.
        QVERIFY2(q.exec(u"INSERT INTO t VALUES (2, 'b')"_s), qPrintable(q.lastError().text()));
        q.finish();
        other.close();
    }
    QSqlDatabase::removeDatabase(u"other-writer"_s);
    QCOMPARE(ours.scalar(u"SELECT group_concat(id) FROM (SELECT id FROM t ORDER BY id)"_s).toString(),
             u"1,2,3"_s);
}

void TestConnectionTest::postgresReportsVersionAndTls()
{
    TIDEMARK_SERVER_OR_SKIP(DriverKind::Postgres, u"pg"_s, pg);
    ConnectionConfig plain = pg;
    plain.options = u"sslmode=disable"_s;
    ConnectionTestResult r = testConnection(plain);
    QVERIFY2(r.ok, qPrintable(r.error));
    QVERIFY2(r.serverVersion.startsWith(u"PostgreSQL 1"_s), qPrintable(r.serverVersion));
    QCOMPARE(r.tls, TlsState::Unencrypted);
    QVERIFY2(r.summary().contains(u"not encrypted"_s), qPrintable(r.summary()));

    // Whatever the server offers by default, the state is read, not guessed.
    r = testConnection(pg);
    QVERIFY2(r.ok, qPrintable(r.error));
    QVERIFY(r.tls == TlsState::Encrypted || r.tls == TlsState::Unencrypted);
    if (r.tls == TlsState::Encrypted)
        QVERIFY2(r.tlsDetail.contains(u"TLS"_s), qPrintable(r.tlsDetail));
}

void TestConnectionTest::postgresWrongPasswordIsTheServersError()
{
    TIDEMARK_SERVER_OR_SKIP(DriverKind::Postgres, u"pg"_s, pg);
    ConnectionConfig wrong = pg;
    wrong.passwordEnv = u"TIDEMARK_TEST_WRONG_PASSWORD"_s;
    qputenv("TIDEMARK_TEST_WRONG_PASSWORD", "certainly-not-the-password");
    const ConnectionTestResult r = testConnection(wrong);
    qunsetenv("TIDEMARK_TEST_WRONG_PASSWORD");
    QVERIFY(!r.ok);
    QVERIFY2(r.error.contains(u"password authentication failed"_s), qPrintable(r.error));
    QVERIFY2(!r.error.contains(u"certainly-not-the-password"_s), qPrintable(r.error));
}

void TestConnectionTest::postgresUnreachable()
{
    TIDEMARK_SERVER_OR_SKIP(DriverKind::Postgres, u"pg"_s, pg);
    ConnectionConfig closed = pg;
    closed.port = 1; // nothing listens on tcpmux on loopback
    const ConnectionTestResult r = testConnection(closed);
    QVERIFY(!r.ok);
    QVERIFY2(r.error.contains(u"connection 'pg'"_s), qPrintable(r.error));
    QVERIFY2(r.error.contains(u"refused"_s, Qt::CaseInsensitive), qPrintable(r.error));
}

void TestConnectionTest::mariadbReportsVersionAndTls()
{
    TIDEMARK_SERVER_OR_SKIP(DriverKind::MariaDb, u"maria"_s, maria);
    const ConnectionTestResult r = testConnection(maria);
    QVERIFY2(r.ok, qPrintable(r.error));
    QVERIFY2(r.serverVersion.startsWith(u"MariaDB "_s), qPrintable(r.serverVersion));
    // The throwaway server has no certificate: the session cannot be encrypted.
    QCOMPARE(r.tls, TlsState::Unencrypted);
}

void TestConnectionTest::mariadbWrongPasswordIsTheServersError()
{
    TIDEMARK_SERVER_OR_SKIP(DriverKind::MariaDb, u"maria"_s, maria);
    ConnectionConfig wrong = maria;
    wrong.passwordEnv = u"TIDEMARK_TEST_WRONG_PASSWORD"_s;
    qputenv("TIDEMARK_TEST_WRONG_PASSWORD", "certainly-not-the-password");
    const ConnectionTestResult r = testConnection(wrong);
    qunsetenv("TIDEMARK_TEST_WRONG_PASSWORD");
    QVERIFY(!r.ok);
    QVERIFY2(r.error.contains(u"Access denied"_s), qPrintable(r.error));
}

void TestConnectionTest::testRunsOffTheCallingThread()
{
    TIDEMARK_SERVER_OR_SKIP(DriverKind::Postgres, u"pg"_s, pg);
    ProviderGuard guard;
    // The provider is asked in the connecting thread: that is where the test ran.
    std::atomic<QThread *> askedIn{nullptr};
    const QByteArray password = qgetenv(pg.passwordEnv.toUtf8().constData());
    ConnectionConfig viaProvider = pg;
    viaProvider.passwordEnv.clear();
    DbConnection::setPasswordProvider([&askedIn, password](const ConnectionConfig &) {
        askedIn = QThread::currentThread();
        return QString::fromUtf8(password);
    });

    ConnectionTest test;
    QSignalSpy finished(&test, &ConnectionTest::finished);
    test.start(viaProvider);
    QVERIFY(test.isRunning());
    QVERIFY(finished.wait(20000));
    QVERIFY(!test.isRunning());
    const auto r = finished.constFirst().constFirst().value<ConnectionTestResult>();
    QVERIFY2(r.ok, qPrintable(r.error));
    QVERIFY(askedIn.load() != nullptr);
    QVERIFY(askedIn.load() != QThread::currentThread());
}

void TestConnectionTest::newerTestSupersedesOlder()
{
    ConnectionTest test;
    QSignalSpy finished(&test, &ConnectionTest::finished);
    test.start(sqliteConnection(m_dir.filePath(u"missing.db"_s)));
    test.start(sqliteConnection(m_sqlite));
    QVERIFY(finished.wait(10000));
    QTest::qWait(200); // the first one's answer, were it not dropped, would arrive by now
    QCOMPARE(finished.size(), 1);
    QVERIFY(finished.constFirst().constFirst().value<ConnectionTestResult>().ok);
}

void TestConnectionTest::sqliteCatalog()
{
    DbConnection conn(sqliteConnection(m_sqlite), u"test"_s);
    conn.open();
    QCOMPARE(listTables(conn),
             (QStringList{u"big_orders"_s, u"order lines"_s, u"orders"_s}));

    const TableSchema orders = conn.dialect().describeTable(conn, u"orders"_s);
    QCOMPARE(suggestKey(orders), QStringList{u"id"_s});
    // TEXT is how SQLite keeps times; created_at is NOT NULL but never moves on update.
    QCOMPARE(tidemark::suggestCursor(orders).column, u"updated_at"_s);
    QVERIFY(tidemark::suggestCursor(orders).reason.contains(u"NULL"_s));

    const TableSchema lines = conn.dialect().describeTable(conn, u"order lines"_s);
    QCOMPARE(suggestKey(lines), (QStringList{u"order_id"_s, u"line_no"_s}));
    QCOMPARE(tidemark::suggestCursor(lines).column, u"version"_s);
    QVERIFY(tidemark::suggestCursor(lines).reason.contains(u"NOT NULL"_s));
}

void TestConnectionTest::postgresCatalog()
{
    TIDEMARK_SERVER_OR_SKIP(DriverKind::Postgres, u"pg"_s, pg);
    const QString table = u"cat Orders "_s + randomSuffix();
    DbConnection conn(pg, u"test"_s);
    conn.open();
    const QString q = conn.dialect().quote(table);
    conn.exec(u"CREATE TABLE "_s + q
              + u" (tenant int NOT NULL, id bigint NOT NULL, qty int,"
                " created_at timestamptz NOT NULL DEFAULT now(),"
                " modified_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz,"
                " PRIMARY KEY (tenant, id))"_s);
    const auto drop = qScopeGuard([&] { conn.exec(u"DROP TABLE IF EXISTS "_s + q); });
    QVERIFY(listTables(conn).contains(table));
    QVERIFY(!listTables(conn).contains(u"pg_class"_s));
    const TableSchema schema = conn.dialect().describeTable(conn, table);
    QCOMPARE(suggestKey(schema), (QStringList{u"tenant"_s, u"id"_s}));
    // Both are named like a modification time; the NOT NULL one wins.
    QCOMPARE(tidemark::suggestCursor(schema).column, u"modified_at"_s);
}

void TestConnectionTest::mariadbCatalog()
{
    TIDEMARK_SERVER_OR_SKIP(DriverKind::MariaDb, u"maria"_s, maria);
    const QString table = u"cat_orders_"_s + randomSuffix();
    DbConnection conn(maria, u"test"_s);
    conn.open();
    const QString q = conn.dialect().quote(table);
    conn.exec(u"CREATE TABLE "_s + q
              + u" (id BIGINT PRIMARY KEY, note TEXT, row_version BIGINT NOT NULL,"
                " updated_at DATETIME(6) NULL)"_s);
    const auto drop = qScopeGuard([&] { conn.exec(u"DROP TABLE IF EXISTS "_s + q); });
    QVERIFY(listTables(conn).contains(table));
    const TableSchema schema = conn.dialect().describeTable(conn, table);
    QCOMPARE(suggestKey(schema), QStringList{u"id"_s});
    // Equal names' strength: NOT NULL beats the timestamp that allows NULL.
    QCOMPARE(tidemark::suggestCursor(schema).column, u"row_version"_s);
}

void TestConnectionTest::catalogReaderInBackground()
{
    CatalogReader reader;
    QSignalSpy tables(&reader, &CatalogReader::tablesRead);
    QSignalSpy table(&reader, &CatalogReader::tableRead);
    reader.requestTables(sqliteConnection(m_sqlite));
    reader.requestTable(sqliteConnection(m_sqlite), u"order lines"_s);
    QVERIFY(reader.isBusy());
    QTRY_COMPARE_WITH_TIMEOUT(tables.size() + table.size(), 2, 10000);
    QVERIFY(!reader.isBusy());
    const auto t = tables.constFirst().constFirst().value<CatalogTables>();
    QCOMPARE(t.connection, u"src"_s);
    QVERIFY(t.error.isEmpty());
    QCOMPARE(t.tables.size(), 3);
    const auto s = table.constFirst().constFirst().value<CatalogTable>();
    QCOMPARE(s.schema.table, u"order lines"_s);
    QCOMPARE(s.schema.columnNames(),
             (QStringList{u"order_id"_s, u"line_no"_s, u"qty"_s, u"version"_s}));

    // A table that is not there: no error, an empty schema.
    reader.requestTable(sqliteConnection(m_sqlite), u"no such table"_s);
    QVERIFY(table.wait(10000));
    const auto missing = table.constLast().constFirst().value<CatalogTable>();
    QVERIFY(missing.error.isEmpty());
    QVERIFY(!missing.schema.exists());
}

void TestConnectionTest::catalogReaderReportsError()
{
    CatalogReader reader;
    QSignalSpy tables(&reader, &CatalogReader::tablesRead);
    reader.requestTables(sqliteConnection(m_dir.filePath(u"absent.db"_s)));
    QVERIFY(tables.wait(10000));
    const auto t = tables.constFirst().constFirst().value<CatalogTables>();
    QVERIFY(t.tables.isEmpty());
    QVERIFY2(t.error.contains(u"does not exist"_s), qPrintable(t.error));
}

void TestConnectionTest::suggestCursorChoice_data()
{
    QTest::addColumn<QList<ColumnInfo>>("columns");
    QTest::addColumn<QStringList>("key");
    QTest::addColumn<QString>("expected");

    using VC = ValueClass;
    QTest::newRow("updated_at over created_at")
            << QList<ColumnInfo>{column(u"id"_s, VC::Integer, false),
                                 column(u"created_at"_s, VC::Timestamp, false),
                                 column(u"updated_at"_s, VC::Timestamp, true)}
            << QStringList{u"id"_s} << u"updated_at"_s;
    QTest::newRow("NOT NULL preferred")
            << QList<ColumnInfo>{column(u"id"_s, VC::Integer, false),
                                 column(u"UpdatedAt"_s, VC::TimestampTz, true),
                                 column(u"last_modified"_s, VC::TimestampTz, false)}
            << QStringList{u"id"_s} << u"last_modified"_s;
    QTest::newRow("integer version")
            << QList<ColumnInfo>{column(u"id"_s, VC::Integer, false),
                                 column(u"qty"_s, VC::Integer, false),
                                 column(u"version"_s, VC::Integer, false)}
            << QStringList{u"id"_s} << u"version"_s;
    // An id grows on insert only; updates would never reach the mirror.
    QTest::newRow("never the key") << QList<ColumnInfo>{column(u"version"_s, VC::Integer, false),
                                                        column(u"name"_s, VC::Text, false)}
                                   << QStringList{u"version"_s} << QString();
    QTest::newRow("a quantity is not a cursor")
            << QList<ColumnInfo>{column(u"id"_s, VC::Integer, false),
                                 column(u"qty"_s, VC::Integer, false),
                                 column(u"total"_s, VC::Decimal, false)}
            << QStringList{u"id"_s} << QString();
    QTest::newRow("soft delete time is not a cursor")
            << QList<ColumnInfo>{column(u"id"_s, VC::Integer, false),
                                 column(u"deleted_at"_s, VC::Timestamp, true)}
            << QStringList{u"id"_s} << QString();
    QTest::newRow("text time only in SQLite")
            << QList<ColumnInfo>{column(u"id"_s, VC::Integer, false),
                                 column(u"modified"_s, VC::Text, false)}
            << QStringList{u"id"_s} << u"modified"_s;
    QTest::newRow("weak name: ts") << QList<ColumnInfo>{column(u"id"_s, VC::Integer, false),
                                                        column(u"ts"_s, VC::Timestamp, false)}
                                   << QStringList{u"id"_s} << u"ts"_s;
}

void TestConnectionTest::suggestCursorChoice()
{
    QFETCH(QList<ColumnInfo>, columns);
    QFETCH(QStringList, key);
    QFETCH(QString, expected);
    TableSchema schema;
    schema.table = u"t"_s;
    schema.sourceKind = DriverKind::Sqlite;
    schema.columns = columns;
    schema.primaryKey = key;
    const CursorSuggestion s = tidemark::suggestCursor(schema);
    QCOMPARE(s.column, expected);
    QCOMPARE(s.reason.isEmpty(), expected.isEmpty());

    if (QTest::currentDataTag() == QByteArray("text time only in SQLite")) {
        schema.sourceKind = DriverKind::Postgres; // a text column there is text, not a time
        QCOMPARE(tidemark::suggestCursor(schema).column, QString());
    }
}

QTEST_GUILESS_MAIN(TestConnectionTest)
#include "tst_connectiontest.moc"
