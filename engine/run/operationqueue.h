#pragma once
// Per-mapping request queue: at most one operation in flight, and a request for work that is
// already queued or running joins it instead of running twice (two backfills racing each other
// once rewrote the same rows twice and interleaved their checkpoints).

#include "sync/operations.h"

#include <QList>

#include <optional>

namespace tidemark {

struct OperationRequest
{
    quint64 id = 0;
    OperationKind kind = OperationKind::Sync;
    OperationOptions options;
};

class OperationQueue
{
public:
    struct Enqueued
    {
        quint64 id;     // the request that will do the work
        bool joined;    // true when an equal request was already queued or in flight
    };

    Enqueued enqueue(OperationKind kind, const OperationOptions &options);

    // The next request to run when nothing is in flight; marks it in flight.
    std::optional<OperationRequest> startNext();
    void finishCurrent();

    const std::optional<OperationRequest> &inFlight() const { return m_inFlight; }
    int pendingCount() const { return int(m_pending.size()); }
    bool idle() const { return !m_inFlight && m_pending.isEmpty(); }
    void clearPending();

private:
    static bool sameWork(const OperationRequest &r, OperationKind kind,
                         const OperationOptions &options);
    std::optional<OperationRequest> m_inFlight;
    QList<OperationRequest> m_pending;
    quint64 m_nextId = 1;
};

} // namespace tidemark
