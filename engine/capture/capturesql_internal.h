#pragma once
// The three dialects' CaptureSql, each in a file of its own.

#include "capture/capturesql.h"

namespace tidemark::capture {

std::unique_ptr<CaptureSql> makeSqliteCaptureSql();
std::unique_ptr<CaptureSql> makePostgresCaptureSql();
std::unique_ptr<CaptureSql> makeMariaDbCaptureSql();

// The UTF-8 bytes of `text` in hexadecimal, for literals no quoting rule can break.
QString hexText(const QString &text);

} // namespace tidemark::capture
