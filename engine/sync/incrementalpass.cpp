#include "sync/incrementalpass.h"

#include "db/dbconnection.h"
#include "db/valuecodec.h"
#include "log/logging.h"
#include "sync/checkpointstore.h"
#include "sync/checkpointties.h"
#include "sync/keysetpager.h"
#include "sync/mirrorwriter.h"

using namespace Qt::StringLiterals;

namespace tidemark {

IncrementalPass::IncrementalPass(MappingContext &ctx)
    : m_ctx(ctx)
{
}

IncrementalResult IncrementalPass::run()
{
    const ResolvedMapping &m = m_ctx.mapping;
    Q_ASSERT(m.hasCursor());
    auto log = logger("sync.incremental");
    CheckpointStore store(m_ctx.mirror);
    IncrementalResult result;
    Checkpoint checkpoint = store.load(m.name());

    // Before reading forward, the rows behind the checkpoint that may have changed since it was
    // saved: always those tied with it, and the lookback window when there is one.
    if (!checkpoint.isNull())
        rereadBehind(checkpoint, result);

    const Dialect &src = m_ctx.source.dialect();
    KeysetPager pager(m_ctx.source, m.sourceSchema, m_ctx.sourceTable(), m.columns,
                      m.cursorKeyColumns(), m.config.batchRows,
                      src.quote(m.config.cursorColumn) + u" IS NOT NULL"_s);
    if (!checkpoint.isNull())
        pager.startAfter(QVariantList{checkpoint.cursor} + checkpoint.key);

    MirrorWriter writer(m_ctx.mirror, m.mirrorSchema, m_ctx.mirrorTable(), m.columns, m.key);
    QList<QVariantList> page;
    for (;;) {
        m_ctx.checkCancelled();
        if (!pager.next(page))
            break;
        // The new checkpoint is the (cursor, key) of the last row of this page: the largest
        // position actually read, never the clock. Rows committed meanwhile with a smaller
        // cursor are found by the lookback re-read; rows with a larger one by the next page.
        Checkpoint next;
        next.cursor = page.last().at(m.cursorIndex);
        next.key = m.keyOf(page.last());

        Transaction tx(m_ctx.mirror);
        writer.upsert(page);
        store.save(m.name(), next);
        tx.commit();

        checkpoint = next;
        result.rowsRead += page.size();
        result.rowsWritten += page.size();
        ++result.batches;
        m_ctx.report(Progress{u"sync"_s, result.rowsWritten, -1});
    }
    result.checkpoint = checkpoint;
    if (result.rowsWritten > 0)
        log->info("mapping '{}': synced {} rows from '{}' in {} {}; checkpoint now {}",
                  m.name(), result.rowsWritten, m_ctx.sourceTable(), result.batches,
                  result.batches == 1 ? "batch" : "batches",
                  displayText(checkpoint.cursor));
    return result;
}

void IncrementalPass::rereadBehind(const Checkpoint &checkpoint, IncrementalResult &result)
{
    const ResolvedMapping &m = m_ctx.mapping;
    const Dialect &src = m_ctx.source.dialect();
    const QStringList order = m.cursorKeyColumns();
    QString filter;
    QVariantList binds;
    if (m.config.lookback > 0) {
        const ColumnInfo *cursorInfo = m.sourceSchema.column(m.config.cursorColumn);
        Q_ASSERT(cursorInfo);
        const TableCodec codec(src, m.sourceSchema, order);
        const QVariantList position =
                codec.toDriver(QVariantList{checkpoint.cursor} + checkpoint.key);
        // Rows in [checkpoint - lookback, checkpoint]: a transaction that committed after the
        // last pass with a cursor value below the checkpoint sits here and nowhere else. The
        // window's lower bound is never above the checkpoint's cursor, so it holds the ties.
        filter = src.quote(m.config.cursorColumn) + u" >= "_s
                + src.cursorLowerBound(*cursorInfo, position.first(), m.config.lookback)
                + u" AND "_s + src.rowLessOrEqual(order);
        binds << position.first() << src.bindRowValues(position);
    } else {
        // Without a window, at least the rows tied with the checkpoint (cursor = C, key <= K):
        // a later transaction that wrote the checkpoint's own cursor value with a smaller key
        // is past no position the forward read will ever start from. Skipping this re-read when
        // lookback_s was 0 lost such rows for good.
        const SqlFilter tie = checkpointTieFilter(m_ctx, checkpoint);
        filter = tie.sql;
        binds = tie.binds;
    }

    KeysetPager pager(m_ctx.source, m.sourceSchema, m_ctx.sourceTable(), m.columns, order,
                      m.config.batchRows, filter, binds);
    MirrorWriter writer(m_ctx.mirror, m.mirrorSchema, m_ctx.mirrorTable(), m.columns, m.key);
    QList<QVariantList> page;
    qint64 late = 0;
    for (;;) {
        m_ctx.checkCancelled();
        if (!pager.next(page))
            break;
        Transaction tx(m_ctx.mirror);
        const WriteCounts counts = writer.upsertChanged(page);
        tx.commit();
        result.rowsRead += page.size();
        result.lookbackRows += page.size();
        result.rowsWritten += counts.written();
        late += counts.written();
    }
    if (late > 0)
        logger("sync.incremental")
                ->info("mapping '{}': re-read behind the checkpoint found {} late or changed "
                       "rows and wrote them",
                       m.name(), late);
}

} // namespace tidemark
