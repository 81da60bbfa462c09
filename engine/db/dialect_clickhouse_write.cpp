// Writes into ClickHouse: rows and tombstones as RowBinary inserts with versions, and the
// state table's rows per field.
//
// RowBinary, not TSV: 18.16 reads floating-point text approximately (about one random double
// in four came back different in its last bit, and 5e-324 as 0), while its text output is
// exact. Binary doubles, and decimals as their scaled integers, arrive exactly.
#include "db/dialect_clickhouse.h"

#include "db/clickhousedriver.h"
#include "db/dbconnection.h"
#include "db/dberror.h"
#include "db/tablecodec.h"

#include <QDate>
#include <QHash>
#include <QSqlQuery>
#include <QtEndian>

#include <chrono>

using namespace Qt::StringLiterals;

namespace tidemark {

namespace {

__extension__ typedef __int128 Int128;
__extension__ typedef unsigned __int128 UInt128;

const QString kVersion = u"_tidemark_version"_s;
const QString kDeleted = u"_tidemark_deleted"_s;
// Rows per insert are bounded by the callers' batches; bytes per request by this.
constexpr qsizetype kMaxBodyBytes = 32 * 1024 * 1024;

// What a connection keeps for this dialect (DbConnection::nativeState).
struct Session
{
    QHash<QString, quint64> lastVersion;   // per table: the last version this session wrote
};

Session &session(DbConnection &conn)
{
    std::shared_ptr<void> &state = conn.nativeState();
    if (!state)
        state = std::make_shared<Session>();
    return *static_cast<Session *>(state.get());
}

template<typename T>
void appendLittleEndian(QByteArray &out, T value)
{
    char bytes[sizeof(T)];
    qToLittleEndian(value, bytes);
    out.append(bytes, sizeof(T));
}

void appendVarUInt(QByteArray &out, quint64 v)
{
    while (v >= 0x80) {
        out.append(char((v & 0x7f) | 0x80));
        v >>= 7;
    }
    out.append(char(v));
}

// "-123.45" into a Decimal(P, S)'s scaled integer; nullopt when it does not fit exactly.
std::optional<Int128> scaledDecimal(const QString &text, int precision, int scale)
{
    QStringView t(text);
    bool negative = false;
    if (t.startsWith(u'-') || t.startsWith(u'+')) {
        negative = t.front() == u'-';
        t = t.mid(1);
    }
    const qsizetype dot = t.indexOf(u'.');
    QStringView whole = dot < 0 ? t : t.left(dot);
    QStringView fraction = dot < 0 ? QStringView() : t.mid(dot + 1);
    while (fraction.endsWith(u'0') && fraction.size() > scale)
        fraction.chop(1);
    if (fraction.size() > scale || (whole.isEmpty() && fraction.isEmpty()))
        return std::nullopt;
    UInt128 value = 0;
    int digits = 0;
    auto add = [&](QChar c) {
        if (!c.isDigit())
            return false;
        value = value * 10 + UInt128(c.unicode() - u'0');
        if (value != 0)
            ++digits;
        return digits <= precision;
    };
    for (QChar c : whole)
        if (!add(c))
            return std::nullopt;
    for (qsizetype i = 0; i < scale; ++i)
        if (!add(i < fraction.size() ? fraction.at(i) : QChar(u'0')))
            return std::nullopt;
    return negative ? -Int128(value) : Int128(value);
}

[[noreturn]] void refuse(const QString &column, const QString &type, const QVariant &value,
                         const QString &why)
{
    throw DbError(DbError::Kind::Permanent,
                  u"column '%1' (%2): cannot store %3: %4"_s.arg(column, type,
                                                                 value.toString().left(100), why));
}

// Appends `value` (a driver value: fromCanonical()'s result) as RowBinary for `type`.
void encode(QByteArray &out, const QString &column, QStringView type, const QVariant &value)
{
    const bool null = !value.isValid() || value.isNull();
    if (type.startsWith(u"Nullable(")) {
        out.append(char(null ? 1 : 0));
        if (null)
            return;
        type = type.mid(9, type.size() - 10);
    } else if (null) {
        refuse(column, type.toString(), value, u"NULL in a column that is not Nullable"_s);
    }
    if (type == u"Int64")
        appendLittleEndian<qint64>(out, value.toLongLong());
    else if (type == u"UInt64")
        appendLittleEndian<quint64>(out, value.toULongLong());
    else if (type == u"Int32")
        appendLittleEndian<qint32>(out, qint32(value.toLongLong()));
    else if (type == u"UInt32")
        appendLittleEndian<quint32>(out, quint32(value.toULongLong()));
    else if (type == u"Int16")
        appendLittleEndian<qint16>(out, qint16(value.toLongLong()));
    else if (type == u"UInt16")
        appendLittleEndian<quint16>(out, quint16(value.toULongLong()));
    else if (type == u"Int8" || type == u"UInt8")
        out.append(char(value.toLongLong()));
    else if (type == u"Float64")
        appendLittleEndian<double>(out, value.toDouble());
    else if (type == u"Float32")
        appendLittleEndian<float>(out, value.toFloat());
    else if (type == u"String") {
        const QByteArray bytes = value.metaType().id() == QMetaType::QByteArray
                ? value.toByteArray()
                : value.toString().toUtf8();
        appendVarUInt(out, quint64(bytes.size()));
        out.append(bytes);
    } else if (type == u"Date") {
        const QDate d = QDate::fromString(value.toString(), Qt::ISODate);
        const qint64 days = QDate(1970, 1, 1).daysTo(d);
        if (!d.isValid() || days < 0 || days > 65535)
            refuse(column, type.toString(), value, u"not a date from 1970 to 2149"_s);
        appendLittleEndian<quint16>(out, quint16(days));
    } else if (type.startsWith(u"Decimal(")) {
        const QStringList ps = type.mid(8, type.size() - 9).toString().split(u',');
        const int precision = ps.value(0).trimmed().toInt();
        const int scale = ps.value(1).trimmed().toInt();
        const std::optional<Int128> v = scaledDecimal(value.toString(), precision, scale);
        if (!v)
            refuse(column, type.toString(), value,
                   u"not a decimal of at most %1 digits with %2 after the point"_s.arg(precision)
                           .arg(scale));
        if (precision <= 9) {
            appendLittleEndian<qint32>(out, qint32(*v));
        } else if (precision <= 18) {
            appendLittleEndian<qint64>(out, qint64(*v));
        } else {
            appendLittleEndian<quint64>(out, quint64(UInt128(*v)));
            appendLittleEndian<quint64>(out, quint64(UInt128(*v) >> 64));
        }
    } else {
        refuse(column, type.toString(), value, u"Tidemark writes no values of this type"_s);
    }
}

// Runs an INSERT ... FORMAT RowBinary with `body` on the connection's driver.
void insertRowBinary(DbConnection &conn, const QString &sql, const QByteArray &body)
{
    auto *driver = qobject_cast<ClickHouseDriver *>(conn.database().driver());
    if (!driver)
        throw DbError(DbError::Kind::Permanent,
                      conn.describe() + u": not a ClickHouse connection"_s, sql);
    conn.aboutToRun(sql);
    const ClickHouseDriver::Reply reply = driver->post(sql.toUtf8(), body, false);
    conn.quiet();
    if (reply.error.isValid())
        throw conn.failure(conn.describe(), reply.error, sql);
}

QString insertHead(const Dialect &d, const QString &table, const QStringList &columns)
{
    return u"INSERT INTO "_s + d.quote(table) + u" ("_s + d.columnList(columns) + u", "_s
            + d.quote(kVersion) + u", "_s + d.quote(kDeleted) + u") FORMAT RowBinary"_s;
}

} // namespace

quint64 ClickHouseDialect::nextVersions(DbConnection &conn, const QString &table, qint64 count)
{
    Session &s = session(conn);
    auto it = s.lastVersion.find(table);
    if (it == s.lastVersion.end()) {
        const ClickHouseDialect d;
        const quint64 newest =
                conn.scalar(u"SELECT max("_s + d.quote(kVersion) + u") FROM "_s + d.quote(table))
                        .toULongLong();
        it = s.lastVersion.insert(table, newest);
    }
    const quint64 now = quint64(std::chrono::duration_cast<std::chrono::microseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
    const quint64 first = std::max(now, *it + 1);
    *it = first + quint64(std::max<qint64>(1, count)) - 1;
    return first;
}

bool ClickHouseDialect::bulkUpsert(DbConnection &conn, const TableCodec &codec,
                                   const QString &table, const QStringList &,
                                   const QList<QVariantList> &rows, bool) const
{
    const QStringList &columns = codec.columns();
    for (qsizetype c = 0; c < columns.size(); ++c)
        if (codec.column(c).declaredType.isEmpty())
            throw DbError(DbError::Kind::Permanent,
                          u"mirror table '%1' has no column '%2'"_s.arg(table, columns.at(c)));
    const QString sql = insertHead(*this, table, columns);
    qsizetype start = 0;
    while (start < rows.size()) {
        QList<QByteArray> encoded;
        qsizetype bytes = 0;
        while (start + encoded.size() < rows.size() && (encoded.isEmpty() || bytes < kMaxBodyBytes)) {
            const QVariantList &row = rows.at(start + encoded.size());
            QByteArray out;
            for (qsizetype c = 0; c < columns.size(); ++c)
                encode(out, columns.at(c), codec.column(c).declaredType,
                       codec.toDriver(c, row.at(c)));
            bytes += out.size() + 9;
            encoded << std::move(out);
        }
        // One version per row, in row order: a later row of the same key (never within one
        // page, but cheap to get right) replaces an earlier one.
        const quint64 version = nextVersions(conn, table, encoded.size());
        QByteArray body;
        body.reserve(bytes);
        for (qsizetype r = 0; r < encoded.size(); ++r) {
            body.append(encoded.at(r));
            appendLittleEndian<quint64>(body, version + quint64(r));
            body.append(char(0));
        }
        insertRowBinary(conn, sql, body);
        start += encoded.size();
    }
    return true;
}

qint64 ClickHouseDialect::deleteKeys(DbConnection &conn, const QString &table,
                                     const TableSchema &schema, const QStringList &keyColumns,
                                     const QList<QVariantList> &keys) const
{
    if (keys.isEmpty())
        return 0;
    // The caller's schema may not describe the table (the drift table's pruning): ask.
    const TableSchema described = schema.exists() ? schema : describeTable(conn, table);
    const TableCodec codec(*this, described, keyColumns);
    QStringList types;
    for (qsizetype c = 0; c < keyColumns.size(); ++c) {
        types << codec.column(c).declaredType;
        if (types.last().isEmpty())
            throw DbError(DbError::Kind::Permanent,
                          u"table '%1' has no column '%2'"_s.arg(table, keyColumns.at(c)));
    }
    const QString sql = insertHead(*this, table, keyColumns);
    constexpr qsizetype kChunk = 1000;
    qint64 deleted = 0;
    for (qsizetype start = 0; start < keys.size(); start += kChunk) {
        const qsizetype n = std::min(kChunk, keys.size() - start);
        QVariantList binds;
        QList<QVariantList> driverKeys;
        for (qsizetype i = start; i < start + n; ++i) {
            driverKeys << codec.toDriver(keyColumns, keys.at(i));
            binds << driverKeys.last();
        }
        // Counted first: a tombstone for a key the table does not hold changes nothing, and
        // the sweep reports what went.
        deleted += conn.scalar(u"SELECT count() FROM "_s + readSource(table) + u" WHERE "_s
                                       + keyIn(keyColumns, int(n)),
                               binds)
                           .toLongLong();
        const quint64 version = nextVersions(conn, table, n);
        QByteArray body;
        for (qsizetype i = 0; i < n; ++i) {
            for (qsizetype c = 0; c < keyColumns.size(); ++c)
                encode(body, keyColumns.at(c), types.at(c), driverKeys.at(i).at(c));
            appendLittleEndian<quint64>(body, version + quint64(i));
            body.append(char(1));
        }
        insertRowBinary(conn, sql, body);
    }
    return deleted;
}

qint64 ClickHouseDialect::deleteAllRows(DbConnection &conn, const QString &table,
                                        const QStringList &keyColumns) const
{
    const qint64 live = conn.scalar(u"SELECT count() FROM "_s + readSource(table)).toLongLong();
    if (live == 0)
        return 0;
    // One version for every tombstone: versions order the rows of one key, and this one is
    // newer than every version written to the table before (nextVersions), so each live key's
    // tombstone replaces its row. Columns other than the key take their defaults, as
    // deleteKeys()'s tombstones do. Reading the keys into the client instead would hold every
    // key of a large mirror in memory at once.
    const quint64 version = nextVersions(conn, table, 1);
    const QString keys = columnList(keyColumns);
    conn.exec(u"INSERT INTO %1 (%2, %3, %4) SELECT %2, toUInt64(%5), toUInt8(1) FROM %6"_s.arg(
            quote(table), keys, quote(kVersion), quote(kDeleted), QString::number(version),
            readSource(table)));
    return live;
}

void ClickHouseDialect::writeState(DbConnection &conn, const QString &table,
                                   const QStringList &columns, const QVariantList &values) const
{
    Q_ASSERT(columns.size() == values.size() && columns.size() > 1);
    const quint64 version = nextVersions(conn, table, 1);
    QByteArray body;
    const QByteArray key = values.first().toString().toUtf8();
    for (qsizetype c = 1; c < columns.size(); ++c) {
        const QVariant &v = values.at(c);
        const bool null = !v.isValid() || v.isNull();
        encode(body, u"mapping"_s, u"String", key);
        encode(body, u"field"_s, u"String", columns.at(c));
        encode(body, u"value"_s, u"String", null ? QString(u""_s) : v.toString());
        body.append(char(null ? 1 : 0));
        appendLittleEndian<quint64>(body, version);
        body.append(char(0));
    }
    insertRowBinary(conn, u"INSERT INTO "_s + quote(table) + u" (mapping, field, value, is_null, "_s
                            + quote(kVersion) + u", "_s + quote(kDeleted) + u") FORMAT RowBinary"_s,
                    body);
}

} // namespace tidemark
