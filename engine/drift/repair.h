#pragma once
// Makes the mirror equal to the source for the differences a diff found (SPEC.md `repair`).
//
// Without `execute` it only writes out the statements it would run, in the mirror's dialect.
// With it, the differences are applied in bounded mirror transactions: deletes first, then
// updates, then inserts. In each transaction the mirror rows of the batch are locked (FOR UPDATE
// where the database has it), then the source rows are read again, then the mirror rows: a row
// is written only when the fresh source row still differs from the fresh mirror row, and what is
// written is the fresh source row. A mirror row that changed since the diff (the sync wrote it)
// is thus re-checked, never clobbered with what the diff saw, and the sync, which needs the same
// row locks, waits for the batch and writes after it. Afterwards every touched key is compared
// again.
//
// A repair that would delete more than max_sweep_fraction of the mirror table, or any row while
// the source table is empty, is refused unless forced.

#include "drift/differ.h"

#include <functional>

namespace tidemark {

struct RepairOptions
{
    bool execute = false;
    bool force = false;
    int batchRows = 500;
};

struct RepairResult
{
    qint64 deleted = 0;
    qint64 updated = 0;
    qint64 inserted = 0;
    qint64 alreadyEqual = 0;     // equal when read again at apply time
    qint64 changedSinceDiff = 0; // mirror rows that were no longer what the diff saw
    qint64 stillDiffering = 0;   // touched keys that differ again when compared afterwards
    qint64 statements = 0;       // dry run: statements printed
    bool refused = false;
    QString refusal;
};

// `statement` receives each statement of a dry run (and nothing with `execute`).
// Throws DbError (Cancelled between batches).
RepairResult repair(MappingContext &ctx, DiffRun &diff, const RepairOptions &options,
                    const std::function<void(const QString &)> &statement = {});

} // namespace tidemark
