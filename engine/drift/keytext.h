#pragma once
// Keys as operators type them (`--key 42`, `--key-from 'eu,1000'`, `--key '["a,b", 7]'`) and as
// reports print them.

#include "sync/resolvedmapping.h"

#include <QJsonArray>
#include <QString>
#include <QVariantList>

#include <optional>

namespace tidemark {

// Parses `text` into canonical values for the mapping's key columns: either a JSON array with
// one element per key column, or the values separated by commas. Each value is read in its key
// column's class (an integer column takes "42", a decimal "1.50", a text anything).
// On failure returns nullopt and says why in `error`, naming the column.
std::optional<QVariantList> parseKeyText(const QString &text, const ResolvedMapping &mapping,
                                         QString *error);
// The same for a mapping known by its name and its key columns with their source types: what
// the monitor has of it (MappingStatus::keyColumns), since only the engine resolves mappings.
std::optional<QVariantList> parseKeyText(const QString &text, const QString &mapping,
                                         const QList<ColumnInfo> &key, QString *error);

// The same names, declared types and value classes in the same order: whether key text read
// against `a` reads the same against `b`.
bool sameKeyColumns(const QList<ColumnInfo> &a, const QList<ColumnInfo> &b);

// The key as SPEC.md prints it: numbers as JSON numbers when they fit a double exactly,
// otherwise strings; text as strings.
QJsonArray keyJson(const QVariantList &key);
// "42" or "eu, 1000": for messages and tables.
QString keyText(const QVariantList &key);

} // namespace tidemark
