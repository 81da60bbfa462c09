// The detail pane: bounded chart history sampled from snapshots, the run history list, and the
// progress bar with rows done, rate, time left and Cancel.

#include "fakeengine.h"
#include "mappingdetail.h"
#include "metricscharts.h"
#include "metricshistory.h"
#include "progressestimate.h"
#include "runhistorymodel.h"

#include <QAbstractItemModelTester>
#include <QLabel>
#include <QLineSeries>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace tidemark;
using tidemark::test::makeStatus;

class TestMappingDetail : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void historyIsBoundedAndSpaced();
    void historyForgetsMappingsThatWent();
    void runHistoryNewestFirstWithTester();
    void progressRateAndTimeLeft();
    void progressStartsOverForANewOperation();
    void paneShowsProgressAndCancels();
    void chartsGetThePoints();
    void paneListsWarnings();
    void paneShowsCapture();
};

namespace {
const QDateTime T0 = QDateTime::fromString(u"2026-01-01T10:00:00Z"_s, Qt::ISODate);

RunRecord run(const QString &kind, int startSecs, const QString &result = u"ok"_s,
              qint64 rows = 10)
{
    RunRecord r;
    r.kind = kind;
    r.startedAt = T0.addSecs(startSecs);
    r.finishedAt = r.startedAt.addMSecs(1500);
    r.result = result;
    r.rowsWritten = rows;
    if (result != u"ok")
        r.error = u"reason for "_s + result;
    return r;
}

MappingStatus running(const QString &op, qint64 done, qint64 total)
{
    MappingStatus s = makeStatus(u"orders"_s, 0, MappingState::Running);
    s.operation = op;
    s.progress.phase = op;
    s.progress.rowsDone = done;
    s.progress.rowsTotal = total;
    return s;
}
} // namespace

void TestMappingDetail::historyIsBoundedAndSpaced()
{
    MetricsHistory history(5, 1000);
    MappingStatus s = makeStatus(u"orders"_s, 10);
    for (int i = 0; i < 40; ++i) {
        s.backlog = i;
        history.record({s}, T0.addMSecs(i * 250));   // four snapshots a second
    }
    const QList<MetricsSample> samples = history.samples(u"orders"_s);
    QCOMPARE(samples.size(), 5);                     // bounded
    QCOMPARE(samples.first().at.msecsTo(samples.last().at), 4000);   // one a second
    QCOMPARE(samples.last().backlog, 36);
}

void TestMappingDetail::historyForgetsMappingsThatWent()
{
    MetricsHistory history;
    history.record({makeStatus(u"a"_s), makeStatus(u"b"_s)}, T0);
    history.record({makeStatus(u"b"_s)}, T0.addSecs(2));
    QVERIFY(history.samples(u"a"_s).isEmpty());
    QCOMPARE(history.samples(u"b"_s).size(), 2);
}

void TestMappingDetail::runHistoryNewestFirstWithTester()
{
    RunHistoryModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QList<RunRecord> history{run(u"sync"_s, 0), run(u"sweep"_s, 10, u"refused"_s)};
    model.setHistory(history);
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.index(0, RunHistoryModel::KindColumn).data().toString(), u"sweep"_s);
    QCOMPARE(model.index(0, RunHistoryModel::ReasonColumn).data().toString(),
             u"reason for refused"_s);

    // An appended run inserts at the top, without a reset.
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    history << run(u"backfill"_s, 20, u"skipped"_s);
    model.setHistory(history);
    QCOMPARE(reset.count(), 0);
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(model.index(0, RunHistoryModel::KindColumn).data().toString(), u"backfill"_s);

    // The oldest drops off past the engine's limit while a new one arrives.
    history.removeFirst();
    history << run(u"sync"_s, 30);
    model.setHistory(history);
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(reset.count(), 0);
    QCOMPARE(model.index(2, RunHistoryModel::KindColumn).data().toString(), u"sweep"_s);

    // Unchanged: no signal at all.
    QSignalSpy changed(&model, &QAbstractItemModel::rowsInserted);
    model.setHistory(history);
    QCOMPARE(changed.count(), 0);

    model.setHistory({run(u"prepare"_s, 100)});   // unrelated: reset
    QCOMPARE(model.rowCount(), 1);
    model.setHistory({});
    QCOMPARE(model.rowCount(), 0);
}

void TestMappingDetail::progressRateAndTimeLeft()
{
    ProgressEstimate estimate;
    estimate.update(running(u"backfill"_s, 0, 1000000), T0);
    QVERIFY(!estimate.rate());
    estimate.update(running(u"backfill"_s, 50000, 1000000), T0.addSecs(1));
    estimate.update(running(u"backfill"_s, 100000, 1000000), T0.addSecs(2));
    QVERIFY(estimate.rate());
    QCOMPARE(qRound(*estimate.rate()), 50000);
    QCOMPARE(qRound(*estimate.secondsLeft()), 18);
    QCOMPARE(estimate.percent(), 10);
    const QString text = estimate.text();
    QVERIFY2(text.contains(QLocale().toString(100000)) && text.contains(u"rows/s"_s)
                     && text.contains(u"18 s left"_s),
             qPrintable(text));

    // Unknown total: rows and rate, no percentage, no time left.
    ProgressEstimate open;
    open.update(running(u"sync"_s, 10, -1), T0);
    open.update(running(u"sync"_s, 510, -1), T0.addSecs(1));
    QCOMPARE(open.percent(), -1);
    QVERIFY(!open.secondsLeft());
    QVERIFY(!open.text().contains(u"left"_s));
}

void TestMappingDetail::progressStartsOverForANewOperation()
{
    ProgressEstimate estimate;
    estimate.update(running(u"sweep"_s, 900, 1000), T0);
    estimate.update(running(u"sweep"_s, 1000, 1000), T0.addSecs(1));
    // A resync moves from its sweep to its backfill: the count restarts.
    estimate.update(running(u"backfill"_s, 10, 1000), T0.addSecs(2));
    QVERIFY(!estimate.rate());
    estimate.update(makeStatus(u"orders"_s), T0.addSecs(3));
    QVERIFY(!estimate.running());
    QVERIFY(estimate.text().isEmpty());
}

void TestMappingDetail::paneShowsProgressAndCancels()
{
    MappingDetail pane;
    pane.show();
    pane.showMapping(makeStatus(u"orders"_s), {});
    QVERIFY(!pane.progressBar()->isVisible());

    pane.showMapping(running(u"backfill"_s, 1000, 10000), {});
    QVERIFY(pane.progressBar()->isVisible());
    QCOMPARE(pane.progressBar()->value(), 10);
    QVERIFY(pane.progressBar()->format().contains(QLocale().toString(1000)));

    QSignalSpy cancelled(&pane, &MappingDetail::cancelRequested);
    QTest::mouseClick(pane.cancelButton(), Qt::LeftButton);
    QCOMPARE(cancelled.count(), 1);
    QCOMPARE(cancelled.at(0).at(0).toString(), u"orders"_s);

    MappingStatus withRuns = makeStatus(u"orders"_s);
    withRuns.history = {run(u"sync"_s, 0), run(u"backfill"_s, 5)};
    pane.showMapping(withRuns, {});
    QVERIFY(!pane.progressBar()->isVisible());
    QCOMPARE(pane.runsModel()->rowCount(), 2);

    pane.clearMapping();
    QCOMPARE(pane.runsModel()->rowCount(), 0);
    QVERIFY(pane.mapping().isEmpty());
}

void TestMappingDetail::chartsGetThePoints()
{
    MetricsHistory history;
    MappingStatus s = makeStatus(u"orders"_s, 100);
    s.lag = 4.0;
    s.lagInSeconds = true;
    for (int i = 0; i < 5; ++i) {
        s.backlog = 100 - i * 20;
        s.rowsPerSecond = i * 10;
        history.record({s}, T0.addSecs(i));
    }
    MappingDetail pane;
    pane.showMapping(s, history.samples(u"orders"_s));
    QCOMPARE(pane.charts()->backlogSeries()->count(), 5);
    QCOMPARE(pane.charts()->lagSeries()->count(), 5);
    QCOMPARE(pane.charts()->throughputSeries()->count(), 5);
    QCOMPARE(pane.charts()->backlogSeries()->at(4).y(), 20.0);
    QCOMPARE(pane.charts()->throughputSeries()->at(4).y(), 40.0);
}

void TestMappingDetail::paneListsWarnings()
{
    MappingDetail pane;
    pane.show();
    pane.showMapping(makeStatus(u"orders"_s), {});
    QVERIFY(!pane.warningsLabel()->isVisible());

    MappingStatus warned = makeStatus(u"orders"_s);
    warned.warnings = {u"cursor column 'v' of source table 'orders' is an integer"_s,
                       u"source table 'orders' has no index"_s};
    pane.showMapping(warned, {});
    QVERIFY(pane.warningsLabel()->isVisible());
    QCOMPARE(pane.warningsLabel()->text(),
             u"Warnings:\n• cursor column 'v' of source table 'orders' is an integer\n"
             u"• source table 'orders' has no index"_s);

    pane.clearMapping();
    QVERIFY(!pane.warningsLabel()->isVisible());
}

void TestMappingDetail::paneShowsCapture()
{
    MappingDetail pane;
    pane.show();
    pane.showMapping(makeStatus(u"orders"_s), {});
    QVERIFY(!pane.captureLabel()->isVisible());

    MappingStatus captured = makeStatus(u"orders"_s);
    captured.capture = CaptureStatus{};
    captured.capture->problem = u"the change log '_tidemark_changes' is missing"_s;
    pane.showMapping(captured, {});
    QVERIFY(pane.captureLabel()->isVisible());
    QVERIFY2(pane.captureLabel()->text().contains(u"not installed"_s),
             qPrintable(pane.captureLabel()->text()));
    QVERIFY(pane.captureLabel()->text().contains(u"_tidemark_changes"_s));

    captured.capture->installed = true;
    captured.capture->problem.clear();
    captured.capture->pending = 12;
    captured.capture->unnumbered = 3;
    captured.capture->logRows = 1500;
    captured.capture->appliedSeq = 4711;
    captured.capture->oldestPendingAgeS = 2.5;
    pane.showMapping(captured, {});
    const QString text = pane.captureLabel()->text();
    for (const QString &part : {u"12 changes pending"_s, u"3 not yet numbered"_s,
                                u"applied up to #4711"_s, u"2.5 s old"_s, u"log 1,500 rows"_s})
        QVERIFY2(text.contains(part), qPrintable(text + u" lacks "_s + part));

    pane.clearMapping();
    QVERIFY(!pane.captureLabel()->isVisible());
}

QTEST_MAIN(TestMappingDetail)
#include "tst_mappingdetail.moc"
