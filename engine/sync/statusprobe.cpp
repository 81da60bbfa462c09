#include "sync/statusprobe.h"

#include "capture/tableidentity.h"
#include "db/dbconnection.h"
#include "db/tablecodec.h"
#include "db/valuecodec.h"
#include "sync/checkpointstore.h"
#include "sync/checkpointties.h"


using namespace Qt::StringLiterals;

namespace tidemark {

namespace {

// A date/time, from the driver (QDateTime/QDate) or from SQLite's text; invalid otherwise.
QDateTime asDateTime(const QVariant &v)
{
    switch (v.typeId()) {
    case QMetaType::QDateTime: return v.toDateTime().toUTC();
    case QMetaType::QDate: return v.toDate().startOfDay(Qt::UTC);
    case QMetaType::QString: {
        const std::optional<QString> text = normalizedTemporal(v.toString());
        if (!text)
            return {};
        const QString iso = QString(*text).replace(u' ', u'T');
        QDateTime t = QDateTime::fromString(iso.left(23), Qt::ISODateWithMs);
        if (!t.isValid() && iso.size() >= 19)
            t = QDateTime::fromString(iso.left(19), Qt::ISODate);
        if (!t.isValid() && iso.size() == 10)
            t = QDate::fromString(text->left(10), Qt::ISODate).startOfDay(Qt::UTC);
        if (t.isValid() && t.timeSpec() == Qt::LocalTime)
            t.setTimeSpec(Qt::UTC);
        return t;
    }
    default: return {};
    }
}

bool isNumber(const QVariant &v)
{
    switch (v.typeId()) {
    case QMetaType::Int:
    case QMetaType::UInt:
    case QMetaType::LongLong:
    case QMetaType::ULongLong:
    case QMetaType::Double:
    case QMetaType::Float: return true;
    default: return false;
    }
}

} // namespace

std::optional<double> cursorLag(const QVariant &newest, const QVariant &checkpoint,
                                bool *inSeconds)
{
    if (inSeconds)
        *inSeconds = false;
    if (!newest.isValid() || newest.isNull() || !checkpoint.isValid() || checkpoint.isNull())
        return std::nullopt;
    if (isNumber(newest) && isNumber(checkpoint))
        return std::max(0.0, newest.toDouble() - checkpoint.toDouble());
    const QDateTime a = asDateTime(newest);
    const QDateTime b = asDateTime(checkpoint);
    if (!a.isValid() || !b.isValid())
        return std::nullopt;
    if (inSeconds)
        *inSeconds = true;
    return std::max(0.0, b.msecsTo(a) / 1000.0);
}

qint64 measureBacklog(MappingContext &ctx, const Checkpoint &checkpoint)
{
    Q_ASSERT(!checkpoint.isNull());
    const ResolvedMapping &m = ctx.mapping;
    const Dialect &sd = ctx.source.dialect();
    const TableCodec codec(sd, m.sourceSchema, m.cursorKeyColumns());
    const qint64 past =
            ctx.source
                    .scalar(u"SELECT COUNT(*) FROM "_s + sd.quote(ctx.sourceTable()) + u" WHERE "_s
                                    + sd.quote(m.config.cursorColumn) + u" IS NOT NULL AND "_s
                                    + sd.rowGreaterThan(m.cursorKeyColumns()),
                            sd.bindRowValues(codec.toDriver(QVariantList{checkpoint.cursor}
                                                            + checkpoint.key)))
                    .toLongLong();
    // Rows tied with the checkpoint are behind its position but re-read by every pass
    // (sync/checkpointties.h); those the mirror lacks or holds differently are rows the next
    // pass writes, so they are backlog too. Counting only (cursor, key) > checkpoint said 0
    // while such a row was missing.
    return past + countChangedTies(ctx, checkpoint);
}

StatusMeasurement measureStatus(MappingContext &ctx, MeasureScope scope)
{
    const ResolvedMapping &m = ctx.mapping;
    const Dialect &sd = ctx.source.dialect();
    const Dialect &md = ctx.mirror.dialect();
    StatusMeasurement s;
    const QString src = sd.quote(ctx.sourceTable());
    const bool mirrorExists = md.tableExists(ctx.mirror, ctx.mirrorTable());
    CheckpointStore store(ctx.mirror);
    if (store.exists()) {
        s.checkpoint = store.load(m.name());
        s.lastRun = store.lastRun(m.name());
        s.orphans = store.orphans(m.name());
        s.orphansMeasuredAt = store.orphansMeasuredAt(m.name());
        s.drift = DriftResults(ctx.mirror).latest(m.name());
    }
    const bool backlogFromCounts = m.hasCursor() && !m.config.captured() && s.checkpoint.isNull();
    s.tableCounts = scope == MeasureScope::Full || backlogFromCounts;
    if (s.tableCounts) {
        s.countedAt = QDateTime::currentDateTimeUtc();
        s.sourceRows = ctx.source.scalar(u"SELECT COUNT(*) FROM "_s + src).toLongLong();
        if (mirrorExists)
            s.mirrorRows = ctx.mirror.scalar(u"SELECT COUNT(*) FROM "_s
                                             + md.readSource(ctx.mirrorTable()))
                                   .toLongLong();
        if (m.hasCursor())
            s.nullCursorRows = ctx.source.scalar(u"SELECT COUNT(*) FROM "_s + src + u" WHERE "_s
                                                 + sd.quote(m.config.cursorColumn)
                                                 + u" IS NULL"_s)
                                       .toLongLong();
    }
    if (m.hasCursor()) {
        const QString cursor = sd.quote(m.config.cursorColumn);
        s.sourceNewestCursor = fromDriver(
                ctx.source.scalar(u"SELECT MAX("_s + cursor + u") FROM "_s + src));
        if (s.checkpoint.isNull())
            s.backlog = s.sourceRows - s.nullCursorRows;
        else if (mirrorExists)
            s.backlog = measureBacklog(ctx, s.checkpoint);
    }
    if (m.config.captured()) {
        // The rows the next capture pass applies, counted in the log: not the cursor's view.
        s.capture = measureCapture(ctx);
        s.backlog = s.capture->pending;
        if (s.capture->installed)
            s.capture->attention = identityAttention(ctx);
    }
    return s;
}

} // namespace tidemark
