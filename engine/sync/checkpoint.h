#pragma once
// The position of incremental sync: the largest (cursor, key) actually read from the source
// and written to the mirror. Never the clock: an engine that set its watermark to NOW() lost
// every row written while a pass was running.

#include <QDateTime>
#include <QString>
#include <QVariant>
#include <QVariantList>

#include <optional>

namespace tidemark {

struct Checkpoint
{
    QVariant cursor;        // exactly as the source returned it (type kept)
    QVariantList key;       // the key of the last row read, in key order

    bool isNull() const { return !cursor.isValid() || cursor.isNull(); }
    bool operator==(const Checkpoint &) const = default;
};

// The record of one finished operation, as `status` shows it in "last_run".
struct RunRecord
{
    QString kind;                 // "sync", "backfill", "sweep", "resync", "prepare"
    QDateTime startedAt;
    QDateTime finishedAt;
    qint64 rowsWritten = 0;       // upserted rows
    qint64 rowsDeleted = 0;
    QString result;               // "ok", "skipped", "refused", "error", "cancelled"
    QString error;                // empty unless result is error/refused/skipped
    QString note;                 // e.g. "in-sync gate: counts match, skipped"

    double durationS() const { return startedAt.msecsTo(finishedAt) / 1000.0; }
};

} // namespace tidemark
