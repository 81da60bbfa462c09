#pragma once
// A PostgreSQL, a MariaDB and a ClickHouse server of the test's own (scripts/testservers.sh start DIR in a
// temporary folder), for fault tests that stop, kill, freeze and restart servers. The shared
// servers that ./test.sh starts are never touched: other tests run against them in parallel.
//
// The script's path comes from TIDEMARK_TESTSERVERS_SCRIPT (compile definition, the source
// tree's scripts/testservers.sh) unless the environment variable of the same name overrides it.
// Each instance exports its passwords under environment variables of its own
// (TIDEMARK_FAULT_<n>_PG_PASSWORD), which project connections name in password_env and which a
// tidemark-cli started by the test inherits.

#include "project/projectconfig.h"
#include "testservers.h"

#include <QMap>
#include <QString>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

namespace tidemark::test {

class ServerInstance
{
public:
    ServerInstance();
    ~ServerInstance();   // stops both servers and removes the folder
    ServerInstance(const ServerInstance &) = delete;
    ServerInstance &operator=(const ServerInstance &) = delete;

    // Starts the three servers (about 10 s). False with error() when the script is missing or a
    // server does not come up.
    bool start();
    const QString &error() const { return m_error; }

    // The connection to this instance's server of `kind` (PostgreSQL, MariaDB or ClickHouse),
    // named `name`.
    ConnectionConfig connection(DriverKind kind, const QString &name) const;
    quint16 port(DriverKind kind) const;
    // The password environment variable and the password itself (for the CLI's project file).
    QString passwordEnv(DriverKind kind) const;

    // The fault commands of the script; false (with error()) when the command failed.
    bool pgStop(const QString &mode = QStringLiteral("fast"));       // fast | immediate
    bool pgStart();
    bool mariaStop(const QString &mode = QStringLiteral("term"));    // term | kill
    bool mariaStart();
    bool chStop(const QString &mode = QStringLiteral("term"));       // term | kill
    bool chStart();
    bool stopServer(DriverKind kind);
    bool startServer(DriverKind kind);

    // The running server's process id (PostgreSQL: the postmaster; MariaDB: mariadbd); 0 when
    // it is not running.
    qint64 pid(DriverKind kind) const;
    // SIGSTOP / SIGCONT to the server: it keeps its sockets but answers nothing. For
    // PostgreSQL the postmaster's whole process group (its backends) is frozen.
    bool freeze(DriverKind kind);
    bool thaw(DriverKind kind);

    static QString scriptPath();
    // The last lines of a server's log, for failure messages.
    QString logTail(DriverKind kind, int lines = 20) const;

private:
    bool run(const QStringList &args, int timeoutMs = 120000);
    QString env(const QString &name) const { return m_env.value(name); }

    int m_id = 0;
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_path;   // the script's DIR (inside m_dir)
    QMap<QString, QString> m_env;   // parsed from DIR/env.sh
    QString m_error;
    bool m_started = false;
    bool m_frozen[3] = {false, false, false};
};

} // namespace tidemark::test

// In a test function (or initTestCase): starts `instance` or fails (TIDEMARK_REQUIRE_SERVERS=1)
// / skips with a message that says how to run the test.
#define TIDEMARK_START_SERVERS_OR_SKIP(instance)                                                    \
    do {                                                                                            \
        if (!(instance).start()) {                                                                  \
            const QString why_ = QStringLiteral("fault-test servers did not start: ")             \
                    + (instance).error()                                                            \
                    + QStringLiteral("\n(needs scripts/testservers.sh and the PostgreSQL and "     \
                                     "MariaDB server binaries, which ./test.sh installs)");         \
            if (tidemark::test::serversRequired())                                                  \
                QFAIL(qPrintable(why_));                                                            \
            QSKIP(qPrintable(why_));                                                                \
        }                                                                                           \
    } while (false)
