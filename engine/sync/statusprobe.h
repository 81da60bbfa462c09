#pragma once
// Measures a mapping: row counts, backlog past the checkpoint, NULL-cursor rows, and what the
// state table remembers (checkpoint, last run, orphans).

#include "capture/capturestatus.h"
#include "drift/driftresults.h"
#include "sync/checkpoint.h"
#include "sync/mappingcontext.h"

#include <optional>

namespace tidemark {

// What a measurement includes. Counting every row of the source and the mirror (and the source's
// NULL-cursor rows) is the one part whose cost grows with the tables: on a large InnoDB table
// each count reads the whole table. `SkipTableCounts` leaves those three to the previous
// measurement; everything else (checkpoint, backlog, capture counts, runs) is measured anyway.
enum class MeasureScope { Full, SkipTableCounts };

struct StatusMeasurement
{
    // False when the scope skipped the table counts: sourceRows, mirrorRows and nullCursorRows
    // are then not measured, and the ones measured before stand.
    bool tableCounts = true;
    QDateTime countedAt;   // when the table counts were taken
    qint64 sourceRows = -1;
    qint64 mirrorRows = -1;
    // Source rows the next incremental pass writes: those with (cursor, key) > checkpoint, plus
    // those tied with the checkpoint (cursor = C, key <= K) that the mirror lacks or holds
    // differently; -1 unknown.
    qint64 backlog = -1;
    qint64 nullCursorRows = 0;
    std::optional<qint64> orphans;
    QDateTime orphansMeasuredAt;   // when `orphans` was counted (by the last sweep)
    Checkpoint checkpoint;
    std::optional<RunRecord> lastRun;
    QVariant sourceNewestCursor;   // MAX(cursor) in the source; invalid without a cursor
    // The latest diff or scheduled verification (drift/driftresults.h); unset until one ran.
    std::optional<DriftSummary> drift;
    // Trigger capture's log counts ("capture": "triggers" only); its `pending` is the backlog.
    std::optional<CaptureStatus> capture;
};

// The source's newest cursor minus the checkpoint's: seconds when both are dates or times
// (`inSeconds` set), cursor units when both are numbers; nullopt when either is missing or
// they cannot be subtracted. A mirror with no checkpoint yet has no lag to speak of.
std::optional<double> cursorLag(const QVariant &newest, const QVariant &checkpoint,
                                bool *inSeconds);

// The rows the next incremental pass writes (StatusMeasurement::backlog) for a non-null
// checkpoint; the mirror table must exist.
qint64 measureBacklog(MappingContext &ctx, const Checkpoint &checkpoint);

// A mapping whose cursor checkpoint is still null takes its backlog from the counts, so it is
// always counted whatever `scope` says.
StatusMeasurement measureStatus(MappingContext &ctx, MeasureScope scope = MeasureScope::Full);

} // namespace tidemark
