// The engine behind the facade: worker threads, coalesced requests, batched snapshots, pause.
#include "api/embeddedengine.h"
#include "mirrorfixture.h"
#include "writerthread.h"

#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace tidemark;
using tidemark::test::MirrorFixture;

class TestEmbeddedEngine : public QObject
{
    Q_OBJECT

private:
    static void setUp(MirrorFixture &f, int rows, int intervalS = 1)
    {
        f.source(u"CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT, ts TEXT)"_s);
        f.sourceDb().transaction();
        for (int i = 1; i <= rows; ++i)
            f.source(u"INSERT INTO t VALUES (?, ?, '0000')"_s, {i, QString(u'v').repeated(50)});
        f.sourceDb().commit();
        MappingConfig &m = f.addMapping(u"t"_s, u"t"_s, u"t"_s, u"ts"_s);
        m.batchRows = 200;
        m.lookback = 0;
        m.intervalS = intervalS;
        m.maxSweepFraction = 1.0;
    }

    // Waits for the request's operationFinished and returns its result.
    static OperationResult waitFor(QSignalSpy &spy, quint64 id, int timeoutMs = 60000)
    {
        QElapsedTimer t;
        t.start();
        int seen = 0;
        while (t.elapsed() < timeoutMs) {
            for (; seen < spy.size(); ++seen)
                if (spy.at(seen).at(0).toULongLong() == id)
                    return spy.at(seen).at(2).value<OperationResult>();
            spy.wait(200);
        }
        qWarning("request %llu did not finish in %d ms", id, timeoutMs);
        return {};
    }

private Q_SLOTS:
    // Found by the pgbench soak: the scheduler started a due sweep before a due sync and timed
    // the next sweep from the request, so a sweep longer than sweep_interval_s was due again
    // the moment it ended; `sync --watch` then ran nothing but sweeps and the mirror fell
    // behind without bound. Here every sweep (1,000,000 keys) outlasts a 1 s sweep interval.
    void aLongSweepDoesNotStarveTheSync()
    {
        MirrorFixture f;
        f.source(u"CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT, ts TEXT)"_s);
        f.source(u"CREATE INDEX t_ts ON t (ts, id)"_s);
        f.source(u"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000)"
                 " INSERT INTO t SELECT i, 'v', printf('%010d', i) FROM n"_s);
        MappingConfig &m = f.addMapping(u"t"_s, u"t"_s, u"t"_s, u"ts"_s);
        m.lookback = 0;
        m.intervalS = 1;
        m.sweepIntervalS = 1;
        m.maxSweepFraction = 1.0;
        QCOMPARE(f.run(OperationKind::Prepare, u"t"_s).run.result, u"ok"_s);
        QCOMPARE(f.run(OperationKind::Backfill, u"t"_s).run.result, u"ok"_s);
        EmbeddedEngine engine(f.project(), EngineOptions{});
        QSignalSpy finished(&engine, &Engine::operationFinished);
        engine.start();
        auto runsOf = [&](const QString &kind) {
            QList<OperationResult> runs;
            for (const QList<QVariant> &args : finished)
                if (const auto r = args.at(2).value<OperationResult>(); r.run.kind == kind)
                    runs << r;
            return runs;
        };
        QTRY_VERIFY_WITH_TIMEOUT(!runsOf(u"sweep"_s).isEmpty(), 30000);
        const OperationResult sweep = runsOf(u"sweep"_s).first();
        qInfo("one sweep of 1,000,000 keys took %.2f s", sweep.run.durationS());

        f.source(u"UPDATE t SET v = 'moved', ts = '9999999999' WHERE id = 5"_s);
        QTRY_VERIFY_WITH_TIMEOUT(
                f.mirrorScalar(u"SELECT v FROM t WHERE id = 5"_s).toString() == u"moved"_s,
                30000);
        // And the sweeps still run on their schedule beside the syncs.
        const qsizetype sweeps = runsOf(u"sweep"_s).size();
        QTRY_VERIFY_WITH_TIMEOUT(runsOf(u"sweep"_s).size() > sweeps, 30000);
        engine.stop();
    }

    void twoBackfillRequestsRunOnce()
    {
        MirrorFixture f;
        setUp(f, 20000);
        EngineOptions options;
        options.schedule = false;
        EmbeddedEngine engine(f.project(), options);
        QSignalSpy finished(&engine, &Engine::operationFinished);
        engine.start();
        OperationOptions noGate;
        noGate.noGate = true;
        const quint64 first = engine.request(u"t"_s, OperationKind::Backfill, noGate);
        const quint64 second = engine.request(u"t"_s, OperationKind::Backfill, noGate);
        QVERIFY(first != 0);
        QCOMPARE(second, first);
        const OperationResult r = waitFor(finished, first);
        QCOMPARE(r.run.result, u"ok"_s);
        QCOMPARE(r.run.rowsWritten, 20000);
        QTest::qWait(500);
        QCOMPARE(finished.size(), 1);   // one backfill ran, not two
        QTRY_VERIFY(engine.idle());
        engine.stop();
        QCOMPARE(f.compare(u"t"_s), QString());
    }

    // validate's warnings come from the worker's own check of the mapping and reach the
    // snapshots the monitor shows: here a text cursor with no index and no trigger.
    void warningsFromTheWorkersCheckReachTheSnapshot()
    {
        MirrorFixture f;
        setUp(f, 10);
        EngineOptions options;
        options.schedule = false;
        EmbeddedEngine engine(f.project(), options);
        QSignalSpy published(&engine, &Engine::statusChanged);
        engine.start();
        QTRY_COMPARE_WITH_TIMEOUT(engine.mappings().first().warnings.size(), 3, 10000);
        const QStringList warnings = engine.mappings().first().warnings;
        QVERIFY2(warnings.at(0).contains(u"cursor column 'ts' of source table 't' is text"_s),
                 qPrintable(warnings.join(u'\n')));
        QTRY_VERIFY_WITH_TIMEOUT(
                std::any_of(published.cbegin(), published.cend(),
                            [](const QList<QVariant> &args) {
                                return !args.at(0).value<QList<MappingStatus>>().first()
                                                .warnings.isEmpty();
                            }),
                5000);
        engine.stop();
    }

    void convergesWhileAWriterRuns()
    {
        MirrorFixture f;
        setUp(f, 3000);
        EmbeddedEngine engine(f.project());   // scheduled, prepares the mirror itself
        QSignalSpy finished(&engine, &Engine::operationFinished);
        QSignalSpy status(&engine, &Engine::statusChanged);
        engine.start();
        WriterThread writer(f.sourcePath());
        writer.start();
        QTest::qWait(3000);
        writer.stop.store(true);
        writer.wait();
        QCOMPARE(writer.errors.loadRelaxed(), 0);
        QVERIFY(finished.size() >= 2);   // the schedule ran passes meanwhile

        // Snapshots are batched: a few a second, not one per row or batch.
        QVERIFY2(status.size() <= 3000 / 250 + 2, qPrintable(QString::number(status.size())));

        const quint64 sync = engine.request(u"t"_s, OperationKind::Sync);
        QCOMPARE(waitFor(finished, sync).run.result, u"ok"_s);
        const quint64 sweep = engine.request(u"t"_s, OperationKind::Sweep);
        QCOMPARE(waitFor(finished, sweep).run.result, u"ok"_s);
        QTRY_VERIFY(engine.idle());
        // The measurement after the sweep arrives just after its operationFinished.
        QTRY_COMPARE(engine.mappings().first().mirrorRows, engine.mappings().first().sourceRows);
        engine.stop();
        QCOMPARE(f.compare(u"t"_s), QString());

        const MappingStatus s = engine.mappings().first();
        QCOMPARE(s.name, u"t"_s);
        QCOMPARE(s.state, MappingState::Idle);
        QCOMPARE(s.backlog, 0);
        QCOMPARE(s.sourceRows, s.mirrorRows);
        QVERIFY(s.lastSyncAt.isValid());
    }

    void pauseStopsTheScheduleAndKeepsTheCheckpoint()
    {
        MirrorFixture f;
        setUp(f, 100);
        EmbeddedEngine engine(f.project());
        QSignalSpy finished(&engine, &Engine::operationFinished);
        engine.start();
        QTRY_VERIFY_WITH_TIMEOUT(finished.size() >= 1, 10000);
        QTRY_VERIFY(engine.idle());
        engine.setPaused({}, true);
        QTRY_COMPARE(engine.mappings().first().state, MappingState::Paused);
        const Checkpoint before = f.checkpoint(u"t"_s);
        QVERIFY(!before.isNull());
        const qsizetype runs = finished.size();
        f.source(u"INSERT INTO t VALUES (5000, 'while paused', '9999')"_s);
        QTest::qWait(2500);   // more than two intervals
        QCOMPARE(finished.size(), runs);
        QCOMPARE(f.checkpoint(u"t"_s), before);
        engine.setPaused({}, false);
        QTRY_VERIFY_WITH_TIMEOUT(finished.size() > runs, 10000);
        QTRY_VERIFY(engine.idle());
        engine.stop();
        QCOMPARE(f.compare(u"t"_s), QString());
    }

    void deletesReachTheMirrorWithoutAnOperator()
    {
        // "Deletes never reaching the mirror": with deletes = sweep the engine sweeps on its own
        // schedule, and a scheduled sweep is never forced past the safety refusal.
        MirrorFixture f;
        setUp(f, 200);
        f.project().mappings.first().sweepIntervalS = 1;
        f.run(OperationKind::Prepare, u"t"_s);
        EmbeddedEngine engine(f.project());
        QSignalSpy finished(&engine, &Engine::operationFinished);
        engine.start();
        QTRY_VERIFY_WITH_TIMEOUT(f.mirrorScalar(u"SELECT COUNT(*) FROM t"_s).toInt() == 200, 10000);
        f.source(u"DELETE FROM t WHERE id % 20 = 0"_s);   // 10 rows: 5%, below the refusal
        QTRY_VERIFY_WITH_TIMEOUT(f.mirrorScalar(u"SELECT COUNT(*) FROM t"_s).toInt() == 190, 15000);
        QTRY_COMPARE_WITH_TIMEOUT(engine.mappings().first().orphans, std::optional<qint64>(0), 5000);

        // Emptying the source is refused by every scheduled sweep: the mirror keeps its rows.
        f.source(u"DELETE FROM t"_s);
        QTRY_VERIFY_WITH_TIMEOUT(engine.mappings().first().lastError.contains(u"empty"_s), 15000);
        QCOMPARE(f.mirrorScalar(u"SELECT COUNT(*) FROM t"_s).toInt(), 190);
        engine.stop();
    }

    void unknownSourceFileIsAnErrorStateAndManualRunsSayWhy()
    {
        MirrorFixture f;
        setUp(f, 10);
        f.project().connections[u"src"_s].database = f.folder() + u"/missing.db"_s;
        EmbeddedEngine engine(f.project());
        QSignalSpy finished(&engine, &Engine::operationFinished);
        engine.start();
        // A file that does not exist is not a server that may come back: the connection is
        // disconnected with no automatic retry, and the mapping is in error, saying why.
        const auto src = [&engine] {
            for (const ConnectionStatus &c : engine.connections())
                if (c.name == u"src"_s)
                    return c;
            return ConnectionStatus{};
        };
        QTRY_COMPARE_WITH_TIMEOUT(src().state, ConnectionState::Disconnected, 10000);
        QVERIFY(!src().nextAttemptAt.isValid());
        QVERIFY2(src().lastError.contains(u"missing.db"_s), qPrintable(src().lastError));
        QTRY_COMPARE_WITH_TIMEOUT(engine.mappings().first().state, MappingState::Error, 10000);
        QVERIFY2(engine.mappings().first().lastError.contains(u"does not exist"_s),
                 qPrintable(engine.mappings().first().lastError));
        // The scheduled run was skipped with that reason, not attempted in silence.
        QTRY_VERIFY_WITH_TIMEOUT(!engine.mappings().first().history.isEmpty(), 10000);
        const RunRecord skipped = engine.mappings().first().history.last();
        QCOMPARE(skipped.result, u"skipped"_s);
        QVERIFY2(skipped.error.contains(u"missing.db"_s), qPrintable(skipped.error));

        // An operator's request is not skipped: it is tried and fails loud, naming the file.
        const qsizetype before = finished.size();
        engine.request(u"t"_s, OperationKind::Backfill);
        QTRY_VERIFY_WITH_TIMEOUT(finished.size() > before, 10000);
        const OperationResult r = finished.last().at(2).value<OperationResult>();
        QCOMPARE(r.run.result, u"error"_s);
        QVERIFY2(r.run.error.contains(u"missing.db"_s), qPrintable(r.run.error));
        QCOMPARE(f.mirrorScalar(u"SELECT COUNT(*) FROM sqlite_master WHERE name = 't'"_s).toInt(),
                 0);
        engine.stop();
    }
};

QTEST_GUILESS_MAIN(TestEmbeddedEngine)
#include "tst_embeddedengine.moc"
