#include "capture/capturestatus.h"

#include "capture/capturepass.h"
#include "capture/capturesql.h"
#include "capture/sequencer.h"
#include "db/dbconnection.h"
#include "db/dberror.h"
#include "sync/checkpointstore.h"

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
    const QString seq = u"seq"_s;
    const QString table = ctx.sourceTable();
    const qint64 applied = s.appliedSeq.value_or(0);
    s.logRows = ctx.source.scalar(u"SELECT COUNT(*) FROM "_s + log + u" WHERE tbl = ?"_s, {table})
                        .toLongLong();
    s.unnumbered = !s.sequencer ? 0
                                : ctx.source.scalar(u"SELECT COUNT(*) FROM "_s + log
                                                            + u" WHERE tbl = ? AND seq IS NULL"_s,
                                                    {table})
                                          .toLongLong();
    s.pending = ctx.source.scalar(u"SELECT COUNT(*) FROM "_s + log + u" WHERE tbl = ? AND "_s
                                          + seq + u" > ?"_s,
                                  {table, applied})
                        .toLongLong();
    const QString notApplied = u"(seq IS NULL OR seq > ?)"_s;
    const QVariant age = ctx.source.scalar(u"SELECT "_s + sql->ageOfOldest() + u" FROM "_s + log
                                                   + u" WHERE tbl = ? AND "_s + notApplied,
                                           {table, applied});
    if (!age.isNull())
        s.oldestPendingAgeS = qMax(0.0, age.toDouble());
    return s;
}

} // namespace tidemark
