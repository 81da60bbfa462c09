#pragma once
// The rows that tie with the checkpoint: cursor = C AND key <= K, where (C, K) is the
// checkpoint. Incremental sync resumes strictly after (C, K), so a row that commits later with
// the checkpoint's own cursor value and a smaller key would sit behind the checkpoint forever.
// Cursors with second precision (MariaDB DATETIME, Unix seconds, dates) and integer versions
// handed out before commit tie across transactions all the time, and a lookback of 0 (or a text
// cursor, which has no "minus 30 seconds") re-reads nothing else. Every place that compares a
// position with the checkpoint therefore treats these rows as not yet read: the incremental
// pass re-reads them on every run, status counts those the mirror lacks or holds differently
// as backlog, and the in-sync gate refuses to skip a backfill while there are any.

#include "sync/checkpoint.h"
#include "sync/mappingcontext.h"

namespace tidemark {

struct SqlFilter
{
    QString sql;          // already quoted, with positional placeholders
    QVariantList binds;   // driver values, in placeholder order
};

// "cursor = ? AND key <= ?" for the source dialect of `ctx`.
SqlFilter checkpointTieFilter(MappingContext &ctx, const Checkpoint &checkpoint);

// How many of the source rows tied with the checkpoint the mirror lacks or holds with other
// values: the tied rows the next incremental pass will write. Reads the tied rows page by page
// and compares them with the mirror's; writes nothing. 0 for a null checkpoint.
qint64 countChangedTies(MappingContext &ctx, const Checkpoint &checkpoint);

} // namespace tidemark
