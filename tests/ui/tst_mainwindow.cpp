// MainWindow driven through FakeEngine: rows follow snapshots, actions become requests for the
// selected mapping, destructive ones go through a dry-run pre-flight and a confirmation (a
// backfill's offers a key range), and a refused sweep comes back as a question, then a forced
// request.

#include "backfillconfirmation.h"
#include "fakeengine.h"
#include "keyrangeedit.h"
#include "mainwindow.h"
#include "mappingdetail.h"
#include "mappingsmodel.h"

#include <QAction>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTableView>
#include <QTest>
#include <QToolBar>

#include <memory>

using namespace Qt::StringLiterals;
using namespace tidemark;
using tidemark::test::FakeEngine;
using tidemark::test::makeResult;
using tidemark::test::makeStatus;

namespace {

// Answers the force confirmation without a modal loop and records what it was asked.
class TestWindow : public MainWindow
{
public:
    using MainWindow::MainWindow;

    void askToForce(const ForcedRetry &retry) override
    {
        asked.append(retry.mapping);
        reasons.append(retry.reason);
        if (answerYes)
            retryForced(retry);
    }
    QString chooseProjectFile() override { return chosenFile; }
    void confirmOperation(const Preflight &preflight) override
    {
        preflights.append(preflight);
        if (realDialogs)
            MainWindow::confirmOperation(preflight);
        else if (confirmYes)
            runConfirmed(preflight);
    }

    bool confirmYes = true;
    bool realDialogs = false;   // open the window's own confirmation instead of answering
    QList<Preflight> preflights;
    bool answerYes = false;
    QStringList asked;
    QStringList reasons;
    QString chosenFile;
};

QList<MappingStatus> threeMappings()
{
    return {makeStatus(u"orders"_s, 2), makeStatus(u"customers"_s, 0),
            makeStatus(u"items"_s, 40, MappingState::Error)};
}

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void showsOneRowPerMapping();
    void emptyWindowShowsHint();
    void actionsNeedASelection();
    void backfillRequestsTheSelectedMapping();
    void toolbarClickAndShortcutRequest();
    void shortcuts();
    void refusedSweepAsksToForce_data();
    void refusedSweepAsksToForce();
    void refusalNotAskedForIsNotOffered();
    void forcedRequestRefusedAgainIsNotOfferedAgain();
    void resultsShowInStatusBar();
    void totalsInStatusBar();
    void pauseBecomesResumeForAPausedMapping();
    void openEmitsTheChosenPath();
    void switchingEnginesForgetsTheOldOne();
    void selectionSurvivesSnapshots();
    void accessibleNames();
    void warningsShowOnTheMapping();
    void backfillOverAKeyRange();
    void backfillDialogRejectsABadRange();

private:
    static int visibleRows(const MainWindow &w) { return w.tableView()->model()->rowCount(); }
};

void TestMainWindow::showsOneRowPerMapping()
{
    FakeEngine engine;
    engine.publish(threeMappings());
    TestWindow window(&engine);
    window.show();
    QCOMPARE(visibleRows(window), 3);

    QList<MappingStatus> five = threeMappings();
    five << makeStatus(u"a"_s) << makeStatus(u"b"_s);
    engine.publish(five);
    QCOMPARE(visibleRows(window), 5);

    engine.publish({makeStatus(u"orders"_s)});
    QCOMPARE(visibleRows(window), 1);
    QVERIFY(window.tableView()->isVisible());
}

void TestMainWindow::emptyWindowShowsHint()
{
    TestWindow window(nullptr);
    window.show();
    QVERIFY(window.hint().contains(u"File > Open"_s));
    QVERIFY(window.hint().contains(u"./run.sh"_s));
    auto *hint = window.findChild<QLabel *>(u"hintLabel"_s);
    QVERIFY(hint);
    QVERIFY(hint->isVisible());
    QVERIFY(!window.tableView()->isVisible());
    QVERIFY(!window.syncAction()->isEnabled());
    QCOMPARE(window.totalsText(), u"No project"_s);
}

void TestMainWindow::actionsNeedASelection()
{
    FakeEngine engine;
    engine.publish(threeMappings());
    TestWindow window(&engine);
    for (QAction *a : {window.syncAction(), window.backfillAction(), window.sweepAction(),
                       window.pauseAction()})
        QVERIFY2(!a->isEnabled(), qPrintable(a->objectName()));

    window.selectMapping(u"orders"_s);
    QCOMPARE(window.selectedMapping(), u"orders"_s);
    for (QAction *a : {window.syncAction(), window.backfillAction(), window.sweepAction(),
                       window.pauseAction()})
        QVERIFY2(a->isEnabled(), qPrintable(a->objectName()));
    QVERIFY(!window.cancelAction()->isEnabled());   // nothing running

    // The selected mapping goes away: nothing to act on. (Qt's single-selection views select
    // a neighbour instead; a Backfill meant for "orders" must not land on "customers".)
    engine.publish({makeStatus(u"customers"_s)});
    QVERIFY(window.selectedMapping().isEmpty());
    QVERIFY(!window.backfillAction()->isEnabled());

    // Triggering anyway (a stale shortcut) requests nothing.
    window.backfillAction()->trigger();
    QVERIFY(engine.requests.isEmpty());
}

void TestMainWindow::backfillRequestsTheSelectedMapping()
{
    FakeEngine engine;
    engine.publish(threeMappings());
    TestWindow window(&engine);
    window.selectMapping(u"customers"_s);

    window.backfillAction()->trigger();
    QCOMPARE(engine.requests.size(), 1);
    QCOMPARE(engine.requests.at(0).mapping, u"customers"_s);
    QCOMPARE(engine.requests.at(0).kind, OperationKind::Backfill);
    QCOMPARE(engine.requests.at(0).options.force, false);

    window.syncAction()->trigger();
    window.sweepAction()->trigger();
    QCOMPARE(engine.requests.size(), 3);
    QCOMPARE(engine.requests.at(1).kind, OperationKind::Sync);
    QCOMPARE(engine.requests.at(2).kind, OperationKind::Sweep);
}

void TestMainWindow::toolbarClickAndShortcutRequest()
{
    FakeEngine engine;
    engine.publish(threeMappings());
    TestWindow window(&engine);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));

    // Click the row, then the toolbar button, as an operator would.
    QTableView *table = window.tableView();
    const QAbstractItemModel *model = table->model();
    int row = -1;
    for (int r = 0; r < model->rowCount(); ++r) {
        if (model->index(r, 0).data(MappingsModel::MappingNameRole).toString() == u"orders")
            row = r;
    }
    QVERIFY(row >= 0);
    const QRect cell = table->visualRect(model->index(row, MappingsModel::NameColumn));
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, cell.center());
    QCOMPARE(window.selectedMapping(), u"orders"_s);

    auto *toolBar = window.findChild<QToolBar *>(u"mappingToolBar"_s);
    QVERIFY(toolBar);
    QWidget *button = toolBar->widgetForAction(window.backfillAction());
    QVERIFY(button);
    QTest::mouseClick(button, Qt::LeftButton);
    QCOMPARE(engine.requests.size(), 1);
    QCOMPARE(engine.requests.at(0).mapping, u"orders"_s);
    QCOMPARE(engine.requests.at(0).kind, OperationKind::Backfill);

    window.activateWindow();
    if (QTest::qWaitForWindowActive(&window)) {
        QTest::keyClick(&window, Qt::Key_F5);
        QCOMPARE(engine.requests.size(), 2);
        QCOMPARE(engine.requests.at(1).kind, OperationKind::Sync);
    }
}

void TestMainWindow::shortcuts()
{
    TestWindow window(nullptr);
    QCOMPARE(window.syncAction()->shortcut(), QKeySequence(Qt::Key_F5));
    QCOMPARE(window.backfillAction()->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_B));
    QCOMPARE(window.openAction()->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_O));
    QCOMPARE(window.quitAction()->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_Q));
}

void TestMainWindow::refusedSweepAsksToForce_data()
{
    QTest::addColumn<bool>("answerYes");
    QTest::newRow("yes: forced request") << true;
    QTest::newRow("no: nothing more") << false;
}

void TestMainWindow::refusedSweepAsksToForce()
{
    QFETCH(bool, answerYes);

    FakeEngine engine;
    engine.publish(threeMappings());
    TestWindow window(&engine);
    window.answerYes = answerYes;
    window.selectMapping(u"orders"_s);
    window.sweepAction()->trigger();
    QCOMPARE(engine.requests.size(), 1);
    const quint64 id = engine.requests.at(0).id;

    const QString reason = u"sweep would delete 80% of the mirror (limit 50%)"_s;
    engine.finish(id, u"orders"_s, makeResult(u"sweep"_s, u"refused"_s, reason));

    QCOMPARE(window.asked, QStringList{u"orders"_s});
    QCOMPARE(window.reasons, QStringList{reason});
    if (answerYes) {
        QVERIFY(window.statusBar()->currentMessage().contains(u"forced"_s));
        QCOMPARE(engine.requests.size(), 2);
        QCOMPARE(engine.requests.at(1).mapping, u"orders"_s);
        QCOMPARE(engine.requests.at(1).kind, OperationKind::Sweep);
        QCOMPARE(engine.requests.at(1).options.force, true);
    } else {
        QVERIFY(window.statusBar()->currentMessage().contains(u"refused"_s));
        QCOMPARE(engine.requests.size(), 1);
    }
}

void TestMainWindow::refusalNotAskedForIsNotOffered()
{
    // A refusal for a request this window did not make (the scheduler's) must not pop up a
    // question every interval.
    FakeEngine engine;
    engine.publish(threeMappings());
    TestWindow window(&engine);
    window.answerYes = true;
    engine.finish(77, u"orders"_s, makeResult(u"sweep"_s, u"refused"_s, u"too many"_s));
    QVERIFY(window.asked.isEmpty());
    QVERIFY(engine.requests.isEmpty());
}

void TestMainWindow::forcedRequestRefusedAgainIsNotOfferedAgain()
{
    FakeEngine engine;
    engine.publish(threeMappings());
    TestWindow window(&engine);
    window.answerYes = true;
    window.selectMapping(u"orders"_s);
    window.sweepAction()->trigger();
    engine.finish(engine.requests.at(0).id, u"orders"_s,
                  makeResult(u"sweep"_s, u"refused"_s, u"source table is empty"_s));
    QCOMPARE(engine.requests.size(), 2);
    engine.finish(engine.requests.at(1).id, u"orders"_s,
                  makeResult(u"sweep"_s, u"refused"_s, u"source table is empty"_s));
    QCOMPARE(window.asked.size(), 1);
    QCOMPARE(engine.requests.size(), 2);
}

void TestMainWindow::resultsShowInStatusBar()
{
    FakeEngine engine;
    engine.publish(threeMappings());
    TestWindow window(&engine);
    window.selectMapping(u"orders"_s);
    window.backfillAction()->trigger();
    QVERIFY(engine.requests.at(0).options.dryRun);
    OperationResult dry = makeResult(u"backfill"_s, u"ok"_s);
    dry.wouldWrite = 1200;
    engine.finish(engine.requests.at(0).id, u"orders"_s, dry);
    QCOMPARE(engine.requests.size(), 2);   // confirmed at once by the test window

    OperationResult ok = makeResult(u"backfill"_s, u"ok"_s);
    ok.run.rowsWritten = 1200;
    engine.finish(engine.requests.at(1).id, u"orders"_s, ok);
    QString message = window.statusBar()->currentMessage();
    QVERIFY2(message.contains(u"orders"_s) && message.contains(u"backfill"_s)
                     && message.contains(QLocale().toString(1200)),
             qPrintable(message));

    // A routine scheduled pass does not wipe the operator's result...
    engine.finish(55, u"customers"_s, makeResult(u"sync"_s, u"ok"_s));
    QCOMPARE(window.statusBar()->currentMessage(), message);

    // ...but any failure shows.
    OperationResult failed = makeResult(u"sync"_s, u"error"_s, u"database is locked"_s);
    engine.finish(99, u"items"_s, failed);
    message = window.statusBar()->currentMessage();
    QVERIFY2(message.contains(u"items"_s) && message.contains(u"database is locked"_s),
             qPrintable(message));
}

void TestMainWindow::totalsInStatusBar()
{
    FakeEngine engine;
    QList<MappingStatus> mappings = threeMappings();
    mappings << makeStatus(u"unmeasured"_s, -1);
    engine.publish(mappings);
    TestWindow window(&engine);
    const QString totals = window.totalsText();
    QVERIFY2(totals.contains(u"4 mappings"_s), qPrintable(totals));
    QVERIFY2(totals.contains(u"backlog 42"_s), qPrintable(totals));   // unknown not counted
    QVERIFY2(totals.contains(u"1 in error"_s), qPrintable(totals));
    auto *label = window.findChild<QLabel *>(u"totalsLabel"_s);
    QVERIFY(label);
    QCOMPARE(label->text(), totals);

    mappings[2].state = MappingState::Idle;
    engine.publish(mappings);
    QVERIFY(label->text().contains(u"0 in error"_s));
}

void TestMainWindow::pauseBecomesResumeForAPausedMapping()
{
    FakeEngine engine;
    engine.publish({makeStatus(u"orders"_s), makeStatus(u"held"_s, 0, MappingState::Paused)});
    TestWindow window(&engine);

    window.selectMapping(u"orders"_s);
    QCOMPARE(window.pauseAction()->text(), u"&Pause"_s);
    window.pauseAction()->trigger();

    window.selectMapping(u"held"_s);
    QCOMPARE(window.pauseAction()->text(), u"&Resume"_s);
    window.pauseAction()->trigger();

    QCOMPARE(engine.pauses.size(), 2);
    QCOMPARE(engine.pauses.at(0), (QPair<QString, bool>{u"orders"_s, true}));
    QCOMPARE(engine.pauses.at(1), (QPair<QString, bool>{u"held"_s, false}));
}

void TestMainWindow::openEmitsTheChosenPath()
{
    TestWindow window(nullptr);
    QSignalSpy opened(&window, &MainWindow::openProjectRequested);

    window.chosenFile.clear();   // the operator cancelled the dialog
    window.openAction()->trigger();
    QCOMPARE(opened.count(), 0);

    window.chosenFile = u"/tmp/demo/tidemark.json"_s;
    window.openAction()->trigger();
    QCOMPARE(opened.count(), 1);
    QCOMPARE(opened.at(0).at(0).toString(), u"/tmp/demo/tidemark.json"_s);
}

void TestMainWindow::switchingEnginesForgetsTheOldOne()
{
    auto first = std::make_unique<FakeEngine>();
    first->publish(threeMappings());
    TestWindow window(first.get());
    QCOMPARE(visibleRows(window), 3);

    FakeEngine second;
    second.publish({makeStatus(u"only"_s)});
    window.setEngine(&second);
    QCOMPARE(visibleRows(window), 1);

    // The old engine's late snapshots no longer reach the window.
    first->publish(threeMappings());
    QCOMPARE(visibleRows(window), 1);

    // The window does not own engines; one deleted under it leaves no dangling pointer.
    window.setEngine(first.get());
    first.reset();
    QVERIFY(!window.engine());
    QCOMPARE(visibleRows(window), 0);
    window.selectMapping(u"orders"_s);
    window.syncAction()->trigger();   // must not crash

    window.setEngine(nullptr);
    QCOMPARE(visibleRows(window), 0);
}

void TestMainWindow::selectionSurvivesSnapshots()
{
    FakeEngine engine;
    QList<MappingStatus> mappings = threeMappings();
    engine.publish(mappings);
    TestWindow window(&engine);
    window.selectMapping(u"items"_s);

    for (int i = 0; i < 5; ++i) {
        mappings[2].backlog += 10;
        mappings[0].backlog += 1;
        engine.publish(mappings);
    }
    mappings << makeStatus(u"new"_s);
    engine.publish(mappings);
    QCOMPARE(window.selectedMapping(), u"items"_s);
}

void TestMainWindow::accessibleNames()
{
    FakeEngine engine;
    TestWindow window(&engine);
    QVERIFY(!window.tableView()->accessibleName().isEmpty());
    auto *toolBar = window.findChild<QToolBar *>(u"mappingToolBar"_s);
    QVERIFY(toolBar);
    for (QAction *action : toolBar->actions()) {
        if (action->isSeparator())
            continue;
        QWidget *button = toolBar->widgetForAction(action);
        QVERIFY(button);
        QVERIFY2(!button->accessibleName().isEmpty(), qPrintable(action->objectName()));
        QVERIFY2(!button->accessibleName().contains(u'&'), qPrintable(button->accessibleName()));
    }
}

// validate's warnings from the engine's snapshot: an icon on the mapping's name with the
// warning in its tooltip, and the list in the detail pane; gone again when the engine stops
// reporting them.
void TestMainWindow::warningsShowOnTheMapping()
{
    FakeEngine engine;
    QList<MappingStatus> mappings = threeMappings();
    const QString warning = u"cursor column 'updated_at' of source table 'orders' is text "
                            u"(TEXT): text compares by characters, not by time"_s;
    mappings[0].warnings = {warning};
    engine.publish(mappings);
    TestWindow window(&engine);
    window.show();

    const QAbstractItemModel *shown = window.tableView()->model();
    const auto nameCell = [&](const QString &mapping) {
        const QModelIndexList found = shown->match(shown->index(0, MappingsModel::NameColumn),
                                                   MappingsModel::MappingNameRole, mapping, 1,
                                                   Qt::MatchExactly);
        return found.isEmpty() ? QModelIndex() : found.first();
    };
    QVERIFY(nameCell(u"orders"_s).isValid());
    QVERIFY(nameCell(u"orders"_s).data(Qt::DecorationRole).isValid());
    QVERIFY2(nameCell(u"orders"_s).data(Qt::ToolTipRole).toString().contains(warning),
             qPrintable(nameCell(u"orders"_s).data(Qt::ToolTipRole).toString()));
    QVERIFY(!nameCell(u"customers"_s).data(Qt::DecorationRole).isValid());
    QVERIFY(!nameCell(u"customers"_s).data(Qt::ToolTipRole).toString().contains(u"Warning"_s));

    window.selectMapping(u"orders"_s);
    const QLabel *pane = window.detailPane()->warningsLabel();
    QVERIFY(pane->isVisible());
    QVERIFY2(pane->text().contains(warning), qPrintable(pane->text()));
    window.selectMapping(u"customers"_s);
    QVERIFY(!pane->isVisible());

    window.selectMapping(u"orders"_s);
    mappings[0].warnings.clear();   // the table got its index and trigger; validate is quiet
    engine.publish(mappings);
    QVERIFY(!pane->isVisible());
    QVERIFY(!nameCell(u"orders"_s).data(Qt::DecorationRole).isValid());
    QVERIFY(!nameCell(u"orders"_s).data(Qt::ToolTipRole).toString().contains(warning));
}

namespace {

BackfillConfirmation *openBackfillConfirmation(const MainWindow &window)
{
    const auto dialogs = window.findChildren<BackfillConfirmation *>();
    for (BackfillConfirmation *d : dialogs)
        if (d->isVisible())
            return d;
    return nullptr;
}

// A window on "orders" (key known) with its own confirmations, Backfill triggered and its dry
// run answered (`wouldWrite` rows): the backfill confirmation is open.
struct BackfillSetup
{
    explicit BackfillSetup(qint64 wouldWrite = 0)
    {
        engine.publish({tidemark::test::makeKeyedStatus(u"orders"_s)});
        window.realDialogs = true;
        window.show();
        window.selectMapping(u"orders"_s);
        window.backfillAction()->trigger();
        OperationResult dry = makeResult(u"backfill"_s, u"ok"_s);
        dry.wouldWrite = wouldWrite;
        engine.finish(engine.requests.at(0).id, u"orders"_s, dry);
    }

    FakeEngine engine;
    TestWindow window{&engine};
};

} // namespace

void TestMainWindow::backfillOverAKeyRange()
{
    // The whole table is counted first, as before.
    BackfillSetup t(1200);
    FakeEngine &engine = t.engine;
    TestWindow &window = t.window;
    QCOMPARE(engine.requests.size(), 1);
    QVERIFY(engine.requests.at(0).options.dryRun);
    QVERIFY(!engine.requests.at(0).options.hasKeyRange());
    BackfillConfirmation *dialog = openBackfillConfirmation(window);
    QVERIFY(dialog);
    QVERIFY(dialog->questionLabel()->text().contains(QLocale().toString(1200)));
    QVERIFY(dialog->keyRange()->isEmpty());
    QVERIFY(dialog->partialNote()->isHidden());
    QCOMPARE(dialog->runButton()->text(), u"Run backfill"_s);

    // A range: the dialog says what a partial backfill leaves alone, and counts it first.
    QTest::keyClicks(dialog->keyRange()->fromField(), u"100"_s);
    QTest::keyClicks(dialog->keyRange()->toField(), u"200"_s);
    QVERIFY(!dialog->partialNote()->isHidden());
    QVERIFY2(dialog->partialNote()->text().contains(u"never moves the checkpoint"_s),
             qPrintable(dialog->partialNote()->text()));
    QCOMPARE(dialog->runButton()->text(), u"Count rows in range"_s);
    QTest::mouseClick(dialog->runButton(), Qt::LeftButton);
    QCOMPARE(engine.requests.size(), 2);
    const OperationOptions counted = engine.requests.at(1).options;
    QVERIFY(counted.dryRun);
    QCOMPARE(counted.keyFrom, QVariantList{qlonglong(100)});
    QCOMPARE(counted.keyTo, QVariantList{qlonglong(200)});
    QTRY_VERIFY(!openBackfillConfirmation(window));

    // The range's own count comes back as a new question, with the range filled in.
    OperationResult dry = makeResult(u"backfill"_s, u"ok"_s);
    dry.wouldWrite = 40;
    engine.finish(engine.requests.at(1).id, u"orders"_s, dry);
    dialog = openBackfillConfirmation(window);
    QVERIFY(dialog);
    const QString question = dialog->questionLabel()->text();
    QVERIFY2(question.contains(u"keys 100 to 200"_s) && question.contains(u"40"_s),
             qPrintable(question));
    QCOMPARE(dialog->keyRange()->fromField()->text(), u"100"_s);
    QCOMPARE(dialog->keyRange()->toField()->text(), u"200"_s);
    QVERIFY(!dialog->partialNote()->isHidden());
    auto *details = dialog->findChild<QLabel *>(u"preflightDetails"_s);
    QVERIFY(details && details->text().contains(u"never moves the checkpoint"_s));
    QCOMPARE(dialog->runButton()->text(), u"Run backfill"_s);
    QTest::mouseClick(dialog->runButton(), Qt::LeftButton);
    QCOMPARE(engine.requests.size(), 3);
    const OperationOptions real = engine.requests.at(2).options;
    QVERIFY(!real.dryRun);
    QCOMPARE(real.keyFrom, QVariantList{qlonglong(100)});
    QCOMPARE(real.keyTo, QVariantList{qlonglong(200)});
    QVERIFY(window.statusBar()->currentMessage().contains(u"keys 100 to 200"_s));
}

void TestMainWindow::backfillDialogRejectsABadRange()
{
    BackfillSetup t;
    FakeEngine &engine = t.engine;
    TestWindow &window = t.window;
    BackfillConfirmation *dialog = openBackfillConfirmation(window);
    QVERIFY(dialog);

    QTest::keyClicks(dialog->keyRange()->toField(), u"x1"_s);
    QVERIFY(!dialog->runButton()->isEnabled());
    const QString error = dialog->keyRange()->errorLabel()->text();
    QVERIFY2(error.startsWith(u"To: "_s) && error.contains(u"not an integer"_s),
             qPrintable(error));
    QVERIFY(dialog->partialNote()->isHidden());
    dialog->keyRange()->toField()->clear();
    QVERIFY(dialog->runButton()->isEnabled());
    QCOMPARE(dialog->runButton()->text(), u"Run backfill"_s);

    // Cancel: nothing runs, and the status bar says so.
    dialog->reject();
    QCOMPARE(engine.requests.size(), 1);
    QVERIFY(window.statusBar()->currentMessage().contains(u"not run"_s));
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
