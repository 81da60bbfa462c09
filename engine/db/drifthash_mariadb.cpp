// MariaDB's part of drift hashing: each payload of drift/rowencoding.h in SQL (doubles are
// hashed in C++: MariaDB has no exact text or bit form of a DOUBLE), MD5 over the row's
// encoding, and binary key order.
#include "db/dialect_mariadb.h"

#include "db/dbconnection.h"
#include "drift/rowencoding.h"

using namespace Qt::StringLiterals;

namespace tidemark {

namespace {

bool isTextLike(ValueClass c)
{
    return c == ValueClass::Text || c == ValueClass::Json;
}

} // namespace

QString MariaDbDialect::hashPayload(const ColumnInfo &column, const HashRule &rule) const
{
    const QString x = quote(column.name);
    const ValueClass own = column.valueClass;
    const QString asChar = u"CAST("_s + x + u" AS CHAR)"_s;
    switch (rule.valueClass) {
    case ValueClass::Integer:
    case ValueClass::Boolean:
        if (own != ValueClass::Integer && own != ValueClass::Boolean)
            return {};
        if (column.declaredType.startsWith(u"bit"_s))
            return u"CAST(CAST("_s + x + u" AS UNSIGNED) AS CHAR)"_s;
        return asChar;
    case ValueClass::Decimal:
        if (own != ValueClass::Decimal)
            return {};
        // 0.7100 -> 0.71, 5.000 -> 5, -0.00 -> 0; an integer text keeps its zeros.
        return u"CASE WHEN "_s + x + u" = 0 THEN '0' WHEN INSTR("_s + asChar
                + u", '.') > 0 THEN TRIM(TRAILING '.' FROM TRIM(TRAILING '0' FROM "_s + asChar
                + u")) ELSE "_s + asChar + u" END"_s;
    case ValueClass::Blob:
        if (own != ValueClass::Blob)
            return {};
        return x;
    case ValueClass::Date:
        if (own != ValueClass::Date)
            return {};
        return asChar;
    case ValueClass::Time:
        if (own != ValueClass::Time)
            return {};
        return u"CAST(HOUR("_s + x + u") * 3600000000 + MINUTE("_s + x + u") * 60000000 + SECOND("_s
                + x + u") * 1000000 + MICROSECOND("_s + x + u") AS CHAR)"_s;
    case ValueClass::Timestamp:
    case ValueClass::TimestampTz:
        if (own != ValueClass::Timestamp && own != ValueClass::TimestampTz)
            return {};
        // The session is UTC, so a TIMESTAMP reads as its UTC instant, as selectExpression's.
        return u"CAST(TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', "_s + x + u") AS CHAR)"_s;
    case ValueClass::Text:
    case ValueClass::Json:
        if (!isTextLike(own))
            return {};
        return u"CAST(CONVERT("_s + x + u" USING utf8mb4) AS BINARY)"_s;
    case ValueClass::Real:
    case ValueClass::Unknown: break;
    }
    return {};
}

QString MariaDbDialect::rowHashExpression(DbConnection &, const QList<ColumnInfo> &columns,
                                          const QList<HashRule> &rules) const
{
    QStringList parts;
    for (qsizetype i = 0; i < columns.size(); ++i) {
        const QString p = hashPayload(columns.at(i), rules.at(i));
        Q_ASSERT(!p.isEmpty());
        const QString value = hasFixedAlphabet(rules.at(i).valueClass)
                ? QString(u"CONCAT(_binary'V', "_s + p + u", _binary';')"_s)
                : QString(u"CONCAT(_binary'V', LENGTH("_s + p + u"), _binary':', "_s + p + u')');
        parts << u"IF("_s + quote(columns.at(i).name) + u" IS NULL, _binary'N', "_s + value + u')';
    }
    const QString md5 = parts.isEmpty() ? u"MD5(_binary'')"_s
                                        : u"MD5(CONCAT("_s + parts.join(u", "_s) + u"))"_s;
    // The first 16 hex digits are the hash's 8 bytes, big-endian.
    return u"CAST(CONV(LEFT("_s + md5 + u", 16), 16, 10) AS UNSIGNED)"_s;
}

QString MariaDbDialect::hashSums(const QString &alias) const
{
    // SUM of BIGINT UNSIGNED is an exact DECIMAL, reduced modulo 2^64 by the reader.
    return u"COUNT(*), 0, CAST(COALESCE(SUM("_s + alias + u"), 0) AS CHAR)"_s;
}

QString MariaDbDialect::binaryKeyExpression(DbConnection &conn, const QString &table,
                                            const ColumnInfo &column) const
{
    if (!isTextLike(column.valueClass))
        return quote(column.name);
    const QVariant collation = conn.scalar(
            u"SELECT COLLATION_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()"
            " AND TABLE_NAME = ? AND COLUMN_NAME = ?"_s,
            {table, column.name});
    // QMYSQL returns information_schema texts in a binary collation as bytes.
    const QString name = collation.metaType().id() == QMetaType::QByteArray
            ? QString::fromUtf8(collation.toByteArray())
            : collation.toString();
    if (name == u"utf8mb4_nopad_bin")
        return quote(column.name);   // Tidemark's own mirror tables: the index stays usable
    return u"CONVERT("_s + quote(column.name) + u" USING utf8mb4) COLLATE utf8mb4_nopad_bin"_s;
}

QString MariaDbDialect::createDriftTable(const QString &table) const
{
    return u"CREATE TABLE IF NOT EXISTS "_s + quote(table)
            + u" (mapping VARCHAR(255) NOT NULL, checked_at VARCHAR(40) NOT NULL,"
              " source_rows BIGINT, mirror_rows BIGINT, missing BIGINT, extra BIGINT,"
              " changed BIGINT, drift_rows BIGINT, duration_ms BIGINT, key_from LONGTEXT, key_to LONGTEXT,"
              " segments LONGTEXT, PRIMARY KEY (mapping, checked_at))"
              " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin"_s;
}

} // namespace tidemark
