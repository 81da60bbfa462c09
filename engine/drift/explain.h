#pragma once
// One key, explained (SPEC.md `explain`): the source row, the mirror row, the checkpoint, where
// the row stands against it, and what the sync will do about it.

#include "drift/difference.h"
#include "sync/checkpoint.h"
#include "sync/mappingcontext.h"

#include <QJsonArray>
#include <QJsonObject>

namespace tidemark {

struct Explanation
{
    QVariantList key;
    QVariantList source;        // empty: no such row
    QVariantList mirror;
    Checkpoint checkpoint;
    bool equal = false;
    DiffKind kind = DiffKind::Changed;   // when !equal
    DiffReason reason = DiffReason::Drift;
    QStringList columns;        // Changed: the columns that differ
    QString position;           // where the source row stands against the checkpoint
    QString verdict;            // what the sync will do
};

// Reads the key on both sides through ctx's connections. Throws DbError.
Explanation explainKey(MappingContext &ctx, const QVariantList &key);
QJsonObject explanationJson(const ResolvedMapping &m, const Explanation &e);
QString explanationText(const ResolvedMapping &m, const Explanation &e);

} // namespace tidemark
