#pragma once
// "Test connection" for the connection editor: opens a connection with the settings being
// edited, asks the server what it is and whether the session is encrypted, and closes it again.
//
// testConnection() blocks (a server that does not answer holds it for the connect timeout), so
// the GUI runs it through ConnectionTest, which opens, uses and removes the QtSql connection in
// a thread of its own (Qt 6.4 cannot move a QSqlDatabase between threads).

#include "project/projectconfig.h"
#include "run/workerthread.h"

#include <QMetaType>
#include <QObject>
#include <QString>

#include <vector>

namespace tidemark {

enum class TlsState {
    NotApplicable, // SQLite: a local file, no transport
    Encrypted,
    Unencrypted,
    Unknown,       // the server would not say (pg_stat_ssl not readable, old server)
};

struct ConnectionTestResult
{
    bool ok = false;
    QString serverVersion; // "PostgreSQL 15.6", "MariaDB 10.11.6-MariaDB-0+deb12u1", "SQLite 3.40.1"
    TlsState tls = TlsState::Unknown;
    QString tlsDetail;     // PostgreSQL: "TLSv1.3, TLS_AES_256_GCM_SHA384"; MariaDB: the cipher
    QString error;         // the error exactly as the driver reported it, when !ok
    qint64 elapsedMs = 0;

    // One line for the dialog: "PostgreSQL 15.6 · TLS (TLSv1.3, ...) · 12 ms", or the error.
    QString summary() const;
};

QString tlsStateText(TlsState state);

// Connects with `config` in the calling thread, reads version and TLS state, disconnects.
// Never throws; never the GUI thread. Passwords come the way the engine's do (password_env,
// then DbConnection's password provider).
ConnectionTestResult testConnection(const ConnectionConfig &config);

// Runs testConnection() in a thread of its own and reports on the thread that owns this object.
class ConnectionTest : public QObject
{
    Q_OBJECT
public:
    explicit ConnectionTest(QObject *parent = nullptr);
    // Waits for a test still running (at most its connect timeout): the thread must not
    // outlive the object it reports to.
    ~ConnectionTest() override;

    // Starts a test. A test still running is superseded: its result is dropped, so the dialog
    // never shows the answer for settings the user has already changed.
    void start(const ConnectionConfig &config);
    bool isRunning() const { return m_running; }

Q_SIGNALS:
    void finished(const tidemark::ConnectionTestResult &result);

private:
    void handleResult(quint64 generation, const tidemark::ConnectionTestResult &result);
    void reapThreads();

    std::vector<WorkerThread> m_threads; // finished ones are reaped on the next start()
    quint64 m_generation = 0;
    bool m_running = false;
};

} // namespace tidemark

Q_DECLARE_METATYPE(tidemark::ConnectionTestResult)
