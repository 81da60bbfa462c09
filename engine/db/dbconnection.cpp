#include "db/dbconnection.h"

#include "db/dberror.h"
#include "db/dialect_mariadb.h"
#include "db/statementwatchdog.h"
#include "log/logging.h"

#include <QTcpSocket>

#include <algorithm>
#include <utility>

#include <QAtomicInteger>
#include <QFileInfo>
#include <QMutex>
#include <QSqlError>

using namespace Qt::StringLiterals;

namespace tidemark {

namespace {

QAtomicInteger<quint64> g_connectionCounter;

// guarded by g_providerMutex
QMutex g_providerMutex;
DbConnection::PasswordProvider g_passwordProvider;

QString resolvePassword(const ConnectionConfig &config)
{
    if (!config.passwordEnv.isEmpty() && qEnvironmentVariableIsSet(config.passwordEnv.toUtf8()))
        return qEnvironmentVariable(config.passwordEnv.toUtf8().constData());
    DbConnection::PasswordProvider provider;
    {
        QMutexLocker lock(&g_providerMutex);
        provider = g_passwordProvider;
    }
    return provider ? provider(config) : QString();
}

// Connection failures an operator must fix (wrong password, unknown user or database):
// retrying on a schedule would only fill the log and, on some servers, lock the account.
bool isConfigurationFailure(const QString &text)
{
    static const QStringList markers = {
            u"password authentication failed"_s, u"no pg_hba.conf entry"_s,
            u"role \""_s,                      u"does not exist"_s,
            u"Access denied"_s,                 u"Unknown database"_s,
            u"(code 1045)"_s,                   u"(code 1044)"_s,
            u"(code 1049)"_s,                   u"(code 28P01)"_s,
            u"(code 28000)"_s,                  u"(code 3D000)"_s,
            // ClickHouse: unknown user, wrong password, password required, unknown database.
            u"(code 192)"_s,                    u"(code 193)"_s,
            u"(code 194)"_s,                    u"(code 81)"_s,
    };
    for (const QString &m : markers)
        if (text.contains(m))
            return true;
    return false;
}

// How long the TCP probe may take before the driver is asked to connect. A host that drops
// packets would otherwise hold the driver for its full connect timeout, per address and per
// TLS attempt.
constexpr int kProbeTimeoutMs = 3000;
// Beyond statement_timeout_s: the server cancels a slow statement itself first, and only a
// server that does not answer at all meets the watchdog. Half the timeout, 1 to 5 s.
int watchGraceMs(int statementTimeoutS)
{
    return std::clamp(statementTimeoutS * 500, 1000, 5000);
}

} // namespace

void DbConnection::setPasswordProvider(PasswordProvider provider)
{
    QMutexLocker lock(&g_providerMutex);
    g_passwordProvider = std::move(provider);
}

DbConnection::DbConnection(ConnectionConfig config, const QString &purpose)
    : m_config(std::move(config))
    , m_dialect(Dialect::create(m_config.driver))
    , m_name(u"tidemark/%1/%2/%3"_s.arg(m_config.name, purpose)
                     .arg(g_connectionCounter.fetchAndAddRelaxed(1)))
    , m_thread(QThread::currentThread())
{
}

DbConnection::~DbConnection()
{
    assertThread();
    close();
}

void DbConnection::assertThread() const
{
    // A QtSql connection used from another thread corrupts driver state without an error.
    Q_ASSERT_X(QThread::currentThread() == m_thread, "DbConnection",
               "a database connection was used outside the thread that created it");
}

bool DbConnection::isOpen() const
{
    return m_db.isValid() && m_db.isOpen();
}

void DbConnection::open()
{
    assertThread();
    if (isOpen())
        return;
    close();
    if (m_config.driver == DriverKind::Sqlite && !m_createIfMissing
        && !QFileInfo::exists(m_config.database))
        throw DbError(DbError::Kind::Permanent,
                      u"%1: the SQLite database file '%2' does not exist"_s.arg(
                              describe(), m_config.database));

    const bool tcp = m_config.driver != DriverKind::Sqlite && !m_config.host.startsWith(u'/')
            && !m_config.host.isEmpty();
    if (tcp) {
        // Fails fast on a host that is down or a port nobody listens on, before the driver's
        // own connect (with its longer timeout) is tried.
        runHook(u"PROBE"_s);
        QTcpSocket probe;
        const int port = m_config.port > 0 ? m_config.port : defaultPort(m_config.driver);
        probe.connectToHost(m_config.host, quint16(port));
        if (!probe.waitForConnected(std::min(kProbeTimeoutMs, m_config.connectTimeoutS * 1000)))
            throw DbError(DbError::Kind::Transient,
                          u"%1: cannot reach %2:%3: %4"_s.arg(describe(), m_config.host)
                                  .arg(port)
                                  .arg(probe.error() == QAbstractSocket::SocketTimeoutError
                                               ? u"no answer within %1 ms"_s.arg(std::min(
                                                         kProbeTimeoutMs,
                                                         m_config.connectTimeoutS * 1000))
                                               : probe.errorString()))
                    .onConnection(m_config.name, true);
        probe.abort();
    }

    m_db = QSqlDatabase::addDatabase(m_dialect->qtDriverName(), m_name);
    if (!m_db.isValid())
        throw DbError(DbError::Kind::Permanent,
                      u"%1: the Qt SQL driver %2 is not installed"_s.arg(describe(),
                                                                       m_dialect->qtDriverName()));
    m_db.setDatabaseName(m_config.database);
    QString options = m_config.options;
    if (m_config.driver == DriverKind::Sqlite) {
        // A writer holding the file lock makes us wait up to 5 s instead of failing at once.
        options = u"QSQLITE_BUSY_TIMEOUT=5000"_s + (options.isEmpty() ? QString() : u';' + options);
    } else {
        m_db.setHostName(m_config.host);
        if (m_config.port > 0)
            m_db.setPort(m_config.port);
        m_db.setUserName(m_config.user);
        m_db.setPassword(resolvePassword(m_config));
        // libpq waits for an unreachable host as long as the OS lets a TCP connect hang
        // (minutes); the scheduler would sit in "running" instead of "waiting".
        if (m_config.driver == DriverKind::Postgres && !options.contains(u"connect_timeout"))
            options += (options.isEmpty() ? QString() : u";"_s)
                    + u"connect_timeout=%1"_s.arg(m_config.connectTimeoutS);
        if (m_config.driver == DriverKind::MariaDb)
            options = MariaDbDialect::connectOptions(m_config);   // timeouts, no auto-reconnect
        // Its HTTP requests time out by themselves (there is no socket for the watchdog).
        if (m_config.driver == DriverKind::ClickHouse)
            options = u"TIDEMARK_STATEMENT_TIMEOUT_S=%1;TIDEMARK_CONNECT_TIMEOUT_S=%2"_s
                              .arg(m_config.statementTimeoutS)
                              .arg(m_config.connectTimeoutS);
    }
    m_db.setConnectOptions(options);
    runHook(u"CONNECT"_s);
    if (!m_db.open()) {
        const DbError error = DbError::fromSql(describe(), m_db.lastError());
        close();
        const bool permanent = isConfigurationFailure(error.message());
        throw DbError(permanent ? DbError::Kind::Permanent : DbError::Kind::Transient,
                      error.message())
                .onConnection(m_config.name, !permanent);
    }
    m_socket = m_dialect->socketDescriptor(*this);
    try {
        m_dialect->configureSession(*this);
    } catch (DbError &e) {
        close();
        e.onConnection(m_config.name, e.isTransient());
        throw;
    }
    quiet();
    logger("db.connection")->debug("opened {} as {}", describe(), m_name);
}

void DbConnection::watch()
{
    quiet();
    if (m_socket >= 0)
        m_watchToken = StatementWatchdog::instance().arm(
                m_socket,
                std::chrono::milliseconds(qint64(m_config.statementTimeoutS) * 1000
                                          + watchGraceMs(m_config.statementTimeoutS)),
                describe());
}

void DbConnection::quiet()
{
    if (m_watchToken != 0) {
        if (StatementWatchdog::instance().disarm(m_watchToken))
            m_watchFired = true;
        m_watchToken = 0;
    }
}

DbError DbConnection::failure(const QString &what, const QSqlError &error, const QString &sql)
{
    quiet();
    if (m_watchFired) {
        return DbError(DbError::Kind::Transient,
                       u"%1: the server did not answer within %2 s; the connection was closed "
                       "(is the server stopped or overloaded?)"_s
                               .arg(what)
                               .arg(m_config.statementTimeoutS
                                            + watchGraceMs(m_config.statementTimeoutS) / 1000.0),
                       sql)
                .onConnection(m_config.name, true);
    }
    DbError e = DbError::fromSql(what, error, sql);
    e.onConnection(m_config.name, isConnectionLoss(error));
    return e;
}

void DbConnection::close()
{
    m_sent = QString();   // its result goes with the session
    m_native.reset();     // statements of the session, closed while it is still open
    m_prepared.clear();   // prepared statements belong to the session that ends here
    quiet();   // before the socket closes: its number may be handed out again
    m_socket = -1;
    m_watchFired = false;
    if (m_db.isValid()) {
        m_db.close();
        m_db = QSqlDatabase();
        QSqlDatabase::removeDatabase(m_name);
    }
}

void DbConnection::runHook(const QString &sql)
{
    ++m_statements;
    if (m_hook)
        m_hook(sql);
}

QSqlQuery DbConnection::exec(const QString &sql, const QVariantList &binds, bool forwardOnly)
{
    assertThread();
    waitSent();
    if (!isOpen())
        throw DbError(DbError::Kind::Transient, describe() + u": not connected"_s, sql)
                .onConnection(m_config.name, true);
    runHook(sql);
    watch();
    QSqlQuery q(m_db);
    q.setForwardOnly(forwardOnly);
    bool ok;
    if (binds.isEmpty()) {
        ok = q.exec(sql);
    } else {
        ok = q.prepare(sql);
        if (ok) {
            for (const QVariant &v : binds)
                q.addBindValue(v);
            ok = q.exec();
        }
    }
    if (!ok)
        throw failure(describe(), q.lastError(), sql);
    return q;
}

void DbConnection::execPrepared(const QString &sql, const QVariantList &binds)
{
    assertThread();
    waitSent();
    if (!isOpen())
        throw DbError(DbError::Kind::Transient, describe() + u": not connected"_s, sql)
                .onConnection(m_config.name, true);
    constexpr size_t kKept = 4;
    auto it = std::find_if(m_prepared.begin(), m_prepared.end(),
                           [&sql](const auto &entry) { return entry.first == sql; });
    if (it == m_prepared.end()) {
        QSqlQuery q(m_db);
        runHook(u"PREPARE "_s + sql);
        watch();
        if (!q.prepare(sql))
            throw failure(describe(), q.lastError(), sql);
        if (m_prepared.size() >= kKept)
            m_prepared.erase(m_prepared.begin());
        m_prepared.emplace_back(sql, std::move(q));
        it = std::prev(m_prepared.end());
    }
    QSqlQuery &q = it->second;
    runHook(sql);
    watch();
    for (qsizetype i = 0; i < binds.size(); ++i)
        q.bindValue(int(i), binds.at(i));
    if (!q.exec()) {
        const QSqlError error = q.lastError();
        m_prepared.erase(it);   // prepared again next time, in case the failure broke it
        throw failure(describe(), error, sql);
    }
    q.finish();
}

QVariant DbConnection::scalar(const QString &sql, const QVariantList &binds)
{
    QSqlQuery q = exec(sql, binds);
    if (!q.next()) {
        // A read that ends early must never be taken for "no rows": check the error.
        if (q.lastError().isValid())
            throw failure(describe(), q.lastError(), sql);
        return {};
    }
    return q.value(0);
}

void DbConnection::send(const QString &sql)
{
    aboutToRun(sql);
    QSqlError error;
    if (!m_dialect->startStatement(*this, sql.toUtf8(), error)) {
        QSqlQuery q(m_db);
        if (!q.exec(sql))
            throw failure(describe(), q.lastError(), sql);
        return;
    }
    if (error.isValid())
        throw failure(describe(), error, sql);
    m_sent = sql;
}

void DbConnection::aboutToRun(const QString &sql)
{
    assertThread();
    waitSent();
    if (!isOpen())
        throw DbError(DbError::Kind::Transient, describe() + u": not connected"_s, sql)
                .onConnection(m_config.name, true);
    runHook(sql);
    watch();
}

void DbConnection::waitSent()
{
    if (m_sent.isNull())
        return;
    const QString sql = std::exchange(m_sent, QString());
    const QSqlError error = m_dialect->finishStatement(*this);
    if (error.isValid())
        throw failure(describe(), error, sql);
}

void DbConnection::begin()
{
    assertThread();
    waitSent();
    runHook(u"BEGIN"_s);
    watch();
    if (const QString sql = m_dialect->beginTransaction(); !sql.isEmpty()) {
        QSqlQuery q(m_db);
        if (!q.exec(sql))
            throw failure(describe() + u" (begin transaction)"_s, q.lastError(), sql);
        return;
    }
    if (!m_db.transaction())
        throw failure(describe() + u" (begin transaction)"_s, m_db.lastError());
}

void DbConnection::commit()
{
    assertThread();
    waitSent();
    runHook(u"COMMIT"_s);
    watch();
    if (!m_db.commit())
        throw failure(describe() + u" (commit)"_s, m_db.lastError());
}

void DbConnection::rollback()
{
    assertThread();
    try {
        waitSent();   // its failure is what is being rolled back, or no longer matters
    } catch (const DbError &) {
    }
    if (m_db.isValid() && m_db.isOpen() && !m_db.rollback())
        logger("db.connection")->warn("{}: rollback failed: {}", describe(),
                                      m_db.lastError().text());
}

Transaction::Transaction(DbConnection &conn)
    : m_conn(conn)
{
    m_conn.begin();
}

Transaction::~Transaction()
{
    if (!m_done)
        m_conn.rollback();
}

void Transaction::commit()
{
    m_conn.commit();
    m_done = true;
}

} // namespace tidemark
