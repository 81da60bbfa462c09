// PostgreSQL's part of drift hashing: each payload of drift/rowencoding.h in SQL, MD5 over the
// row's encoding, and binary key order.
#include "db/dialect_postgres.h"

#include "db/dbconnection.h"
#include "drift/rowencoding.h"

using namespace Qt::StringLiterals;

namespace tidemark {

namespace {

bool isTextLike(ValueClass c)
{
    return c == ValueClass::Text || c == ValueClass::Json || c == ValueClass::Unknown;
}

bool withTimeZone(const QString &declaredType)
{
    return declaredType.contains(u"with time zone"_s) && !declaredType.contains(u"without"_s);
}

} // namespace

QString PostgresDialect::hashPayload(const ColumnInfo &column, const HashRule &rule) const
{
    const QString x = quote(column.name);
    const ValueClass own = column.valueClass;
    // Each payload is bytea. A class the rule does not share is hashed in C++.
    auto text = [](const QString &expr) -> QString { return u"convert_to("_s + expr + u", 'UTF8')"_s; };
    switch (rule.valueClass) {
    case ValueClass::Integer:
    case ValueClass::Boolean:
        if (own == ValueClass::Boolean)
            return text(u"CASE WHEN "_s + x + u" THEN '1' ELSE '0' END"_s);
        if (own == ValueClass::Integer)
            return text(x + u"::text"_s);
        return {};
    case ValueClass::Decimal:
        if (own != ValueClass::Decimal)
            return {};
        return text(u"trim_scale("_s + x + u")::text"_s);
    case ValueClass::Real:
        if (own != ValueClass::Real)
            return {};
        return text(u"CASE WHEN "_s + x + u" = 0 THEN '0000000000000000' WHEN "_s + x
                    + u" = 'NaN'::float8 THEN 'nan' ELSE encode(float8send("_s + x
                    + u"::float8), 'hex') END"_s);
    case ValueClass::Blob:
        if (own != ValueClass::Blob)
            return {};
        return x;
    case ValueClass::Date:
        if (own != ValueClass::Date)
            return {};
        return text(x + u"::text"_s);
    case ValueClass::Time:
        if (own != ValueClass::Time || withTimeZone(column.declaredType))
            return {};
        return text(u"(extract(epoch FROM "_s + x + u") * 1000000)::bigint::text"_s);
    case ValueClass::Timestamp:
    case ValueClass::TimestampTz:
        if (own != ValueClass::Timestamp && own != ValueClass::TimestampTz)
            return {};
        // The epoch is the same instant whatever the session's zone; 'infinity' as its text,
        // which is what the canonical value spells too.
        return text(u"CASE WHEN isfinite("_s + x + u") THEN (extract(epoch FROM "_s + x
                    + u") * 1000000)::bigint::text ELSE "_s + x + u"::text END"_s);
    case ValueClass::Text:
    case ValueClass::Json:
    case ValueClass::Unknown:
        if (!isTextLike(own))
            return {};
        // ::text drops char(n)'s padding, as the rule's trimPadding does.
        return text(x + u"::text"_s);
    }
    return {};
}

QString PostgresDialect::rowHashExpression(const QList<ColumnInfo> &columns,
                                           const QList<HashRule> &rules) const
{
    QStringList parts;
    for (qsizetype i = 0; i < columns.size(); ++i) {
        const QString p = hashPayload(columns.at(i), rules.at(i));
        Q_ASSERT(!p.isEmpty());
        parts << u"CASE WHEN "_s + quote(columns.at(i).name)
                        + u" IS NULL THEN '\\x4e'::bytea ELSE '\\x56'::bytea || convert_to(octet_length("_s
                        + p + u")::text || ':', 'UTF8') || "_s + p + u" END"_s;
    }
    if (parts.isEmpty())
        return u"md5(''::bytea)"_s;
    return u"md5("_s + parts.join(u" || "_s) + u')';
}

QString PostgresDialect::hashSums(const QString &alias) const
{
    auto half = [&](int from) -> QString {
        return u"coalesce(sum(('x' || substr("_s + alias + u", "_s + QString::number(from)
                + u", 8))::bit(32)::bigint), 0)::text"_s;
    };
    return u"count(*), "_s + half(1) + u", "_s + half(9);
}

QString PostgresDialect::binaryKeyExpression(DbConnection &conn, const QString &table,
                                             const ColumnInfo &column) const
{
    if (!isTextLike(column.valueClass))
        return quote(column.name);
    // A column (or database) collation that already orders by bytes keeps its index usable.
    const QVariant collation = conn.scalar(
            u"SELECT coalesce(c.collation_name, (SELECT datcollate FROM pg_database"
            " WHERE datname = current_database())) FROM information_schema.columns c"
            " WHERE c.table_name = ? AND c.column_name = ?"
            " AND c.table_schema = ANY (current_schemas(false)) LIMIT 1"_s,
            {table, column.name});
    const QString name = collation.toString();
    if (name == u"C" || name == u"POSIX" || name == u"C.UTF-8" || name == u"C.utf8")
        return quote(column.name);
    return quote(column.name) + u" COLLATE \"C\""_s;
}

QString PostgresDialect::createDriftTable(const QString &table) const
{
    return u"CREATE TABLE IF NOT EXISTS "_s + quote(table)
            + u" (mapping text NOT NULL, checked_at text NOT NULL, source_rows bigint,"
              " mirror_rows bigint, missing bigint, extra bigint, changed bigint, drift_rows bigint,"
              " duration_ms bigint, key_from text, key_to text, segments text,"
              " PRIMARY KEY (mapping, checked_at))"_s;
}

} // namespace tidemark
