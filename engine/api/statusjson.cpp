#include "api/statusjson.h"

#include "api/jsoncodec_internal.h"
#include "db/valuecodec.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace tidemark::statusjson {

using jsoncodec::countOrNull;
using jsoncodec::Reader;
using jsoncodec::textOrNull;
using jsoncodec::timeOrNull;
using jsoncodec::u64;

namespace {

QString valueClassName(ValueClass c)
{
    switch (c) {
    case ValueClass::Integer: return u"integer"_s;
    case ValueClass::Decimal: return u"decimal"_s;
    case ValueClass::Real: return u"real"_s;
    case ValueClass::Text: return u"text"_s;
    case ValueClass::Blob: return u"blob"_s;
    case ValueClass::Boolean: return u"boolean"_s;
    case ValueClass::Date: return u"date"_s;
    case ValueClass::Timestamp: return u"timestamp"_s;
    case ValueClass::TimestampTz: return u"timestamptz"_s;
    case ValueClass::Time: return u"time"_s;
    case ValueClass::Json: return u"json"_s;
    case ValueClass::Unknown: return u"unknown"_s;
    }
    return u"unknown"_s;
}

QJsonObject encodeKeyRange(const KeyRange &r)
{
    return QJsonObject{{u"lo"_s, encodeTypedList(r.lo)},
                       {u"hi"_s, encodeTypedList(r.hi)},
                       {u"lo_inclusive"_s, r.loInclusive}};
}

QJsonObject encodeDrift(const DriftSummary &d, Detail detail)
{
    QJsonObject o{
            {u"checked_at"_s, d.checkedAt.toUTC().toString(Qt::ISODateWithMs)},
            {u"missing"_s, double(d.missing)},
            {u"extra"_s, double(d.extra)},
            {u"changed"_s, double(d.changed)},
            // Extensions: how many of them nothing scheduled fixes, and the rows compared.
            {u"drift_rows"_s, double(d.driftRows)},
            {u"source_rows"_s, double(d.sourceRows)},
            {u"mirror_rows"_s, double(d.mirrorRows)},
    };
    if (detail == Detail::Full) {
        o[u"duration_ms"_s] = double(d.durationMs);
        o[u"key_from"_s] = encodeTypedList(d.keyFrom);
        o[u"key_to"_s] = encodeTypedList(d.keyTo);
        QJsonArray segments;
        for (const DriftSegment &s : d.segments)
            segments.append(QJsonObject{{u"range"_s, encodeKeyRange(s.range)},
                                        {u"source_rows"_s, double(s.sourceRows)},
                                        {u"mirror_rows"_s, double(s.mirrorRows)},
                                        {u"source_sum"_s, u64(s.sourceSum)},
                                        {u"mirror_sum"_s, u64(s.mirrorSum)}});
        o[u"segments"_s] = segments;
    }
    return o;
}

QJsonObject encodeCapture(const CaptureStatus &c, Detail detail)
{
    // SPEC "status --json", capture: counts of log rows, never differences of numbers.
    QJsonObject o{{u"installed"_s, c.installed},
                  {u"unnumbered"_s, countOrNull(c.unnumbered)},
                  {u"pending"_s, countOrNull(c.pending)},
                  {u"log_rows"_s, countOrNull(c.logRows)},
                  {u"applied_seq"_s,
                   c.appliedSeq ? QJsonValue(double(*c.appliedSeq)) : QJsonValue(QJsonValue::Null)},
                  {u"oldest_pending_age_s"_s,
                   c.oldestPendingAgeS ? QJsonValue(*c.oldestPendingAgeS)
                                       : QJsonValue(QJsonValue::Null)}};
    if (!c.problem.isEmpty())
        o[u"problem"_s] = c.problem;
    if (!c.attention.isEmpty())
        o[u"attention"_s] = c.attention;
    if (detail == Detail::Full)
        o[u"sequencer"_s] = c.sequencer;
    return o;
}

std::optional<ValueClass> valueClassFromName(const QString &name)
{
    for (int i = 0; i <= int(ValueClass::Unknown); ++i)
        if (valueClassName(ValueClass(i)) == name)
            return ValueClass(i);
    return std::nullopt;
}

std::optional<RunRecord> decodeRunAt(const QJsonObject &o, QString *error, const QString &path)
{
    Reader r(error, path);
    RunRecord run;
    run.kind = r.text(o, u"kind"_s, false);
    run.startedAt = r.time(o, u"started_at"_s);
    run.finishedAt = r.time(o, u"finished_at"_s);
    run.rowsWritten = r.count(o, u"rows_written"_s, 0);
    run.rowsDeleted = r.count(o, u"rows_deleted"_s, 0);
    run.result = r.text(o, u"result"_s, false);
    run.error = r.text(o, u"error"_s);
    run.note = r.text(o, u"note"_s);
    if (!r.ok())
        return std::nullopt;
    return run;
}

std::optional<DriftSummary> decodeDrift(const QJsonObject &o, QString *error, const QString &path)
{
    Reader r(error, path);
    DriftSummary d;
    d.checkedAt = r.time(o, u"checked_at"_s);
    d.missing = r.count(o, u"missing"_s, 0);
    d.extra = r.count(o, u"extra"_s, 0);
    d.changed = r.count(o, u"changed"_s, 0);
    d.driftRows = r.count(o, u"drift_rows"_s, 0);
    d.sourceRows = r.count(o, u"source_rows"_s, 0);
    d.mirrorRows = r.count(o, u"mirror_rows"_s, 0);
    d.durationMs = r.count(o, u"duration_ms"_s, 0);
    d.keyFrom = r.typedList(o, u"key_from"_s);
    d.keyTo = r.typedList(o, u"key_to"_s);
    const QJsonArray segments = r.array(o, u"segments"_s);
    for (qsizetype i = 0; i < segments.size() && r.ok(); ++i) {
        const QJsonObject so = segments.at(i).toObject();
        Reader sr(error, r.path(u"segments[%1]"_s.arg(i)));
        DriftSegment s;
        const QJsonObject range = sr.object(so, u"range"_s);
        Reader rr(error, sr.path(u"range"_s));
        s.range.lo = rr.typedList(range, u"lo"_s);
        s.range.hi = rr.typedList(range, u"hi"_s);
        s.range.loInclusive = rr.boolean(range, u"lo_inclusive"_s);
        s.sourceRows = sr.count(so, u"source_rows"_s, 0);
        s.mirrorRows = sr.count(so, u"mirror_rows"_s, 0);
        s.sourceSum = sr.unsigned64(so, u"source_sum"_s);
        s.mirrorSum = sr.unsigned64(so, u"mirror_sum"_s);
        r.adopt(sr.ok() && rr.ok());
        d.segments << s;
    }
    if (!r.ok())
        return std::nullopt;
    return d;
}

std::optional<CaptureStatus> decodeCapture(const QJsonObject &o, QString *error,
                                           const QString &path)
{
    Reader r(error, path);
    CaptureStatus c;
    c.installed = r.boolean(o, u"installed"_s);
    c.problem = r.text(o, u"problem"_s);
    c.attention = r.text(o, u"attention"_s);
    c.unnumbered = r.count(o, u"unnumbered"_s);
    c.pending = r.count(o, u"pending"_s);
    c.logRows = r.count(o, u"log_rows"_s);
    const qint64 applied = r.count(o, u"applied_seq"_s, std::numeric_limits<qint64>::min());
    if (applied != std::numeric_limits<qint64>::min())
        c.appliedSeq = applied;
    c.oldestPendingAgeS = r.number(o, u"oldest_pending_age_s"_s);
    c.sequencer = r.boolean(o, u"sequencer"_s, true);
    if (!r.ok())
        return std::nullopt;
    return c;
}

} // namespace

QJsonObject encodeRun(const RunRecord &run)
{
    return QJsonObject{
            {u"kind"_s, run.kind},
            {u"started_at"_s, timeOrNull(run.startedAt)},
            {u"finished_at"_s, timeOrNull(run.finishedAt)},
            {u"rows_written"_s, double(run.rowsWritten)},
            {u"rows_deleted"_s, double(run.rowsDeleted)},
            {u"result"_s, run.result},
            {u"error"_s, textOrNull(run.error)},
            {u"note"_s, textOrNull(run.note)},
    };
}

QJsonObject encodeMapping(const MappingStatus &s, Detail detail)
{
    QJsonObject o;
    o[u"name"_s] = s.name;
    o[u"state"_s] = mappingStateName(s.state);
    o[u"source_rows"_s] = countOrNull(s.sourceRows);
    o[u"mirror_rows"_s] = countOrNull(s.mirrorRows);
    o[u"backlog"_s] = countOrNull(s.backlog);
    o[u"orphans"_s] = s.orphans ? QJsonValue(double(*s.orphans)) : QJsonValue(QJsonValue::Null);
    if (s.checkpoint.isNull()) {
        o[u"checkpoint"_s] = QJsonValue::Null;
    } else {
        QJsonArray key;
        for (const QVariant &k : s.checkpoint.key)
            key.append(displayJson(k));
        o[u"checkpoint"_s] =
                QJsonObject{{u"cursor"_s, displayJson(s.checkpoint.cursor)}, {u"key"_s, key}};
    }
    if (s.capture)
        o[u"capture"_s] = encodeCapture(*s.capture, detail);
    o[u"last_run"_s] = s.lastRun ? QJsonValue(encodeRun(*s.lastRun)) : QJsonValue(QJsonValue::Null);
    o[u"drift"_s] =
            s.drift ? QJsonValue(encodeDrift(*s.drift, detail)) : QJsonValue(QJsonValue::Null);
    // Extensions beyond SPEC's minimum.
    o[u"source"_s] = s.source;
    o[u"mirror"_s] = s.mirror;
    o[u"null_cursor_rows"_s] =
            s.hasCursor ? QJsonValue(double(s.nullCursorRows)) : QJsonValue(QJsonValue::Null);
    o[u"rows_per_second"_s] = s.rowsPerSecond;
    o[u"orphans_measured_at"_s] = timeOrNull(s.orphansMeasuredAt);
    o[u"rows_counted_at"_s] = timeOrNull(s.rowsCountedAt);
    o[u"last_error"_s] = textOrNull(s.lastError);
    o[u"lag"_s] = s.lag ? QJsonValue(*s.lag) : QJsonValue(QJsonValue::Null);
    o[u"warnings"_s] = QJsonArray::fromStringList(s.warnings);
    o[u"lag_unit"_s] = !s.lag ? QJsonValue(QJsonValue::Null)
                              : QJsonValue(s.lagInSeconds ? u"seconds"_s : u"cursor"_s);
    o[u"next_run_at"_s] = timeOrNull(s.nextRunAt);
    // Only once known (run/mappinghold.h): `status` on its own may not have asked the mirror,
    // and an absent holder must not read as "no instance runs it".
    if (s.holder)
        o[u"holder"_s] = QJsonObject{{u"instance"_s, s.holder->instance},
                                     {u"since"_s, timeOrNull(s.holder->since)},
                                     {u"this_instance"_s, s.holder->self}};
    if (detail == Detail::Cli)
        return o;

    // Full: what a remote client needs to rebuild the snapshot exactly.
    o[u"has_cursor"_s] = s.hasCursor;
    o[u"operation"_s] = textOrNull(s.operation);
    o[u"progress"_s] = QJsonObject{{u"phase"_s, s.progress.phase},
                                   {u"rows_done"_s, double(s.progress.rowsDone)},
                                   {u"rows_total"_s, countOrNull(s.progress.rowsTotal)}};
    o[u"last_sync_at"_s] = timeOrNull(s.lastSyncAt);
    // The checkpoint as displayed loses its types (an integer 7 and a text "7" print alike);
    // this form keeps them, as the state table does.
    o[u"checkpoint_typed"_s] = s.checkpoint.cursor.isValid() || !s.checkpoint.key.isEmpty()
            ? QJsonValue(QJsonObject{{u"cursor"_s, encodeTypedValue(s.checkpoint.cursor)},
                                     {u"key"_s, encodeTypedList(s.checkpoint.key)}})
            : QJsonValue(QJsonValue::Null);
    QJsonArray keyColumns;
    for (const ColumnInfo &c : s.keyColumns)
        keyColumns.append(QJsonObject{{u"name"_s, c.name},
                                      {u"declared_type"_s, c.declaredType},
                                      {u"value_class"_s, valueClassName(c.valueClass)},
                                      {u"nullable"_s, c.nullable},
                                      {u"precision"_s, c.precision},
                                      {u"scale"_s, c.scale}});
    o[u"key_columns"_s] = keyColumns;
    QJsonArray history;
    for (const RunRecord &run : s.history)
        history.append(encodeRun(run));
    o[u"history"_s] = history;
    return o;
}

QJsonObject encodeConnection(const ConnectionStatus &c)
{
    return QJsonObject{
            {u"name"_s, c.name},
            {u"description"_s, c.description},
            {u"state"_s, connectionStateName(c.state)},
            {u"since"_s, timeOrNull(c.since)},
            {u"last_error"_s, textOrNull(c.lastError)},
            {u"last_error_at"_s, timeOrNull(c.lastErrorAt)},
            {u"next_attempt_at"_s, timeOrNull(c.nextAttemptAt)},
            {u"attempts"_s, c.attempts},
            {u"mappings"_s, QJsonArray::fromStringList(c.mappings)},
    };
}

QJsonObject encodeDocument(const QList<MappingStatus> &mappings,
                           const QList<ConnectionStatus> &connections, Detail detail)
{
    QJsonArray list;
    for (const MappingStatus &s : mappings)
        list.append(encodeMapping(s, detail));
    QJsonArray connectionList;
    for (const ConnectionStatus &c : connections)
        connectionList.append(encodeConnection(c));
    return QJsonObject{{u"mappings"_s, list}, {u"connections"_s, connectionList}};
}

QJsonObject encodeDriftSummary(const DriftSummary &summary)
{
    return encodeDrift(summary, Detail::Full);
}

std::optional<DriftSummary> decodeDriftSummary(const QJsonObject &json, QString *error,
                                               const QString &path)
{
    return decodeDrift(json, error, path);
}

std::optional<RunRecord> decodeRun(const QJsonObject &json, QString *error)
{
    return decodeRunAt(json, error, u"run"_s);
}

namespace {

std::optional<MappingStatus> decodeMappingAt(const QJsonObject &o, QString *error,
                                             const QString &path)
{
    Reader r(error, path);
    MappingStatus s;
    s.name = r.text(o, u"name"_s, false);
    const QString state = r.text(o, u"state"_s, false);
    bool known = false;
    for (MappingState candidate : {MappingState::Idle, MappingState::Running, MappingState::Waiting,
                                   MappingState::Paused, MappingState::Error, MappingState::Standby})
        if (mappingStateName(candidate) == state) {
            s.state = candidate;
            known = true;
        }
    if (!known)
        r.fail(u"state"_s, u"'%1' is not a mapping state"_s.arg(state));
    s.source = r.text(o, u"source"_s);
    s.mirror = r.text(o, u"mirror"_s);
    s.sourceRows = r.count(o, u"source_rows"_s);
    s.mirrorRows = r.count(o, u"mirror_rows"_s);
    s.backlog = r.count(o, u"backlog"_s);
    s.hasCursor = r.boolean(o, u"has_cursor"_s, !o.value(u"null_cursor_rows"_s).isNull());
    s.nullCursorRows = r.count(o, u"null_cursor_rows"_s, 0);
    const qint64 orphans = r.count(o, u"orphans"_s, std::numeric_limits<qint64>::min());
    if (orphans != std::numeric_limits<qint64>::min())
        s.orphans = orphans;
    s.orphansMeasuredAt = r.time(o, u"orphans_measured_at"_s);
    s.rowsCountedAt = r.time(o, u"rows_counted_at"_s);
    const QJsonObject typed = r.object(o, u"checkpoint_typed"_s);
    if (!typed.isEmpty()) {
        Reader cr(error, r.path(u"checkpoint_typed"_s));
        s.checkpoint.cursor = decodeTypedValue(typed.value(u"cursor"_s));
        s.checkpoint.key = cr.typedList(typed, u"key"_s);
        r.adopt(cr.ok());
    }
    const QJsonValue lastRun = o.value(u"last_run"_s);
    if (lastRun.isObject()) {
        s.lastRun = decodeRunAt(lastRun.toObject(), error, r.path(u"last_run"_s));
        r.adopt(s.lastRun.has_value());
    }
    s.lastSyncAt = r.time(o, u"last_sync_at"_s);
    s.rowsPerSecond = r.number(o, u"rows_per_second"_s).value_or(0.0);
    s.lastError = r.text(o, u"last_error"_s);
    s.nextRunAt = r.time(o, u"next_run_at"_s);
    s.lag = r.number(o, u"lag"_s);
    s.lagInSeconds = r.text(o, u"lag_unit"_s) == u"seconds";
    s.warnings = r.texts(o, u"warnings"_s);
    s.operation = r.text(o, u"operation"_s);
    const QJsonObject progress = r.object(o, u"progress"_s);
    s.progress.phase = progress.value(u"phase"_s).toString();
    s.progress.rowsDone = qint64(progress.value(u"rows_done"_s).toDouble());
    s.progress.rowsTotal = progress.value(u"rows_total"_s).isDouble()
            ? qint64(progress.value(u"rows_total"_s).toDouble())
            : -1;
    const QJsonArray keyColumns = r.array(o, u"key_columns"_s);
    for (qsizetype i = 0; i < keyColumns.size(); ++i) {
        const QJsonObject c = keyColumns.at(i).toObject();
        ColumnInfo info;
        info.name = c.value(u"name"_s).toString();
        info.declaredType = c.value(u"declared_type"_s).toString();
        const QString cls = c.value(u"value_class"_s).toString();
        const std::optional<ValueClass> vc = valueClassFromName(cls);
        if (!vc)
            r.fail(u"key_columns[%1].value_class"_s.arg(i),
                   u"'%1' is not a value class"_s.arg(cls));
        info.valueClass = vc.value_or(ValueClass::Unknown);
        info.nullable = c.value(u"nullable"_s).toBool(true);
        info.precision = c.value(u"precision"_s).toInt();
        info.scale = c.value(u"scale"_s).toInt();
        s.keyColumns << info;
    }
    const QJsonValue drift = o.value(u"drift"_s);
    if (drift.isObject()) {
        s.drift = decodeDrift(drift.toObject(), error, r.path(u"drift"_s));
        r.adopt(s.drift.has_value());
    }
    const QJsonValue capture = o.value(u"capture"_s);
    if (capture.isObject()) {
        s.capture = decodeCapture(capture.toObject(), error, r.path(u"capture"_s));
        r.adopt(s.capture.has_value());
    }
    const QJsonValue holder = o.value(u"holder"_s);
    if (holder.isObject()) {
        Reader hr(error, r.path(u"holder"_s));
        const QJsonObject h = holder.toObject();
        MappingHolder decoded;
        decoded.instance = hr.text(h, u"instance"_s, false);
        decoded.since = hr.time(h, u"since"_s);
        decoded.self = hr.boolean(h, u"this_instance"_s);
        r.adopt(hr.ok());
        s.holder = decoded;
    }
    const QJsonArray history = r.array(o, u"history"_s);
    for (qsizetype i = 0; i < history.size() && r.ok(); ++i) {
        std::optional<RunRecord> run =
                decodeRunAt(history.at(i).toObject(), error, r.path(u"history[%1]"_s.arg(i)));
        r.adopt(run.has_value());
        if (run)
            s.history << *run;
    }
    if (!r.ok())
        return std::nullopt;
    return s;
}

std::optional<ConnectionStatus> decodeConnectionAt(const QJsonObject &o, QString *error,
                                                   const QString &path)
{
    Reader r(error, path);
    ConnectionStatus c;
    c.name = r.text(o, u"name"_s, false);
    c.description = r.text(o, u"description"_s);
    const QString state = r.text(o, u"state"_s, false);
    bool known = false;
    for (ConnectionState candidate : {ConnectionState::NeverConnected, ConnectionState::Connected,
                                      ConnectionState::Disconnected, ConnectionState::Reconnecting})
        if (connectionStateName(candidate) == state) {
            c.state = candidate;
            known = true;
        }
    if (!known)
        r.fail(u"state"_s, u"'%1' is not a connection state"_s.arg(state));
    c.since = r.time(o, u"since"_s);
    c.lastError = r.text(o, u"last_error"_s);
    c.lastErrorAt = r.time(o, u"last_error_at"_s);
    c.nextAttemptAt = r.time(o, u"next_attempt_at"_s);
    c.attempts = int(r.count(o, u"attempts"_s, 0));
    c.mappings = r.texts(o, u"mappings"_s);
    if (!r.ok())
        return std::nullopt;
    return c;
}

} // namespace

std::optional<MappingStatus> decodeMapping(const QJsonObject &json, QString *error)
{
    return decodeMappingAt(json, error, u"mapping"_s);
}

std::optional<ConnectionStatus> decodeConnection(const QJsonObject &json, QString *error)
{
    return decodeConnectionAt(json, error, u"connection"_s);
}

std::optional<Document> decodeDocument(const QJsonObject &json, QString *error)
{
    Document d;
    const QJsonArray mappings = json.value(u"mappings"_s).toArray();
    for (qsizetype i = 0; i < mappings.size(); ++i) {
        std::optional<MappingStatus> s =
                decodeMappingAt(mappings.at(i).toObject(), error, u"mappings[%1]"_s.arg(i));
        if (!s)
            return std::nullopt;
        d.mappings << *s;
    }
    const QJsonArray connections = json.value(u"connections"_s).toArray();
    for (qsizetype i = 0; i < connections.size(); ++i) {
        std::optional<ConnectionStatus> c = decodeConnectionAt(connections.at(i).toObject(), error,
                                                               u"connections[%1]"_s.arg(i));
        if (!c)
            return std::nullopt;
        d.connections << *c;
    }
    return d;
}

} // namespace tidemark::statusjson
