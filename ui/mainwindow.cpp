#include "mainwindow.h"

#include "connectionsmodel.h"
#include "connectionspanel.h"
#include "driftview.h"
#include "logview.h"
#include "mappingdetail.h"
#include "mappingsmodel.h"
#include "traystatus.h"

#include <QCloseEvent>
#include <QFrame>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTabWidget>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace tidemark {

namespace {

// Settings keys; a rename loses every operator's layout once, so they stay put.
const QString GeometryKey = u"window/geometry"_s;
const QString StateKey = u"window/state"_s;
const QString SplitterKey = u"window/splitter"_s;
const QString ColumnsKey = u"window/mappingColumns"_s;
// Widest a column grows on its own; the operator can widen it further.
constexpr int MaxAutoColumnWidth = 240;

} // namespace

MainWindow::MainWindow(Engine *engine, QWidget *parent)
    : QMainWindow(parent),
      m_model(new MappingsModel(this)),
      m_proxy(new QSortFilterProxyModel(this)),
      m_connectionsModel(new ConnectionsModel(this)),
      m_logModel(new LogModel({}, LogModel::DefaultMaxRows, this))
{
    setObjectName(u"mainWindow"_s);
    setWindowTitle(tr("Tidemark"));
    setAccessibleName(tr("Tidemark monitor"));

    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(MappingsModel::SortRole);
    m_proxy->setSortCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setDynamicSortFilter(true);
    m_proxy->setFilterRole(MappingsModel::SearchTextRole);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);

    m_table = new QTableView(this);
    // Connected before the view gets the model, so these run before the view reacts to the
    // removal (see handleRowsRemoved()).
    connect(m_proxy, &QAbstractItemModel::rowsAboutToBeRemoved, this,
            &MainWindow::handleRowsAboutToBeRemoved);
    connect(m_proxy, &QAbstractItemModel::rowsRemoved, this, &MainWindow::handleRowsRemoved);
    m_table->setObjectName(u"mappingsTable"_s);
    m_table->setAccessibleName(tr("Mappings"));
    m_table->setAccessibleDescription(
            tr("One row per mapping: its state, backlog, orphans and last sync."));
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
    // Interactive, so an operator can widen a column and find it so next time (the widths
    // are saved). They are sized to the first data once; the error text, last, takes what
    // is left and elides instead of pushing the numbers off to the right.
    header->setSectionResizeMode(QHeaderView::Interactive);
    // Narrow by default: the columns grow to their header and their values, and the numbers
    // no longer take the style's 100 px each and push Last error off the screen.
    header->setDefaultSectionSize(60);
    header->setStretchLastSection(true);
    header->setSectionsMovable(true);
    header->setHighlightSections(false);
    // The operator resized a column: from now on the widths are theirs (and saved).
    connect(header, &QHeaderView::sectionResized, this, [this](int logicalIndex) {
        // The stretched last column resizes with the window; that is not the operator.
        if (!m_autoSizing && logicalIndex != MappingsModel::LastErrorColumn)
            m_columnsSized = true;
    });
    header->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);

    m_hintLabel = new QLabel(tr("Open a project (File > Open) or run ./run.sh for the demo"), this);
    m_hintLabel->setObjectName(u"hintLabel"_s);
    m_hintLabel->setAccessibleName(tr("No project open"));
    m_hintLabel->setAlignment(Qt::AlignCenter);
    m_hintLabel->setWordWrap(true);
    m_hintLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_stack = new QStackedWidget(this);
    m_stack->addWidget(m_hintLabel);
    m_mappingsPage = createMappingsPage();
    m_stack->addWidget(m_mappingsPage);
    setCentralWidget(m_stack);

    m_connectionsPanel = new ConnectionsPanel(m_connectionsModel, this);
    addDockWidget(Qt::BottomDockWidgetArea, m_connectionsPanel);
    connect(m_connectionsPanel, &ConnectionsPanel::reconnectRequested, this,
            [this](const QString &connection) {
                if (!m_engine)
                    return;
                m_engine->reconnect(connection);
                statusBar()->showMessage(connection.isEmpty()
                                                 ? tr("Reconnecting every connection that is down")
                                                 : tr("Reconnecting %1 now").arg(connection),
                                         ResultMessageTimeoutMs);
            });

    m_logView = new LogView(m_logModel, this);
    addDockWidget(Qt::BottomDockWidgetArea, m_logView);
    // Connections and log share the bottom strip side by side: the mappings table has a
    // dozen columns and needs the full width; a project has a handful of connections.
    splitDockWidget(m_connectionsPanel, m_logView, Qt::Horizontal);
    resizeDocks({m_logView}, {200}, Qt::Vertical);
    resizeDocks({m_connectionsPanel, m_logView}, {520, 920}, Qt::Horizontal);

    m_tray = new TrayStatus(this);
    connect(m_tray, &TrayStatus::activated, this, [this] {
        showNormal();
        raise();
        activateWindow();
    });

    // Countdowns ("next run in 12 s") move every second, between the engine's snapshots.
    m_countdownTimer = new QTimer(this);
    m_countdownTimer->setInterval(1000);
    connect(m_countdownTimer, &QTimer::timeout, this, &MainWindow::handleCountdownTick);
    m_countdownTimer->start();

    m_preflight = new PreflightFlow(m_model, this);
    connect(m_preflight, &PreflightFlow::messagePosted, this, [this](const QString &text) {
        statusBar()->showMessage(text, ResultMessageTimeoutMs);
    });
    // Through the window's own hooks, which tests override to answer at once.
    connect(m_preflight, &PreflightFlow::preflightFinished, this, &MainWindow::confirmOperation);
    connect(m_preflight, &PreflightFlow::operationRefused, this, &MainWindow::askToForce);

    createActions();
    createToolBar();
    createMenus();
    createStatusBar();

    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &MainWindow::handleSelectionChanged);
    connect(m_model, &QAbstractItemModel::modelReset, this, &MainWindow::updateActions);

    resize(1440, 900);
    setEngine(engine);
    restoreLayout();
}

QWidget *MainWindow::createMappingsPage()
{
    auto *page = new QWidget(this);
    page->setObjectName(u"mappingsPage"_s);

    m_filterField = new QLineEdit(page);
    m_filterField->setObjectName(u"mappingFilter"_s);
    m_filterField->setAccessibleName(tr("Filter mappings"));
    m_filterField->setPlaceholderText(
            tr("Filter mappings by name, connection, table, state or error (Ctrl+F)"));
    m_filterField->setClearButtonEnabled(true);
    connect(m_filterField, &QLineEdit::textChanged, m_proxy,
            &QSortFilterProxyModel::setFilterFixedString);

    m_detail = new MappingDetail(page);
    connect(m_detail, &MappingDetail::cancelRequested, this, [this](const QString &mapping) {
        if (!m_engine)
            return;
        m_engine->cancel(mapping);
        statusBar()->showMessage(tr("%1: cancelling after the batch in hand").arg(mapping),
                                 ResultMessageTimeoutMs);
    });

    auto *top = new QWidget(page);
    auto *topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    topLayout->setSpacing(3);
    topLayout->addWidget(m_filterField);
    topLayout->addWidget(m_table);

    m_splitter = new QSplitter(Qt::Vertical, page);
    m_splitter->setObjectName(u"mainSplitter"_s);
    m_splitter->setChildrenCollapsible(false);
    m_splitter->addWidget(top);
    // The selected mapping's detail: how it runs (Overview) and where its mirror differs
    // from its source (Drift).
    m_drift = new DriftView(page);
    m_detailTabs = new QTabWidget(page);
    m_detailTabs->setObjectName(u"detailTabs"_s);
    m_detailTabs->setDocumentMode(true);
    m_detailTabs->addTab(m_detail, tr("Overview"));
    m_detailTabs->addTab(m_drift, tr("Drift"));
    m_splitter->addWidget(m_detailTabs);
    m_splitter->setStretchFactor(0, 1);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setSizes({260, 360});

    auto *layout = new QVBoxLayout(page);
    layout->setContentsMargins(4, 4, 4, 0);
    layout->addWidget(m_splitter);
    return page;
}

MainWindow::~MainWindow() = default;

void MainWindow::createStatusBar()
{
    m_totalsLabel = new QLabel(this);
    m_totalsLabel->setObjectName(u"totalsLabel"_s);
    m_totalsLabel->setAccessibleName(tr("Totals"));
    m_totalsLabel->setToolTip(
            tr("Mappings in the project, the sum of their backlogs, and how many are in error"));
    m_connectionsLabel = new QLabel(this);
    m_connectionsLabel->setObjectName(u"connectionsLabel"_s);
    m_connectionsLabel->setAccessibleName(tr("Connections"));
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
    if (m_engine) {
        disconnect(m_engine, nullptr, this, nullptr);
        disconnect(m_engine, nullptr, m_preflight, nullptr);
    }
    m_engine = engine;
    m_preflight->setEngine(engine);
    m_model->clear();
    m_connectionsModel->clear();
    m_history.clear();
    m_tray->clear();
    m_detail->clearMapping();
    m_drift->setEngine(engine);
    m_connectionsLabel->clear();
    m_statusSeparator->setVisible(false);

    if (m_engine) {
        connect(m_engine, &Engine::statusChanged, this, &MainWindow::handleStatusChanged);
        connect(m_engine, &Engine::connectionsChanged, this,
                &MainWindow::handleConnectionsChanged);
        connect(m_engine, &Engine::operationFinished, m_preflight,
                &PreflightFlow::handleOperationFinished);
        // The Drift column says "checking…" while a check (scheduled or not) or a repair runs.
        connect(m_engine, &Engine::driftChecked, this, [this](quint64, const DriftCheckResult &r) {
            m_model->setDriftProgress(r.mapping, std::nullopt);
            m_tray->handleDriftChecked(r);
        });
        connect(m_engine, &Engine::driftProgressed, this,
                [this](const QString &mapping, const Progress &p) {
                    m_model->setDriftProgress(mapping, p);
                });
        connect(m_engine, &Engine::driftRepaired, this,
                [this](quint64, const DriftRepairResult &r) {
                    m_model->setDriftProgress(r.mapping, std::nullopt);
                });
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
    m_stack->setCurrentWidget(m_engine ? m_mappingsPage : static_cast<QWidget *>(m_hintLabel));
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
    m_history.record(mappings);
    m_tray->setMappings(mappings);
    if (!m_columnsSized && !mappings.isEmpty())
        growColumnsToContents();
    updateTotals();
    updateActions();
    updateDetail();
}

void MainWindow::updateDetail()
{
    const QString name = selectedMapping();
    const MappingStatus *status = m_engine ? m_model->mapping(name) : nullptr;
    if (!status) {
        if (!m_detail->mapping().isEmpty())
            m_detail->clearMapping();
        if (!m_drift->mapping().isEmpty())
            m_drift->clearMapping();
        return;
    }
    m_detail->showMapping(*status, m_history.samples(name));
    m_drift->showMapping(*status);
}

void MainWindow::growColumnsToContents()
{
    // Values get longer after the first snapshot (a checkpoint appears, counts grow): widen
    // to fit, never narrow (a column that shrinks and grows with the data would make the
    // table jump under the mouse). The last column stretches over what is left.
    QHeaderView *header = m_table->horizontalHeader();
    m_autoSizing = true;
    for (int column = 0; column < MappingsModel::LastErrorColumn; ++column) {
        // QTableView makes sizeHintForColumn() protected; QAbstractItemView's is public.
        const QAbstractItemView *view = m_table;
        // Capped, so one long value (a state with its progress, a composite key) cannot
        // push Last error off the screen.
        // State holds the running operation's progress for a while; it gets less room.
        const int cap = column == MappingsModel::StateColumn ? MaxAutoColumnWidth / 2
                                                               : MaxAutoColumnWidth;
        const int wanted = std::min(
                std::max(view->sizeHintForColumn(column), header->sectionSizeHint(column)), cap);
        if (wanted > header->sectionSize(column))
            header->resizeSection(column, wanted);
    }
    m_autoSizing = false;
}

void MainWindow::handleCountdownTick()
{
    m_model->refreshCountdowns();
}

void MainWindow::handleConnectionsChanged(const QList<ConnectionStatus> &connections)
{
    m_connectionsModel->setConnections(connections);
    m_tray->setConnections(connections);

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
        m_connectionsLabel->setText(tr("Connections: %1 ok").arg(connections.size()));
    else
        m_connectionsLabel->setText(tr("Connections down: %1").arg(down.join(u", "_s)));
    m_connectionsLabel->setToolTip(tips.join(u'\n'));
    m_statusSeparator->setVisible(!connections.isEmpty());
}

void MainWindow::askToForce(const ForcedRetry &retry)
{
    m_preflight->askToForce(retry);
}

void MainWindow::retryForced(const ForcedRetry &retry)
{
    m_preflight->retryForced(retry);
}

void MainWindow::confirmOperation(const Preflight &preflight)
{
    m_preflight->confirmOperation(preflight);
}

void MainWindow::runConfirmed(const Preflight &preflight)
{
    m_preflight->runConfirmed(preflight);
}

void MainWindow::handleSelectionChanged()
{
    updateActions();
    updateDetail();
    m_logView->setCurrentMapping(selectedMapping());
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

QString MainWindow::totalsText() const
{
    if (!m_engine)
        return tr("No project");
    const QList<MappingStatus> &rows = m_model->mappings();
    qint64 backlog = 0;
    int measured = 0;
    int errors = 0;
    int waiting = 0;
    int running = 0;
    int paused = 0;
    qint64 orphans = 0;
    double rate = 0;
    for (const MappingStatus &s : rows) {
        if (s.backlog >= 0) {
            backlog += s.backlog;
            ++measured;
        }
        orphans += s.orphans.value_or(0);
        rate += qMax(0.0, s.rowsPerSecond);
        if (s.state == MappingState::Error)
            ++errors;
        else if (s.state == MappingState::Waiting)
            ++waiting;
        else if (s.state == MappingState::Running)
            ++running;
        else if (s.state == MappingState::Paused)
            ++paused;
    }
    QStringList parts;
    // "1 mapping" reads better than "1 mappings" without an English translation of "%n".
    parts << (rows.size() == 1 ? tr("1 mapping") : tr("%n mappings", nullptr, int(rows.size())));
    parts << tr("backlog %1")
                     .arg(measured > 0 ? QLocale().toString(backlog)
                                       : MappingsModel::unknownText());
    if (orphans > 0)
        parts << tr("orphans %1").arg(QLocale().toString(orphans));
    if (rate > 0)
        parts << tr("%1 rows/s").arg(QLocale().toString(rate, 'f', rate < 10 ? 1 : 0));
    if (running > 0)
        parts << tr("%1 running").arg(running);
    if (paused > 0)
        parts << tr("%1 paused").arg(paused);
    parts << tr("%1 in error").arg(errors);
    if (waiting > 0)
        parts << tr("%1 waiting").arg(waiting);
    return parts.join(u" · "_s);
}

void MainWindow::updateTotals()
{
    m_totalsLabel->setText(totalsText());
}

void MainWindow::saveLayout() const
{
    QSettings settings;
    settings.setValue(GeometryKey, saveGeometry());
    settings.setValue(StateKey, saveState());
    settings.setValue(SplitterKey, m_splitter->saveState());
    settings.setValue(ColumnsKey, m_table->horizontalHeader()->saveState());
}

void MainWindow::restoreLayout()
{
    const QSettings settings;
    if (settings.contains(GeometryKey))
        restoreGeometry(settings.value(GeometryKey).toByteArray());
    if (settings.contains(StateKey))
        restoreState(settings.value(StateKey).toByteArray());
    if (settings.contains(SplitterKey))
        m_splitter->restoreState(settings.value(SplitterKey).toByteArray());
    // Saved widths win over sizing to the first data; a header saved with another column
    // count (an older version) is refused by restoreState and the defaults stay.
    if (settings.contains(ColumnsKey)
        && m_table->horizontalHeader()->restoreState(settings.value(ColumnsKey).toByteArray()))
        m_columnsSized = true;
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveLayout();
    QMainWindow::closeEvent(event);
}

} // namespace tidemark
