#pragma once
// Value types the engine hands out: snapshots, never pointers to engine state. They cross
// threads by copy through queued signals. Their JSON form is api/statusjson.h.

#include "run/mappinghold.h"
#include "sync/checkpoint.h"
#include "sync/mappingcontext.h"
#include "sync/operations.h"
#include "sync/statusprobe.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>

#include <optional>

namespace tidemark {

// Standby: another instance holds the mapping (run/mappinghold.h); this one asks again each
// interval and takes over when the holder is gone.
enum class MappingState { Idle, Running, Waiting, Paused, Error, Standby };
QString mappingStateName(MappingState state);   // SPEC spelling: "idle", "running", ...

enum class ConnectionState { NeverConnected, Connected, Disconnected, Reconnecting };
QString connectionStateName(ConnectionState state);  // "never connected", "connected", ...

struct MappingStatus
{
    QString name;
    QString source;               // "src:orders"
    QString mirror;               // "pg:orders"
    MappingState state = MappingState::Idle;
    QString operation;            // the operation running, empty when none
    Progress progress;            // of the running operation
    qint64 sourceRows = -1;       // -1: not measured yet
    qint64 mirrorRows = -1;
    // When sourceRows, mirrorRows and nullCursorRows were counted: a worker counts whole tables
    // only as often as its time budget allows (run/mappingworker.h), so they can trail the rest.
    QDateTime rowsCountedAt;
    qint64 backlog = -1;
    qint64 nullCursorRows = 0;
    std::optional<qint64> orphans;
    QDateTime orphansMeasuredAt;  // orphans are counted by sweeps: this says how current it is
    Checkpoint checkpoint;
    std::optional<RunRecord> lastRun;
    QDateTime lastSyncAt;         // last successful sync or backfill
    double rowsPerSecond = 0;     // rows written per second, averaged over the last minute
    QString lastError;
    QDateTime nextRunAt;
    bool hasCursor = false;
    // How far the mirror trails: the source's newest cursor minus the checkpoint, in seconds
    // for date/time cursors, in cursor units for numeric ones; unset when unknown or no cursor.
    std::optional<double> lag;
    bool lagInSeconds = false;
    // validate's warnings about this mapping (sync/cursorwarnings.h), from the worker's latest
    // check of the project against the live catalog; empty until it checked.
    QStringList warnings;
    // The effective key with the source's column types, from the same check; empty until it
    // checked. The monitor reads key text an operator types (a key range) against these.
    QList<ColumnInfo> keyColumns;
    // The latest diff or scheduled verification; unset until one ran (status "drift": null).
    std::optional<DriftSummary> drift;
    // Trigger capture's state (sync/statusprobe.h); unset for mappings without capture.
    std::optional<CaptureStatus> capture;
    // Which instance runs the mapping (itself when `holder->self`), as this instance's last
    // attempt to take or renew the hold found it; unset until it tried.
    std::optional<MappingHolder> holder;
    // The most recent runs, oldest first, skipped ones included (at most kHistoryLength).
    QList<RunRecord> history;
    static constexpr int kHistoryLength = 50;

    // The snapshot of a mapping nothing has been measured for yet.
    static MappingStatus initial(const MappingConfig &mapping);
    // Takes over what a measurement found (counts, backlog, checkpoint, orphans). The last run
    // is taken only when none is known yet: a run that just finished is newer than the state
    // table's record of it.
    void apply(const StatusMeasurement &measurement);
};

struct ConnectionStatus
{
    QString name;
    QString description;
    ConnectionState state = ConnectionState::NeverConnected;
    QString lastError;
    QDateTime lastErrorAt;
    QDateTime nextAttemptAt;      // while reconnecting
    QDateTime since;              // when it entered `state`
    int attempts = 0;             // failed attempts since it was last connected
    QStringList mappings;         // the mappings that use it
};

} // namespace tidemark

Q_DECLARE_METATYPE(tidemark::MappingStatus)
Q_DECLARE_METATYPE(tidemark::ConnectionStatus)
Q_DECLARE_METATYPE(tidemark::OperationResult)
Q_DECLARE_METATYPE(tidemark::OperationKind)
Q_DECLARE_METATYPE(tidemark::OperationOptions)
Q_DECLARE_METATYPE(tidemark::Progress)
