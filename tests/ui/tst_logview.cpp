// LogModel polls the ring buffer sink: newest at the bottom, bounded, and the view follows the
// tail only while the operator is at the bottom.

#include "logview.h"

#include <QAbstractItemModelTester>
#include <QListView>
#include <QScrollBar>
#include <QTest>

#include <spdlog/logger.h>

#include <memory>

using namespace Qt::StringLiterals;
using namespace tidemark;

class TestLogView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void newestAtTheBottom();
    void boundedToMaxRows();
    void pollsOnItsOwn();
    void followsTheTailOnlyAtTheBottom();
};

namespace {

struct TestLog
{
    std::shared_ptr<RingBufferSink> sink = std::make_shared<RingBufferSink>(1000);
    std::shared_ptr<spdlog::logger> log = std::make_shared<spdlog::logger>("test.log", sink);

    TestLog() { log->set_level(spdlog::level::trace); }
    void write(int count, int from = 0)
    {
        for (int i = from; i < from + count; ++i)
            log->info("message {}", i);
    }
};

QString message(const LogModel &model, int row)
{
    return model.index(row).data(LogModel::MessageRole).toString();
}

} // namespace

void TestLogView::newestAtTheBottom()
{
    TestLog log;
    LogModel model(log.sink, 100);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);

    log.write(3);
    log.log->warn("disk almost full");
    model.poll();
    QCOMPARE(model.rowCount(), 4);
    QCOMPARE(message(model, 0), u"message 0"_s);
    QCOMPARE(message(model, 3), u"disk almost full"_s);
    QCOMPARE(model.index(3).data(LogModel::LoggerRole).toString(), u"test.log"_s);
    QCOMPARE(model.index(3).data(LogModel::LevelRole).toInt(), int(spdlog::level::warn));
    QVERIFY(model.index(3).data().toString().contains(u"WARN"_s));
    QVERIFY(model.index(3).data().toString().contains(u"disk almost full"_s));

    // A poll with nothing new changes nothing; the next one brings only what is new.
    model.poll();
    QCOMPARE(model.rowCount(), 4);
    log.write(2, 10);
    model.poll();
    QCOMPARE(model.rowCount(), 6);
    QCOMPARE(message(model, 5), u"message 11"_s);
}

void TestLogView::boundedToMaxRows()
{
    TestLog log;
    LogModel model(log.sink, 5);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);

    log.write(3);
    model.poll();
    log.write(4, 3);
    model.poll();
    QCOMPARE(model.rowCount(), 5);
    QCOMPARE(message(model, 0), u"message 2"_s);
    QCOMPARE(message(model, 4), u"message 6"_s);

    // More than maxRows in one poll keeps the newest.
    log.write(20, 100);
    model.poll();
    QCOMPARE(model.rowCount(), 5);
    QCOMPARE(message(model, 0), u"message 115"_s);
    QCOMPARE(message(model, 4), u"message 119"_s);
}

void TestLogView::pollsOnItsOwn()
{
    TestLog log;
    LogModel model(log.sink, 100);
    log.write(2);
    QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 2, 2000);
}

void TestLogView::followsTheTailOnlyAtTheBottom()
{
    TestLog log;
    LogModel model(log.sink, 1000);
    LogView view(&model);
    view.resize(400, 150);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QScrollBar *bar = view.listView()->verticalScrollBar();

    log.write(100);
    model.poll();
    QTRY_VERIFY(bar->maximum() > 0);
    QCOMPARE(bar->value(), bar->maximum());

    // The operator scrolls up to read: new lines do not yank the view away.
    bar->setValue(0);
    log.write(10, 100);
    model.poll();
    QCOMPARE(bar->value(), 0);

    // Back at the bottom (Ctrl+End), it follows again.
    view.listView()->scrollToBottom();
    QCOMPARE(bar->value(), bar->maximum());
    log.write(10, 200);
    model.poll();
    QTRY_COMPARE(bar->value(), bar->maximum());
}

QTEST_MAIN(TestLogView)
#include "tst_logview.moc"
