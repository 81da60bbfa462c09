// The connection monitor's rules (run/connectionmonitor.h) with a fake clock, and the
// statement watchdog (db/statementwatchdog.h) on a real socket that never answers.

#include "db/statementwatchdog.h"
#include "run/connectionmonitor.h"

#include <QElapsedTimer>
#include <QTest>

#include <thread>

#include <sys/socket.h>
#include <unistd.h>

using namespace Qt::StringLiterals;
using namespace tidemark;

namespace {

Project twoConnections()
{
    Project p;
    ConnectionConfig src;
    src.name = u"src"_s;
    src.database = u"/tmp/source.db"_s;
    ConnectionConfig pg;
    pg.name = u"pg"_s;
    pg.driver = DriverKind::Postgres;
    pg.host = u"127.0.0.1"_s;
    pg.database = u"mirror"_s;
    p.connections.insert(src.name, src);
    p.connections.insert(pg.name, pg);
    MappingConfig m;
    m.name = u"orders"_s;
    m.source = {u"src"_s, u"orders"_s};
    m.mirror = {u"pg"_s, u"orders"_s};
    p.mappings << m;
    return p;
}

const QDateTime t0 = QDateTime(QDate(2026, 11, 22), QTime(12, 0), Qt::UTC);

} // namespace

class TestConnectionMonitor : public QObject
{
    Q_OBJECT
private slots:
    void startsNeverConnectedAndUsable()
    {
        ConnectionMonitor m(twoConnections(), {}, 1);
        QCOMPARE(m.status(u"pg"_s).state, ConnectionState::NeverConnected);
        QCOMPARE(m.status(u"pg"_s).mappings, QStringList{u"orders"_s});
        // The first run is the first attempt: it must not be skipped.
        QVERIFY(m.usable(u"pg"_s));
        QVERIFY(m.unavailableReason(u"pg"_s).isEmpty());
        QVERIFY(m.takeDueAttempts(t0).isEmpty());
        QVERIFY(!m.usable(u"nonsense"_s));
    }

    void backoffDoublesUpToTheCapWithBoundedJitter()
    {
        ConnectionMonitor m(twoConnections(), ReconnectPolicy{1000, 60'000, 0.2}, 7);
        QCOMPARE(m.backoffMs(1), 1000);
        QCOMPARE(m.backoffMs(2), 2000);
        QCOMPARE(m.backoffMs(6), 32'000);
        QCOMPARE(m.backoffMs(7), 60'000);
        QCOMPARE(m.backoffMs(500), 60'000);
        QList<qint64> delays;
        QDateTime now = t0;
        for (int attempt = 1; attempt <= 10; ++attempt) {
            m.observeDown(u"pg"_s, u"refused"_s, true, now);
            const ConnectionStatus s = m.status(u"pg"_s);
            QCOMPARE(s.state, ConnectionState::Reconnecting);
            QCOMPARE(s.attempts, attempt);
            const qint64 delay = now.msecsTo(s.nextAttemptAt);
            const int base = m.backoffMs(attempt);
            QVERIFY2(delay >= base * 0.8 - 1 && delay <= std::min(60'000.0, base * 1.2) + 1,
                     qPrintable(u"attempt %1: %2 ms for a %3 ms step"_s.arg(attempt)
                                        .arg(delay)
                                        .arg(base)));
            delays << delay;
            now = s.nextAttemptAt;
        }
        // Jitter: two monitors with other seeds do not retry in step.
        ConnectionMonitor other(twoConnections(), ReconnectPolicy{1000, 60'000, 0.2}, 99);
        other.observeDown(u"pg"_s, u"refused"_s, true, t0);
        ConnectionMonitor third(twoConnections(), ReconnectPolicy{1000, 60'000, 0.2}, 12345);
        third.observeDown(u"pg"_s, u"refused"_s, true, t0);
        QVERIFY(other.status(u"pg"_s).nextAttemptAt != third.status(u"pg"_s).nextAttemptAt);
    }

    void dueAttemptsAreHandedOutOnce()
    {
        ConnectionMonitor m(twoConnections(), ReconnectPolicy{1000, 60'000, 0.0}, 1);
        m.observeDown(u"pg"_s, u"connection refused"_s, true, t0);
        QVERIFY(!m.usable(u"pg"_s));
        QVERIFY(m.unavailableReason(u"pg"_s).contains(u"connection refused"_s));
        QVERIFY(m.takeDueAttempts(t0.addMSecs(999)).isEmpty());
        QCOMPARE(m.takeDueAttempts(t0.addMSecs(1000)), QStringList{u"pg"_s});
        // Not again on the next tick while the attempt is out.
        QVERIFY(m.takeDueAttempts(t0.addMSecs(1250)).isEmpty());
        QVERIFY(m.takeDueAttempts(t0.addMSecs(1500)).isEmpty());
    }

    void comingBackIsReportedOnce()
    {
        ConnectionMonitor m(twoConnections(), {}, 1);
        QVERIFY(m.observeUp(u"pg"_s, t0));          // never connected -> connected
        QVERIFY(!m.observeUp(u"pg"_s, t0));         // already connected: no second catch-up
        m.observeDown(u"pg"_s, u"server closed the connection"_s, true, t0.addSecs(5));
        QCOMPARE(m.status(u"pg"_s).since, t0.addSecs(5));
        QCOMPARE(m.status(u"pg"_s).lastErrorAt, t0.addSecs(5));
        m.observeDown(u"pg"_s, u"refused"_s, true, t0.addSecs(7));
        QCOMPARE(m.status(u"pg"_s).since, t0.addSecs(5));   // still the same outage
        QCOMPARE(m.status(u"pg"_s).attempts, 2);
        QVERIFY(m.observeUp(u"pg"_s, t0.addSecs(9)));
        QVERIFY(!m.observeUp(u"pg"_s, t0.addSecs(9)));
        const ConnectionStatus s = m.status(u"pg"_s);
        QCOMPARE(s.state, ConnectionState::Connected);
        QCOMPARE(s.attempts, 0);
        QVERIFY(!s.nextAttemptAt.isValid());
        QCOMPARE(s.lastError, u"refused"_s);   // kept: when and why it was last lost
    }

    void permanentFailuresWaitForAnOperator()
    {
        ConnectionMonitor m(twoConnections(), ReconnectPolicy{1000, 60'000, 0.0}, 1);
        m.observeUp(u"src"_s, t0);
        m.observeDown(u"pg"_s, u"password authentication failed"_s, false, t0);
        QCOMPARE(m.status(u"pg"_s).state, ConnectionState::Disconnected);
        QVERIFY(!m.status(u"pg"_s).nextAttemptAt.isValid());
        QVERIFY(m.takeDueAttempts(t0.addSecs(3600)).isEmpty());
        QVERIFY(m.unavailableReason(u"pg"_s).contains(u"no automatic retry"_s));
        // Reconnect now: one attempt at once.
        m.attemptNow({}, t0.addSecs(3600));
        QCOMPARE(m.takeDueAttempts(t0.addSecs(3600)), QStringList{u"pg"_s});
        QVERIFY(m.takeDueAttempts(t0.addSecs(3601)).isEmpty());
    }

    void reconnectNowSkipsTheBackoff()
    {
        ConnectionMonitor m(twoConnections(), ReconnectPolicy{1000, 60'000, 0.0}, 1);
        for (int i = 0; i < 8; ++i)
            m.observeDown(u"pg"_s, u"refused"_s, true, t0);
        QVERIFY(t0.msecsTo(m.status(u"pg"_s).nextAttemptAt) >= 60'000);
        m.attemptNow(u"pg"_s, t0.addSecs(1));
        QCOMPARE(m.takeDueAttempts(t0.addSecs(1)), QStringList{u"pg"_s});
        // A connected connection is not part of "every connection not connected".
        m.observeUp(u"src"_s, t0);
        m.attemptNow({}, t0.addSecs(2));
        QVERIFY(!m.takeDueAttempts(t0.addSecs(2)).contains(u"src"_s));
    }

    // A socket whose peer never answers: the read blocks until the watchdog shuts the socket
    // down at its deadline, as a stopped server's connection would.
    void watchdogEndsAReadNobodyAnswers()
    {
        int fds[2];
        QCOMPARE(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
        StatementWatchdog &w = StatementWatchdog::instance();
        QElapsedTimer timer;
        timer.start();
        const quint64 token = w.arm(fds[0], std::chrono::milliseconds(300), u"test socket"_s);
        char byte;
        const ssize_t n = ::recv(fds[0], &byte, 1, 0);   // blocks until shut down
        const qint64 elapsed = timer.elapsed();
        QCOMPARE(n, ssize_t(0));
        QVERIFY2(elapsed >= 250 && elapsed < 3000, qPrintable(QString::number(elapsed)));
        QVERIFY(w.disarm(token));   // it fired
        ::close(fds[0]);
        ::close(fds[1]);
    }

    void disarmedWatchNeverFires()
    {
        int fds[2];
        QCOMPARE(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
        StatementWatchdog &w = StatementWatchdog::instance();
        const quint64 token = w.arm(fds[0], std::chrono::milliseconds(100), u"test socket"_s);
        QVERIFY(!w.disarm(token));
        QTest::qWait(300);
        // Still open: a write from the peer arrives.
        QCOMPARE(::send(fds[1], "x", 1, 0), ssize_t(1));
        char byte = 0;
        QCOMPARE(::recv(fds[0], &byte, 1, 0), ssize_t(1));
        QCOMPARE(byte, 'x');
        ::close(fds[0]);
        ::close(fds[1]);
    }

    void expireThreadsEndsOnlyThatThreadsStatements()
    {
        int mine[2];
        int theirs[2];
        QCOMPARE(::socketpair(AF_UNIX, SOCK_STREAM, 0, mine), 0);
        QCOMPARE(::socketpair(AF_UNIX, SOCK_STREAM, 0, theirs), 0);
        StatementWatchdog &w = StatementWatchdog::instance();
        const quint64 a = w.arm(mine[0], std::chrono::hours(1), u"mine"_s);
        quint64 b = 0;
        const void *otherThread = nullptr;
        std::thread other([&] {
            b = w.arm(theirs[0], std::chrono::hours(1), u"theirs"_s);
            otherThread = QThread::currentThread();
        });
        other.join();
        const qint64 firedBefore = w.firedCount();
        QCOMPARE(w.expireThreads({otherThread}), 1);
        QTRY_COMPARE(w.firedCount(), firedBefore + 1);
        QVERIFY(w.disarm(b));       // it was this one that fired
        QVERIFY(!w.disarm(a));      // not touched
        for (int fd : {mine[0], mine[1], theirs[0], theirs[1]})
            ::close(fd);
    }
};

QTEST_GUILESS_MAIN(TestConnectionMonitor)
#include "tst_connectionmonitor.moc"
