#pragma once
// What each of a mapping's worker threads (MappingWorker for its operations, DriftWorker for
// drift) keeps between requests: connections of its own, opened and removed in that thread (a
// QtSql connection belongs to the thread that opened it), the mapping as resolved against the
// live catalog, and the MappingContext the passes run on. Used from the owning thread only.

#include "db/connectionset.h"
#include "sync/mappingcontext.h"
#include "sync/resolvedmapping.h"

#include <atomic>
#include <functional>
#include <memory>
#include <optional>

namespace tidemark {

struct ProjectCheck;

class WorkerConnections
{
public:
    // `purpose` names the connections ("worker:orders"); `progressed` hears the passes' progress,
    // at most ten times a second.
    WorkerConnections(const Project &project, QString purpose, const std::atomic<bool> *cancel,
                      std::function<void(const Progress &)> progressed);
    ~WorkerConnections();

    // The thread's connections, created (not yet opened) on first use.
    ConnectionSet &connections();
    // Null before connections() and after forget().
    ConnectionSet *existing() const { return m_connections.get(); }
    MappingContext *context() const { return m_context.get(); }
    const ResolvedMapping *resolved() const { return m_resolved ? &*m_resolved : nullptr; }

    // Keeps `resolved` and builds the context on `source` and `mirror` (connections of this set).
    MappingContext &build(const ResolvedMapping &resolved, DbConnection &source,
                          DbConnection &mirror);
    // Re-read the catalog next time: the schema may have changed.
    void forgetCatalog();
    // Reopen everything next time: a connection may be gone, or its session unusable.
    void forget();
    // quietAll() on the connections, if there are any.
    void quiet();

private:
    void reportProgress(const Progress &progress);

    const Project &m_project;
    QString m_purpose;
    const std::atomic<bool> *m_cancel;
    std::function<void(const Progress &)> m_progressed;
    std::unique_ptr<ConnectionSet> m_connections;
    std::optional<ResolvedMapping> m_resolved;
    std::unique_ptr<MappingContext> m_context;   // refers to m_resolved and m_connections
    qint64 m_lastProgressMs = 0;
};

// Throws DbError (transient or permanent, as the check says) that lists every problem of
// `check`, unless it found none.
void requireChecked(const ProjectCheck &check);

} // namespace tidemark
