#pragma once
// One row that differs between source and mirror, and why (SPEC.md "Drift").

#include <QString>
#include <QStringList>
#include <QVariantList>

#include <optional>

namespace tidemark {

enum class DiffKind {
    Missing,   // in the source, not in the mirror
    Extra,     // in the mirror, not in the source
    Changed,   // in both, some mapped column differs
};

enum class DiffReason {
    Backlog,     // the source row is past the checkpoint (or tied with it): the next sync writes it
    Orphan,      // an extra row the next sweep deletes
    NullCursor,  // the source row's cursor is NULL: only a backfill brings it
    Drift,       // nothing scheduled fixes it: a repair or backfill is needed
};

QString diffKindName(DiffKind kind);           // "missing", "extra", "changed"
QString diffReasonName(DiffReason reason);     // "backlog", "orphan", "null_cursor", "drift"
std::optional<DiffKind> diffKindFromName(const QString &name);
std::optional<DiffReason> diffReasonFromName(const QString &name);

struct RowDifference
{
    DiffKind kind = DiffKind::Changed;
    DiffReason reason = DiffReason::Drift;
    QVariantList key;          // canonical, in key order
    QStringList columns;       // Changed: the mapped columns that differ
    QVariantList source;       // the whole source row (mapping column order); empty if none
    QVariantList mirror;       // the whole mirror row; empty if none
};

} // namespace tidemark
