#include "capture/capturestatus.h"

#include "capture/capturepass.h"
#include "capture/capturesql.h"
#include "capture/sequencer.h"
#include "db/dbconnection.h"
#include "db/dberror.h"
#include "sync/checkpointstore.h"

#include <QSqlQuery>

using namespace Qt::StringLiterals;

namespace tidemark {

CaptureStatus measureCapture(MappingContext &ctx)
{
    CaptureStatus s;
    const std::unique_ptr<CaptureSql> sql = CaptureSql::create(ctx.source.config().driver);
    s.sequencer = sql->hasSequencer();
    try {
        checkCaptureInstalled(ctx);
    } catch (const DbError &e) {
        if (e.isTransient())
            throw;
        s.problem = e.message();
        return s;
    }
    s.installed = true;
    s.appliedSeq = CheckpointStore(ctx.mirror).captureSeq(ctx.mapping.name(),
                                                          Sequencer(ctx.source, *sql).logId());

    const Dialect &d = ctx.source.dialect();
    const QString log = d.quote(capture::logTable());
    const QString table = ctx.sourceTable();
    const qint64 applied = s.appliedSeq.value_or(0);
    // The three counts in one pass over the table's entries of the (tbl, seq) index, which
    // holds all it needs: the engine measures after every pass, so this must not read the log
    // three times over.
    QSqlQuery counts = ctx.source.exec(u"SELECT COUNT(*), COUNT(CASE WHEN seq IS NULL THEN 1 END),"
                                       " COUNT(CASE WHEN seq > ? THEN 1 END) FROM "_s
                                               + log + u" WHERE tbl = ?"_s,
                                       {applied, table});
    if (counts.next()) {
        s.logRows = counts.value(0).toLongLong();
        s.unnumbered = s.sequencer ? counts.value(1).toLongLong() : 0;
        s.pending = counts.value(2).toLongLong();
    }
    counts.finish();
    // The oldest change not applied yet: the first numbered one after the checkpoint in number
    // (commit) order, or the first unnumbered one in log order, whichever was logged earlier.
    // Each is one step into an index, where MIN(at) over all of them read every pending row.
    auto ageOfFirst = [&](const QString &where, const QString &order, const QVariantList &binds) {
        const QVariant age = ctx.source.scalar(
                u"SELECT "_s + sql->ageOfOldest() + u" FROM "_s + log + u" WHERE id = (SELECT id FROM "_s
                        + log + u" WHERE tbl = ? AND "_s + where + u" ORDER BY "_s + order
                        + d.limit(1) + u")"_s,
                binds);
        return age.isNull() ? std::optional<double>() : std::optional<double>(qMax(0.0, age.toDouble()));
    };
    const std::optional<double> numbered =
            s.pending > 0 ? ageOfFirst(u"seq > ?"_s, u"seq"_s, {table, applied}) : std::nullopt;
    const std::optional<double> unnumbered =
            s.sequencer && s.unnumbered > 0 ? ageOfFirst(u"seq IS NULL"_s, u"id"_s, {table})
                                            : std::nullopt;
    if (numbered || unnumbered)
        s.oldestPendingAgeS = std::max(numbered.value_or(0.0), unnumbered.value_or(0.0));
    return s;
}

} // namespace tidemark
