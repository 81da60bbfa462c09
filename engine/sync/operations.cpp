#include "sync/operations.h"

#include "capture/captureinstaller.h"
#include "capture/capturepass.h"
#include "capture/capturesql.h"
#include "capture/sequencer.h"
#include "capture/tableidentity.h"
#include "db/dbconnection.h"
#include "db/dberror.h"
#include "log/logging.h"
#include "sync/backfillpass.h"
#include "sync/checkpointstore.h"
#include "sync/incrementalpass.h"
#include "sync/mirrorpreparer.h"
#include "sync/orphansweep.h"
#include "sync/syncgate.h"

using namespace Qt::StringLiterals;

namespace tidemark {

QString operationName(OperationKind kind)
{
    switch (kind) {
    case OperationKind::Prepare: return u"prepare"_s;
    case OperationKind::Sync: return u"sync"_s;
    case OperationKind::Backfill: return u"backfill"_s;
    case OperationKind::Sweep: return u"sweep"_s;
    case OperationKind::Resync: return u"resync"_s;
    }
    return {};
}

std::optional<OperationKind> operationFromName(const QString &name)
{
    for (OperationKind k : {OperationKind::Prepare, OperationKind::Sync, OperationKind::Backfill,
                            OperationKind::Sweep, OperationKind::Resync})
        if (operationName(k) == name)
            return k;
    return std::nullopt;
}

namespace {

void runBackfill(MappingContext &ctx, const OperationOptions &options, RunRecord &run,
                 OperationResult &result)
{
    if (!options.noGate && !options.hasKeyRange()) {
        const GateVerdict gate = evaluateSyncGate(ctx);
        if (gate.inSync) {
            run.result = u"skipped"_s;
            run.note = u"in-sync gate: "_s + gate.reason + u"; backfill skipped"_s;
            return;
        }
        run.note = u"in-sync gate: "_s + gate.reason;
    }
    const BackfillResult b =
            BackfillPass(ctx, options.dryRun, KeyRange{options.keyFrom, options.keyTo, true}).run();
    (options.dryRun ? result.wouldWrite : run.rowsWritten) += b.inserted + b.updated;
    const QString counts = (options.hasKeyRange() ? u"key range only: "_s : QString())
            + u"read %1 rows; %2 missing and %3 different in the mirror %4"_s
                                   .arg(b.rowsRead)
                                   .arg(b.inserted)
                                   .arg(b.updated)
                                   .arg(options.dryRun ? u"would be written (dry run)"_s
                                                       : u"were written"_s);
    run.note = run.note.isEmpty() ? counts : run.note + u"; "_s + counts;
}

void runSweep(MappingContext &ctx, const OperationOptions &options, RunRecord &run,
              OperationResult &result)
{
    // Read before the sweep reads anything: a sweep that ran reconciles the mirror with the
    // captured table as it was then (capture/tableidentity.h).
    std::optional<TableIdentity> identity =
            options.dryRun ? std::nullopt : identityBefore(ctx);
    const SweepResult s = OrphanSweep(ctx).run(options.force, options.dryRun);
    if (identity && !s.refused)
        identity->keep();
    result.orphansFound = s.orphans;
    (options.dryRun ? result.wouldDelete : run.rowsDeleted) += options.dryRun ? s.orphans
                                                                               : s.deleted;
    if (s.refused && options.dryRun)
        result.refusal = s.refusal;
    else if (s.refused)
        throw DbError(DbError::Kind::Refused, s.refusal);
    run.note = options.dryRun ? u"%1 orphan rows (dry run, nothing deleted)"_s.arg(s.orphans)
                              : u"%1 orphan rows found, %2 deleted"_s.arg(s.orphans).arg(s.deleted);
}

// A full backfill of a captured mapping that has never applied the log gives it its starting
// point: the whole log, applied on top of the backfill by the next sync (a change logged during
// the backfill is applied again, harmlessly: the consumer re-reads live rows).
// `identity`: the source table's, read before the backfill (capture/tableidentity.h); the
// mirror is reconciled with it as far as the first capture pass's backfill would have.
void startCaptureAfterBackfill(MappingContext &ctx, const OperationOptions &options,
                               const RunRecord &run, std::optional<TableIdentity> &identity)
{
    if (!ctx.mapping.config.captured() || options.dryRun || options.hasKeyRange()
        || run.result != u"ok")
        return;
    const std::unique_ptr<CaptureSql> sql = CaptureSql::create(ctx.source.config().driver);
    CheckpointStore store(ctx.mirror);
    if (!store.captureTableExists() || !sql->logExists(ctx.source))
        return;
    const QString logId = Sequencer(ctx.source, *sql).logId();
    if (store.captureSeq(ctx.mapping.name(), logId))
        return;
    Transaction tx(ctx.mirror);
    store.saveCaptureSeq(ctx.mapping.name(), 0, logId);
    tx.commit();
    if (identity)
        identity->keep();
}

// Read before a full backfill of a captured mapping, for startCaptureAfterBackfill().
std::optional<TableIdentity> identityBeforeBackfill(MappingContext &ctx,
                                                    const OperationOptions &options)
{
    if (options.dryRun || options.hasKeyRange())
        return std::nullopt;
    return identityBefore(ctx);
}

void execute(OperationKind kind, MappingContext &ctx, const OperationOptions &options,
             RunRecord &run, OperationResult &result)
{
    const ResolvedMapping &m = ctx.mapping;
    switch (kind) {
    case OperationKind::Prepare: {
        const PrepareResult p = prepareMirror(ctx);
        run.note = p.createdMirrorTable ? u"created mirror table '%1'"_s.arg(ctx.mirrorTable())
                                        : u"mirror table '%1' exists"_s.arg(ctx.mirrorTable());
        if (p.createdStateTable)
            run.note += u"; created state table"_s;
        if (m.config.captured()) {
            const QStringList problems = captureProblems(ctx);
            if (!problems.isEmpty())
                throw DbError(DbError::Kind::Permanent,
                              u"mapping '%1': %2"_s.arg(m.name(), problems.join(u"; "_s)));
            applyCapturePlan(ctx, planCaptureInstall(ctx), true);
            run.note += u"; capture triggers installed on '%1'"_s.arg(ctx.sourceTable());
        }
        return;
    }
    case OperationKind::Sync:
        if (m.config.captured()) {
            const CaptureResult r = CapturePass(ctx).run();
            run.rowsWritten = r.upserted + r.backfillWritten;
            run.rowsDeleted = r.deleted;
            run.note = u"%1 changes applied (%2 rows written, %3 deleted) up to number %4"_s
                               .arg(r.changesRead)
                               .arg(r.upserted)
                               .arg(r.deleted)
                               .arg(r.appliedSeq);
            if (r.backfilled)
                run.note = u"first capture pass: backfilled %1 rows; "_s.arg(r.backfillWritten)
                        + run.note;
            if (r.truncates > 0)
                run.note += m.config.deletes == DeletePolicy::None
                        ? u"; the source table was truncated (%1 in the log); \"deletes\":"
                          " \"none\" keeps the mirror's rows"_s.arg(r.truncates)
                        : u"; the source table was truncated (%1 in the log): the mirror was"
                          " emptied, then given what came after"_s.arg(r.truncates);
            if (!r.reconciliation.isEmpty())
                run.note += u"; "_s + r.reconciliation;
            if (r.purged > 0)
                run.note += u"; %1 log rows purged"_s.arg(r.purged);
            // The rows and note above stay in the run's record beside the refusal.
            if (!r.refusal.isEmpty())
                throw DbError(DbError::Kind::Refused, r.refusal);
        } else if (m.hasCursor()) {
            const IncrementalResult r = IncrementalPass(ctx).run();
            run.rowsWritten = r.rowsWritten;
            run.note = u"%1 rows written in %2 %3"_s.arg(r.rowsWritten)
                               .arg(r.batches)
                               .arg(r.batches == 1 ? u"batch"_s : u"batches"_s);
            if (r.lookbackRows > 0)
                run.note += u" (%1 rows re-read in the lookback window)"_s.arg(r.lookbackRows);
        } else {
            // "Without a cursor a mapping is synced by full keyset passes only."
            OperationOptions full = options;
            full.noGate = true;
            runBackfill(ctx, full, run, result);
        }
        return;
    case OperationKind::Backfill: {
        std::optional<TableIdentity> identity = identityBeforeBackfill(ctx, options);
        runBackfill(ctx, options, run, result);
        startCaptureAfterBackfill(ctx, options, run, identity);
        return;
    }
    case OperationKind::Sweep:
        if (m.config.deletes == DeletePolicy::None && !options.dryRun)
            throw DbError(DbError::Kind::Permanent,
                          u"mapping '%1' has \"deletes\": \"none\"; set it to \"sweep\" to "
                          "remove orphan rows"_s.arg(m.name()));
        runSweep(ctx, options, run, result);
        return;
    case OperationKind::Resync: {
        // Sweep first, so the gate compares counts without orphans in them. A refused sweep
        // stops the whole resync: nothing is done that the operator did not see.
        if (m.config.deletes == DeletePolicy::Sweep)
            runSweep(ctx, options, run, result);
        const QString sweepNote = run.note;
        std::optional<TableIdentity> identity = identityBeforeBackfill(ctx, options);
        runBackfill(ctx, options, run, result);
        startCaptureAfterBackfill(ctx, options, run, identity);
        if (!sweepNote.isEmpty())
            run.note = sweepNote + u"; "_s + run.note;
        return;
    }
    }
}

} // namespace

OperationResult runOperation(OperationKind kind, MappingContext &ctx,
                             const OperationOptions &options)
{
    auto log = logger("sync.operations");
    OperationResult result;
    result.dryRun = options.dryRun;
    RunRecord &run = result.run;
    run.kind = operationName(kind);
    run.startedAt = QDateTime::currentDateTimeUtc();
    run.result = u"ok"_s;
    try {
        execute(kind, ctx, options, run, result);
    } catch (const DbError &e) {
        switch (e.kind()) {
        case DbError::Kind::Cancelled: run.result = u"cancelled"_s; break;
        case DbError::Kind::Refused: run.result = u"refused"_s; break;
        default: run.result = u"error"_s; break;
        }
        run.error = e.message();
        result.transient = e.isTransient();
        result.connectionLost = e.connectionLost();
        result.connection = e.connection();
        if (e.kind() == DbError::Kind::Refused)
            result.refusal = e.message();
    }
    run.finishedAt = QDateTime::currentDateTimeUtc();

    if (run.result == u"error")
        log->error("mapping '{}': {} failed: {}{}", ctx.mapping.name(), run.kind, run.error,
                   result.transient ? u"; will retry on schedule"_s : QString());
    else
        log->info("mapping '{}': {} {} in {:.2f} s: {}", ctx.mapping.name(), run.kind, run.result,
                  run.durationS(), run.error.isEmpty() ? run.note : run.error);

    // Record the run where `status` (possibly another process) can see it. The mirror may be
    // the very thing that failed; then the record is only in the log.
    try {
        CheckpointStore store(ctx.mirror);
        if (ctx.mirror.isOpen() && store.exists())
            store.recordRun(ctx.mapping.name(), run);
    } catch (const DbError &e) {
        log->warn("mapping '{}': could not record the run in the state table: {}",
                  ctx.mapping.name(), e.message());
    }
    return result;
}

} // namespace tidemark
