#include "db/dialect_postgres.h"

#include "db/dbconnection.h"
#include "db/dberror.h"
#include "db/identifier.h"
#include "db/pgcopy.h"
#include "db/valuecodec.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QHash>
#include <QLocale>
#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>

#include <algorithm>
#include <cmath>
#include <limits>

using namespace Qt::StringLiterals;

namespace tidemark {

namespace {

// Session settings pinned on every connection. statement_timeout (the connection's
// statement_timeout_s) bounds one page read or one batch write, not a pass; a statement that
// takes longer is stuck (a lock, a runaway plan) and is better retried than waited for.
// lock_timeout keeps a writer holding a lock on the mirror table from stalling a pass until
// statement_timeout.
constexpr int kLockTimeoutS = 30;

bool isSigned(int type)
{
    return type == QMetaType::Int || type == QMetaType::LongLong || type == QMetaType::Long
            || type == QMetaType::Short || type == QMetaType::SChar || type == QMetaType::Char;
}

bool isUnsigned(int type)
{
    return type == QMetaType::UInt || type == QMetaType::ULongLong || type == QMetaType::ULong
            || type == QMetaType::UShort || type == QMetaType::UChar;
}

bool isFloating(int type)
{
    return type == QMetaType::Double || type == QMetaType::Float;
}

bool isNull(const QVariant &v)
{
    return !v.isValid() || v.isNull();
}

// A double as PostgreSQL's float8/numeric input reads it back to the same value: the shortest
// text that round-trips, with the spellings PostgreSQL uses for the special values.
QString doubleLiteral(double d)
{
    if (std::isnan(d))
        return u"NaN"_s;
    if (std::isinf(d))
        return d > 0 ? u"Infinity"_s : u"-Infinity"_s;
    if (d == 0)
        return std::signbit(d) ? u"-0"_s : u"0"_s;
    return QString::number(d, 'g', QLocale::FloatingPointShortest);
}

// PostgreSQL's float8 output (shortest exact digits since PG 12, or 17 digits with
// extra_float_digits=3 on older servers) parsed back without loss.
QVariant parseFloatText(const QString &text)
{
    if (text == u"NaN")
        return std::nan("");
    if (text == u"Infinity")
        return double(INFINITY);
    if (text == u"-Infinity")
        return double(-INFINITY);
    bool ok = false;
    const double d = QLocale::c().toDouble(text, &ok);
    return ok ? QVariant(d) : QVariant(text);
}

QString anyToText(const QVariant &v)
{
    const int type = v.metaType().id();
    if (isFloating(type))
        return doubleLiteral(v.toDouble());
    if (type == QMetaType::QByteArray)
        return QString::fromUtf8(v.toByteArray());
    if (type == QMetaType::Bool)
        return v.toBool() ? u"true"_s : u"false"_s;
    return v.toString();
}

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

QString PostgresDialect::selectExpression(const ColumnInfo &column) const
{
    QString cast;
    switch (column.valueClass) {
    case ValueClass::Integer:
    case ValueClass::Boolean:
    case ValueClass::Blob:
    case ValueClass::Text: return quote(column.name);
    case ValueClass::Real:
        // float8 arrives exactly (its output is the shortest exact text); float4 is widened in
        // the server so the value read is the float4's exact value, not the double nearest to
        // its shortest decimal text.
        if (column.declaredType == u"double precision")
            return quote(column.name);
        cast = u"double precision"_s;
        break;
    case ValueClass::Decimal:   // QPSQL: a double
    case ValueClass::Date:      // QPSQL: QDate, no BC, no infinity
    case ValueClass::Time:      // QPSQL: milliseconds
    case ValueClass::Timestamp: // QPSQL: millisecond QDateTime
    case ValueClass::TimestampTz:
    case ValueClass::Json:
    case ValueClass::Unknown: // intervals, arrays, enums...: their text form is exact
        cast = u"text"_s;
        break;
    }
    // The alias must not be the column's own name: ORDER BY "c" names an output column before
    // an input column in PostgreSQL, so `"c"::text AS "c"` (or no alias, which names it "c"
    // too) would make the pager sort numbers and timestamps as text and skip rows.
    const QByteArray digest =
            QCryptographicHash::hash(column.name.toUtf8(), QCryptographicHash::Sha1);
    return u"CAST("_s + quote(column.name) + u" AS "_s + cast + u") AS \"tidemark:"_s
            + QString::fromLatin1(digest.left(8).toHex()) + u'"';
}

QVariant PostgresDialect::toCanonical(const ColumnInfo &column, const QVariant &driverValue) const
{
    if (isNull(driverValue))
        return driverValue;
    const int type = driverValue.metaType().id();
    switch (column.valueClass) {
    case ValueClass::Integer:
        if (isSigned(type))
            return driverValue.toLongLong();
        if (isUnsigned(type)) {
            // QPSQL reads a positive int8 as qulonglong.
            const qulonglong u = driverValue.toULongLong();
            if (u <= qulonglong(std::numeric_limits<qlonglong>::max()))
                return qlonglong(u);
            return u;
        }
        break;
    case ValueClass::Decimal:
        if (type == QMetaType::QString)
            return canonicalDecimal(driverValue.toString());
        break;
    case ValueClass::Real:
        if (type == QMetaType::QString)
            return parseFloatText(driverValue.toString());
        if (isFloating(type))
            return driverValue.toDouble();
        break;
    case ValueClass::Time:
        if (type == QMetaType::QString)
            return canonicalTime(driverValue.toString());
        break;
    case ValueClass::Timestamp:
    case ValueClass::TimestampTz:
        if (type == QMetaType::QString)
            return canonicalTimestamp(driverValue.toString());
        break;
    case ValueClass::Boolean:
    case ValueClass::Text:
    case ValueClass::Blob:
    case ValueClass::Date:
    case ValueClass::Json:
    case ValueClass::Unknown: break;
    }
    return fromDriver(driverValue);
}

QVariant PostgresDialect::fromCanonical(const ColumnInfo &column, const QVariant &canonical) const
{
    // Every value that is not an integer, a bool or bytes is bound as text: the server parses
    // it with its own input function for the parameter's type, which is exact for numeric,
    // float8, timestamps and json alike.
    if (isNull(canonical))
        return QVariant(QMetaType::fromType<QString>());
    const int type = canonical.metaType().id();
    switch (column.valueClass) {
    case ValueClass::Integer:
        if (isSigned(type))
            return canonical.toLongLong();
        if (isUnsigned(type))
            return canonical.toULongLong();
        if (type == QMetaType::Bool)
            return qlonglong(canonical.toBool() ? 1 : 0);
        if (isFloating(type)) {
            const double d = canonical.toDouble();
            if (std::trunc(d) == d && std::fabs(d) < 9.2e18)
                return qlonglong(d);
        }
        // A fraction is refused by the server rather than rounded here.
        return anyToText(canonical);
    case ValueClass::Boolean:
        if (type == QMetaType::Bool)
            return canonical.toBool();
        if (isSigned(type) || isUnsigned(type))
            return canonical.toLongLong() != 0;
        return anyToText(canonical);
    case ValueClass::Blob:
        if (type == QMetaType::QByteArray)
            return fromDriver(canonical);
        return anyToText(canonical).toUtf8();
    case ValueClass::Decimal:
    case ValueClass::Real:
        if (type == QMetaType::QString)
            return canonical.toString().trimmed();
        return anyToText(canonical);
    case ValueClass::Timestamp:
    case ValueClass::TimestampTz:
        if (type == QMetaType::QDateTime) {
            const QDateTime dt = canonical.toDateTime().toUTC();
            return dt.toString(u"yyyy-MM-dd HH:mm:ss.zzz"_s);
        }
        if (type == QMetaType::QDate)
            return canonical.toDate().toString(Qt::ISODate);
        // A zone-less text is UTC (the session's zone) for both column types; a text with an
        // offset from another database is moved to UTC here, because a timestamp column would
        // silently drop the offset.
        return canonicalTimestamp(anyToText(canonical));
    case ValueClass::Date:
        if (type == QMetaType::QDate)
            return canonical.toDate().toString(Qt::ISODate);
        return anyToText(canonical);
    case ValueClass::Time:
        if (type == QMetaType::QTime)
            return canonical.toTime().toString(Qt::ISODateWithMs);
        return anyToText(canonical);
    case ValueClass::Text:
    case ValueClass::Json:
    case ValueClass::Unknown:
        if (type == QMetaType::QString)
            return canonical;
        return anyToText(canonical);
    }
    return canonical;
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

namespace {

// "-123.45", "0.5", "7": no sign but '-', no leading or trailing zeros, no bare point.
bool isCanonicalDecimal(const QString &s)
{
    const QChar *c = s.constData();
    const qsizetype n = s.size();
    qsizetype i = n > 0 && c[0] == u'-' ? 1 : 0;
    const qsizetype start = i;
    while (i < n && c[i] >= u'0' && c[i] <= u'9')
        ++i;
    const qsizetype whole = i - start;
    if (whole == 0 || (whole > 1 && c[start] == u'0'))
        return false;
    if (i == n)
        return !(start == 1 && whole == 1 && c[1] == u'0');   // "-0" is "0"
    if (c[i] != u'.' || i + 1 == n)
        return false;
    for (++i; i < n; ++i)
        if (c[i] < u'0' || c[i] > u'9')
            return false;
    return c[n - 1] != u'0';
}

} // namespace

QString PostgresDialect::canonicalDecimal(const QString &text)
{
    if (isCanonicalDecimal(text))
        return text;   // no copy
    QString s = text.trimmed();
    if (s.compare(u"nan", Qt::CaseInsensitive) == 0)
        return u"NaN"_s;
    if (s.compare(u"infinity", Qt::CaseInsensitive) == 0
        || s.compare(u"+infinity", Qt::CaseInsensitive) == 0)
        return u"Infinity"_s;
    if (s.compare(u"-infinity", Qt::CaseInsensitive) == 0)
        return u"-Infinity"_s;
    if (s.contains(u'e') || s.contains(u'E'))
        return s; // not PostgreSQL's output; leave it to the server to parse
    bool negative = false;
    if (s.startsWith(u'-') || s.startsWith(u'+')) {
        negative = s.startsWith(u'-');
        s.remove(0, 1);
    }
    if (s.contains(u'.')) {
        while (s.endsWith(u'0'))
            s.chop(1);
        if (s.endsWith(u'.'))
            s.chop(1);
    }
    qsizetype lead = 0;
    while (lead + 1 < s.size() && s.at(lead) == u'0' && s.at(lead + 1) != u'.')
        ++lead;
    s.remove(0, lead);
    if (s.isEmpty() || s.startsWith(u'.'))
        s.prepend(u'0');
    if (s == u"0")
        return s; // "-0" and "-0.000" are zero
    return negative ? u'-' + s : s;
}

QString PostgresDialect::canonicalTime(const QString &text)
{
    QString s = text.trimmed();
    const qsizetype dot = s.indexOf(u'.');
    if (dot < 0)
        return s;
    qsizetype end = dot + 1;
    while (end < s.size() && s.at(end).isDigit())
        ++end;
    QString fraction = s.mid(dot + 1, end - dot - 1);
    while (fraction.endsWith(u'0'))
        fraction.chop(1);
    return s.left(dot) + (fraction.isEmpty() ? QString() : u'.' + fraction) + s.mid(end);
}

namespace {

// The form PostgreSQL prints under our session settings (UTC, ISO): "YYYY-MM-DD HH:MM:SS",
// an optional fraction, an optional "+00". Most values are exactly that, and a regular
// expression per value was the largest client cost of a backfill; anything else takes the
// general path. Returns a null QString when `s` is not in this form.
QString fastCanonicalTimestamp(const QString &s)
{
    const qsizetype n = s.size();
    if (n < 19 || n > 32)
        return {};
    const QChar *c = s.constData();
    auto digit = [c](qsizetype i) { return c[i] >= u'0' && c[i] <= u'9'; };
    for (qsizetype i : {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18})
        if (!digit(i))
            return {};
    if (c[4] != u'-' || c[7] != u'-' || (c[10] != u' ' && c[10] != u'T') || c[13] != u':'
        || c[16] != u':')
        return {};
    qsizetype end = 19;        // end of the seconds or of the fraction's significant digits
    qsizetype i = 19;
    if (i < n && c[i] == u'.') {
        ++i;
        while (i < n && digit(i)) {
            if (c[i] != u'0')
                end = i + 1;
            ++i;
        }
    }
    // What may follow: nothing, "Z", "+00", "+00:00", "+0000".
    const QStringView rest = QStringView(s).mid(i);
    if (!rest.isEmpty() && rest != u"Z" && rest != u"+00" && rest != u"+00:00" && rest != u"+0000")
        return {};
    if (end == n && c[10] == u' ')
        return s;   // canonical already: no copy
    QString out = s.left(end);
    if (c[10] == u'T')
        out[10] = u' ';
    return out;
}

} // namespace

QString PostgresDialect::canonicalTimestamp(const QString &text)
{
    if (QString fast = fastCanonicalTimestamp(text); !fast.isNull())
        return fast;
    static const QRegularExpression rx(
            u"^(\\d{4,})-(\\d{2})-(\\d{2})(?:[T ](\\d{2}):(\\d{2})(?::(\\d{2}))?(?:\\.(\\d*))?)?"
            "\\s*(Z|[+-]\\d{2}(?::?\\d{2}(?::?\\d{2})?)?)?(\\s+BC)?$"_s,
            QRegularExpression::CaseInsensitiveOption);
    const QString s = text.trimmed();
    const QRegularExpressionMatch m = rx.match(s);
    if (!m.hasMatch())
        return s; // 'infinity', or something the server has to judge
    QString fraction = m.captured(7);
    while (fraction.endsWith(u'0'))
        fraction.chop(1);
    const bool bc = !m.captured(9).isEmpty();
    int year = m.captured(1).toInt();
    int month = m.captured(2).toInt();
    int day = m.captured(3).toInt();
    int hour = m.captured(4).toInt();
    int minute = m.captured(5).toInt();
    int second = m.captured(6).toInt();
    int offset = 0; // seconds east of UTC
    if (const QString zone = m.captured(8);
        !zone.isEmpty() && zone.compare(u"Z") != 0 && zone.compare(u"z") != 0) {
        QString digits = zone.mid(1);
        digits.remove(u':');
        offset = digits.left(2).toInt() * 3600 + digits.mid(2, 2).toInt() * 60
                + digits.mid(4, 2).toInt();
        if (zone.startsWith(u'-'))
            offset = -offset;
    }
    if (offset != 0) {
        // QDate counts years without a year 0 (1 BC is -1), like PostgreSQL's "0001 BC".
        const QDate date(bc ? -year : year, month, day);
        const QTime time(hour, minute, second);
        if (date.isValid() && time.isValid()) {
            const QDateTime utc = QDateTime(date, time, Qt::UTC).addSecs(-qint64(offset));
            year = utc.date().year();
            month = utc.date().month();
            day = utc.date().day();
            hour = utc.time().hour();
            minute = utc.time().minute();
            second = utc.time().second();
        }
    } else if (bc) {
        year = -year;
    }
    const bool outBc = year < 0;
    QString out = u"%1-%2-%3 %4:%5:%6"_s.arg(std::abs(year), 4, 10, QChar(u'0'))
                          .arg(month, 2, 10, QChar(u'0'))
                          .arg(day, 2, 10, QChar(u'0'))
                          .arg(hour, 2, 10, QChar(u'0'))
                          .arg(minute, 2, 10, QChar(u'0'))
                          .arg(second, 2, 10, QChar(u'0'));
    if (!fraction.isEmpty())
        out += u'.' + fraction;
    if (outBc)
        out += u" BC"_s;
    return out;
}

} // namespace tidemark
