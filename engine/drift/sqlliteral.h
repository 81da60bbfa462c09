#pragma once
// A canonical value written as an SQL literal of the mirror's dialect, for the statements a
// repair dry run prints (`tidemark-cli repair` without --execute). The execution binds values;
// these texts are for people, and exact enough to paste into the database's own client.

#include "db/dialect.h"

namespace tidemark {

QString sqlLiteral(const Dialect &dialect, const ColumnInfo &column, const QVariant &canonical);

} // namespace tidemark
