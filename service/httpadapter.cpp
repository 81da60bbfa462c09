#include "httpadapter.h"

#include <QAbstractHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>

namespace tidemark::service {

// QAbstractHttpServer rather than QHttpServer: its router and view traits are templates of
// the preview API that changed in every release since, and we route ourselves (routes.cpp).
class HttpAdapter::Server final : public QAbstractHttpServer
{
public:
    explicit Server(HttpHandler handler)
        : m_handler(std::move(handler))
    {
    }

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override
    {
        HttpRequest r;
        switch (request.method()) {
        case QHttpServerRequest::Method::Get: r.method = "GET"; break;
        case QHttpServerRequest::Method::Post: r.method = "POST"; break;
        case QHttpServerRequest::Method::Put: r.method = "PUT"; break;
        case QHttpServerRequest::Method::Delete: r.method = "DELETE"; break;
        case QHttpServerRequest::Method::Head: r.method = "HEAD"; break;
        case QHttpServerRequest::Method::Options: r.method = "OPTIONS"; break;
        case QHttpServerRequest::Method::Patch: r.method = "PATCH"; break;
        default: r.method = "OTHER"; break;
        }
        // Split the encoded path, then decode each segment: a mapping named "a/b" arrives as
        // "a%2Fb" and must stay one segment.
        const QByteArray encoded = request.url().path(QUrl::FullyEncoded).toUtf8();
        for (const QByteArray &segment : encoded.split('/'))
            if (!segment.isEmpty())
                r.segments << QUrl::fromPercentEncoding(segment);
        r.query = request.query();
        r.headers = request.headers();
        r.body = request.body();
        r.peer = socket->peerAddress();

        // The responder is kept until the handler answers, which may be later; by then the
        // client may have gone (the socket deleted), so the reply checks it still exists.
        auto responder = std::make_shared<QHttpServerResponder>(makeResponder(request, socket));
        QPointer<QTcpSocket> alive(socket);
        const bool keepAlive = !request.value("Connection").contains("close");
        HttpReply reply = [responder, alive, keepAlive](const HttpResponse &response) mutable {
            if (!responder || !alive || alive->state() != QAbstractSocket::ConnectedState)
                return;
            responder->writeStatusLine(QHttpServerResponder::StatusCode(response.status));
            if (!response.contentType.isEmpty())
                responder->writeHeader("Content-Type", response.contentType);
            // A 304 has no body, and a Content-Length would describe the document it stands for.
            if (response.status != 304 && response.status != 204)
                responder->writeHeader("Content-Length", QByteArray::number(response.body.size()));
            for (const auto &[key, value] : response.headers)
                responder->writeHeader(key, value);
            responder->writeBody(response.body);
            if (!keepAlive)
                alive->disconnectFromHost();
            responder.reset();
        };
        m_handler(r, reply);
        return true;
    }

    void missingHandler(const QHttpServerRequest &, QTcpSocket *) override
    {
        // handleRequest answers every request; Qt HttpServer calls this only when it did not.
    }

private:
    HttpHandler m_handler;
};

HttpAdapter::HttpAdapter(HttpHandler handler, QObject *parent)
    : QObject(parent)
    , m_server(std::make_unique<Server>(std::move(handler)))
{
}

HttpAdapter::~HttpAdapter() = default;

void HttpAdapter::bind(QTcpServer *server)
{
    m_server->bind(server);
}

} // namespace tidemark::service
