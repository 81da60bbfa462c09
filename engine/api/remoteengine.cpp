#include "api/remoteengine.h"

#include "api/resultjson.h"
#include "api/statusjson.h"
#include "log/logging.h"
#include "log/ringbuffersink.h"

#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkReply>
#include <QNetworkRequest>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace tidemark {

namespace {

constexpr int kDefaultPort = 8457;
// On attaching, the log dock gets the service's recent lines, not its whole buffer.
constexpr quint64 kLogBacklog = 500;
constexpr int kLogPage = 1000;

std::shared_ptr<spdlog::logger> log() { return logger("remote"); }

} // namespace

QJsonObject RemoteEngine::Answer::json() const
{
    return QJsonDocument::fromJson(body).object();
}

QString RemoteEngine::Answer::errorText() const
{
    const QString serviceError = json().value(u"error"_s).toString();
    if (!serviceError.isEmpty())
        return serviceError;
    if (!networkError.isEmpty())
        return networkError;
    return u"HTTP status %1"_s.arg(status);
}

RemoteEngine::RemoteEngine(const QUrl &service, const QString &token, Options options,
                           QObject *parent)
    : Engine(parent)
    , m_authorization("Bearer " + token.toUtf8())
    , m_options(options)
{
    m_url = service.adjusted(QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveFragment
                             | QUrl::RemoveUserInfo);
    // A redirect would carry the token to wherever it points: follow none.
    m_net.setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
    m_timer.setInterval(m_options.pollIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &RemoteEngine::tick);
    m_linkSince = QDateTime::currentDateTimeUtc();
}

RemoteEngine::~RemoteEngine()
{
    stop();
}

std::optional<QUrl> RemoteEngine::parseServiceUrl(const QString &text, QString *error)
{
    auto fail = [error](const QString &why) {
        if (error)
            *error = why;
        return std::optional<QUrl>();
    };
    QString t = text.trimmed();
    if (t.isEmpty())
        return fail(u"no address given; e.g. http://127.0.0.1:8457"_s);
    if (!t.contains(u"://"_s))
        t.prepend(u"http://"_s);
    QUrl url(t, QUrl::StrictMode);
    if (!url.isValid())
        return fail(u"'%1' is not an address: %2"_s.arg(text.trimmed(), url.errorString()));
    const QString scheme = url.scheme().toLower();
    if (scheme != u"http" && scheme != u"https")
        return fail(u"'%1': the service speaks http or https, not %2"_s.arg(text.trimmed(),
                                                                             url.scheme()));
    if (url.host().isEmpty())
        return fail(u"'%1' names no host"_s.arg(text.trimmed()));
    if (!url.userInfo().isEmpty())
        return fail(u"'%1': put the token in the token field, never in the address"_s.arg(
                text.trimmed()));
    if (url.port() == -1)
        url.setPort(kDefaultPort);
    return url.adjusted(QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveFragment);
}

bool RemoteEngine::sendsInClear(const QUrl &url)
{
    if (url.scheme().toLower() != u"http")
        return false;
    const QString host = url.host().toLower();
    if (host == u"localhost" || host.endsWith(u".localhost"_s))
        return false;
    const QHostAddress address(host);
    return address.isNull() || !address.isLoopback();
}

QString RemoteEngine::serviceConnectionName()
{
    return u"tidemark serve"_s;
}

void RemoteEngine::start()
{
    if (m_running)
        return;
    m_running = true;
    log()->info("attaching to the service at {}", m_url.toString());
    m_timer.start();
    pollStatus();
}

void RemoteEngine::stop()
{
    if (!m_running)
        return;
    m_running = false;
    m_timer.stop();
    // abort() answers each reply's finished at once; the handlers see m_running false and
    // return. Copy first: the handlers remove themselves from the set.
    const QSet<QNetworkReply *> replies = m_inFlight;
    for (QNetworkReply *reply : replies)
        reply->abort();
    m_inFlight.clear();
    m_pending.clear();
    m_statusInFlight = false;
    m_logInFlight = false;
    log()->info("detached from the service at {}", m_url.toString());
}

// --- HTTP ---------------------------------------------------------------------------------

void RemoteEngine::send(const QByteArray &method, const QString &path, const QJsonObject &body,
                        Handler handler, const QList<std::pair<QByteArray, QByteArray>> &headers)
{
    // The path arrives percent-encoded (mapping names are encoded by mappingPath): fromEncoded
    // keeps it exactly so, where setPath would decode "%2F" into a separator.
    const QUrl url = QUrl::fromEncoded(m_url.toEncoded(QUrl::RemovePath) + path.toLatin1(),
                                       QUrl::StrictMode);
    QNetworkRequest request(url);
    request.setRawHeader("Authorization", m_authorization);
    request.setRawHeader("Accept", "application/json");
    request.setTransferTimeout(m_options.requestTimeoutMs);
    request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    for (const auto &[name, value] : headers)
        request.setRawHeader(name, value);
    QNetworkReply *reply = nullptr;
    if (method == "GET") {
        reply = m_net.get(request);
    } else {
        request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
        reply = m_net.sendCustomRequest(request, method,
                                        QJsonDocument(body).toJson(QJsonDocument::Compact));
    }
    m_inFlight.insert(reply);
    connect(reply, &QNetworkReply::finished, this, [this, reply, handler = std::move(handler)] {
        m_inFlight.remove(reply);
        reply->deleteLater();
        if (!m_running)
            return;
        Answer a;
        a.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        a.body = reply->readAll();
        a.etag = reply->rawHeader("ETag");
        if (a.status == 0)
            a.networkError = reply->errorString();
        handler(a);
    });
}

QString RemoteEngine::mappingPath(const QString &mapping, const QString &action)
{
    QString path = u"/api/v1/mappings/"_s + QString::fromLatin1(QUrl::toPercentEncoding(mapping));
    if (!action.isEmpty())
        path += u'/' + action;
    return path;
}

// --- polling ------------------------------------------------------------------------------

void RemoteEngine::tick()
{
    // A refused token stays refused: asking again would only add to the service's
    // tidemark_auth_failures_total. Reconnect on the link's row asks once more.
    if (!m_running || m_link == Link::Unauthorized)
        return;
    // While the service does not answer, ask less and less often (up to retryMaxMs).
    const bool due = m_link == Link::Up || m_link == Link::Connecting
            || !m_sincePoll.isValid() || m_sincePoll.elapsed() >= m_delayMs;
    if (!m_statusInFlight && due)
        pollStatus();
    if (m_link == Link::Up) {
        pollRuns();
        if (m_options.readLog)
            pollLog();
    }
}

void RemoteEngine::pollStatus()
{
    if (!m_running || m_statusInFlight)
        return;
    m_statusInFlight = true;
    m_sincePoll.restart();
    QList<std::pair<QByteArray, QByteArray>> headers;
    if (!m_etag.isEmpty())
        headers.append({"If-None-Match", m_etag});
    send("GET", u"/api/v1/status"_s, {}, [this](const Answer &a) { handleStatus(a); }, headers);
}

void RemoteEngine::handleStatus(const Answer &a)
{
    m_statusInFlight = false;
    if (a.status == 304) {
        setLink(Link::Up, {});
        return;
    }
    if (a.status == 401) {
        setLink(Link::Unauthorized,
                u"the service refused the token (%1); attach again with the token from the "
                "service's token file"_s.arg(a.errorText()));
        return;
    }
    if (a.status != 200) {
        setLink(Link::Down, a.status == 0
                                    ? u"the service does not answer: %1"_s.arg(a.networkError)
                                    : u"the service answered %1: %2"_s.arg(a.status).arg(
                                              a.errorText()));
        return;
    }
    QJsonParseError parseError{};
    const QJsonDocument doc = QJsonDocument::fromJson(a.body, &parseError);
    QString error;
    std::optional<statusjson::Document> decoded;
    if (parseError.error != QJsonParseError::NoError || !doc.isObject())
        error = u"not a JSON object"_s;
    else
        decoded = statusjson::decodeDocument(doc.object(), &error);
    if (!decoded) {
        setLink(Link::Down, u"the service's status could not be read (%1); is it another "
                            "version of Tidemark?"_s.arg(error));
        return;
    }
    m_etag = a.etag;
    m_mappings = decoded->mappings;
    m_connections = decoded->connections;
    // A check the view has not seen (a scheduled one, or one another client asked for): fetch
    // its rows. Checks this engine asked for come with their run.
    for (const MappingStatus &m : std::as_const(m_mappings)) {
        if (!m.drift || m_driftSeen.value(m.name) == m.drift->checkedAt)
            continue;
        m_driftSeen.insert(m.name, m.drift->checkedAt);
        const bool asked = std::any_of(m_pending.cbegin(), m_pending.cend(), [&](const Pending &p) {
            return p.mapping == m.name && p.kind == RunKind::Check;
        });
        if (!asked)
            fetchLatestCheck(m.name);
    }
    const bool wasUp = m_link == Link::Up;
    setLink(Link::Up, {});
    if (wasUp)   // setLink emitted them when the link came up
        emitSnapshots();
}

void RemoteEngine::pollRuns()
{
    for (auto it = m_pending.begin(); it != m_pending.end(); ++it) {
        if (it->inFlight)
            continue;
        it->inFlight = true;
        const quint64 runId = it.key();
        send("GET", u"/api/v1/runs/%1"_s.arg(runId), {},
             [this, runId](const Answer &a) { handleRun(runId, a); });
    }
}

void RemoteEngine::handleRun(quint64 runId, const Answer &a)
{
    auto it = m_pending.find(runId);
    if (it == m_pending.end())
        return;
    it->inFlight = false;
    if (a.status == 404) {
        const Pending p = m_pending.take(runId);
        failRun(p, u"the service no longer knows run %1 (did it restart?); its outcome is "
                   "unknown: see the mapping's last run"_s.arg(runId));
        return;
    }
    if (a.status != 200)
        return; // asked again at the next tick; a lost link shows in the status
    const QJsonObject run = a.json();
    if (run.value(u"state"_s).toString() == u"finished") {
        const Pending p = m_pending.take(runId);
        finishRun(p, run);
        return;
    }
    const QJsonObject progress = run.value(u"progress"_s).toObject();
    if (!progress.isEmpty() && (it->kind == RunKind::Check || it->kind == RunKind::Repair)) {
        if (const std::optional<Progress> p = resultjson::decodeProgress(progress, nullptr))
            Q_EMIT driftProgressed(it->mapping, *p);
    }
}

void RemoteEngine::pollLog()
{
    if (m_logInFlight)
        return;
    m_logInFlight = true;
    // The first request only learns where the service's log stands.
    const QString path = m_logStarted
            ? u"/api/v1/log?after=%1&limit=%2"_s.arg(m_logAfter).arg(kLogPage)
            : u"/api/v1/log?after=0&limit=1"_s;
    send("GET", path, {}, [this](const Answer &a) {
        m_logInFlight = false;
        if (a.status == 404) {
            // A service without the endpoint: say so once and stop asking.
            m_options.readLog = false;
            log()->info("the service at {} does not serve its log; the log shows this "
                        "monitor's lines only",
                        m_url.toString());
            return;
        }
        if (a.status != 200)
            return;
        const QJsonObject o = a.json();
        if (!m_logStarted) {
            const quint64 last = quint64(o.value(u"last"_s).toDouble());
            m_logAfter = last > kLogBacklog ? last - kLogBacklog : 0;
            m_logStarted = true;
            return;
        }
        const std::shared_ptr<RingBufferSink> buffer = logRingBuffer();
        const QJsonArray entries = o.value(u"entries"_s).toArray();
        for (const QJsonValue &v : entries) {
            const QJsonObject e = v.toObject();
            m_logAfter = std::max(m_logAfter, quint64(e.value(u"seq"_s).toDouble()));
            if (!buffer)
                continue;
            LogEntry entry;
            entry.time = QDateTime::fromString(e.value(u"time"_s).toString(), Qt::ISODateWithMs);
            entry.level = spdlog::level::from_str(e.value(u"level"_s).toString().toStdString());
            entry.logger = e.value(u"logger"_s).toString();
            entry.message = e.value(u"message"_s).toString();
            buffer->append(std::move(entry));
        }
    });
}

void RemoteEngine::fetchLatestCheck(const QString &mapping)
{
    send("GET", mappingPath(mapping, u"drift"_s), {}, [this](const Answer &a) {
        if (a.status != 200)
            return; // none since the service started
        if (auto r = resultjson::decodeCheck(a.json(), nullptr))
            Q_EMIT driftChecked(0, *r);
    });
}

// --- the link -----------------------------------------------------------------------------

void RemoteEngine::setLink(Link link, const QString &error)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    if (link == Link::Up) {
        m_failures = 0;
        m_delayMs = 0;
    } else if (link != Link::Connecting) {
        ++m_failures;
        m_delayMs = std::min(m_options.retryMaxMs,
                             m_options.pollIntervalMs << std::min(m_failures, 6));
        m_linkErrorAt = now;
    }
    if (link == m_link && error == m_linkError)
        return;
    m_link = link;
    m_linkError = error;
    m_linkSince = now;
    switch (link) {
    case Link::Up: log()->info("attached to the service at {}", m_url.toString()); break;
    case Link::Down: log()->warn("the service at {}: {}", m_url.toString(), error); break;
    case Link::Unauthorized: log()->error("the service at {}: {}", m_url.toString(), error); break;
    case Link::Connecting: break;
    }
    Q_EMIT linkChanged(link, error);
    emitSnapshots();
}

void RemoteEngine::emitSnapshots()
{
    Q_EMIT statusChanged(mappings());
    Q_EMIT connectionsChanged(connections());
}

QList<MappingStatus> RemoteEngine::mappings() const
{
    if (m_link == Link::Up)
        return m_mappings;
    // What the service said last, marked as not current: each mapping waits for the link.
    QList<MappingStatus> shown = m_mappings;
    const QDateTime next = m_sincePoll.isValid()
            ? QDateTime::currentDateTimeUtc().addMSecs(
                      std::max<qint64>(0, m_delayMs - m_sincePoll.elapsed()))
            : QDateTime();
    for (MappingStatus &m : shown) {
        m.state = MappingState::Waiting;
        m.operation.clear();
        m.progress = {};
        m.lastError = m_linkError;
        m.nextRunAt = next;
    }
    return shown;
}

QList<ConnectionStatus> RemoteEngine::connections() const
{
    ConnectionStatus service;
    service.name = serviceConnectionName();
    service.description = m_url.toString();
    switch (m_link) {
    case Link::Connecting: service.state = ConnectionState::NeverConnected; break;
    case Link::Up: service.state = ConnectionState::Connected; break;
    case Link::Down: service.state = ConnectionState::Reconnecting; break;
    case Link::Unauthorized: service.state = ConnectionState::Disconnected; break;
    }
    service.since = m_linkSince;
    if (m_link != Link::Up) {
        service.lastError = m_linkError;
        service.lastErrorAt = m_linkErrorAt;
        service.attempts = m_failures;
        if (m_link == Link::Down && m_sincePoll.isValid())
            service.nextAttemptAt = QDateTime::currentDateTimeUtc().addMSecs(
                    std::max<qint64>(0, m_delayMs - m_sincePoll.elapsed()));
    }
    for (const MappingStatus &m : m_mappings)
        service.mappings.append(m.name);
    QList<ConnectionStatus> all{service};
    all += m_connections;
    return all;
}

bool RemoteEngine::knows(const QString &mapping) const
{
    return std::any_of(m_mappings.cbegin(), m_mappings.cend(),
                       [&](const MappingStatus &m) { return m.name == mapping; });
}

} // namespace tidemark
