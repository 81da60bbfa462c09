#pragma once
// What one connection may cost the service. Qt HttpServer 6.4 enforces none of these (it
// buffers a request of any size and keeps a silent connection forever), so guardedserver.cpp
// does, before Qt HttpServer reads a byte.

#include <QtGlobal>

namespace tidemark::service {

struct ServerLimits
{
    // Request line, headers and body together; a larger request is answered 413 and closed.
    qint64 maxRequestBytes = 64 * 1024;
    // From a request's first byte to its last: a client that sends half a request and stalls
    // (slowloris) would otherwise hold the connection and its buffer forever. Dropped with 408.
    int requestTimeoutMs = 5000;
    // A kept-alive connection with no request in flight is closed after this long.
    int idleTimeoutMs = 15000;
    // Connections open at once; more are answered 503 and closed at once.
    int maxConnections = 256;
    // TLS: a client that opens a connection and never finishes the handshake is dropped.
    int handshakeTimeoutMs = 5000;
};

} // namespace tidemark::service
