#pragma once
// The operations an operator or the scheduler asks for, built from the passes. Both the CLI and
// the engine's workers run these; each records its run in the state table.
//
// Manual operations fail loud: a precondition that fails is an error with its reason, never a
// silent skip followed by a destructive step.

#include "sync/checkpoint.h"
#include "sync/mappingcontext.h"

namespace tidemark {

enum class OperationKind { Prepare, Sync, Backfill, Sweep, Resync };

QString operationName(OperationKind kind);
std::optional<OperationKind> operationFromName(const QString &name);

struct OperationOptions
{
    bool force = false;     // pass the sweep's safety refusal
    bool noGate = false;    // backfill even when the in-sync gate says in sync
    bool dryRun = false;    // sweep, backfill, resync: count only, write nothing
    // backfill: only this part of the key range (canonical key values, both inclusive; empty:
    // open), in the binary key order `diff` uses. A partial backfill never moves the checkpoint
    // and skips the in-sync gate, which judges the whole table.
    QVariantList keyFrom = {};
    QVariantList keyTo = {};
    bool hasKeyRange() const { return !keyFrom.isEmpty() || !keyTo.isEmpty(); }
};

struct OperationResult
{
    RunRecord run;          // result: ok / skipped / refused / error / cancelled
    qint64 orphansFound = -1;
    bool transient = false; // the error was a lost connection or timeout
    bool connectionLost = false;  // ... and it means `connection` is gone
    QString connection;           // the project connection the error happened on, if known
    // Why a real sweep is (refused) or would be (dry run) refused; empty when it is not.
    QString refusal;
    // Dry runs (the pre-flight): what the real run would write and delete. A dry run's own
    // record says it wrote and deleted nothing, which is what happened.
    qint64 wouldWrite = 0;
    qint64 wouldDelete = 0;
    // Asked with OperationOptions::dryRun: nothing was written, and it is no run of the
    // mapping (the service's run counters leave it out).
    bool dryRun = false;
    bool ok() const { return run.result == u"ok" || run.result == u"skipped"; }
    bool refused() const { return run.result == u"refused"; }
};

// Runs `kind` for the mapping in `ctx`. Never throws: errors come back in the result and are
// logged; the run is recorded in the state table when the mirror is reachable.
OperationResult runOperation(OperationKind kind, MappingContext &ctx,
                             const OperationOptions &options = {});

} // namespace tidemark
