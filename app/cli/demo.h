#pragma once
// The embedded demo: a SQLite source with a live writer, a SQLite mirror, and a project file.

#include <QString>
#include <QTextStream>

#include <atomic>

namespace tidemark::demo {

// Creates <dir>/source.db (table "orders" with rows), <dir>/mirror.db (empty) and
// <dir>/tidemark.json. Existing files are kept. Returns false with `error` set on failure.
bool createDemo(const QString &dir, int initialRows, QString *error);

// Inserts, updates and deletes rows in <dir>/source.db at about `rowsPerSecond` until `stop`
// becomes true. Every write bumps the row's cursor.
bool runWriter(const QString &dir, double rowsPerSecond, const std::atomic<bool> &stop,
               QTextStream &out, QString *error);

} // namespace tidemark::demo
