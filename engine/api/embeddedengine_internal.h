#pragma once
// What the files of EmbeddedEngine share: a mapping's slot (its queue, its worker threads, its
// status and schedule) and a queued drift request. embeddedengine.cpp runs the sync workers,
// the schedule and the snapshots; embeddedengine_drift.cpp the drift requests and the
// verify_interval_s schedule. Internal to them; nothing else includes it.

#include "api/embeddedengine.h"

#include <QSet>

#include <deque>
#include <optional>

namespace tidemark {

struct EmbeddedEngine::DriftJob
{
    enum Kind { Check, Repair, Explain, Export };
    Kind kind = Check;
    quint64 id = 0;
    bool scheduled = false;
    DriftCheckOptions check;
    DriftRepairOptions repair;
    QVariantList key;
    DriftExportFormat format = DriftExportFormat::Html;
    QString path;
};

struct EmbeddedEngine::Slot
{
    QString name;
    int intervalS = 5;
    OperationQueue queue;
    std::shared_ptr<std::atomic<bool>> cancel = std::make_shared<std::atomic<bool>>(false);
    WorkerThread thread;
    MappingWorker *worker = nullptr;   // lives in `thread`; deleted after it stops
    MappingStatus status;
    bool paused = false;
    int failures = 0;                  // consecutive transient failures, for the back-off
    int sweepIntervalS = 0;            // 0: sweeps only on request
    QDateTime nextSweepAt;
    // Why the last sweep was refused; shown as the mapping's error until a sweep succeeds, so a
    // sync that succeeds meanwhile does not hide that deletes are not reaching the mirror.
    QString sweepRefusal;
    std::deque<std::pair<qint64, qint64>> written;   // (ms since epoch, rows) in the last minute
    QString source;                    // connection names
    QString mirror;
    // A connection it uses came back: run the catch-up (sync, then the sweep where configured)
    // once both endpoints are up. A flag, not a request per event: however many connections
    // come back together, the catch-up runs once.
    bool catchUpPending = false;
    // Operations an operator asked for, queued or running: a due scheduled check waits for
    // none of them but is skipped while there is one (an operator's backfill or sweep says
    // the operator is working on this mapping; a check then would compete for the same rows).
    QSet<quint64> operatorRequests;

    // Drift: checks, repairs, explains and exports, one at a time, in a thread of their own,
    // started on first use.
    WorkerThread driftThread;
    DriftWorker *driftWorker = nullptr;   // lives in driftThread; deleted after it stops
    std::shared_ptr<std::atomic<bool>> driftCancel = std::make_shared<std::atomic<bool>>(false);
    std::deque<DriftJob> driftPending;
    std::optional<DriftJob> driftCurrent;
    int verifyIntervalS = 0;              // 0: checks only on request
    QDateTime nextVerifyAt;               // invalid while a scheduled check is queued or running
    int scheduledChecks = 0;
};

} // namespace tidemark
