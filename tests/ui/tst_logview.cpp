// LogModel polls the ring buffer sink: newest at the bottom, bounded, and the view follows the
// tail only while the operator is at the bottom. The view filters by level, text and mapping,
// and copies what is selected.

#include "logfiltermodel.h"
#include "logview.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QLineEdit>
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
    void filtersByLevelTextAndMapping();
    void copiesTheSelectedLines();
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

    // The operator scrolls up to read: follow mode turns off and new lines do not yank the
    // view away.
    QVERIFY(view.isFollowing());
    bar->setValue(0);
    QVERIFY(!view.isFollowing());
    QVERIFY(!view.followCheck()->isChecked());
    log.write(10, 100);
    model.poll();
    QCOMPARE(bar->value(), 0);

    // Back at the bottom (Ctrl+End), it follows again.
    view.listView()->scrollToBottom();
    QCOMPARE(bar->value(), bar->maximum());
    QVERIFY(view.isFollowing());
    log.write(10, 200);
    model.poll();
    QTRY_COMPARE(bar->value(), bar->maximum());
}

void TestLogView::filtersByLevelTextAndMapping()
{
    TestLog log;
    LogModel model(log.sink, 1000);
    LogView view(&model);
    QAbstractItemModelTester tester(view.filterModel(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    log.log->info("mapping 'orders': synced 10 rows from 'orders' in 1 batches");
    log.log->info("mapping 'orders_archive': synced 3 rows");
    log.log->warn("mapping 'customers': lookback re-read found 2 late rows");
    log.log->error("mapping 'orders': sync failed: database is locked");
    log.log->debug("opening connection src");
    model.poll();
    QAbstractItemModel *shown = view.listView()->model();
    QCOMPARE(shown->rowCount(), 5);

    // Level: through the combo box, as an operator picks it.
    view.levelCombo()->setCurrentIndex(view.levelCombo()->findData(int(spdlog::level::warn)));
    QCOMPARE(shown->rowCount(), 2);
    view.levelCombo()->setCurrentIndex(0);

    // Text, case-insensitive.
    view.searchField()->setText(u"LOCKED"_s);
    QCOMPARE(shown->rowCount(), 1);
    view.searchField()->clear();

    // Only the selected mapping: quoted, so 'orders_archive' is not 'orders'.
    view.setCurrentMapping(u"orders"_s);
    QCOMPARE(shown->rowCount(), 5);   // not asked for yet
    view.onlyMappingCheck()->setChecked(true);
    QCOMPARE(shown->rowCount(), 2);
    QVERIFY(view.onlyMappingCheck()->text().contains(u"orders"_s));

    // New lines are filtered as they arrive.
    log.log->info("mapping 'orders': checkpoint now 42");
    log.log->info("mapping 'customers': checkpoint now 7");
    model.poll();
    QCOMPARE(shown->rowCount(), 3);

    view.setCurrentMapping(u"customers"_s);
    QCOMPARE(shown->rowCount(), 2);
    view.onlyMappingCheck()->setChecked(false);
    QCOMPARE(shown->rowCount(), 7);
}

void TestLogView::copiesTheSelectedLines()
{
    TestLog log;
    LogModel model(log.sink, 1000);
    LogView view(&model);
    log.write(5);
    model.poll();
    QListView *list = view.listView();
    list->selectionModel()->select(list->model()->index(1, 0), QItemSelectionModel::Select);
    list->selectionModel()->select(list->model()->index(3, 0), QItemSelectionModel::Select);
    view.copyAction()->trigger();
    const QString copied = QApplication::clipboard()->text();
    QCOMPARE(copied.count(u'\n'), 1);
    QVERIFY2(copied.contains(u"message 1"_s) && copied.contains(u"message 3"_s), qPrintable(copied));
    QVERIFY(!copied.contains(u"message 2"_s));
    // Nothing selected: everything shown.
    list->clearSelection();
    QCOMPARE(view.selectedText().count(u'\n'), 4);
}

QTEST_MAIN(TestLogView)
#include "tst_logview.moc"
