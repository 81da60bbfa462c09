#pragma once
// The consumer of trigger capture: applies a mapping's numbered change-log rows to the mirror
// in number order.
//
// Each batch reads the log rows numbered past the mapping's capture checkpoint, keeps the last
// operation per key after the batch's last TRUNCATE (capture/changebatch.h), reads the live
// source rows of the upserted keys again (a key no longer in the source is a delete), and
// writes the emptying a TRUNCATE asks for, upserts, deletes and the new checkpoint in one
// mirror transaction. Re-reading live rows makes every batch idempotent: a batch applied twice (after
// a crash between the mirror's commit and anything later) writes nothing new.
//
// The first pass of a mapping (no capture checkpoint yet) backfills first: the log only holds
// changes made since its triggers were installed. It then applies the whole log on top, so a
// delete logged before or during the backfill still reaches the mirror.
//
// Where TRUNCATE runs no trigger (MariaDB), a pass first checks that the source table is still
// the one its mirror was reconciled with, and sweeps when it is not (capture/tableidentity.h).
// A refused sweep makes the pass's result "refused", after the log was applied.

#include "sync/mappingcontext.h"

namespace tidemark {

struct CaptureResult
{
    qint64 numbered = 0;      // log rows the sequencer numbered in this pass
    qint64 changesRead = 0;   // log rows applied
    qint64 upserted = 0;      // mirror rows inserted or updated
    qint64 deleted = 0;       // mirror rows deleted
    qint64 unchanged = 0;     // keys whose mirror row was already current
    qint64 purged = 0;        // log rows removed by retention
    int batches = 0;
    bool backfilled = false;  // this was the mapping's first pass
    qint64 backfillWritten = 0;
    qint64 appliedSeq = 0;    // the capture checkpoint after the pass
    qint64 truncates = 0;     // TRUNCATEs of the source table applied (PostgreSQL logs them)
    // What the pass did after the source table's identity changed (capture/tableidentity.h);
    // empty when it had not.
    QString reconciliation;
    // Why the mirror could not be reconciled (a refused sweep, naming what to run): the pass
    // applied the log, and its result is "refused" with this message.
    QString refusal;
};

// Throws DbError (Permanent) naming the connection and table when capture is not (fully)
// installed for the mapping, or the mirror lacks the capture state table: `prepare` fixes both.
void checkCaptureInstalled(MappingContext &ctx);

// Who reads the log: the mapping and where it writes, so two projects with a mapping of one
// name still hold the log apart ("orders -> postgres 127.0.0.1:5432/mirror orders").
QString captureConsumerId(const MappingContext &ctx);

class CapturePass
{
public:
    explicit CapturePass(MappingContext &ctx);
    CaptureResult run();

private:
    // Applies one batch of log rows numbered past `after`; returns the last number applied
    // and sets `more` when the batch was full.
    qint64 applyBatch(qint64 after, CaptureResult &result, bool &more);
    qint64 purge(CaptureResult &result);
    MappingContext &m_ctx;
    QString m_logId;
};

} // namespace tidemark
