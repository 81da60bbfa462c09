#pragma once
// The monitor's main window: the mappings table (filterable, sortable) over the selected
// mapping's detail pane, the connections and log docks, the operator's actions with their
// pre-flight confirmations, totals in the status bar and the tray icon.
//
// It only calls the Engine facade and reads its snapshots; it never runs a query, so a slow
// database can never freeze it.

#include "api/engine.h"
#include "metricshistory.h"
#include "operationtext.h"
#include "preflightflow.h"

#include <QMainWindow>
#include <QPointer>

class QTimer;

class QAction;
class QLabel;
class QLineEdit;
class QSortFilterProxyModel;
class QSplitter;
class QStackedWidget;
class QTabWidget;
class QTableView;
class QToolBar;

namespace tidemark {

class ConnectionsModel;
class ConnectionsPanel;
class DriftView;
class LogModel;
class LogView;
class MappingDetail;
class MappingsModel;
class TrayStatus;

class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    // `engine` is not owned and may be null (no project open: the window shows a hint).
    explicit MainWindow(Engine *engine = nullptr, QWidget *parent = nullptr);
    ~MainWindow() override;

    // Switches to another engine (or none). The caller stops and deletes the old one after
    // this returns; the window no longer listens to it.
    void setEngine(Engine *engine);
    Engine *engine() const { return m_engine; }

    // The text shown in place of the table while no engine is set.
    void setHint(const QString &text);
    QString hint() const;

    // The mapping the actions apply to; empty when no row is selected.
    QString selectedMapping() const;
    void selectMapping(const QString &name);

    MappingsModel *mappingsModel() const { return m_model; }
    QSortFilterProxyModel *mappingsProxy() const { return m_proxy; }
    QTableView *tableView() const { return m_table; }
    QLineEdit *filterField() const { return m_filterField; }
    LogModel *logModel() const { return m_logModel; }
    LogView *logView() const { return m_logView; }
    ConnectionsModel *connectionsModel() const { return m_connectionsModel; }
    ConnectionsPanel *connectionsPanel() const { return m_connectionsPanel; }
    MappingDetail *detailPane() const { return m_detail; }
    DriftView *driftView() const { return m_drift; }
    QTabWidget *detailTabs() const { return m_detailTabs; }
    TrayStatus *trayStatus() const { return m_tray; }
    const MetricsHistory &metricsHistory() const { return m_history; }
    QAction *syncAction() const { return m_syncAction; }
    QAction *backfillAction() const { return m_backfillAction; }
    QAction *sweepAction() const { return m_sweepAction; }
    QAction *resyncAction() const { return m_resyncAction; }
    QAction *checkDriftAction() const { return m_checkDriftAction; }
    QAction *pauseAllAction() const { return m_pauseAllAction; }
    QAction *resumeAllAction() const { return m_resumeAllAction; }
    QAction *findAction() const { return m_findAction; }
    QAction *pauseAction() const { return m_pauseAction; }
    QAction *cancelAction() const { return m_cancelAction; }
    QAction *openAction() const { return m_openAction; }
    QAction *quitAction() const { return m_quitAction; }
    // "3 mappings · backlog 1,204 · 1 in error", as the status bar shows it.
    QString totalsText() const;

    // Window geometry, dock layout, splitter and column widths (QSettings). The constructor
    // restores them; closing the window saves them.
    void saveLayout() const;
    void restoreLayout();

Q_SIGNALS:
    // File > Open chose a project file; the application loads it and calls setEngine().
    void openProjectRequested(const QString &path);

protected:
    // An operation this window asked for came back refused (see PreflightFlow).
    using ForcedRetry = PreflightFlow::ForcedRetry;
    // Asks the operator whether to run it again with force. The default opens a window-modal
    // message box without a nested event loop and calls retryForced() on Yes. Tests override
    // it to answer at once.
    virtual void askToForce(const ForcedRetry &retry);
    void retryForced(const ForcedRetry &retry);

    // A destructive operation's dry run came back: asks the operator whether to run it for
    // real. The default opens a window-modal message box (no nested event loop) and calls
    // runConfirmed() on Yes. Tests override it to answer at once.
    virtual void confirmOperation(const Preflight &preflight);
    void runConfirmed(const Preflight &preflight);

    void closeEvent(QCloseEvent *event) override;

    // File > Open's file chooser; empty when cancelled. Overridable for tests.
    virtual QString chooseProjectFile();

private:
    // How long a result stays in the status bar: long enough to read it after glancing back
    // at the window.
    static constexpr int ResultMessageTimeoutMs = 20000;

    // mainwindowactions.cpp: the actions, their menus and toolbar, and what they do.
    void createActions();
    void createMenus();
    void createToolBar();
    void createStatusBar();
    QWidget *createMappingsPage();

    void handleStatusChanged(const QList<tidemark::MappingStatus> &mappings);
    void handleConnectionsChanged(const QList<tidemark::ConnectionStatus> &connections);
    void handleSelectionChanged();
    void handleRowsAboutToBeRemoved(const QModelIndex &parent, int first, int last);
    void handleRowsRemoved();
    void handleOpenTriggered();
    void handlePauseTriggered();
    void handleCancelTriggered();
    void handleCountdownTick();
    void growColumnsToContents();
    void updateDetail();

    void requestForSelected(OperationKind kind);
    void updateActions();
    void updateTotals();
    void updateCentralPage();

    QPointer<Engine> m_engine;
    // The requests this window made, their pre-flights and their refusals.
    PreflightFlow *m_preflight = nullptr;
    // The selected mapping is among rows being removed; see handleRowsRemoved().
    bool m_selectionRemoved = false;

    MappingsModel *m_model = nullptr;
    QSortFilterProxyModel *m_proxy = nullptr;
    QStackedWidget *m_stack = nullptr;
    QTableView *m_table = nullptr;
    QLineEdit *m_filterField = nullptr;
    QWidget *m_mappingsPage = nullptr;
    QSplitter *m_splitter = nullptr;
    MappingDetail *m_detail = nullptr;
    DriftView *m_drift = nullptr;
    QTabWidget *m_detailTabs = nullptr;
    ConnectionsModel *m_connectionsModel = nullptr;
    ConnectionsPanel *m_connectionsPanel = nullptr;
    TrayStatus *m_tray = nullptr;
    MetricsHistory m_history;
    QTimer *m_countdownTimer = nullptr;
    // The column widths are sized to the first data once, unless the settings had some.
    bool m_columnsSized = false;
    bool m_autoSizing = false;   // growColumnsToContents() is resizing, not the operator
    QLabel *m_hintLabel = nullptr;
    QToolBar *m_toolBar = nullptr;
    QLabel *m_totalsLabel = nullptr;
    QLabel *m_connectionsLabel = nullptr;
    QWidget *m_statusSeparator = nullptr;   // shown only beside connection text
    LogModel *m_logModel = nullptr;
    LogView *m_logView = nullptr;

    QAction *m_openAction = nullptr;
    QAction *m_quitAction = nullptr;
    QAction *m_syncAction = nullptr;
    QAction *m_backfillAction = nullptr;
    QAction *m_sweepAction = nullptr;
    QAction *m_resyncAction = nullptr;
    QAction *m_checkDriftAction = nullptr;
    QAction *m_findAction = nullptr;
    QAction *m_pauseAction = nullptr;
    QAction *m_cancelAction = nullptr;
    QAction *m_pauseAllAction = nullptr;
    QAction *m_resumeAllAction = nullptr;
};

} // namespace tidemark
