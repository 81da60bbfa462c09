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
    // Issue 11: verify_interval_s runs a drift check in the drift thread, beside the sync
    // worker. A change written to the source while the check reads both tables must reach the
    // mirror before the check ends. Both files are in WAL mode, as the demo's: in a rollback
    // journal SQLite itself would make the sync's commit wait for the check's open read.
    void aScheduledCheckRunsBesideTheSync()
    {
        MirrorFixture f;
        f.source(u"PRAGMA journal_mode=WAL"_s);
        f.mirror(u"PRAGMA journal_mode=WAL"_s);
        f.source(u"CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT, ts TEXT)"_s);
        f.source(u"CREATE INDEX t_ts ON t (ts, id)"_s);
        f.source(u"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000)"
                 " INSERT INTO t SELECT i, 'v', printf('%010d', i) FROM n"_s);
        MappingConfig &m = f.addMapping(u"t"_s, u"t"_s, u"t"_s, u"ts"_s);
        m.lookback = 0;
        m.intervalS = 1;
        m.sweepIntervalS = 0;
        m.verifyIntervalS = 1;
        QCOMPARE(f.run(OperationKind::Prepare, u"t"_s).run.result, u"ok"_s);
        QCOMPARE(f.run(OperationKind::Backfill, u"t"_s).run.result, u"ok"_s);
        // Rows behind the checkpoint edited in the mirror: nothing scheduled fixes them. Spread
        // over the whole key range, so every segment differs and the check reads every row.
        // Not the last row: it is the checkpoint's, re-read (and fixed) by every sync as a tie.
        f.mirror(u"UPDATE t SET v = 'edited' WHERE id % 2000 = 1000"_s);

        EmbeddedEngine engine(f.project(), EngineOptions{});
        QSignalSpy checked(&engine, &Engine::driftChecked);
        QSignalSpy progressed(&engine, &Engine::driftProgressed);
        engine.start();
        QTRY_VERIFY_WITH_TIMEOUT(!progressed.isEmpty(), 30000);
        QVERIFY(checked.isEmpty());
        QElapsedTimer sinceChange;
        sinceChange.start();
        f.source(u"UPDATE t SET v = 'moved', ts = '9999999999' WHERE id = 5"_s);
        QTRY_VERIFY_WITH_TIMEOUT(
                f.mirrorScalar(u"SELECT v FROM t WHERE id = 5"_s).toString() == u"moved"_s,
                30000);
        const qint64 syncedAfterMs = sinceChange.elapsed();
        const bool checkStillRunning = checked.isEmpty();
        QTRY_VERIFY_WITH_TIMEOUT(!checked.isEmpty(), 300000);
        const DriftCheckResult r = checked.first().at(1).value<DriftCheckResult>();
        qInfo("scheduled check of 1,000,000 rows took %.1f s; the sync brought the change in "
              "%lld ms meanwhile",
              r.summary.durationMs / 1000.0, syncedAfterMs);
        QVERIFY2(r.ok(), qPrintable(r.error));
        QVERIFY(r.scheduled);
        QVERIFY2(checkStillRunning, "the sync did not land until the check had finished");
        QCOMPARE(r.summary.changed, 500);
        QCOMPARE(r.summary.driftRows, 500);
        QCOMPARE(r.summary.missing + r.summary.extra, 0);
        QCOMPARE(r.rows.size(), 500);
        QVERIFY(!r.truncated);
        QVERIFY(!r.history.isEmpty());
        QVERIFY(!r.summary.segments.isEmpty());
        QVERIFY(engine.scheduledChecks(u"t"_s) >= 1);
        QVERIFY(engine.mappings().first().drift.has_value());
        QCOMPARE(engine.mappings().first().drift->driftRows, 500);
        engine.stop();
    }

    // A due scheduled check yields to the operator: while their backfill is queued or
    // running, the check is skipped, and it runs again once they are done.
    void aScheduledCheckYieldsToAnOperatorAction()
    {
        MirrorFixture f;
        setUp(f, 200000, 3600);
        f.project().mappings.first().verifyIntervalS = 1;
        QCOMPARE(f.run(OperationKind::Prepare, u"t"_s).run.result, u"ok"_s);
        EmbeddedEngine engine(f.project(), EngineOptions{});
        QSignalSpy finished(&engine, &Engine::operationFinished);
        QSignalSpy checked(&engine, &Engine::driftChecked);
        engine.start();
        OperationOptions noGate;
        noGate.noGate = true;
        const quint64 id = engine.request(u"t"_s, OperationKind::Backfill, noGate);
        int checksWhileBackfilling = -1;
        connect(&engine, &Engine::operationFinished, this,
                [&](quint64 finishedId, const QString &, const OperationResult &) {
                    if (finishedId == id)
                        checksWhileBackfilling = engine.scheduledChecks(u"t"_s);
                });
        QCOMPARE(waitFor(finished, id).run.result, u"ok"_s);
        QCOMPARE(checksWhileBackfilling, 0);
        QTRY_VERIFY_WITH_TIMEOUT(!checked.isEmpty(), 60000);
        QVERIFY(checked.first().at(1).value<DriftCheckResult>().scheduled);
        engine.stop();
    }

    // Operator drift requests: a dry-run repair of chosen keys returns its statements and
    // changes nothing; executed, it repairs only those keys, and a check follows.
    void repairChosenKeysThroughTheFacade()
    {
        MirrorFixture f;
        setUp(f, 100, 3600);
        QCOMPARE(f.run(OperationKind::Prepare, u"t"_s).run.result, u"ok"_s);
        QCOMPARE(f.run(OperationKind::Backfill, u"t"_s).run.result, u"ok"_s);
        f.mirror(u"UPDATE t SET v = 'edited' WHERE id IN (10, 20)"_s);
        f.mirror(u"DELETE FROM t WHERE id = 30"_s);
        EngineOptions options;
        options.schedule = false;
        EmbeddedEngine engine(f.project(), options);
        QSignalSpy checked(&engine, &Engine::driftChecked);
        QSignalSpy repaired(&engine, &Engine::driftRepaired);
        QSignalSpy explained(&engine, &Engine::driftExplained);
        engine.start();
        const quint64 check = engine.checkDrift(u"t"_s);
        QVERIFY(check != 0);
        QCOMPARE(engine.checkDrift(u"t"_s), check);   // joins the one queued
        QTRY_VERIFY_WITH_TIMEOUT(!checked.isEmpty(), 30000);
        DriftCheckResult r = checked.first().at(1).value<DriftCheckResult>();
        QVERIFY2(r.ok(), qPrintable(r.error));
        QCOMPARE(r.summary.differences(), 3);
        QCOMPARE(r.columns, (QStringList{u"id"_s, u"v"_s, u"ts"_s}));

        engine.explainDriftKey(u"t"_s, {30});
        QTRY_VERIFY_WITH_TIMEOUT(!explained.isEmpty(), 30000);
        const DriftExplainResult e = explained.first().at(1).value<DriftExplainResult>();
        QVERIFY2(e.ok(), qPrintable(e.error));
        QCOMPARE(e.explanation.kind, DiffKind::Missing);
        QVERIFY(!e.explanation.verdict.isEmpty());

        DriftRepairOptions dry;
        dry.keys = {QVariantList{10}, QVariantList{30}};
        engine.repairDrift(u"t"_s, dry);
        QTRY_VERIFY_WITH_TIMEOUT(!repaired.isEmpty(), 30000);
        const DriftRepairResult preview = repaired.first().at(1).value<DriftRepairResult>();
        QVERIFY2(preview.ok(), qPrintable(preview.error));
        QCOMPARE(preview.differences, 2);
        QCOMPARE(preview.statements.size(), 2);
        QCOMPARE(f.mirrorScalar(u"SELECT v FROM t WHERE id = 10"_s).toString(), u"edited"_s);

        DriftRepairOptions run = dry;
        run.execute = true;
        engine.repairDrift(u"t"_s, run);
        QTRY_VERIFY_WITH_TIMEOUT(repaired.size() == 2 && checked.size() == 2, 30000);
        QVERIFY(repaired.at(1).at(1).value<DriftRepairResult>().ok());
        r = checked.at(1).at(1).value<DriftCheckResult>();
        QCOMPARE(r.summary.differences(), 1);   // key 20 was not chosen
        QCOMPARE(r.rows.first().key, QVariantList{20});
        QTRY_VERIFY(engine.idle());
        engine.stop();
    }

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
    // snapshots the monitor shows: here a text cursor with no index and no trigger. So does
    // the key with its source types, which the monitor reads typed key ranges against.
    void warningsFromTheWorkersCheckReachTheSnapshot()
    {
        MirrorFixture f;
        setUp(f, 10);
        EngineOptions options;
        options.schedule = false;
        EmbeddedEngine engine(f.project(), options);
        QSignalSpy published(&engine, &Engine::statusChanged);
        QVERIFY(engine.mappings().first().keyColumns.isEmpty());   // not checked yet
        engine.start();
        QTRY_COMPARE_WITH_TIMEOUT(engine.mappings().first().warnings.size(), 3, 10000);
        const QList<ColumnInfo> key = engine.mappings().first().keyColumns;
        QCOMPARE(key.size(), 1);
        QCOMPARE(key.first().name, u"id"_s);
        QCOMPARE(key.first().valueClass, ValueClass::Integer);
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
