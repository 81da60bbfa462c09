#pragma once
// The /api/v1/status document, kept current from the engine's batched snapshots, with a
// revision that changes only when the document does. A poller sends the revision it has
// (If-None-Match with the ETag, or ?since=REV) and gets 304 with no body while nothing
// changed: hundreds of pollers cost one comparison each, not one encoding each.

#include "api/engine.h"

#include <QByteArray>
#include <QJsonObject>
#include <QObject>

namespace tidemark::service {

class RunRegistry;

class StatusBoard final : public QObject
{
public:
    static constexpr int kRecentRuns = 20; // runs listed in the document

    StatusBoard(Engine &engine, RunRegistry &runs, QObject *parent = nullptr);

    quint64 revision() const { return m_revision; }
    // The revision, prefixed by this process's start: a restarted service counts from 1 again,
    // and a client holding an old "7" must not be told 304 by the new process's revision 7.
    QByteArray etag() const
    {
        return '"' + m_epoch + '-' + QByteArray::number(m_revision) + '"';
    }
    // The document, serialized once per revision.
    const QByteArray &body() const { return m_body; }
    const QList<MappingStatus> &mappings() const { return m_mappings; }
    const QList<ConnectionStatus> &connections() const { return m_connections; }

    void rebuild();

private:
    RunRegistry &m_runs;
    QList<MappingStatus> m_mappings;
    QList<ConnectionStatus> m_connections;
    QJsonObject m_document; // without "revision", to compare the next one with
    QByteArray m_body;
    quint64 m_revision = 0;
    const QByteArray m_epoch;
};

} // namespace tidemark::service
