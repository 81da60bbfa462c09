#include "sync/statusprobe.h"

#include "db/dbconnection.h"
#include "db/tablecodec.h"
#include "sync/checkpointstore.h"

using namespace Qt::StringLiterals;

namespace tidemark {

StatusMeasurement measureStatus(MappingContext &ctx)
{
    const ResolvedMapping &m = ctx.mapping;
    const Dialect &sd = ctx.source.dialect();
    const Dialect &md = ctx.mirror.dialect();
    StatusMeasurement s;
    const QString src = sd.quote(ctx.sourceTable());
    s.sourceRows = ctx.source.scalar(u"SELECT COUNT(*) FROM "_s + src).toLongLong();
    if (md.tableExists(ctx.mirror, ctx.mirrorTable()))
        s.mirrorRows = ctx.mirror.scalar(u"SELECT COUNT(*) FROM "_s + md.quote(ctx.mirrorTable()))
                               .toLongLong();
    CheckpointStore store(ctx.mirror);
    if (store.exists()) {
        s.checkpoint = store.load(m.name());
        s.lastRun = store.lastRun(m.name());
        s.orphans = store.orphans(m.name());
        s.orphansMeasuredAt = store.orphansMeasuredAt(m.name());
    }
    if (m.hasCursor()) {
        const QString cursor = sd.quote(m.config.cursorColumn);
        s.nullCursorRows = ctx.source.scalar(u"SELECT COUNT(*) FROM "_s + src + u" WHERE "_s
                                             + cursor + u" IS NULL"_s)
                                   .toLongLong();
        if (s.checkpoint.isNull()) {
            s.backlog = s.sourceRows - s.nullCursorRows;
        } else {
            const TableCodec codec(sd, m.sourceSchema, m.cursorKeyColumns());
            s.backlog = ctx.source
                                .scalar(u"SELECT COUNT(*) FROM "_s + src + u" WHERE "_s + cursor
                                                + u" IS NOT NULL AND "_s
                                                + sd.rowGreaterThan(m.cursorKeyColumns()),
                                        sd.bindRowValues(codec.toDriver(
                                                QVariantList{s.checkpoint.cursor}
                                                + s.checkpoint.key)))
                                .toLongLong();
        }
    }
    return s;
}

} // namespace tidemark
