#pragma once
// Which request goes where (SPEC.md "Service: serve"), and the checks every request passes
// first: the Host header, then the bearer token (except /livez and /readyz, which
// orchestrators probe without one). A path that exists with another method is 405 with
// Allow; an unknown path is 404; both as {"error": ...}.

#include "httptypes.h"

#include <functional>

namespace tidemark::service {

class AccessPolicy;
class ActionHandler;
class ConnectionHandler;
class DriftHandler;
class LogHandler;
class RunRegistry;
class ServiceMetrics;
class StatusBoard;

class ApiRouter
{
public:
    struct Parts
    {
        AccessPolicy &access;
        StatusBoard &status;
        ServiceMetrics &metrics;
        RunRegistry &runs;
        ActionHandler &actions;
        DriftHandler &drift;
        ConnectionHandler &connections;
        LogHandler &log;
        std::function<bool()> ready; // the project is loaded and the scheduler runs
    };
    explicit ApiRouter(Parts parts)
        : m_p(std::move(parts))
    {
    }

    void handle(const HttpRequest &request, const HttpReply &reply);

private:
    void status(const HttpRequest &request, const HttpReply &reply);
    // /api/v1/mappings/NAME/...: an action (POST), or the drift check and its export (GET).
    void mapping(const HttpRequest &request, const QStringList &rest, const HttpReply &reply);
    Parts m_p;
};

} // namespace tidemark::service
