#pragma once
// Tidemark's state table in the mirror database: one row per mapping with its checkpoint, the
// last run, and the last orphan count. The checkpoint is written inside the same transaction
// as the batch it covers, so a crash between the two cannot happen: either both are there or
// neither is, and the next pass resumes exactly.

#include "sync/checkpoint.h"

#include <QString>
#include <QStringList>
#include <QVariantList>

#include <optional>

namespace tidemark {

class DbConnection;

class CheckpointStore
{
public:
    static QString tableName();   // "_tidemark_state"

    explicit CheckpointStore(DbConnection &mirror);

    bool exists();
    void ensureTable();           // CREATE TABLE IF NOT EXISTS (prepare), both tables

    // Trigger capture's checkpoint: the last change-log number applied to the mirror, kept in
    // a table of its own (`_tidemark_capture_state`, one whole row per mapping) and written in
    // the mirror transaction of the changes it covers. nullopt before the first capture pass.
    // The number counts in the log named by `logId` (capture/capturesql.h): a checkpoint of
    // another log (one removed and installed again) is no checkpoint at all.
    static QString captureTableName();
    bool captureTableExists();
    struct CapturePosition
    {
        qint64 seq = 0;
        QString logId;
    };
    std::optional<CapturePosition> capturePosition(const QString &mapping);
    // The applied number when it counts in `logId`, else nullopt.
    std::optional<qint64> captureSeq(const QString &mapping, const QString &logId);
    void saveCaptureSeq(const QString &mapping, qint64 seq, const QString &logId);

    Checkpoint load(const QString &mapping);
    // Caller holds the mirror transaction that also writes the batch.
    void save(const QString &mapping, const Checkpoint &checkpoint);
    void clear(const QString &mapping);

    void recordRun(const QString &mapping, const RunRecord &run);
    std::optional<RunRecord> lastRun(const QString &mapping);

    void recordOrphans(const QString &mapping, qint64 orphans);
    std::optional<qint64> orphans(const QString &mapping);
    // When the orphan count was measured; a count is only as current as its last sweep.
    QDateTime orphansMeasuredAt(const QString &mapping);

private:
    // Every read and write of the state table goes through these: the dialect decides the
    // table's layout (Dialect::selectState / writeState). `columns` of write() start with
    // "mapping". A new field is a new column name here (and in each dialect's
    // createStateTable, except ClickHouse's, which keeps one row per field).
    QString select(const QStringList &columns) const;
    void write(const QStringList &columns, const QVariantList &values);

    DbConnection &m_mirror;
};

} // namespace tidemark
