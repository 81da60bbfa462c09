#pragma once
// GET /api/v1/log?after=SEQ&limit=N: the process's recent log lines from the ring buffer every
// logger writes into (log/logging.h), so a monitor attached to the service shows the log an
// embedded engine would have shown. Oldest first; a client polls with after= the "last" it
// was given and gets only what is newer.

#include "httptypes.h"

namespace tidemark::service {

class LogHandler
{
public:
    static constexpr int kDefaultLimit = 1000;
    static constexpr int kMaxLimit = 5000;

    void handle(const HttpRequest &request, const HttpReply &reply) const;
};

} // namespace tidemark::service
