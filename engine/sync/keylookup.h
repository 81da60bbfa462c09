#pragma once
// Point lookups of a page of keys in another table: which of these keys exist in the source
// (sweep), and what the mirror holds for them (backfill comparison). Works by key membership,
// not by ordering, so two databases with different collations never disagree about a page.

#include "db/tableschema.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>
#include <QVariantList>

namespace tidemark {

class DbConnection;

// A hashable identity for a key tuple that is equal for the same datum read from different
// dialects (integer widths, text).
QString keyIdentity(const QVariantList &key);

// Rows of `table` whose `keyColumns` equal one of `keys`, selecting `selectColumns`; chunks the
// lookup to the dialect's bind limit. Result keyed by keyIdentity(key).
// `keys` hold canonical values; rows come back canonical.
QHash<QString, QVariantList> fetchRowsByKeys(DbConnection &conn, const TableSchema &schema,
                                             const QString &table,
                                             const QStringList &selectColumns,
                                             const QStringList &keyColumns,
                                             const QList<QVariantList> &keys);

} // namespace tidemark
