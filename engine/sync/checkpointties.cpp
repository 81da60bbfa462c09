#include "sync/checkpointties.h"

#include "db/dbconnection.h"
#include "db/tablecodec.h"
#include "sync/keysetpager.h"
#include "sync/mirrorwriter.h"

using namespace Qt::StringLiterals;

namespace tidemark {

SqlFilter checkpointTieFilter(MappingContext &ctx, const Checkpoint &checkpoint)
{
    const ResolvedMapping &m = ctx.mapping;
    const Dialect &d = ctx.source.dialect();
    // The values go through the same codec as every keyset position, so the comparison is made
    // by the source in the column's own type (a microsecond timestamp stays one).
    const TableCodec codec(d, m.sourceSchema, m.cursorKeyColumns());
    const QVariantList position =
            codec.toDriver(QVariantList{checkpoint.cursor} + checkpoint.key);
    SqlFilter f;
    f.sql = d.quote(m.config.cursorColumn) + u" = ? AND "_s + d.rowLessOrEqual(m.key);
    f.binds << position.first() << d.bindRowValues(position.mid(1));
    return f;
}

qint64 countChangedTies(MappingContext &ctx, const Checkpoint &checkpoint)
{
    if (checkpoint.isNull())
        return 0;
    const ResolvedMapping &m = ctx.mapping;
    SqlFilter tie = checkpointTieFilter(ctx, checkpoint);
    KeysetPager pager(ctx.source, m.sourceSchema, ctx.sourceTable(), m.columns,
                      m.cursorKeyColumns(), m.config.batchRows, tie.sql, tie.binds);
    MirrorWriter writer(ctx.mirror, m.mirrorSchema, ctx.mirrorTable(), m.columns, m.key);
    QList<QVariantList> page;
    qint64 changed = 0;
    while (pager.next(page)) {
        ctx.checkCancelled();
        changed += writer.upsertChanged(page, false).written();
    }
    return changed;
}

} // namespace tidemark
