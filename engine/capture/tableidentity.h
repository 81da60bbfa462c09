#pragma once
// Noticing that a captured source table lost rows outside its change log, where the database
// runs no trigger for it: on MariaDB a TRUNCATE (and ALTER TABLE ... TRUNCATE PARTITION or DROP
// PARTITION). PostgreSQL logs its TRUNCATEs by a trigger instead (capture/capturesql.h).
//
// The table's identity (CaptureSql::tableIdentity(): InnoDB's table id) is kept per consumer in
// the source's consumers table: the identity the mapping's mirror was last reconciled with. A
// capture pass reads the identity before it reads anything of the table. When it differs from
// the one kept, the table was truncated or created anew since (OPTIMIZE TABLE and rebuilding
// ALTERs create it anew too, without losing a row): rows may have gone without a log row, so
// the pass reconciles the mirror by an orphan sweep, under the sweep's own rules (refused above
// max_sweep_fraction, or on an empty source, unless forced). Only a sweep that ran keeps the
// new identity. A refused one keeps the old, so the next pass finds the change again and
// refuses again, in its run record, the log and `status`, until a sweep within the rules or
// `sweep --force` (which keeps the identity as well) has reconciled the mirror.
//
// The identity kept is always one read before the reads that reconciled the mirror with it (the
// sweep's, the first backfill's): a TRUNCATE while they read leaves the kept identity older
// than the table's, and the next pass sweeps again.

#include "sync/mappingcontext.h"

#include <QString>

#include <memory>
#include <optional>

namespace tidemark {

class CaptureSql;

class TableIdentity
{
public:
    // Reads the table's identity now, where the source's dialect tracks one. Throws DbError
    // when it cannot be read (a missing privilege, not an InnoDB table): capture could not
    // notice a TRUNCATE then.
    explicit TableIdentity(MappingContext &ctx);
    TableIdentity(TableIdentity &&) noexcept;
    ~TableIdentity();

    bool tracked() const { return m_tracked; }
    const QString &current() const { return m_current; }
    // The identity the mirror was last reconciled with; empty when none was kept yet (before
    // the first pass, or capture installed by a version that did not keep one).
    QString kept();
    // Keeps current() as the identity the mirror is reconciled with.
    void keep();

private:
    MappingContext &m_ctx;
    std::unique_ptr<CaptureSql> m_sql;
    bool m_tracked = false;
    QString m_current;
};

struct Reconciliation
{
    bool changed = false; // the identity differed from the one kept
    qint64 deleted = 0;   // mirror rows the sweep deleted
    QString note;         // what happened, for the run's note (empty when unchanged)
    QString refusal;      // why the mirror is not reconciled, naming what to run
};

// A capture pass's reconciliation after the identity changed (see above). Under
// "deletes": "none" the mirror keeps what the source deleted, a truncated table's rows
// included: the new identity is kept without a sweep.
Reconciliation reconcileTableIdentity(MappingContext &ctx, TableIdentity &identity);

// The identity read before a sweep of a captured mapping, or the backfill that gives it its
// start in the log, so that the operation keeps it once it ran; nullopt where none is tracked
// or it cannot be read (the operation runs anyway, and the next capture pass reports why).
std::optional<TableIdentity> identityBefore(MappingContext &ctx);

// For `status`: why the mapping needs an operator, or empty. The table changed since its
// mirror was reconciled with it (the next sync sweeps; a refused sweep names its command), or
// its identity cannot be read.
QString identityAttention(MappingContext &ctx);

} // namespace tidemark
