#include "sync/syncgate.h"

#include "db/dbconnection.h"
#include "db/dberror.h"
#include "db/tablecodec.h"
#include "db/valuecodec.h"
#include "sync/checkpointstore.h"
#include "sync/statusprobe.h"

#include <QSqlQuery>

using namespace Qt::StringLiterals;

namespace tidemark {

namespace {

// The newest cursor value, read exactly (MAX() would come back through the driver's lossy
// conversion, e.g. milliseconds for a microsecond timestamp) and made canonical, so the
// source's and the mirror's can be compared across dialects.
QVariant newestCursor(DbConnection &conn, const TableSchema &schema, const QString &table,
                      const QString &cursor)
{
    const Dialect &d = conn.dialect();
    const TableCodec codec(d, schema, {cursor});
    QSqlQuery q = conn.exec(u"SELECT "_s + codec.selectList() + u" FROM "_s
                            + d.readSourceWhere(table, d.quote(cursor) + u" IS NOT NULL"_s)
                            + u" ORDER BY "_s
                            + d.quote(cursor) + u" DESC"_s + d.limit(1));
    return q.next() ? codec.readRow(q).first() : QVariant();
}

} // namespace

GateVerdict evaluateSyncGate(MappingContext &ctx)
{
    const ResolvedMapping &m = ctx.mapping;
    if (!m.hasCursor())
        return {false, u"no cursor column, so the gate cannot tell; running the full pass"_s};
    try {
        const Dialect &sd = ctx.source.dialect();
        const Dialect &md = ctx.mirror.dialect();
        const QString src = sd.quote(ctx.sourceTable());
        const QString mir = md.readSource(ctx.mirrorTable());
        const qint64 sourceRows = ctx.source.scalar(u"SELECT COUNT(*) FROM "_s + src).toLongLong();
        const qint64 mirrorRows = ctx.mirror.scalar(u"SELECT COUNT(*) FROM "_s + mir).toLongLong();
        if (sourceRows != mirrorRows)
            return {false, u"row counts differ (source %1, mirror %2)"_s.arg(sourceRows)
                                   .arg(mirrorRows)};
        // A row whose cursor is NULL can change without the cursor showing it.
        const qint64 nullCursors =
                ctx.source
                        .scalar(u"SELECT COUNT(*) FROM "_s + src + u" WHERE "_s
                                + sd.quote(m.config.cursorColumn) + u" IS NULL"_s)
                        .toLongLong();
        if (nullCursors > 0)
            return {false, u"%1 source rows have a NULL cursor"_s.arg(nullCursors)};
        const QVariant sourceMax = newestCursor(ctx.source, m.sourceSchema, ctx.sourceTable(),
                                                m.config.cursorColumn);
        const QVariant mirrorMax = newestCursor(ctx.mirror, m.mirrorSchema, ctx.mirrorTable(),
                                                m.config.cursorColumn);
        if (sourceMax.isNull() && mirrorMax.isNull() && sourceRows == 0)
            return {true, u"both tables are empty"_s};
        const ColumnInfo *cursorInfo = m.sourceSchema.column(m.config.cursorColumn);
        const std::optional<int> order = compareValues(
                mirrorMax, sourceMax, cursorInfo ? cursorInfo->valueClass : ValueClass::Unknown);
        if (!order)
            return {false, u"cannot compare the newest cursors (source %1, mirror %2)"_s.arg(
                                   displayText(sourceMax), displayText(mirrorMax))};
        if (*order < 0)
            return {false, u"the mirror's newest cursor %1 is older than the source's %2"_s.arg(
                                   displayText(mirrorMax), displayText(sourceMax))};
        // Equal counts and newest cursors say nothing about a row tied with the checkpoint
        // that a later transaction wrote behind it (sync/checkpointties.h): the gate asks
        // what the next incremental pass would write, ties included, and must find nothing.
        const Checkpoint checkpoint = CheckpointStore(ctx.mirror).load(m.name());
        if (checkpoint.isNull())
            return {false, u"no checkpoint yet, so the gate cannot tell which rows incremental "
                           "sync has read; running the full pass"_s};
        const qint64 backlog = measureBacklog(ctx, checkpoint);
        if (backlog > 0)
            return {false, u"%1 source rows at or past the checkpoint are not in the mirror as "
                           "they are in the source"_s.arg(backlog)};
        return {true, u"row counts match (%1) and the mirror's newest cursor %2 is not older "
                      "than the source's %3"_s.arg(sourceRows)
                              .arg(displayText(mirrorMax), displayText(sourceMax))};
    } catch (const DbError &e) {
        return {false, u"could not check (%1)"_s.arg(e.message())};
    }
}

} // namespace tidemark
