// The dialect-independent defaults of drift hashing (Dialect::hashPayload and friends).
#include "db/dialect.h"

#include "drift/rowencoding.h"

using namespace Qt::StringLiterals;

namespace tidemark {

QString Dialect::hashPayload(const ColumnInfo &, const HashRule &) const
{
    return {};
}

QString Dialect::rowHashExpression(DbConnection &, const QList<ColumnInfo> &,
                                   const QList<HashRule> &) const
{
    return {};
}

QString Dialect::binaryKeyExpression(DbConnection &, const QString &, const ColumnInfo &column) const
{
    return quote(column.name);
}

} // namespace tidemark
