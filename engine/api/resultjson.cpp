#include "api/resultjson.h"

#include "api/jsoncodec_internal.h"
#include "api/statusjson.h"
#include "db/valuecodec.h"

using namespace Qt::StringLiterals;

namespace tidemark::resultjson {

using jsoncodec::Reader;
using jsoncodec::textOrNull;

namespace {

QJsonArray typedLists(const QList<QVariantList> &lists)
{
    QJsonArray a;
    for (const QVariantList &l : lists)
        a.append(encodeTypedList(l));
    return a;
}

QJsonObject encodeRow(const RowDifference &d)
{
    return QJsonObject{{u"kind"_s, diffKindName(d.kind)},
                       {u"reason"_s, diffReasonName(d.reason)},
                       {u"key"_s, encodeTypedList(d.key)},
                       {u"source"_s, encodeTypedList(d.source)},
                       {u"mirror"_s, encodeTypedList(d.mirror)},
                       {u"columns"_s, QJsonArray::fromStringList(d.columns)}};
}

// Kind and reason by name, failing on an unknown one with the field's path.
DiffKind readKind(Reader &r, const QJsonObject &o)
{
    const QString name = r.text(o, u"kind"_s, false);
    const std::optional<DiffKind> kind = diffKindFromName(name);
    if (!kind)
        r.fail(u"kind"_s, u"'%1' is not a difference kind"_s.arg(name));
    return kind.value_or(DiffKind::Changed);
}

DiffReason readReason(Reader &r, const QJsonObject &o)
{
    const QString name = r.text(o, u"reason"_s, false);
    const std::optional<DiffReason> reason = diffReasonFromName(name);
    if (!reason)
        r.fail(u"reason"_s, u"'%1' is not a difference reason"_s.arg(name));
    return reason.value_or(DiffReason::Drift);
}

// Each element of the array `field` must be an object; decoded by `decode` at its own path.
template<typename T, typename Decode>
QList<T> readObjects(Reader &r, const QJsonObject &o, const QString &field, Decode decode)
{
    QList<T> list;
    const QJsonArray a = r.array(o, field);
    for (qsizetype i = 0; i < a.size() && r.ok(); ++i) {
        const QString path = r.path(u"%1[%2]"_s.arg(field).arg(i));
        if (!a.at(i).isObject()) {
            r.fail(u"%1[%2]"_s.arg(field).arg(i), u"expected an object"_s);
            break;
        }
        std::optional<T> item = decode(a.at(i).toObject(), path);
        r.adopt(item.has_value());
        if (item)
            list << *item;
    }
    return list;
}

QList<QVariantList> readTypedLists(Reader &r, const QJsonObject &o, const QString &field)
{
    QList<QVariantList> lists;
    const QJsonArray a = r.array(o, field);
    for (qsizetype i = 0; i < a.size(); ++i) {
        const QVariantList values = decodeTypedList(a.at(i).toArray());
        if (!a.at(i).isArray() || values.size() != a.at(i).toArray().size()
            || std::any_of(values.cbegin(), values.cend(),
                           [](const QVariant &v) { return !v.isValid(); })) {
            r.fail(u"%1[%2]"_s.arg(field).arg(i), u"expected a list of typed values"_s);
            break;
        }
        lists << values;
    }
    return lists;
}

std::optional<RowDifference> decodeRow(const QJsonObject &o, QString *error, const QString &path)
{
    Reader r(error, path);
    RowDifference d;
    d.kind = readKind(r, o);
    d.reason = readReason(r, o);
    d.key = r.typedList(o, u"key"_s);
    d.source = r.typedList(o, u"source"_s);
    d.mirror = r.typedList(o, u"mirror"_s);
    d.columns = r.texts(o, u"columns"_s);
    if (!r.ok())
        return std::nullopt;
    return d;
}

QJsonObject encodeCounts(const RepairResult &c)
{
    return QJsonObject{{u"deleted"_s, double(c.deleted)},
                       {u"updated"_s, double(c.updated)},
                       {u"inserted"_s, double(c.inserted)},
                       {u"already_equal"_s, double(c.alreadyEqual)},
                       {u"changed_since_diff"_s, double(c.changedSinceDiff)},
                       {u"still_differing"_s, double(c.stillDiffering)},
                       {u"statements"_s, double(c.statements)},
                       {u"refused"_s, c.refused},
                       {u"refusal"_s, textOrNull(c.refusal)}};
}

QJsonObject encodeExplanation(const Explanation &e)
{
    // An invalid cursor (no checkpoint yet) stays null rather than a typed NULL, so that it
    // decodes to what it was.
    const QJsonValue cursor = e.checkpoint.cursor.isValid() ? encodeTypedValue(e.checkpoint.cursor)
                                                            : QJsonValue(QJsonValue::Null);
    return QJsonObject{
            {u"key"_s, encodeTypedList(e.key)},
            {u"source"_s, encodeTypedList(e.source)},
            {u"mirror"_s, encodeTypedList(e.mirror)},
            {u"checkpoint"_s,
             QJsonObject{{u"cursor"_s, cursor}, {u"key"_s, encodeTypedList(e.checkpoint.key)}}},
            {u"equal"_s, e.equal},
            {u"kind"_s, diffKindName(e.kind)},
            {u"reason"_s, diffReasonName(e.reason)},
            {u"columns"_s, QJsonArray::fromStringList(e.columns)},
            {u"position"_s, e.position},
            {u"verdict"_s, e.verdict}};
}

std::optional<Explanation> decodeExplanation(const QJsonObject &o, QString *error,
                                             const QString &path)
{
    Reader r(error, path);
    Explanation e;
    e.key = r.typedList(o, u"key"_s);
    e.source = r.typedList(o, u"source"_s);
    e.mirror = r.typedList(o, u"mirror"_s);
    const QJsonObject checkpoint = r.object(o, u"checkpoint"_s);
    Reader cr(error, r.path(u"checkpoint"_s));
    const QJsonValue cursor = checkpoint.value(u"cursor"_s);
    if (!cursor.isNull() && !cursor.isUndefined()) {
        e.checkpoint.cursor = decodeTypedValue(cursor);
        if (!e.checkpoint.cursor.isValid())
            cr.fail(u"cursor"_s, u"a value without a valid type tag"_s);
    }
    e.checkpoint.key = cr.typedList(checkpoint, u"key"_s);
    r.adopt(cr.ok());
    e.equal = r.boolean(o, u"equal"_s);
    e.kind = readKind(r, o);
    e.reason = readReason(r, o);
    e.columns = r.texts(o, u"columns"_s);
    e.position = r.text(o, u"position"_s);
    e.verdict = r.text(o, u"verdict"_s);
    if (!r.ok())
        return std::nullopt;
    return e;
}

} // namespace

QJsonObject encodeProgress(const Progress &p)
{
    return QJsonObject{{u"phase"_s, p.phase},
                       {u"rows_done"_s, double(p.rowsDone)},
                       {u"rows_total"_s, double(p.rowsTotal < 0 ? -1 : p.rowsTotal)}};
}

std::optional<Progress> decodeProgress(const QJsonObject &o, QString *error)
{
    Reader r(error, u"progress"_s);
    Progress p;
    p.phase = r.text(o, u"phase"_s);
    p.rowsDone = r.count(o, u"rows_done"_s, 0);
    p.rowsTotal = r.count(o, u"rows_total"_s, -1);
    if (!r.ok())
        return std::nullopt;
    return p;
}

QJsonObject encodeOperationResult(const OperationResult &r)
{
    return QJsonObject{{u"run"_s, statusjson::encodeRun(r.run)},
                       {u"orphans_found"_s, double(r.orphansFound < 0 ? -1 : r.orphansFound)},
                       {u"transient"_s, r.transient},
                       {u"connection_lost"_s, r.connectionLost},
                       {u"connection"_s, textOrNull(r.connection)},
                       {u"refusal"_s, textOrNull(r.refusal)},
                       {u"would_write"_s, double(r.wouldWrite)},
                       {u"would_delete"_s, double(r.wouldDelete)},
                       {u"dry_run"_s, r.dryRun}};
}

std::optional<OperationResult> decodeOperationResult(const QJsonObject &o, QString *error)
{
    Reader r(error, u"result"_s);
    OperationResult result;
    const QJsonValue run = o.value(u"run"_s);
    if (!run.isObject()) {
        r.fail(u"run"_s, u"expected an object"_s);
        return std::nullopt;
    }
    std::optional<RunRecord> record = statusjson::decodeRun(run.toObject(), error);
    if (!record) {
        if (error)
            *error = u"result."_s + *error;
        return std::nullopt;
    }
    result.run = *record;
    result.orphansFound = r.count(o, u"orphans_found"_s, -1);
    result.transient = r.boolean(o, u"transient"_s);
    result.connectionLost = r.boolean(o, u"connection_lost"_s);
    result.connection = r.text(o, u"connection"_s);
    result.refusal = r.text(o, u"refusal"_s);
    result.wouldWrite = r.count(o, u"would_write"_s, 0);
    result.wouldDelete = r.count(o, u"would_delete"_s, 0);
    result.dryRun = r.boolean(o, u"dry_run"_s);
    if (!r.ok())
        return std::nullopt;
    return result;
}

QJsonObject encodeCheck(const DriftCheckResult &r)
{
    QJsonArray rows;
    for (const RowDifference &d : r.rows)
        rows.append(encodeRow(d));
    QJsonArray history;
    for (const DriftSummary &s : r.history)
        history.append(statusjson::encodeDriftSummary(s));
    return QJsonObject{{u"mapping"_s, r.mapping},
                       {u"scheduled"_s, r.scheduled},
                       {u"result"_s, r.result},
                       {u"error"_s, textOrNull(r.error)},
                       {u"summary"_s, statusjson::encodeDriftSummary(r.summary)},
                       {u"columns"_s, QJsonArray::fromStringList(r.columns)},
                       {u"key_columns"_s, QJsonArray::fromStringList(r.keyColumns)},
                       {u"rows"_s, rows},
                       {u"truncated"_s, r.truncated},
                       {u"history"_s, history}};
}

std::optional<DriftCheckResult> decodeCheck(const QJsonObject &o, QString *error)
{
    Reader r(error, u"check"_s);
    DriftCheckResult c;
    c.mapping = r.text(o, u"mapping"_s, false);
    c.scheduled = r.boolean(o, u"scheduled"_s);
    c.result = r.text(o, u"result"_s, false);
    c.error = r.text(o, u"error"_s);
    const QJsonValue summary = o.value(u"summary"_s);
    if (!summary.isObject()) {
        r.fail(u"summary"_s, u"expected an object"_s);
    } else if (r.ok()) {
        std::optional<DriftSummary> s =
                statusjson::decodeDriftSummary(summary.toObject(), error, r.path(u"summary"_s));
        r.adopt(s.has_value());
        if (s)
            c.summary = *s;
    }
    c.columns = r.texts(o, u"columns"_s);
    c.keyColumns = r.texts(o, u"key_columns"_s);
    c.rows = readObjects<RowDifference>(r, o, u"rows"_s,
                                        [error](const QJsonObject &row, const QString &path) {
                                            return decodeRow(row, error, path);
                                        });
    c.truncated = r.boolean(o, u"truncated"_s);
    c.history = readObjects<DriftSummary>(r, o, u"history"_s,
                                          [error](const QJsonObject &s, const QString &path) {
                                              return statusjson::decodeDriftSummary(s, error, path);
                                          });
    if (!r.ok())
        return std::nullopt;
    return c;
}

QJsonObject encodeRepair(const DriftRepairResult &r)
{
    return QJsonObject{{u"mapping"_s, r.mapping},
                       {u"options"_s,
                        QJsonObject{{u"execute"_s, r.options.execute},
                                    {u"force"_s, r.options.force},
                                    {u"keys"_s, typedLists(r.options.keys)}}},
                       {u"result"_s, r.result},
                       {u"error"_s, textOrNull(r.error)},
                       {u"differences"_s, double(r.differences)},
                       {u"statements"_s, QJsonArray::fromStringList(r.statements)},
                       {u"statements_truncated"_s, r.statementsTruncated},
                       {u"counts"_s, encodeCounts(r.counts)}};
}

std::optional<DriftRepairResult> decodeRepair(const QJsonObject &o, QString *error)
{
    Reader r(error, u"repair"_s);
    DriftRepairResult p;
    p.mapping = r.text(o, u"mapping"_s, false);
    const QJsonObject options = r.object(o, u"options"_s);
    Reader orr(error, r.path(u"options"_s));
    p.options.execute = orr.boolean(options, u"execute"_s);
    p.options.force = orr.boolean(options, u"force"_s);
    p.options.keys = readTypedLists(orr, options, u"keys"_s);
    r.adopt(orr.ok());
    p.result = r.text(o, u"result"_s, false);
    p.error = r.text(o, u"error"_s);
    p.differences = r.count(o, u"differences"_s, 0);
    p.statements = r.texts(o, u"statements"_s);
    p.statementsTruncated = r.boolean(o, u"statements_truncated"_s);
    const QJsonObject counts = r.object(o, u"counts"_s);
    Reader cr(error, r.path(u"counts"_s));
    p.counts.deleted = cr.count(counts, u"deleted"_s, 0);
    p.counts.updated = cr.count(counts, u"updated"_s, 0);
    p.counts.inserted = cr.count(counts, u"inserted"_s, 0);
    p.counts.alreadyEqual = cr.count(counts, u"already_equal"_s, 0);
    p.counts.changedSinceDiff = cr.count(counts, u"changed_since_diff"_s, 0);
    p.counts.stillDiffering = cr.count(counts, u"still_differing"_s, 0);
    p.counts.statements = cr.count(counts, u"statements"_s, 0);
    p.counts.refused = cr.boolean(counts, u"refused"_s);
    p.counts.refusal = cr.text(counts, u"refusal"_s);
    r.adopt(cr.ok());
    if (!r.ok())
        return std::nullopt;
    return p;
}

QJsonObject encodeExplain(const DriftExplainResult &r)
{
    return QJsonObject{{u"mapping"_s, r.mapping},
                       {u"result"_s, r.result},
                       {u"error"_s, textOrNull(r.error)},
                       {u"columns"_s, QJsonArray::fromStringList(r.columns)},
                       {u"explanation"_s, encodeExplanation(r.explanation)},
                       {u"text"_s, r.text}};
}

std::optional<DriftExplainResult> decodeExplain(const QJsonObject &o, QString *error)
{
    Reader r(error, u"explain"_s);
    DriftExplainResult e;
    e.mapping = r.text(o, u"mapping"_s, false);
    e.result = r.text(o, u"result"_s, false);
    e.error = r.text(o, u"error"_s);
    e.columns = r.texts(o, u"columns"_s);
    const QJsonValue explanation = o.value(u"explanation"_s);
    if (!explanation.isObject()) {
        r.fail(u"explanation"_s, u"expected an object"_s);
    } else if (r.ok()) {
        std::optional<Explanation> x =
                decodeExplanation(explanation.toObject(), error, r.path(u"explanation"_s));
        r.adopt(x.has_value());
        if (x)
            e.explanation = *x;
    }
    e.text = r.text(o, u"text"_s);
    if (!r.ok())
        return std::nullopt;
    return e;
}

} // namespace tidemark::resultjson
