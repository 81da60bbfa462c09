#include "service.h"

#include "accesspolicy.h"
#include "actionhandler.h"
#include "apirouter.h"
#include "connectionhandler.h"
#include "drifthandler.h"
#include "guardedserver.h"
#include "httpadapter.h"
#include "loghandler.h"
#include "runregistry.h"
#include "servicemetrics.h"
#include "statusboard.h"

#include "api/engine.h"

#include <QFile>
#include <QSslCertificate>
#include <QSslKey>

using namespace Qt::StringLiterals;

namespace tidemark::service {

bool Service::isLoopback(const QHostAddress &address)
{
    return address.isLoopback();
}

Service::Service(Engine &engine, ServeOptions options, QObject *parent)
    : QObject(parent)
    , m_engine(engine)
    , m_options(std::move(options))
{
    m_access = std::make_unique<AccessPolicy>(m_options.token, isLoopback(m_options.address));
    m_runs = std::make_unique<RunRegistry>(engine);
    m_status = std::make_unique<StatusBoard>(engine, *m_runs);
    m_runs->setChangedHandler([this] { m_status->rebuild(); });
    m_metrics = std::make_unique<ServiceMetrics>(engine);
    m_actions = std::make_unique<ActionHandler>(engine, *m_runs);
    m_drift = std::make_unique<DriftHandler>(engine);
    m_connections = std::make_unique<ConnectionHandler>(engine);
    m_log = std::make_unique<LogHandler>();
    m_router = std::make_unique<ApiRouter>(
            ApiRouter::Parts{*m_access, *m_status, *m_metrics, *m_runs, *m_actions, *m_drift,
                             *m_connections, *m_log, [this] { return m_ready; }});
    m_adapter = std::make_unique<HttpAdapter>(
            [this](const HttpRequest &request, const HttpReply &reply) {
                m_router->handle(request, reply);
            });
}

Service::~Service() = default;

bool Service::listen(QString *error)
{
    const bool wantTls = !m_options.tlsCert.isEmpty() || !m_options.tlsKey.isEmpty();
    const QString where = u"%1:%2"_s.arg(m_options.address.toString()).arg(m_options.port);
    if (!isLoopback(m_options.address) && !wantTls && !m_options.insecureRemote) {
        *error = u"--listen %1 is not a loopback address, and without TLS the token and every "
                 "answer would cross the network in clear text; give --tls-cert and --tls-key, "
                 "or --insecure-remote to accept that"_s.arg(where);
        return false;
    }
    std::unique_ptr<QTcpServer> server;
    if (wantTls) {
        if (m_options.tlsCert.isEmpty() || m_options.tlsKey.isEmpty()) {
            *error = u"TLS needs both --tls-cert and --tls-key"_s;
            return false;
        }
        QFile certFile(m_options.tlsCert);
        QFile keyFile(m_options.tlsKey);
        if (!certFile.open(QIODevice::ReadOnly)) {
            *error = u"--tls-cert %1: %2"_s.arg(m_options.tlsCert, certFile.errorString());
            return false;
        }
        if (!keyFile.open(QIODevice::ReadOnly)) {
            *error = u"--tls-key %1: %2"_s.arg(m_options.tlsKey, keyFile.errorString());
            return false;
        }
        const QList<QSslCertificate> chain =
                QSslCertificate::fromData(certFile.readAll(), QSsl::Pem);
        QSslKey key(keyFile.readAll(), QSsl::Rsa, QSsl::Pem);
        if (key.isNull()) {
            keyFile.seek(0);
            key = QSslKey(keyFile.readAll(), QSsl::Ec, QSsl::Pem);
        }
        if (chain.isEmpty()) {
            *error = u"--tls-cert %1 holds no PEM certificate"_s.arg(m_options.tlsCert);
            return false;
        }
        if (key.isNull()) {
            *error = u"--tls-key %1 holds no unencrypted PEM RSA or EC private key"_s.arg(
                    m_options.tlsKey);
            return false;
        }
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setLocalCertificateChain(chain);
        tls.setPrivateKey(key);
        tls.setPeerVerifyMode(QSslSocket::VerifyNone);
        tls.setProtocol(QSsl::TlsV1_2OrLater);
        server = std::make_unique<GuardedSslServer>(m_options.limits, tls);
    } else {
        server = std::make_unique<GuardedTcpServer>(m_options.limits);
    }
    // The kernel's queue of connections not yet accepted. Qt's default (50) is smaller than a
    // burst of clients the service is meant to take: a SYN that overflows it is retried by the
    // client after 1, 3, 7, 15 s, which a load test saw as 15-second answers.
    server->setListenBacklogSize(std::max(50, m_options.limits.maxConnections));
    if (!server->listen(m_options.address, m_options.port)) {
        *error = u"cannot listen on %1: %2"_s.arg(where, server->errorString());
        return false;
    }
    m_server = server.release();
    m_adapter->bind(m_server);
    return true;
}

quint16 Service::port() const
{
    return m_server ? m_server->serverPort() : 0;
}

void Service::close()
{
    if (m_server)
        m_server->close();
}

} // namespace tidemark::service
