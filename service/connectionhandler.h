#pragma once
// POST /api/v1/connections/NAME/reconnect and POST /api/v1/connections/reconnect: try a
// connection now instead of at its next scheduled attempt (Engine::reconnect), the monitor's
// "Reconnect" button. The answer is 202 at once; the connection's state in the status
// document tells how the attempt went.

#include "httptypes.h"

namespace tidemark {
class Engine;
}

namespace tidemark::service {

class ConnectionHandler
{
public:
    explicit ConnectionHandler(Engine &engine)
        : m_engine(engine)
    {
    }

    // `connection` empty: every connection that is not connected.
    void reconnect(const QString &connection, const HttpReply &reply);

private:
    Engine &m_engine;
};

} // namespace tidemark::service
