#include "api/types.h"

#include "db/valuecodec.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace tidemark {

QString mappingStateName(MappingState state)
{
    switch (state) {
    case MappingState::Idle: return u"idle"_s;
    case MappingState::Running: return u"running"_s;
    case MappingState::Waiting: return u"waiting"_s;
    case MappingState::Paused: return u"paused"_s;
    case MappingState::Error: return u"error"_s;
    case MappingState::Standby: return u"standby"_s;
    }
    return {};
}

QString connectionStateName(ConnectionState state)
{
    switch (state) {
    case ConnectionState::NeverConnected: return u"never connected"_s;
    case ConnectionState::Connected: return u"connected"_s;
    case ConnectionState::Disconnected: return u"disconnected"_s;
    case ConnectionState::Reconnecting: return u"reconnecting"_s;
    }
    return {};
}

namespace {

QJsonValue countOrNull(qint64 n)
{
    return n < 0 ? QJsonValue(QJsonValue::Null) : QJsonValue(double(n));
}

QJsonValue timeOrNull(const QDateTime &t)
{
    return t.isValid() ? QJsonValue(t.toUTC().toString(Qt::ISODateWithMs))
                       : QJsonValue(QJsonValue::Null);
}

} // namespace

QJsonObject runRecordToJson(const RunRecord &run)
{
    return QJsonObject{
            {u"kind"_s, run.kind},
            {u"started_at"_s, timeOrNull(run.startedAt)},
            {u"finished_at"_s, timeOrNull(run.finishedAt)},
            {u"rows_written"_s, double(run.rowsWritten)},
            {u"rows_deleted"_s, double(run.rowsDeleted)},
            {u"result"_s, run.result},
            {u"error"_s, run.error.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(run.error)},
            {u"note"_s, run.note.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(run.note)},
    };
}

MappingStatus MappingStatus::initial(const MappingConfig &mapping)
{
    MappingStatus s;
    s.name = mapping.name;
    s.source = mapping.source.connection + u':' + mapping.source.table;
    s.mirror = mapping.mirror.connection + u':' + mapping.mirror.table;
    s.hasCursor = mapping.hasCursor();
    return s;
}

void MappingStatus::apply(const StatusMeasurement &m)
{
    sourceRows = m.sourceRows;
    mirrorRows = m.mirrorRows;
    backlog = m.backlog;
    nullCursorRows = m.nullCursorRows;
    orphans = m.orphans;
    orphansMeasuredAt = m.orphansMeasuredAt;
    drift = m.drift;
    capture = m.capture;
    checkpoint = m.checkpoint;
    lag = cursorLag(m.sourceNewestCursor, checkpoint.cursor, &lagInSeconds);
    if (capture && capture->installed) {
        // A captured mapping trails by the age of its oldest change not applied yet.
        lag = capture->oldestPendingAgeS.value_or(0.0);
        lagInSeconds = true;
    }
    if (!lastRun)
        lastRun = m.lastRun;
}

QJsonObject MappingStatus::toJson() const
{
    QJsonObject o;
    o[u"name"_s] = name;
    o[u"state"_s] = mappingStateName(state);
    o[u"source_rows"_s] = countOrNull(sourceRows);
    o[u"mirror_rows"_s] = countOrNull(mirrorRows);
    o[u"backlog"_s] = countOrNull(backlog);
    o[u"orphans"_s] = orphans ? QJsonValue(double(*orphans)) : QJsonValue(QJsonValue::Null);
    if (checkpoint.isNull()) {
        o[u"checkpoint"_s] = QJsonValue::Null;
    } else {
        QJsonArray key;
        for (const QVariant &k : checkpoint.key)
            key.append(displayJson(k));
        o[u"checkpoint"_s] = QJsonObject{{u"cursor"_s, displayJson(checkpoint.cursor)},
                                         {u"key"_s, key}};
    }
    if (capture) {
        // SPEC "status --json", capture: counts of log rows, never differences of numbers.
        QJsonObject c{{u"installed"_s, capture->installed},
                      {u"unnumbered"_s, countOrNull(capture->unnumbered)},
                      {u"pending"_s, countOrNull(capture->pending)},
                      {u"log_rows"_s, countOrNull(capture->logRows)},
                      {u"applied_seq"_s, capture->appliedSeq ? QJsonValue(double(*capture->appliedSeq))
                                                             : QJsonValue(QJsonValue::Null)},
                      {u"oldest_pending_age_s"_s,
                       capture->oldestPendingAgeS ? QJsonValue(*capture->oldestPendingAgeS)
                                                  : QJsonValue(QJsonValue::Null)}};
        if (!capture->problem.isEmpty())
            c[u"problem"_s] = capture->problem;
        o[u"capture"_s] = c;
    }
    o[u"last_run"_s] = lastRun ? QJsonValue(runRecordToJson(*lastRun))
                               : QJsonValue(QJsonValue::Null);
    if (drift) {
        o[u"drift"_s] = QJsonObject{
                {u"checked_at"_s, drift->checkedAt.toUTC().toString(Qt::ISODateWithMs)},
                {u"missing"_s, double(drift->missing)},
                {u"extra"_s, double(drift->extra)},
                {u"changed"_s, double(drift->changed)},
                // Extensions: how many of them nothing scheduled fixes, and the rows compared.
                {u"drift_rows"_s, double(drift->driftRows)},
                {u"source_rows"_s, double(drift->sourceRows)},
                {u"mirror_rows"_s, double(drift->mirrorRows)},
        };
    } else {
        o[u"drift"_s] = QJsonValue::Null;
    }
    // Extensions beyond SPEC's minimum.
    o[u"source"_s] = source;
    o[u"mirror"_s] = mirror;
    o[u"null_cursor_rows"_s] = hasCursor ? QJsonValue(double(nullCursorRows))
                                         : QJsonValue(QJsonValue::Null);
    o[u"rows_per_second"_s] = rowsPerSecond;
    o[u"orphans_measured_at"_s] = timeOrNull(orphansMeasuredAt);
    o[u"last_error"_s] = lastError.isEmpty() ? QJsonValue(QJsonValue::Null)
                                             : QJsonValue(lastError);
    o[u"lag"_s] = lag ? QJsonValue(*lag) : QJsonValue(QJsonValue::Null);
    o[u"warnings"_s] = QJsonArray::fromStringList(warnings);
    o[u"lag_unit"_s] = !lag ? QJsonValue(QJsonValue::Null)
                            : QJsonValue(lagInSeconds ? u"seconds"_s : u"cursor"_s);
    o[u"next_run_at"_s] = timeOrNull(nextRunAt);
    // Only once known: `status` run on its own does not ask the mirror yet, and an absent
    // holder must not read as "no instance runs it".
    if (holder)
        o[u"holder"_s] = holderToJson(holder);
    return o;
}

QJsonValue holderToJson(const std::optional<MappingHolder> &holder)
{
    if (!holder)
        return QJsonValue::Null;
    return QJsonObject{{u"instance"_s, holder->instance},
                       {u"since"_s, timeOrNull(holder->since)},
                       {u"this_instance"_s, holder->self}};
}

QJsonObject ConnectionStatus::toJson() const
{
    return QJsonObject{
            {u"name"_s, name},
            {u"description"_s, description},
            {u"state"_s, connectionStateName(state)},
            {u"since"_s, timeOrNull(since)},
            {u"last_error"_s, lastError.isEmpty() ? QJsonValue(QJsonValue::Null)
                                                  : QJsonValue(lastError)},
            {u"last_error_at"_s, timeOrNull(lastErrorAt)},
            {u"next_attempt_at"_s, timeOrNull(nextAttemptAt)},
            {u"attempts"_s, attempts},
            {u"mappings"_s, QJsonArray::fromStringList(mappings)},
    };
}

} // namespace tidemark
