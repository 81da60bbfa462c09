#include "apirouter.h"

#include "accesspolicy.h"
#include "actionhandler.h"
#include "connectionhandler.h"
#include "drifthandler.h"
#include "loghandler.h"
#include "prometheuswriter.h"
#include "runregistry.h"
#include "servicemetrics.h"
#include "statusboard.h"

using namespace Qt::StringLiterals;

namespace tidemark::service {

namespace {

HttpResponse methodNotAllowed(const HttpRequest &request, const QByteArray &allowed)
{
    HttpResponse r = HttpResponse::error(
            405,
            u"%1 is not allowed on %2; use %3"_s.arg(QString::fromLatin1(request.method),
                                                     request.path(), QString::fromLatin1(allowed)));
    r.addHeader("Allow", allowed);
    return r;
}

} // namespace

void ApiRouter::handle(const HttpRequest &request, const HttpReply &reply)
{
    if (const std::optional<HttpResponse> refused = m_p.access.checkHost(request)) {
        reply(*refused);
        return;
    }
    const QStringList &s = request.segments;
    const bool get = request.method == "GET";
    if (s.size() == 1 && (s[0] == u"livez" || s[0] == u"readyz")) {
        if (!get) {
            reply(methodNotAllowed(request, "GET"));
        } else if (s[0] == u"livez") {
            reply(HttpResponse::json(200, {{u"status"_s, u"alive"_s}}));
        } else {
            const bool ready = m_p.ready();
            reply(HttpResponse::json(ready ? 200 : 503,
                                     {{u"status"_s, ready ? u"ready"_s : u"starting"_s}}));
        }
        return;
    }
    // The token before anything else, so that a client without it learns nothing, not even
    // which paths exist.
    if (const std::optional<HttpResponse> refused = m_p.access.checkToken(request)) {
        reply(*refused);
        return;
    }
    if (s == QStringList{u"metrics"_s}) {
        if (!get)
            return reply(methodNotAllowed(request, "GET"));
        return reply(HttpResponse::text(200, PrometheusWriter::kContentType,
                                        m_p.metrics.render(m_p.status.mappings(),
                                                           m_p.status.connections(),
                                                           m_p.access.authFailures())));
    }
    if (s.size() >= 2 && s[0] == u"api" && s[1] == u"v1") {
        const QStringList rest = s.mid(2);
        if (rest == QStringList{u"status"_s}) {
            if (!get)
                return reply(methodNotAllowed(request, "GET"));
            return status(request, reply);
        }
        if (rest == QStringList{u"runs"_s}) {
            if (!get)
                return reply(methodNotAllowed(request, "GET"));
            return reply(
                    HttpResponse::json(200, {{u"runs"_s, m_p.runs.recent(RunRegistry::kKeep)}}));
        }
        if (rest.size() == 2 && rest[0] == u"runs") {
            if (!get)
                return reply(methodNotAllowed(request, "GET"));
            bool ok = false;
            const quint64 id = rest[1].toULongLong(&ok);
            const std::optional<QJsonObject> run =
                    ok ? m_p.runs.find(id) : std::optional<QJsonObject>();
            if (!run)
                return reply(HttpResponse::error(404,
                                                 u"no run %1 (runs are numbered by the 202 "
                                                 "answers of this service since it "
                                                 "started)"_s.arg(rest[1])));
            return reply(HttpResponse::json(200, *run));
        }
        if ((rest.size() == 3 || rest.size() == 4) && rest[0] == u"mappings")
            return mapping(request, rest, reply);
        if (rest == QStringList{u"log"_s}) {
            if (!get)
                return reply(methodNotAllowed(request, "GET"));
            return m_p.log.handle(request, reply);
        }
        // /connections/reconnect: every connection not connected; /connections/NAME/reconnect.
        const bool allConnections = rest == QStringList{u"connections"_s, u"reconnect"_s};
        if (allConnections
            || (rest.size() == 3 && rest[0] == u"connections" && rest[2] == u"reconnect")) {
            if (request.method != "POST")
                return reply(methodNotAllowed(request, "POST"));
            return m_p.connections.reconnect(allConnections ? QString() : rest[1], reply);
        }
    }
    reply(HttpResponse::error(404, u"no such endpoint: %1"_s.arg(request.path())));
}

void ApiRouter::mapping(const HttpRequest &request, const QStringList &rest, const HttpReply &reply)
{
    const QStringList tail = rest.mid(2);
    const bool drift =
            tail == QStringList{u"drift"_s} || tail == QStringList{u"drift"_s, u"export"_s};
    if (drift) {
        if (request.method != "GET")
            return reply(methodNotAllowed(request, "GET"));
        return m_p.drift.handle(rest[1], tail, request.query, reply);
    }
    if (tail.size() != 1)
        return reply(HttpResponse::error(404, u"no such endpoint: %1"_s.arg(request.path())));
    if (request.method != "POST")
        return reply(methodNotAllowed(request, "POST"));
    m_p.actions.handle(rest[1], tail[0], request.body, reply);
}

void ApiRouter::status(const HttpRequest &request, const HttpReply &reply)
{
    const StatusBoard &board = m_p.status;
    // Nothing changed since the revision the client has: 304, no body.
    const QByteArray ifNoneMatch = request.header("If-None-Match");
    const QString since = request.query.queryItemValue(u"since"_s);
    const bool unchanged = (!ifNoneMatch.isEmpty() && ifNoneMatch.trimmed() == board.etag())
            || (!since.isEmpty() && since.toULongLong() == board.revision());
    HttpResponse r = unchanged ? HttpResponse{304, {}, {}, {}}
                               : HttpResponse::text(200, "application/json", board.body());
    r.addHeader("ETag", board.etag());
    r.addHeader("Cache-Control", "no-cache");
    reply(r);
}

} // namespace tidemark::service
