#include "accesspolicy.h"

#include "tokenfile.h"

#include <QHostAddress>

using namespace Qt::StringLiterals;

namespace tidemark::service {

AccessPolicy::AccessPolicy(QByteArray token, bool loopbackOnly)
    : m_token(std::move(token))
    , m_loopbackOnly(loopbackOnly)
{
}

std::optional<HttpResponse> AccessPolicy::checkHost(const HttpRequest &request) const
{
    const QByteArray host = request.header("Host").trimmed();
    if (host.isEmpty())
        return HttpResponse::error(400, u"the request has no Host header"_s);
    if (!m_loopbackOnly)
        return std::nullopt;
    // "localhost:8457", "127.0.0.1:8457", "[::1]:8457": the name without its port.
    QByteArray name = host;
    if (name.startsWith('[')) {
        name = name.mid(1, name.indexOf(']') - 1);
    } else if (name.count(':') == 1) {
        name = name.left(name.indexOf(':'));
    }
    const QHostAddress address(QString::fromLatin1(name));
    if (name.compare("localhost", Qt::CaseInsensitive) == 0
        || (!address.isNull() && address.isLoopback()))
        return std::nullopt;
    return HttpResponse::error(
            400,
            u"Host '%1' is not this service: it listens on loopback only, so the Host must "
            "be localhost or a loopback address"_s.arg(QString::fromLatin1(host)));
}

std::optional<HttpResponse> AccessPolicy::checkToken(const HttpRequest &request)
{
    const QByteArray authorization = request.header("Authorization").trimmed();
    const QByteArray scheme = "bearer ";
    if (authorization.size() > scheme.size()
        && authorization.left(scheme.size()).toLower() == scheme
        && constantTimeEquals(authorization.mid(scheme.size()).trimmed(), m_token))
        return std::nullopt;
    ++m_authFailures;
    HttpResponse r = HttpResponse::error(
            401,
            authorization.isEmpty()
                    ? u"this request needs the header 'Authorization: Bearer TOKEN' (the token "
                      "is in the service's token file)"_s
                    : u"the bearer token is not the service's"_s);
    r.addHeader("WWW-Authenticate", "Bearer realm=\"tidemark\"");
    return r;
}

} // namespace tidemark::service
