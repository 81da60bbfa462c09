// What MariaDB's catalog says about a table, the mirror and state tables we create, and what a
// mirror column would lose of a source column's values.

#include "db/dialect_mariadb.h"

#include "db/dbconnection.h"
#include "db/dberror.h"
#include "db/dialect_mariadb_internal.h"

#include <QRegularExpression>
#include <QSet>
#include <QSqlError>
#include <QSqlQuery>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace tidemark {

namespace mariadbdialect {

QString text(const QVariant &v)
{
    return v.metaType().id() == QMetaType::QByteArray ? QString::fromUtf8(v.toByteArray())
                                                      : v.toString();
}

// "bigint(20) unsigned" -> "bigint"
QString baseType(const QString &declared)
{
    const QString t = declared.trimmed().toLower();
    qsizetype cut = 0;
    while (cut < t.size() && (t.at(cut).isLetterOrNumber() || t.at(cut) == u'_'))
        ++cut;
    return t.left(cut);
}

// "varchar(768)" -> 768; -1 without a length.
qint64 typeLength(const QString &declared)
{
    static const QRegularExpression re(u"^[a-z_ ]+\\(\\s*(\\d+)\\s*\\)"_s);
    const QRegularExpressionMatch m = re.match(declared.trimmed().toLower());
    return m.hasMatch() ? m.captured(1).toLongLong() : -1;
}

// The range of an integer column by its declared type. A bare "int"/"integer" is SQLite's
// 64-bit INTEGER as far as we can tell (MariaDB reports "int(11)"), so it is taken as 64 bits:
// a range too wide only makes lossReason cautious.
IntRange integerRange(const ColumnInfo &c)
{
    const QString t = c.declaredType.trimmed().toLower();
    const QString base = baseType(t);
    IntRange r;
    r.isUnsigned = t.contains(u"unsigned");
    if (c.valueClass == ValueClass::Boolean || base == u"tinyint" || base == u"int1")
        r.bits = 8;
    else if (base == u"smallint" || base == u"int2")
        r.bits = 16;
    else if (base == u"mediumint" || base == u"int3")
        r.bits = 24;
    else if (base == u"int4" || ((base == u"int" || base == u"integer") && t.contains(u'(')))
        r.bits = 32;
    else if (base == u"bit")
        r = IntRange{true, int(std::clamp<qint64>(typeLength(t), 1, 64))};
    return r;
}

} // namespace mariadbdialect

using namespace mariadbdialect;

namespace {

// Every text column of a mirror we create compares byte for byte and without trailing-space
// padding: the default case-insensitive collation would merge the keys 'a' and 'A', and the
// PAD SPACE collations (utf8mb4_bin included) would merge 'a' and 'a ', so an upsert of the
// second row would overwrite the first.
const QString kTextColumn = u"CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin"_s;
const QString kTableOptions = u"ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin"_s;
constexpr int kMaxKeyBytes = 3072; // InnoDB's limit for all columns of one index together

bool rangeContains(IntRange outer, IntRange inner)
{
    if (outer.isUnsigned == inner.isUnsigned)
        return inner.bits <= outer.bits;
    return inner.isUnsigned && inner.bits < outer.bits; // a signed range never fits unsigned
}

int decimalDigits(IntRange r)
{
    // Digits of the largest magnitude: 2^8 -> 3, 2^16 -> 5, 2^24 -> 8, 2^32 -> 10, 2^64 -> 20.
    return int(std::ceil((r.bits - (r.isUnsigned ? 0 : 1)) * std::log10(2.0)));
}

// --- mirror tables ---------------------------------------------------------------------------

bool isTextLike(ValueClass c)
{
    return c == ValueClass::Text || c == ValueClass::Json || c == ValueClass::Unknown;
}

// Bytes a fixed-size key column takes in the index, for sharing kMaxKeyBytes among the text
// and binary key columns.
int fixedKeyBytes(const ColumnInfo &c)
{
    switch (c.valueClass) {
    case ValueClass::Boolean: return 1;
    case ValueClass::Date: return 3;
    case ValueClass::Time: return 6;
    case ValueClass::Decimal: {
        static const int partial[] = {0, 1, 1, 2, 2, 3, 3, 4, 4, 4};
        const int p = c.precision > 0 && c.precision <= 65 ? c.precision : 65;
        const int s = c.precision > 0 && c.scale >= 0 && c.scale <= 30 ? c.scale : 30;
        const int whole = p - s;
        return whole / 9 * 4 + partial[whole % 9] + s / 9 * 4 + partial[s % 9];
    }
    default: return 8;
    }
}

QString mariaTypeFor(const ColumnInfo &c, bool isKey, int variableKeyBytes)
{
    switch (c.valueClass) {
    case ValueClass::Integer: return u"BIGINT"_s;
    case ValueClass::Boolean: return u"BOOLEAN"_s;
    case ValueClass::Real: return u"DOUBLE"_s;
    case ValueClass::Decimal:
        if (c.precision > 0 && c.precision <= 65 && c.scale >= 0 && c.scale <= 30
            && c.scale <= c.precision)
            return u"DECIMAL(%1,%2)"_s.arg(c.precision).arg(c.scale);
        // A decimal without a declared precision (SQLite DECIMAL, PostgreSQL numeric) or beyond
        // DECIMAL(65,30) may hold digits MariaDB's DECIMAL would round or refuse: the exact
        // decimal text goes into a text column instead. A key column must stay indexable.
        if (isKey)
            return u"DECIMAL(65,30)"_s; // lossReason says what it cannot hold
        break;
    case ValueClass::Date: return u"DATE"_s;
    case ValueClass::Time: return u"TIME(6)"_s;
    // DATETIME, not TIMESTAMP: TIMESTAMP ends in 2038. Sessions are UTC, so a DATETIME holds the
    // UTC instant of a zoned source value.
    case ValueClass::Timestamp:
    case ValueClass::TimestampTz: return u"DATETIME(6)"_s;
    case ValueClass::Blob:
        return isKey ? u"VARBINARY(%1)"_s.arg(std::min(kMaxKeyBytes, variableKeyBytes))
                     : u"LONGBLOB"_s;
    // JSON stays LONGTEXT, not MariaDB's JSON: the text is kept exactly as the source has it.
    case ValueClass::Text:
    case ValueClass::Json:
    case ValueClass::Unknown: break;
    }
    // Text, and decimals too wide for DECIMAL. An index cannot take a LONGTEXT; utf8mb4 needs 4 bytes a character.
    return (isKey ? u"VARCHAR(%1) "_s.arg(std::min(768, variableKeyBytes / 4)) : u"LONGTEXT "_s)
            + kTextColumn;
}

} // namespace

ValueClass MariaDbDialect::classify(const QString &dataType, const QString &columnType, bool isJson)
{
    const QString t = dataType.trimmed().toLower();
    const QString full = columnType.trimmed().toLower();
    if (isJson || t == u"json")
        return ValueClass::Json;
    if ((t == u"tinyint" && full == u"tinyint(1)") || t == u"bool" || t == u"boolean")
        return ValueClass::Boolean;
    static const QSet<QString> integers = {u"tinyint"_s, u"smallint"_s, u"mediumint"_s, u"int"_s,
                                           u"integer"_s, u"bigint"_s,   u"bit"_s,       u"year"_s};
    static const QSet<QString> texts = {u"char"_s,       u"varchar"_s,  u"tinytext"_s, u"text"_s,
                                        u"mediumtext"_s, u"longtext"_s, u"enum"_s,     u"set"_s};
    static const QSet<QString> blobs = {u"binary"_s, u"varbinary"_s,  u"tinyblob"_s,
                                        u"blob"_s,   u"mediumblob"_s, u"longblob"_s};
    if (integers.contains(t))
        return ValueClass::Integer;
    if (t == u"decimal" || t == u"numeric" || t == u"fixed" || t == u"dec")
        return ValueClass::Decimal;
    if (t == u"float" || t == u"double" || t == u"real" || t == u"double precision")
        return ValueClass::Real;
    if (texts.contains(t))
        return ValueClass::Text;
    if (blobs.contains(t))
        return ValueClass::Blob;
    if (t == u"date")
        return ValueClass::Date;
    if (t == u"time")
        return ValueClass::Time;
    if (t == u"datetime")
        return ValueClass::Timestamp;
    if (t == u"timestamp")
        return ValueClass::TimestampTz; // stored as a UTC instant
    return ValueClass::Unknown;
}

TableSchema MariaDbDialect::describeTable(DbConnection &conn, const QString &table) const
{
    TableSchema schema;
    schema.table = table;
    schema.sourceKind = DriverKind::MariaDb;
    // MariaDB names are utf8mb3: a name with a character outside the BMP names no table, and
    // comparing it with the catalog's utf8mb3 columns would be an error.
    for (QChar ch : table)
        if (ch.isSurrogate())
            return schema;

    // The catalog may compare names without regard to case; only the exact name counts, since
    // `Orders` and `orders` are two tables on most servers.
    QSqlQuery q = conn.exec(
            u"SELECT TABLE_NAME, COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, IS_NULLABLE, "
            "NUMERIC_PRECISION, NUMERIC_SCALE, DATETIME_PRECISION, COLLATION_NAME "
            "FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? "
            "ORDER BY ORDINAL_POSITION"_s,
            {table});
    struct Row
    {
        ColumnInfo info;
        QString dataType;
        int numericPrecision, numericScale, datetimePrecision;
    };
    QList<Row> rows;
    bool maybeJson = false;
    while (q.next()) {
        if (text(q.value(0)) != table)
            continue;
        Row r;
        r.info.name = text(q.value(1));
        r.dataType = text(q.value(2)).toLower();
        r.info.declaredType = text(q.value(3));
        r.info.nullable = text(q.value(4)) == u"YES";
        r.numericPrecision = q.value(5).isNull() ? -1 : q.value(5).toInt();
        r.numericScale = q.value(6).isNull() ? 0 : q.value(6).toInt();
        r.datetimePrecision = q.value(7).isNull() ? -1 : q.value(7).toInt();
        // The JSON alias is a LONGTEXT in utf8mb4_bin with a json_valid() check.
        maybeJson = maybeJson || (r.dataType == u"longtext" && text(q.value(8)) == u"utf8mb4_bin");
        rows << r;
    }
    if (q.lastError().isValid())
        throw conn.failure(conn.describe() + u" (describing '"_s + table + u"')"_s,
                               q.lastError());
    if (rows.isEmpty())
        return schema;

    QSet<QString> checks;
    if (maybeJson) {
        try {
            QSqlQuery c = conn.exec(u"SELECT TABLE_NAME, CHECK_CLAUSE FROM "
                                    "information_schema.CHECK_CONSTRAINTS WHERE "
                                    "CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME = ?"_s,
                                    {table});
            while (c.next())
                if (text(c.value(0)) == table)
                    checks.insert(text(c.value(1)));
        } catch (const DbError &e) {
            if (e.isTransient())
                throw;
            // MySQL's catalog has no TABLE_NAME there; it has a real JSON type instead.
        }
    }

    for (Row &r : rows) {
        ColumnInfo &c = r.info;
        c.valueClass = classify(r.dataType, c.declaredType,
                                checks.contains(u"json_valid("_s + quote(c.name) + u')'));
        if (c.valueClass == ValueClass::Decimal) {
            c.precision = r.numericPrecision;
            c.scale = r.numericScale;
        } else if (c.valueClass == ValueClass::Timestamp || c.valueClass == ValueClass::TimestampTz
                   || c.valueClass == ValueClass::Time) {
            c.precision = r.datetimePrecision;
        }
        schema.columns << c;
    }

    QSqlQuery pk = conn.exec(
            u"SELECT TABLE_NAME, COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE "
            "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND CONSTRAINT_NAME = 'PRIMARY' "
            "ORDER BY ORDINAL_POSITION"_s,
            {table});
    while (pk.next())
        if (text(pk.value(0)) == table)
            schema.primaryKey << text(pk.value(1));
    if (pk.lastError().isValid())
        throw conn.failure(conn.describe() + u" (primary key of '"_s + table + u"')"_s,
                               pk.lastError());
    return schema;
}

QString MariaDbDialect::createMirrorTable(const QString &table, const TableSchema &source,
                                          const QStringList &columns, const QStringList &key) const
{
    const bool sameEngine = source.sourceKind == DriverKind::MariaDb;
    // Text and binary key columns share what the index has left after the fixed-size ones.
    int fixedBytes = 0;
    int variableKeys = 0;
    for (const QString &k : key) {
        const ColumnInfo *c = source.column(k);
        Q_ASSERT(c);
        if (isTextLike(c->valueClass) || c->valueClass == ValueClass::Blob)
            ++variableKeys;
        else
            fixedBytes += fixedKeyBytes(*c);
    }
    const int variableKeyBytes =
            std::max(4, (kMaxKeyBytes - fixedBytes) / std::max(1, variableKeys));

    QStringList defs;
    for (const QString &name : columns) {
        const ColumnInfo *c = source.column(name);
        Q_ASSERT(c);
        const bool isKey = key.contains(name);
        QString type;
        if (sameEngine) {
            // Same engine: the declared type means the same thing. Text columns take our
            // collation all the same, so keys the source keeps apart stay apart.
            type = c->declaredType;
            if (c->valueClass == ValueClass::Text || c->valueClass == ValueClass::Json)
                type += u' ' + kTextColumn;
        } else {
            type = mariaTypeFor(*c, isKey, variableKeyBytes);
        }
        // NULL spelled out: a TIMESTAMP column without it may be NOT NULL with a default.
        defs << quote(name) + u' ' + type + (!c->nullable || isKey ? u" NOT NULL"_s : u" NULL"_s);
    }
    defs << u"PRIMARY KEY ("_s + columnList(key) + u')';
    return u"CREATE TABLE "_s + quote(table) + u" (\n  "_s + defs.join(u",\n  "_s) + u"\n) "_s
            + kTableOptions;
}

QString MariaDbDialect::lossReason(const ColumnInfo &source, const ColumnInfo &mirror) const
{
    const ValueClass s = source.valueClass;
    const ValueClass m = mirror.valueClass;
    const QString mBase = baseType(mirror.declaredType);
    const QString sBase = baseType(source.declaredType);
    auto reason = [&](const QString &why) {
        return u"mirror column '%1' is %2; source column '%3' (%4) %5"_s.arg(
                mirror.name, mirror.declaredType, source.name, source.declaredType, why);
    };
    auto isTime = [](ValueClass c) {
        return c == ValueClass::Timestamp || c == ValueClass::TimestampTz || c == ValueClass::Time;
    };

    if (isTime(s) && isTime(m) && source.precision > 0 && mirror.precision >= 0
        && source.precision > mirror.precision)
        return reason(u"has %1 fractional second digits, and MariaDB cuts the ones beyond %2 "
                      "without an error"_s.arg(source.precision)
                              .arg(mirror.precision));
    if ((s == ValueClass::Timestamp || s == ValueClass::TimestampTz) && m == ValueClass::Date)
        return reason(u"has a time of day, which a DATE column drops"_s);
    if (mBase == u"timestamp"
        && (s == ValueClass::Timestamp || s == ValueClass::TimestampTz || s == ValueClass::Date)
        && !(s == ValueClass::TimestampTz && sBase == u"timestamp"
             && !source.declaredType.contains(u"zone", Qt::CaseInsensitive)))
        return reason(u"can hold dates outside 1970-01-01 00:00:01 to 2038-01-19 03:14:07 UTC, "
                      "all that a TIMESTAMP column holds"_s);

    if (m == ValueClass::Decimal) {
        const int mWhole = mirror.precision - mirror.scale;
        if (s == ValueClass::Decimal) {
            if (source.precision <= 0)
                return reason(u"has no declared precision, so it may hold more digits than "
                              "DECIMAL(%1,%2) keeps (MariaDB's DECIMAL has at most 65 digits, "
                              "30 after the point); use a LONGTEXT mirror column to keep every "
                              "value"_s.arg(mirror.precision)
                                      .arg(mirror.scale));
            if (source.scale > mirror.scale || source.precision - source.scale > mWhole)
                return reason(u"can hold values DECIMAL(%1,%2) cannot: they would be rounded "
                              "or rejected"_s.arg(mirror.precision)
                                      .arg(mirror.scale));
        } else if (s == ValueClass::Integer) {
            if (decimalDigits(integerRange(source)) > mWhole)
                return reason(u"can hold integers with more digits than the mirror keeps"_s);
        } else if (s == ValueClass::Real) {
            return reason(u"is binary floating point; its values cannot all be stored exactly "
                          "in a decimal column"_s);
        }
        return {};
    }
    if (m == ValueClass::Integer || m == ValueClass::Boolean) {
        if (s == ValueClass::Integer && !rangeContains(integerRange(mirror), integerRange(source)))
            return reason(u"can hold integers outside the mirror column's range"_s);
        if (s == ValueClass::Decimal && (source.precision <= 0 || source.scale > 0))
            return reason(u"can hold fractions, which an integer column would round"_s);
        if (s == ValueClass::Decimal && source.precision > decimalDigits(integerRange(mirror)) - 1)
            return reason(u"can hold integers outside the mirror column's range"_s);
        return Dialect::lossReason(source, mirror);
    }
    if (m == ValueClass::Real && s == ValueClass::Real && mBase == u"float" && sBase != u"float"
        && sBase != u"float4")
        return reason(u"is double precision; FLOAT keeps about 7 significant digits"_s);
    if (m == ValueClass::Text || m == ValueClass::Json) {
        const qint64 mLength = typeLength(mirror.declaredType);
        const qint64 sLength = (sBase == u"char" || sBase == u"varchar" || sBase == u"character")
                ? typeLength(source.declaredType)
                : -1;
        if ((mBase == u"char" || mBase == u"varchar") && sLength > mLength)
            return reason(
                    u"holds texts up to %1 characters; the mirror keeps %2"_s.arg(sLength).arg(
                            mLength));
        if (mBase == u"char" && sBase != u"char")
            return reason(u"may hold texts that end in spaces, which a CHAR column removes"_s);
    }
    if (m == ValueClass::Blob && mBase == u"binary"
        && !(sBase == u"binary"
             && typeLength(source.declaredType) == typeLength(mirror.declaredType)))
        return reason(u"may hold shorter values, which BINARY pads with zero bytes"_s);
    // Not reported: a Real source that may hold NaN or Infinity (MariaDB rejects them when
    // written, naming the value) or -0 (stored as 0); text or blob keys longer than the
    // mirror's VARCHAR/VARBINARY (rejected when written); source timestamps outside MariaDB's
    // DATETIME range (rejected when written). None can be known from the types alone without
    // refusing every such mapping, and none is ever written changed.
    return Dialect::lossReason(source, mirror);
}

QString MariaDbDialect::createStateTable(const QString &table) const
{
    return u"CREATE TABLE IF NOT EXISTS "_s + quote(table)
            + u" (mapping VARCHAR(255) NOT NULL PRIMARY KEY, cursor_value LONGTEXT NULL,"
              " key_value LONGTEXT NULL, checkpoint_at VARCHAR(64) NULL,"
              " last_kind VARCHAR(32) NULL, last_started_at VARCHAR(64) NULL,"
              " last_finished_at VARCHAR(64) NULL, last_rows_written BIGINT NULL,"
              " last_rows_deleted BIGINT NULL, last_result VARCHAR(32) NULL,"
              " last_error LONGTEXT NULL, last_note LONGTEXT NULL, orphans BIGINT NULL,"
              " orphans_at VARCHAR(64) NULL) "_s
            + kTableOptions;
}

} // namespace tidemark
