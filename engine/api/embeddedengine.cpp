#include "api/embeddedengine.h"
#include "api/embeddedengine_internal.h"

#include "db/statementwatchdog.h"
#include "drift/keytext.h"
#include "log/logging.h"
#include "run/connectionmonitor.h"
#include "run/driftworker.h"
#include "run/mappingworker.h"

#include <QDeadlineTimer>

using namespace Qt::StringLiterals;

namespace tidemark {

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
    qRegisterMetaType<MappingHolder>();
    qRegisterMetaType<QList<MappingStatus>>();
    qRegisterMetaType<QList<ConnectionStatus>>();
    qRegisterMetaType<DriftCheckResult>();
    qRegisterMetaType<DriftRepairResult>();
    qRegisterMetaType<DriftExplainResult>();
    qRegisterMetaType<DriftExportResult>();
}

constexpr qint64 kRateWindowMs = 60'000;

} // namespace

EmbeddedEngine::EmbeddedEngine(Project project, EngineOptions options, QObject *parent)
    : Engine(parent)
    , m_project(std::move(project))
    , m_options(options)
{
    registerTypes();
    if (m_options.instance.isEmpty())
        m_options.instance = defaultInstanceName();
    for (const MappingConfig &m : m_project.mappings) {
        auto slot = std::make_unique<Slot>();
        slot->name = m.name;
        slot->intervalS = m.intervalS;
        if (m.deletes == DeletePolicy::Sweep)
            slot->sweepIntervalS = m.sweepIntervalS;
        slot->verifyIntervalS = m.verifyIntervalS;
        slot->status = MappingStatus::initial(m);
        slot->source = m.source.connection;
        slot->mirror = m.mirror.connection;
        m_slots.emplace(m.name, std::move(slot));
    }
    m_monitor = std::make_unique<ConnectionMonitor>(
            m_project, ReconnectPolicy{m_options.reconnectInitialMs, m_options.reconnectMaxMs});
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
        slot->worker = new MappingWorker(m_project, name, slot->cancel, m_options.prepareMissing,
                                         m_options.instance);
        slot->worker->moveToThread(slot->thread.get());
        MappingWorker *w = slot->worker;
        connect(w, &MappingWorker::operationStarted, this, &EmbeddedEngine::handleStarted);
        connect(w, &MappingWorker::progressed, this, &EmbeddedEngine::handleProgress);
        connect(w, &MappingWorker::operationFinished, this, &EmbeddedEngine::handleFinished);
        connect(w, &MappingWorker::measured, this, &EmbeddedEngine::handleMeasured);
        connect(w, &MappingWorker::measureFailed, this, &EmbeddedEngine::handleMeasureFailed);
        connect(w, &MappingWorker::checked, this, &EmbeddedEngine::handleChecked);
        connect(w, &MappingWorker::connectionObserved, this, &EmbeddedEngine::handleConnection);
        connect(w, &MappingWorker::holderObserved, this, &EmbeddedEngine::handleHolder);
        slot->status.nextRunAt = now;
        // The first sweep comes soon after start, so orphans are measured early.
        if (slot->sweepIntervalS > 0)
            slot->nextSweepAt = now.addSecs(std::min(slot->sweepIntervalS, 10));
        // Likewise the first scheduled check, so drift shows soon after the monitor starts.
        if (slot->verifyIntervalS > 0)
            slot->nextVerifyAt = now.addSecs(std::min(slot->verifyIntervalS, 10));
        QMetaObject::invokeMethod(w, &MappingWorker::measure, Qt::QueuedConnection);
    }
    if (m_options.schedule)
        m_scheduleTimer.start();
    m_publishTimer.start();
    logger("sync.engine")->info("engine started as instance '{}' with {} mappings from {}",
                                m_options.instance, m_slots.size(), m_project.filePath);
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
        slot->driftPending.clear();
        slot->driftCancel->store(true);
        if (DriftWorker *d = slot->driftWorker)
            QMetaObject::invokeMethod(
                    d,
                    [d] {
                        d->shutdown();
                        QThread::currentThread()->quit();
                    },
                    Qt::QueuedConnection);
        if (!slot->worker)
            continue;
        // Queued behind the operation in hand: close the connections in their own thread,
        // then end the thread's event loop.
        MappingWorker *w = slot->worker;
        QMetaObject::invokeMethod(
                w,
                [w] {
                    w->shutdown();
                    QThread::currentThread()->quit();
                },
                Qt::QueuedConnection);
    }
    // A statement on a server that stopped answering would hold its thread until the
    // watchdog's deadline; after the grace period the connections are closed under it.
    QDeadlineTimer grace(m_options.stopGraceMs);
    QList<const void *> stuck;
    for (auto &[name, slot] : m_slots) {
        if (slot->thread && !slot->thread->wait(grace))
            stuck << slot->thread.get();
        if (slot->driftThread && !slot->driftThread->wait(grace))
            stuck << slot->driftThread.get();
    }
    if (!stuck.isEmpty()) {
        const int n = StatementWatchdog::instance().expireThreads(stuck);
        logger("sync.engine")->warn("{} mappings were still busy {} ms after stop; closed {} "
                                    "connections with statements in flight",
                                    stuck.size(), m_options.stopGraceMs, n);
    }
    for (auto &[name, slot] : m_slots) {
        if (slot->driftWorker) {
            slot->driftThread.reset();
            delete slot->driftWorker;
            slot->driftWorker = nullptr;
        }
        if (!slot->worker)
            continue;
        slot->thread.reset();   // waits for the thread, whose loop has quit
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
    return m_monitor->statuses();
}

quint64 EmbeddedEngine::request(const QString &mapping, OperationKind kind,
                                const OperationOptions &options)
{
    auto it = m_slots.find(mapping);
    if (it == m_slots.end() || m_stopped) {
        logger("sync.engine")->warn("request for unknown mapping '{}' ignored", mapping);
        return 0;
    }
    return enqueue(*it->second, kind, options, true);
}

quint64 EmbeddedEngine::enqueue(Slot &slot, OperationKind kind, const OperationOptions &options,
                                bool byOperator)
{
    const OperationQueue::Enqueued e = slot.queue.enqueue(kind, options);
    if (e.joined)
        logger("sync.engine")->info("mapping '{}': {} is already queued or running; the request "
                                    "joins it",
                                    slot.name, operationName(kind));
    if (byOperator)
        slot.operatorRequests.insert(e.id);
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
    it->second->operatorRequests.clear();
    it->second->cancel->store(true);
}

void EmbeddedEngine::setPaused(const QString &mapping, bool paused)
{
    for (auto &[name, slot] : m_slots) {
        if (!mapping.isEmpty() && name != mapping)
            continue;
        slot->paused = paused;
        if ((slot->status.state == MappingState::Idle
             || slot->status.state == MappingState::Standby)
            && paused)
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
    if (!m_started || m_stopped)
        return;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    logger("sync.engine")->info("reconnect requested for {}",
                                connection.isEmpty() ? u"every connection not connected"_s
                                                     : u"connection '"_s + connection + u'\'');
    m_monitor->attemptNow(connection, now);
    startAttempts(now);
    m_connectionsDirty = true;
}

bool EmbeddedEngine::idle() const
{
    for (const auto &[name, slot] : m_slots)
        if (!slot->queue.idle() || slot->driftCurrent || !slot->driftPending.empty())
            return false;
    return true;
}

int EmbeddedEngine::scheduledChecks(const QString &mapping) const
{
    auto it = m_slots.find(mapping);
    return it == m_slots.end() ? 0 : it->second->scheduledChecks;
}

void EmbeddedEngine::startAttempts(const QDateTime &now)
{
    for (const QString &connection : m_monitor->takeDueAttempts(now)) {
        // One attempt, by one worker that uses the connection: an idle one if there is one.
        Slot *chosen = nullptr;
        for (const MappingConfig &m : m_project.mappings) {
            Slot &slot = *m_slots.at(m.name);
            if (slot.source != connection && slot.mirror != connection)
                continue;
            if (!chosen || (!chosen->queue.idle() && slot.queue.idle()))
                chosen = &slot;
        }
        if (!chosen || !chosen->worker)
            continue;
        logger("sync.engine")->info("connection '{}': reconnect attempt {}", connection,
                                    m_monitor->status(connection).attempts + 1);
        MappingWorker *w = chosen->worker;
        QMetaObject::invokeMethod(
                w, [w, connection] { w->probe(connection); }, Qt::QueuedConnection);
        m_connectionsDirty = true;
    }
}

QString EmbeddedEngine::unavailable(const Slot &slot) const
{
    for (const auto &[role, name] : {std::pair{u"source"_s, slot.source},
                                     std::pair{u"mirror"_s, slot.mirror}}) {
        if (m_monitor->usable(name))
            continue;
        const ConnectionStatus c = m_monitor->status(name);
        QString reason = role + u" "_s + m_monitor->unavailableReason(name);
        if (c.nextAttemptAt.isValid())
            reason += u"; next attempt at "_s
                    + c.nextAttemptAt.toLocalTime().toString(u"HH:mm:ss"_s);
        return reason;
    }
    return {};
}

void EmbeddedEngine::addHistory(Slot &slot, const RunRecord &run)
{
    QList<RunRecord> &history = slot.status.history;
    // A run skipped for the same reason as the one before extends it ("skipped 12 times")
    // instead of pushing every real run out of the history during a long outage.
    if (run.result == u"skipped" && !history.isEmpty()) {
        RunRecord &last = history.last();
        const QString lastReason = last.error.section(u"; next attempt at"_s, 0, 0);
        if (last.result == u"skipped" && last.kind == run.kind
            && lastReason == run.error.section(u"; next attempt at"_s, 0, 0)) {
            const int times = last.note.section(u' ', 1, 1).toInt();
            last.finishedAt = run.finishedAt;
            last.error = run.error;
            last.note = u"skipped %1 times since %2"_s.arg(std::max(times, 1) + 1)
                                .arg(last.startedAt.toLocalTime().toString(u"HH:mm:ss"_s));
            return;
        }
    }
    history.append(run);
    while (history.size() > MappingStatus::kHistoryLength)
        history.removeFirst();
}

void EmbeddedEngine::recordSkipped(Slot &slot, OperationKind kind, const QString &reason,
                                   const QDateTime &now)
{
    RunRecord run;
    run.kind = operationName(kind);
    run.startedAt = run.finishedAt = now;
    run.result = u"skipped"_s;
    run.error = reason;
    addHistory(slot, run);
    slot.status.lastRun = slot.status.history.last();
    if (slot.status.lastError != reason)
        logger("sync.engine")->info("mapping '{}': scheduled {} skipped: {}", slot.name,
                                    run.kind, reason);
    slot.status.lastError = reason;
    // Waiting while a retry is scheduled; error when only an operator can bring it back.
    const bool retrying = m_monitor->status(slot.source).state != ConnectionState::Disconnected
            && m_monitor->status(slot.mirror).state != ConnectionState::Disconnected;
    slot.status.state = retrying ? MappingState::Waiting : MappingState::Error;
    slot.status.nextRunAt = now.addSecs(slot.intervalS);
    markDirty();
}

void EmbeddedEngine::scheduleTick()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    startAttempts(now);
    for (auto &[name, slot] : m_slots) {
        // Before the sync's own checks: a check runs beside the syncs, in its own thread, so a
        // busy sync queue does not hold it back, nor does it hold back a sync.
        scheduleVerify(*slot, now);
        if (slot->paused || !slot->queue.idle())
            continue;
        const QString down = unavailable(*slot);
        if (slot->catchUpPending && down.isEmpty()) {
            // Back from an outage (or connected for the first time): everything written
            // meanwhile comes over now, not at the next interval; deletes too, where swept.
            slot->catchUpPending = false;
            logger("sync.engine")->info("mapping '{}': catch-up after reconnect", name);
            enqueue(*slot, OperationKind::Sync, {}, false);
            if (slot->sweepIntervalS > 0) {
                slot->nextSweepAt = now.addSecs(slot->sweepIntervalS);
                enqueue(*slot, OperationKind::Sweep, {}, false);
            }
            continue;
        }
        const bool sweepDue = slot->nextSweepAt.isValid() && slot->nextSweepAt <= now;
        const bool syncDue = slot->status.nextRunAt.isValid() && slot->status.nextRunAt <= now;
        if (!sweepDue && !syncDue)
            continue;
        if (!down.isEmpty()) {
            // A scheduled run is one attempt: an endpoint that is down makes it a skipped run
            // with its reason, at once; the reconnect attempts and the catch-up take over.
            if (sweepDue)
                slot->nextSweepAt = now.addSecs(slot->sweepIntervalS);
            recordSkipped(*slot, syncDue ? OperationKind::Sync : OperationKind::Sweep, down, now);
            continue;
        }
        // A due sync goes first: it is what keeps the mirror current. When the sweep went
        // first, a sweep that ran longer than sweep_interval_s was due again the moment it
        // ended, and the mapping ran nothing but sweeps while the backlog grew without bound.
        if (syncDue) {
            slot->status.nextRunAt = {};
            enqueue(*slot, OperationKind::Sync, {}, false);
            continue;
        }
        if (slot->status.state != MappingState::Waiting) {
            // A scheduled sweep is never forced: above max_sweep_fraction or on an empty source
            // it is refused and says so in the status, until an operator decides. The next one
            // is timed from this one's end (handleFinished).
            slot->nextSweepAt = now.addSecs(slot->sweepIntervalS);
            enqueue(*slot, OperationKind::Sweep, {}, false);
        }
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
    slot.operatorRequests.remove(id);
    MappingStatus &s = slot.status;
    s.operation.clear();
    s.progress = {};
    s.lastRun = result.run;
    addHistory(slot, result.run);
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
        if (result.connectionLost) {
            // The connection monitor retries the connection and starts the catch-up when it
            // is back; meanwhile scheduled runs are skipped with the reason.
            s.state = MappingState::Waiting;
        } else if (result.transient) {
            // A lock or statement timeout on a live connection: back off on repeated failures
            // (doubling, capped at five minutes); any success resets it.
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
        const bool standby = s.holder && !s.holder->self;
        s.state = slot.paused ? MappingState::Paused
                              : (standby ? MappingState::Standby : MappingState::Idle);
    }
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const bool sweep = result.run.kind == u"sweep";
    if (sweep && slot.sweepIntervalS > 0)
        slot.nextSweepAt = now.addSecs(slot.sweepIntervalS);
    // A sweep that went well leaves a due sync due: pushing the sync back by interval_s after
    // every sweep let a long sweep stand between the mapping and its syncs.
    if (!(sweep && result.run.result != u"error" && s.nextRunAt.isValid()))
        s.nextRunAt = now.addSecs(delayS);
    markDirty();
    Q_EMIT operationFinished(id, mapping, result);
    dispatch(slot);
}

void EmbeddedEngine::handleMeasured(const QString &mapping, const StatusMeasurement &m)
{
    m_slots.at(mapping)->status.apply(m);
    markDirty();
}

void EmbeddedEngine::handleChecked(const QString &mapping, const QStringList &warnings,
                                  const QList<ColumnInfo> &key)
{
    MappingStatus &status = m_slots.at(mapping)->status;
    if (status.warnings == warnings && sameKeyColumns(status.keyColumns, key))
        return;
    status.warnings = warnings;
    status.keyColumns = key;
    markDirty();
}

void EmbeddedEngine::handleHolder(const QString &mapping, const MappingHolder &holder)
{
    MappingStatus &status = m_slots.at(mapping)->status;
    if (status.holder == holder)
        return;
    status.holder = holder;
    if (!holder.self && status.state == MappingState::Idle)
        status.state = MappingState::Standby;
    else if (holder.self && status.state == MappingState::Standby)
        status.state = MappingState::Idle;
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

void EmbeddedEngine::handleConnection(const QString &connection, bool up, const QString &error,
                                      bool transient)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const ConnectionState before = m_monitor->status(connection).state;
    if (up) {
        if (m_monitor->observeUp(connection, now)) {
            for (auto &[name, slot] : m_slots)
                if (slot->source == connection || slot->mirror == connection)
                    slot->catchUpPending = before != ConnectionState::NeverConnected
                            || slot->status.state == MappingState::Waiting;
        }
    } else {
        m_monitor->observeDown(connection, error, transient, now);
    }
    const ConnectionStatus after = m_monitor->status(connection);
    m_connectionsDirty = true;
    if (before != after.state) {
        if (up)
            logger("sync.engine")->info("connection '{}' is now connected", connection);
        else
            logger("sync.engine")->warn("connection '{}' is now {}: {}{}", connection,
                                        connectionStateName(after.state), error,
                                        after.nextAttemptAt.isValid()
                                                ? u"; next attempt in %1 ms"_s.arg(
                                                          now.msecsTo(after.nextAttemptAt))
                                                : QString());
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
