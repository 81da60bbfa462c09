// Issue 4, "Fault tests": servers that are down when the engine starts, and servers stopped
// and restarted under a running engine, with an application writing to the source meanwhile.
// The engine is never restarted and no operator asks for anything: the mirror must converge on
// the engine's own schedule, with nothing lost, nothing duplicated, and a checkpoint that never
// runs ahead of the rows in the mirror.
//
// Runs against servers of its own (ServerInstance), never the shared ones ./test.sh starts.

#include "db/connectionset.h"
#include "faulttest.h"
#include "sync/projectchecker.h"
#include "serverinstance.h"
#include "sourcewriter.h"

#include <QTemporaryDir>

using namespace Qt::StringLiterals;
using namespace tidemark;
using namespace tidemark::test;

class TestFaultReconnect : public QObject
{
    Q_OBJECT

private:
    ServerInstance m_servers;
    QTemporaryDir m_dir;

    // A project with `src` on `sourceKind`'s server and `mirror` on `mirrorKind`'s, one items
    // mapping `name` between tables of that name, the source seeded with `seedRows`.
    Project makeProject(DriverKind sourceKind, DriverKind mirrorKind, const QString &name,
                        int seedRows, ItemPair &pair)
    {
        pair.mapping = name;
        pair.source = withTimeouts(m_servers.connection(sourceKind, u"src"_s));
        pair.mirror = withTimeouts(m_servers.connection(mirrorKind, u"mirror"_s));
        pair.sourceTable = name;
        pair.mirrorTable = name;
        createItemTable(pair.source, name, seedRows);
        Project p = emptyProject(m_dir.path(), name);
        pair.addTo(p);
        return p;
    }

    // Waits for the mirror to equal the source while checking the checkpoint invariant at
    // every step; fails the test on a violation or when it does not converge in time.
    static TableDiff convergeWatchingCoverage(const ItemPair &pair, int timeoutMs,
                                              QString *violation)
    {
        TableDiff diff;
        waitUntil(
                [&] {
                    const CoverageCheck c = pair.coverage();
                    if (!c.violation.isEmpty() && violation->isEmpty())
                        *violation = c.violation;
                    diff = pair.compare();
                    return diff.equal();
                },
                timeoutMs, 500);
        return diff;
    }

    // `prepare` for every mapping, as `tidemark-cli prepare` runs it (capture's triggers
    // included, which the engine never installs on its own).
    static bool prepareProject(const Project &project)
    {
        ConnectionSet connections(project, u"fault-prepare"_s);
        const ProjectCheck check = checkProject(project, connections, {}, false);
        if (!check.ok()) {
            for (const ProjectError &e : check.errors)
                qWarning("%s", qPrintable(e.toString()));
            return false;
        }
        for (const ResolvedMapping &m : check.mappings) {
            MappingContext ctx{m, connections.get(m.config.source.connection),
                               connections.get(m.config.mirror.connection, true), nullptr, {}};
            const OperationResult r = runOperation(OperationKind::Prepare, ctx);
            if (!r.ok()) {
                qWarning("prepare: %s", qPrintable(r.run.error));
                return false;
            }
        }
        return true;
    }

    static bool isDown(const std::optional<ConnectionStatus> &c)
    {
        return c
                && (c->state == ConnectionState::Disconnected
                    || c->state == ConnectionState::Reconnecting)
                && !c->lastError.isEmpty();
    }

    // Keeps the writer writing for `ms` while checking the checkpoint invariant each half
    // second; returns the first violation.
    static QString writeAndWatch(const ItemPair &pair, int ms)
    {
        QString violation;
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < ms) {
            const CoverageCheck c = pair.coverage();
            if (!c.violation.isEmpty() && violation.isEmpty())
                violation = c.violation;
            QTest::qWait(500);
        }
        return violation;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        TIDEMARK_START_SERVERS_OR_SKIP(m_servers);
    }

    void startsWhileTheMirrorIsDown()
    {
        ItemPair pair;
        const Project project =
                makeProject(DriverKind::MariaDb, DriverKind::Postgres, u"down_at_start"_s, 2000, pair);
        QVERIFY2(m_servers.pgStop(), qPrintable(m_servers.error()));

        QElapsedTimer sinceStart;
        sinceStart.start();
        EmbeddedEngine engine(project, faultEngineOptions());
        engine.start();
        SourceWriter writer(pair.source, pair.sourceTable, {200, 50, 50, 0, 11});
        writer.start();

        // While the server is down the facade says so, with the reason.
        QVERIFY2(waitUntil([&] { return isDown(connectionStatus(engine, u"mirror"_s)); }, 4500),
                 qPrintable(u"the mirror connection is not reported down within 4.5 s of "
                            "start: "_s
                            + describeConnection(connectionStatus(engine, u"mirror"_s))));
        const std::optional<ConnectionStatus> down = connectionStatus(engine, u"mirror"_s);
        qInfo("while down: %s", qPrintable(describeConnection(down)));
        QTest::qWait(int(std::max<qint64>(0, 5000 - sinceStart.elapsed())));
        QVERIFY2(isDown(connectionStatus(engine, u"mirror"_s)),
                 qPrintable(describeConnection(connectionStatus(engine, u"mirror"_s))));
        QCOMPARE(countRows(pair.source, pair.sourceTable) >= 2000, true);

        QVERIFY2(m_servers.pgStart(), qPrintable(m_servers.error()));
        QElapsedTimer sinceUp;
        sinceUp.start();
        QVERIFY2(waitUntil(
                         [&] {
                             const auto c = connectionStatus(engine, u"mirror"_s);
                             return c && c->state == ConnectionState::Connected;
                         },
                         20000),
                 qPrintable(u"not connected 20 s after the server came back: "_s
                            + describeConnection(connectionStatus(engine, u"mirror"_s)) + u'\n'
                            + describeHistory(engine, pair.mapping)));
        qInfo("mirror connected %lld ms after the server came back", sinceUp.elapsed());
        QTest::qWait(2000);   // writes after the reconnect, too
        writer.stop();

        QString violation;
        const TableDiff diff = convergeWatchingCoverage(pair, 60000, &violation);
        QVERIFY2(diff.equal(), qPrintable(diff.describe() + u'\n'
                                          + describeHistory(engine, pair.mapping)));
        QVERIFY2(violation.isEmpty(), qPrintable(violation));
        qInfo("converged %lld ms after the server came back; writer wrote %lld rows, %lld failed "
              "transactions",
              sinceUp.elapsed(), writer.written(), writer.errors.load());
        QCOMPARE(writer.errors.load(), 0);   // the source was up all along

        const auto src = connectionStatus(engine, u"src"_s);
        QVERIFY2(src && src->state == ConnectionState::Connected, qPrintable(describeConnection(src)));
        // A run that found its mirror down is recorded as skipped, with the reason.
        const auto status = mappingStatus(engine, pair.mapping);
        QVERIFY(status);
        const bool skippedWithReason = std::any_of(
                status->history.cbegin(), status->history.cend(), [](const RunRecord &r) {
                    return r.result == u"skipped"_s && !r.error.isEmpty();
                });
        QVERIFY2(skippedWithReason,
                 qPrintable(u"no run recorded as skipped (with its reason) while the mirror was "
                            "down; "_s
                            + describeHistory(engine, pair.mapping, 50)));
        engine.stop();
    }

    void mirrorStopsDuringBackfill()
    {
        ItemPair pair;
        const Project project =
                makeProject(DriverKind::MariaDb, DriverKind::Postgres, u"stop_backfill"_s, 60000, pair);
        EmbeddedEngine engine(project, faultEngineOptions());
        engine.start();
        OperationOptions noGate;
        noGate.noGate = true;
        QVERIFY(engine.request(pair.mapping, OperationKind::Backfill, noGate) != 0);

        // Stop the mirror once the backfill is well under way, and not finished.
        qint64 before = 0;
        QVERIFY2(waitUntil(
                         [&] {
                             before = pair.mirrorRows();
                             return before >= 3000;
                         },
                         60000, 50),
                 qPrintable(u"the backfill wrote nothing in 60 s\n"_s
                            + describeHistory(engine, pair.mapping)));
        SourceWriter writer(pair.source, pair.sourceTable, {300, 50, 50, 0, 21});
        writer.start();
        QVERIFY2(m_servers.pgStop(u"immediate"_s), qPrintable(m_servers.error()));
        qInfo("mirror stopped with about %lld of 60000 rows backfilled", before);
        QVERIFY2(before < 60000, "the backfill finished before the stop: seed more rows");

        QVERIFY2(waitUntil([&] { return isDown(connectionStatus(engine, u"mirror"_s)); }, 15000),
                 qPrintable(describeConnection(connectionStatus(engine, u"mirror"_s))));
        QTest::qWait(2000);
        QVERIFY2(m_servers.pgStart(), qPrintable(m_servers.error()));
        // The mirror as the crash left it: whatever the checkpoint covers is there.
        QString violation = writeAndWatch(pair, 3000);
        writer.stop();

        const TableDiff diff = convergeWatchingCoverage(pair, 90000, &violation);
        QVERIFY2(diff.equal(), qPrintable(diff.describe() + u'\n'
                                          + describeHistory(engine, pair.mapping)));
        QVERIFY2(violation.isEmpty(), qPrintable(violation));
        qInfo("converged; writer wrote %lld rows meanwhile", writer.written());
        engine.stop();
    }

    void serverRestartsDuringIncrementalRuns_data()
    {
        QTest::addColumn<DriverKind>("sourceKind");
        QTest::addColumn<DriverKind>("mirrorKind");
        QTest::addColumn<QString>("restarted");   // the connection whose server restarts
        QTest::addColumn<bool>("capture");        // "capture": "triggers", and deletes
        QTest::newRow("mirror postgres") << DriverKind::MariaDb << DriverKind::Postgres
                                         << u"mirror"_s << false;
        QTest::newRow("source postgres") << DriverKind::Postgres << DriverKind::MariaDb
                                         << u"src"_s << false;
        // Issue 12: deletes while the mirror is down reach it afterwards, with no sweep.
        QTest::newRow("capture, mirror postgres")
                << DriverKind::MariaDb << DriverKind::Postgres << u"mirror"_s << true;
        QTest::newRow("capture, source postgres")
                << DriverKind::Postgres << DriverKind::MariaDb << u"src"_s << true;
    }

    void serverRestartsDuringIncrementalRuns()
    {
        QFETCH(DriverKind, sourceKind);
        QFETCH(DriverKind, mirrorKind);
        QFETCH(QString, restarted);
        QFETCH(bool, capture);
        const bool sourceRestarts = restarted == u"src"_s;
        ItemPair pair;
        const QString name = (sourceRestarts ? u"restart_src"_s : u"restart_mirror"_s)
                + (capture ? u"_cap"_s : QString());
        Project project = makeProject(sourceKind, mirrorKind, name, 3000, pair);
        if (capture) {
            MappingConfig &m = project.mappings.first();
            m.capture = CaptureMode::Triggers;
            m.sweepIntervalS = 0;   // deletes must arrive through the log alone
            QVERIFY2(prepareProject(project), "prepare failed");
        }
        EmbeddedEngine engine(project, faultEngineOptions());
        engine.start();
        SourceWriter writer(pair.source, pair.sourceTable,
                            {300, capture ? 40 : 50, 50, capture ? 10 : 0, 31});
        writer.start();
        QVERIFY2(waitUntil([&] { return pair.mirrorRows() >= 3000; }, 30000),
                 qPrintable(describeHistory(engine, pair.mapping)));
        QString violation = writeAndWatch(pair, 3000);   // incremental runs while writing

        QVERIFY2(m_servers.pgStop(u"immediate"_s), qPrintable(m_servers.error()));
        QVERIFY2(waitUntil([&] { return isDown(connectionStatus(engine, restarted)); }, 15000),
                 qPrintable(describeConnection(connectionStatus(engine, restarted))));
        QTest::qWait(3000);
        QVERIFY2(m_servers.pgStart(), qPrintable(m_servers.error()));
        // A source restart: the writer reconnects by itself and goes on writing.
        const QString after = writeAndWatch(pair, 4000);
        if (violation.isEmpty())
            violation = after;
        writer.stop();
        if (sourceRestarts)
            QVERIFY2(writer.errors.load() > 0, "the writer never noticed the source restart");

        const TableDiff diff = convergeWatchingCoverage(pair, 60000, &violation);
        QVERIFY2(diff.equal(), qPrintable(diff.describe() + u'\n'
                                          + describeHistory(engine, pair.mapping)));
        QVERIFY2(violation.isEmpty(), qPrintable(violation));
        qInfo("converged; writer wrote %lld rows, %lld transactions failed", writer.written(),
              writer.errors.load());
        const auto c = connectionStatus(engine, restarted);
        QVERIFY2(c && c->state == ConnectionState::Connected, qPrintable(describeConnection(c)));
        engine.stop();
    }
};

QTEST_GUILESS_MAIN(TestFaultReconnect)
#include "tst_fault_reconnect.moc"
