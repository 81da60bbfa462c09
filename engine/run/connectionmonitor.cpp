#include "run/connectionmonitor.h"

using namespace Qt::StringLiterals;

namespace tidemark {

ConnectionMonitor::ConnectionMonitor(const Project &project, ReconnectPolicy policy, quint32 seed)
    : m_policy(policy)
    , m_random(seed ? seed : std::random_device{}())
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (const ConnectionConfig &c : project.connections) {
        Entry e;
        e.status.name = c.name;
        e.status.description = c.describe();
        e.status.since = now;
        for (const MappingConfig &m : project.mappings)
            if (m.source.connection == c.name || m.mirror.connection == c.name)
                e.status.mappings << m.name;
        m_states.insert(c.name, e);
    }
}

int ConnectionMonitor::backoffMs(int attempts) const
{
    // 1 s, 2 s, 4 s, ... capped; `attempts` failures so far.
    const int shift = std::clamp(attempts - 1, 0, 20);
    const qint64 delay = qint64(m_policy.initialMs) << shift;
    return int(std::min<qint64>(delay, m_policy.maxMs));
}

void ConnectionMonitor::scheduleNext(Entry &e, const QDateTime &now)
{
    const int base = backoffMs(e.status.attempts);
    std::uniform_real_distribution<double> spread(1.0 - m_policy.jitter, 1.0 + m_policy.jitter);
    const qint64 delay = std::min<qint64>(qint64(base * spread(m_random)), m_policy.maxMs);
    e.status.nextAttemptAt = now.addMSecs(std::max<qint64>(delay, 1));
}

bool ConnectionMonitor::observeUp(const QString &name, const QDateTime &now)
{
    auto it = m_states.find(name);
    if (it == m_states.end())
        return false;
    ConnectionStatus &s = it->status;
    it->due = false;
    if (s.state == ConnectionState::Connected)
        return false;
    s.state = ConnectionState::Connected;
    s.since = now;
    s.attempts = 0;
    s.nextAttemptAt = {};
    return true;
}

void ConnectionMonitor::observeDown(const QString &name, const QString &error, bool transient,
                                    const QDateTime &now)
{
    auto it = m_states.find(name);
    if (it == m_states.end())
        return;
    ConnectionStatus &s = it->status;
    const ConnectionState next =
            transient ? ConnectionState::Reconnecting : ConnectionState::Disconnected;
    if (s.state != next)
        s.since = now;
    s.state = next;
    s.lastError = error;
    s.lastErrorAt = now;
    s.attempts = std::min(s.attempts + 1, 1000);
    it->due = false;
    if (transient)
        scheduleNext(*it, now);
    else
        s.nextAttemptAt = {};
}

QStringList ConnectionMonitor::takeDueAttempts(const QDateTime &now)
{
    QStringList due;
    for (auto it = m_states.begin(); it != m_states.end(); ++it) {
        ConnectionStatus &s = it->status;
        const bool scheduled = s.state == ConnectionState::Reconnecting
                && s.nextAttemptAt.isValid() && s.nextAttemptAt <= now;
        if (!scheduled && !it->due)
            continue;
        it->due = false;
        // Until the attempt reports back, the next one waits a full back-off step: a worker
        // busy elsewhere must not be handed the same attempt again every tick.
        if (s.state == ConnectionState::Reconnecting)
            scheduleNext(*it, now);
        due << it.key();
    }
    return due;
}

void ConnectionMonitor::attemptNow(const QString &name, const QDateTime &now)
{
    for (auto it = m_states.begin(); it != m_states.end(); ++it) {
        if (!name.isEmpty() && it.key() != name)
            continue;
        if (name.isEmpty() && it->status.state == ConnectionState::Connected)
            continue;
        it->due = true;
        if (it->status.state == ConnectionState::Reconnecting)
            it->status.nextAttemptAt = now;
    }
}

bool ConnectionMonitor::usable(const QString &name) const
{
    const auto it = m_states.constFind(name);
    if (it == m_states.constEnd())
        return false;
    return it->status.state == ConnectionState::Connected
            || it->status.state == ConnectionState::NeverConnected;
}

QString ConnectionMonitor::unavailableReason(const QString &name) const
{
    const auto it = m_states.constFind(name);
    if (it == m_states.constEnd())
        return u"connection '%1' is not defined in the project"_s.arg(name);
    if (usable(name))
        return {};
    const ConnectionStatus &s = it->status;
    QString reason = u"connection '%1' is %2"_s.arg(name, connectionStateName(s.state));
    if (!s.lastError.isEmpty())
        reason += u": "_s + s.lastError;
    if (s.state == ConnectionState::Disconnected)
        reason += u" (no automatic retry: fix the cause, then Reconnect)"_s;
    return reason;
}

QList<ConnectionStatus> ConnectionMonitor::statuses() const
{
    QList<ConnectionStatus> list;
    for (const Entry &e : m_states)
        list << e.status;
    return list;
}

} // namespace tidemark
