#pragma once
// Measures a mapping: row counts, backlog past the checkpoint, NULL-cursor rows, and what the
// state table remembers (checkpoint, last run, orphans).

#include "sync/checkpoint.h"
#include "sync/mappingcontext.h"

#include <optional>

namespace tidemark {

struct StatusMeasurement
{
    qint64 sourceRows = -1;
    qint64 mirrorRows = -1;
    qint64 backlog = -1;       // source rows with (cursor, key) > checkpoint; -1 unknown
    qint64 nullCursorRows = 0;
    std::optional<qint64> orphans;
    QDateTime orphansMeasuredAt;   // when `orphans` was counted (by the last sweep)
    Checkpoint checkpoint;
    std::optional<RunRecord> lastRun;
};

StatusMeasurement measureStatus(MappingContext &ctx);

} // namespace tidemark
