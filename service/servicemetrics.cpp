#include "servicemetrics.h"

#include "prometheuswriter.h"

#include "db/valuecodec.h"

using namespace Qt::StringLiterals;

#ifndef TIDEMARK_VERSION
#define TIDEMARK_VERSION "unknown"
#endif

namespace tidemark::service {

namespace {

// Every operation the engine runs, so that each counter family is there (at zero) from the
// first scrape: a series that appears only with its first event hides that event from rate().
const QStringList kOperations = {u"sync"_s,   u"backfill"_s, u"sweep"_s,
                                 u"resync"_s, u"diff"_s,     u"repair"_s};

} // namespace

std::optional<double> cursorEpochSeconds(const QVariant &cursor)
{
    QDateTime t;
    switch (cursor.typeId()) {
    case QMetaType::QDateTime: t = cursor.toDateTime(); break;
    case QMetaType::QDate: t = cursor.toDate().startOfDay(Qt::UTC); break;
    case QMetaType::QString: {
        // SQLite keeps date/times as text; a time without an offset is read as UTC, as the
        // engine's lag does (sync/statusprobe.cpp).
        const std::optional<QString> text = normalizedTemporal(cursor.toString());
        if (!text)
            return std::nullopt;
        const QString iso = QString(*text).replace(u' ', u'T');
        t = QDateTime::fromString(iso.left(23), Qt::ISODateWithMs);
        if (!t.isValid() && iso.size() >= 19)
            t = QDateTime::fromString(iso.left(19), Qt::ISODate);
        if (!t.isValid() && iso.size() == 10)
            t = QDate::fromString(iso.left(10), Qt::ISODate).startOfDay(Qt::UTC);
        if (t.isValid() && t.timeSpec() == Qt::LocalTime)
            t.setTimeSpec(Qt::UTC);
        break;
    }
    default: return std::nullopt;
    }
    if (!t.isValid())
        return std::nullopt;
    return t.toMSecsSinceEpoch() / 1000.0;
}

const QList<double> &ServiceMetrics::durationBounds()
{
    static const QList<double> bounds = {0.01, 0.05, 0.1, 0.25, 0.5, 1,    2.5,
                                         5,    10,   30,  60,   300, 1800, 3600};
    return bounds;
}

ServiceMetrics::ServiceMetrics(Engine &engine, QObject *parent)
    : QObject(parent)
{
    for (const QString &op : kOperations) {
        m_rowsWritten[op] = 0;
        m_runs[{op, u"ok"_s}] = 0;
        m_durations[op].buckets.fill(0, durationBounds().size());
    }
    connect(&engine, &Engine::operationFinished, this,
            [this](quint64, const QString &, const OperationResult &r) {
                // A dry run (a pre-flight, or one a client asked for) writes nothing and is no
                // run of the mapping: counted, it would make a refused sweep look like a run.
                if (!r.dryRun)
                    count(r.run.kind, r.run.result, r.run.durationS(), r.run.rowsWritten);
            });
    connect(&engine, &Engine::driftChecked, this, [this](quint64, const DriftCheckResult &r) {
        count(u"diff"_s, r.result, r.summary.durationMs / 1000.0, 0);
    });
    connect(&engine, &Engine::driftRepaired, this, [this](quint64, const DriftRepairResult &r) {
        // A dry run (the pre-flight) writes nothing and is no repair run.
        if (r.options.execute)
            count(u"repair"_s, r.result, 0, r.counts.inserted + r.counts.updated);
    });
}

void ServiceMetrics::count(const QString &operation, const QString &result, double seconds,
                           qint64 rowsWritten)
{
    const QString op = operation.isEmpty() ? u"unknown"_s : operation;
    ++m_runs[{op, result.isEmpty() ? u"unknown"_s : result}];
    m_rowsWritten[op] += quint64(std::max<qint64>(0, rowsWritten));
    Histogram &h = m_durations[op];
    if (h.buckets.isEmpty())
        h.buckets.fill(0, durationBounds().size());
    seconds = std::max(0.0, seconds);
    for (qsizetype i = 0; i < durationBounds().size(); ++i)
        if (seconds <= durationBounds().at(i)) {
            ++h.buckets[i];
            break;
        }
    h.sum += seconds;
    ++h.count;
}

QByteArray ServiceMetrics::render(const QList<MappingStatus> &mappings,
                                  const QList<ConnectionStatus> &connections,
                                  quint64 authFailures) const
{
    PrometheusWriter w;
    w.family("tidemark_mapping_backlog_rows", "gauge",
             "Source rows past the checkpoint: the rows the next incremental pass must write.");
    for (const MappingStatus &s : mappings)
        if (s.backlog >= 0)
            w.sample("tidemark_mapping_backlog_rows", {{"mapping", s.name}}, double(s.backlog));

    w.family("tidemark_mapping_lag_seconds", "gauge",
             "How far the mirror trails the source: the source's newest cursor minus the "
             "checkpoint (date/time cursors), or the age of the oldest change not applied "
             "(trigger capture).");
    for (const MappingStatus &s : mappings)
        if (s.lag && s.lagInSeconds)
            w.sample("tidemark_mapping_lag_seconds", {{"mapping", s.name}}, *s.lag);

    w.family("tidemark_mapping_last_applied_source_timestamp_seconds", "gauge",
             "The checkpoint's cursor as a Unix time: the source time of the newest change "
             "applied to the mirror (date/time cursors only).");
    for (const MappingStatus &s : mappings)
        if (const std::optional<double> t = cursorEpochSeconds(s.checkpoint.cursor))
            w.sample("tidemark_mapping_last_applied_source_timestamp_seconds",
                     {{"mapping", s.name}}, *t);

    w.family("tidemark_mapping_drift_rows", "gauge",
             "Rows that differ between source and mirror at the latest comparison, by kind.");
    for (const MappingStatus &s : mappings) {
        if (!s.drift)
            continue;
        w.sample("tidemark_mapping_drift_rows", {{"mapping", s.name}, {"kind", u"missing"_s}},
                 double(s.drift->missing));
        w.sample("tidemark_mapping_drift_rows", {{"mapping", s.name}, {"kind", u"extra"_s}},
                 double(s.drift->extra));
        w.sample("tidemark_mapping_drift_rows", {{"mapping", s.name}, {"kind", u"changed"_s}},
                 double(s.drift->changed));
    }

    w.family("tidemark_connection_up", "gauge",
             "1 while the connection is connected, 0 otherwise.");
    for (const ConnectionStatus &c : connections)
        w.sample("tidemark_connection_up", {{"connection", c.name}},
                 c.state == ConnectionState::Connected ? 1 : 0);

    w.family("tidemark_rows_written_total", "counter",
             "Rows written to mirrors (upserted or, by repair, inserted and updated), by "
             "operation, since the service started.");
    for (auto it = m_rowsWritten.cbegin(); it != m_rowsWritten.cend(); ++it)
        w.sample("tidemark_rows_written_total", {{"operation", it.key()}}, double(it.value()));

    w.family("tidemark_runs_total", "counter",
             "Finished runs, scheduled or requested, by operation and result, since the "
             "service started.");
    for (auto it = m_runs.cbegin(); it != m_runs.cend(); ++it)
        w.sample("tidemark_runs_total",
                 {{"operation", it.key().first}, {"result", it.key().second}}, double(it.value()));

    w.family("tidemark_run_duration_seconds", "histogram",
             "How long finished runs took, by operation.");
    for (auto it = m_durations.cbegin(); it != m_durations.cend(); ++it) {
        QList<quint64> cumulative;
        quint64 running = 0;
        for (quint64 n : it.value().buckets)
            cumulative << (running += n);
        w.histogram("tidemark_run_duration_seconds", {{"operation", it.key()}}, durationBounds(),
                    cumulative, it.value().sum, it.value().count);
    }

    w.family("tidemark_auth_failures_total", "counter",
             "Requests refused for a missing or wrong bearer token.");
    w.sample("tidemark_auth_failures_total", {}, double(authFailures));

    w.family("tidemark_build_info", "gauge",
             "Always 1; the labels say which build of Tidemark and Qt runs.");
    w.sample("tidemark_build_info",
             {{"version", QString::fromLatin1(TIDEMARK_VERSION)},
              {"qt_version", QString::fromLatin1(qVersion())}},
             1);
    return w.text();
}

} // namespace tidemark::service
