#include "db/connectionset.h"

#include "db/dberror.h"

using namespace Qt::StringLiterals;

namespace tidemark {

ConnectionSet::ConnectionSet(const Project &project, QString purpose)
    : m_project(project)
    , m_purpose(std::move(purpose))
{
}

DbConnection &ConnectionSet::get(const QString &connectionName, bool createIfMissing)
{
    auto it = m_connections.find(connectionName);
    if (it == m_connections.end()) {
        if (!m_project.connections.contains(connectionName))
            throw DbError(DbError::Kind::Permanent,
                          u"connection '%1' is not defined in the project"_s.arg(connectionName));
        auto conn = std::make_unique<DbConnection>(m_project.connections.value(connectionName),
                                                   m_purpose);
        it = m_connections.emplace(connectionName, std::move(conn)).first;
    }
    if (createIfMissing)
        it->second->setCreateIfMissing(true);
    it->second->open();
    return *it->second;
}

DbConnection *ConnectionSet::peek(const QString &connectionName)
{
    auto it = m_connections.find(connectionName);
    return it == m_connections.end() ? nullptr : it->second.get();
}

void ConnectionSet::quietAll()
{
    for (auto &[name, conn] : m_connections)
        conn->quiet();
}

void ConnectionSet::drop(const QString &connectionName)
{
    m_connections.erase(connectionName);
}

} // namespace tidemark
