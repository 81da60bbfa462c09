#pragma once
// The monitor's main window: the mappings table, the operator's actions on the selected
// mapping, totals in the status bar and the log dock.
//
// It only calls the Engine facade and reads its snapshots; it never runs a query, so a slow
// database can never freeze it.

#include "api/engine.h"

#include <QHash>
#include <QMainWindow>
#include <QPointer>

class QAction;
class QLabel;
class QSortFilterProxyModel;
class QStackedWidget;
class QTableView;
class QToolBar;

namespace tidemark {

class LogModel;
class LogView;
class MappingsModel;

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
    QTableView *tableView() const { return m_table; }
    LogModel *logModel() const { return m_logModel; }
    QAction *syncAction() const { return m_syncAction; }
    QAction *backfillAction() const { return m_backfillAction; }
    QAction *sweepAction() const { return m_sweepAction; }
    QAction *pauseAction() const { return m_pauseAction; }
    QAction *cancelAction() const { return m_cancelAction; }
    QAction *openAction() const { return m_openAction; }
    QAction *quitAction() const { return m_quitAction; }
    // "3 mappings · backlog 1,204 · 1 in error", as the status bar shows it.
    QString totalsText() const;

Q_SIGNALS:
    // File > Open chose a project file; the application loads it and calls setEngine().
    void openProjectRequested(const QString &path);

protected:
    // An operation this window asked for came back refused (a sweep that would delete too
    // much, for one). The engine does not wait for an answer: a "yes" is a new request.
    struct ForcedRetry
    {
        QString mapping;
        OperationKind kind = OperationKind::Sweep;
        OperationOptions options;   // as first requested; retryForced() sets force
        QString reason;             // the engine's refusal, shown to the operator
    };
    // Asks the operator whether to run it again with force. The default opens a window-modal
    // message box without a nested event loop and calls retryForced() on Yes. Tests override
    // it to answer at once.
    virtual void askToForce(const ForcedRetry &retry);
    void retryForced(const ForcedRetry &retry);

    // File > Open's file chooser; empty when cancelled. Overridable for tests.
    virtual QString chooseProjectFile();

private:
    struct PendingRequest
    {
        QString mapping;
        OperationKind kind = OperationKind::Sync;
        OperationOptions options;
    };

    void createActions();
    void createMenus();
    void createToolBar();
    void createStatusBar();

    void handleStatusChanged(const QList<tidemark::MappingStatus> &mappings);
    void handleConnectionsChanged(const QList<tidemark::ConnectionStatus> &connections);
    void handleOperationFinished(quint64 requestId, const QString &mapping,
                                 const tidemark::OperationResult &result);
    void handleSelectionChanged();
    void handleRowsAboutToBeRemoved(const QModelIndex &parent, int first, int last);
    void handleRowsRemoved();
    void handleOpenTriggered();
    void handlePauseTriggered();
    void handleCancelTriggered();

    void requestForSelected(OperationKind kind);
    void sendRequest(const QString &mapping, OperationKind kind, const OperationOptions &options);
    void updateActions();
    void updateTotals();
    void updateCentralPage();

    QPointer<Engine> m_engine;
    // Requests this window made, by id, so a refusal can be retried with the same options.
    QHash<quint64, PendingRequest> m_pending;
    // The selected mapping is among rows being removed; see handleRowsRemoved().
    bool m_selectionRemoved = false;

    MappingsModel *m_model = nullptr;
    QSortFilterProxyModel *m_proxy = nullptr;
    QStackedWidget *m_stack = nullptr;
    QTableView *m_table = nullptr;
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
    QAction *m_pauseAction = nullptr;
    QAction *m_cancelAction = nullptr;
    QAction *m_pauseAllAction = nullptr;
    QAction *m_resumeAllAction = nullptr;
};

} // namespace tidemark
