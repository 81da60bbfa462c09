// Issue 13, failover: each mapping is run by one instance at a time, through a hold in the
// mirror database (run/mappinghold.h), for every mirror kind: SQLite (a file lock), PostgreSQL
// (an advisory lock), MariaDB (GET_LOCK) and ClickHouse (a lease row).
//  - Holders that race for one mapping, each in its own thread on its own connection: exactly
//    one wins, every round, and `status` (MappingHold::read) names it.
//  - A session lock ends with its session: the server ends the holder's session (as it does
//    when the holder's process dies or its network goes), another instance takes over, and the
//    old holder finds out at its next renewal, with its connection gone, so it cannot write.
//  - A file lock goes when the holder closes it (the kernel closes it when a process dies:
//    tests/fault/tst_fault_failover.cpp kills one); a lease that is not renewed expires and is
//    taken over, and its old holder learns it lost at its next renewal.

#include "db/dbconnection.h"
#include "db/dberror.h"
#include "db/dialect_hold.h"
#include "run/mappinghold.h"
#include "testservers.h"
#include "waituntil.h"

#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QUuid>

#include <atomic>
#include <memory>

using namespace Qt::StringLiterals;
using namespace tidemark;

namespace {

MappingConfig holdMapping(const QString &name)
{
    MappingConfig m;
    m.name = name;
    m.source = TableRef{u"src"_s, u"items"_s};
    m.mirror = TableRef{u"mirror"_s, u"items_"_s + name};
    m.intervalS = 1;
    return m;
}

QString uniqueName(const QString &prefix)
{
    return prefix + u'_' + QUuid::createUuid().toString(QUuid::Id128).left(12);
}

} // namespace

class TestMappingHold : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_tmp;

    // The mirror connection for the data row's kind; fails or skips the test without one.
    std::optional<ConnectionConfig> mirrorFor(const QString &kind)
    {
        if (kind == u"sqlite") {
            ConnectionConfig c;
            c.name = u"mirror"_s;
            c.driver = DriverKind::Sqlite;
            c.database = m_tmp.filePath(u"mirror.db"_s);
            return c;
        }
        const DriverKind driver = kind == u"postgres" ? DriverKind::Postgres
                : kind == u"mariadb"                  ? DriverKind::MariaDb
                                                      : DriverKind::ClickHouse;
        return test::serverConnection(driver, u"mirror"_s);
    }

    static void addKinds()
    {
        QTest::addColumn<QString>("kind");
        for (const char *kind : {"sqlite", "postgres", "mariadb", "clickhouse"})
            QTest::newRow(kind) << QString::fromLatin1(kind);
    }

    static std::unique_ptr<DbConnection> open(const ConnectionConfig &c, const QString &purpose)
    {
        auto conn = std::make_unique<DbConnection>(c, purpose);
        conn->setCreateIfMissing(true);
        conn->open();
        return conn;
    }

#define MIRROR_OR_SKIP(kind, var)                                                                  \
    const std::optional<ConnectionConfig> var##_opt = mirrorFor(kind);                             \
    if (!var##_opt) {                                                                              \
        if (test::serversRequired())                                                               \
            QFAIL(qPrintable(QString(u"no "_s + kind + u" test server: "_s                          \
                                     + test::howToStartServers())));                               \
        QSKIP(qPrintable(QString(u"no "_s + kind + u" test server: "_s                             \
                                 + test::howToStartServers())));                                   \
    }                                                                                              \
    const ConnectionConfig &var = *var##_opt

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_tmp.isValid()); }

    void racingHoldersExactlyOneWins_data() { addKinds(); }
    void racingHoldersExactlyOneWins()
    {
        QFETCH(QString, kind);
        MIRROR_OR_SKIP(kind, mirror);
        constexpr int kHolders = 4;
        constexpr int kRounds = 3;
        for (int round = 0; round < kRounds; ++round) {
            const MappingConfig mapping = holdMapping(uniqueName(u"race"_s));
            std::atomic<int> ready{0};
            std::atomic<int> decided{0};
            std::atomic<bool> finish{false};
            struct Outcome
            {
                QString error;
                bool self = false;
                QString holder;
            };
            std::vector<Outcome> outcomes(kHolders);
            std::vector<std::unique_ptr<QThread>> threads;
            for (int i = 0; i < kHolders; ++i) {
                threads.emplace_back(QThread::create([&, i] {
                    Outcome &out = outcomes[size_t(i)];
                    try {
                        auto conn = open(mirror, u"race-%1"_s.arg(i));
                        MappingHold hold(mapping, mirror, u"instance-%1"_s.arg(i), 5);
                        // Every holder has its connection before any of them asks.
                        ++ready;
                        while (ready.load() < kHolders)
                            QThread::yieldCurrentThread();
                        const MappingHolder h = hold.ensure(*conn);
                        out.self = h.self;
                        out.holder = h.instance;
                        ++decided;
                        // Keep what was won until every holder has asked.
                        while (!finish.load())
                            QThread::msleep(5);
                        hold.release(conn.get());
                    } catch (const DbError &e) {
                        out.error = e.message();
                        ++ready;
                        ++decided;
                    }
                }));
                threads.back()->start();
            }
            QVERIFY(test::waitUntil([&] { return decided.load() == kHolders; }, 30000, 10));
            // While the winner still holds it, `status` names it, from yet another connection.
            std::optional<MappingHolder> seen;
            QString readError;
            try {
                auto conn = open(mirror, u"race-status"_s);
                seen = MappingHold::read(*conn, mapping, u"instance-0"_s);
            } catch (const DbError &e) {
                readError = e.message();
            }
            finish = true;
            for (auto &t : threads)
                t->wait();
            int winners = 0;
            QString winner;
            for (int i = 0; i < kHolders; ++i) {
                const Outcome &o = outcomes[size_t(i)];
                QVERIFY2(o.error.isEmpty(), qPrintable(u"holder %1: "_s.arg(i) + o.error));
                if (o.self) {
                    ++winners;
                    winner = u"instance-%1"_s.arg(i);
                } else {
                    QVERIFY2(o.holder != u"instance-%1"_s.arg(i),
                             qPrintable(u"holder %1 lost but was told it holds it"_s.arg(i)));
                }
            }
            QVERIFY2(winners == 1, qPrintable(u"round %1: %2 holders won"_s.arg(round).arg(winners)));
            QVERIFY2(readError.isEmpty(), qPrintable(readError));
            QVERIFY2(seen && seen->instance == winner,
                     qPrintable(u"status names '%1', the winner is '%2'"_s.arg(
                             seen ? seen->instance : u"nobody"_s, winner)));
            QCOMPARE(seen->self, winner == u"instance-0"_s);
        }
    }

    void releasedHoldIsTakenAndStatusClears_data() { addKinds(); }
    void releasedHoldIsTakenAndStatusClears()
    {
        QFETCH(QString, kind);
        MIRROR_OR_SKIP(kind, mirror);
        const MappingConfig mapping = holdMapping(uniqueName(u"release"_s));
        try {
            auto connA = open(mirror, u"release-a"_s);
            auto connB = open(mirror, u"release-b"_s);
            MappingHold a(mapping, mirror, u"a"_s, 5);
            MappingHold b(mapping, mirror, u"b"_s, 5);
            QVERIFY(!MappingHold::read(*connB, mapping, u"b"_s));   // nobody yet
            QVERIFY(a.ensure(*connA).self);
            QVERIFY(a.ensure(*connA).self);   // renewing is holding, not taking twice
            const MappingHolder other = b.ensure(*connB);
            QVERIFY(!other.self);
            QCOMPARE(other.instance, u"a"_s);
            a.release(connA.get());
            QVERIFY(!a.held());
            QVERIFY2(!MappingHold::read(*connB, mapping, u"b"_s), "a released hold is still shown");
            QVERIFY(b.ensure(*connB).self);
            QVERIFY(!a.ensure(*connA).self);
        } catch (const DbError &e) {
            QFAIL(qPrintable(e.message()));
        }
    }

    // The holder's session ends under it (its process died, its network went, an operator
    // killed it): the server drops the lock, another instance takes over, and the old holder's
    // next renewal fails with its connection, so it can no longer write.
    void sessionLockEndsWithItsSession_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::newRow("postgres") << u"postgres"_s;
        QTest::newRow("mariadb") << u"mariadb"_s;
    }
    void sessionLockEndsWithItsSession()
    {
        QFETCH(QString, kind);
        MIRROR_OR_SKIP(kind, mirror);
        const MappingConfig mapping = holdMapping(uniqueName(u"session"_s));
        try {
            auto connA = open(mirror, u"session-a"_s);
            auto connB = open(mirror, u"session-b"_s);
            auto admin = open(mirror, u"session-admin"_s);
            MappingHold a(mapping, mirror, u"a"_s, 5);
            MappingHold b(mapping, mirror, u"b"_s, 5);
            QVERIFY(a.ensure(*connA).self);
            QVERIFY(!b.ensure(*connB).self);
            if (kind == u"postgres") {
                const QVariant pid = connA->scalar(u"SELECT pg_backend_pid()"_s);
                admin->scalar(u"SELECT pg_terminate_backend(CAST(? AS integer))"_s, {pid});
            } else {
                const qint64 id = connA->scalar(u"SELECT CONNECTION_ID()"_s).toLongLong();
                admin->exec(u"KILL "_s + QString::number(id));
            }
            QVERIFY2(test::waitUntil([&] { return b.ensure(*connB).self; }, 10000, 100),
                     "the hold did not end with its session");
            bool failed = false;
            try {
                a.ensure(*connA);
            } catch (const DbError &e) {
                failed = true;
                QVERIFY2(e.connectionLost() || e.isTransient(), qPrintable(e.message()));
            }
            QVERIFY2(failed, "the old holder's renewal did not notice its session was gone");
            a.sessionEnded();
            QVERIFY(!a.held());
            auto reopened = open(mirror, u"session-a2"_s);
            const MappingHolder now = a.ensure(*reopened);
            QVERIFY(!now.self);
            QCOMPARE(now.instance, u"b"_s);
        } catch (const DbError &e) {
            QFAIL(qPrintable(e.message()));
        }
    }

    // A session of the hold's own that the server has not noticed is gone (a firewall cut the
    // connection; the worker dropped it and reconnected): the hold ends that session, so the
    // instance is not kept out of its own mapping until TCP keepalive gives up.
    void ownLingeringSessionIsEnded_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::newRow("postgres") << u"postgres"_s;
        QTest::newRow("mariadb") << u"mariadb"_s;
    }
    void ownLingeringSessionIsEnded()
    {
        QFETCH(QString, kind);
        MIRROR_OR_SKIP(kind, mirror);
        const MappingConfig mapping = holdMapping(uniqueName(u"linger"_s));
        try {
            auto lingering = open(mirror, u"linger-old"_s);
            MappingHold a(mapping, mirror, u"a"_s, 5);
            MappingHold other(mapping, mirror, u"other"_s, 5);
            QVERIFY(a.ensure(*lingering).self);
            a.sessionEnded();   // the worker believes the session gone; the server does not
            auto fresh = open(mirror, u"linger-new"_s);
            QVERIFY2(test::waitUntil([&] { return a.ensure(*fresh).self; }, 10000, 100),
                     "the instance was kept out by its own old session");
            bool oldSessionEnded = false;
            try {
                lingering->scalar(u"SELECT 1"_s);
            } catch (const DbError &) {
                oldSessionEnded = true;
            }
            QVERIFY(oldSessionEnded);
            // Another instance's session is never ended: it only stands by.
            auto otherConn = open(mirror, u"linger-other"_s);
            QVERIFY(!other.ensure(*otherConn).self);
            QVERIFY(a.ensure(*fresh).self);
        } catch (const DbError &e) {
            QFAIL(qPrintable(e.message()));
        }
    }

    void leaseExpiresUnlessRenewed()
    {
        MIRROR_OR_SKIP(u"clickhouse"_s, mirror);
        const MappingConfig mapping = holdMapping(uniqueName(u"lease"_s));
        try {
            auto connA = open(mirror, u"lease-a"_s);
            auto connB = open(mirror, u"lease-b"_s);
            MappingHold a(mapping, mirror, u"a"_s, 2);
            MappingHold b(mapping, mirror, u"b"_s, 2);
            QVERIFY(a.ensure(*connA).self);
            QVERIFY(!b.ensure(*connB).self);
            // A renews, so its lease outlives its first two seconds.
            QTest::qWait(1200);
            QVERIFY(a.ensure(*connA).self);
            QTest::qWait(1200);
            QVERIFY(!b.ensure(*connB).self);
            // A stops renewing (a stalled or dead holder): the lease runs out, B takes it.
            QVERIFY2(test::waitUntil([&] { return b.ensure(*connB).self; }, 10000, 500),
                     "an expired lease was not taken over");
            QVERIFY(!a.renewIfDue(*connA));
            QVERIFY(!a.held());
            QCOMPARE(a.ensure(*connA).instance, u"b"_s);
        } catch (const DbError &e) {
            QFAIL(qPrintable(e.message()));
        }
    }

    void lockKeysFitTheirDatabase()
    {
        // MariaDB lock names: at most 64 characters, whatever the identity's length; PostgreSQL
        // keys: one bigint; both differ for identities that differ only in case.
        using holdsql::lockKey;
        const QString longIdentity = QString(500, u'x');
        QVERIFY(lockKey(DriverKind::MariaDb, longIdentity).toString().size() <= 64);
        QVERIFY(lockKey(DriverKind::MariaDb, u"db/t/Orders"_s)
                != lockKey(DriverKind::MariaDb, u"db/t/orders"_s));
        QCOMPARE(lockKey(DriverKind::Postgres, u"a"_s).metaType(), QMetaType::fromType<qint64>());
        QVERIFY(lockKey(DriverKind::Postgres, u"db/t/Orders"_s)
                != lockKey(DriverKind::Postgres, u"db/t/orders"_s));
        QCOMPARE(lockKey(DriverKind::Postgres, u"same"_s), lockKey(DriverKind::Postgres, u"same"_s));
    }
};

QTEST_GUILESS_MAIN(TestMappingHold)
#include "tst_mappinghold.moc"
