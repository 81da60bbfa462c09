#include "sync/backfillpass.h"

#include "db/dbconnection.h"
#include "db/dberror.h"
#include "db/tablecodec.h"
#include "db/valuecodec.h"
#include "log/logging.h"
#include "sync/checkpointstore.h"
#include "sync/keysetpager.h"
#include "sync/mirrorwriter.h"
#include "sync/pagereader.h"

#include <QSqlQuery>

using namespace Qt::StringLiterals;

namespace tidemark {

namespace {

// The source's newest (cursor, key), read before the pass starts. Every row at or below it was
// committed before the pass began and is covered by the pass; anything that changes later gets
// a larger cursor and is the incremental passes' job.
std::optional<Checkpoint> newestPosition(MappingContext &ctx)
{
    const ResolvedMapping &m = ctx.mapping;
    const Dialect &d = ctx.source.dialect();
    const TableCodec codec(d, m.sourceSchema, m.cursorKeyColumns());
    QStringList desc;
    for (const QString &c : m.cursorKeyColumns())
        desc << d.quote(c) + u" DESC"_s;
    QSqlQuery q = ctx.source.exec(u"SELECT "_s + codec.selectList() + u" FROM "_s
                                  + d.quote(ctx.sourceTable()) + u" WHERE "_s
                                  + d.quote(m.config.cursorColumn) + u" IS NOT NULL ORDER BY "_s
                                  + desc.join(u", "_s) + d.limit(1));
    if (!q.next())
        return std::nullopt;
    const QVariantList values = codec.readRow(q);
    Checkpoint cp;
    cp.cursor = values.first();
    cp.key = values.mid(1);
    return cp;
}

// Is `newest` (the position of a source row) past `checkpoint`? Asked of the source, whose
// ordering defines positions, against the table so every value has its column's type: the
// row at `newest` qualifies exactly when it lies past the checkpoint.
bool sourceSaysPast(MappingContext &ctx, const Checkpoint &newest, const Checkpoint &checkpoint)
{
    const ResolvedMapping &m = ctx.mapping;
    const Dialect &d = ctx.source.dialect();
    const QStringList order = m.cursorKeyColumns();
    const TableCodec codec(d, m.sourceSchema, order);
    QVariantList binds = d.bindRowValues(codec.toDriver(QVariantList{checkpoint.cursor}
                                                        + checkpoint.key));
    binds << d.bindRowValues(codec.toDriver(QVariantList{newest.cursor} + newest.key));
    QSqlQuery q = ctx.source.exec(u"SELECT 1 FROM "_s + d.quote(ctx.sourceTable()) + u" WHERE "_s
                                          + d.rowGreaterThan(order) + u" AND "_s
                                          + d.rowLessOrEqual(order) + d.limit(1),
                                  binds);
    return q.next();
}

} // namespace

BackfillPass::BackfillPass(MappingContext &ctx, bool dryRun, KeyRange range)
    : m_ctx(ctx)
    , m_dryRun(dryRun)
    , m_range(std::move(range))
{
}

BackfillResult BackfillPass::run()
{
    const ResolvedMapping &m = m_ctx.mapping;
    auto log = logger("sync.backfill");
    const Dialect &src = m_ctx.source.dialect();
    BackfillResult result;

    const bool partial = !m_range.lo.isEmpty() || !m_range.hi.isEmpty();
    const std::optional<Checkpoint> newest =
            m.hasCursor() && !partial ? newestPosition(m_ctx) : std::optional<Checkpoint>();
    QString filter;
    QVariantList filterBinds;
    if (partial)
        filter = keyRangeFilter(m_ctx.source, m.sourceSchema, m_ctx.sourceTable(), m.key,
                                m_range, filterBinds);
    const qint64 total =
            m_ctx.source.scalar(u"SELECT COUNT(*) FROM "_s + src.quote(m_ctx.sourceTable())
                                        + (partial ? u" WHERE "_s + filter : QString()),
                                filterBinds)
                    .toLongLong();
    m_ctx.report(Progress{u"backfill"_s, 0, total});

    // A server source is read one page ahead on a connection of its own, so reading and
    // writing overlap. SQLite reads are in-process and cheap: they stay on this connection.
    std::optional<KeysetPager> pager;
    std::optional<PageReader> reader;
    // A partial pass reads its range on this connection too: it is a one-off repair.
    if (m_ctx.source.config().driver == DriverKind::Sqlite || partial)
        pager.emplace(m_ctx.source, m.sourceSchema, m_ctx.sourceTable(), m.columns, m.key,
                      m.config.batchRows, filter, filterBinds);
    else
        reader.emplace(m_ctx.source.config(), m.sourceSchema, m_ctx.sourceTable(), m.columns,
                       m.key, m.config.batchRows, m_ctx.cancel);
    MirrorWriter writer(m_ctx.mirror, m.mirrorSchema, m_ctx.mirrorTable(), m.columns, m.key);
    QList<QVariantList> page;
    for (;;) {
        m_ctx.checkCancelled();
        if (!(pager ? pager->next(page) : reader->next(page)))
            break;
        WriteCounts counts;
        if (m_dryRun) {
            counts = writer.upsertChanged(page, false);
        } else {
            Transaction tx(m_ctx.mirror);
            counts = writer.upsertChanged(page);
            tx.commit();
        }
        if (m.hasCursor()) {
            for (const QVariantList &row : page)
                if (row.at(m.cursorIndex).isNull())
                    ++result.nullCursorRows;
            for (qsizetype i : counts.writtenRows)
                if (!page.at(i).at(m.cursorIndex).isNull())
                    ++result.missedByIncremental;
        }
        result.rowsRead += page.size();
        result.inserted += counts.inserted;
        result.updated += counts.updated;
        m_ctx.report(Progress{u"backfill"_s, result.rowsRead, std::max(total, result.rowsRead)});
    }

    CheckpointStore store(m_ctx.mirror);
    result.checkpoint = store.exists() || !m_dryRun ? store.load(m.name()) : Checkpoint();
    if (m_dryRun) {
        log->info("mapping '{}': backfill dry run read {} rows from '{}': {} missing from the "
                  "mirror and {} different would be written",
                  m.name(), result.rowsRead, m_ctx.sourceTable(), result.inserted, result.updated);
        return result;
    }
    const bool incrementalRan = !result.checkpoint.isNull();
    if (newest && (result.checkpoint.isNull() || sourceSaysPast(m_ctx, *newest,
                                                                result.checkpoint))) {
        Transaction tx(m_ctx.mirror);
        store.save(m.name(), *newest);
        tx.commit();
        result.checkpoint = *newest;
    }

    log->info("mapping '{}': backfill read {} rows from '{}': {} missing from the mirror, {} "
              "different, written",
              m.name(), result.rowsRead, m_ctx.sourceTable(), result.inserted, result.updated);
    // Rows with a cursor that the mirror lacked are rows incremental sync should have
    // delivered: late commits beyond the lookback window, or writes that did not move the
    // cursor. Say so, because only the operator can widen lookback_s or fix the writer.
    if (m.hasCursor() && result.missedByIncremental > 0 && incrementalRan)
        log->warn("mapping '{}': the backfill wrote {} rows that have a cursor but were missing "
                  "or different in the mirror; if rows keep turning up here, their transactions "
                  "commit later than lookback_s ({}) allows, or the writer does not move the "
                  "cursor on every change",
                  m.name(), result.missedByIncremental, m.config.lookback);
    return result;
}

} // namespace tidemark
