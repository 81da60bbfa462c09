#include "db/dbconnection.h"

#include "db/dberror.h"
#include "db/dialect_mariadb.h"
#include "log/logging.h"

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
            options += (options.isEmpty() ? QString() : u";"_s) + u"connect_timeout=10"_s;
        if (m_config.driver == DriverKind::MariaDb)
            options = MariaDbDialect::connectOptions(options);   // timeouts, no auto-reconnect
    }
    m_db.setConnectOptions(options);
    runHook(u"CONNECT"_s);
    if (!m_db.open()) {
        const DbError error = DbError::fromSql(describe(), m_db.lastError());
        close();
        throw DbError(DbError::Kind::Transient, error.message());
    }
    m_dialect->configureSession(*this);
    logger("db.connection")->debug("opened {} as {}", describe(), m_name);
}

void DbConnection::close()
{
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
    if (!isOpen())
        throw DbError(DbError::Kind::Transient, describe() + u": not connected"_s, sql);
    runHook(sql);
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
        throw DbError::fromSql(describe(), q.lastError(), sql);
    return q;
}

QVariant DbConnection::scalar(const QString &sql, const QVariantList &binds)
{
    QSqlQuery q = exec(sql, binds);
    if (!q.next()) {
        // A read that ends early must never be taken for "no rows": check the error.
        if (q.lastError().isValid())
            throw DbError::fromSql(describe(), q.lastError(), sql);
        return {};
    }
    return q.value(0);
}

void DbConnection::begin()
{
    assertThread();
    runHook(u"BEGIN"_s);
    if (!m_db.transaction())
        throw DbError::fromSql(describe() + u" (begin transaction)"_s, m_db.lastError());
}

void DbConnection::commit()
{
    assertThread();
    runHook(u"COMMIT"_s);
    if (!m_db.commit())
        throw DbError::fromSql(describe() + u" (commit)"_s, m_db.lastError());
}

void DbConnection::rollback()
{
    assertThread();
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
