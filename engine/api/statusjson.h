#pragma once
// The status document's JSON, both ways (SPEC.md "status --json"). `tidemark-cli status --json`
// and the service's /api/v1/status print it through the same encoder, so the two never drift
// apart; the decoder is what a remote engine (the monitor attached to `serve`) rebuilds its
// snapshots from.
//
// Detail::Cli is the document `status --json` has always printed. Detail::Full adds what a
// remote client needs to rebuild MappingStatus without loss (the checkpoint with its value
// types, the running operation and its progress, the key columns, the run history, the drift
// check's segments): every key of the Cli form keeps its meaning, so a client that reads the
// CLI's document reads the service's too.

#include "api/types.h"

#include <QJsonObject>

#include <optional>

namespace tidemark::statusjson {

enum class Detail { Cli, Full };

QJsonObject encodeRun(const RunRecord &run);
QJsonObject encodeMapping(const MappingStatus &status, Detail detail);
QJsonObject encodeConnection(const ConnectionStatus &status);
// A drift check's summary in the Full form (segments, key_from/key_to included): the "drift"
// of a mapping, and each summary of a check's result and history (api/resultjson.h).
QJsonObject encodeDriftSummary(const DriftSummary &summary);
// {"mappings": [...], "connections": [...]}
QJsonObject encodeDocument(const QList<MappingStatus> &mappings,
                           const QList<ConnectionStatus> &connections, Detail detail);

// Decoders take what the Full encoders write. On a malformed document they return nullopt
// and set `error` to the field at fault ("mappings[2].state: 'sleeping' is not a state").
std::optional<RunRecord> decodeRun(const QJsonObject &json, QString *error);
std::optional<MappingStatus> decodeMapping(const QJsonObject &json, QString *error);
std::optional<ConnectionStatus> decodeConnection(const QJsonObject &json, QString *error);
// `path` prefixes the field named in `error` ("check.history[2].segments[0].source_sum: ...").
std::optional<DriftSummary> decodeDriftSummary(const QJsonObject &json, QString *error,
                                               const QString &path = QStringLiteral("drift"));

struct Document
{
    QList<MappingStatus> mappings;
    QList<ConnectionStatus> connections;
};
std::optional<Document> decodeDocument(const QJsonObject &json, QString *error);

} // namespace tidemark::statusjson
