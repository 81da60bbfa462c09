// End to end: the window on a real project (SQLite files, the real EmbeddedEngine), Backfill
// clicked on the toolbar as an operator would, the pre-flight's confirmation dialog answered by
// clicking its button, and the table showing the mirror in sync.

#include "api/embeddedengine.h"
#include "backfillconfirmation.h"
#include "mainwindow.h"
#include "mappingsmodel.h"
#include "sqliteproject.h"

#include <QAbstractButton>
#include <QApplication>
#include <QLabel>
#include <QPushButton>
#include <QTableView>
#include <QTest>
#include <QToolBar>

#include <memory>

using namespace Qt::StringLiterals;
using namespace tidemark;

class TestEndToEnd : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void backfillClickedInTheWindowBringsTheMirrorInSync();
};

namespace {

QString cellText(const MainWindow &window, const QString &mapping, int column)
{
    const QAbstractItemModel *model = window.tableView()->model();
    for (int row = 0; row < model->rowCount(); ++row) {
        const QModelIndex index = model->index(row, column);
        if (index.data(MappingsModel::MappingNameRole).toString() == mapping)
            return index.data().toString();
    }
    return {};
}

BackfillConfirmation *openConfirmation(const MainWindow &window)
{
    auto *box = window.findChild<BackfillConfirmation *>(u"preflightConfirmation"_s);
    return box && box->isVisible() ? box : nullptr;
}

} // namespace

void TestEndToEnd::backfillClickedInTheWindowBringsTheMirrorInSync()
{
    constexpr qint64 Rows = 2000;
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    std::optional<Project> project = test::makeSqliteProject(dir, Rows, 500);
    QVERIFY(project);

    EngineOptions options;
    options.schedule = false;   // only what the operator asks for runs
    options.snapshotIntervalMs = 100;
    auto engine = std::make_unique<EmbeddedEngine>(std::move(*project), options);
    MainWindow window(engine.get());
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    engine->start();

    QTRY_COMPARE_WITH_TIMEOUT(window.mappingsModel()->rowCount(), 1, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(cellText(window, u"items"_s, MappingsModel::BacklogColumn),
                              QLocale().toString(Rows), 20000);

    // Select the row and click Backfill on the toolbar.
    QTableView *table = window.tableView();
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {},
                      table->visualRect(table->model()->index(0, 0)).center());
    QCOMPARE(window.selectedMapping(), u"items"_s);
    auto *toolBar = window.findChild<QToolBar *>(u"mappingToolBar"_s);
    QVERIFY(toolBar);
    QWidget *button = toolBar->widgetForAction(window.backfillAction());
    QVERIFY(button && button->isEnabled());
    QTest::mouseClick(button, Qt::LeftButton);

    // The pre-flight comes back as a confirmation saying how many rows would be written.
    QTRY_VERIFY_WITH_TIMEOUT(openConfirmation(window), 30000);
    BackfillConfirmation *box = openConfirmation(window);
    const QString question = box->questionLabel()->text();
    QVERIFY2(question.contains(QLocale().toString(Rows)), qPrintable(question));
    QAbstractButton *yes = box->runButton();
    QVERIFY(yes && yes->isEnabled());
    QTest::mouseClick(yes, Qt::LeftButton);

    // The table shows the mirror in sync: as many rows as the source, nothing behind.
    QTRY_VERIFY_WITH_TIMEOUT(window.mappingsModel()->mapping(u"items"_s)->mirrorRows == Rows,
                             60000);
    QTRY_COMPARE_WITH_TIMEOUT(cellText(window, u"items"_s, MappingsModel::BacklogColumn),
                              u"0"_s, 30000);
    QCOMPARE(test::sqliteCount(dir.filePath(u"mirror.db"_s), u"items"_s), Rows);
    QVERIFY(!cellText(window, u"items"_s, MappingsModel::LastSyncColumn).isEmpty());
    QCOMPARE(cellText(window, u"items"_s, MappingsModel::StateColumn), u"Idle"_s);
    // The run is in the detail pane's history.
    QTRY_VERIFY_WITH_TIMEOUT(!window.mappingsModel()->mapping(u"items"_s)->history.isEmpty(),
                             10000);

    window.setEngine(nullptr);
    engine->stop();
}

QTEST_MAIN(TestEndToEnd)
#include "tst_endtoend.moc"
