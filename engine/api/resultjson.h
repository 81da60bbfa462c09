#pragma once
// The results the engine's signals carry, as JSON both ways: `tidemark-cli serve` answers a
// finished run with them (GET /api/v1/runs/ID "outcome", GET /api/v1/mappings/NAME/drift),
// and a remote engine rebuilds the same value types from them, so the monitor shows a check
// made in the service exactly as one made in-process.
//
// Values travel with their types (db/valuecodec.h's typed form): a key 7 and a key "7" differ,
// an int64 past 2^53 stays exact, a blob stays bytes. Drift summaries use statusjson's Full
// form. Decoders return nullopt on a malformed document and set `error` to the field at fault
// ("check.rows[3].kind: 'gone' is not a difference kind").

#include "api/drifttypes.h"
#include "api/types.h"

#include <QJsonObject>

#include <optional>

namespace tidemark::resultjson {

// {"phase": "...", "rows_done": n, "rows_total": n or -1}
QJsonObject encodeProgress(const Progress &p);
std::optional<Progress> decodeProgress(const QJsonObject &o, QString *error);

// {"run": statusjson::encodeRun, "orphans_found": n (-1 unknown), "transient", "connection_lost",
//  "connection": text|null, "refusal": text|null, "would_write", "would_delete", "dry_run"}
QJsonObject encodeOperationResult(const OperationResult &r);
std::optional<OperationResult> decodeOperationResult(const QJsonObject &o, QString *error);

QJsonObject encodeCheck(const DriftCheckResult &r);
std::optional<DriftCheckResult> decodeCheck(const QJsonObject &o, QString *error);

QJsonObject encodeRepair(const DriftRepairResult &r);
std::optional<DriftRepairResult> decodeRepair(const QJsonObject &o, QString *error);

QJsonObject encodeExplain(const DriftExplainResult &r);
std::optional<DriftExplainResult> decodeExplain(const QJsonObject &o, QString *error);

} // namespace tidemark::resultjson
