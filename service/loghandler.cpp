#include "loghandler.h"

#include "log/logging.h"
#include "log/ringbuffersink.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace tidemark::service {

namespace {

QString levelName(spdlog::level::level_enum level)
{
    switch (level) {
    case spdlog::level::trace: return u"trace"_s;
    case spdlog::level::debug: return u"debug"_s;
    case spdlog::level::info: return u"info"_s;
    case spdlog::level::warn: return u"warning"_s;
    case spdlog::level::err: return u"error"_s;
    case spdlog::level::critical: return u"critical"_s;
    case spdlog::level::off:
    case spdlog::level::n_levels: return u"off"_s;
    }
    return u"off"_s;
}

} // namespace

void LogHandler::handle(const HttpRequest &request, const HttpReply &reply) const
{
    quint64 after = 0;
    int limit = kDefaultLimit;
    if (request.query.hasQueryItem(u"after"_s)) {
        bool ok = false;
        after = request.query.queryItemValue(u"after"_s).toULongLong(&ok);
        if (!ok) {
            reply(HttpResponse::error(400, u"after must be a log sequence number (0 or more)"_s));
            return;
        }
    }
    if (request.query.hasQueryItem(u"limit"_s)) {
        bool ok = false;
        limit = request.query.queryItemValue(u"limit"_s).toInt(&ok);
        if (!ok || limit < 1) {
            reply(HttpResponse::error(400,
                                      u"limit must be a number from 1 to %1"_s.arg(kMaxLimit)));
            return;
        }
        limit = std::min(limit, kMaxLimit);
    }
    const std::shared_ptr<RingBufferSink> ring = logRingBuffer();
    const QList<LogEntry> entries = ring->entriesSince(after);
    QJsonArray list;
    quint64 last = 0;
    for (qsizetype i = 0; i < entries.size() && list.size() < limit; ++i) {
        const LogEntry &e = entries.at(i);
        list.append(QJsonObject{{u"seq"_s, double(e.sequence)},
                                {u"time"_s, e.time.toUTC().toString(Qt::ISODateWithMs)},
                                {u"level"_s, levelName(e.level)},
                                {u"logger"_s, e.logger},
                                {u"message"_s, e.message}});
        last = e.sequence;
    }
    // Nothing newer: the buffer's newest, so that a client that asks past it (after a
    // restart of the service) learns where the log stands now.
    if (list.isEmpty())
        last = ring->lastSequence();
    reply(HttpResponse::json(200, QJsonObject{{u"entries"_s, list}, {u"last"_s, double(last)}}));
}

} // namespace tidemark::service
