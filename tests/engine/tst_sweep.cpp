// Orphan sweep: deletes exactly the orphans, keeps concurrent inserts, refuses when unsafe.
#include "db/dbconnection.h"
#include "mirrorfixture.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace tidemark;
using tidemark::test::MirrorFixture;

class TestSweep : public QObject
{
    Q_OBJECT

private:
    static void setUp(MirrorFixture &f, int rows, double maxFraction = 0.5)
    {
        f.source(u"CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT, ts TEXT)"_s);
        f.sourceDb().transaction();
        for (int i = 1; i <= rows; ++i)
            f.source(u"INSERT INTO t VALUES (?, ?, '2026-01-01')"_s, {i, u"v%1"_s.arg(i)});
        f.sourceDb().commit();
        MappingConfig &m = f.addMapping(u"t"_s, u"t"_s, u"t"_s, u"ts"_s);
        m.batchRows = 10;
        m.maxSweepFraction = maxFraction;
        f.run(OperationKind::Prepare, u"t"_s);
        QCOMPARE(f.run(OperationKind::Sync, u"t"_s).run.rowsWritten, rows);
    }

private Q_SLOTS:
    void deletesExactlyTheOrphans()
    {
        MirrorFixture f;
        setUp(f, 100);
        f.source(u"DELETE FROM t WHERE id % 10 = 3"_s);
        OperationOptions dry;
        dry.dryRun = true;
        const OperationResult counted = f.run(OperationKind::Sweep, u"t"_s, dry);
        QCOMPARE(counted.orphansFound, 10);
        QCOMPARE(f.mirrorScalar(u"SELECT COUNT(*) FROM t"_s).toInt(), 100);
        QCOMPARE(f.status(u"t"_s).orphans, std::optional<qint64>(10));

        const OperationResult r = f.run(OperationKind::Sweep, u"t"_s);
        QCOMPARE(r.run.result, u"ok"_s);
        QCOMPARE(r.run.rowsDeleted, 10);
        QCOMPARE(f.compare(u"t"_s), QString());
        QCOMPARE(f.status(u"t"_s).orphans, std::optional<qint64>(0));
    }

    void neverTakesAConcurrentInsertForAnOrphan()
    {
        // Reading the source's keys first and the mirror's second takes a row that was inserted
        // and synced in between for an orphan. Here, right before the sweep's first lookup in
        // the source, a new row appears in both tables (as a sync would put it there), with a
        // key the sweep has not reached yet.
        MirrorFixture f;
        setUp(f, 100, 1.0);
        f.source(u"DELETE FROM t WHERE id IN (7, 55)"_s);
        bool inserted = false;
        f.engineConnection(u"src"_s).setStatementHook([&](const QString &sql) {
            if (!inserted && sql.contains(u" IN ("_s)) {
                inserted = true;
                f.source(u"INSERT INTO t VALUES (1000, 'new', '2026-02-01')"_s);
                f.mirror(u"INSERT INTO t VALUES (1000, 'new', '2026-02-01')"_s);
            }
        });
        const OperationResult r = f.run(OperationKind::Sweep, u"t"_s);
        QVERIFY(inserted);
        QCOMPARE(r.run.result, u"ok"_s);
        QCOMPARE(r.run.rowsDeleted, 2);
        QCOMPARE(f.mirrorScalar(u"SELECT v FROM t WHERE id = 1000"_s).toString(), u"new"_s);
        QCOMPARE(f.compare(u"t"_s), QString());
    }

    void refusesOnAnEmptySource()
    {
        MirrorFixture f;
        setUp(f, 20, 1.0);   // even with a fraction that would allow everything
        f.source(u"DELETE FROM t"_s);
        const OperationResult r = f.run(OperationKind::Sweep, u"t"_s);
        QCOMPARE(r.run.result, u"refused"_s);
        QVERIFY(r.refused());
        QVERIFY2(r.run.error.contains(u"empty"_s), qPrintable(r.run.error));
        QCOMPARE(f.mirrorScalar(u"SELECT COUNT(*) FROM t"_s).toInt(), 20);
        OperationOptions force;
        force.force = true;
        QCOMPARE(f.run(OperationKind::Sweep, u"t"_s, force).run.rowsDeleted, 20);
    }

    void refusesAboveMaxSweepFraction()
    {
        MirrorFixture f;
        setUp(f, 100, 0.25);
        f.source(u"DELETE FROM t WHERE id <= 30"_s);
        const OperationResult r = f.run(OperationKind::Sweep, u"t"_s);
        QCOMPARE(r.run.result, u"refused"_s);
        QVERIFY2(r.run.error.contains(u"30 of 100"_s), qPrintable(r.run.error));
        QCOMPARE(f.mirrorScalar(u"SELECT COUNT(*) FROM t"_s).toInt(), 100);
        // A resync stops at the refused sweep: nothing destructive after it.
        QCOMPARE(f.run(OperationKind::Resync, u"t"_s).run.result, u"refused"_s);
        QCOMPARE(f.mirrorScalar(u"SELECT COUNT(*) FROM t"_s).toInt(), 100);
        OperationOptions force;
        force.force = true;
        QCOMPARE(f.run(OperationKind::Sweep, u"t"_s, force).run.rowsDeleted, 30);
        QCOMPARE(f.compare(u"t"_s), QString());
    }

    void deletesNoneMeansNoSweep()
    {
        MirrorFixture f;
        setUp(f, 10);
        f.project().mappings.first().deletes = DeletePolicy::None;
        f.source(u"DELETE FROM t WHERE id = 1"_s);
        const OperationResult r = f.run(OperationKind::Sweep, u"t"_s);
        QCOMPARE(r.run.result, u"error"_s);
        QVERIFY(r.run.error.contains(u"\"deletes\": \"none\""_s));
        QCOMPARE(f.mirrorScalar(u"SELECT COUNT(*) FROM t"_s).toInt(), 10);
    }

    void resyncSweepsThenBackfills()
    {
        MirrorFixture f;
        setUp(f, 50);
        f.source(u"DELETE FROM t WHERE id > 45"_s);
        f.source(u"UPDATE t SET v = 'changed' WHERE id = 3"_s);   // cursor not moved
        f.mirror(u"DELETE FROM t WHERE id = 10"_s);
        const OperationResult r = f.run(OperationKind::Resync, u"t"_s);
        QCOMPARE(r.run.result, u"ok"_s);
        QCOMPARE(r.run.rowsDeleted, 5);
        QCOMPARE(r.run.rowsWritten, 2);
        QCOMPARE(f.compare(u"t"_s), QString());
    }

    // The pre-flight an operator sees before confirming: exactly what the real operation will
    // do, and nothing written meanwhile (rows or checkpoint).
    void dryRunsCountWhatTheRealRunsDo()
    {
        MirrorFixture f;
        setUp(f, 50);
        f.source(u"DELETE FROM t WHERE id > 45"_s);
        f.source(u"UPDATE t SET v = 'changed' WHERE id = 3"_s);   // cursor not moved
        f.mirror(u"DELETE FROM t WHERE id = 10"_s);
        const Checkpoint before = f.checkpoint(u"t"_s);
        OperationOptions dry;
        dry.dryRun = true;

        const OperationResult sweep = f.run(OperationKind::Sweep, u"t"_s, dry);
        QCOMPARE(sweep.run.result, u"ok"_s);
        QCOMPARE(sweep.wouldDelete, 5);
        QCOMPARE(sweep.run.rowsDeleted, 0);   // its record says what it did: nothing
        QVERIFY(sweep.refusal.isEmpty());
        const OperationResult backfill = f.run(OperationKind::Backfill, u"t"_s, dry);
        QCOMPARE(backfill.run.result, u"ok"_s);
        QCOMPARE(backfill.wouldWrite, 2);
        QCOMPARE(backfill.run.rowsWritten, 0);
        QVERIFY2(backfill.run.note.contains(u"dry run"_s), qPrintable(backfill.run.note));
        const OperationResult resync = f.run(OperationKind::Resync, u"t"_s, dry);
        QCOMPARE(resync.wouldDelete, 5);
        QCOMPARE(resync.wouldWrite, 2);
        // Nothing changed: the mirror still differs, the checkpoint did not move.
        QCOMPARE(f.mirrorScalar(u"SELECT COUNT(*) FROM t"_s).toInt(), 49);
        QVERIFY(!f.compare(u"t"_s).isEmpty());
        QCOMPARE(f.checkpoint(u"t"_s), before);

        const OperationResult real = f.run(OperationKind::Resync, u"t"_s);
        QCOMPARE(real.run.rowsDeleted, resync.wouldDelete);
        QCOMPARE(real.run.rowsWritten, resync.wouldWrite);
        QCOMPARE(f.compare(u"t"_s), QString());
    }

    void dryRunSaysARealSweepWouldBeRefused()
    {
        MirrorFixture f;
        setUp(f, 100, 0.25);
        f.source(u"DELETE FROM t WHERE id <= 30"_s);
        OperationOptions dry;
        dry.dryRun = true;
        const OperationResult r = f.run(OperationKind::Sweep, u"t"_s, dry);
        QCOMPARE(r.run.result, u"ok"_s);
        QCOMPARE(r.wouldDelete, 30);
        QVERIFY2(r.refusal.contains(u"30 of 100"_s), qPrintable(r.refusal));
        QCOMPARE(f.mirrorScalar(u"SELECT COUNT(*) FROM t"_s).toInt(), 100);
    }
};

QTEST_GUILESS_MAIN(TestSweep)
#include "tst_sweep.moc"
