#pragma once
// The listening side of the service: a QTcpServer (or, with TLS, a QSslServer) that enforces
// ServerLimits on every connection before Qt HttpServer reads from it.
//
// How: each accepted socket gets a RequestGuard whose readyRead handler is connected before
// Qt HttpServer's (it connects when the socket leaves the pending queue, after us), so it sees
// every byte first. It frames requests itself (headers up to the blank line, then
// Content-Length bytes of body) to know when a request starts and ends, and answers 413, 411,
// 408 or 400 itself, closing the connection, when a request breaks a limit; Qt HttpServer then
// never sees the request.

#include "serverlimits.h"

#include <QSslConfiguration>
#include <QSslServer>
#include <QTcpServer>

#include <memory>

namespace tidemark::service {

// Counts the connections of one server and attaches a RequestGuard to each.
class ConnectionGate
{
public:
    explicit ConnectionGate(ServerLimits limits)
        : m_limits(limits)
    {
    }
    // False when the server is full: the caller answers 503 and closes.
    bool admit() const { return *m_open < m_limits.maxConnections; }
    void attach(QTcpSocket *socket);
    int open() const { return *m_open; }
    const ServerLimits &limits() const { return m_limits; }

private:
    ServerLimits m_limits;
    // Shared with the guards, which may outlive a server being destroyed at shutdown.
    std::shared_ptr<int> m_open = std::make_shared<int>(0);
};

class GuardedTcpServer final : public QTcpServer
{
public:
    explicit GuardedTcpServer(ServerLimits limits, QObject *parent = nullptr);
    int openConnections() const { return m_gate.open(); }

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    ConnectionGate m_gate;
};

class GuardedSslServer final : public QSslServer
{
public:
    GuardedSslServer(ServerLimits limits, const QSslConfiguration &tls, QObject *parent = nullptr);
    int openConnections() const { return m_gate.open(); }

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    ConnectionGate m_gate;
};

// Answers `status` with {"error": message} on a socket Qt HttpServer is not to see. With
// `close`, closes it once written; otherwise the caller closes it (see RequestGuard::refuse).
void refuseConnection(QTcpSocket *socket, int status, const QString &message, bool close = true);

} // namespace tidemark::service
