#pragma once
// The engine running inside this process: one worker thread per mapping, a schedule per
// mapping, coalesced requests, and batched status snapshots.

#include "api/engine.h"
#include "project/projectconfig.h"
#include "run/operationqueue.h"
#include "run/workerthread.h"
#include "sync/statusprobe.h"

#include <QMap>
#include <QTimer>

#include <atomic>
#include <memory>

namespace tidemark {

class ConnectionMonitor;
class DriftWorker;
class MappingWorker;

struct EngineOptions
{
    bool schedule = true;          // run each mapping's sync on its interval
    int snapshotIntervalMs = 250;  // how often batched status goes out
    bool prepareMissing = true;    // create a missing mirror/state table on first run
    int reconnectInitialMs = 1000; // first reconnect attempt after a connection is lost
    int reconnectMaxMs = 60'000;   // the back-off (doubling, with jitter) stops growing here
    // stop(): how long running statements may take to finish before their connections are
    // closed under them (the batch in hand is then rolled back by the server).
    int stopGraceMs = 3000;
    // This instance's name in the mappings' holds (run/mappinghold.h): each mapping runs in
    // one instance at a time, and `status` shows which. Empty: "hostname:pid".
    QString instance;
};

class EmbeddedEngine final : public Engine
{
    Q_OBJECT
public:
    explicit EmbeddedEngine(Project project, EngineOptions options = {}, QObject *parent = nullptr);
    ~EmbeddedEngine() override;

    void start() override;
    void stop() override;
    QList<MappingStatus> mappings() const override;
    QList<ConnectionStatus> connections() const override;
    quint64 request(const QString &mapping, OperationKind kind,
                    const OperationOptions &options = {}) override;
    void cancel(const QString &mapping) override;
    void setPaused(const QString &mapping, bool paused) override;
    void reconnect(const QString &connection) override;
    quint64 checkDrift(const QString &mapping, const DriftCheckOptions &options = {}) override;
    quint64 repairDrift(const QString &mapping, const DriftRepairOptions &options) override;
    quint64 explainDriftKey(const QString &mapping, const QVariantList &key) override;
    quint64 exportDrift(const QString &mapping, DriftExportFormat format,
                        const QString &path) override;
    void cancelDrift(const QString &mapping) override;

    const Project &project() const { return m_project; }
    const QString &instance() const { return m_options.instance; }
    // True when nothing is queued or running (tests wait for this), drift work included.
    bool idle() const;
    // Checks run or running for the mapping since start, scheduled ones only (tests).
    int scheduledChecks(const QString &mapping) const;

private:
    struct Slot;
    struct DriftJob;
    // `byOperator`: an operator asked (request()), as opposed to the schedule; a due scheduled
    // drift check yields to an operator's operation on the mapping.
    quint64 enqueue(Slot &slot, OperationKind kind, const OperationOptions &options,
                    bool byOperator);
    void dispatch(Slot &slot);
    quint64 enqueueDrift(const QString &mapping, DriftJob job);
    void dispatchDrift(Slot &slot);
    void scheduleVerify(Slot &slot, const QDateTime &now);
    void handleDriftChecked(quint64 id, const DriftCheckResult &result);
    void handleDriftRepaired(quint64 id, const DriftRepairResult &result);
    void finishDrift(const QString &mapping);
    void handleStarted(quint64 id, const QString &mapping, OperationKind kind);
    void handleProgress(const QString &mapping, const Progress &progress);
    void handleFinished(quint64 id, const QString &mapping, const OperationResult &result);
    void handleMeasured(const QString &mapping, const StatusMeasurement &m);
    void handleMeasureFailed(const QString &mapping, const QString &error, bool transient);
    void handleChecked(const QString &mapping, const QStringList &warnings,
                       const QList<ColumnInfo> &key);
    void handleHolder(const QString &mapping, const MappingHolder &holder);
    void handleConnection(const QString &connection, bool up, const QString &error,
                          bool transient);
    void scheduleTick();
    void startAttempts(const QDateTime &now);
    // Which endpoint of the mapping is not usable, and why; empty when both are.
    QString unavailable(const Slot &slot) const;
    void recordSkipped(Slot &slot, OperationKind kind, const QString &reason,
                       const QDateTime &now);
    void addHistory(Slot &slot, const RunRecord &run);
    void markDirty() { m_dirty = true; }
    void publish();

    Project m_project;
    EngineOptions m_options;
    std::map<QString, std::unique_ptr<Slot>> m_slots;   // by mapping name
    std::unique_ptr<ConnectionMonitor> m_monitor;
    QTimer m_scheduleTimer;
    QTimer m_publishTimer;
    bool m_dirty = false;
    bool m_connectionsDirty = false;
    quint64 m_lastDriftId = 0;
    bool m_started = false;
    bool m_stopped = false;
};

} // namespace tidemark
