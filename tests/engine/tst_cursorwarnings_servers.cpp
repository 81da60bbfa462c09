// validate's cursor warnings on PostgreSQL and MariaDB sources (cursorwarningcases.h), read
// from their catalogs: pg_index / pg_trigger + pg_proc, information_schema.STATISTICS /
// COLUMNS.EXTRA / TRIGGERS. Each warning appears when it should and not when the table is fine
// (index present, ON UPDATE present, trigger present, microsecond timestamp at lookback 0).

#include "cursorwarningcases.h"
#include "testservers.h"

using namespace Qt::StringLiterals;
using namespace tidemark;

class TestCursorWarningsServers : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void postgres_data();
    void postgres();
    void mariadb_data();
    void mariadb();
    void nullableKey_data();
    void nullableKey();
};

void TestCursorWarningsServers::nullableKey_data()
{
    QTest::addColumn<int>("kind");
    QTest::newRow("postgres") << int(DriverKind::Postgres);
    QTest::newRow("mariadb") << int(DriverKind::MariaDb);
}

void TestCursorWarningsServers::nullableKey()
{
    QFETCH(int, kind);
    TIDEMARK_SERVER_OR_SKIP(DriverKind(kind), u"src"_s, server);
    test::checkKeyWarnings(DriverKind(kind), server);
}

void TestCursorWarningsServers::postgres_data()
{
    test::addCursorWarningColumns();
    const QString index = test::cursorIndexDdl();
    const QString function = u"CREATE FUNCTION %T_fn() RETURNS trigger LANGUAGE plpgsql AS"
                             " $$ BEGIN NEW.c := clock_timestamp(); RETURN NEW; END $$"_s;
    const QString touch = u"CREATE TRIGGER %T_touch BEFORE UPDATE ON %T FOR EACH ROW"
                          " EXECUTE FUNCTION %T_fn()"_s;
    const QStringList fine{index, function, touch};
    test::addIndexAndUpdateRows(u"timestamp(6)"_s, {function, touch},
                                {function,
                                 u"CREATE TRIGGER %T_touch BEFORE INSERT ON %T FOR EACH"
                                 " ROW EXECUTE FUNCTION %T_fn()"_s});
    QTest::newRow("text") << u"text"_s << qint64(30) << QStringList{}
                          << QStringList{u"text"_s, u"index"_s, u"update"_s};
    QTest::newRow("timestamp(0), lookback 0")
            << u"timestamp(0)"_s << qint64(0) << fine << QStringList{u"seconds"_s};
    QTest::newRow("timestamptz(0), lookback 0")
            << u"timestamptz(0)"_s << qint64(0) << fine << QStringList{u"seconds"_s};
    QTest::newRow("date, lookback 0")
            << u"date"_s << qint64(0) << fine << QStringList{u"seconds"_s};
    QTest::newRow("timestamp(0), lookback 30, fine")
            << u"timestamp(0)"_s << qint64(30) << fine << QStringList{};
    QTest::newRow("timestamp(6), lookback 0, fine")
            << u"timestamp(6)"_s << qint64(0) << fine << QStringList{};
    QTest::newRow("timestamptz, lookback 0, fine")
            << u"timestamptz"_s << qint64(0) << fine << QStringList{};
    QTest::newRow("bigint, lookback 0")
            << u"bigint"_s << qint64(0)
            << QStringList{index,
                           u"CREATE FUNCTION %T_fn() RETURNS trigger LANGUAGE plpgsql AS"
                           " $$ BEGIN NEW.c := OLD.c + 1; RETURN NEW; END $$"_s,
                           touch}
            << QStringList{u"integer"_s};
}

void TestCursorWarningsServers::postgres()
{
    TIDEMARK_SERVER_OR_SKIP(DriverKind::Postgres, u"src"_s, server);
    test::checkCursorWarnings(DriverKind::Postgres, server);
}

void TestCursorWarningsServers::mariadb_data()
{
    test::addCursorWarningColumns();
    const QString index = test::cursorIndexDdl();
    const QString touch = u"CREATE TRIGGER %T_touch BEFORE UPDATE ON %T FOR EACH ROW"
                          " SET NEW.c = NOW(6)"_s;
    test::addIndexAndUpdateRows(u"DATETIME(6)"_s, {touch},
                                {u"CREATE TRIGGER %T_ins BEFORE INSERT ON %T FOR EACH ROW"
                                 " SET NEW.c = NOW(6)"_s});
    QTest::newRow("on update, lookback 0, fine")
            << u"DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)"
               " ON UPDATE CURRENT_TIMESTAMP(6)"_s
            << qint64(0) << QStringList{index} << QStringList{};
    QTest::newRow("datetime(6) trigger, lookback 0, fine")
            << u"DATETIME(6)"_s << qint64(0) << QStringList{index, touch} << QStringList{};
    QTest::newRow("varchar") << u"VARCHAR(40)"_s << qint64(30) << QStringList{}
                             << QStringList{u"text"_s, u"index"_s, u"update"_s};
    QTest::newRow("datetime, lookback 0") << u"DATETIME"_s << qint64(0) << QStringList{}
                                          << QStringList{u"seconds"_s, u"index"_s, u"update"_s};
    // NULL DEFAULT NULL: without it the first TIMESTAMP column of a table may get an implicit
    // ON UPDATE CURRENT_TIMESTAMP (explicit_defaults_for_timestamp off).
    QTest::newRow("timestamp, lookback 0")
            << u"TIMESTAMP NULL DEFAULT NULL"_s << qint64(0) << QStringList{index}
            << QStringList{u"seconds"_s, u"update"_s};
    QTest::newRow("date, lookback 0")
            << u"DATE"_s << qint64(0) << QStringList{index, touch} << QStringList{u"seconds"_s};
    QTest::newRow("datetime, lookback 30, fine")
            << u"DATETIME"_s << qint64(30) << QStringList{index, touch} << QStringList{};
    QTest::newRow("bigint, lookback 0")
            << u"BIGINT"_s << qint64(0)
            << QStringList{index,
                           u"CREATE TRIGGER %T_touch BEFORE UPDATE ON %T FOR EACH ROW"
                           " SET NEW.c = OLD.c + 1"_s}
            << QStringList{u"integer"_s};
}

void TestCursorWarningsServers::mariadb()
{
    TIDEMARK_SERVER_OR_SKIP(DriverKind::MariaDb, u"src"_s, server);
    test::checkCursorWarnings(DriverKind::MariaDb, server);
}

QTEST_GUILESS_MAIN(TestCursorWarningsServers)
#include "tst_cursorwarnings_servers.moc"
