#pragma once
// The Drift tab of the selected mapping: the segment map of the latest checks, the differences
// (filterable by kind and reason, searchable by key), the selected one side by side with its
// changed cells marked and explained against the checkpoint, "Check now" (every row, or a key
// range) with progress, repairs that show their statements before they run, and HTML/CSV export.
//
// It talks to the Engine facade only: requests out, drift snapshots back. Every answer names
// its mapping, so a check of another mapping finishing meanwhile is kept for when it is shown.

#include "api/engine.h"
#include "progressestimate.h"

#include <QHash>
#include <QPointer>
#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QTableView;
class QTableWidget;
class QToolButton;

namespace tidemark {

class DriftDiffFilter;
class DriftDiffModel;
class DriftRepairFlow;
class DriftSegmentMap;
class KeyRangeEdit;

class DriftView : public QWidget
{
    Q_OBJECT
public:
    explicit DriftView(QWidget *parent = nullptr);

    // Not owned; null: no project (the view is empty).
    void setEngine(Engine *engine);
    // The selected mapping's snapshot (several a second: cheap unless something changed).
    void showMapping(const MappingStatus &status);
    void clearMapping();
    QString mapping() const { return m_mapping; }

    DriftSegmentMap *segmentMap() const { return m_map; }
    DriftDiffModel *diffModel() const { return m_model; }
    DriftDiffFilter *diffFilter() const { return m_filter; }
    QTableView *diffView() const { return m_list; }
    QTableWidget *sideBySide() const { return m_side; }
    QLabel *explainLabel() const { return m_explain; }
    QLabel *summaryLabel() const { return m_summary; }
    QLabel *historyLabel() const { return m_historyLabel; }
    QLabel *messageLabel() const { return m_message; }
    QComboBox *kindFilter() const { return m_kind; }
    QComboBox *reasonFilter() const { return m_reason; }
    QLineEdit *keySearch() const { return m_search; }
    QPushButton *checkButton() const { return m_check; }
    // The key range Check now compares; empty: every row.
    KeyRangeEdit *keyRange() const { return m_range; }
    QPushButton *cancelButton() const { return m_cancel; }
    QProgressBar *progressBar() const { return m_progress; }
    QPushButton *repairSelectedButton() const { return m_repairSelected; }
    QPushButton *repairAllButton() const { return m_repairAll; }
    QPushButton *exportHtmlButton() const { return m_exportHtml; }
    QPushButton *exportCsvButton() const { return m_exportCsv; }
    QToolButton *olderButton() const { return m_older; }
    QToolButton *newerButton() const { return m_newer; }
    // Which of the recent checks the map shows: 0 the newest.
    int historyIndex() const { return m_historyIndex; }
    void showHistory(int index);
    // Check now: asks the engine to compare the shown mapping (the button, Mapping menu).
    void checkNow();
    // The differences of the shown result as the operator chose them (selected rows' keys).
    QList<QVariantList> selectedKeys() const;

protected:
    // The dry run came back (see DriftRepairFlow): shows its statements and asks whether to
    // run them. The default opens a window-modal dialog without a nested event loop and calls
    // runRepair() on OK; tests override it to answer at once.
    virtual void confirmRepair(const DriftRepairResult &preview);
    void runRepair(const DriftRepairOptions &options);
    // Where to export; empty when cancelled. Tests override it.
    virtual QString chooseExportPath(DriftExportFormat format);

private:
    // driftviewwidgets.cpp: builds and lays out the widgets, and wires their signals.
    void createWidgets();
    void handleChecked(quint64 id, const DriftCheckResult &result);
    void handleProgress(const QString &mapping, const Progress &progress);
    void handleRepairStarted(const QString &mapping);
    void handleRepairFinished(const QString &mapping);
    void handleExplained(quint64 id, const DriftExplainResult &result);
    void handleExported(quint64 id, const DriftExportResult &result);
    void handleSelectionChanged();
    void handleCancelClicked();
    void handleSegmentClicked(int index);
    void requestRepair(bool selectedOnly);
    void requestExport(DriftExportFormat format);
    void applyFilters();
    void showResult();
    void showSideBySide(const RowDifference *difference);
    void updateProgress();
    void updateButtons();
    QList<DriftSummary> historyOf() const;

    QPointer<Engine> m_engine;
    QString m_mapping;
    MappingStatus m_status;
    QHash<QString, DriftCheckResult> m_results;   // the latest check of each mapping
    QHash<QString, quint64> m_checking;           // mapping -> check in flight
    quint64 m_explainId = 0;
    QHash<QString, Progress> m_progressOf;        // while a check or repair runs
    ProgressEstimate m_estimate;
    int m_historyIndex = 0;
    bool m_showingSegment = false;

    QLabel *m_title = nullptr;
    QLabel *m_summary = nullptr;
    QPushButton *m_check = nullptr;
    KeyRangeEdit *m_range = nullptr;
    QPushButton *m_cancel = nullptr;
    QProgressBar *m_progress = nullptr;
    DriftSegmentMap *m_map = nullptr;
    QToolButton *m_older = nullptr;
    QToolButton *m_newer = nullptr;
    QLabel *m_historyLabel = nullptr;
    QComboBox *m_kind = nullptr;
    QComboBox *m_reason = nullptr;
    QLineEdit *m_search = nullptr;
    QPushButton *m_allKeys = nullptr;
    DriftDiffModel *m_model = nullptr;
    DriftDiffFilter *m_filter = nullptr;
    // Repairs: the dry run, its statements shown for confirmation, the forced retry.
    DriftRepairFlow *m_repairFlow = nullptr;
    QTableView *m_list = nullptr;
    QTableWidget *m_side = nullptr;
    QLabel *m_explain = nullptr;
    QPushButton *m_repairSelected = nullptr;
    QPushButton *m_repairAll = nullptr;
    QPushButton *m_exportHtml = nullptr;
    QPushButton *m_exportCsv = nullptr;
    QLabel *m_message = nullptr;
};

} // namespace tidemark
