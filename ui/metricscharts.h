#pragma once
// The detail pane's two charts: backlog and lag over time (two axes), and throughput (rows/s)
// over time, drawn from MetricsHistory samples.

#include "metricshistory.h"

#include <QWidget>

class QChart;
class QChartView;
class QDateTimeAxis;
class QLineSeries;
class QValueAxis;

namespace tidemark {

class MetricsCharts : public QWidget
{
    Q_OBJECT
public:
    explicit MetricsCharts(QWidget *parent = nullptr);

    // Redraws both charts from `samples` (oldest first); `lagInSeconds` names the lag axis.
    void setSamples(const QList<MetricsSample> &samples, bool lagInSeconds);
    void clear();

    QChartView *backlogView() const { return m_backlogView; }
    QChartView *throughputView() const { return m_throughputView; }
    QLineSeries *backlogSeries() const { return m_backlog; }
    QLineSeries *lagSeries() const { return m_lag; }
    QLineSeries *throughputSeries() const { return m_throughput; }

private:
    QChartView *makeView(QChart *chart, const QString &name);

    QChartView *m_backlogView = nullptr;
    QChartView *m_throughputView = nullptr;
    QLineSeries *m_backlog = nullptr;
    QLineSeries *m_lag = nullptr;
    QLineSeries *m_throughput = nullptr;
    QDateTimeAxis *m_backlogTime = nullptr;
    QDateTimeAxis *m_throughputTime = nullptr;
    QValueAxis *m_backlogAxis = nullptr;
    QValueAxis *m_lagAxis = nullptr;
    QValueAxis *m_throughputAxis = nullptr;
};

} // namespace tidemark
