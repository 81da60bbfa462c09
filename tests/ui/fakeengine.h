#pragma once
// An Engine whose snapshots the test sets and which records every request, so widget tests run
// without databases or engine threads (in the spirit of ownCloud's FakeFolder).

#include "api/engine.h"

#include <QList>
#include <QPair>
#include <QStandardPaths>
#include <QStringList>

namespace tidemark::test {

class FakeEngine final : public Engine
{
public:
    struct Request
    {
        quint64 id = 0;
        QString mapping;
        OperationKind kind = OperationKind::Sync;
        OperationOptions options;
    };

    using Engine::Engine;

    void start() override { ++startCount; }
    void stop() override { ++stopCount; }
    QList<MappingStatus> mappings() const override { return m_mappings; }
    QList<ConnectionStatus> connections() const override { return m_connections; }

    quint64 request(const QString &mapping, OperationKind kind,
                    const OperationOptions &options = {}) override
    {
        const quint64 id = ++m_lastId;
        requests.append(Request{id, mapping, kind, options});
        return id;
    }
    void cancel(const QString &mapping) override { cancels.append(mapping); }
    void setPaused(const QString &mapping, bool paused) override
    {
        pauses.append({mapping, paused});
    }
    void reconnect(const QString &connection) override { reconnects.append(connection); }

    // What the test does in the engine's place.
    void publish(const QList<MappingStatus> &mappings)
    {
        m_mappings = mappings;
        Q_EMIT statusChanged(m_mappings);
    }
    void publishConnections(const QList<ConnectionStatus> &connections)
    {
        m_connections = connections;
        Q_EMIT connectionsChanged(m_connections);
    }
    void finish(quint64 requestId, const QString &mapping, const OperationResult &result)
    {
        Q_EMIT operationFinished(requestId, mapping, result);
    }

    QList<Request> requests;
    QStringList reconnects;
    QStringList cancels;
    QList<QPair<QString, bool>> pauses;
    int startCount = 0;
    int stopCount = 0;

private:
    QList<MappingStatus> m_mappings;
    QList<ConnectionStatus> m_connections;
    quint64 m_lastId = 0;
};

inline MappingStatus makeStatus(const QString &name, qint64 backlog = 0,
                                MappingState state = MappingState::Idle)
{
    MappingStatus s;
    s.name = name;
    s.source = u"src:" + name;
    s.mirror = u"mirror:" + name;
    s.state = state;
    s.backlog = backlog;
    s.sourceRows = 1000;
    s.mirrorRows = 1000 - backlog;
    s.hasCursor = true;
    return s;
}

inline ConnectionStatus makeConnection(const QString &name,
                                       ConnectionState state = ConnectionState::Connected)
{
    ConnectionStatus c;
    c.name = name;
    c.description = u"sqlite " + name + u".db";
    c.state = state;
    c.since = QDateTime::currentDateTimeUtc().addSecs(-30);
    return c;
}

inline OperationResult makeResult(const QString &kind, const QString &result,
                                  const QString &error = {})
{
    OperationResult r;
    r.run.kind = kind;
    r.run.result = result;
    r.run.error = error;
    r.run.startedAt = QDateTime::currentDateTimeUtc().addSecs(-2);
    r.run.finishedAt = QDateTime::currentDateTimeUtc();
    return r;
}

} // namespace tidemark::test
