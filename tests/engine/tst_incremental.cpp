// Incremental sync: ties at batch boundaries, the watermark, late rows, NULL cursors, and
// failures injected at every statement of a pass.
#include "db/dbconnection.h"
#include "db/dberror.h"
#include "mirrorfixture.h"

#include <QDateTime>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace tidemark;
using tidemark::test::MirrorFixture;

class TestIncremental : public QObject
{
    Q_OBJECT

private:
    static void createOrders(MirrorFixture &f)
    {
        f.source(u"CREATE TABLE orders (id INTEGER PRIMARY KEY, customer TEXT, total REAL, "
                 "updated_at TEXT)"_s);
    }
    static void insertOrders(MirrorFixture &f, int from, int to, const QString &cursor)
    {
        f.sourceDb().transaction();
        for (int i = from; i <= to; ++i)
            f.source(u"INSERT INTO orders VALUES (?, ?, ?, ?)"_s,
                     {i, u"customer %1"_s.arg(i), i * 1.25, cursor});
        f.sourceDb().commit();
    }

private Q_SLOTS:
    void tiesAtBatchBoundariesAllArrive()
    {
        // A cursor-only watermark (updated_at > last) loses the tied rows after a batch
        // boundary; (cursor, key) ordering must deliver every one of them.
        MirrorFixture f;
        createOrders(f);
        insertOrders(f, 1, 5000, u"2026-11-21 10:00:00.000"_s);
        f.addMapping(u"orders"_s, u"orders"_s, u"orders"_s, u"updated_at"_s).batchRows = 100;
        QCOMPARE(f.run(OperationKind::Prepare, u"orders"_s).run.result, u"ok"_s);
        const OperationResult r = f.run(OperationKind::Sync, u"orders"_s);
        QCOMPARE(r.run.result, u"ok"_s);
        QCOMPARE(r.run.rowsWritten, 5000);
        QCOMPARE(f.compare(u"orders"_s), QString());
        const Checkpoint cp = f.checkpoint(u"orders"_s);
        QCOMPARE(cp.cursor.toString(), u"2026-11-21 10:00:00.000"_s);
        QCOMPARE(cp.key, QVariantList{5000});

        // More rows on the same tied cursor value after the checkpoint still arrive.
        insertOrders(f, 5001, 5150, u"2026-11-21 10:00:00.000"_s);
        QCOMPARE(f.run(OperationKind::Sync, u"orders"_s).run.rowsWritten, 150);
        QCOMPARE(f.compare(u"orders"_s), QString());
    }

    void watermarkComesFromRowsNotTheClock()
    {
        // An engine that set its watermark to NOW() skipped every row written during a pass
        // with a cursor below the clock. Rows here carry cursors from the year 2000: with a
        // clock watermark the row added afterwards (still far before "now") would never sync.
        MirrorFixture f;
        createOrders(f);
        insertOrders(f, 1, 300, u"2000-01-01 00:00:00.000"_s);
        f.addMapping(u"orders"_s, u"orders"_s, u"orders"_s, u"updated_at"_s).lookback = 0;
        f.run(OperationKind::Prepare, u"orders"_s);
        QCOMPARE(f.run(OperationKind::Sync, u"orders"_s).run.result, u"ok"_s);
        QCOMPARE(f.checkpoint(u"orders"_s).cursor.toString(), u"2000-01-01 00:00:00.000"_s);

        insertOrders(f, 301, 301, u"2000-06-01 00:00:00.000"_s);
        QCOMPARE(f.run(OperationKind::Sync, u"orders"_s).run.rowsWritten, 1);
        QCOMPARE(f.compare(u"orders"_s), QString());
        QCOMPARE(f.checkpoint(u"orders"_s).cursor.toString(), u"2000-06-01 00:00:00.000"_s);

        // And a cursor from the future does not make the engine believe it is done either.
        insertOrders(f, 302, 302, u"2999-01-01 00:00:00.000"_s);
        insertOrders(f, 303, 303, u"2999-01-01 00:00:00.000"_s);
        QCOMPARE(f.run(OperationKind::Sync, u"orders"_s).run.rowsWritten, 2);
        QCOMPARE(f.checkpoint(u"orders"_s).key, QVariantList{303});
    }

    void lateRowInsideLookbackArrives()
    {
        MirrorFixture f;
        createOrders(f);
        insertOrders(f, 1, 100, u"2026-11-21 10:00:00.000"_s);
        f.addMapping(u"orders"_s, u"orders"_s, u"orders"_s, u"updated_at"_s).lookback = 30;
        f.run(OperationKind::Prepare, u"orders"_s);
        f.run(OperationKind::Sync, u"orders"_s);
        // A transaction that committed late with a cursor 20 s behind the checkpoint.
        insertOrders(f, 101, 101, u"2026-11-21 09:59:40.000"_s);
        // And an update of an already mirrored row inside the window, without a cursor move.
        f.source(u"UPDATE orders SET customer = 'changed late' WHERE id = 50"_s);
        const OperationResult r = f.run(OperationKind::Sync, u"orders"_s);
        QCOMPARE(r.run.result, u"ok"_s);
        QCOMPARE(r.run.rowsWritten, 2);
        QCOMPARE(f.compare(u"orders"_s), QString());
        // The re-read did not move the checkpoint backwards.
        QCOMPARE(f.checkpoint(u"orders"_s).key, QVariantList{100});
    }

    void lateRowOutsideLookbackIsFoundByBackfill()
    {
        MirrorFixture f;
        createOrders(f);
        insertOrders(f, 1, 100, u"2026-11-21 10:00:00.000"_s);
        f.addMapping(u"orders"_s, u"orders"_s, u"orders"_s, u"updated_at"_s).lookback = 30;
        f.run(OperationKind::Prepare, u"orders"_s);
        f.run(OperationKind::Sync, u"orders"_s);
        insertOrders(f, 101, 101, u"2026-11-21 08:00:00.000"_s);   // two hours late
        QCOMPARE(f.run(OperationKind::Sync, u"orders"_s).run.rowsWritten, 0);
        QVERIFY(!f.compare(u"orders"_s).isEmpty());   // incremental cannot see it: documented

        const OperationResult b = f.run(OperationKind::Backfill, u"orders"_s);
        QCOMPARE(b.run.result, u"ok"_s);
        QCOMPARE(b.run.rowsWritten, 1);   // reported: exactly the one missing row
        QVERIFY2(b.run.note.contains(u"1 missing"_s), qPrintable(b.run.note));
        QCOMPARE(f.compare(u"orders"_s), QString());
    }

    void nullCursorRowsAreCountedAndBackfilled()
    {
        MirrorFixture f;
        createOrders(f);
        insertOrders(f, 1, 50, u"2026-11-21 10:00:00.000"_s);
        f.source(u"INSERT INTO orders VALUES (51, 'no cursor', 1, NULL), (52, 'neither', 2, NULL)"_s);
        f.addMapping(u"orders"_s, u"orders"_s, u"orders"_s, u"updated_at"_s);
        f.run(OperationKind::Prepare, u"orders"_s);
        QCOMPARE(f.run(OperationKind::Sync, u"orders"_s).run.rowsWritten, 50);
        const StatusMeasurement s = f.status(u"orders"_s);
        QCOMPARE(s.nullCursorRows, 2);
        QCOMPARE(s.backlog, 0);   // NULL-cursor rows are not backlog: incremental cannot see them
        QCOMPARE(s.sourceRows, 52);
        QCOMPARE(s.mirrorRows, 50);
        // The gate must not call this in sync.
        const OperationResult b = f.run(OperationKind::Backfill, u"orders"_s);
        QCOMPARE(b.run.rowsWritten, 2);
        QCOMPARE(f.compare(u"orders"_s), QString());
    }

    void backlogCountsRowsPastTheCheckpoint()
    {
        MirrorFixture f;
        createOrders(f);
        insertOrders(f, 1, 10, u"2026-11-21 10:00:00.000"_s);
        f.addMapping(u"orders"_s, u"orders"_s, u"orders"_s, u"updated_at"_s);
        f.run(OperationKind::Prepare, u"orders"_s);
        QCOMPARE(f.status(u"orders"_s).backlog, 10);
        f.run(OperationKind::Sync, u"orders"_s);
        QCOMPARE(f.status(u"orders"_s).backlog, 0);
        insertOrders(f, 11, 17, u"2026-11-21 10:00:00.000"_s);   // ties past the key
        insertOrders(f, 18, 20, u"2026-11-21 11:00:00.000"_s);
        QCOMPARE(f.status(u"orders"_s).backlog, 10);
    }

    void integerCursorWithLookbackUnits()
    {
        MirrorFixture f;
        f.source(u"CREATE TABLE items (a INTEGER, b TEXT, version INTEGER, payload TEXT, "
                 "PRIMARY KEY (a, b))"_s);
        for (int i = 1; i <= 300; ++i)
            f.source(u"INSERT INTO items VALUES (?, ?, ?, ?)"_s,
                     {i % 7, u"k%1"_s.arg(i), 1000 + i / 10, u"v%1"_s.arg(i)});
        MappingConfig &m = f.addMapping(u"items"_s, u"items"_s, u"items copy"_s, u"version"_s);
        m.batchRows = 13;
        m.lookback = 5;
        f.run(OperationKind::Prepare, u"items"_s);
        QCOMPARE(f.run(OperationKind::Sync, u"items"_s).run.rowsWritten, 300);
        QCOMPARE(f.compare(u"items"_s), QString());
        QCOMPARE(f.checkpoint(u"items"_s).cursor.toLongLong(), 1030);
        f.source(u"INSERT INTO items VALUES (99, 'late', 1027, 'late row')"_s);   // within 5
        QCOMPARE(f.run(OperationKind::Sync, u"items"_s).run.rowsWritten, 1);
        QCOMPARE(f.compare(u"items"_s), QString());
    }

    void injectedFailureNeverMovesCheckpointPastUnwrittenRows_data()
    {
        QTest::addColumn<QString>("connection");
        QTest::addColumn<int>("failAt");
        // Every statement index of a pass of 7 batches (plus set-up) is covered, on the mirror
        // (writes, checkpoint, commit) and on the source (reads).
        for (int i = 1; i <= 40; i += 3)
            QTest::addRow("mirror statement %d", i) << u"mirror"_s << i;
        for (int i = 1; i <= 12; i += 2)
            QTest::addRow("source statement %d", i) << u"src"_s << i;
    }

    void injectedFailureNeverMovesCheckpointPastUnwrittenRows()
    {
        QFETCH(QString, connection);
        QFETCH(int, failAt);
        MirrorFixture f;
        createOrders(f);
        insertOrders(f, 1, 300, u"2026-11-21 10:00:00.000"_s);
        insertOrders(f, 301, 650, u"2026-11-21 10:00:01.000"_s);
        f.addMapping(u"orders"_s, u"orders"_s, u"orders"_s, u"updated_at"_s).batchRows = 100;
        f.run(OperationKind::Prepare, u"orders"_s);

        int count = 0;
        bool fired = false;
        QString failedSql;
        f.engineConnection(connection).setStatementHook([&](const QString &sql) {
            if (++count == failAt) {
                fired = true;
                failedSql = sql;
                throw DbError(DbError::Kind::Transient,
                              u"injected failure at statement %1: %2"_s.arg(failAt).arg(sql));
            }
        });
        const OperationResult failed = f.run(OperationKind::Sync, u"orders"_s);
        if (fired) {
            // A failure while recording the finished run in the state table is logged, not
            // fatal: the batches and their checkpoints had committed already.
            const bool bookkeeping = failed.run.result == u"ok"
                    && (failedSql.contains(u"_tidemark_state"_s)
                        || failedSql.contains(u"pragma_table_info"_s));
            QVERIFY2(failed.run.result == u"error" || bookkeeping, qPrintable(failedSql));
            if (failed.run.result == u"error")
                QVERIFY(failed.transient);
        }
        QCOMPARE(f.checkpointCovered(u"orders"_s), QString());

        f.reset();   // like a worker after a transient error: reconnect, no hook
        const OperationResult again = f.run(OperationKind::Sync, u"orders"_s);
        QCOMPARE(again.run.result, u"ok"_s);
        QCOMPARE(f.compare(u"orders"_s), QString());
        QCOMPARE(f.checkpoint(u"orders"_s).key, QVariantList{650});
    }

    void cancelStopsBetweenBatchesAndResumes()
    {
        MirrorFixture f;
        createOrders(f);
        insertOrders(f, 1, 1000, u"2026-11-21 10:00:00.000"_s);
        f.addMapping(u"orders"_s, u"orders"_s, u"orders"_s, u"updated_at"_s).batchRows = 100;
        f.run(OperationKind::Prepare, u"orders"_s);
        int commits = 0;
        f.engineConnection(u"mirror"_s).setStatementHook([&](const QString &sql) {
            if (sql == u"COMMIT" && ++commits == 3)
                f.cancelFlag().store(true);
        });
        const OperationResult r = f.run(OperationKind::Sync, u"orders"_s);
        QCOMPARE(r.run.result, u"cancelled"_s);
        QCOMPARE(f.checkpoint(u"orders"_s).key, QVariantList{300});
        QCOMPARE(f.checkpointCovered(u"orders"_s), QString());
        f.cancelFlag().store(false);
        f.reset();
        QCOMPARE(f.run(OperationKind::Sync, u"orders"_s).run.rowsWritten, 700);
        QCOMPARE(f.compare(u"orders"_s), QString());
    }
};

QTEST_GUILESS_MAIN(TestIncremental)
#include "tst_incremental.moc"
