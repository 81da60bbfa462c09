// How values travel between QMYSQL and the canonical forms of db/valuecodec.h: what is
// selected, what is made canonical, what is refused before it is bound or written as a
// literal, and the batches of bulk execution. dialect_mariadb.h says what the driver does to
// each type.

#include "db/dialect_mariadb.h"

#include "db/dbconnection.h"
#include "db/dberror.h"
#include "db/dialect_mariadb_internal.h"
#include "db/mariadbnative.h"
#include "db/tablecodec.h"
#include "db/valuecodec.h"

#include <QDateTime>
#include <QHash>
#include <QRegularExpression>
#include <QTimeZone>

#include <algorithm>
#include <future>
#include <cmath>
#include <limits>

using namespace Qt::StringLiterals;

namespace tidemark {

namespace mariadbdialect {

// Reads the timestamp texts sources produce: a 'T' or a space between date and time, and a
// zone suffix ('Z', "+02:00"), which is converted to UTC: a '+00:00' suffix is what strict mode
// rejects, and a row rejected for a date must never become a row silently dropped.
std::optional<Temporal> parseTimestamp(const QString &s)
{
    // The canonical form ("YYYY-MM-DD HH:MM:SS" with an optional fraction, no zone) without the
    // regular expression: most values take this path.
    if (s.size() >= 19 && s.size() <= 29) {
        const QChar *c = s.constData();
        auto digit = [c](qsizetype i) { return c[i] >= u'0' && c[i] <= u'9'; };
        bool plain = c[4] == u'-' && c[7] == u'-' && (c[10] == u' ' || c[10] == u'T')
                && c[13] == u':' && c[16] == u':';
        for (qsizetype i : {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18})
            plain = plain && digit(i);
        qsizetype end = 19;
        if (plain && s.size() > 19) {
            plain = c[19] == u'.' && s.size() > 20;
            for (qsizetype i = 20; plain && i < s.size(); ++i)
                plain = digit(i);
            end = s.size();
        }
        if (plain) {
            auto number = [c](qsizetype from, qsizetype count) {
                int n = 0;
                for (qsizetype i = from; i < from + count; ++i)
                    n = n * 10 + (c[i].unicode() - u'0');
                return n;
            };
            if (QDate(number(0, 4), number(5, 2), number(8, 2)).isValid()
                && QTime(number(11, 2), number(14, 2), number(17, 2)).isValid()) {
                Temporal t;
                t.date = s.left(10);
                t.time = s.mid(11, 8);
                if (end > 20)
                    t.fraction = s.mid(20, end - 20);
                while (t.fraction.endsWith(u'0'))
                    t.fraction.chop(1);
                return t;
            }
        }
    }
    static const QRegularExpression re(u"^\\s*(\\d{4})-(\\d{2})-(\\d{2})(?:[T "
                                       u"](\\d{2}):(\\d{2})(?::(\\d{2})(?:[.,](\\d+))?)?)?"
                                       "\\s*(Z|z|[+-]\\d{2}(?::?\\d{2})?)?\\s*$"_s);
    const QRegularExpressionMatch m = re.match(s);
    if (!m.hasMatch())
        return std::nullopt;
    QDate date(m.captured(1).toInt(), m.captured(2).toInt(), m.captured(3).toInt());
    QTime time(m.captured(4).toInt(), m.captured(5).toInt(), m.captured(6).toInt());
    if (!date.isValid() || !time.isValid())
        return std::nullopt; // the server names an impossible date better than we could
    Temporal t;
    t.fraction = m.captured(7);
    while (t.fraction.endsWith(u'0'))
        t.fraction.chop(1);
    const QString zone = m.captured(8);
    if (!zone.isEmpty() && zone.compare(u"z"_s, Qt::CaseInsensitive) != 0) {
        const int sign = zone.startsWith(u'-') ? -1 : 1;
        const QString digits = QString(zone.mid(1)).remove(u':');
        const int offset = sign * (digits.left(2).toInt() * 3600 + digits.mid(2).toInt() * 60);
        const QDateTime utc = QDateTime(date, time, QTimeZone(offset)).toUTC();
        date = utc.date();
        time = utc.time();
    }
    t.date = date.toString(u"yyyy-MM-dd"_s);
    if (!m.captured(4).isEmpty() || time != QTime(0, 0))
        t.time = time.toString(u"HH:mm:ss"_s);
    return t;
}

} // namespace mariadbdialect

using namespace mariadbdialect;

namespace {

bool fitsRange(const QVariant &v, IntRange r)
{
    if (v.metaType().id() == QMetaType::ULongLong
        && v.toULongLong() > quint64(std::numeric_limits<qint64>::max()))
        return r.isUnsigned && r.bits == 64;
    const qint64 n = v.toLongLong();
    if (r.isUnsigned)
        return n >= 0 && (r.bits >= 64 || n <= (qint64(1) << r.bits) - 1);
    if (r.bits >= 64)
        return true;
    const qint64 half = qint64(1) << (r.bits - 1);
    return n >= -half && n < half;
}

// Removes trailing fractional zeros and a bare '.' ("12:00:00.500000" -> "12:00:00.5").
QString trimFraction(QString s)
{
    const qsizetype dot = s.lastIndexOf(u'.');
    if (dot < 0)
        return s;
    while (s.endsWith(u'0'))
        s.chop(1);
    if (s.size() == dot + 1)
        s.chop(1);
    return s;
}

// valuecodec.h's Decimal form: plain notation, no trailing fractional zeros, "-0" as "0".
// Anything else ("NaN", an exponent) is returned as it is.
QString canonicalDecimal(const QString &value)
{
    static const QRegularExpression re(u"^\\s*([+-]?)(\\d*)(?:\\.(\\d*))?\\s*$"_s);
    const QRegularExpressionMatch m = re.match(value);
    if (!m.hasMatch() || (m.capturedLength(2) == 0 && m.capturedLength(3) == 0))
        return value;
    QString whole = m.captured(2);
    QString fraction = m.captured(3);
    while (whole.size() > 1 && whole.startsWith(u'0'))
        whole.remove(0, 1);
    if (whole.isEmpty())
        whole = u"0"_s;
    while (fraction.endsWith(u'0'))
        fraction.chop(1);
    const QString digits = fraction.isEmpty() ? whole : whole + u'.' + fraction;
    return m.captured(1) == u"-" && digits != u"0" ? u'-' + digits : digits;
}

QString shown(const QVariant &v)
{
    QString s = displayText(v);
    if (s.size() > 80)
        s = s.left(77) + u"..."_s;
    return u'\'' + s + u'\'';
}

[[noreturn]] void refuse(const ColumnInfo &c, const QVariant &v, const QString &why)
{
    throw DbError(DbError::Kind::Permanent,
                  u"column '%1' (%2): the value %3 %4; nothing was written"_s.arg(
                          c.name, c.declaredType, shown(v), why));
}

// --- binding ---------------------------------------------------------------------------------

QVariant bindInteger(const ColumnInfo &c, const QVariant &v)
{
    QVariant n;
    switch (v.metaType().id()) {
    case QMetaType::Bool: n = qlonglong(v.toBool() ? 1 : 0); break;
    case QMetaType::Double:
    case QMetaType::Float: {
        const double d = v.toDouble();
        if (!std::isfinite(d) || std::trunc(d) != d || std::fabs(d) >= 9.2e18)
            refuse(c, v, u"is not an integer MariaDB can store exactly"_s);
        n = qlonglong(d);
        break;
    }
    case QMetaType::QString:
    case QMetaType::QByteArray: {
        bool ok = false;
        const QString s = text(v).trimmed();
        if (const qlonglong i = s.toLongLong(&ok); ok)
            n = i;
        else if (const qulonglong u = s.toULongLong(&ok); ok)
            n = u;
        else
            return v; // not a number: strict mode rejects it with the value in the message
        break;
    }
    default: n = v;
    }
    // The range by declared type, worked out once per type and thread: this runs for every
    // integer written.
    thread_local QHash<QString, IntRange> ranges[2];
    QHash<QString, IntRange> &cache = ranges[c.valueClass == ValueClass::Boolean ? 1 : 0];
    auto it = cache.constFind(c.declaredType);
    if (it == cache.constEnd())
        it = cache.insert(c.declaredType, integerRange(c));
    if (!fitsRange(n, *it))
        refuse(c, v, u"is out of the column's range"_s);
    return n;
}

QVariant bindDecimal(const ColumnInfo &c, const QVariant &v)
{
    const int type = v.metaType().id();
    if (type == QMetaType::Double || type == QMetaType::Float) {
        if (!std::isfinite(v.toDouble()))
            refuse(c, v, u"cannot be stored: MariaDB has no NaN or Infinity"_s);
        return v;
    }
    if (type != QMetaType::QString)
        return v; // integers: the server checks the range and has no fraction to round
    // Most values arrive in the canonical form already ("-123.45": no leading or trailing
    // zeros): counted by hand, without the regular expressions below, which were a large part
    // of a backfill's client time.
    {
        const QString in = v.toString();
        const qsizetype n = in.size();
        qsizetype i = n > 0 && in.at(0) == u'-' ? 1 : 0;
        const qsizetype wholeStart = i;
        while (i < n && in.at(i).isDigit() && in.at(i).unicode() < 128)
            ++i;
        const qsizetype wholeDigits = i - wholeStart;
        qsizetype fractionDigits = -1;
        if (i < n && in.at(i) == u'.') {
            const qsizetype start = ++i;
            while (i < n && in.at(i).isDigit() && in.at(i).unicode() < 128)
                ++i;
            fractionDigits = i - start;
        }
        const bool canonical = i == n && wholeDigits > 0 && fractionDigits != 0
                && (wholeDigits == 1 || in.at(wholeStart) != u'0')
                && (fractionDigits < 0 || in.at(n - 1) != u'0')
                && !(wholeStart == 1 && wholeDigits == 1 && in.at(1) == u'0' && fractionDigits < 0);
        if (canonical) {
            if (c.precision > 0) {
                const qsizetype whole = wholeDigits == 1 && in.at(wholeStart) == u'0' ? 0
                                                                                    : wholeDigits;
                const qsizetype places = std::max<qsizetype>(0, fractionDigits);
                if (places > c.scale)
                    refuse(c, v,
                           u"has %1 decimal places; MariaDB would round it to %2 without an "
                           "error"_s.arg(places)
                                   .arg(c.scale));
                if (whole > c.precision - c.scale)
                    refuse(c, v, u"is out of the column's range"_s);
            }
            return in;
        }
    }
    const QString s = canonicalDecimal(v.toString());
    static const QRegularExpression re(u"^-?(\\d+)(?:\\.(\\d+))?$"_s);
    const QRegularExpressionMatch m = re.match(s);
    if (!m.hasMatch()) {
        if (s.contains(u"nan", Qt::CaseInsensitive) || s.contains(u"inf", Qt::CaseInsensitive))
            refuse(c, v, u"cannot be stored: MariaDB has no NaN or Infinity"_s);
        return v; // e.g. an exponent: the server converts it or rejects it by name
    }
    if (c.precision > 0) {
        const qsizetype whole = m.captured(1) == u"0" ? 0 : m.capturedLength(1);
        if (m.capturedLength(2) > c.scale)
            refuse(c, v,
                   u"has %1 decimal places; MariaDB would round it to %2 without an error"_s
                           .arg(m.capturedLength(2))
                           .arg(c.scale));
        if (whole > c.precision - c.scale)
            refuse(c, v, u"is out of the column's range"_s);
    }
    return s;
}

// Lengths the server would reject ("Data too long") or, for CHAR and BINARY, change silently.
// The base type and length of a declared type, worked out once per type and thread: this runs
// for every text value written.
std::pair<QString, qint64> baseAndLength(const QString &declared)
{
    thread_local QHash<QString, std::pair<QString, qint64>> cache;
    auto it = cache.constFind(declared);
    if (it == cache.constEnd())
        it = cache.insert(declared, {baseType(declared), typeLength(declared)});
    return *it;
}

void checkLength(const ColumnInfo &c, const QVariant &v)
{
    const auto [base, declaredLength] = baseAndLength(c.declaredType);
    const bool bytes = v.metaType().id() == QMetaType::QByteArray;
    if (base == u"char" || base == u"varchar") {
        const qint64 limit = declaredLength;
        const QString s = text(v);
        qint64 chars = s.size();
        for (QChar ch : s)
            if (ch.isLowSurrogate())
                --chars;
        if (limit >= 0 && chars > limit)
            refuse(c, v, u"is %1 characters long; the column holds %2"_s.arg(chars).arg(limit));
        if (base == u"char" && s.endsWith(u' '))
            refuse(c, v, u"ends in spaces, which a CHAR column removes"_s);
        return;
    }
    qint64 limit = -1;
    if (base == u"tinytext" || base == u"tinyblob")
        limit = 255;
    else if (base == u"text" || base == u"blob")
        limit = 65535;
    else if (base == u"mediumtext" || base == u"mediumblob")
        limit = 16777215;
    else if (base == u"binary" || base == u"varbinary")
        limit = declaredLength;
    if (limit < 0)
        return;
    const qint64 size = bytes ? v.toByteArray().size() : text(v).toUtf8().size();
    if (size > limit)
        refuse(c, v, u"is %1 bytes long; the column holds %2"_s.arg(size).arg(limit));
    if (base == u"binary" && size < limit)
        refuse(c, v,
               u"is %1 bytes long; BINARY(%2) would pad it with zero bytes"_s.arg(size).arg(limit));
}

QVariant bindTemporal(const ColumnInfo &c, const QVariant &v)
{
    QString s;
    switch (v.metaType().id()) {
    case QMetaType::QDateTime:
        s = v.toDateTime().toUTC().toString(u"yyyy-MM-dd HH:mm:ss.zzz"_s);
        break;
    case QMetaType::QDate: s = v.toDate().toString(u"yyyy-MM-dd"_s); break;
    case QMetaType::QTime: s = v.toTime().toString(u"HH:mm:ss.zzz"_s); break;
    case QMetaType::QString:
    case QMetaType::QByteArray: s = text(v); break;
    default: return v;
    }
    auto checkFraction = [&](const QString &fraction) {
        if (c.precision >= 0 && fraction.size() > c.precision)
            refuse(c, v,
                   u"has %1 fractional second digits; MariaDB would cut it to %2 without "
                   "an error"_s.arg(fraction.size())
                           .arg(c.precision));
    };
    if (c.valueClass == ValueClass::Time) {
        static const QRegularExpression re(
                u"^\\s*-?\\d{1,3}:\\d{2}(?::\\d{2}(?:\\.(\\d+))?)?\\s*$"_s);
        if (const QRegularExpressionMatch m = re.match(s); m.hasMatch())
            checkFraction(trimFraction(u"0."_s + m.captured(1)).mid(2));
        return s;
    }
    const std::optional<Temporal> t = parseTimestamp(s);
    if (!t)
        return s; // not a form we know: strict mode rejects it, naming table, column and value
    if (c.valueClass == ValueClass::Date) {
        if (!t->time.isEmpty() && (t->time != u"00:00:00" || !t->fraction.isEmpty()))
            refuse(c, v, u"has a time of day, which a DATE column drops without an error"_s);
        return t->date;
    }
    checkFraction(t->fraction);
    QString out = t->date + u' ' + (t->time.isEmpty() ? u"00:00:00"_s : t->time);
    if (!t->fraction.isEmpty())
        out += u'.' + t->fraction;
    return out;
}

} // namespace

bool MariaDbDialect::bulkUpsert(DbConnection &conn, const TableCodec &codec, const QString &table,
                                const QStringList &keyColumns, const QList<QVariantList> &rows,
                                bool) const
{
    // Bulk execution (db/mariadbnative.h) where the client library and the server have it;
    // otherwise MirrorWriter writes literal statements. In chunks, each built on a thread of
    // its own while the one before runs on the server.
    if (rows.isEmpty() || !mariadbnative::available(conn))
        return false;
    constexpr qsizetype kChunkRows = 1000;
    const qsizetype n = rows.size();
    auto build = [&codec, &keyColumns, &rows](qsizetype from, qsizetype to) {
        QList<QVariantList> values;
        values.reserve(to - from);
        for (qsizetype r = from; r < to; ++r) {
            const QVariantList &row = rows.at(r);
            try {
                values << codec.toDriver(row);
            } catch (const DbError &e) {
                QStringList key;
                for (const QString &k : keyColumns)
                    key << displayText(row.value(codec.columns().indexOf(k)));
                throw DbError(e.kind(),
                              u"row with key (%1): %2"_s.arg(key.join(u", "_s), e.message()),
                              e.detail());
            }
        }
        return mariadbnative::makeBatch(values);
    };
    const QString sql = upsert(table, codec.columns(), keyColumns, 1, codec.placeholders());
    mariadbnative::BatchPtr batch = build(0, std::min(kChunkRows, n));
    if (!batch)
        return false;   // nothing written: the caller takes another path
    for (qsizetype from = 0; from < n;) {
        const qsizetype to = std::min(from + kChunkRows, n);
        std::future<mariadbnative::BatchPtr> next;
        if (to < n)
            next = std::async(std::launch::async, build, to, std::min(to + kChunkRows, n));
        if (batch) {
            mariadbnative::execute(conn, sql, *batch);
        } else {
            // Values bulk execution cannot bind as arrays (a column of mixed types), after
            // other chunks were written: this chunk through QtSql's binding, in statements
            // within the bind limit (a wide table's chunk would exceed it).
            const qsizetype width = std::max<qsizetype>(1, codec.columns().size());
            const qsizetype perStatement = std::max<qsizetype>(1, maxBindValues() / width);
            for (qsizetype start = from; start < to; start += perStatement) {
                const qsizetype stop = std::min(start + perStatement, to);
                QVariantList binds;
                for (qsizetype r = start; r < stop; ++r)
                    binds << codec.toDriver(rows.at(r));
                conn.execPrepared(upsert(table, codec.columns(), keyColumns, int(stop - start),
                                         codec.placeholders()),
                                  binds);
            }
        }
        if (to < n)
            batch = next.get();
        from = to;
    }
    return true;
}

bool MariaDbDialect::appendLiteral(QString &sql, const QVariant &v) const
{
    // The session's sql_mode (kSqlMode) leaves backslash escapes on and the connection's
    // character set is utf8mb4 (configureSession), so a string needs only its backslashes,
    // quotes and NULs escaped; every other character, control characters included, stands for
    // itself. Each literal reaches the column the way the bound value would: text and
    // decimal or temporal strings are converted by the column, and numbers are numbers.
    if (!v.isValid() || v.isNull()) {
        sql += u"NULL"_s;
        return true;
    }
    switch (v.metaType().id()) {
    case QMetaType::LongLong: sql += QString::number(v.toLongLong()); return true;
    case QMetaType::ULongLong: sql += QString::number(v.toULongLong()); return true;
    case QMetaType::Int: sql += QString::number(v.toInt()); return true;
    case QMetaType::UInt: sql += QString::number(v.toUInt()); return true;
    case QMetaType::Bool: sql += v.toBool() ? u'1' : u'0'; return true;
    case QMetaType::Double:
    case QMetaType::Float: {
        const double d = v.toDouble();
        if (!std::isfinite(d))
            return false;
        // Always with an exponent: an "approximate-value" literal, read straight into a double
        // by the server (correctly rounded, so the shortest round-trip text gives back the
        // same double). Without one, 0.1 would be an exact DECIMAL first.
        sql += QString::number(d, 'e', QLocale::FloatingPointShortest);
        return true;
    }
    case QMetaType::QString: {
        const QString s = v.toString();
        sql += u'\'';
        const QChar *p = s.constData();
        const QChar *end = p + s.size();
        const QChar *run = p;   // the start of characters not yet appended
        for (; p != end; ++p) {
            const char16_t c = p->unicode();
            if (c != u'\\' && c != u'\'' && c != 0)
                continue;
            sql.append(run, p - run);
            sql += c == 0 ? u"\\0"_s : c == u'\'' ? u"\\'"_s : u"\\\\"_s;
            run = p + 1;
        }
        sql.append(run, end - run);
        sql += u'\'';
        return true;
    }
    case QMetaType::QByteArray: {
        // Bytes as hexadecimal: the statement travels as UTF-8, which bytes are not.
        sql += u"X'"_s;
        sql += QLatin1StringView(v.toByteArray().toHex());
        sql += u'\'';
        return true;
    }
    default: return false;   // bound instead: the driver knows the type
    }
}

QString MariaDbDialect::selectExpression(const ColumnInfo &column) const
{
    const QString c = quote(column.name);
    switch (column.valueClass) {
    case ValueClass::Timestamp:
    case ValueClass::TimestampTz:
        // QMYSQL would give a QDateTime with milliseconds. The session is UTC, so a TIMESTAMP
        // comes out as its UTC instant.
        return u"DATE_FORMAT("_s + c + u", '%Y-%m-%d %H:%i:%s.%f')"_s;
    case ValueClass::Decimal: // QMYSQL would give a double
    case ValueClass::Date:
    case ValueClass::Time: return u"CAST("_s + c + u" AS CHAR)"_s;
    case ValueClass::Integer:
        if (baseType(column.declaredType) == u"bit") // QMYSQL gives an empty string
            return u"CAST("_s + c + u" AS UNSIGNED)"_s;
        return c;
    default: return c;
    }
}

QVariant MariaDbDialect::toCanonical(const ColumnInfo &column, const QVariant &driverValue) const
{
    const QVariant v = fromDriver(driverValue);
    if (!v.isValid() || v.isNull())
        return v;
    const int type = v.metaType().id();
    switch (column.valueClass) {
    case ValueClass::Integer:
        if (type == QMetaType::ULongLong
            && v.toULongLong() > quint64(std::numeric_limits<qint64>::max()))
            return v.toULongLong();
        return v.toLongLong();
    case ValueClass::Boolean: {
        // TINYINT(1) is a byte: a 2 stays 2 rather than turn into true (and then 1).
        const qlonglong n = v.toLongLong();
        return n == 0 || n == 1 ? QVariant(n == 1) : QVariant(n);
    }
    case ValueClass::Decimal: return canonicalDecimal(text(v));
    case ValueClass::Real: return v.toDouble();
    case ValueClass::Text:
    case ValueClass::Json: return text(v); // binary collations come back as QByteArray
    case ValueClass::Blob: return type == QMetaType::QByteArray ? v : QVariant(text(v).toUtf8());
    case ValueClass::Date:
        return type == QMetaType::QDate ? v.toDate().toString(u"yyyy-MM-dd"_s) : text(v);
    case ValueClass::Time:
    case ValueClass::Timestamp:
    case ValueClass::TimestampTz:
        if (type == QMetaType::QDateTime)
            return trimFraction(v.toDateTime().toUTC().toString(u"yyyy-MM-dd HH:mm:ss.zzz"_s));
        return trimFraction(text(v));
    case ValueClass::Unknown: break;
    }
    return v;
}

QVariant MariaDbDialect::fromCanonical(const ColumnInfo &column, const QVariant &canonical) const
{
    if (!canonical.isValid() || canonical.isNull())
        return canonical;
    const QVariant &v = canonical;
    switch (column.valueClass) {
    case ValueClass::Integer: return bindInteger(column, v);
    case ValueClass::Boolean:
        if (v.metaType().id() == QMetaType::QString) {
            const QString s = v.toString().trimmed().toLower();
            if (s == u"true" || s == u"t")
                return qlonglong(1);
            if (s == u"false" || s == u"f")
                return qlonglong(0);
        }
        return bindInteger(column, v);
    case ValueClass::Decimal: return bindDecimal(column, v);
    case ValueClass::Real: {
        const int type = v.metaType().id();
        const bool floating = type == QMetaType::Double || type == QMetaType::Float;
        const QString s = floating ? QString() : text(v).trimmed().toLower();
        if ((floating && !std::isfinite(v.toDouble())) || s.contains(u"nan") || s.contains(u"inf"))
            refuse(column, v, u"cannot be stored: MariaDB's DOUBLE has no NaN or Infinity"_s);
        return v; // -0 is stored as 0: MariaDB has no negative zero
    }
    case ValueClass::Text:
    case ValueClass::Json:
    case ValueClass::Blob: checkLength(column, v); return v;
    case ValueClass::Date:
    case ValueClass::Time:
    case ValueClass::Timestamp:
    case ValueClass::TimestampTz: return bindTemporal(column, v);
    case ValueClass::Unknown: break;
    }
    return v;
}

} // namespace tidemark
