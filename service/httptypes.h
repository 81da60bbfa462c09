#pragma once
// The service's own request and response types: the routes and handlers see these, never Qt
// HttpServer's, so the one file that talks to Qt HttpServer (httpadapter.cpp) is all that
// changes when its API does (it is a technology preview in Qt 6.4).

#include <QByteArray>
#include <QHostAddress>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>
#include <QUrlQuery>

#include <functional>

namespace tidemark::service {

using HeaderList = QList<QPair<QByteArray, QByteArray>>;

struct HttpRequest
{
    QByteArray method;    // "GET", "POST", ...
    QStringList segments; // the path's segments, each percent-decoded
    QUrlQuery query;
    HeaderList headers;
    QByteArray body;
    QHostAddress peer;

    // Case-insensitive, as HTTP header names are; empty when absent.
    QByteArray header(const QByteArray &name) const;
    QString path() const { return u'/' + segments.join(u'/'); }
};

struct HttpResponse
{
    int status = 200;
    QByteArray contentType;
    QByteArray body;
    HeaderList headers; // beyond Content-Type and Content-Length

    static HttpResponse json(int status, const QJsonObject &document);
    // {"error": message}: every 4xx/5xx the service sends looks like this.
    static HttpResponse error(int status, const QString &message);
    static HttpResponse text(int status, const QByteArray &contentType, const QByteArray &body);
    void addHeader(const QByteArray &name, const QByteArray &value)
    {
        headers.append(qMakePair(name, value));
    }
};

// Answers a request. May be called after the handler returned (an action's pre-flight answers
// when the engine has counted); calls after the first, or after the client went away, do
// nothing.
using HttpReply = std::function<void(const HttpResponse &)>;
using HttpHandler = std::function<void(const HttpRequest &, const HttpReply &)>;

} // namespace tidemark::service
