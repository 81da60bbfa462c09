// What a measurement reads, and when the engine lets it count whole tables (run/countbudget.h).
// Counting every source row after every pass once made a 1 s capture consumer spend about half
// its time in COUNT(*) of a 100,000-row InnoDB table, and half the source's extra CPU.
#include "api/types.h"
#include "db/dbconnection.h"
#include "mirrorfixture.h"
#include "run/countbudget.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace tidemark;
using tidemark::test::MirrorFixture;

class TestStatusProbe : public QObject
{
    Q_OBJECT

private:
    static void setUp(MirrorFixture &f, int rows)
    {
        f.source(u"CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT, ts TEXT)"_s);
        for (int i = 1; i <= rows; ++i)
            f.source(u"INSERT INTO t VALUES (?, 'v', ?)"_s, {i, u"%1"_s.arg(i, 4, 10, QChar(u'0'))});
        MappingConfig &m = f.addMapping(u"t"_s, u"t"_s, u"t"_s, u"ts"_s);
        m.lookback = 0;
    }

    // The statements the engine's source connection runs while `fn` does.
    template <typename Fn>
    static QStringList sourceStatements(MirrorFixture &f, Fn fn)
    {
        QStringList seen;
        f.engineConnection(u"src"_s).setStatementHook([&](const QString &sql) { seen << sql; });
        fn();
        f.engineConnection(u"src"_s).setStatementHook({});
        return seen;
    }

    // COUNT(*) of every row, and of the rows with a NULL cursor (which no index narrows).
    static int wholeTableCounts(const QStringList &statements)
    {
        int n = 0;
        for (const QString &sql : statements)
            if (sql == u"SELECT COUNT(*) FROM \"t\""_s
                || sql == u"SELECT COUNT(*) FROM \"t\" WHERE \"ts\" IS NULL"_s)
                ++n;
        return n;
    }

private Q_SLOTS:
    void aSyncCountsOnlyWhenTheBudgetAllows()
    {
        const QDateTime t0 = QDateTime::fromString(u"2026-12-07T10:00:00Z"_s, Qt::ISODate);
        CountBudget budget;
        QVERIFY(budget.due(OperationKind::Sync, t0));   // never counted: count
        budget.counted(t0, 100);                       // a count of 100 ms: 1.9 s without
        QVERIFY(!budget.due(OperationKind::Sync, t0.addMSecs(1000)));
        QVERIFY(!budget.due(OperationKind::Sync, t0.addMSecs(1899)));
        QVERIFY(budget.due(OperationKind::Sync, t0.addMSecs(1900)));
        // Operations that change the tables' sizes most count whatever the budget says.
        for (OperationKind k : {OperationKind::Backfill, OperationKind::Sweep,
                                OperationKind::Resync, OperationKind::Prepare})
            QVERIFY(budget.due(k, t0.addMSecs(1)));
        // A count that took an hour is repeated after at most ten minutes.
        budget.counted(t0, 3600 * 1000);
        QCOMPARE(t0.msecsTo(budget.next()), CountBudget::kMaxGapMs);
        // A count too quick to time counts after every pass.
        budget.counted(t0, 0);
        QVERIFY(budget.due(OperationKind::Sync, t0));
    }

    void skippingTheCountsReadsNoWholeTable()
    {
        MirrorFixture f;
        setUp(f, 50);
        QCOMPARE(f.run(OperationKind::Prepare, u"t"_s).run.result, u"ok"_s);
        QCOMPARE(f.run(OperationKind::Sync, u"t"_s).run.result, u"ok"_s);
        f.source(u"INSERT INTO t VALUES (51, 'new', '9999'), (52, 'new', '9999')"_s);

        StatusMeasurement full;
        QCOMPARE(wholeTableCounts(sourceStatements(f, [&] { full = f.status(u"t"_s); })), 2);
        QVERIFY(full.tableCounts);
        QCOMPARE(full.sourceRows, 52);
        QCOMPARE(full.mirrorRows, 50);

        StatusMeasurement quick;
        const QStringList statements =
                sourceStatements(f, [&] { quick = f.status(u"t"_s, MeasureScope::SkipTableCounts); });
        QCOMPARE(wholeTableCounts(statements), 0);
        QVERIFY(!quick.tableCounts);
        // The rest is measured as before: the backlog past the checkpoint, the checkpoint.
        QCOMPARE(quick.backlog, 2);
        QCOMPARE(quick.checkpoint.cursor, full.checkpoint.cursor);
        QVERIFY(quick.lastRun.has_value());

        // The snapshot keeps the counts of the measurement that took them, and says when.
        MappingStatus s = MappingStatus::initial(f.project().mappings.first());
        s.apply(full);
        const QDateTime countedAt = s.rowsCountedAt;
        QVERIFY(countedAt.isValid());
        f.source(u"DELETE FROM t WHERE id <= 10"_s);
        s.apply(f.status(u"t"_s, MeasureScope::SkipTableCounts));
        QCOMPARE(s.sourceRows, 52);
        QCOMPARE(s.mirrorRows, 50);
        QCOMPARE(s.rowsCountedAt, countedAt);
        s.apply(f.status(u"t"_s));
        QCOMPARE(s.sourceRows, 42);
        QVERIFY(s.rowsCountedAt >= countedAt);
    }

    // Before the first pass a cursor mapping's backlog is the source's rows with a cursor, so
    // its measurement counts whatever the scope.
    void aMappingWithoutCheckpointIsCountedAnyway()
    {
        MirrorFixture f;
        setUp(f, 20);
        QCOMPARE(f.run(OperationKind::Prepare, u"t"_s).run.result, u"ok"_s);
        const StatusMeasurement m = f.status(u"t"_s, MeasureScope::SkipTableCounts);
        QVERIFY(m.tableCounts);
        QCOMPARE(m.sourceRows, 20);
        QCOMPARE(m.backlog, 20);
    }
};

QTEST_GUILESS_MAIN(TestStatusProbe)
#include "tst_statusprobe.moc"
