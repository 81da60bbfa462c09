// Issue 4: "A server that stops answering (SIGSTOP) times out; a second mapping on a healthy
// connection keeps syncing meanwhile; after SIGCONT the first recovers." A frozen MariaDB keeps
// its sockets open and accepts TCP connections into its backlog, so nothing fails fast: only
// the connection's statement timeout (and the engine's watchdog) can end a statement waiting
// on it, and only a worker per mapping keeps the other mapping going meanwhile. Stopping the
// engine must not wait for the frozen server either.

#include "faulttest.h"
#include "serverinstance.h"
#include "sourcewriter.h"

#include <QTemporaryDir>

using namespace Qt::StringLiterals;
using namespace tidemark;
using namespace tidemark::test;

namespace {

// The frozen connection's timeout: small, so the test sees it fire several times.
constexpr int kStatementTimeoutS = 3;
// How long the engine may take to notice that MariaDB stopped answering: the timeout, the
// watchdog's grace, a scheduled run's interval and some slack for a loaded CI machine.
constexpr int kNoticeWithinMs = 20000;

} // namespace

class TestFaultHang : public QObject
{
    Q_OBJECT

private:
    ServerInstance m_servers;
    QTemporaryDir m_dir;

    // PostgreSQL -> MariaDB ("hung", the MariaDB connection with a 3 s statement timeout) and
    // SQLite -> SQLite ("healthy", files in the test's folder, nothing shared with the other).
    Project makeProject(const QString &prefix, ItemPair &hung, ItemPair &healthy,
                        bool withHealthy)
    {
        hung.mapping = prefix + u"_hung"_s;
        hung.source = withTimeouts(m_servers.connection(DriverKind::Postgres, u"pg"_s));
        hung.mirror = withTimeouts(m_servers.connection(DriverKind::MariaDb, u"maria"_s),
                                   kStatementTimeoutS, kStatementTimeoutS);
        hung.sourceTable = hung.mirrorTable = hung.mapping;
        createItemTable(hung.source, hung.sourceTable, 2000);

        Project p = emptyProject(m_dir.path(), prefix);
        hung.addTo(p);
        if (withHealthy) {
            healthy.mapping = prefix + u"_healthy"_s;
            healthy.source.name = u"lite_src"_s;
            healthy.source.driver = DriverKind::Sqlite;
            healthy.source.database = m_dir.filePath(prefix + u"_source.db"_s);
            healthy.mirror.name = u"lite_mirror"_s;
            healthy.mirror.driver = DriverKind::Sqlite;
            healthy.mirror.database = m_dir.filePath(prefix + u"_mirror.db"_s);
            healthy.sourceTable = healthy.mirrorTable = u"items"_s;
            createItemTable(healthy.source, healthy.sourceTable, 1000);
            healthy.addTo(p);
        }
        return p;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        TIDEMARK_START_SERVERS_OR_SKIP(m_servers);
    }

    void cleanup()
    {
        // A failed check must not leave the server frozen for the next test function.
        QVERIFY2(m_servers.thaw(DriverKind::MariaDb), qPrintable(m_servers.error()));
    }

    void frozenServerTimesOutWhileTheOtherMappingSyncs()
    {
        ItemPair hung, healthy;
        const Project project = makeProject(u"freeze"_s, hung, healthy, true);
        EmbeddedEngine engine(project, faultEngineOptions());
        engine.start();
        SourceWriter hungWriter(hung.source, hung.sourceTable, {100, 50, 50, 0, 51});
        SourceWriter healthyWriter(healthy.source, healthy.sourceTable, {200, 50, 50, 0, 52});
        hungWriter.start();
        healthyWriter.start();
        QVERIFY2(waitUntil([&] { return hung.mirrorRows() >= 2000 && healthy.mirrorRows() >= 1000; },
                           30000),
                 qPrintable(describeHistory(engine, hung.mapping) + u'\n'
                            + describeHistory(engine, healthy.mapping)));
        QTest::qWait(1500);

        QVERIFY2(m_servers.freeze(DriverKind::MariaDb), qPrintable(m_servers.error()));
        QElapsedTimer frozen;
        frozen.start();

        // The healthy mapping keeps its schedule: its mirror grows all through the freeze.
        QList<qint64> healthyRows;
        bool noticed = false;
        qint64 noticedAfterMs = -1;
        while (frozen.elapsed() < kNoticeWithinMs) {
            healthyRows << healthy.mirrorRows();
            const auto c = connectionStatus(engine, u"maria"_s);
            const auto m = mappingStatus(engine, hung.mapping);
            if (!noticed && c && c->state != ConnectionState::Connected && !c->lastError.isEmpty()) {
                noticed = true;
                noticedAfterMs = frozen.elapsed();
                qInfo("frozen MariaDB noticed after %lld ms: %s", noticedAfterMs,
                      qPrintable(describeConnection(c)));
            }
            if (noticed && frozen.elapsed() > 12000)
                break;
            QTest::qWait(1000);
        }
        qInfo("healthy mirror rows, one a second while MariaDB is frozen: %s",
              qPrintable([&] {
                  QStringList s;
                  for (qint64 n : std::as_const(healthyRows))
                      s << QString::number(n);
                  return s.join(u' ');
              }()));
        QVERIFY2(healthyRows.size() >= 5, "too few samples of the healthy mapping");
        // Rows keep arriving: the mirror never stands still for 5 samples in a row (about 5 s),
        // less than the 3 s timeout plus the watchdog's grace that a mapping stuck behind the
        // frozen one would wait, and it ends well above where it started.
        qsizetype stillest = 0, still = 0;
        for (qsizetype i = 1; i < healthyRows.size(); ++i) {
            still = healthyRows.at(i) > healthyRows.at(i - 1) ? 0 : still + 1;
            stillest = std::max(stillest, still);
        }
        QVERIFY2(healthyRows.last() > healthyRows.first() && stillest < 5,
                 qPrintable(u"the healthy mapping stalled while MariaDB was frozen (%1 samples "
                            "without a new row)\n"_s.arg(stillest)
                            + describeHistory(engine, healthy.mapping)));
        QVERIFY2(noticed,
                 qPrintable(u"the frozen MariaDB connection was not reported within %1 ms (its "
                            "statement timeout is %2 s): "_s.arg(kNoticeWithinMs)
                                    .arg(kStatementTimeoutS)
                            + describeConnection(connectionStatus(engine, u"maria"_s)) + u'\n'
                            + describeHistory(engine, hung.mapping)));
        const auto hungStatus = mappingStatus(engine, hung.mapping);
        QVERIFY(hungStatus);
        qInfo("%s", qPrintable(describeHistory(engine, hung.mapping)));

        QVERIFY2(m_servers.thaw(DriverKind::MariaDb), qPrintable(m_servers.error()));
        QElapsedTimer thawed;
        thawed.start();
        QTest::qWait(2000);
        hungWriter.stop();
        healthyWriter.stop();
        const TableDiff hungDiff = waitConverged(hung, 60000);
        QVERIFY2(hungDiff.equal(), qPrintable(u"after SIGCONT: "_s + hungDiff.describe() + u'\n'
                                              + describeHistory(engine, hung.mapping)));
        qInfo("the frozen mapping converged %lld ms after SIGCONT", thawed.elapsed());
        const TableDiff healthyDiff = waitConverged(healthy, 30000);
        QVERIFY2(healthyDiff.equal(), qPrintable(healthyDiff.describe()));
        const auto c = connectionStatus(engine, u"maria"_s);
        QVERIFY2(c && c->state == ConnectionState::Connected, qPrintable(describeConnection(c)));
        engine.stop();
    }

    void stopReturnsWhileTheServerIsFrozen()
    {
        ItemPair hung, unused;
        const Project project = makeProject(u"stopfrozen"_s, hung, unused, false);
        EmbeddedEngine engine(project, faultEngineOptions());
        engine.start();
        SourceWriter writer(hung.source, hung.sourceTable, {100, 50, 50, 0, 61});
        writer.start();
        QVERIFY2(waitUntil([&] { return hung.mirrorRows() >= 2000; }, 30000),
                 qPrintable(describeHistory(engine, hung.mapping)));
        QVERIFY2(m_servers.freeze(DriverKind::MariaDb), qPrintable(m_servers.error()));
        // Long enough for a scheduled run to be inside a statement on the frozen server.
        QTest::qWait(2000);
        QElapsedTimer stopping;
        stopping.start();
        engine.stop();
        const qint64 stopMs = stopping.elapsed();
        qInfo("engine.stop() returned after %lld ms with MariaDB frozen", stopMs);
        QVERIFY2(stopMs < 15000, qPrintable(u"engine.stop() took %1 ms"_s.arg(stopMs)));
        QVERIFY2(m_servers.thaw(DriverKind::MariaDb), qPrintable(m_servers.error()));
        writer.stop();
    }
};

QTEST_GUILESS_MAIN(TestFaultHang)
#include "tst_fault_hang.moc"
