#include "api/embeddedengine.h"

#include "log/logging.h"
#include "run/mappingworker.h"

#include <deque>

using namespace Qt::StringLiterals;

namespace tidemark {

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
};

namespace {

void registerTypes()
{
    qRegisterMetaType<MappingStatus>();
    qRegisterMetaType<ConnectionStatus>();
    qRegisterMetaType<OperationResult>();
    qRegisterMetaType<OperationKind>();
    qRegisterMetaType<OperationOptions>();
    qRegisterMetaType<Progress>();
    qRegisterMetaType<StatusMeasurement>();
    qRegisterMetaType<QList<MappingStatus>>();
    qRegisterMetaType<QList<ConnectionStatus>>();
}

constexpr qint64 kRateWindowMs = 60'000;

} // namespace

EmbeddedEngine::EmbeddedEngine(Project project, EngineOptions options, QObject *parent)
    : Engine(parent)
    , m_project(std::move(project))
    , m_options(options)
{
    registerTypes();
    for (const MappingConfig &m : m_project.mappings) {
        auto slot = std::make_unique<Slot>();
        slot->name = m.name;
        slot->intervalS = m.intervalS;
        if (m.deletes == DeletePolicy::Sweep)
            slot->sweepIntervalS = m.sweepIntervalS;
        slot->status = MappingStatus::initial(m);
        m_slots.emplace(m.name, std::move(slot));
    }
    for (const ConnectionConfig &c : m_project.connections) {
        ConnectionStatus s;
        s.name = c.name;
        s.description = c.describe();
        m_connections.insert(c.name, s);
    }
    m_scheduleTimer.setInterval(250);
    connect(&m_scheduleTimer, &QTimer::timeout, this, &EmbeddedEngine::scheduleTick);
    m_publishTimer.setInterval(m_options.snapshotIntervalMs);
    connect(&m_publishTimer, &QTimer::timeout, this, &EmbeddedEngine::publish);
}

EmbeddedEngine::~EmbeddedEngine()
{
    stop();
}

void EmbeddedEngine::start()
{
    if (m_started)
        return;
    m_started = true;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (auto &[name, slot] : m_slots) {
        slot->thread = startWorkerThread(u"tidemark-mapping-"_s + name);
        slot->worker = new MappingWorker(m_project, name, slot->cancel, m_options.prepareMissing);
        slot->worker->moveToThread(slot->thread.get());
        MappingWorker *w = slot->worker;
        connect(w, &MappingWorker::operationStarted, this, &EmbeddedEngine::handleStarted);
        connect(w, &MappingWorker::progressed, this, &EmbeddedEngine::handleProgress);
        connect(w, &MappingWorker::operationFinished, this, &EmbeddedEngine::handleFinished);
        connect(w, &MappingWorker::measured, this, &EmbeddedEngine::handleMeasured);
        connect(w, &MappingWorker::measureFailed, this, &EmbeddedEngine::handleMeasureFailed);
        connect(w, &MappingWorker::connectionObserved, this, &EmbeddedEngine::handleConnection);
        slot->status.nextRunAt = now;
        // The first sweep comes soon after start, so orphans are measured early.
        if (slot->sweepIntervalS > 0)
            slot->nextSweepAt = now.addSecs(std::min(slot->sweepIntervalS, 10));
        QMetaObject::invokeMethod(w, &MappingWorker::measure, Qt::QueuedConnection);
    }
    if (m_options.schedule)
        m_scheduleTimer.start();
    m_publishTimer.start();
    logger("sync.engine")->info("engine started with {} mappings from {}", m_slots.size(),
                                m_project.filePath);
}

void EmbeddedEngine::stop()
{
    if (!m_started || m_stopped)
        return;
    m_stopped = true;
    m_scheduleTimer.stop();
    // Ask every worker to stop first, then wait for each: the batch in hand commits or rolls
    // back together with its checkpoint, so stopping at any moment loses nothing.
    for (auto &[name, slot] : m_slots) {
        slot->queue.clearPending();
        slot->cancel->store(true);
    }
    for (auto &[name, slot] : m_slots) {
        if (!slot->worker)
            continue;
        QMetaObject::invokeMethod(slot->worker, &MappingWorker::shutdown,
                                  Qt::BlockingQueuedConnection);
        slot->thread.reset();   // quit() + wait()
        delete slot->worker;    // its thread has finished: nothing else touches it
        slot->worker = nullptr;
    }
    publish();
    m_publishTimer.stop();
    logger("sync.engine")->info("engine stopped");
}

QList<MappingStatus> EmbeddedEngine::mappings() const
{
    QList<MappingStatus> list;
    for (const MappingConfig &m : m_project.mappings)   // project order, not name order
        list << m_slots.at(m.name)->status;
    return list;
}

QList<ConnectionStatus> EmbeddedEngine::connections() const
{
    return m_connections.values();
}

quint64 EmbeddedEngine::request(const QString &mapping, OperationKind kind,
                                const OperationOptions &options)
{
    auto it = m_slots.find(mapping);
    if (it == m_slots.end() || m_stopped) {
        logger("sync.engine")->warn("request for unknown mapping '{}' ignored", mapping);
        return 0;
    }
    Slot &slot = *it->second;
    const OperationQueue::Enqueued e = slot.queue.enqueue(kind, options);
    if (e.joined)
        logger("sync.engine")->info("mapping '{}': {} is already queued or running; the request "
                                    "joins it",
                                    mapping, operationName(kind));
    dispatch(slot);
    return e.id;
}

void EmbeddedEngine::dispatch(Slot &slot)
{
    if (!m_started || m_stopped || !slot.worker)
        return;
    const std::optional<OperationRequest> next = slot.queue.startNext();
    if (!next)
        return;
    slot.cancel->store(false);
    MappingWorker *w = slot.worker;
    const OperationRequest r = *next;
    QMetaObject::invokeMethod(
            w, [w, r] { w->runOperation(r.id, r.kind, r.options); }, Qt::QueuedConnection);
}

void EmbeddedEngine::cancel(const QString &mapping)
{
    auto it = m_slots.find(mapping);
    if (it == m_slots.end())
        return;
    it->second->queue.clearPending();
    it->second->cancel->store(true);
}

void EmbeddedEngine::setPaused(const QString &mapping, bool paused)
{
    for (auto &[name, slot] : m_slots) {
        if (!mapping.isEmpty() && name != mapping)
            continue;
        slot->paused = paused;
        if (slot->status.state == MappingState::Idle && paused)
            slot->status.state = MappingState::Paused;
        else if (slot->status.state == MappingState::Paused && !paused)
            slot->status.state = MappingState::Idle;
        if (!paused)
            slot->status.nextRunAt = QDateTime::currentDateTimeUtc();
    }
    markDirty();
}

void EmbeddedEngine::reconnect(const QString &connection)
{
    Q_UNUSED(connection);
}

bool EmbeddedEngine::idle() const
{
    for (const auto &[name, slot] : m_slots)
        if (!slot->queue.idle())
            return false;
    return true;
}

void EmbeddedEngine::scheduleTick()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (auto &[name, slot] : m_slots) {
        if (slot->paused || !slot->queue.idle())
            continue;
        if (slot->nextSweepAt.isValid() && slot->nextSweepAt <= now
            && slot->status.state != MappingState::Waiting) {
            // A scheduled sweep is never forced: above max_sweep_fraction or on an empty source
            // it is refused and says so in the status, until an operator decides.
            slot->nextSweepAt = now.addSecs(slot->sweepIntervalS);
            request(name, OperationKind::Sweep);
            continue;
        }
        if (!slot->status.nextRunAt.isValid() || slot->status.nextRunAt > now)
            continue;
        slot->status.nextRunAt = {};
        request(name, OperationKind::Sync);
    }
}

void EmbeddedEngine::handleStarted(quint64, const QString &mapping, OperationKind kind)
{
    Slot &slot = *m_slots.at(mapping);
    slot.status.state = MappingState::Running;
    slot.status.operation = operationName(kind);
    slot.status.progress = Progress{operationName(kind), 0, -1};
    markDirty();
}

void EmbeddedEngine::handleProgress(const QString &mapping, const Progress &progress)
{
    m_slots.at(mapping)->status.progress = progress;
    markDirty();
}

void EmbeddedEngine::handleFinished(quint64 id, const QString &mapping,
                                    const OperationResult &result)
{
    Slot &slot = *m_slots.at(mapping);
    slot.queue.finishCurrent();
    MappingStatus &s = slot.status;
    s.operation.clear();
    s.progress = {};
    s.lastRun = result.run;
    const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
    if (result.run.rowsWritten > 0)
        slot.written.emplace_back(nowMs, result.run.rowsWritten);
    while (!slot.written.empty() && slot.written.front().first < nowMs - kRateWindowMs)
        slot.written.pop_front();
    qint64 rows = 0;
    for (const auto &entry : slot.written)
        rows += entry.second;
    s.rowsPerSecond = double(rows) / (kRateWindowMs / 1000.0);

    int delayS = slot.intervalS;
    if (result.run.result == u"error") {
        s.lastError = result.run.error;
        if (result.transient) {
            // Back off on repeated failures (doubling, capped at five minutes) so a server that
            // is down is not hammered; any success resets it.
            slot.failures = std::min(slot.failures + 1, 10);
            delayS = std::min(300, slot.intervalS << std::min(slot.failures, 6));
            s.state = MappingState::Waiting;
        } else {
            s.state = MappingState::Error;
        }
    } else {
        slot.failures = 0;
        if (result.run.kind == u"sweep" || result.run.kind == u"resync")
            slot.sweepRefusal = result.refused() ? result.run.error : QString();
        if (result.run.result == u"refused" || result.run.result == u"cancelled")
            s.lastError = result.run.error;
        else
            s.lastError = slot.sweepRefusal;
        if (result.run.result == u"ok"
            && (result.run.kind == u"sync" || result.run.kind == u"backfill"
                || result.run.kind == u"resync"))
            s.lastSyncAt = result.run.finishedAt;
        s.state = slot.paused ? MappingState::Paused : MappingState::Idle;
    }
    s.nextRunAt = QDateTime::currentDateTimeUtc().addSecs(delayS);
    markDirty();
    Q_EMIT operationFinished(id, mapping, result);
    dispatch(slot);
}

void EmbeddedEngine::handleMeasured(const QString &mapping, const StatusMeasurement &m)
{
    m_slots.at(mapping)->status.apply(m);
    markDirty();
}

void EmbeddedEngine::handleMeasureFailed(const QString &mapping, const QString &error,
                                         bool transient)
{
    Slot &slot = *m_slots.at(mapping);
    slot.status.lastError = error;
    if (slot.status.state != MappingState::Running)
        slot.status.state = transient ? MappingState::Waiting : MappingState::Error;
    markDirty();
}

void EmbeddedEngine::handleConnection(const QString &connection, bool up, const QString &error)
{
    ConnectionStatus &c = m_connections[connection];
    const ConnectionState before = c.state;
    if (up) {
        c.state = ConnectionState::Connected;
    } else {
        c.state = ConnectionState::Disconnected;
        c.lastError = error;
        c.lastErrorAt = QDateTime::currentDateTimeUtc();
    }
    if (before != c.state) {
        m_connectionsDirty = true;
        logger("sync.engine")->info("connection '{}' is now {}", connection,
                                    connectionStateName(c.state));
    }
}

void EmbeddedEngine::publish()
{
    if (m_dirty) {
        m_dirty = false;
        Q_EMIT statusChanged(mappings());
    }
    if (m_connectionsDirty) {
        m_connectionsDirty = false;
        Q_EMIT connectionsChanged(connections());
    }
}

} // namespace tidemark
