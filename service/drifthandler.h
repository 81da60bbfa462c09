#pragma once
// GET /api/v1/mappings/NAME/drift and .../drift/export: the latest drift check of a mapping, as
// the engine reported it, and its report file.
//
// The engine keeps each mapping's latest check in its drift thread and says so only by
// signal, so the service remembers the last DriftCheckResult it saw per mapping (scheduled
// checks included); a service that just started has none, even if the mirror's drift table
// holds older ones (those are in the status document's summary).
//
// An export is written by the engine into a file in a folder private to this process (0700),
// read back when the engine says it is written, sent, and removed: the reply is deferred
// until then, and a client that went away meanwhile costs nothing but that file's removal.

#include "httptypes.h"

#include "api/engine.h"

#include <QHash>
#include <QObject>
#include <QTemporaryDir>

namespace tidemark::service {

class DriftHandler final : public QObject
{
public:
    explicit DriftHandler(Engine &engine, QObject *parent = nullptr);

    // `rest` is what follows the mapping's name: {"drift"} or {"drift", "export"}.
    void handle(const QString &mapping, const QStringList &rest, const QUrlQuery &query,
                const HttpReply &reply);

private:
    void exportLatest(const QString &mapping, const QString &format, const HttpReply &reply);
    void handleExported(quint64 requestId, const DriftExportResult &result);

    Engine &m_engine;
    QHash<QString, DriftCheckResult> m_latest; // by mapping
    QTemporaryDir m_folder;
    quint64 m_lastFile = 0;
    // Exports waiting for the engine, by the engine's request id.
    QHash<quint64, HttpReply> m_exports;
};

} // namespace tidemark::service
