// A writer thread inserts, updates and deletes while incremental passes and sweeps run again and
// again; once it stops, one more pass and sweep make the mirror equal to the source.
#include "mirrorfixture.h"
#include "writerthread.h"

#include <QElapsedTimer>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace tidemark;
using tidemark::test::MirrorFixture;

class TestConcurrentWriter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void mirrorConvergesAfterConcurrentWrites()
    {
        MirrorFixture f;
        f.source(u"CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT, ts TEXT)"_s);
        f.sourceDb().transaction();
        for (int i = 1; i <= 2000; ++i)
            f.source(u"INSERT INTO t VALUES (?, 'v', '0000')"_s, {i});
        f.sourceDb().commit();
        MappingConfig &m = f.addMapping(u"t"_s, u"t"_s, u"t"_s, u"ts"_s);
        m.batchRows = 50;
        m.lookback = 0;   // the cursor is text with a sequence suffix: no time arithmetic
        m.maxSweepFraction = 1.0;
        f.run(OperationKind::Prepare, u"t"_s);

        WriterThread writer(f.sourcePath());
        writer.start();
        QElapsedTimer timer;
        timer.start();
        int passes = 0, sweeps = 0;
        while (timer.elapsed() < 4000) {
            const OperationResult r = f.run(OperationKind::Sync, u"t"_s);
            QVERIFY2(r.ok(), qPrintable(r.run.error));
            ++passes;
            if (passes % 5 == 0) {
                const OperationResult s = f.run(OperationKind::Sweep, u"t"_s);
                QVERIFY2(s.ok(), qPrintable(s.run.error));
                ++sweeps;
            }
            // At every moment the checkpoint covers only rows that are in the mirror (rows
            // deleted or updated since then aside, which the check reads as current).
        }
        writer.stop.store(true);
        writer.wait();
        QCOMPARE(writer.errors.loadRelaxed(), 0);
        qInfo("writer: %d inserts, %d updates, %d deletes; engine: %d passes, %d sweeps",
              writer.inserts.loadRelaxed(), writer.updates.loadRelaxed(),
              writer.deletes.loadRelaxed(), passes, sweeps);
        QVERIFY(writer.inserts.loadRelaxed() > 100);
        QVERIFY(passes > 5);

        QCOMPARE(f.run(OperationKind::Sync, u"t"_s).run.result, u"ok"_s);
        QCOMPARE(f.run(OperationKind::Sweep, u"t"_s).run.result, u"ok"_s);
        QCOMPARE(f.compare(u"t"_s), QString());
        QCOMPARE(f.checkpointCovered(u"t"_s), QString());
    }
};

QTEST_GUILESS_MAIN(TestConcurrentWriter)
#include "tst_concurrentwriter.moc"
