#pragma once
// The connections one thread uses, one DbConnection per project connection, opened on first
// use and removed when the set is destroyed (in the same thread).

#include "db/dbconnection.h"
#include "project/projectconfig.h"

#include <QMap>

#include <memory>

namespace tidemark {

class ConnectionSet
{
public:
    ConnectionSet(const Project &project, QString purpose);

    // Opens the connection if needed; throws DbError when it cannot.
    DbConnection &get(const QString &connectionName, bool createIfMissing = false);
    // Without opening: nullptr when unknown.
    DbConnection *peek(const QString &connectionName);
    void drop(const QString &connectionName);   // after a lost connection: reopen next time
    // Disarms the statement watchdog on every open connection: they go idle until next use.
    void quietAll();

private:
    const Project &m_project;
    QString m_purpose;
    std::map<QString, std::unique_ptr<DbConnection>> m_connections;
};

} // namespace tidemark
