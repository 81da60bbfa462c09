#pragma once
// What a pass works with: the resolved mapping, both connections (owned by the calling
// thread), a cancel flag, and a progress callback.

#include "sync/resolvedmapping.h"

#include <QString>

#include <atomic>
#include <functional>

namespace tidemark {

class DbConnection;

struct Progress
{
    QString phase;           // "backfill", "sync", "sweep: counting", ...
    qint64 rowsDone = 0;
    qint64 rowsTotal = -1;   // -1: unknown
};

struct MappingContext
{
    const ResolvedMapping &mapping;
    DbConnection &source;
    DbConnection &mirror;
    const std::atomic<bool> *cancel = nullptr;
    std::function<void(const Progress &)> progress;

    // Throws DbError(Cancelled) when cancel was requested. Passes call it between batches, so
    // a cancel rolls back only the batch in hand.
    void checkCancelled() const;
    void report(const Progress &p) const
    {
        if (progress)
            progress(p);
    }
    QString sourceTable() const { return mapping.config.source.table; }
    QString mirrorTable() const { return mapping.config.mirror.table; }
};

} // namespace tidemark
