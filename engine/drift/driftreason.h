#pragma once
// Why a row differs, against the mapping's checkpoint: will the sync fix it on its own
// (SPEC.md "Drift", `reason`)? The same rules the passes keep (docs/ARCHITECTURE.md,
// "Positions, and what each pass keeps true"):
//  - incremental sync writes every source row past the checkpoint (cursor, key), re-reads the
//    rows tied with the checkpoint's cursor, and re-reads the lookback window behind it;
//  - a mapping without a cursor is synced by full keyset passes, which write every difference;
//  - rows whose cursor is NULL are read by backfills only;
//  - a sweep deletes mirror rows whose key is gone from the source (deletes "sweep").

#include "drift/difference.h"
#include "sync/checkpoint.h"
#include "sync/resolvedmapping.h"

namespace tidemark {

class ReasonClassifier
{
public:
    ReasonClassifier(const ResolvedMapping &mapping, const Checkpoint &checkpoint);

    // `sourceRow`: the source row (mapping column order) for Missing and Changed.
    DiffReason reason(DiffKind kind, const QVariantList &sourceRow) const;
    // Where the source row stands against the checkpoint, in words ("past the checkpoint",
    // "tied with the checkpoint", "inside the lookback window", "behind the checkpoint", "cursor
    // is NULL", "no checkpoint yet", "no cursor").
    QString position(const QVariantList &sourceRow) const;
    // What the sync will do about a difference with this reason, in words.
    static QString verdict(DiffKind kind, DiffReason reason);

private:
    enum class Standing { NoCursor, NullCursor, NoCheckpoint, Past, Tied, Lookback, Behind };
    Standing standing(const QVariantList &sourceRow) const;

    const ResolvedMapping &m_mapping;
    Checkpoint m_checkpoint;
    ValueClass m_cursorClass = ValueClass::Unknown;
};

} // namespace tidemark
