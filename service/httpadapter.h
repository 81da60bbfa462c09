#pragma once
// The one place that talks to Qt HttpServer. It parses requests on the servers it is bound to
// and hands them to a handler as our own HttpRequest; the handler answers through HttpReply.
//
// Bound with bind() to a QTcpServer of ours (guardedserver.h) rather than with listen(): Qt 6.8
// drops listen(), and Qt 6.4's own server has no limits at all (no read cap, no timeouts, no
// connection cap), which our server enforces before Qt HttpServer sees a byte.

#include "httptypes.h"

#include <QObject>

#include <memory>

QT_BEGIN_NAMESPACE
class QTcpServer;
QT_END_NAMESPACE

namespace tidemark::service {

class HttpAdapter : public QObject
{
    Q_OBJECT
public:
    explicit HttpAdapter(HttpHandler handler, QObject *parent = nullptr);
    ~HttpAdapter() override;

    // Serves the connections of `server`, which must be listening; takes ownership of it.
    void bind(QTcpServer *server);

private:
    class Server;
    std::unique_ptr<Server> m_server;
};

} // namespace tidemark::service
