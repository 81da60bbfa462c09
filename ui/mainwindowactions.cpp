// MainWindow's actions: built once with their shortcuts and tips, put in the menus, the toolbar
// and the table's context menu, enabled for the selected mapping, and what they do when
// triggered. The window's layout and its engine wiring are in mainwindow.cpp.

#include "mainwindow.h"

#include "connectionspanel.h"
#include "driftview.h"
#include "logview.h"
#include "mappingsmodel.h"

#include <QAction>
#include <QFileDialog>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QStatusBar>
#include <QStyle>
#include <QTabWidget>
#include <QTableView>
#include <QToolBar>

using namespace Qt::StringLiterals;

namespace tidemark {

void MainWindow::createActions()
{
    QStyle *st = style();

    m_openAction = new QAction(st->standardIcon(QStyle::SP_DialogOpenButton),
                               u"&Open project…"_s, this);
    m_openAction->setObjectName(u"openAction"_s);
    m_openAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_O));
    m_openAction->setStatusTip(u"Open a Tidemark project file (tidemark.json)"_s);
    connect(m_openAction, &QAction::triggered, this, &MainWindow::handleOpenTriggered);

    m_quitAction = new QAction(u"&Quit"_s, this);
    m_quitAction->setObjectName(u"quitAction"_s);
    m_quitAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Q));
    m_quitAction->setMenuRole(QAction::QuitRole);
    m_quitAction->setStatusTip(u"Stop the engine and quit"_s);
    connect(m_quitAction, &QAction::triggered, this, &QWidget::close);

    m_syncAction = new QAction(st->standardIcon(QStyle::SP_BrowserReload), u"&Sync now"_s, this);
    m_syncAction->setObjectName(u"syncAction"_s);
    m_syncAction->setShortcut(QKeySequence(Qt::Key_F5));
    m_syncAction->setToolTip(u"Sync now (F5): write the selected mapping's backlog"_s);
    m_syncAction->setStatusTip(u"Run an incremental pass for the selected mapping now"_s);
    connect(m_syncAction, &QAction::triggered, this,
            [this] { requestForSelected(OperationKind::Sync); });

    m_backfillAction = new QAction(st->standardIcon(QStyle::SP_ArrowDown), u"&Backfill"_s, this);
    m_backfillAction->setObjectName(u"backfillAction"_s);
    m_backfillAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_B));
    m_backfillAction->setToolTip(
            u"Backfill (Ctrl+B): copy every source row to the mirror in key order"_s);
    m_backfillAction->setStatusTip(u"Run a full keyset pass for the selected mapping"_s);
    connect(m_backfillAction, &QAction::triggered, this,
            [this] { requestForSelected(OperationKind::Backfill); });

    // No shortcut on purpose: a sweep deletes mirror rows, and a stray key press should not.
    m_sweepAction = new QAction(st->standardIcon(QStyle::SP_TrashIcon), u"S&weep orphans"_s, this);
    m_sweepAction->setObjectName(u"sweepAction"_s);
    m_sweepAction->setToolTip(
            u"Sweep orphans: delete mirror rows whose key is gone from the source"_s);
    m_sweepAction->setStatusTip(u"Run an orphan sweep for the selected mapping"_s);
    connect(m_sweepAction, &QAction::triggered, this,
            [this] { requestForSelected(OperationKind::Sweep); });

    m_checkDriftAction = new QAction(st->standardIcon(QStyle::SP_FileDialogContentsView),
                                     u"Check for &drift"_s, this);
    m_checkDriftAction->setObjectName(u"checkDriftAction"_s);
    m_checkDriftAction->setStatusTip(
            u"Compare the selected mapping's source and mirror row by row (Drift tab)"_s);
    connect(m_checkDriftAction, &QAction::triggered, this, [this] {
        m_detailTabs->setCurrentWidget(m_drift);
        m_drift->checkNow();
    });
    // No shortcut either: a resync deletes orphans first.
    m_resyncAction = new QAction(st->standardIcon(QStyle::SP_DialogResetButton), u"&Resync"_s,
                                 this);
    m_resyncAction->setObjectName(u"resyncAction"_s);
    m_resyncAction->setToolTip(u"Resync: sweep orphans, then backfill"_s);
    m_resyncAction->setStatusTip(u"Sweep orphans, then backfill the selected mapping"_s);
    connect(m_resyncAction, &QAction::triggered, this,
            [this] { requestForSelected(OperationKind::Resync); });

    m_findAction = new QAction(u"&Filter mappings"_s, this);
    m_findAction->setObjectName(u"findAction"_s);
    m_findAction->setShortcut(QKeySequence::Find);
    m_findAction->setStatusTip(u"Type to show only the mappings that match"_s);
    connect(m_findAction, &QAction::triggered, this, [this] {
        m_filterField->setFocus(Qt::ShortcutFocusReason);
        m_filterField->selectAll();
    });
    addAction(m_findAction);

    m_pauseAction = new QAction(st->standardIcon(QStyle::SP_MediaPause), u"&Pause"_s, this);
    m_pauseAction->setObjectName(u"pauseAction"_s);
    m_pauseAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_P));
    m_pauseAction->setStatusTip(u"Pause or resume the selected mapping's scheduled syncs"_s);
    connect(m_pauseAction, &QAction::triggered, this, &MainWindow::handlePauseTriggered);

    m_cancelAction = new QAction(st->standardIcon(QStyle::SP_BrowserStop), u"&Cancel operation"_s,
                                 this);
    m_cancelAction->setObjectName(u"cancelAction"_s);
    m_cancelAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Period));
    m_cancelAction->setStatusTip(
            u"Stop the selected mapping's running operation after the batch in hand"_s);
    connect(m_cancelAction, &QAction::triggered, this, &MainWindow::handleCancelTriggered);

    m_pauseAllAction = new QAction(u"Pause &all"_s, this);
    m_pauseAllAction->setObjectName(u"pauseAllAction"_s);
    m_pauseAllAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P));
    m_pauseAllAction->setStatusTip(u"Pause every mapping's scheduled syncs"_s);
    connect(m_pauseAllAction, &QAction::triggered, this, [this] {
        if (m_engine)
            m_engine->setPaused(QString(), true);
    });

    m_resumeAllAction = new QAction(u"&Resume all"_s, this);
    m_resumeAllAction->setObjectName(u"resumeAllAction"_s);
    m_resumeAllAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_U));
    m_resumeAllAction->setStatusTip(u"Resume every mapping's scheduled syncs"_s);
    connect(m_resumeAllAction, &QAction::triggered, this, [this] {
        if (m_engine)
            m_engine->setPaused(QString(), false);
    });
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(u"&File"_s);
    file->setObjectName(u"fileMenu"_s);
    file->addAction(m_openAction);
    file->addSeparator();
    file->addAction(m_quitAction);

    QMenu *mapping = menuBar()->addMenu(u"&Mapping"_s);
    mapping->setObjectName(u"mappingMenu"_s);
    mapping->addAction(m_syncAction);
    mapping->addAction(m_backfillAction);
    mapping->addAction(m_sweepAction);
    mapping->addAction(m_resyncAction);
    mapping->addAction(m_checkDriftAction);
    mapping->addSeparator();
    mapping->addAction(m_pauseAction);
    mapping->addAction(m_cancelAction);
    mapping->addSeparator();
    mapping->addAction(m_pauseAllAction);
    mapping->addAction(m_resumeAllAction);
    mapping->addSeparator();
    mapping->addAction(m_connectionsPanel->reconnectAction());

    QMenu *view = menuBar()->addMenu(u"&View"_s);
    view->setObjectName(u"viewMenu"_s);
    view->addAction(m_findAction);
    view->addSeparator();
    QAction *toggleLog = m_logView->toggleViewAction();
    toggleLog->setText(u"&Log"_s);
    toggleLog->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    view->addAction(toggleLog);
    QAction *toggleConnections = m_connectionsPanel->toggleViewAction();
    toggleConnections->setText(u"&Connections"_s);
    toggleConnections->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_K));
    view->addAction(toggleConnections);
    QAction *toggleToolBar = m_toolBar->toggleViewAction();
    toggleToolBar->setText(u"&Toolbar"_s);
    view->addAction(toggleToolBar);

    // The same actions on a right click on a row.
    m_table->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_table->addActions({m_syncAction, m_backfillAction, m_sweepAction, m_resyncAction,
                         m_pauseAction, m_cancelAction});
}

void MainWindow::createToolBar()
{
    m_toolBar = addToolBar(u"Mapping"_s);
    m_toolBar->setObjectName(u"mappingToolBar"_s);
    m_toolBar->setAccessibleName(u"Mapping actions"_s);
    m_toolBar->setMovable(false);
    m_toolBar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_toolBar->addAction(m_openAction);
    m_toolBar->addSeparator();
    for (QAction *action : {m_syncAction, m_backfillAction, m_sweepAction, m_resyncAction})
        m_toolBar->addAction(action);
    m_toolBar->addSeparator();
    for (QAction *action : {m_pauseAction, m_cancelAction})
        m_toolBar->addAction(action);
    m_toolBar->addSeparator();
    m_toolBar->addAction(m_pauseAllAction);
    m_toolBar->addAction(m_resumeAllAction);

    // A screen reader reads the button's accessible name; without one it reads the mnemonic
    // text with its ampersand stripped at best.
    for (QAction *action : m_toolBar->actions()) {
        if (QWidget *button = m_toolBar->widgetForAction(action)) {
            QString name = action->text();
            name.remove(u'&');
            button->setAccessibleName(name);
            button->setAccessibleDescription(action->statusTip());
        }
    }
}

QString MainWindow::chooseProjectFile()
{
    return QFileDialog::getOpenFileName(this, u"Open project"_s, QString(),
                                        u"Tidemark projects (*.json);;All files (*)"_s);
}

void MainWindow::handleOpenTriggered()
{
    const QString path = chooseProjectFile();
    if (!path.isEmpty())
        Q_EMIT openProjectRequested(path);
}

void MainWindow::handlePauseTriggered()
{
    const QString name = selectedMapping();
    const MappingStatus *status = m_model->mapping(name);
    if (!m_engine || !status)
        return;
    const bool pause = status->state != MappingState::Paused;
    m_engine->setPaused(name, pause);
    statusBar()->showMessage(pause ? u"%1: pausing"_s.arg(name) : u"%1: resuming"_s.arg(name),
                             ResultMessageTimeoutMs);
}

void MainWindow::handleCancelTriggered()
{
    const QString name = selectedMapping();
    if (!m_engine || name.isEmpty())
        return;
    m_engine->cancel(name);
    statusBar()->showMessage(u"%1: cancelling after the batch in hand"_s.arg(name),
                             ResultMessageTimeoutMs);
}

void MainWindow::requestForSelected(OperationKind kind)
{
    const QString name = selectedMapping();
    if (name.isEmpty())
        return;
    m_preflight->request(name, kind);
}

void MainWindow::updateActions()
{
    const QString name = selectedMapping();
    const MappingStatus *status = m_engine ? m_model->mapping(name) : nullptr;
    const bool selected = status != nullptr;
    m_syncAction->setEnabled(selected);
    m_backfillAction->setEnabled(selected);
    m_sweepAction->setEnabled(selected);
    m_resyncAction->setEnabled(selected);
    m_checkDriftAction->setEnabled(selected);
    m_pauseAction->setEnabled(selected);
    m_cancelAction->setEnabled(selected && status->state == MappingState::Running);

    const bool paused = selected && status->state == MappingState::Paused;
    m_pauseAction->setText(paused ? u"&Resume"_s : u"&Pause"_s);
    m_pauseAction->setIcon(style()->standardIcon(paused ? QStyle::SP_MediaPlay
                                                        : QStyle::SP_MediaPause));
    if (QWidget *button = m_toolBar ? m_toolBar->widgetForAction(m_pauseAction) : nullptr)
        button->setAccessibleName(paused ? u"Resume"_s : u"Pause"_s);

    const bool any = m_engine && m_model->rowCount() > 0;
    m_pauseAllAction->setEnabled(any);
    m_resumeAllAction->setEnabled(any);
}

} // namespace tidemark
