#pragma once
// Orphan sweep: removes mirror rows whose key is gone from the source.
// Mirror keys are read first and then looked up in the source: a row inserted into the source
// meanwhile is then found there and kept. (Reading the source first would take a row that was
// inserted and synced between the two reads for an orphan, and delete it.)
// A sweep that would delete more than max_sweep_fraction of the mirror, or any sweep while the
// source is empty, is refused unless forced: an empty source is far more often a broken
// connection string or a truncated table than a real "delete everything".

#include "sync/mappingcontext.h"

namespace tidemark {

struct SweepResult
{
    qint64 sourceRows = 0;
    qint64 mirrorRows = 0;
    qint64 orphans = 0;        // found by the counting scan
    qint64 deleted = 0;
    bool refused = false;
    QString refusal;           // why, with the numbers
};

class OrphanSweep
{
public:
    explicit OrphanSweep(MappingContext &ctx);
    // `dryRun`: count only (status, pre-flight). `force`: pass the safety refusal.
    SweepResult run(bool force, bool dryRun = false);

private:
    qint64 scan(bool deleteOrphans);
    MappingContext &m_ctx;
};

} // namespace tidemark
