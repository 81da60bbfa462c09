#include "connectionhandler.h"

#include "api/engine.h"

using namespace Qt::StringLiterals;

namespace tidemark::service {

void ConnectionHandler::reconnect(const QString &connection, const HttpReply &reply)
{
    if (!connection.isEmpty()) {
        const QList<ConnectionStatus> connections = m_engine.connections();
        if (std::none_of(connections.cbegin(), connections.cend(),
                         [&](const ConnectionStatus &c) { return c.name == connection; })) {
            reply(HttpResponse::error(
                    404, u"no connection named '%1' in the project"_s.arg(connection)));
            return;
        }
    }
    m_engine.reconnect(connection);
    reply(HttpResponse::json(202,
                             QJsonObject{{u"connection"_s,
                                          connection.isEmpty() ? QJsonValue(QJsonValue::Null)
                                                               : QJsonValue(connection)},
                                         {u"action"_s, u"reconnect"_s}}));
}

} // namespace tidemark::service
