// EmbeddedEngine's drift side: checks, repairs, explains and exports queued per mapping and run
// one at a time on the mapping's drift thread (never its sync worker), and the scheduled checks
// of verify_interval_s.
#include "api/embeddedengine_internal.h"

#include "log/logging.h"
#include "run/driftworker.h"

using namespace Qt::StringLiterals;

namespace tidemark {

quint64 EmbeddedEngine::checkDrift(const QString &mapping, const DriftCheckOptions &options)
{
    DriftJob job;
    job.kind = DriftJob::Check;
    job.check = options;
    return enqueueDrift(mapping, job);
}

quint64 EmbeddedEngine::repairDrift(const QString &mapping, const DriftRepairOptions &options)
{
    auto it = m_slots.find(mapping);
    if (options.execute && m_started && !m_stopped && it != m_slots.end()
        && it->second->status.holder && !it->second->status.holder->self) {
        // Another instance runs this mapping (run/mappinghold.h): a repair from here would
        // write beside it. Refused, as a one-shot `repair --execute` is, naming the holder.
        DriftRepairResult refused;
        refused.mapping = mapping;
        refused.options = options;
        refused.result = u"refused"_s;
        refused.error = u"mapping '%1' is %2: repair it on that instance"_s.arg(
                mapping, describeHolder(*it->second->status.holder));
        const quint64 id = ++m_lastDriftId;
        QMetaObject::invokeMethod(
                this, [this, id, refused] { Q_EMIT driftRepaired(id, refused); },
                Qt::QueuedConnection);
        return id;
    }
    DriftJob job;
    job.kind = DriftJob::Repair;
    job.repair = options;
    return enqueueDrift(mapping, job);
}

quint64 EmbeddedEngine::explainDriftKey(const QString &mapping, const QVariantList &key)
{
    DriftJob job;
    job.kind = DriftJob::Explain;
    job.key = key;
    return enqueueDrift(mapping, job);
}

quint64 EmbeddedEngine::exportDrift(const QString &mapping, DriftExportFormat format,
                                    const QString &path)
{
    DriftJob job;
    job.kind = DriftJob::Export;
    job.format = format;
    job.path = path;
    return enqueueDrift(mapping, job);
}

void EmbeddedEngine::cancelDrift(const QString &mapping)
{
    auto it = m_slots.find(mapping);
    if (it == m_slots.end())
        return;
    it->second->driftPending.clear();
    if (it->second->driftCurrent)
        it->second->driftCancel->store(true);
}

quint64 EmbeddedEngine::enqueueDrift(const QString &mapping, DriftJob job)
{
    auto it = m_slots.find(mapping);
    if (it == m_slots.end() || m_stopped || !m_started) {
        logger("drift.engine")->warn("drift request for unknown mapping '{}' ignored", mapping);
        return 0;
    }
    Slot &slot = *it->second;
    if (job.kind == DriftJob::Check) {
        // Two checks of the same range would read both tables twice for the same answer.
        auto same = [&job](const DriftJob &other) {
            return other.kind == DriftJob::Check && other.check.keyFrom == job.check.keyFrom
                    && other.check.keyTo == job.check.keyTo;
        };
        if (slot.driftCurrent && same(*slot.driftCurrent))
            return slot.driftCurrent->id;
        for (const DriftJob &queued : slot.driftPending)
            if (same(queued))
                return queued.id;
    }
    job.id = ++m_lastDriftId;
    slot.driftPending.push_back(job);
    dispatchDrift(slot);
    return job.id;
}

void EmbeddedEngine::dispatchDrift(Slot &slot)
{
    if (!m_started || m_stopped || slot.driftCurrent || slot.driftPending.empty())
        return;
    if (!slot.driftWorker) {
        slot.driftThread = startWorkerThread(u"tidemark-drift-"_s + slot.name);
        slot.driftWorker = new DriftWorker(m_project, slot.name, slot.driftCancel);
        slot.driftWorker->moveToThread(slot.driftThread.get());
        DriftWorker *w = slot.driftWorker;
        connect(w, &DriftWorker::progressed, this, &Engine::driftProgressed);
        connect(w, &DriftWorker::checked, this, &EmbeddedEngine::handleDriftChecked);
        connect(w, &DriftWorker::repaired, this, &EmbeddedEngine::handleDriftRepaired);
        connect(w, &DriftWorker::explained, this,
                [this](quint64 id, const DriftExplainResult &r) {
                    Q_EMIT driftExplained(id, r);
                    finishDrift(r.mapping);
                });
        connect(w, &DriftWorker::exported, this, [this](quint64 id, const DriftExportResult &r) {
            Q_EMIT driftExported(id, r);
            finishDrift(r.mapping);
        });
    }
    slot.driftCurrent = slot.driftPending.front();
    slot.driftPending.pop_front();
    slot.driftCancel->store(false);
    DriftWorker *w = slot.driftWorker;
    const DriftJob job = *slot.driftCurrent;
    QMetaObject::invokeMethod(
            w,
            [w, job] {
                switch (job.kind) {
                case DriftJob::Check: w->check(job.id, job.check, job.scheduled); break;
                case DriftJob::Repair: w->repair(job.id, job.repair); break;
                case DriftJob::Explain: w->explain(job.id, job.key); break;
                case DriftJob::Export: w->exportReport(job.id, job.format, job.path); break;
                }
            },
            Qt::QueuedConnection);
}

void EmbeddedEngine::finishDrift(const QString &mapping)
{
    Slot &slot = *m_slots.at(mapping);
    slot.driftCurrent.reset();
    dispatchDrift(slot);
}

void EmbeddedEngine::scheduleVerify(Slot &slot, const QDateTime &now)
{
    if (slot.verifyIntervalS <= 0 || slot.paused || !slot.nextVerifyAt.isValid()
        || slot.nextVerifyAt > now)
        return;
    if (slot.status.holder && !slot.status.holder->self) {
        // The instance that holds the mapping verifies it; a standby reading both tables as
        // well would only double the load on them. Asked again an interval later.
        slot.nextVerifyAt = now.addSecs(slot.verifyIntervalS);
        return;
    }
    // Yield to the operator: a check they asked for, a repair waiting on its preview, or an
    // operation of theirs on the sync queue. The schedule's own check is only a safety net; the
    // next one comes an interval later.
    const bool operatorBusy = slot.driftCurrent || !slot.driftPending.empty()
            || !slot.operatorRequests.isEmpty();
    const QString down = unavailable(slot);
    if (operatorBusy || !down.isEmpty()) {
        logger("drift.engine")->info("mapping '{}': scheduled drift check skipped ({}); next in "
                                     "{} s",
                                     slot.name,
                                     operatorBusy ? u"an operator action is queued or running"_s
                                                  : down,
                                     slot.verifyIntervalS);
        slot.nextVerifyAt = now.addSecs(slot.verifyIntervalS);
        return;
    }
    slot.nextVerifyAt = {};   // timed from this check's end (handleDriftChecked)
    ++slot.scheduledChecks;
    DriftJob job;
    job.kind = DriftJob::Check;
    job.scheduled = true;
    enqueueDrift(slot.name, job);
}

void EmbeddedEngine::handleDriftChecked(quint64 id, const DriftCheckResult &result)
{
    Slot &slot = *m_slots.at(result.mapping);
    if (result.ok()) {
        slot.status.drift = result.summary;
        markDirty();
        if (result.scheduled && result.summary.driftRows > 0)
            logger("drift.engine")->warn(
                    "mapping '{}': the scheduled check found {} differences that nothing "
                    "scheduled will fix (reason drift); see the Drift view or `tidemark-cli "
                    "repair`",
                    slot.name, result.summary.driftRows);
    }
    // Any finished check counts as the verification: the next scheduled one comes an interval
    // after it, not right behind an operator's.
    if (slot.verifyIntervalS > 0)
        slot.nextVerifyAt = QDateTime::currentDateTimeUtc().addSecs(slot.verifyIntervalS);
    Q_EMIT driftChecked(id, result);
    // A check the repair ran first (id 0) is not the job in hand: the repair is.
    if (id != 0)
        finishDrift(result.mapping);
}

void EmbeddedEngine::handleDriftRepaired(quint64 id, const DriftRepairResult &result)
{
    Q_EMIT driftRepaired(id, result);
    finishDrift(result.mapping);
    if (result.options.execute && result.ok() && result.differences > 0) {
        // What is left after the repair (rows changed meanwhile, say) is what the view shows.
        DriftJob job;
        job.kind = DriftJob::Check;
        enqueueDrift(result.mapping, job);
    }
}

} // namespace tidemark
