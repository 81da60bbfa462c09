#pragma once
// A full keyset pass over the source by key: each page is compared with what the mirror holds
// for the same keys and only missing or different rows are upserted, one transaction per page.
// Rows the incremental passes cannot see (NULL cursor, or a late commit older than the
// lookback window) are found and reported here.

#include "drift/tableside.h"
#include "sync/checkpoint.h"
#include "sync/mappingcontext.h"

namespace tidemark {

struct BackfillResult
{
    qint64 rowsRead = 0;
    qint64 inserted = 0;       // missing from the mirror
    qint64 updated = 0;        // present but different
    qint64 nullCursorRows = 0; // rows with a NULL cursor that the pass read
    qint64 missedByIncremental = 0; // written rows with a cursor: incremental should have had them
    Checkpoint checkpoint;     // after the pass
};

class BackfillPass
{
public:
    // `dryRun`: compare only; the counts say what a real pass would write, and nothing (rows
    // or checkpoint) is written. The pre-flight an operator sees before a backfill or resync.
    // `range`: only that part of the key range (drift/tableside.h, binary key order); a pass
    // over part of the table leaves the checkpoint where it is.
    explicit BackfillPass(MappingContext &ctx, bool dryRun = false, KeyRange range = {});
    BackfillResult run();

private:
    MappingContext &m_ctx;
    bool m_dryRun;
    KeyRange m_range;
};

} // namespace tidemark
