#include "metricshistory.h"

#include <QSet>

namespace tidemark {

MetricsHistory::MetricsHistory(int capacity, int minSpacingMs)
    : m_capacity(qMax(2, capacity)), m_minSpacingMs(qMax(0, minSpacingMs))
{
}

void MetricsHistory::record(const QList<MappingStatus> &snapshot, const QDateTime &now)
{
    QSet<QString> present;
    for (const MappingStatus &s : snapshot) {
        present.insert(s.name);
        std::deque<MetricsSample> &series = m_samples[s.name];
        if (!series.empty() && series.back().at.msecsTo(now) < m_minSpacingMs)
            continue;
        series.push_back(MetricsSample{now, s.backlog, s.lag, s.rowsPerSecond});
        while (int(series.size()) > m_capacity)
            series.pop_front();
    }
    for (auto it = m_samples.begin(); it != m_samples.end();) {
        if (present.contains(it.key()))
            ++it;
        else
            it = m_samples.erase(it);
    }
}

QList<MetricsSample> MetricsHistory::samples(const QString &mapping) const
{
    const auto it = m_samples.constFind(mapping);
    if (it == m_samples.constEnd())
        return {};
    return QList<MetricsSample>(it->begin(), it->end());
}

} // namespace tidemark
