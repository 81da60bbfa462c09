#pragma once
// Our own identifier quoting. QtSql's escapeIdentifier() does not double embedded quote
// characters, so a table named  a"b  would break out of the quotes; we never use it.

#include <QString>
#include <QStringList>

namespace tidemark {

// Wraps `name` in `quote` and doubles every `quote` inside it. Throws DbError(Permanent)
// for an empty name or one containing NUL, which no dialect can carry safely.
QString quoteIdentifierWith(const QString &name, QChar quote);
// The check quoteIdentifierWith() makes, for dialects that escape another way.
void checkIdentifier(const QString &name);

} // namespace tidemark
