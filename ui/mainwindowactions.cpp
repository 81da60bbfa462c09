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

    m_openAction =
            new QAction(st->standardIcon(QStyle::SP_DialogOpenButton), tr("&Open project…"), this);
    m_openAction->setObjectName(u"openAction"_s);
    m_openAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_O));
    m_openAction->setStatusTip(tr("Open a Tidemark project file (tidemark.json)"));
    connect(m_openAction, &QAction::triggered, this, &MainWindow::handleOpenTriggered);

    m_quitAction = new QAction(tr("&Quit"), this);
    m_quitAction->setObjectName(u"quitAction"_s);
    m_quitAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Q));
    m_quitAction->setMenuRole(QAction::QuitRole);
    m_quitAction->setStatusTip(tr("Stop the engine and quit"));
    connect(m_quitAction, &QAction::triggered, this, &QWidget::close);

    m_syncAction = new QAction(st->standardIcon(QStyle::SP_BrowserReload), tr("&Sync now"), this);
    m_syncAction->setObjectName(u"syncAction"_s);
    m_syncAction->setShortcut(QKeySequence(Qt::Key_F5));
    m_syncAction->setToolTip(tr("Sync now (F5): write the selected mapping's backlog"));
    m_syncAction->setStatusTip(tr("Run an incremental pass for the selected mapping now"));
    connect(m_syncAction, &QAction::triggered, this,
            [this] { requestForSelected(OperationKind::Sync); });

    m_backfillAction = new QAction(st->standardIcon(QStyle::SP_ArrowDown), tr("&Backfill"), this);
    m_backfillAction->setObjectName(u"backfillAction"_s);
    m_backfillAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_B));
    m_backfillAction->setToolTip(
            tr("Backfill (Ctrl+B): copy every source row to the mirror in key order"));
    m_backfillAction->setStatusTip(tr("Run a full keyset pass for the selected mapping"));
    connect(m_backfillAction, &QAction::triggered, this,
            [this] { requestForSelected(OperationKind::Backfill); });

    // No shortcut on purpose: a sweep deletes mirror rows, and a stray key press should not.
    m_sweepAction = new QAction(st->standardIcon(QStyle::SP_TrashIcon), tr("S&weep orphans"), this);
    m_sweepAction->setObjectName(u"sweepAction"_s);
    m_sweepAction->setToolTip(
            tr("Sweep orphans: delete mirror rows whose key is gone from the source"));
    m_sweepAction->setStatusTip(tr("Run an orphan sweep for the selected mapping"));
    connect(m_sweepAction, &QAction::triggered, this,
            [this] { requestForSelected(OperationKind::Sweep); });

    m_checkDriftAction = new QAction(st->standardIcon(QStyle::SP_FileDialogContentsView),
                                     tr("Check for &drift"), this);
    m_checkDriftAction->setObjectName(u"checkDriftAction"_s);
    m_checkDriftAction->setStatusTip(
            tr("Compare the selected mapping's source and mirror row by row (Drift tab)"));
    connect(m_checkDriftAction, &QAction::triggered, this, [this] {
        m_detailTabs->setCurrentWidget(m_drift);
        m_drift->checkNow();
    });
    // No shortcut either: a resync deletes orphans first.
    m_resyncAction =
            new QAction(st->standardIcon(QStyle::SP_DialogResetButton), tr("&Resync"), this);
    m_resyncAction->setObjectName(u"resyncAction"_s);
    m_resyncAction->setToolTip(tr("Resync: sweep orphans, then backfill"));
    m_resyncAction->setStatusTip(tr("Sweep orphans, then backfill the selected mapping"));
    connect(m_resyncAction, &QAction::triggered, this,
            [this] { requestForSelected(OperationKind::Resync); });

    m_findAction = new QAction(tr("&Filter mappings"), this);
    m_findAction->setObjectName(u"findAction"_s);
    m_findAction->setShortcut(QKeySequence::Find);
    m_findAction->setStatusTip(tr("Type to show only the mappings that match"));
    connect(m_findAction, &QAction::triggered, this, [this] {
        m_filterField->setFocus(Qt::ShortcutFocusReason);
        m_filterField->selectAll();
    });
    addAction(m_findAction);

    m_pauseAction = new QAction(st->standardIcon(QStyle::SP_MediaPause), tr("&Pause"), this);
    m_pauseAction->setObjectName(u"pauseAction"_s);
    m_pauseAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_P));
    m_pauseAction->setStatusTip(tr("Pause or resume the selected mapping's scheduled syncs"));
    connect(m_pauseAction, &QAction::triggered, this, &MainWindow::handlePauseTriggered);

    m_cancelAction =
            new QAction(st->standardIcon(QStyle::SP_BrowserStop), tr("&Cancel operation"), this);
    m_cancelAction->setObjectName(u"cancelAction"_s);
    m_cancelAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Period));
    m_cancelAction->setStatusTip(
            tr("Stop the selected mapping's running operation after the batch in hand"));
    connect(m_cancelAction, &QAction::triggered, this, &MainWindow::handleCancelTriggered);

    m_pauseAllAction = new QAction(tr("Pause &all"), this);
    m_pauseAllAction->setObjectName(u"pauseAllAction"_s);
    m_pauseAllAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P));
    m_pauseAllAction->setStatusTip(tr("Pause every mapping's scheduled syncs"));
    connect(m_pauseAllAction, &QAction::triggered, this, [this] {
        if (m_engine)
            m_engine->setPaused(QString(), true);
    });

    m_resumeAllAction = new QAction(tr("&Resume all"), this);
    m_resumeAllAction->setObjectName(u"resumeAllAction"_s);
    m_resumeAllAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_U));
    m_resumeAllAction->setStatusTip(tr("Resume every mapping's scheduled syncs"));
    connect(m_resumeAllAction, &QAction::triggered, this, [this] {
        if (m_engine)
            m_engine->setPaused(QString(), false);
    });
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->setObjectName(u"fileMenu"_s);
    file->addAction(m_openAction);
    file->addSeparator();
    file->addAction(m_quitAction);

    QMenu *mapping = menuBar()->addMenu(tr("&Mapping"));
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

    QMenu *view = menuBar()->addMenu(tr("&View"));
    view->setObjectName(u"viewMenu"_s);
    view->addAction(m_findAction);
    view->addSeparator();
    QAction *toggleLog = m_logView->toggleViewAction();
    toggleLog->setText(tr("&Log"));
    toggleLog->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    view->addAction(toggleLog);
    QAction *toggleConnections = m_connectionsPanel->toggleViewAction();
    toggleConnections->setText(tr("&Connections"));
    toggleConnections->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_K));
    view->addAction(toggleConnections);
    QAction *toggleToolBar = m_toolBar->toggleViewAction();
    toggleToolBar->setText(tr("&Toolbar"));
    view->addAction(toggleToolBar);

    // The same actions on a right click on a row.
    m_table->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_table->addActions({m_syncAction, m_backfillAction, m_sweepAction, m_resyncAction,
                         m_pauseAction, m_cancelAction});
}

void MainWindow::createToolBar()
{
    m_toolBar = addToolBar(tr("Mapping"));
    m_toolBar->setObjectName(u"mappingToolBar"_s);
    m_toolBar->setAccessibleName(tr("Mapping actions"));
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
    return QFileDialog::getOpenFileName(this, tr("Open project"), QString(),
                                        tr("Tidemark projects (*.json);;All files (*)"));
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
    statusBar()->showMessage(pause ? tr("%1: pausing").arg(name) : tr("%1: resuming").arg(name),
                             ResultMessageTimeoutMs);
}

void MainWindow::handleCancelTriggered()
{
    const QString name = selectedMapping();
    if (!m_engine || name.isEmpty())
        return;
    m_engine->cancel(name);
    statusBar()->showMessage(tr("%1: cancelling after the batch in hand").arg(name),
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
    m_pauseAction->setText(paused ? tr("&Resume") : tr("&Pause"));
    m_pauseAction->setIcon(style()->standardIcon(paused ? QStyle::SP_MediaPlay
                                                        : QStyle::SP_MediaPause));
    if (QWidget *button = m_toolBar ? m_toolBar->widgetForAction(m_pauseAction) : nullptr)
        button->setAccessibleName(paused ? tr("Resume") : tr("Pause"));

    const bool any = m_engine && m_model->rowCount() > 0;
    m_pauseAllAction->setEnabled(any);
    m_resumeAllAction->setEnabled(any);
}

} // namespace tidemark
