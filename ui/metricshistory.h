#pragma once
// What the detail pane's charts draw: per mapping, a bounded series of samples (backlog, lag,
// rows/s) taken from the engine's batched snapshots. The engine keeps no history of these
// numbers, so the window keeps its own, from the moment it started watching.

#include "api/types.h"

#include <QDateTime>
#include <QHash>
#include <QList>

#include <deque>
#include <optional>

namespace tidemark {

struct MetricsSample
{
    QDateTime at;
    qint64 backlog = -1;            // -1: not measured
    std::optional<double> lag;
    double rowsPerSecond = 0;
};

class MetricsHistory
{
public:
    // Snapshots come a few times a second; one sample a second per mapping is plenty for a
    // chart and keeps 10 minutes in 600 samples.
    static constexpr int DefaultCapacity = 600;
    static constexpr int DefaultMinSpacingMs = 1000;

    explicit MetricsHistory(int capacity = DefaultCapacity,
                            int minSpacingMs = DefaultMinSpacingMs);

    // Takes one sample per mapping from a snapshot, unless that mapping's last sample is
    // younger than the spacing. Mappings that are gone are forgotten.
    void record(const QList<MappingStatus> &snapshot,
                const QDateTime &now = QDateTime::currentDateTimeUtc());
    void clear() { m_samples.clear(); }

    QList<MetricsSample> samples(const QString &mapping) const;
    int capacity() const { return m_capacity; }

private:
    const int m_capacity;
    const int m_minSpacingMs;
    QHash<QString, std::deque<MetricsSample>> m_samples;
};

} // namespace tidemark
