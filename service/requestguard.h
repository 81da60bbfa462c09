#pragma once
// One connection's limits (ServerLimits): frames the requests arriving on the socket to know
// when each starts and ends, and refuses (413, 411, 400, 408) or closes (idle) the connection
// when a limit is broken. Must be connected to the socket's readyRead before Qt HttpServer is
// (see guardedserver.h): it peeks at each chunk before the parser consumes it.

#include "serverlimits.h"

#include <QByteArray>
#include <QObject>
#include <QTimer>

QT_BEGIN_NAMESPACE
class QTcpSocket;
QT_END_NAMESPACE

namespace tidemark::service {

class RequestGuard final : public QObject
{
public:
    RequestGuard(QTcpSocket *socket, const ServerLimits &limits);

private:
    void handleReadyRead();
    void handleBytesWritten();
    // Consumes `data` into the framing state; returns false after refusing the request.
    bool frame(const QByteArray &data);
    bool startBody();
    void refuse(int status, const QString &message);

    QTcpSocket *m_socket;
    ServerLimits m_limits;
    enum class State { Headers, Body, Refused } m_state = State::Headers;
    QByteArray m_head;         // the request's bytes up to the blank line
    qint64 m_bodyLeft = 0;     // Body: bytes of the body still to come
    qint64 m_requestBytes = 0; // bytes of the request in hand so far
    int m_inFlight = 0;        // complete requests not answered yet
    QTimer m_requestTimer;     // the request in hand must be complete before it fires
    QTimer m_idleTimer;        // no request in hand and none in flight
};

} // namespace tidemark::service
