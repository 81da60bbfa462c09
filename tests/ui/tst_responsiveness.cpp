// "The GUI thread never runs a query": measured. A 1,000,000-row SQLite -> SQLite backfill runs
// on the real EmbeddedEngine with the window open, the mapping selected (so the detail pane's
// charts and progress bar update too), while a 5 ms timer on the GUI thread records the longest
// gap between its ticks. The gap must stay under 50 ms, and the engine's status must arrive
// batched, a few snapshots a second, however many rows move.
//
// Each gap is measured three ways: on the wall clock; in CPU time the GUI thread itself spent
// in it; and on the wall clock less the time the thread sat runnable in the scheduler's queue
// waiting for a core (/proc/thread-self/schedstat). On a machine with more runnable threads
// than cores (the suite, compilers and database servers on two cores) the scheduler alone can
// hold the thread back for tens of ms; that is not the window's doing, and the one-minute load
// average is too slow to tell (CI once saw a 54 ms gap at a load average of 1.8 while a soak
// ran beside it). The CPU-time gap and the gap less queueing, which still counts every wait on
// a lock, a disk or the network, must always stay under 50 ms; the wall-clock gap is reported.

#include "api/embeddedengine.h"
#include "mainwindow.h"
#include "mappingsmodel.h"
#include "sqliteproject.h"

#include <QElapsedTimer>
#include <QFile>
#include <QThread>
#include <QEventLoop>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>

#include <memory>

#include <ctime>

using namespace Qt::StringLiterals;
using namespace tidemark;

class TestResponsiveness : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void millionRowBackfillKeepsTheWindowResponsive();
};

namespace {

qint64 threadCpuMs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return qint64(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

// Nanoseconds this thread has spent runnable but waiting for a core; -1 where the kernel does
// not say.
qint64 threadQueuedNs()
{
    QFile file(u"/proc/thread-self/schedstat"_s);
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    const QList<QByteArray> fields = file.readAll().trimmed().split(' ');
    bool ok = false;
    const qint64 queued = fields.value(1).toLongLong(&ok);
    return ok ? queued : -1;
}

double loadAverage()
{
    QFile file(u"/proc/loadavg"_s);
    if (!file.open(QIODevice::ReadOnly))
        return 0;
    return file.readAll().split(' ').value(0).toDouble();
}

// Ticks every 5 ms on the GUI thread; a tick that comes late means the event loop was busy.
class StallMeter : public QObject
{
public:
    StallMeter()
    {
        m_timer.setTimerType(Qt::PreciseTimer);
        m_timer.setInterval(5);
        connect(&m_timer, &QTimer::timeout, this, &StallMeter::tick);
    }
    void start()
    {
        m_clock.start();
        m_last = 0;
        m_lastCpu = threadCpuMs();
        m_lastQueued = threadQueuedNs();
        m_timer.start();
    }
    void stop() { m_timer.stop(); }
    qint64 longestGapMs() const { return m_longest; }
    // The most CPU time the GUI thread spent between two ticks: the work that held it.
    qint64 longestBusyGapMs() const { return m_longestBusy; }
    // The longest gap less the time the thread waited for a core in it; -1 when the kernel
    // does not report run-queue waits.
    qint64 longestOwnGapMs() const { return m_queueKnown ? m_longestOwn : -1; }
    // When (ms after start()) the longest gap ended, and how many gaps passed 20 ms: one
    // outlier on a loaded machine reads differently from a stall every batch.
    qint64 longestGapAtMs() const { return m_longestAt; }
    int gapsOver20Ms() const { return m_over20; }
    qint64 ticks() const { return m_ticks; }

private:
    void tick()
    {
        const qint64 now = m_clock.elapsed();
        const qint64 cpu = threadCpuMs();
        m_longestBusy = std::max(m_longestBusy, cpu - m_lastCpu);
        m_lastCpu = cpu;
        const qint64 queued = threadQueuedNs();
        m_queueKnown = queued >= 0 && m_lastQueued >= 0;
        if (m_queueKnown)
            m_longestOwn = std::max(m_longestOwn,
                                    (now - m_last) - (queued - m_lastQueued) / 1000000);
        m_lastQueued = queued;
        if (now - m_last > m_longest) {
            m_longest = now - m_last;
            m_longestAt = now;
        }
        if (now - m_last > 20)
            ++m_over20;
        m_last = now;
        ++m_ticks;
    }
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_last = 0;
    qint64 m_longest = 0;
    qint64 m_longestAt = 0;
    qint64 m_lastCpu = 0;
    qint64 m_longestBusy = 0;
    qint64 m_lastQueued = -1;
    qint64 m_longestOwn = 0;
    bool m_queueKnown = false;
    int m_over20 = 0;
    qint64 m_ticks = 0;
};

} // namespace

void TestResponsiveness::millionRowBackfillKeepsTheWindowResponsive()
{
    // TIDEMARK_STALL_ROWS makes it quicker to investigate a stall; the suite runs a million.
    const qint64 Rows = qEnvironmentVariableIsSet("TIDEMARK_STALL_ROWS")
            ? qEnvironmentVariable("TIDEMARK_STALL_ROWS").toLongLong()
            : 1000000;
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QElapsedTimer setup;
    setup.start();
    std::optional<Project> project = test::makeSqliteProject(dir, Rows, 5000);
    QVERIFY(project);
    qInfo("source built: %lld rows in %lld ms", Rows, setup.elapsed());

    EngineOptions options;
    options.schedule = false;   // only the backfill runs
    auto engine = std::make_unique<EmbeddedEngine>(std::move(*project), options);
    MainWindow window(engine.get());
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    engine->start();
    QTRY_COMPARE_WITH_TIMEOUT(window.mappingsModel()->rowCount(), 1, 10000);
    window.selectMapping(u"items"_s);
    // Let the first measurement land, so the stall we measure is the backfill's.
    QTRY_VERIFY_WITH_TIMEOUT(window.mappingsModel()->mapping(u"items"_s)->sourceRows == Rows,
                             60000);

    QList<qint64> snapshotTimes;
    QElapsedTimer clock;
    clock.start();
    // Destroyed before snapshotTimes and clock, so a snapshot the engine emits while it stops
    // after a failed check never reaches them.
    QObject snapshotReceiver;
    connect(engine.get(), &Engine::statusChanged, &snapshotReceiver,
            [&snapshotTimes, &clock] { snapshotTimes.append(clock.elapsed()); });
    QSignalSpy finished(engine.get(), &Engine::operationFinished);

    StallMeter meter;
    meter.start();
    OperationOptions backfill;
    backfill.noGate = true;
    const quint64 id = engine->request(u"items"_s, OperationKind::Backfill, backfill);
    QVERIFY(id != 0);
    // A plain event loop, as the application runs: QTRY_VERIFY's qWait() sleeps 10 ms
    // between its rounds of events, which would be measured as stalls of our own making.
    QEventLoop loop;
    connect(engine.get(), &Engine::operationFinished, &loop, [&loop] { loop.quit(); });
    QTimer::singleShot(540000, &loop, &QEventLoop::quit);
    loop.exec();
    const qint64 runMs = clock.elapsed();
    meter.stop();
    QCOMPARE(finished.size(), 1);

    const auto result = finished.first().at(2).value<OperationResult>();
    QVERIFY2(result.ok(), qPrintable(result.run.error));
    QCOMPARE(result.run.rowsWritten, Rows);

    // Snapshots per second, over the run: batched, not one per batch (200 batches) or row.
    int busiestSecond = 0;
    for (int i = 0; i < snapshotTimes.size(); ++i) {
        int inSecond = 0;
        for (int j = i; j < snapshotTimes.size() && snapshotTimes.at(j) < snapshotTimes.at(i) + 1000;
             ++j)
            ++inSecond;
        busiestSecond = std::max(busiestSecond, inSecond);
    }
    const double load = loadAverage();
    const int cores = QThread::idealThreadCount();
    qInfo("backfill of %lld rows took %lld ms; longest event-loop stall %lld ms wall clock "
          "(ending at %lld ms; %d gaps over 20 ms), %lld ms less waits for a core, %lld ms of "
          "GUI-thread CPU time, over %lld ticks; %lld snapshots, at most %d in one second; load "
          "average %.1f on %d cores",
          Rows, runMs, meter.longestGapMs(), meter.longestGapAtMs(), meter.gapsOver20Ms(),
          meter.longestOwnGapMs(), meter.longestBusyGapMs(), meter.ticks(), qint64(snapshotTimes.size()), busiestSecond,
          load, cores);

    QVERIFY2(meter.longestBusyGapMs() < 50,
             qPrintable(u"the GUI thread was busy for %1 ms"_s.arg(meter.longestBusyGapMs())));
    if (meter.longestOwnGapMs() >= 0) {
        QVERIFY2(meter.longestOwnGapMs() < 50,
                 qPrintable(u"the GUI thread stalled for %1 ms, not counting waits for a core"_s
                                    .arg(meter.longestOwnGapMs())));
    } else if (load <= cores) {
        QVERIFY2(meter.longestGapMs() < 50,
                 qPrintable(u"the GUI thread stalled for %1 ms"_s.arg(meter.longestGapMs())));
    }
    if (meter.longestGapMs() >= 50) {
        qWarning("wall-clock stall of %lld ms (%lld ms less waits for a core) with a load "
                 "average of %.1f on %d cores; the GUI thread's own work took at most %lld ms",
                 meter.longestGapMs(), meter.longestOwnGapMs(), load, cores,
                 meter.longestBusyGapMs());
    }
    QVERIFY(snapshotTimes.size() >= 2);   // the table did move while it ran
    QVERIFY2(busiestSecond <= 6, qPrintable(u"%1 snapshots in one second"_s.arg(busiestSecond)));

    QTRY_COMPARE_WITH_TIMEOUT(test::sqliteCount(dir.filePath(u"mirror.db"_s), u"items"_s), Rows,
                              10000);
    window.setEngine(nullptr);
    engine->stop();
}

QTEST_MAIN(TestResponsiveness)
#include "tst_responsiveness.moc"
