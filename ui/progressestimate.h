#pragma once
// Rows done, rate and time left for a running operation, from the progress the engine reports
// in its snapshots (MappingStatus::progress). The engine reports counts, not rates: the rate
// is measured here over the last few seconds, so it follows a backfill that slows down.

#include "api/types.h"

#include <QDateTime>

#include <deque>
#include <optional>

namespace tidemark {

class ProgressEstimate
{
public:
    // The window the rate is averaged over: long enough to smooth batch-sized steps, short
    // enough that "time left" follows a change of pace within seconds.
    static constexpr int WindowMs = 10000;

    // Feeds the snapshot of one mapping; a new operation (or none) starts over.
    void update(const MappingStatus &status,
                const QDateTime &now = QDateTime::currentDateTimeUtc());
    void reset();

    bool running() const { return m_running; }
    qint64 rowsDone() const { return m_rowsDone; }
    qint64 rowsTotal() const { return m_rowsTotal; }   // -1: unknown
    // Rows per second over the window; unset until two samples are apart.
    std::optional<double> rate() const;
    // Seconds left at the current rate; unset without a total or a rate.
    std::optional<double> secondsLeft() const;
    // 0..100, or -1 when the total is unknown.
    int percent() const;
    // "120,000 of 1,000,000 rows · 48,200 rows/s · 18 s left", as the progress bar says it.
    QString text() const;

private:
    struct Point
    {
        QDateTime at;
        qint64 rows = 0;
    };
    bool m_running = false;
    QString m_operation;
    QString m_phase;
    qint64 m_rowsDone = 0;
    qint64 m_rowsTotal = -1;
    std::deque<Point> m_points;
};

} // namespace tidemark
