#include "sync/checkpointstore.h"

#include "db/dbconnection.h"
#include "db/valuecodec.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlQuery>

using namespace Qt::StringLiterals;

namespace tidemark {

namespace {

QString isoNow()
{
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
}

QString isoOrNull(const QDateTime &dt)
{
    return dt.isValid() ? dt.toUTC().toString(Qt::ISODateWithMs) : QString();
}

QVariant textOrNull(const QString &s)
{
    return s.isNull() ? QVariant(QMetaType::fromType<QString>()) : QVariant(s);
}

} // namespace

QString CheckpointStore::tableName()
{
    return u"_tidemark_state"_s;
}

CheckpointStore::CheckpointStore(DbConnection &mirror)
    : m_mirror(mirror)
{
}

QString CheckpointStore::select(const QStringList &columns) const
{
    return m_mirror.dialect().selectState(tableName(), u"mapping"_s, columns);
}

void CheckpointStore::write(const QStringList &columns, const QVariantList &values)
{
    m_mirror.dialect().writeState(m_mirror, tableName(), columns, values);
}

bool CheckpointStore::exists()
{
    return m_mirror.dialect().tableExists(m_mirror, tableName());
}

void CheckpointStore::ensureTable()
{
    m_mirror.exec(m_mirror.dialect().createStateTable(tableName()));
    m_mirror.exec(m_mirror.dialect().createCaptureStateTable(captureTableName()));
}

QString CheckpointStore::captureTableName()
{
    return u"_tidemark_capture_state"_s;
}

bool CheckpointStore::captureTableExists()
{
    return m_mirror.dialect().tableExists(m_mirror, captureTableName());
}

std::optional<CheckpointStore::CapturePosition>
CheckpointStore::capturePosition(const QString &mapping)
{
    QSqlQuery q = m_mirror.exec(m_mirror.dialect().selectState(captureTableName(), u"mapping"_s,
                                                               {u"applied_seq"_s, u"log_id"_s}),
                                {mapping});
    if (!q.next() || q.value(0).isNull())
        return std::nullopt;
    return CapturePosition{q.value(0).toLongLong(), q.value(1).toString()};
}

std::optional<qint64> CheckpointStore::captureSeq(const QString &mapping, const QString &logId)
{
    const std::optional<CapturePosition> p = capturePosition(mapping);
    if (!p || p->logId != logId)
        return std::nullopt;
    return p->seq;
}

void CheckpointStore::saveCaptureSeq(const QString &mapping, qint64 seq, const QString &logId)
{
    m_mirror.dialect().writeState(m_mirror, captureTableName(),
                                  {u"mapping"_s, u"applied_seq"_s, u"log_id"_s, u"applied_at"_s},
                                  {mapping, seq, logId, isoNow()});
}

Checkpoint CheckpointStore::load(const QString &mapping)
{
    QSqlQuery q = m_mirror.exec(select({u"cursor_value"_s, u"key_value"_s}), {mapping});
    Checkpoint cp;
    if (q.next() && !q.value(0).isNull()) {
        cp.cursor = decodeTypedValue(QJsonDocument::fromJson(q.value(0).toString().toUtf8())
                                             .object());
        cp.key = decodeTypedList(QJsonDocument::fromJson(q.value(1).toString().toUtf8()).array());
    }
    return cp;
}

void CheckpointStore::save(const QString &mapping, const Checkpoint &checkpoint)
{
    const QStringList columns{u"mapping"_s, u"cursor_value"_s, u"key_value"_s,
                              u"checkpoint_at"_s};
    QVariantList values{mapping};
    if (checkpoint.isNull()) {
        values << textOrNull({}) << textOrNull({});
    } else {
        values << QString::fromUtf8(
                QJsonDocument(encodeTypedValue(checkpoint.cursor).toObject()).toJson(
                        QJsonDocument::Compact));
        values << QString::fromUtf8(
                QJsonDocument(encodeTypedList(checkpoint.key)).toJson(QJsonDocument::Compact));
    }
    values << isoNow();
    write(columns, values);
}

void CheckpointStore::clear(const QString &mapping)
{
    save(mapping, Checkpoint{});
}

void CheckpointStore::recordRun(const QString &mapping, const RunRecord &run)
{
    const QStringList columns{u"mapping"_s,          u"last_kind"_s,         u"last_started_at"_s,
                              u"last_finished_at"_s, u"last_rows_written"_s, u"last_rows_deleted"_s,
                              u"last_result"_s,      u"last_error"_s,        u"last_note"_s};
    const QVariantList values{mapping,
                              run.kind,
                              isoOrNull(run.startedAt),
                              isoOrNull(run.finishedAt),
                              run.rowsWritten,
                              run.rowsDeleted,
                              run.result,
                              textOrNull(run.error.isEmpty() ? QString() : run.error),
                              textOrNull(run.note.isEmpty() ? QString() : run.note)};
    write(columns, values);
}

std::optional<RunRecord> CheckpointStore::lastRun(const QString &mapping)
{
    QSqlQuery q = m_mirror.exec(select({u"last_kind"_s, u"last_started_at"_s,
                                        u"last_finished_at"_s, u"last_rows_written"_s,
                                        u"last_rows_deleted"_s, u"last_result"_s,
                                        u"last_error"_s, u"last_note"_s}),
                                {mapping});
    if (!q.next() || q.value(0).isNull())
        return std::nullopt;
    RunRecord run;
    run.kind = q.value(0).toString();
    run.startedAt = QDateTime::fromString(q.value(1).toString(), Qt::ISODateWithMs);
    run.finishedAt = QDateTime::fromString(q.value(2).toString(), Qt::ISODateWithMs);
    run.rowsWritten = q.value(3).toLongLong();
    run.rowsDeleted = q.value(4).toLongLong();
    run.result = q.value(5).toString();
    run.error = q.value(6).toString();
    run.note = q.value(7).toString();
    return run;
}

void CheckpointStore::recordOrphans(const QString &mapping, qint64 orphans)
{
    write({u"mapping"_s, u"orphans"_s, u"orphans_at"_s}, {mapping, orphans, isoNow()});
}

QDateTime CheckpointStore::orphansMeasuredAt(const QString &mapping)
{
    const QVariant v = m_mirror.scalar(select({u"orphans_at"_s}), {mapping});
    return v.isNull() ? QDateTime() : QDateTime::fromString(v.toString(), Qt::ISODateWithMs);
}

std::optional<qint64> CheckpointStore::orphans(const QString &mapping)
{
    const QVariant v = m_mirror.scalar(select({u"orphans"_s}), {mapping});
    if (v.isNull())
        return std::nullopt;
    return v.toLongLong();
}

} // namespace tidemark
