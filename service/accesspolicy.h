#pragma once
// Who may ask: the bearer token (everywhere but /livez and /readyz) and the Host header.
//
// The Host check is against DNS rebinding: a web page on evil.example whose name is made to
// resolve to 127.0.0.1 can make a browser send requests to a loopback service, with Host:
// evil.example. A service bound to loopback therefore answers only requests that name a
// loopback host. A token stops such a page anyway (it cannot know it); this is the second lock.
// No CORS headers are ever sent, so a browser never lets another origin read an answer.

#include "httptypes.h"

#include <optional>

namespace tidemark::service {

class AccessPolicy
{
public:
    // `loopbackOnly`: the service listens on a loopback address only.
    AccessPolicy(QByteArray token, bool loopbackOnly);

    // Nullopt when the request may go on; otherwise the answer (400 for a bad Host, 401 with
    // WWW-Authenticate: Bearer for a missing or wrong token).
    std::optional<HttpResponse> checkHost(const HttpRequest &request) const;
    std::optional<HttpResponse> checkToken(const HttpRequest &request);

    quint64 authFailures() const { return m_authFailures; }

private:
    QByteArray m_token;
    bool m_loopbackOnly;
    quint64 m_authFailures = 0;
};

} // namespace tidemark::service
