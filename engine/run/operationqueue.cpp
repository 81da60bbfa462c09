#include "run/operationqueue.h"

#include <atomic>

namespace tidemark {

namespace {
// Request ids are unique across every mapping's queue, so one operationFinished signal
// identifies its request on its own.
std::atomic<quint64> g_nextRequestId{1};
} // namespace

bool OperationQueue::sameWork(const OperationRequest &r, OperationKind kind,
                              const OperationOptions &options)
{
    return r.kind == kind && r.options.force == options.force
            && r.options.noGate == options.noGate && r.options.dryRun == options.dryRun
            && r.options.keyFrom == options.keyFrom && r.options.keyTo == options.keyTo;
}

OperationQueue::Enqueued OperationQueue::enqueue(OperationKind kind,
                                                 const OperationOptions &options)
{
    if (m_inFlight && sameWork(*m_inFlight, kind, options)) {
        // A sync requested while a sync runs still needs one more pass afterwards: rows
        // written after the running pass read its last page would otherwise wait a whole
        // interval. Everything else joins the running request.
        if (kind != OperationKind::Sync)
            return {m_inFlight->id, true};
    }
    for (const OperationRequest &r : m_pending)
        if (sameWork(r, kind, options))
            return {r.id, true};
    OperationRequest r{g_nextRequestId.fetch_add(1), kind, options};
    m_pending.append(r);
    return {r.id, false};
}

std::optional<OperationRequest> OperationQueue::startNext()
{
    if (m_inFlight || m_pending.isEmpty())
        return std::nullopt;
    m_inFlight = m_pending.takeFirst();
    return m_inFlight;
}

void OperationQueue::finishCurrent()
{
    m_inFlight.reset();
}

void OperationQueue::clearPending()
{
    m_pending.clear();
}

} // namespace tidemark
