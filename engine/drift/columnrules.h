#pragma once
// How a mapping's columns are compared: one hash rule per column and side (the same class on
// both sides, see drift/rowencoding.h), and which columns must be hashed in C++ because one
// side's SQL cannot produce their payload exactly.

#include "drift/rowencoding.h"
#include "sync/resolvedmapping.h"

namespace tidemark {

class Dialect;

struct ColumnRules
{
    QList<HashRule> source;   // mapping column order
    QList<HashRule> mirror;
    QList<int> clientColumns; // positions hashed in C++
    QList<ValueClass> keyClasses;

    // The mapping's columns whose values differ between a source row and a mirror row (both in
    // mapping column order), by their encodings: exactly what the segment checksums see.
    QStringList differingColumns(const ResolvedMapping &m, const QVariantList &sourceRow,
                                 const QVariantList &mirrorRow) const;
};

// Throws DbError naming the column when a mapped column is missing on either side.
ColumnRules columnRules(const ResolvedMapping &m, const Dialect &source, const Dialect &mirror);

} // namespace tidemark
