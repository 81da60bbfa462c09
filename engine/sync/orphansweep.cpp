#include "sync/orphansweep.h"

#include "db/dbconnection.h"
#include "db/dberror.h"
#include "log/logging.h"
#include "sync/checkpointstore.h"
#include "sync/keylookup.h"
#include "sync/keysetpager.h"
#include "sync/mirrorwriter.h"

using namespace Qt::StringLiterals;

namespace tidemark {

OrphanSweep::OrphanSweep(MappingContext &ctx)
    : m_ctx(ctx)
{
}

qint64 OrphanSweep::scan(bool deleteOrphans)
{
    const ResolvedMapping &m = m_ctx.mapping;
    KeysetPager pager(m_ctx.mirror, m.mirrorSchema, m_ctx.mirrorTable(), m.key, m.key,
                      m.config.batchRows);
    MirrorWriter writer(m_ctx.mirror, m.mirrorSchema, m_ctx.mirrorTable(), m.columns, m.key);
    const QString phase = deleteOrphans ? u"sweep: deleting"_s : u"sweep: counting"_s;
    QList<QVariantList> page;
    qint64 orphans = 0;
    qint64 scanned = 0;
    for (;;) {
        m_ctx.checkCancelled();
        // Mirror keys first, then the source: see the header.
        if (!pager.next(page))
            break;
        const QHash<QString, QVariantList> present =
                fetchRowsByKeys(m_ctx.source, m.sourceSchema, m_ctx.sourceTable(), m.key, m.key,
                                page);
        QList<QVariantList> gone;
        for (const QVariantList &key : page)
            if (!present.contains(keyIdentity(key)))
                gone << key;
        orphans += gone.size();
        scanned += page.size();
        if (deleteOrphans && !gone.isEmpty()) {
            Transaction tx(m_ctx.mirror);
            writer.deleteKeys(gone);
            tx.commit();
        }
        m_ctx.report(Progress{phase, scanned, -1});
    }
    return orphans;
}

SweepResult OrphanSweep::run(bool force, bool dryRun)
{
    const ResolvedMapping &m = m_ctx.mapping;
    auto log = logger("sync.sweep");
    SweepResult r;
    const Dialect &sd = m_ctx.source.dialect();
    const Dialect &md = m_ctx.mirror.dialect();
    r.sourceRows = m_ctx.source.scalar(u"SELECT COUNT(*) FROM "_s + sd.quote(m_ctx.sourceTable()))
                           .toLongLong();
    r.mirrorRows = m_ctx.mirror.scalar(u"SELECT COUNT(*) FROM "_s + md.readSource(m_ctx.mirrorTable()))
                           .toLongLong();
    r.orphans = scan(false);
    CheckpointStore store(m_ctx.mirror);
    store.recordOrphans(m.name(), r.orphans);
    if (r.orphans == 0)
        return r;

    if (r.sourceRows == 0 && !force) {
        r.refused = true;
        r.refusal = u"mapping '%1': source table '%2' is empty, so the sweep would delete all %3 "
                    "rows of mirror table '%4'; refused. Check the source (an empty table is "
                    "more often a wrong database or a failed load than real deletes), or force "
                    "the sweep"_s.arg(m.name(), m_ctx.sourceTable())
                            .arg(r.orphans)
                            .arg(m_ctx.mirrorTable());
    } else if (double(r.orphans) > m.config.maxSweepFraction * double(r.mirrorRows) && !force) {
        r.refused = true;
        r.refusal = u"mapping '%1': the sweep would delete %2 of %3 rows of mirror table '%4' "
                    "(%5%), more than max_sweep_fraction allows (%6%); refused. Force the sweep "
                    "if the source really lost those rows"_s.arg(m.name())
                            .arg(r.orphans)
                            .arg(r.mirrorRows)
                            .arg(m_ctx.mirrorTable())
                            .arg(100.0 * double(r.orphans) / double(std::max<qint64>(1, r.mirrorRows)),
                                 0, 'f', 1)
                            .arg(100.0 * m.config.maxSweepFraction, 0, 'f', 1);
    }
    if (r.refused) {
        if (!dryRun)
            log->warn("{}", r.refusal);
        return r;
    }
    if (dryRun)
        return r;

    log->info("mapping '{}': {} orphan rows of {} in mirror table '{}'; deleting them",
              m.name(), r.orphans, r.mirrorRows, m_ctx.mirrorTable());
    // The deleting scan checks every page against the source again, so a key that came back
    // into the source since the count is kept.
    r.deleted = scan(true);
    store.recordOrphans(m.name(), 0);
    log->info("mapping '{}': sweep deleted {} orphan rows from mirror table '{}'", m.name(),
              r.deleted, m_ctx.mirrorTable());
    return r;
}

} // namespace tidemark
