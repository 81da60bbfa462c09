#pragma once
// The pane under the mappings table for the selected mapping: what it is doing (with a
// progress bar, rate, time left and Cancel while an operation runs), validate's warnings about
// it, its backlog, lag and throughput over time, and its recent runs.

#include "api/types.h"
#include "metricshistory.h"
#include "progressestimate.h"

#include <QWidget>

class QLabel;
class QProgressBar;
class QPushButton;
class QTableView;

namespace tidemark {

class MetricsCharts;
class RunHistoryModel;

class MappingDetail : public QWidget
{
    Q_OBJECT
public:
    explicit MappingDetail(QWidget *parent = nullptr);

    // Shows `status` with the chart samples taken so far; a different mapping than before
    // starts the progress estimate over.
    void showMapping(const MappingStatus &status, const QList<MetricsSample> &samples);
    // No mapping selected.
    void clearMapping();
    QString mapping() const { return m_mapping; }

    MetricsCharts *charts() const { return m_charts; }
    RunHistoryModel *runsModel() const { return m_runs; }
    QTableView *runsView() const { return m_runsView; }
    QProgressBar *progressBar() const { return m_progress; }
    QPushButton *cancelButton() const { return m_cancel; }
    QString progressText() const;
    // validate's warnings about the mapping; hidden when it has none.
    QLabel *warningsLabel() const { return m_warnings; }
    // A captured mapping's change log (cells::captureText); hidden without capture.
    QLabel *captureLabel() const { return m_capture; }

Q_SIGNALS:
    void cancelRequested(const QString &mapping);

private:
    QString m_mapping;
    QLabel *m_title = nullptr;
    QLabel *m_summary = nullptr;
    QLabel *m_warnings = nullptr;
    QLabel *m_capture = nullptr;
    QWidget *m_progressRow = nullptr;
    QProgressBar *m_progress = nullptr;
    QPushButton *m_cancel = nullptr;
    MetricsCharts *m_charts = nullptr;
    RunHistoryModel *m_runs = nullptr;
    QTableView *m_runsView = nullptr;
    ProgressEstimate m_estimate;
    qsizetype m_shownSamples = -1;
    QDateTime m_lastSampleAt;
};

} // namespace tidemark
