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
    // Each payload is text, but a Blob's, which is bytea. A class the rule does not share is
    // hashed in C++.
    switch (rule.valueClass) {
    case ValueClass::Integer:
    case ValueClass::Boolean:
        if (own == ValueClass::Boolean)
            return u"CASE WHEN "_s + x + u" THEN '1' ELSE '0' END"_s;
        if (own == ValueClass::Integer)
            return x + u"::text"_s;
        return {};
    case ValueClass::Decimal:
        if (own != ValueClass::Decimal)
            return {};
        return u"trim_scale("_s + x + u")::text"_s;
    case ValueClass::Real:
        if (own != ValueClass::Real)
            return {};
        return u"CASE WHEN "_s + x + u" = 0 THEN '0000000000000000' WHEN "_s + x
                + u" = 'NaN'::float8 THEN 'nan' ELSE encode(float8send("_s + x
                + u"::float8), 'hex') END"_s;
    case ValueClass::Blob:
        if (own != ValueClass::Blob)
            return {};
        return x;
    case ValueClass::Date:
        if (own != ValueClass::Date)
            return {};
        return x + u"::text"_s;
    case ValueClass::Time:
        if (own != ValueClass::Time || withTimeZone(column.declaredType))
            return {};
        return u"(extract(epoch FROM "_s + x + u") * 1000000)::bigint::text"_s;
    case ValueClass::Timestamp:
    case ValueClass::TimestampTz:
        if (own != ValueClass::Timestamp && own != ValueClass::TimestampTz)
            return {};
        // The epoch is the same instant whatever the session's zone; 'infinity' as its text,
        // which is what the canonical value spells too.
        return u"CASE WHEN isfinite("_s + x + u") THEN (extract(epoch FROM "_s + x
                + u") * 1000000)::bigint::text ELSE "_s + x + u"::text END"_s;
    case ValueClass::Text:
    case ValueClass::Json:
    case ValueClass::Unknown:
        if (!isTextLike(own))
            return {};
        // ::text drops char(n)'s padding, as the rule's trimPadding does.
        return x + u"::text"_s;
    }
    return {};
}

QString PostgresDialect::rowHashExpression(DbConnection &conn, const QList<ColumnInfo> &columns,
                                           const QList<HashRule> &rules) const
{
    // In a UTF-8 database md5(text) hashes the UTF-8 bytes themselves, and text concatenation is
    // several times cheaper than bytea's with a convert_to per value; bytes (a Blob) or another
    // server encoding take the bytea path.
    bool asText = conn.scalar(u"SELECT current_setting('server_encoding')"_s).toString() == u"UTF8";
    for (const HashRule &r : rules)
        asText = asText && r.valueClass != ValueClass::Blob;
    QStringList parts;
    for (qsizetype i = 0; i < columns.size(); ++i) {
        const QString p = hashPayload(columns.at(i), rules.at(i));
        Q_ASSERT(!p.isEmpty());
        const bool fixed = hasFixedAlphabet(rules.at(i).valueClass);
        const bool blob = rules.at(i).valueClass == ValueClass::Blob;
        QString value;
        if (asText)
            value = fixed ? QString(u"concat('V', "_s + p + u", ';')"_s)
                          : QString(u"concat('V', octet_length("_s + p + u"), ':', "_s + p + u')');
        else if (fixed)
            value = u"convert_to(concat('V', "_s + p + u", ';'), 'UTF8')"_s;
        else {
            const QString bytes = blob ? p : u"convert_to("_s + p + u", 'UTF8')"_s;
            value = u"convert_to(concat('V', octet_length("_s + bytes + u"), ':'), 'UTF8') || "_s
                    + bytes;
        }
        parts << u"CASE WHEN "_s + quote(columns.at(i).name) + u" IS NULL THEN "_s
                        + (asText ? u"'N'"_s : u"'\\x4e'::bytea"_s) + u" ELSE "_s + value + u" END"_s;
    }
    QString md5;
    if (parts.isEmpty())
        md5 = u"md5('')"_s;
    else if (asText)
        md5 = u"md5(concat("_s + parts.join(u", "_s) + u"))"_s;
    else
        md5 = u"md5("_s + parts.join(u" || "_s) + u')';
    // The first 16 hex digits are the hash's 8 bytes, big-endian: as bit(64), then bigint.
    return u"('x' || left("_s + md5 + u", 16))::bit(64)::bigint"_s;
}

QString PostgresDialect::hashSums(const QString &alias) const
{
    // sum(bigint) is numeric: exact, reduced modulo 2^64 by the reader.
    return u"count(*), 0, coalesce(sum("_s + alias + u"), 0)::text"_s;
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
