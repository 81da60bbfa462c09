#include "run/workerconnections.h"

#include "db/dberror.h"
#include "sync/projectchecker.h"

#include <QDateTime>

using namespace Qt::StringLiterals;

namespace tidemark {

WorkerConnections::WorkerConnections(const Project &project, QString purpose,
                                     const std::atomic<bool> *cancel,
                                     std::function<void(const Progress &)> progressed)
    : m_project(project)
    , m_purpose(std::move(purpose))
    , m_cancel(cancel)
    , m_progressed(std::move(progressed))
{
}

WorkerConnections::~WorkerConnections()
{
    // The owner's shutdown() ran forget() in the thread; if it did not, the connections die
    // here, which is only safe because the thread has finished by now.
    forget();
}

ConnectionSet &WorkerConnections::connections()
{
    if (!m_connections)
        m_connections = std::make_unique<ConnectionSet>(m_project, m_purpose);
    return *m_connections;
}

MappingContext &WorkerConnections::build(const ResolvedMapping &resolved, DbConnection &source,
                                         DbConnection &mirror)
{
    m_resolved = resolved;
    m_context.reset(new MappingContext{*m_resolved, source, mirror, m_cancel,
                                       [this](const Progress &p) { reportProgress(p); }});
    return *m_context;
}

void WorkerConnections::forgetCatalog()
{
    m_context.reset();
    m_resolved.reset();
}

void WorkerConnections::forget()
{
    forgetCatalog();
    m_connections.reset();
}

void WorkerConnections::quiet()
{
    if (m_connections)
        m_connections->quietAll();
}

void WorkerConnections::reportProgress(const Progress &progress)
{
    // At most ten progress signals a second: the GUI needs a moving bar, not one event per page.
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (now - m_lastProgressMs < 100 && progress.rowsDone != progress.rowsTotal)
        return;
    m_lastProgressMs = now;
    m_progressed(progress);
}

void requireChecked(const ProjectCheck &check)
{
    if (check.ok())
        return;
    QStringList problems;
    for (const ProjectError &e : check.errors)
        problems << e.message;
    throw DbError(check.transient ? DbError::Kind::Transient : DbError::Kind::Permanent,
                  problems.join(u"; "_s));
}

} // namespace tidemark
