#pragma once
// One incremental pass: rows whose (cursor, key) is past the checkpoint, in (cursor, key) order,
// in batches; each batch and the new checkpoint commit together in the mirror.
//
// Ordering by (cursor, key) and resuming strictly after the last (cursor, key) read means rows
// that share one cursor value across a batch boundary are never skipped (a cursor-only
// watermark with ">" loses the tied rows after the boundary; with ">=" it loops).
// Before that, the pass re-reads the rows behind the checkpoint that may have changed since it
// was saved, and writes those the mirror lacks or holds differently: always the rows tied with
// the checkpoint (cursor = C, key <= K; see sync/checkpointties.h), and with `lookback` the
// window [C - lookback, (C, K)], so a transaction that committed late with an older cursor
// value still arrives.

#include "sync/checkpoint.h"
#include "sync/mappingcontext.h"

namespace tidemark {

struct IncrementalResult
{
    qint64 rowsRead = 0;
    qint64 rowsWritten = 0;
    qint64 lookbackRows = 0;     // rows re-read behind the checkpoint (ties, lookback window)
    int batches = 0;
    Checkpoint checkpoint;       // after the pass
};

class IncrementalPass
{
public:
    explicit IncrementalPass(MappingContext &ctx);
    IncrementalResult run();

private:
    void rereadBehind(const Checkpoint &checkpoint, IncrementalResult &result);
    MappingContext &m_ctx;
};

} // namespace tidemark
