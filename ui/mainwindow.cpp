#include "mainwindow.h"

#include "logview.h"
#include "mappingsmodel.h"

#include <QAction>
#include <QFileDialog>
#include <QFrame>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLocale>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QSortFilterProxyModel>
#include <QStackedWidget>
#include <QStatusBar>
#include <QStyle>
#include <QTableView>
#include <QToolBar>
#include <QToolButton>

#include <optional>

using namespace Qt::StringLiterals;

namespace tidemark {

namespace {

// Long enough to read a result after glancing back at the window.
constexpr int ResultMessageTimeoutMs = 20000;

QString actionVerb(OperationKind kind)
{
    switch (kind) {
    case OperationKind::Prepare: return u"prepare"_s;
    case OperationKind::Sync: return u"sync"_s;
    case OperationKind::Backfill: return u"backfill"_s;
    case OperationKind::Sweep: return u"sweep orphans on"_s;
    case OperationKind::Resync: return u"resync"_s;
    }
    return {};
}

QString describeResult(const QString &mapping, const OperationResult &result)
{
    const RunRecord &run = result.run;
    const QString kind = run.kind.isEmpty() ? u"operation"_s : run.kind;
    const QString reason = run.error.isEmpty() ? run.note : run.error;
    if (result.refused())
        return u"%1: %2 refused: %3"_s.arg(mapping, kind, reason);
    if (run.result == u"skipped")
        return u"%1: %2 skipped: %3"_s.arg(mapping, kind, reason);
    if (run.result == u"cancelled")
        return u"%1: %2 cancelled; the batch in hand was rolled back"_s.arg(mapping, kind);
    if (!result.ok()) {
        QString text = u"%1: %2 failed: %3"_s.arg(mapping, kind, reason);
        if (result.transient)
            text += u" (connection problem; it will be retried)"_s;
        return text;
    }
    const QString seconds = QLocale().toString(run.durationS(), 'f', 1);
    // The engine's note already says what was written and why ("36 rows written in 1
    // batches (...)"); repeating our own count beside it only doubles the line.
    if (!run.note.isEmpty())
        return u"%1: %2 done in %3 s: %4"_s.arg(mapping, kind, seconds, run.note);
    QString text = u"%1: %2 done in %3 s, %4 rows written"_s.arg(
            mapping, kind, seconds, QLocale().toString(run.rowsWritten));
    if (run.rowsDeleted > 0)
        text += u", %1 deleted"_s.arg(QLocale().toString(run.rowsDeleted));
    if (result.orphansFound >= 0 && run.rowsDeleted == 0)
        text += u", %1 orphans found"_s.arg(QLocale().toString(result.orphansFound));
    return text;
}

} // namespace

MainWindow::MainWindow(Engine *engine, QWidget *parent)
    : QMainWindow(parent),
      m_model(new MappingsModel(this)),
      m_proxy(new QSortFilterProxyModel(this)),
      m_logModel(new LogModel({}, LogModel::DefaultMaxRows, this))
{
    setObjectName(u"mainWindow"_s);
    setWindowTitle(u"Tidemark"_s);
    setAccessibleName(u"Tidemark monitor"_s);

    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(MappingsModel::SortRole);
    m_proxy->setSortCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setDynamicSortFilter(true);

    m_table = new QTableView(this);
    // Connected before the view gets the model, so these run before the view reacts to the
    // removal (see handleRowsRemoved()).
    connect(m_proxy, &QAbstractItemModel::rowsAboutToBeRemoved, this,
            &MainWindow::handleRowsAboutToBeRemoved);
    connect(m_proxy, &QAbstractItemModel::rowsRemoved, this, &MainWindow::handleRowsRemoved);
    m_table->setObjectName(u"mappingsTable"_s);
    m_table->setAccessibleName(u"Mappings"_s);
    m_table->setAccessibleDescription(
            u"One row per mapping: its state, backlog, orphans and last sync."_s);
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(MappingsModel::NameColumn, Qt::AscendingOrder);
    m_table->setAlternatingRowColors(true);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setWordWrap(false);
    m_table->setTextElideMode(Qt::ElideRight);
    m_table->verticalHeader()->hide();
    QHeaderView *header = m_table->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::ResizeToContents);
    // The error text can be long; it takes what is left and elides, instead of pushing every
    // number off to the right.
    header->setSectionResizeMode(MappingsModel::LastErrorColumn, QHeaderView::Stretch);
    header->setHighlightSections(false);
    header->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);

    m_hintLabel = new QLabel(
            u"Open a project (File > Open) or run ./run.sh for the demo"_s, this);
    m_hintLabel->setObjectName(u"hintLabel"_s);
    m_hintLabel->setAccessibleName(u"No project open"_s);
    m_hintLabel->setAlignment(Qt::AlignCenter);
    m_hintLabel->setWordWrap(true);
    m_hintLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_stack = new QStackedWidget(this);
    m_stack->addWidget(m_hintLabel);
    m_stack->addWidget(m_table);
    setCentralWidget(m_stack);

    m_logView = new LogView(m_logModel, this);
    addDockWidget(Qt::BottomDockWidgetArea, m_logView);
    // The table is what the window is for; the log gets a strip a dozen lines high.
    resizeDocks({m_logView}, {200}, Qt::Vertical);

    createActions();
    createToolBar();
    createMenus();
    createStatusBar();

    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &MainWindow::handleSelectionChanged);
    connect(m_model, &QAbstractItemModel::modelReset, this, &MainWindow::updateActions);

    resize(1180, 720);
    setEngine(engine);
}

MainWindow::~MainWindow() = default;

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

    m_pauseAction = new QAction(st->standardIcon(QStyle::SP_MediaPause), u"&Pause"_s, this);
    m_pauseAction->setObjectName(u"pauseAction"_s);
    m_pauseAction->setStatusTip(u"Pause or resume the selected mapping's scheduled syncs"_s);
    connect(m_pauseAction, &QAction::triggered, this, &MainWindow::handlePauseTriggered);

    m_cancelAction = new QAction(st->standardIcon(QStyle::SP_BrowserStop), u"&Cancel operation"_s,
                                 this);
    m_cancelAction->setObjectName(u"cancelAction"_s);
    m_cancelAction->setStatusTip(
            u"Stop the selected mapping's running operation after the batch in hand"_s);
    connect(m_cancelAction, &QAction::triggered, this, &MainWindow::handleCancelTriggered);

    m_pauseAllAction = new QAction(u"Pause &all"_s, this);
    m_pauseAllAction->setObjectName(u"pauseAllAction"_s);
    m_pauseAllAction->setStatusTip(u"Pause every mapping's scheduled syncs"_s);
    connect(m_pauseAllAction, &QAction::triggered, this, [this] {
        if (m_engine)
            m_engine->setPaused(QString(), true);
    });

    m_resumeAllAction = new QAction(u"&Resume all"_s, this);
    m_resumeAllAction->setObjectName(u"resumeAllAction"_s);
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
    mapping->addSeparator();
    mapping->addAction(m_pauseAction);
    mapping->addAction(m_cancelAction);
    mapping->addSeparator();
    mapping->addAction(m_pauseAllAction);
    mapping->addAction(m_resumeAllAction);

    QMenu *view = menuBar()->addMenu(u"&View"_s);
    view->setObjectName(u"viewMenu"_s);
    QAction *toggleLog = m_logView->toggleViewAction();
    toggleLog->setText(u"&Log"_s);
    view->addAction(toggleLog);
    QAction *toggleToolBar = m_toolBar->toggleViewAction();
    toggleToolBar->setText(u"&Toolbar"_s);
    view->addAction(toggleToolBar);

    // The same actions on a right click on a row.
    m_table->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_table->addActions({m_syncAction, m_backfillAction, m_sweepAction, m_pauseAction,
                         m_cancelAction});
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
    for (QAction *action : {m_syncAction, m_backfillAction, m_sweepAction, m_pauseAction,
                            m_cancelAction})
        m_toolBar->addAction(action);

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

void MainWindow::createStatusBar()
{
    m_totalsLabel = new QLabel(this);
    m_totalsLabel->setObjectName(u"totalsLabel"_s);
    m_totalsLabel->setAccessibleName(u"Totals"_s);
    m_totalsLabel->setToolTip(
            u"Mappings in the project, the sum of their backlogs, and how many are in error"_s);
    m_connectionsLabel = new QLabel(this);
    m_connectionsLabel->setObjectName(u"connectionsLabel"_s);
    m_connectionsLabel->setAccessibleName(u"Connections"_s);
    statusBar()->setObjectName(u"statusBar"_s);
    auto *separator = new QFrame(this);
    separator->setFrameShape(QFrame::VLine);
    separator->setFrameShadow(QFrame::Sunken);
    m_statusSeparator = separator;
    statusBar()->addPermanentWidget(m_connectionsLabel);
    statusBar()->addPermanentWidget(m_statusSeparator);
    statusBar()->addPermanentWidget(m_totalsLabel);
}

void MainWindow::setEngine(Engine *engine)
{
    if (m_engine)
        disconnect(m_engine, nullptr, this, nullptr);
    m_engine = engine;
    // Ids are per engine; a result from the old one can no longer arrive.
    m_pending.clear();
    m_model->clear();
    m_connectionsLabel->clear();
    m_statusSeparator->setVisible(false);

    if (m_engine) {
        connect(m_engine, &Engine::statusChanged, this, &MainWindow::handleStatusChanged);
        connect(m_engine, &Engine::connectionsChanged, this,
                &MainWindow::handleConnectionsChanged);
        connect(m_engine, &Engine::operationFinished, this,
                &MainWindow::handleOperationFinished);
        // The window does not own the engine; one deleted under it must not leave its rows
        // on screen as if they were still watched.
        connect(m_engine, &QObject::destroyed, this, [this] { setEngine(nullptr); });
        // The engine may have published before we listened; start from what it has now.
        handleStatusChanged(m_engine->mappings());
        handleConnectionsChanged(m_engine->connections());
    }
    updateCentralPage();
    updateTotals();
    updateActions();
}

void MainWindow::setHint(const QString &text)
{
    m_hintLabel->setText(text);
}

QString MainWindow::hint() const
{
    return m_hintLabel->text();
}

void MainWindow::updateCentralPage()
{
    m_stack->setCurrentWidget(m_engine ? static_cast<QWidget *>(m_table)
                                       : static_cast<QWidget *>(m_hintLabel));
}

QString MainWindow::selectedMapping() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return {};
    return rows.constFirst().data(MappingsModel::MappingNameRole).toString();
}

void MainWindow::selectMapping(const QString &name)
{
    const int sourceRow = m_model->rowOf(name);
    if (sourceRow < 0) {
        m_table->clearSelection();
        return;
    }
    const QModelIndex index = m_proxy->mapFromSource(m_model->index(sourceRow, 0));
    m_table->selectionModel()->setCurrentIndex(
            index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_table->scrollTo(index);
}

void MainWindow::handleStatusChanged(const QList<MappingStatus> &mappings)
{
    m_model->setMappings(mappings);
    updateTotals();
    updateActions();
}

void MainWindow::handleConnectionsChanged(const QList<ConnectionStatus> &connections)
{
    QStringList down;
    QStringList tips;
    for (const ConnectionStatus &c : connections) {
        const bool up = c.state == ConnectionState::Connected;
        if (!up && c.state != ConnectionState::NeverConnected)
            down << c.name;
        QString tip = u"%1: %2"_s.arg(c.description.isEmpty() ? c.name : c.description,
                                      connectionStateName(c.state));
        if (!c.lastError.isEmpty())
            tip += u" (%1)"_s.arg(c.lastError);
        tips << tip;
    }
    if (connections.isEmpty())
        m_connectionsLabel->clear();
    else if (down.isEmpty())
        m_connectionsLabel->setText(u"Connections: %1 ok"_s.arg(connections.size()));
    else
        m_connectionsLabel->setText(u"Connections down: %1"_s.arg(down.join(u", "_s)));
    m_connectionsLabel->setToolTip(tips.join(u'\n'));
    m_statusSeparator->setVisible(!connections.isEmpty());
}

void MainWindow::handleOperationFinished(quint64 requestId, const QString &mapping,
                                         const OperationResult &result)
{
    const std::optional<PendingRequest> pending = m_pending.contains(requestId)
            ? std::optional<PendingRequest>(m_pending.take(requestId))
            : std::nullopt;

    // Routine scheduled passes finish every few seconds; showing each would wipe the result
    // of what the operator asked for before it could be read. They are in the log; failures
    // and refusals of any pass still show here.
    if (pending || !result.ok())
        statusBar()->showMessage(describeResult(mapping, result), ResultMessageTimeoutMs);

    // Only what the operator asked for here is offered again with force: a scheduled pass
    // that is refused must not pop up a dialog every interval. A forced request that is still
    // refused is not offered again either.
    if (!result.refused() || !pending || pending->options.force)
        return;
    ForcedRetry retry;
    retry.mapping = mapping;
    retry.kind = pending->kind;
    retry.options = pending->options;
    retry.reason = result.run.error.isEmpty() ? result.run.note : result.run.error;
    askToForce(retry);
}

void MainWindow::askToForce(const ForcedRetry &retry)
{
    auto *box = new QMessageBox(QMessageBox::Warning, u"Operation refused"_s,
                                u"Tidemark refused to %1 '%2'."_s.arg(actionVerb(retry.kind),
                                                                      retry.mapping),
                                QMessageBox::Yes | QMessageBox::No, this);
    box->setObjectName(u"forceConfirmation"_s);
    box->setAttribute(Qt::WA_DeleteOnClose);
    QString question = u"%1\n\n"_s.arg(retry.reason);
    if (retry.kind == OperationKind::Sweep)
        question += u"Sweep anyway? This deletes every mirror row whose key is not in the "
                    u"source table."_s;
    else
        question += u"Run it anyway?"_s;
    box->setInformativeText(question);
    box->setDefaultButton(QMessageBox::No);
    // open(), not exec(): no nested event loop while engine signals keep arriving, and the
    // engine has long moved on; a Yes is simply a new request.
    connect(box, &QMessageBox::finished, this, [this, box, retry] {
        if (box->standardButton(box->clickedButton()) == QMessageBox::Yes)
            retryForced(retry);
    });
    box->open();
}

void MainWindow::retryForced(const ForcedRetry &retry)
{
    OperationOptions options = retry.options;
    options.force = true;
    sendRequest(retry.mapping, retry.kind, options);
}

void MainWindow::handleSelectionChanged()
{
    updateActions();
}

void MainWindow::handleRowsAboutToBeRemoved(const QModelIndex &parent, int first, int last)
{
    // Proxy rows: this runs before the view and its selection model see the removal.
    const QModelIndexList rows = m_table->selectionModel()
            ? m_table->selectionModel()->selectedRows()
            : QModelIndexList();
    const int row = rows.isEmpty() ? -1 : rows.constFirst().row();
    m_selectionRemoved = !parent.isValid() && row >= first && row <= last;
}

void MainWindow::handleRowsRemoved()
{
    // A single-selection view moves the selection to a neighbouring row when the selected one
    // goes. An action meant for the mapping that went would then hit another one; with
    // nothing selected, the actions are disabled instead.
    if (m_selectionRemoved) {
        m_selectionRemoved = false;
        m_table->selectionModel()->clear();
    }
    updateActions();
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
    sendRequest(name, kind, {});
}

void MainWindow::sendRequest(const QString &mapping, OperationKind kind,
                             const OperationOptions &options)
{
    if (!m_engine || !m_model->mapping(mapping))
        return;
    const quint64 id = m_engine->request(mapping, kind, options);
    if (id == 0) {
        // The engine turned it down at once (stopping, or the mapping is gone); it has
        // logged why, and no result will follow.
        statusBar()->showMessage(u"%1: %2 not accepted by the engine; see the log"_s.arg(
                                         mapping, operationName(kind)),
                                 ResultMessageTimeoutMs);
        return;
    }
    m_pending.insert(id, PendingRequest{mapping, kind, options});
    statusBar()->showMessage(u"%1: %2%3 requested"_s.arg(mapping, operationName(kind),
                                                         options.force ? u" (forced)"_s
                                                                       : QString()),
                             ResultMessageTimeoutMs);
}

void MainWindow::updateActions()
{
    const QString name = selectedMapping();
    const MappingStatus *status = m_engine ? m_model->mapping(name) : nullptr;
    const bool selected = status != nullptr;
    m_syncAction->setEnabled(selected);
    m_backfillAction->setEnabled(selected);
    m_sweepAction->setEnabled(selected);
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

QString MainWindow::totalsText() const
{
    if (!m_engine)
        return u"No project"_s;
    const QList<MappingStatus> &rows = m_model->mappings();
    qint64 backlog = 0;
    int measured = 0;
    int errors = 0;
    int waiting = 0;
    for (const MappingStatus &s : rows) {
        if (s.backlog >= 0) {
            backlog += s.backlog;
            ++measured;
        }
        if (s.state == MappingState::Error)
            ++errors;
        else if (s.state == MappingState::Waiting)
            ++waiting;
    }
    QStringList parts;
    parts << (rows.size() == 1 ? u"1 mapping"_s : u"%1 mappings"_s.arg(rows.size()));
    parts << u"backlog %1"_s.arg(measured > 0 ? QLocale().toString(backlog)
                                              : MappingsModel::unknownText());
    parts << u"%1 in error"_s.arg(errors);
    if (waiting > 0)
        parts << u"%1 waiting"_s.arg(waiting);
    return parts.join(u" · "_s);
}

void MainWindow::updateTotals()
{
    m_totalsLabel->setText(totalsText());
}

} // namespace tidemark
