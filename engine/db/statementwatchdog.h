#pragma once
// Ends statements that a server never answers. A server that is stopped (SIGSTOP), frozen or
// cut off behind a firewall that drops packets leaves the client blocked in a read: the
// kernel on the other side may still acknowledge TCP, so keepalives and the server's own
// statement_timeout do nothing. The watchdog runs on its own thread; a connection arms it
// before each statement with a deadline, and when the deadline passes without the connection
// re-arming or disarming it, the watchdog shuts the socket down. The blocked read returns, the
// driver reports a lost connection, and the run fails as a transient error instead of holding
// its mapping (and the engine's stop()) forever.
//
// Safety: arm, disarm and the shutdown itself happen under one mutex, and a connection disarms
// before it closes its socket, so a descriptor number the operating system hands out again is
// never shut down by mistake.

#include <QList>
#include <QString>

#include <chrono>

namespace tidemark {

class StatementWatchdog
{
public:
    static StatementWatchdog &instance();

    // Watches `socket` until `timeout` from now. Returns a token for disarm()/fired().
    quint64 arm(int socket, std::chrono::milliseconds timeout, const QString &what);
    // Stops watching. Returns true when the watchdog had already shut the socket down.
    bool disarm(quint64 token);
    // Tokens whose socket the watchdog shut down (for the error message), since start.
    qint64 firedCount() const;
    // Ends now every statement armed from one of `threads` (an engine stopping: the batch in
    // hand is rolled back by the server when its connection goes). Returns how many.
    int expireThreads(const QList<const void *> &threads);

    StatementWatchdog(const StatementWatchdog &) = delete;
    StatementWatchdog &operator=(const StatementWatchdog &) = delete;

private:
    StatementWatchdog();
    ~StatementWatchdog();
    struct Private;
    Private *d;
};

} // namespace tidemark
