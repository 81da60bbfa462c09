#pragma once
// The engine of a `tidemark-cli serve` on another machine (or this one), seen through its HTTP
// API: the monitor attached to a service. It implements the same facade as the embedded engine,
// so every view works unchanged; the snapshots are the service's own, decoded without loss
// (api/statusjson.h, api/resultjson.h).
//
// Everything runs on the thread that owns it (the GUI thread), asynchronously through
// QNetworkAccessManager: no call waits for the network.
//
// - Status: GET /api/v1/status every poll interval with If-None-Match, so an unchanged
//   service answers 304 with no body. One status request is in flight at a time, so answers
//   never arrive out of order.
// - Requests: POST /api/v1/mappings/NAME/ACTION answers 202 with a run id, or 409 with the
//   refusal; the run is polled (GET /api/v1/runs/ID) until it finished, and its outcome is
//   emitted with the local request id, as the embedded engine would.
// - The log: GET /api/v1/log?after=N, appended to this process's log ring buffer, so the log
//   dock shows the service's lines beside the monitor's own.
// - When the service does not answer, every mapping shows `waiting` with the reason, the
//   connections dock shows the link itself reconnecting, and polling backs off (doubling up to
//   a limit). Nothing is retried behind the operator's back: a request sent while the service
//   is down ends at once with the error. A refused token is not tried again until the
//   operator asks (reconnect of the link's row).

#include "api/engine.h"

#include <QElapsedTimer>
#include <QHash>
#include <QNetworkAccessManager>
#include <QPointer>
#include <QSet>
#include <QTimer>
#include <QUrl>

#include <functional>
#include <optional>

class QNetworkReply;

namespace tidemark {

class RemoteEngine final : public Engine
{
    Q_OBJECT
public:
    struct Options
    {
        int pollIntervalMs = 1000;
        int requestTimeoutMs = 15000;
        int retryMaxMs = 30000;   // the back-off while the service does not answer
        bool readLog = true;
    };

    enum class Link { Connecting, Up, Down, Unauthorized };
    Q_ENUM(Link)

    // `service`: the service's base URL (http or https, host and port; a path is ignored).
    RemoteEngine(const QUrl &service, const QString &token, Options options,
                 QObject *parent = nullptr);
    RemoteEngine(const QUrl &service, const QString &token, QObject *parent = nullptr)
        : RemoteEngine(service, token, Options{}, parent)
    {
    }
    ~RemoteEngine() override;

    // "host:port", "http://host:port/", "https://host" (port 8457 when none is given). nullopt
    // with `error` naming what is wrong otherwise.
    static std::optional<QUrl> parseServiceUrl(const QString &text, QString *error);
    // Plain http to a host that is not loopback: the token and the data cross the network
    // readable by anyone on the path.
    static bool sendsInClear(const QUrl &url);
    // The row of the connections list that stands for the link to the service.
    static QString serviceConnectionName();

    QUrl url() const { return m_url; }
    Link link() const { return m_link; }
    QString linkError() const { return m_linkError; }

    void start() override;
    // Stops polling and drops what is in flight. The service runs on; so do its runs.
    void stop() override;
    QList<MappingStatus> mappings() const override;
    QList<ConnectionStatus> connections() const override;
    quint64 request(const QString &mapping, OperationKind kind,
                    const OperationOptions &options = {}) override;
    void cancel(const QString &mapping) override;
    void setPaused(const QString &mapping, bool paused) override;
    void reconnect(const QString &connection) override;
    quint64 checkDrift(const QString &mapping, const DriftCheckOptions &options = {}) override;
    quint64 repairDrift(const QString &mapping, const DriftRepairOptions &options) override;
    quint64 explainDriftKey(const QString &mapping, const QVariantList &key) override;
    quint64 exportDrift(const QString &mapping, DriftExportFormat format,
                        const QString &path) override;
    void cancelDrift(const QString &mapping) override;

Q_SIGNALS:
    void linkChanged(tidemark::RemoteEngine::Link link, const QString &error);

private:
    enum class RunKind { Operation, Check, Repair, Explain };
    struct Pending
    {
        quint64 localId = 0;
        QString mapping;
        RunKind kind = RunKind::Operation;
        OperationKind operation = OperationKind::Sync;
        bool dryRun = false;
        DriftRepairOptions repairOptions;
        bool inFlight = false;
    };
    struct Answer
    {
        int status = 0;              // 0: no HTTP answer (network error, timeout)
        QByteArray body;
        QByteArray etag;
        QString networkError;
        QJsonObject json() const;
        // The service's {"error": ...}, else the network error, else the status.
        QString errorText() const;
    };
    using Handler = std::function<void(const Answer &)>;

    void send(const QByteArray &method, const QString &path, const QJsonObject &body,
              Handler handler, const QList<std::pair<QByteArray, QByteArray>> &headers = {});
    static QString mappingPath(const QString &mapping, const QString &action);

    void tick();
    void pollStatus();
    void handleStatus(const Answer &answer);
    void pollRuns();
    void handleRun(quint64 runId, const Answer &answer);
    void finishRun(const Pending &pending, const QJsonObject &run);
    void failRun(const Pending &pending, const QString &error, bool refused = false);
    void pollLog();
    void fetchLatestCheck(const QString &mapping);

    // POSTs an action that answers with a run; 0 when the mapping is unknown or stopped.
    quint64 postRun(const QString &mapping, const QString &action, const QJsonObject &body,
                    Pending pending);
    void postFireAndForget(const QString &path, const QJsonObject &body, const QString &what);

    void setLink(Link link, const QString &error);
    void emitSnapshots();
    bool knows(const QString &mapping) const;

    QUrl m_url;
    QByteArray m_authorization;
    Options m_options;
    QNetworkAccessManager m_net;
    QTimer m_timer;
    QSet<QNetworkReply *> m_inFlight;
    bool m_running = false;
    bool m_statusInFlight = false;
    bool m_logInFlight = false;

    Link m_link = Link::Connecting;
    QString m_linkError;
    QDateTime m_linkSince;
    QDateTime m_linkErrorAt;
    int m_failures = 0;
    int m_delayMs = 0;
    QElapsedTimer m_sincePoll;

    QByteArray m_etag;
    QList<MappingStatus> m_mappings;        // as the service last said
    QList<ConnectionStatus> m_connections;
    QHash<QString, QDateTime> m_driftSeen;  // per mapping: the check the view has
    quint64 m_logAfter = 0;
    bool m_logStarted = false;

    quint64 m_nextId = 0;
    QHash<quint64, Pending> m_pending;      // by the service's run id
};

} // namespace tidemark
