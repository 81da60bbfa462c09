#include "capture/capturepass.h"

#include "capture/captureinstaller.h"
#include "capture/capturesql.h"
#include "capture/changebatch.h"
#include "capture/sequencer.h"
#include "capture/tableidentity.h"
#include "db/dbconnection.h"
#include "db/dberror.h"
#include "drift/keytext.h"
#include "log/logging.h"
#include "sync/backfillpass.h"
#include "sync/checkpointstore.h"
#include "sync/keylookup.h"
#include "sync/mirrorwriter.h"

#include <QSqlQuery>

using namespace Qt::StringLiterals;

namespace tidemark {

namespace {

// Retention removes at most this many log rows per statement, and this many statements per
// pass, so a large backlog of purgeable rows never holds the source for long.
constexpr int kPurgeBatch = 5000;
constexpr int kPurgeBatchesPerPass = 20;

} // namespace

void checkCaptureInstalled(MappingContext &ctx)
{
    const QString hint = u"; run `tidemark-cli prepare` to install it"_s;
    const QString missing = missingCapture(ctx.mapping, ctx.source);
    if (!missing.isEmpty())
        throw DbError(DbError::Kind::Permanent,
                      u"mapping '%1' captures changes by triggers, but "_s.arg(ctx.mapping.name())
                              + missing + hint);
    if (!CheckpointStore(ctx.mirror).captureTableExists())
        throw DbError(DbError::Kind::Permanent,
                      u"mapping '%1': the capture state table '%2' is missing in %3"_s.arg(
                              ctx.mapping.name(), CheckpointStore::captureTableName(),
                              ctx.mirror.describe())
                              + hint);
}

QString captureConsumerId(const MappingContext &ctx)
{
    const ConnectionConfig &c = ctx.mirror.config();
    const QString where = c.driver == DriverKind::Sqlite
            ? c.database
            : u"%1:%2/%3"_s.arg(c.host).arg(c.port).arg(c.database);
    return u"%1 -> %2 %3 %4"_s.arg(ctx.mapping.name(), driverKindName(c.driver), where,
                                   ctx.mirrorTable());
}

CapturePass::CapturePass(MappingContext &ctx)
    : m_ctx(ctx)
{
}

CaptureResult CapturePass::run()
{
    const ResolvedMapping &m = m_ctx.mapping;
    auto log = logger("capture.consumer");
    checkCaptureInstalled(m_ctx);
    const std::unique_ptr<CaptureSql> sql = CaptureSql::create(m_ctx.source.config().driver);
    CaptureResult result;

    // Registered before anything is read: from here on retention keeps this consumer's rows.
    m_ctx.source.exec(sql->registerConsumer(), {captureConsumerId(m_ctx), m_ctx.sourceTable()});

    // Before anything of the table is read: what the mirror is reconciled with below, or by
    // the first backfill, is the table as it was from here on (capture/tableidentity.h).
    TableIdentity identity(m_ctx);

    CheckpointStore store(m_ctx.mirror);
    Sequencer sequencer(m_ctx.source, *sql);
    m_logId = sequencer.logId();
    std::optional<qint64> applied = store.captureSeq(m.name(), m_logId);
    Reconciliation reconciled;
    if (!applied) {
        // Never applied, or applied from a log that was removed since (a new log numbers from
        // 1 again): both start over.
        m_ctx.report({u"capture: first backfill"_s, 0, -1});
        const BackfillResult b = BackfillPass(m_ctx).run();
        result.backfilled = true;
        result.backfillWritten = b.inserted + b.updated;
        Transaction tx(m_ctx.mirror);
        store.saveCaptureSeq(m.name(), 0, m_logId);
        tx.commit();
        applied = 0;
        identity.keep();
        log->info("mapping '{}': first capture pass backfilled {} rows; applying the whole log",
                  m.name(), result.backfillWritten);
    } else {
        reconciled = reconcileTableIdentity(m_ctx, identity);
        result.deleted += reconciled.deleted;
        result.reconciliation = reconciled.note;
    }

    // Number what has committed so far; what commits later is numbered by the next pass.
    result.numbered = sequencer.numberAll();

    qint64 after = *applied;
    for (bool more = true; more;) {
        m_ctx.checkCancelled();
        after = applyBatch(after, result, more);
    }
    result.appliedSeq = after;
    purge(result);
    if (!reconciled.refusal.isEmpty()) {
        // Reported after the log was applied, so what the log knows still reaches the mirror.
        log->warn("{}", reconciled.refusal);
        result.refusal = reconciled.refusal;
    }
    return result;
}

qint64 CapturePass::applyBatch(qint64 after, CaptureResult &result, bool &more)
{
    const ResolvedMapping &m = m_ctx.mapping;
    const std::unique_ptr<CaptureSql> sql = CaptureSql::create(m_ctx.source.config().driver);
    const Dialect &src = m_ctx.source.dialect();
    const QString seq = u"seq"_s;
    QSqlQuery q = m_ctx.source.exec(u"SELECT "_s + seq + u", op, key_value FROM "_s
                                            + src.quote(capture::logTable()) + u" WHERE tbl = ? AND "_s
                                            + seq + u" > ? ORDER BY "_s + seq
                                            + src.limit(m.config.batchRows),
                                    {m_ctx.sourceTable(), after});
    // The last operation per key, in log order, after the last truncate (capture/changebatch.h).
    ChangeBatch batch;
    // Under "deletes": "none" the mirror keeps what the source deleted, a truncated table's
    // rows included: a truncate is then no barrier, and the operations before it are applied
    // as ever (their re-read finds no live row, so they delete, and deletes are skipped).
    const bool keepDeleted = m.config.deletes == DeletePolicy::None;
    qint64 last = after;
    qint64 read = 0;
    qint64 truncates = 0;
    while (q.next()) {
        last = q.value(0).toLongLong();
        ++read;
        const QString op = q.value(1).toString();
        if (op == capture::truncateOp()) {
            ++truncates;
            if (!keepDeleted)
                batch.addTruncate();
            continue;
        }
        const QString text = q.value(2).toString();
        QString error;
        const std::optional<QVariantList> key = parseKeyText(text, m, &error);
        if (!key)
            throw DbError(DbError::Kind::Permanent,
                          u"mapping '%1': change log entry %2 in %3 has a key that does not read"
                          " back: %4"_s.arg(m.name())
                                  .arg(last)
                                  .arg(m_ctx.source.describe(), error));
        batch.add(*key, op == u"D"_s);
    }
    q.finish();
    more = read == m.config.batchRows;
    if (read == 0)
        return after;

    const QList<QVariantList> keys = batch.keys();
    // The log says which keys changed; the live rows say what they are now, for deletes too. A
    // later change of the same key is applied early, harmlessly (its own log row then finds the
    // mirror current). A key gone since is a delete, and a key that is back (deleted, then
    // inserted again) is an upsert whatever its last logged operation: on MariaDB a
    // transaction's log rows can be numbered out of their order (the sequencer's SKIP LOCKED
    // can find a committing transaction's later row unlocked before its earlier one), and a
    // delete applied on the log's word alone then removed a row the source still had.
    const QHash<QString, QVariantList> live =
            fetchRowsByKeys(m_ctx.source, m.sourceSchema, m_ctx.sourceTable(), m.columns, m.key,
                            keys);
    QList<QVariantList> rows;
    QList<QVariantList> deleteKeys;
    for (const QVariantList &key : std::as_const(keys)) {
        const auto it = live.constFind(keyIdentity(key));
        if (it == live.constEnd())
            deleteKeys << key;
        else
            rows << *it;
    }
    // The mirror keeps what the source deleted, as the project says. After a truncate the
    // keys to delete are not in the mirror either: it was emptied, and holds only the upserts.
    if (keepDeleted || batch.truncates())
        deleteKeys.clear();

    MirrorWriter writer(m_ctx.mirror, m.mirrorSchema, m_ctx.mirrorTable(), m.columns, m.key);
    CheckpointStore store(m_ctx.mirror);
    Transaction tx(m_ctx.mirror);
    // Emptied first, in the batch's transaction: the rows logged after the truncate are then
    // upserted into an empty table, and the checkpoint past the truncate commits with both.
    const qint64 emptied = batch.truncates() ? writer.deleteAll() : 0;
    const WriteCounts counts = writer.upsertChanged(rows);
    const qint64 deleted = emptied + (deleteKeys.isEmpty() ? 0 : writer.deleteKeys(deleteKeys));
    store.saveCaptureSeq(m.name(), last, m_logId);
    tx.commit();
    if (truncates > 0) {
        result.truncates += truncates;
        auto log = logger("capture.consumer");
        if (keepDeleted)
            log->info("mapping '{}': source table '{}' was truncated; \"deletes\": \"none\""
                      " keeps the rows of mirror table '{}'",
                      m.name(), m_ctx.sourceTable(), m_ctx.mirrorTable());
        else
            log->info("mapping '{}': source table '{}' was truncated; removed all {} rows of"
                      " mirror table '{}', then wrote the {} rows inserted or updated after it",
                      m.name(), m_ctx.sourceTable(), emptied, m_ctx.mirrorTable(), rows.size());
    }

    result.changesRead += read;
    result.upserted += counts.written();
    result.unchanged += counts.unchanged;
    result.deleted += deleted;
    ++result.batches;
    m_ctx.report({u"capture"_s, result.changesRead, -1});

    // After the mirror's commit, so the source's record is never ahead of the mirror: it only
    // decides what retention may purge.
    m_ctx.source.exec(u"UPDATE "_s + src.quote(capture::consumersTable())
                              + u" SET applied_seq = ? WHERE consumer = ?"_s,
                      {last, captureConsumerId(m_ctx)});
    return last;
}

qint64 CapturePass::purge(CaptureResult &result)
{
    const std::unique_ptr<CaptureSql> sql = CaptureSql::create(m_ctx.source.config().driver);
    const Dialect &src = m_ctx.source.dialect();
    const QVariant bound = m_ctx.source.scalar(u"SELECT min(applied_seq) FROM "_s
                                                       + src.quote(capture::consumersTable())
                                                       + u" WHERE tbl = ?"_s,
                                               {m_ctx.sourceTable()});
    if (bound.isNull() || bound.toLongLong() <= 0)
        return 0;
    for (int i = 0; i < kPurgeBatchesPerPass; ++i) {
        m_ctx.checkCancelled();
        QSqlQuery q = m_ctx.source.exec(sql->purgeBatch(kPurgeBatch),
                                        {m_ctx.sourceTable(), bound.toLongLong()});
        const int n = q.numRowsAffected();
        result.purged += qMax(0, n);
        if (n < kPurgeBatch)
            break;
    }
    return result.purged;
}

} // namespace tidemark
