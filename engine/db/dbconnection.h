#pragma once
// A database connection owned by one thread. QtSql connections may only be used by the thread
// that opened them (Qt 6.4 has no QSqlDatabase::moveToThread), so each worker opens its own,
// under a unique name, and removes it in the same thread when the object is destroyed.

#include "db/dialect.h"
#include "project/projectconfig.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QThread>
#include <QVariantList>

#include <functional>
#include <memory>
#include <vector>

namespace tidemark {

class DbError;

class DbConnection
{
public:
    // Does not connect; call open(). `purpose` ends up in the connection name for debugging.
    DbConnection(ConnectionConfig config, const QString &purpose);
    ~DbConnection();
    DbConnection(const DbConnection &) = delete;
    DbConnection &operator=(const DbConnection &) = delete;

    // Connects and pins the session (Dialect::configureSession). Throws DbError.
    // A SQLite file that does not exist is an error (QSQLITE would silently create an empty
    // database, and an empty source looks like "every row was deleted") unless
    // setCreateIfMissing(true) was called, as `prepare` does for mirrors.
    void open();
    void setCreateIfMissing(bool create) { m_createIfMissing = create; }

    // Where passwords come from besides `password_env` (the GUI's keychain or prompt). Called
    // in the connecting thread; returns a null QString when it has none.
    using PasswordProvider = std::function<QString(const ConnectionConfig &)>;
    static void setPasswordProvider(PasswordProvider provider);
    void close();
    bool isOpen() const;

    const ConnectionConfig &config() const { return m_config; }
    const Dialect &dialect() const { return *m_dialect; }
    QSqlDatabase &database() { return m_db; }
    QString describe() const { return m_config.describe(); }

    // Prepares and runs `sql` with positional `binds`; throws DbError on failure. The query is
    // returned positioned before the first row. `forwardOnly` keeps memory bounded on reads.
    QSqlQuery exec(const QString &sql, const QVariantList &binds = {}, bool forwardOnly = true);
    // Runs a write statement through a prepared statement kept for its SQL text (the last few
    // shapes), so a run of batches of one shape is prepared and parsed by the server once
    // instead of once per batch (QtSql prepares, and on PostgreSQL deallocates, every exec()).
    // For statements whose result is not read. Throws DbError.
    void execPrepared(const QString &sql, const QVariantList &binds);
    // Sends a statement that returns no rows and, where the driver allows it (MariaDB), returns
    // before the server has run it, so the caller can build the next statement meanwhile.
    // waitSent() waits for its end and throws its DbError; every other statement on this
    // connection waits for it first. Where the driver cannot, send() runs it to its end.
    void send(const QString &sql);
    void waitSent();
    // For paths that run a statement through the driver's handle (db/mariadbnative.h): waits
    // for a sent statement, runs the statement hook and arms the watchdog, as exec() does.
    // Throws DbError when the connection is not open.
    void aboutToRun(const QString &sql);
    // State such a path keeps for this session (its prepared statements); reset before the
    // session closes.
    std::shared_ptr<void> &nativeState() { return m_native; }
    // Runs a statement expected to return one value (COUNT(*), MAX(...)); NULL when no row.
    QVariant scalar(const QString &sql, const QVariantList &binds = {});

    void begin();
    void commit();
    void rollback();   // never throws: used on error paths

    // Every statement arms the statement watchdog (db/statementwatchdog.h) for this
    // connection's statement_timeout_s plus a grace period; the next statement re-arms it.
    // Call quiet() when the connection goes idle (between runs), so a connection nobody uses
    // is not taken for a hung one. Bulk paths that talk to the driver's handle call watch().
    void watch();
    void quiet();

    // A DbError for a QtSql error on this connection: classified, naming the connection, and
    // marked as a lost connection when it is one (or when the watchdog closed the socket).
    DbError failure(const QString &what, const QSqlError &error, const QString &sql = {});

    // Test hook: called before every statement this connection runs (including BEGIN and
    // COMMIT) with the statement's text; it may throw DbError to inject a failure.
    using StatementHook = std::function<void(const QString &sql)>;
    void setStatementHook(StatementHook hook) { m_hook = std::move(hook); }
    qint64 statementCount() const { return m_statements; }

private:
    void assertThread() const;
    void runHook(const QString &sql);

    ConnectionConfig m_config;
    std::unique_ptr<Dialect> m_dialect;
    QString m_name;
    QSqlDatabase m_db;
    QThread *m_thread = nullptr;
    bool m_createIfMissing = false;
    StatementHook m_hook;
    qint64 m_statements = 0;
    std::vector<std::pair<QString, QSqlQuery>> m_prepared;   // most recent last
    int m_socket = -1;          // the driver's socket, when the dialect can name it
    quint64 m_watchToken = 0;   // 0: not armed
    bool m_watchFired = false;  // the watchdog closed this connection's socket
    QString m_sent;             // the statement send() left running, if any
    std::shared_ptr<void> m_native;
};

// Rolls back unless commit() was called: the batch in hand and its checkpoint go together or
// not at all.
class Transaction
{
public:
    explicit Transaction(DbConnection &conn);
    ~Transaction();
    Transaction(const Transaction &) = delete;
    Transaction &operator=(const Transaction &) = delete;
    void commit();

private:
    DbConnection &m_conn;
    bool m_done = false;
};

} // namespace tidemark
