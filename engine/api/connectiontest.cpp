#include "api/connectiontest.h"

#include "db/dberror.h"
#include "db/dbconnection.h"
#include "log/logging.h"

#include <QElapsedTimer>
#include <QSqlQuery>
#include <QThread>

#include <exception>

using namespace Qt::StringLiterals;

namespace tidemark {

namespace {

void readPostgres(DbConnection &conn, ConnectionTestResult &r)
{
    r.serverVersion = u"PostgreSQL "_s + conn.scalar(u"SHOW server_version"_s).toString();
    // pg_stat_ssl has a row for every backend; a role without pg_read_all_stats still sees its
    // own. No row at all (a pooler in between, a server that hides it) is "unknown", never
    // "unencrypted": telling a user the link is clear when it may not be would mislead.
    QSqlQuery q = conn.exec(
            u"SELECT ssl, version, cipher FROM pg_catalog.pg_stat_ssl WHERE pid = pg_backend_pid()"_s);
    if (!q.next())
        return;
    if (!q.value(0).toBool()) {
        r.tls = TlsState::Unencrypted;
        return;
    }
    r.tls = TlsState::Encrypted;
    QStringList detail;
    for (int i : {1, 2}) {
        if (!q.value(i).isNull())
            detail << q.value(i).toString();
    }
    r.tlsDetail = detail.join(u", "_s);
}

// `variable` is one of our constants: SHOW cannot take a bound parameter in MariaDB.
QString sessionStatus(DbConnection &conn, const QString &variable)
{
    QSqlQuery q = conn.exec(u"SHOW SESSION STATUS LIKE '"_s + variable + u'\'');
    return q.next() ? q.value(1).toString() : QString();
}

void readMariaDb(DbConnection &conn, ConnectionTestResult &r)
{
    const QString version = conn.scalar(u"SELECT VERSION()"_s).toString();
    r.serverVersion = (version.contains(u"MariaDB"_s, Qt::CaseInsensitive) ? u"MariaDB "_s
                                                                           : u"MySQL "_s)
            + version;
    // An empty Ssl_cipher is the server's own way of saying the session is not encrypted.
    const QString cipher = sessionStatus(conn, u"Ssl_cipher"_s);
    if (cipher.isEmpty()) {
        r.tls = TlsState::Unencrypted;
        return;
    }
    r.tls = TlsState::Encrypted;
    const QString protocol = sessionStatus(conn, u"Ssl_version"_s);
    r.tlsDetail = protocol.isEmpty() ? cipher : protocol + u", "_s + cipher;
}

} // namespace

QString tlsStateText(TlsState state)
{
    switch (state) {
    case TlsState::NotApplicable: return u"not applicable (local file)"_s;
    case TlsState::Encrypted: return u"encrypted (TLS)"_s;
    case TlsState::Unencrypted: return u"not encrypted"_s;
    case TlsState::Unknown: return u"unknown"_s;
    }
    return {};
}

QString ConnectionTestResult::summary() const
{
    if (!ok)
        return error;
    QString text = serverVersion;
    switch (tls) {
    case TlsState::NotApplicable: break;
    case TlsState::Encrypted:
        text += u" · TLS"_s + (tlsDetail.isEmpty() ? QString() : u" ("_s + tlsDetail + u')');
        break;
    case TlsState::Unencrypted: text += u" · not encrypted"_s; break;
    case TlsState::Unknown: text += u" · encryption unknown"_s; break;
    }
    return text + u" · "_s + QString::number(elapsedMs) + u" ms"_s;
}

ConnectionTestResult testConnection(const ConnectionConfig &config)
{
    ConnectionTestResult r;
    QElapsedTimer timer;
    timer.start();
    try {
        DbConnection conn(config, u"connection-test"_s);
        conn.open();
        switch (config.driver) {
        case DriverKind::Sqlite:
            r.serverVersion = u"SQLite "_s + conn.scalar(u"SELECT sqlite_version()"_s).toString();
            r.tls = TlsState::NotApplicable;
            break;
        case DriverKind::Postgres: readPostgres(conn, r); break;
        case DriverKind::MariaDb: readMariaDb(conn, r); break;
        case DriverKind::ClickHouse:
            r.serverVersion = u"ClickHouse "_s + conn.scalar(u"SELECT version()"_s).toString();
            r.tls = TlsState::Unencrypted;   // plain HTTP: the driver speaks no HTTPS
            break;
        }
        r.ok = true;
    } catch (const DbError &e) {
        r.error = e.message();
    } catch (const std::exception &e) {
        r.error = config.describe() + u": "_s + QString::fromLocal8Bit(e.what());
    }
    r.elapsedMs = timer.elapsed();
    auto log = logger("api.connectiontest");
    if (r.ok)
        log->info("tested {}: {}", config.describe(), r.summary());
    else
        log->warn("tested {}: failed: {}", config.describe(), r.error);
    return r;
}

ConnectionTest::ConnectionTest(QObject *parent)
    : QObject(parent)
{
    qRegisterMetaType<ConnectionTestResult>();
}

ConnectionTest::~ConnectionTest() = default; // m_threads' deleters wait for each thread

void ConnectionTest::reapThreads()
{
    std::erase_if(m_threads, [](const WorkerThread &t) { return t->isFinished(); });
}

void ConnectionTest::start(const ConnectionConfig &config)
{
    reapThreads();
    const quint64 generation = ++m_generation;
    m_running = true;
    // `this` outlives the thread (the destructor waits for it), so the queued call is safe;
    // a result that arrives after a newer start() is dropped by handleResult.
    WorkerThread thread(QThread::create([this, config, generation] {
        const ConnectionTestResult result = testConnection(config);
        QMetaObject::invokeMethod(
                this, [this, generation, result] { handleResult(generation, result); },
                Qt::QueuedConnection);
    }));
    thread->setObjectName(u"tidemark-connection-test"_s);
    thread->start();
    m_threads.push_back(std::move(thread));
}

void ConnectionTest::handleResult(quint64 generation, const ConnectionTestResult &result)
{
    if (generation != m_generation)
        return;
    m_running = false;
    Q_EMIT finished(result);
}

} // namespace tidemark
