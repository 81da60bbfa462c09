#include "guardedserver.h"

#include "requestguard.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSslSocket>
#include <QTcpSocket>

using namespace Qt::StringLiterals;

namespace tidemark::service {

namespace {

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 400: return "Bad Request";
    case 408: return "Request Timeout";
    case 411: return "Length Required";
    case 413: return "Payload Too Large";
    case 503: return "Service Unavailable";
    default: return "Error";
    }
}

} // namespace

void refuseConnection(QTcpSocket *socket, int status, const QString &message, bool close)
{
    const QByteArray body =
            QJsonDocument(QJsonObject{{u"error"_s, message}}).toJson(QJsonDocument::Compact) + '\n';
    socket->write("HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status)
                  + "\r\nContent-Type: application/json\r\nContent-Length: "
                  + QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
    if (close)
        socket->disconnectFromHost();
}

void ConnectionGate::attach(QTcpSocket *socket)
{
    ++*m_open;
    QObject::connect(socket, &QObject::destroyed, socket, [open = m_open] { --*open; });
    new RequestGuard(socket, m_limits);
}

GuardedTcpServer::GuardedTcpServer(ServerLimits limits, QObject *parent)
    : QTcpServer(parent)
    , m_gate(limits)
{
}

void GuardedTcpServer::incomingConnection(qintptr descriptor)
{
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(descriptor)) {
        delete socket;
        return;
    }
    if (!m_gate.admit()) {
        // Nobody reads from it: it goes once the answer is written or the peer is gone.
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        refuseConnection(socket, 503,
                         u"too many connections (at most %1); try again later"_s.arg(
                                 m_gate.limits().maxConnections));
        return;
    }
    m_gate.attach(socket);
    addPendingConnection(socket);
}

GuardedSslServer::GuardedSslServer(ServerLimits limits, const QSslConfiguration &tls,
                                   QObject *parent)
    : QSslServer(parent)
    , m_gate(limits)
{
    setSslConfiguration(tls);
    setHandshakeTimeout(limits.handshakeTimeoutMs);
    // Attached when the handshake starts, so the guard's readyRead handler (decrypted bytes)
    // is connected before Qt HttpServer's, which connects once the handshake is done.
    connect(this, &QSslServer::startedEncryptionHandshake, this,
            [this](QSslSocket *socket) { m_gate.attach(socket); });
}

void GuardedSslServer::incomingConnection(qintptr descriptor)
{
    if (!m_gate.admit()) {
        // Refused before any handshake: a full server spends nothing on a TLS session.
        auto *socket = new QTcpSocket(this);
        if (!socket->setSocketDescriptor(descriptor)) {
            delete socket;
            return;
        }
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        socket->disconnectFromHost();
        return;
    }
    QSslServer::incomingConnection(descriptor);
}

} // namespace tidemark::service
