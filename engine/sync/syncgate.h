#pragma once
// The in-sync gate in front of a backfill: when the row counts match, the mirror's newest
// cursor is at least the source's, and the next incremental pass would write nothing (no row
// past the checkpoint, no row tied with it that the mirror lacks), the full pass is skipped. Any error or doubt (no cursor,
// values that cannot be compared) means "not in sync", so the gate can only save work, never
// hide drift that it could see.

#include "sync/mappingcontext.h"

namespace tidemark {

struct GateVerdict
{
    bool inSync = false;
    QString reason;
};

GateVerdict evaluateSyncGate(MappingContext &ctx);

} // namespace tidemark
