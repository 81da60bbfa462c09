#include "drift/driftreason.h"

#include "db/valuecodec.h"
#include "drift/rowencoding.h"

#include <QDate>

using namespace Qt::StringLiterals;

namespace tidemark {

ReasonClassifier::ReasonClassifier(const ResolvedMapping &mapping, const Checkpoint &checkpoint)
    : m_mapping(mapping)
    , m_checkpoint(checkpoint)
{
    if (mapping.hasCursor())
        if (const ColumnInfo *c = mapping.sourceSchema.column(mapping.config.cursorColumn))
            m_cursorClass = c->valueClass;
}

ReasonClassifier::Standing ReasonClassifier::standing(const QVariantList &row) const
{
    if (!m_mapping.hasCursor())
        return Standing::NoCursor;
    const QVariant cursor = row.value(m_mapping.cursorIndex);
    if (!cursor.isValid() || cursor.isNull())
        return Standing::NullCursor;
    if (m_checkpoint.isNull())
        return Standing::NoCheckpoint;
    const std::optional<int> c = compareValues(cursor, m_checkpoint.cursor, m_cursorClass);
    if (!c)
        return Standing::Behind;   // cannot be placed: say so rather than promise a fix
    if (*c > 0)
        return Standing::Past;
    if (*c == 0) {
        // Ties are re-read whatever the key (the tie rule); past the key they are simply next.
        return Standing::Tied;
    }
    const qint64 lookback = m_mapping.config.lookback;
    if (lookback > 0) {
        if (m_mapping.timestampCursor) {
            const auto a = timestampMicros(cursor.toString());
            const auto b = timestampMicros(m_checkpoint.cursor.toString());
            if (a && b && *a >= *b - lookback * 1000000)
                return Standing::Lookback;
        } else {
            bool okA = false, okB = false;
            const double a = cursor.toDouble(&okA);
            const double b = m_checkpoint.cursor.toDouble(&okB);
            if (okA && okB && a >= b - double(lookback))
                return Standing::Lookback;
        }
    }
    return Standing::Behind;
}

DiffReason ReasonClassifier::reason(DiffKind kind, const QVariantList &sourceRow) const
{
    if (kind == DiffKind::Extra)
        return m_mapping.config.deletes == DeletePolicy::Sweep ? DiffReason::Orphan
                                                               : DiffReason::Drift;
    switch (standing(sourceRow)) {
    case Standing::NullCursor: return DiffReason::NullCursor;
    case Standing::NoCursor:
    case Standing::NoCheckpoint:
    case Standing::Past:
    case Standing::Tied:
    case Standing::Lookback: return DiffReason::Backlog;
    case Standing::Behind: break;
    }
    return DiffReason::Drift;
}

QString ReasonClassifier::position(const QVariantList &sourceRow) const
{
    if (sourceRow.isEmpty())
        return u"not in the source"_s;
    switch (standing(sourceRow)) {
    case Standing::NoCursor: return u"no cursor: every sync is a full keyset pass"_s;
    case Standing::NullCursor: return u"cursor is NULL"_s;
    case Standing::NoCheckpoint: return u"no checkpoint yet: the first sync reads every row"_s;
    case Standing::Past: return u"past the checkpoint"_s;
    case Standing::Tied: return u"tied with the checkpoint's cursor (re-read by every sync)"_s;
    case Standing::Lookback: return u"behind the checkpoint, inside the lookback window"_s;
    case Standing::Behind: break;
    }
    return u"behind the checkpoint (outside the lookback window)"_s;
}

QString ReasonClassifier::verdict(DiffKind kind, DiffReason reason)
{
    switch (reason) {
    case DiffReason::Backlog:
        return kind == DiffKind::Missing ? u"the next sync writes it"_s
                                         : u"the next sync writes the source's version"_s;
    case DiffReason::Orphan: return u"the next sweep deletes it"_s;
    case DiffReason::NullCursor:
        return u"only a backfill (or repair) brings it: incremental sync never reads NULL cursors"_s;
    case DiffReason::Drift: break;
    }
    return kind == DiffKind::Extra
            ? u"nothing scheduled deletes it (deletes are not swept): repair it"_s
            : u"nothing scheduled fixes it: repair it, or backfill"_s;
}

} // namespace tidemark
