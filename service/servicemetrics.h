#pragma once
// What /metrics reports: gauges read from the engine's latest snapshots, and counters the
// service accumulates from the engine's finished runs (scheduled ones included) since it
// started. Prometheus computes rates from counters, so they only ever grow; a restart starts
// them at zero again, which Prometheus's rate() understands as a counter reset.

#include "api/engine.h"

#include <QByteArray>
#include <QMap>
#include <QObject>

namespace tidemark::service {

class ServiceMetrics final : public QObject
{
public:
    explicit ServiceMetrics(Engine &engine, QObject *parent = nullptr);

    QByteArray render(const QList<MappingStatus> &mappings,
                      const QList<ConnectionStatus> &connections, quint64 authFailures) const;

    // The upper bounds of tidemark_run_duration_seconds' buckets: a sync pass of a few rows
    // takes milliseconds, a backfill of a large table an hour.
    static const QList<double> &durationBounds();

private:
    void count(const QString &operation, const QString &result, double seconds, qint64 rowsWritten);

    struct Histogram
    {
        QList<quint64> buckets; // per bound, not cumulative
        double sum = 0;
        quint64 count = 0;
    };
    QMap<QPair<QString, QString>, quint64> m_runs; // (operation, result) -> runs
    QMap<QString, quint64> m_rowsWritten;          // operation -> rows
    QMap<QString, Histogram> m_durations;          // operation -> durations
};

// The checkpoint's cursor as seconds since the epoch, when it is a date/time (a driver's
// QDateTime, or SQLite's text); nullopt otherwise.
std::optional<double> cursorEpochSeconds(const QVariant &cursor);

} // namespace tidemark::service
