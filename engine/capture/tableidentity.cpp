#include "capture/tableidentity.h"

#include "capture/capturepass.h"
#include "capture/capturesql.h"
#include "db/dbconnection.h"
#include "db/dberror.h"
#include "log/logging.h"
#include "sync/orphansweep.h"

using namespace Qt::StringLiterals;

namespace tidemark {

TableIdentity::TableIdentity(MappingContext &ctx)
    : m_ctx(ctx)
    , m_sql(CaptureSql::create(ctx.source.config().driver))
{
    m_tracked = m_sql && m_sql->tracksIdentity();
    if (m_tracked)
        m_current = m_sql->tableIdentity(ctx.source, ctx.sourceTable());
}

TableIdentity::TableIdentity(TableIdentity &&) noexcept = default;
TableIdentity::~TableIdentity() = default;

QString TableIdentity::kept()
{
    if (!m_tracked)
        return {};
    return m_ctx.source
            .scalar(u"SELECT table_identity FROM "_s
                            + m_ctx.source.dialect().quote(capture::consumersTable())
                            + u" WHERE consumer = ?"_s,
                    {captureConsumerId(m_ctx)})
            .toString();
}

void TableIdentity::keep()
{
    if (!m_tracked)
        return;
    m_ctx.source.exec(u"UPDATE "_s + m_ctx.source.dialect().quote(capture::consumersTable())
                              + u" SET table_identity = ? WHERE consumer = ?"_s,
                      {m_current, captureConsumerId(m_ctx)});
}

namespace {

QString describeChange(const MappingContext &ctx, const QString &kept, const QString &current)
{
    if (kept.isEmpty())
        return u"source table '%1' has no identity recorded for this mapping yet (its capture"
               " was prepared by a version of Tidemark that did not record one), so a TRUNCATE"
               " since cannot be ruled out (it is now %2)"_s.arg(ctx.sourceTable(), current);
    return u"source table '%1' was truncated or created anew since mirror table '%2' was last"
           " reconciled with it (its identity was %3, now %4; MariaDB runs no triggers for a"
           " TRUNCATE, so the rows it removed never reached the change log)"_s.arg(
                   ctx.sourceTable(), ctx.mirrorTable(), kept, current);
}

QString forceHint(const MappingContext &ctx)
{
    return u"`tidemark-cli sweep --force --mapping %1`"_s.arg(ctx.mapping.name());
}

} // namespace

Reconciliation reconcileTableIdentity(MappingContext &ctx, TableIdentity &identity)
{
    Reconciliation r;
    if (!identity.tracked())
        return r;
    const QString kept = identity.kept();
    if (kept == identity.current())
        return r;
    auto log = logger("capture.consumer");
    const ResolvedMapping &m = ctx.mapping;
    r.changed = true;
    const QString change = describeChange(ctx, kept, identity.current());
    if (m.config.deletes == DeletePolicy::None) {
        identity.keep();
        r.note = change + u"; \"deletes\": \"none\" keeps the mirror's rows"_s;
        log->info("mapping '{}': {}", m.name(), r.note);
        return r;
    }
    log->warn("mapping '{}': {}; sweeping mirror table '{}' for rows the source lost", m.name(),
              change, ctx.mirrorTable());
    const SweepResult sweep = OrphanSweep(ctx).run(false);
    if (sweep.refused) {
        r.refusal = u"mapping '%1': %2. The sweep that removes the rows the source lost was"
                    " refused: %3. Run %4 if the source really lost them; until a sweep has run,"
                    " every sync checks again and refuses again (the change log is applied"
                    " meanwhile)"_s.arg(m.name(), change, sweep.refusal, forceHint(ctx));
        return r;
    }
    identity.keep();
    r.deleted = sweep.deleted;
    r.note = change
            + u"; the sweep deleted %1 mirror rows whose key the source no longer has"_s.arg(
                    sweep.deleted);
    log->info("mapping '{}': reconciled after the table's identity changed: {} of {} mirror rows"
              " deleted; identity {} kept",
              m.name(), sweep.deleted, sweep.mirrorRows, identity.current());
    return r;
}

std::optional<TableIdentity> identityBefore(MappingContext &ctx)
{
    if (!ctx.mapping.config.captured())
        return std::nullopt;
    const std::unique_ptr<CaptureSql> sql = CaptureSql::create(ctx.source.config().driver);
    // No consumers table, or one from before it kept identities (until `prepare` runs again):
    // nowhere to keep it, and the sweep or backfill must not fail for that.
    if (!sql || !sql->tracksIdentity() || !sql->logExists(ctx.source)
        || !sql->upgradeLog(ctx.source).isEmpty())
        return std::nullopt;
    try {
        TableIdentity identity(ctx);
        if (!identity.tracked())
            return std::nullopt;
        return identity;
    } catch (const DbError &e) {
        if (e.isTransient())
            throw;
        logger("capture.consumer")
                ->warn("mapping '{}': cannot record the source table's identity: {}",
                       ctx.mapping.name(), e.message());
        return std::nullopt;
    }
}

QString identityAttention(MappingContext &ctx)
{
    try {
        TableIdentity identity(ctx);
        if (!identity.tracked())
            return {};
        const QString kept = identity.kept();
        if (kept.isEmpty() || kept == identity.current())
            return {};
        return describeChange(ctx, kept, identity.current())
                + u": the next sync sweeps the mirror for rows the source lost; if that sweep"
                  " is refused, run %1"_s.arg(forceHint(ctx));
    } catch (const DbError &e) {
        if (e.isTransient())
            throw;
        return e.message();
    }
}

} // namespace tidemark
