#pragma once
// The engine's view of each project connection: never connected, connected, disconnected or
// reconnecting, with the last error and the next attempt. Workers report what they saw (a
// connection opened, a statement lost its connection); the monitor decides when the next
// attempt is due (exponential back-off with jitter, capped) and says when a connection came
// back, so the engine can run the catch-up once.
//
// States:
// - never connected: nothing has connected yet (setup has not run); the first runs try.
// - connected: the last thing a worker saw on it worked.
// - reconnecting: it failed with a transient error (refused, dropped, timed out); the next
//   attempt is at nextAttemptAt. Scheduled runs that need it are skipped until then.
// - disconnected: it failed with an error retrying cannot fix (wrong password, unknown
//   database); no automatic attempts until an operator asks (Reconnect now) or edits the
//   project.
//
// Plain logic on the engine's thread: no timers and no threads of its own; the caller passes
// the time, so tests drive it with a fake clock.

#include "api/types.h"
#include "project/projectconfig.h"

#include <QDateTime>
#include <QMap>

#include <random>

namespace tidemark {

struct ReconnectPolicy
{
    int initialMs = 1000;      // first retry after a loss
    int maxMs = 60'000;        // the back-off doubles up to this
    double jitter = 0.2;       // +-20 %: many mirrors behind one server do not retry in step
};

class ConnectionMonitor
{
public:
    ConnectionMonitor(const Project &project, ReconnectPolicy policy, quint32 seed = 0);

    // A worker opened the connection or ran a statement on it. Returns true when this is a
    // change from not connected to connected: the caller starts the catch-up.
    bool observeUp(const QString &name, const QDateTime &now);
    // A worker could not reach it, or lost it. `transient`: retry on the back-off schedule;
    // otherwise wait for an operator.
    void observeDown(const QString &name, const QString &error, bool transient,
                     const QDateTime &now);

    // The connections whose next attempt is due; each is marked as attempted (its next
    // attempt moves on by the back-off) so it is handed out once. The caller tries them.
    QStringList takeDueAttempts(const QDateTime &now);
    // Reconnect now: `name` (empty: every connection not connected) is due at once, whatever
    // its back-off or a permanent error said.
    void attemptNow(const QString &name, const QDateTime &now);

    // Scheduled runs need this: connected, or never connected (the run is the first attempt).
    bool usable(const QString &name) const;
    // Why a run on `name` cannot go now ("connection 'pg' is reconnecting: <error>"); empty
    // when usable.
    QString unavailableReason(const QString &name) const;

    ConnectionStatus status(const QString &name) const { return m_states.value(name).status; }
    QList<ConnectionStatus> statuses() const;
    QStringList names() const { return m_states.keys(); }
    // The delay before attempt number `attempts` + 1 (without jitter): for tests and docs.
    int backoffMs(int attempts) const;

private:
    struct Entry
    {
        ConnectionStatus status;
        bool due = false;   // attemptNow() asked for an immediate attempt
    };
    void scheduleNext(Entry &e, const QDateTime &now);

    ReconnectPolicy m_policy;
    QMap<QString, Entry> m_states;
    std::mt19937 m_random;
};

} // namespace tidemark
