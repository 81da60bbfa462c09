// Coalescing: at most one operation in flight per mapping, equal requests join.
#include "run/operationqueue.h"

#include <QTest>

using namespace tidemark;

class TestOperationQueue : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void equalRequestsJoinWhileQueued()
    {
        OperationQueue q;
        const auto a = q.enqueue(OperationKind::Backfill, {});
        const auto b = q.enqueue(OperationKind::Backfill, {});
        QVERIFY(!a.joined);
        QVERIFY(b.joined);
        QCOMPARE(b.id, a.id);
        QCOMPARE(q.pendingCount(), 1);
    }

    void equalRequestsJoinWhileRunning()
    {
        OperationQueue q;
        const auto a = q.enqueue(OperationKind::Backfill, {});
        QCOMPARE(q.startNext()->id, a.id);
        const auto b = q.enqueue(OperationKind::Backfill, {});
        QVERIFY(b.joined);
        QCOMPARE(b.id, a.id);
        QVERIFY(!q.startNext());   // nothing else to run, and one is in flight
        q.finishCurrent();
        QVERIFY(q.idle());
    }

    void differentWorkQueuesBehind()
    {
        OperationQueue q;
        q.enqueue(OperationKind::Backfill, {});
        OperationOptions force;
        force.force = true;
        const auto sweep = q.enqueue(OperationKind::Sweep, {});
        const auto forced = q.enqueue(OperationKind::Sweep, force);
        QVERIFY(!forced.joined);   // a forced sweep is not the sweep that would refuse
        QVERIFY(forced.id != sweep.id);
        QCOMPARE(q.startNext()->kind, OperationKind::Backfill);
        QVERIFY(!q.startNext());   // one at a time
        q.finishCurrent();
        QCOMPARE(q.startNext()->id, sweep.id);
    }

    void syncDuringSyncRunsOnceMore()
    {
        // Rows written after a running pass read its last page must not wait a whole interval.
        OperationQueue q;
        const auto a = q.enqueue(OperationKind::Sync, {});
        q.startNext();
        const auto b = q.enqueue(OperationKind::Sync, {});
        const auto c = q.enqueue(OperationKind::Sync, {});
        QVERIFY(!b.joined);
        QVERIFY(c.joined);
        QVERIFY(b.id != a.id);
        QCOMPARE(q.pendingCount(), 1);
    }
};

QTEST_GUILESS_MAIN(TestOperationQueue)
#include "tst_operationqueue.moc"
