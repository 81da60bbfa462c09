// Quoting, the SQL shapes, the catalog and the session. Reading and binding values are in
// dialect_postgres_values.cpp.

#include "db/dialect_postgres.h"

#include "db/dbconnection.h"
#include "db/dberror.h"
#include "db/identifier.h"
#include "db/pgcopy.h"

#include <QHash>
#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace tidemark {

namespace {

// Session settings pinned on every connection. statement_timeout (the connection's
// statement_timeout_s) bounds one page read or one batch write, not a pass; a statement that
// takes longer is stuck (a lock, a runaway plan) and is better retried than waited for.
// lock_timeout keeps a writer holding a lock on the mirror table from stalling a pass until
// statement_timeout.
constexpr int kLockTimeoutS = 30;

// Integer part needed by a source integer column, from its declared type.
int integerDigits(const QString &declaredType)
{
    const QString t = declaredType.toLower();
    if (t.contains(u"tinyint"))
        return 3;
    if (t.contains(u"smallint") || t == u"int2")
        return 5;
    if (t.contains(u"mediumint"))
        return 8;
    if (t.contains(u"bigint") || t.contains(u"int8"))
        return t.contains(u"unsigned") ? 20 : 19; // MariaDB's BIGINT UNSIGNED
    if (t.contains(u"int"))                       // integer, int, int4, int(11)
        return 10;
    return 20;
}

// n of varchar(n) / character varying(n) / character(n) / char(n); 0 when unbounded.
int textLength(const QString &declaredType)
{
    static const QRegularExpression rx(u"^\\s*(?:character varying|varchar|character|char|"
                                       "nvarchar|nchar|bpchar)\\s*\\(\\s*(\\d+)\\s*\\)"_s,
                                       QRegularExpression::CaseInsensitiveOption);
    const QRegularExpressionMatch m = rx.match(declaredType);
    return m.hasMatch() ? m.captured(1).toInt() : 0;
}

bool isTimeLike(ValueClass c)
{
    return c == ValueClass::Timestamp || c == ValueClass::TimestampTz || c == ValueClass::Time;
}

int fractionalDigits(const ColumnInfo &c)
{
    return c.precision < 0 ? 6 : c.precision;
}

} // namespace

QString PostgresDialect::qtDriverName() const
{
    return u"QPSQL"_s;
}

QString PostgresDialect::quote(const QString &identifier) const
{
    // Never QSqlDriver::escapeIdentifier: QPSQL's splits "a.b" into "a"."b" and leaves a name
    // that starts or ends with a quote unescaped.
    return quoteIdentifierWith(identifier, u'"');
}

QString PostgresDialect::upsert(const QString &table, const QStringList &columns,
                                const QStringList &keyColumns, int rowCount,
                                const QStringList &placeholders) const
{
    return insertOnConflict(table, columns, keyColumns, rowCount, placeholders);
}

bool PostgresDialect::bulkUpsert(DbConnection &conn, const TableCodec &codec, const QString &table,
                                 const QStringList &keyColumns,
                                 const QList<QVariantList> &rows, bool keysAbsent) const
{
    return rows.size() >= kMinCopyRows
            && copyUpsert(conn, codec, table, keyColumns, rows, keysAbsent);
}

QString PostgresDialect::cursorLowerBound(const ColumnInfo &cursor, const QVariant &,
                                          qint64 amount) const
{
    const QString n = QString::number(std::max<qint64>(0, amount));
    switch (cursor.valueClass) {
    case ValueClass::Timestamp:
        return u"(CAST(? AS timestamp) - INTERVAL '"_s + n + u" seconds')"_s;
    case ValueClass::TimestampTz:
        return u"(CAST(? AS timestamptz) - INTERVAL '"_s + n + u" seconds')"_s;
    case ValueClass::Date:
        // date - interval is a timestamp; a date column compares with it as midnight.
        return u"(CAST(? AS date) - INTERVAL '"_s + n + u" seconds')"_s;
    case ValueClass::Integer: return u"(CAST(? AS bigint) - "_s + n + u')';
    case ValueClass::Decimal: return u"(CAST(? AS numeric) - "_s + n + u')';
    case ValueClass::Real: return u"(CAST(? AS double precision) - "_s + n + u')';
    case ValueClass::Text:
    case ValueClass::Time:
    case ValueClass::Boolean:
    case ValueClass::Blob:
    case ValueClass::Json:
    case ValueClass::Unknown: break;
    }
    // No subtraction that is safe for this type (text has no "minus 30 seconds", time wraps at
    // midnight and would come out higher), so the bound is the lowest possible: the column's own
    // value, which every non-NULL row satisfies. The lookback re-read then covers every row up
    // to the checkpoint, which costs time but never misses a late row. The cast consumes the
    // bound value the caller passes.
    const QString c = quote(cursor.name);
    return u"(CASE WHEN CAST(? AS text) IS NULL THEN "_s + c + u" ELSE "_s + c + u" END)"_s;
}

ValueClass PostgresDialect::classify(const QString &typeName)
{
    static const QHash<QString, ValueClass> classes = {
            {u"int2"_s, ValueClass::Integer},        {u"int4"_s, ValueClass::Integer},
            {u"int8"_s, ValueClass::Integer},        {u"numeric"_s, ValueClass::Decimal},
            {u"float4"_s, ValueClass::Real},         {u"float8"_s, ValueClass::Real},
            {u"text"_s, ValueClass::Text},           {u"varchar"_s, ValueClass::Text},
            {u"bpchar"_s, ValueClass::Text},         {u"name"_s, ValueClass::Text},
            {u"uuid"_s, ValueClass::Text},           {u"citext"_s, ValueClass::Text},
            {u"bytea"_s, ValueClass::Blob},          {u"bool"_s, ValueClass::Boolean},
            {u"date"_s, ValueClass::Date},           {u"time"_s, ValueClass::Time},
            {u"timestamp"_s, ValueClass::Timestamp}, {u"timestamptz"_s, ValueClass::TimestampTz},
            {u"json"_s, ValueClass::Json},           {u"jsonb"_s, ValueClass::Json},
    };
    return classes.value(typeName, ValueClass::Unknown);
}

TableSchema PostgresDialect::describeTable(DbConnection &conn, const QString &table) const
{
    TableSchema schema;
    schema.table = table;
    schema.sourceKind = DriverKind::Postgres;
    // The name is bound and quoted by the server (quote_ident), so "a.b" is one table named
    // a.b, found through the session's search_path like any unqualified name in our SQL.
    // A domain is classified by its base type and typmod.
    QSqlQuery q = conn.exec(
            u"SELECT a.attname, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull,"
            " CASE WHEN t.typtype = 'd' THEN bt.typname ELSE t.typname END,"
            " CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END,"
            " (SELECT array_position(i.indkey::int2[], a.attnum) FROM pg_catalog.pg_index i"
            "   WHERE i.indrelid = a.attrelid AND i.indisprimary)"
            " FROM pg_catalog.pg_attribute a"
            " JOIN pg_catalog.pg_type t ON t.oid = a.atttypid"
            " LEFT JOIN pg_catalog.pg_type bt ON bt.oid = t.typbasetype"
            " WHERE a.attrelid = (SELECT c.oid FROM pg_catalog.pg_class c"
            "   WHERE c.oid = pg_catalog.to_regclass(pg_catalog.quote_ident(CAST(? AS text)))"
            "   AND c.relkind IN ('r', 'p', 'v', 'm', 'f'))"
            " AND a.attnum > 0 AND NOT a.attisdropped"
            " ORDER BY a.attnum"_s,
            {table});
    QList<std::pair<int, QString>> pk;
    while (q.next()) {
        ColumnInfo c;
        c.name = q.value(0).toString();
        c.declaredType = q.value(1).toString();
        c.nullable = q.value(2).toBool();
        c.valueClass = classify(q.value(3).toString());
        const int typmod = q.value(4).toInt();
        c.precision = -1;
        c.scale = 0;
        if (c.valueClass == ValueClass::Decimal && typmod >= 4) {
            const int packed = typmod - 4;
            c.precision = (packed >> 16) & 0xffff;
            c.scale = ((packed & 0x7ff) ^ 1024) - 1024; // 11-bit signed since PG 15
        } else if (isTimeLike(c.valueClass)) {
            c.precision = typmod < 0 ? 6 : typmod;
        }
        schema.columns << c;
        if (!q.value(5).isNull())
            pk.append({q.value(5).toInt(), c.name});
    }
    if (q.lastError().isValid())
        throw conn.failure(conn.describe() + u" (describing table '"_s + table + u"')"_s,
                               q.lastError());
    std::sort(pk.begin(), pk.end());
    for (const auto &entry : pk)
        schema.primaryKey << entry.second;
    return schema;
}

QString PostgresDialect::mirrorTypeFor(const ColumnInfo &c)
{
    switch (c.valueClass) {
    case ValueClass::Integer:
        // PostgreSQL has no unsigned 64-bit integer; numeric(20,0) holds up to 2^64 - 1.
        return integerDigits(c.declaredType) > 19 ? u"numeric(20,0)"_s : u"bigint"_s;
    case ValueClass::Decimal:
        if (c.precision > 0 && c.precision <= 1000 && c.scale >= 0 && c.scale <= c.precision)
            return u"numeric(%1,%2)"_s.arg(c.precision).arg(c.scale);
        return u"numeric"_s;
    case ValueClass::Real: return u"double precision"_s;
    case ValueClass::Text: return u"text"_s;
    case ValueClass::Blob: return u"bytea"_s;
    case ValueClass::Boolean: return u"boolean"_s;
    case ValueClass::Date: return u"date"_s;
    case ValueClass::Time: return u"time(6)"_s;
    case ValueClass::Timestamp: return u"timestamp(6)"_s;
    case ValueClass::TimestampTz: return u"timestamptz(6)"_s;
    // Not jsonb: jsonb stores a normalised document (key order, whitespace, duplicate keys), so
    // the mirror's text would never compare equal to the source's.
    case ValueClass::Json: return u"json"_s;
    case ValueClass::Unknown: break;
    }
    return u"text"_s;
}

QString PostgresDialect::createMirrorTable(const QString &table, const TableSchema &source,
                                           const QStringList &columns, const QStringList &key) const
{
    QStringList defs;
    for (const QString &name : columns) {
        const ColumnInfo *c = source.column(name);
        Q_ASSERT(c);
        // Same engine: the declared type means the same thing (format_type output is valid SQL).
        const QString type = source.sourceKind == DriverKind::Postgres && !c->declaredType.isEmpty()
                ? c->declaredType
                : mirrorTypeFor(*c);
        QString def = quote(name) + u' ' + type;
        if (!c->nullable || key.contains(name))
            def += u" NOT NULL"_s;
        defs << def;
    }
    defs << u"PRIMARY KEY ("_s + columnList(key) + u')';
    return u"CREATE TABLE "_s + quote(table) + u" (\n  "_s + defs.join(u",\n  "_s) + u"\n)"_s;
}

void PostgresDialect::configureSession(DbConnection &conn) const
{
    // UTC: timestamptz text comes out as +00 and a zone-less canonical text binds as UTC.
    // ISO DateStyle and iso_8601 intervals: text forms every database and reader can parse.
    // extra_float_digits 3: exact float text even on servers before 12 (12+ print the shortest
    // exact text for any value above 0).
    const QStringList settings{
            u"SET TIME ZONE 'UTC'"_s,
            u"SET client_encoding TO 'UTF8'"_s,
            u"SET DateStyle TO 'ISO, YMD'"_s,
            u"SET IntervalStyle TO 'iso_8601'"_s,
            u"SET extra_float_digits TO 3"_s,
            u"SET statement_timeout TO '%1s'"_s.arg(conn.config().statementTimeoutS),
            u"SET lock_timeout TO '%1s'"_s.arg(
                    std::min(kLockTimeoutS, conn.config().statementTimeoutS)),
            // libpq prints notices on stderr ("relation ... already exists, skipping" on every
            // prepare); warnings and errors still arrive.
            u"SET client_min_messages TO warning"_s,
    };
    for (const QString &sql : settings)
        conn.exec(sql);
}

int PostgresDialect::socketDescriptor(DbConnection &conn) const
{
    return libpqSocket(conn);
}

QString PostgresDialect::lossReason(const ColumnInfo &source, const ColumnInfo &mirror) const
{
    const ValueClass s = source.valueClass;
    const ValueClass m = mirror.valueClass;
    const auto why = [&](const QString &what) {
        return u"mirror column '%1' is %2; source column '%3' (%4) %5"_s.arg(
                mirror.name, mirror.declaredType, source.name, source.declaredType, what);
    };
    if (s == ValueClass::Unknown || m == ValueClass::Unknown)
        return {}; // nothing known to compare; values travel as text
    switch (m) {
    case ValueClass::Decimal: {
        if (mirror.precision <= 0)
            return {}; // unconstrained numeric holds every integer and decimal
        const int mirrorInt = mirror.precision - mirror.scale;
        if (s == ValueClass::Real)
            return why(u"is binary floating point; values with more digits than numeric "
                       "(%1,%2) holds would be rounded or refused"_s.arg(mirror.precision)
                               .arg(mirror.scale));
        if (s == ValueClass::Integer && mirrorInt < integerDigits(source.declaredType))
            return why(u"can hold integers the mirror's %1 integer digits cannot"_s.arg(mirrorInt));
        if (s == ValueClass::Decimal) {
            if (source.precision <= 0)
                return why(u"is unconstrained; values beyond numeric(%1,%2) would be rounded or "
                           "refused"_s.arg(mirror.precision)
                                   .arg(mirror.scale));
            if (source.scale > mirror.scale)
                return why(u"has %1 fractional digits; the mirror keeps %2 and would round"_s
                                   .arg(source.scale)
                                   .arg(mirror.scale));
            if (source.precision - source.scale > mirrorInt)
                return why(u"has %1 integer digits; the mirror holds %2"_s
                                   .arg(source.precision - source.scale)
                                   .arg(mirrorInt));
        }
        if (s == ValueClass::Boolean || s == ValueClass::Integer || s == ValueClass::Decimal)
            return {};
        break;
    }
    case ValueClass::Real: {
        const bool single = mirror.declaredType == u"real";
        if (s == ValueClass::Decimal)
            return why(u"is an exact decimal; binary floating point would lose exactness"_s);
        if (s == ValueClass::Integer && (single || integerDigits(source.declaredType) > 15))
            return why(u"can hold integers that binary floating point cannot represent "
                       "exactly"_s);
        if (s == ValueClass::Real && single && source.declaredType != u"real"
            && !source.declaredType.toLower().startsWith(u"float"))
            return why(u"is double precision; real keeps only 24 bits of mantissa"_s);
        if (s == ValueClass::Real || s == ValueClass::Integer || s == ValueClass::Boolean)
            return {};
        break;
    }
    case ValueClass::Integer: {
        if (s == ValueClass::Real)
            return why(u"is floating point; fractions would be refused"_s);
        if (s == ValueClass::Decimal && (source.precision <= 0 || source.scale > 0))
            return why(u"can hold fractions the integer column cannot"_s);
        const int digits = mirror.declaredType == u"smallint" ? 5
                : mirror.declaredType == u"integer"           ? 10
                                                              : 19;
        const int needed = s == ValueClass::Decimal ? source.precision
                : s == ValueClass::Integer          ? integerDigits(source.declaredType)
                                                    : 1;
        if (needed > digits)
            return why(u"can hold values beyond the range of %1"_s.arg(mirror.declaredType));
        if (s == ValueClass::Integer || s == ValueClass::Decimal || s == ValueClass::Boolean)
            return {};
        break;
    }
    case ValueClass::Timestamp:
    case ValueClass::TimestampTz:
    case ValueClass::Time: {
        // timestamptz into timestamp and back is exact: sessions are UTC on both sides.
        const bool compatible = m == ValueClass::Time
                ? s == ValueClass::Time
                : (s == ValueClass::Timestamp || s == ValueClass::TimestampTz
                   || s == ValueClass::Date);
        if (compatible && s != ValueClass::Date
            && fractionalDigits(source) > fractionalDigits(mirror))
            return why(u"has %1 fractional second digits; the mirror keeps %2 and would round"_s
                               .arg(fractionalDigits(source))
                               .arg(fractionalDigits(mirror)));
        if (compatible)
            return {};
        if (s == ValueClass::Text)
            return {}; // a text timestamp (SQLite) parses into the column
        break;
    }
    case ValueClass::Date:
        if (s == ValueClass::Date || s == ValueClass::Text)
            return {};
        if (s == ValueClass::Timestamp || s == ValueClass::TimestampTz)
            return why(u"has a time of day the date column would drop"_s);
        break;
    case ValueClass::Text: {
        const int mirrorLength = textLength(mirror.declaredType);
        if (s == ValueClass::Blob)
            return why(u"holds bytes; text accepts only valid UTF-8 without NUL"_s);
        if (mirrorLength > 0) {
            const int sourceLength = s == ValueClass::Text ? textLength(source.declaredType) : 0;
            if (sourceLength == 0 || sourceLength > mirrorLength)
                return why(u"may hold values longer than %1 characters, which the mirror "
                           "refuses (possible truncation)"_s.arg(mirrorLength));
        }
        return {};
    }
    case ValueClass::Json:
        // jsonb into jsonb is the same normalised text on both sides; anything else into jsonb
        // is rewritten (key order, whitespace, duplicate keys) and never compares equal.
        if (mirror.declaredType == u"jsonb" && source.declaredType.toLower() != u"jsonb")
            return why(u"would be rewritten by jsonb, so the mirror would never compare "
                       "equal; use json"_s);
        if (s == ValueClass::Json)
            return {};
        if (s == ValueClass::Text)
            return why(u"is text; values that are not valid JSON would be refused"_s);
        break;
    case ValueClass::Blob: return {}; // any value's bytes fit
    case ValueClass::Boolean:
        if (s == ValueClass::Boolean)
            return {};
        break;
    case ValueClass::Unknown: return {};
    }
    if (s == m)
        return {};
    return why(u"is a different kind of value; it would have to be converted and may be refused "
               "or changed"_s);
}

QString PostgresDialect::createStateTable(const QString &table) const
{
    return u"CREATE TABLE IF NOT EXISTS "_s + quote(table)
            + u" (mapping text PRIMARY KEY, cursor_value text, key_value text, checkpoint_at text,"
              " last_kind text, last_started_at text, last_finished_at text,"
              " last_rows_written bigint, last_rows_deleted bigint, last_result text,"
              " last_error text, last_note text, orphans bigint, orphans_at text)"_s;
}

} // namespace tidemark
