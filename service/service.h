#pragma once
// `tidemark-cli serve`'s HTTP side, around an engine that runs elsewhere in the process: the
// listening server with its limits, the adapter to Qt HttpServer, the token and Host checks,
// and the routes. The command (app/cli/servecommand.cpp) owns the engine and the event loop.

#include "serverlimits.h"

#include <QHostAddress>
#include <QObject>
#include <QString>

#include <memory>

QT_BEGIN_NAMESPACE
class QTcpServer;
QT_END_NAMESPACE

namespace tidemark {
class Engine;
}

namespace tidemark::service {

class AccessPolicy;
class ActionHandler;
class ApiRouter;
class ConnectionHandler;
class DriftHandler;
class LogHandler;
class HttpAdapter;
class RunRegistry;
class ServiceMetrics;
class StatusBoard;

struct ServeOptions
{
    QHostAddress address = QHostAddress::LocalHost;
    quint16 port = 8457;
    QByteArray token;
    bool insecureRemote = false; // allow plain HTTP on a non-loopback address
    QString tlsCert;             // PEM files; both or neither
    QString tlsKey;
    ServerLimits limits;
};

class Service final : public QObject
{
public:
    Service(Engine &engine, ServeOptions options, QObject *parent = nullptr);
    ~Service() override;

    // Binds the address; false with `error` saying why (a non-loopback address without TLS
    // and without insecureRemote, unreadable TLS files, the port in use).
    bool listen(QString *error);
    quint16 port() const;
    bool tls() const { return !m_options.tlsCert.isEmpty(); }
    // /readyz answers 200 once this is set (the engine started).
    void setReady(bool ready) { m_ready = ready; }
    // Stops accepting connections (at shutdown); connections open stay until they close.
    void close();

    static bool isLoopback(const QHostAddress &address);

private:
    Engine &m_engine;
    ServeOptions m_options;
    bool m_ready = false;
    QTcpServer *m_server = nullptr; // owned by the adapter once bound
    std::unique_ptr<AccessPolicy> m_access;
    std::unique_ptr<RunRegistry> m_runs;
    std::unique_ptr<StatusBoard> m_status;
    std::unique_ptr<ServiceMetrics> m_metrics;
    std::unique_ptr<ActionHandler> m_actions;
    std::unique_ptr<DriftHandler> m_drift;
    std::unique_ptr<ConnectionHandler> m_connections;
    std::unique_ptr<LogHandler> m_log;
    std::unique_ptr<ApiRouter> m_router;
    std::unique_ptr<HttpAdapter> m_adapter;
};

} // namespace tidemark::service
