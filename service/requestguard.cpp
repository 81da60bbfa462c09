#include "requestguard.h"

#include "guardedserver.h"

#include <QTcpSocket>

using namespace Qt::StringLiterals;

namespace tidemark::service {

RequestGuard::RequestGuard(QTcpSocket *socket, const ServerLimits &limits)
    : QObject(socket)
    , m_socket(socket)
    , m_limits(limits)
{
    m_requestTimer.setSingleShot(true);
    m_requestTimer.setInterval(m_limits.requestTimeoutMs);
    m_idleTimer.setSingleShot(true);
    m_idleTimer.setInterval(m_limits.idleTimeoutMs);
    connect(&m_requestTimer, &QTimer::timeout, this, [this] {
        refuse(408,
               u"the request was not complete within %1 ms; closing the connection"_s.arg(
                       m_limits.requestTimeoutMs));
    });
    connect(&m_idleTimer, &QTimer::timeout, this, [this] {
        if (m_inFlight == 0)
            m_socket->disconnectFromHost();
    });
    connect(socket, &QTcpSocket::readyRead, this, &RequestGuard::handleReadyRead);
    connect(socket, &QTcpSocket::bytesWritten, this, &RequestGuard::handleBytesWritten);
    m_idleTimer.start();
}

void RequestGuard::handleReadyRead()
{
    if (m_state == State::Refused) {
        m_socket->readAll();
        return;
    }
    // Qt HttpServer reads everything available on each readyRead, after this handler: what is
    // available now is exactly what arrived since the last call.
    frame(m_socket->peek(m_socket->bytesAvailable()));
}

void RequestGuard::handleBytesWritten()
{
    // An answer went out. Answers leave in request order, and one readyRead can complete
    // several pipelined requests, so this only counts down when the socket has drained.
    if (m_socket->bytesToWrite() == 0 && m_inFlight > 0)
        m_inFlight = 0;
    if (m_inFlight == 0 && m_state == State::Headers && m_head.isEmpty())
        m_idleTimer.start();
}

bool RequestGuard::frame(const QByteArray &data)
{
    qsizetype at = 0;
    while (at < data.size()) {
        if (m_state == State::Headers) {
            if (m_head.isEmpty() && m_requestBytes == 0) {
                // A request begins: it has requestTimeoutMs to arrive in full.
                m_requestTimer.start();
                m_idleTimer.stop();
            }
            // Scan from a little before the old end: the blank line may straddle two chunks.
            const qsizetype from = std::max<qsizetype>(0, m_head.size() - 3);
            const qsizetype take = std::min<qsizetype>(
                    data.size() - at, m_limits.maxRequestBytes + 1 - m_head.size());
            m_head.append(data.constData() + at, take);
            const qsizetype end = m_head.indexOf("\r\n\r\n", from);
            if (end < 0) {
                if (m_head.size() > m_limits.maxRequestBytes) {
                    refuse(413,
                           u"the request's headers are larger than %1 bytes"_s.arg(
                                   m_limits.maxRequestBytes));
                    return false;
                }
                at += take;
                continue;
            }
            const qsizetype headLength = end + 4;
            at += take - (m_head.size() - headLength); // the rest belongs to the body
            m_head.truncate(headLength);
            m_requestBytes = headLength;
            if (!startBody())
                return false;
        }
        if (m_state == State::Body) {
            const qint64 take = std::min<qint64>(m_bodyLeft, data.size() - at);
            at += take;
            m_bodyLeft -= take;
            if (m_bodyLeft == 0) {
                // Complete: Qt HttpServer parses it and the service answers.
                m_state = State::Headers;
                m_head.clear();
                m_requestBytes = 0;
                m_requestTimer.stop();
                ++m_inFlight;
            }
        }
    }
    return true;
}

bool RequestGuard::startBody()
{
    qint64 length = 0;
    int lengths = 0;
    for (const QByteArray &line : m_head.split('\n')) {
        const qsizetype colon = line.indexOf(':');
        if (colon < 0)
            continue;
        const QByteArray name = line.left(colon).trimmed().toLower();
        const QByteArray value = line.mid(colon + 1).trimmed();
        if (name == "transfer-encoding") {
            // A chunked body has no length up front, so it cannot be capped before it is read.
            refuse(411, u"send the body with a Content-Length, not chunked"_s);
            return false;
        }
        if (name == "content-length") {
            bool ok = false;
            const qint64 n = value.toLongLong(&ok);
            if (!ok || n < 0 || (lengths > 0 && n != length)) {
                // Two different lengths are how request smuggling starts: never guess.
                refuse(400, u"a malformed or repeated Content-Length"_s);
                return false;
            }
            length = n;
            ++lengths;
        }
    }
    if (m_requestBytes + length > m_limits.maxRequestBytes) {
        refuse(413,
               u"the request is %1 bytes; at most %2 are accepted"_s.arg(m_requestBytes + length)
                       .arg(m_limits.maxRequestBytes));
        return false;
    }
    m_bodyLeft = length;
    m_state = State::Body;
    return true;
}

void RequestGuard::refuse(int status, const QString &message)
{
    m_state = State::Refused;
    m_requestTimer.stop();
    m_idleTimer.stop();
    // Qt HttpServer must not parse what is left, nor anything more from this client: its
    // readyRead handler is cut off (it runs after this one, in this same emission).
    disconnect(m_socket, &QTcpSocket::readyRead, nullptr, nullptr);
    connect(m_socket, &QTcpSocket::readyRead, this, &RequestGuard::handleReadyRead);
    m_socket->readAll();
    refuseConnection(m_socket, status, message, false);
    // Closing at once would make the kernel answer the rest of a large body with a reset,
    // which can destroy the answer before the client reads it. So the connection lingers:
    // what still comes is read and dropped, and it closes when the client does or after a
    // second.
    QTimer::singleShot(1000, m_socket, [socket = m_socket] { socket->disconnectFromHost(); });
}

} // namespace tidemark::service
