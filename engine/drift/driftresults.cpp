#include "drift/driftresults.h"

#include "db/dbconnection.h"
#include "db/valuecodec.h"
#include "drift/differ.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlQuery>

using namespace Qt::StringLiterals;

namespace tidemark {

namespace {

QString compact(const QJsonDocument &doc)
{
    return QString::fromUtf8(doc.toJson(QJsonDocument::Compact));
}

QString keyJson(const QVariantList &key)
{
    return compact(QJsonDocument(encodeTypedList(key)));
}

QVariantList keyFromJson(const QVariant &v)
{
    if (v.isNull())
        return {};
    return decodeTypedList(QJsonDocument::fromJson(v.toString().toUtf8()).array());
}

QString hex(quint64 v)
{
    return QString::number(v, 16);
}

} // namespace

QString DriftResults::tableName()
{
    return u"_tidemark_drift"_s;
}

DriftResults::DriftResults(DbConnection &mirror)
    : m_mirror(mirror)
{
}

void DriftResults::record(const DiffRun &run)
{
    const Dialect &d = m_mirror.dialect();
    m_mirror.exec(d.createDriftTable(tableName()));
    QJsonArray segments;
    for (const SegmentSummary &s : run.segments) {
        QJsonObject o;
        o[u"lo"_s] = encodeTypedList(s.range.lo);
        o[u"hi"_s] = encodeTypedList(s.range.hi);
        o[u"li"_s] = s.range.loInclusive;
        o[u"s"_s] = double(s.source.rows);
        o[u"m"_s] = double(s.mirror.rows);
        o[u"sh"_s] = hex(s.source.sum);
        o[u"mh"_s] = hex(s.mirror.sum);
        segments.append(o);
    }
    const QString checkedAt = run.checkedAt.toString(Qt::ISODateWithMs);
    Transaction tx(m_mirror);
    m_mirror.exec(d.upsert(tableName(),
                           {u"mapping"_s, u"checked_at"_s, u"source_rows"_s, u"mirror_rows"_s,
                            u"missing"_s, u"extra"_s, u"changed"_s, u"drift_rows"_s,
                            u"duration_ms"_s, u"key_from"_s, u"key_to"_s, u"segments"_s},
                           {u"mapping"_s, u"checked_at"_s}, 1),
                  {run.mapping, checkedAt, run.sourceRows, run.mirrorRows, run.missing, run.extra,
                   run.changed, run.driftRows, qint64(run.durationS * 1000),
                   run.keyFrom.isEmpty() ? QVariant(QMetaType::fromType<QString>())
                                         : QVariant(keyJson(run.keyFrom)),
                   run.keyTo.isEmpty() ? QVariant(QMetaType::fromType<QString>())
                                       : QVariant(keyJson(run.keyTo)),
                   compact(QJsonDocument(segments))});
    // Keep the newest kKeep: ISO timestamps order as text.
    QSqlQuery q = m_mirror.exec(u"SELECT checked_at FROM "_s + d.readSource(tableName())
                                        + u" WHERE mapping = ? ORDER BY checked_at DESC"_s,
                                {run.mapping});
    QList<QVariantList> old;
    for (int n = 0; q.next(); ++n)
        if (n >= kKeep)
            old << QVariantList{run.mapping, q.value(0).toString()};
    q.finish();
    d.deleteKeys(m_mirror, tableName(), {}, {u"mapping"_s, u"checked_at"_s}, old);
    tx.commit();
}

QList<DriftSummary> DriftResults::history(const QString &mapping, int count)
{
    QList<DriftSummary> out;
    const Dialect &d = m_mirror.dialect();
    if (!d.tableExists(m_mirror, tableName()))
        return out;
    QSqlQuery q = m_mirror.exec(
            u"SELECT checked_at, source_rows, mirror_rows, missing, extra, changed, drift_rows,"
            " duration_ms, key_from, key_to, segments FROM "_s
                    + d.readSource(tableName()) + u" WHERE mapping = ? ORDER BY checked_at DESC"_s
                    + d.limit(count),
            {mapping});
    while (q.next()) {
        DriftSummary s;
        s.checkedAt = QDateTime::fromString(q.value(0).toString(), Qt::ISODateWithMs);
        s.sourceRows = q.value(1).toLongLong();
        s.mirrorRows = q.value(2).toLongLong();
        s.missing = q.value(3).toLongLong();
        s.extra = q.value(4).toLongLong();
        s.changed = q.value(5).toLongLong();
        s.driftRows = q.value(6).toLongLong();
        s.durationMs = q.value(7).toLongLong();
        s.keyFrom = keyFromJson(q.value(8));
        s.keyTo = keyFromJson(q.value(9));
        const QJsonArray segments = QJsonDocument::fromJson(q.value(10).toString().toUtf8()).array();
        for (const QJsonValue &v : segments) {
            const QJsonObject o = v.toObject();
            DriftSegment seg;
            seg.range.lo = decodeTypedList(o[u"lo"_s].toArray());
            seg.range.hi = decodeTypedList(o[u"hi"_s].toArray());
            seg.range.loInclusive = o[u"li"_s].toBool();
            seg.sourceRows = qint64(o[u"s"_s].toDouble());
            seg.mirrorRows = qint64(o[u"m"_s].toDouble());
            seg.sourceSum = o[u"sh"_s].toString().toULongLong(nullptr, 16);
            seg.mirrorSum = o[u"mh"_s].toString().toULongLong(nullptr, 16);
            s.segments << seg;
        }
        out << s;
    }
    return out;
}

std::optional<DriftSummary> DriftResults::latest(const QString &mapping)
{
    const QList<DriftSummary> h = history(mapping, 1);
    if (h.isEmpty())
        return std::nullopt;
    return h.first();
}

} // namespace tidemark
