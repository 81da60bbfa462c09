#include "metricscharts.h"

#include <QChart>
#include <QChartView>
#include <QDateTimeAxis>
#include <QHBoxLayout>
#include <QLineSeries>
#include <QPen>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace tidemark {

namespace {

QChart *makeChart(const QString &title)
{
    auto *chart = new QChart;
    chart->setTitle(title);
    QFont font = chart->titleFont();
    font.setBold(true);
    chart->setTitleFont(font);
    // Animations replay on every update (several a second) and cost the GUI thread for
    // nothing an operator needs.
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->setMargins(QMargins(4, 2, 4, 2));
    chart->legend()->setAlignment(Qt::AlignBottom);
    return chart;
}

QDateTimeAxis *makeTimeAxis()
{
    auto *axis = new QDateTimeAxis;
    axis->setFormat(u"HH:mm:ss"_s);
    axis->setTickCount(4);
    return axis;
}

QValueAxis *makeValueAxis(const QString &title, const QColor &color)
{
    auto *axis = new QValueAxis;
    axis->setTitleText(title);
    axis->setLabelFormat(u"%.0f"_s);
    axis->setMin(0);
    axis->setMax(1);
    axis->setTickCount(5);
    axis->setLinePenColor(color);
    axis->setLabelsColor(color.darker(130));
    return axis;
}

// Upper bound of an axis showing `max`: a little headroom, never zero.
double axisMax(double max)
{
    return max <= 0 ? 1.0 : max * 1.1;
}

} // namespace

MetricsCharts::MetricsCharts(QWidget *parent) : QWidget(parent)
{
    const QColor backlogColor(0x1f, 0x6f, 0xb5);
    const QColor lagColor(0xc0, 0x6a, 0x00);
    const QColor throughputColor(0x2e, 0x8b, 0x57);

    QChart *backlogChart = makeChart(tr("Backlog and lag"));
    m_backlog = new QLineSeries;
    m_backlog->setName(tr("Backlog (rows)"));
    m_backlog->setPen(QPen(backlogColor, 2));
    m_lag = new QLineSeries;
    m_lag->setName(tr("Lag"));
    m_lag->setPen(QPen(lagColor, 2, Qt::DashLine));
    backlogChart->addSeries(m_backlog);
    backlogChart->addSeries(m_lag);
    m_backlogTime = makeTimeAxis();
    m_backlogAxis = makeValueAxis(tr("rows"), backlogColor);
    m_lagAxis = makeValueAxis(tr("lag"), lagColor);
    backlogChart->addAxis(m_backlogTime, Qt::AlignBottom);
    backlogChart->addAxis(m_backlogAxis, Qt::AlignLeft);
    backlogChart->addAxis(m_lagAxis, Qt::AlignRight);
    m_backlog->attachAxis(m_backlogTime);
    m_backlog->attachAxis(m_backlogAxis);
    m_lag->attachAxis(m_backlogTime);
    m_lag->attachAxis(m_lagAxis);

    QChart *throughputChart = makeChart(tr("Throughput"));
    m_throughput = new QLineSeries;
    m_throughput->setName(tr("Rows written per second"));
    m_throughput->setPen(QPen(throughputColor, 2));
    throughputChart->addSeries(m_throughput);
    m_throughputTime = makeTimeAxis();
    m_throughputAxis = makeValueAxis(tr("rows/s"), throughputColor);
    throughputChart->addAxis(m_throughputTime, Qt::AlignBottom);
    throughputChart->addAxis(m_throughputAxis, Qt::AlignLeft);
    m_throughput->attachAxis(m_throughputTime);
    m_throughput->attachAxis(m_throughputAxis);

    m_backlogView = makeView(backlogChart, u"backlogChart"_s);
    m_backlogView->setAccessibleName(tr("Backlog and lag over time"));
    m_throughputView = makeView(throughputChart, u"throughputChart"_s);
    m_throughputView->setAccessibleName(tr("Throughput over time"));

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_backlogView);
    layout->addWidget(m_throughputView);
    clear();
}

QChartView *MetricsCharts::makeView(QChart *chart, const QString &name)
{
    auto *view = new QChartView(chart, this);   // the view owns the chart
    view->setObjectName(name);
    view->setRenderHint(QPainter::Antialiasing);
    view->setMinimumSize(260, 180);
    return view;
}

void MetricsCharts::clear()
{
    setSamples({}, true);
}

void MetricsCharts::setSamples(const QList<MetricsSample> &samples, bool lagInSeconds)
{
    QList<QPointF> backlog;
    QList<QPointF> lag;
    QList<QPointF> throughput;
    backlog.reserve(samples.size());
    throughput.reserve(samples.size());
    double maxBacklog = 0;
    double maxLag = 0;
    double maxRate = 0;
    for (const MetricsSample &s : samples) {
        const double x = double(s.at.toMSecsSinceEpoch());
        if (s.backlog >= 0) {
            backlog.append(QPointF(x, double(s.backlog)));
            maxBacklog = std::max(maxBacklog, double(s.backlog));
        }
        if (s.lag) {
            lag.append(QPointF(x, std::max(0.0, *s.lag)));
            maxLag = std::max(maxLag, *s.lag);
        }
        throughput.append(QPointF(x, std::max(0.0, s.rowsPerSecond)));
        maxRate = std::max(maxRate, s.rowsPerSecond);
    }
    // replace() swaps the points in one go: one repaint instead of one per point.
    m_backlog->replace(backlog);
    m_lag->replace(lag);
    m_throughput->replace(throughput);

    const QDateTime now = QDateTime::currentDateTime();
    QDateTime from = samples.isEmpty() ? now.addSecs(-60) : samples.constFirst().at.toLocalTime();
    QDateTime to = samples.isEmpty() ? now : samples.constLast().at.toLocalTime();
    // A fresh chart spans at least a minute, so the first samples do not fill the width.
    if (from.secsTo(to) < 60)
        from = to.addSecs(-60);
    for (QDateTimeAxis *axis : {m_backlogTime, m_throughputTime})
        axis->setRange(from, to);

    // Every setter relayouts the chart, even with an unchanged value, and this runs on the
    // GUI thread once a second: change only what needs changing.
    const auto setMax = [](QValueAxis *axis, double max) {
        // A range that still fits (not more than 2.5 times too tall) stays: the line moving
        // within a steady axis reads better, and costs no relayout.
        if (axis->max() < max || axis->max() > 2.5 * max + 1) {
            axis->setRange(0, max);
            axis->applyNiceNumbers();
        }
        // Whole numbers on a 0..1 axis print "0, 0, 1, 1": as many decimals as the step
        // between two ticks needs. Checked also when the range stays (the axis's first range
        // is 0..1 with whole-number labels).
        const double step = (axis->max() - axis->min()) / std::max(1, axis->tickCount() - 1);
        const int decimals = step >= 1 ? 0 : std::min(3, int(std::ceil(-std::log10(step))));
        const QString format = u"%.%1f"_s.arg(decimals);
        if (axis->labelFormat() != format)
            axis->setLabelFormat(format);
    };
    setMax(m_backlogAxis, axisMax(maxBacklog));
    setMax(m_lagAxis, axisMax(maxLag));
    setMax(m_throughputAxis, axisMax(maxRate));
    const QString lagTitle = lagInSeconds ? tr("lag (s)") : tr("lag (cursor units)");
    if (m_lagAxis->titleText() != lagTitle) {
        m_lagAxis->setTitleText(lagTitle);
        m_lag->setName(lagInSeconds ? tr("Lag (s)") : tr("Lag (cursor units)"));
    }
}

} // namespace tidemark
