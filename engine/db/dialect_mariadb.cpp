#include "db/dialect_mariadb.h"

#include "db/dbconnection.h"
#include "db/dberror.h"
#include "db/identifier.h"
#include "db/mariadbclient.h"
#include "db/mariadbnative.h"
#include "db/tablecodec.h"
#include "db/valuecodec.h"
#include "log/logging.h"

#include <QDateTime>
#include <QHash>
#include <QRegularExpression>
#include <QSet>
#include <QSqlError>
#include <QSqlQuery>
#include <QTimeZone>

#include <algorithm>
#include <future>
#include <cmath>
#include <limits>

using namespace Qt::StringLiterals;

namespace tidemark {

namespace {

// Every text column of a mirror we create compares byte for byte and without trailing-space
// padding: the default case-insensitive collation would merge the keys 'a' and 'A', and the
// PAD SPACE collations (utf8mb4_bin included) would merge 'a' and 'a ', so an upsert of the
// second row would overwrite the first.
const QString kTextColumn = u"CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin"_s;
const QString kTableOptions = u"ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin"_s;
constexpr int kMaxKeyBytes = 3072; // InnoDB's limit for all columns of one index together

// The session's modes, set whole rather than added to: besides strictness this drops modes a
// server may default to that change values silently (EMPTY_STRING_IS_NULL, PAD_CHAR_TO_FULL_LENGTH)
// or the SQL we write (ANSI_QUOTES, ORACLE). NO_AUTO_VALUE_ON_ZERO keeps a key 0 a 0 in a mirror
// whose key is AUTO_INCREMENT.
const QString kSqlMode =
        u"STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ZERO_IN_DATE,"
        "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION,NO_AUTO_VALUE_ON_ZERO"_s;

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

struct IntRange
{
    bool isUnsigned = false;
    int bits = 64;
};

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

struct Temporal
{
    QString date;     // "YYYY-MM-DD"
    QString time;     // "HH:MM:SS", empty for a date alone
    QString fraction; // digits after the point, trailing zeros removed
};

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

QString MariaDbDialect::qtDriverName() const
{
    return u"QMYSQL"_s;
}

QString MariaDbDialect::quote(const QString &identifier) const
{
    return quoteIdentifierWith(identifier, u'`');
}

QString MariaDbDialect::connectOptions(const ConnectionConfig &config)
{
    // The read/write timeouts turn a dead peer into an error instead of a worker that hangs
    // forever. The driver's automatic reconnect would open a fresh session without our time
    // zone, sql_mode and timeouts and carry on as if nothing happened: timestamps would be read
    // in the server's zone and bad values stored with a warning. A lost connection must be an
    // error, retried through open() and configureSession(). So a project's MYSQL_OPT_RECONNECT
    // is dropped: QMYSQL in Qt 6.4 keeps reconnect on once any option turned it on, whatever
    // a later "=0" says.
    // The read timeout is the statement watchdog of this driver: a server that stops answering
    // (SIGSTOP, a dropped network) ends the read after it. A little beyond the server's own
    // max_statement_time, which ends slow statements first with a clearer error.
    const int ioTimeoutS = config.statementTimeoutS + 5;
    QStringList options{u"MYSQL_OPT_CONNECT_TIMEOUT=%1"_s.arg(config.connectTimeoutS),
                        u"MYSQL_OPT_READ_TIMEOUT=%1"_s.arg(ioTimeoutS),
                        u"MYSQL_OPT_WRITE_TIMEOUT=%1"_s.arg(ioTimeoutS)};
    for (const QString &option : config.options.split(u';', Qt::SkipEmptyParts)) {
        if (option.section(u'=', 0, 0)
                    .trimmed()
                    .compare(u"MYSQL_OPT_RECONNECT"_s, Qt::CaseInsensitive)
            == 0) {
            logger("db.mariadb")
                    ->warn("ignoring the connect option '{}': automatic reconnects "
                           "would lose the session's UTC time zone and strict mode",
                           option.trimmed());
            continue;
        }
        options << option;
    }
    options << u"MYSQL_OPT_RECONNECT=0"_s;
    return options.join(u';');
}

QString MariaDbDialect::expandRowComparison(const QStringList &columns, bool lessOrEqual) const
{
    // MariaDB's optimiser does not use an index for a row comparison (a, b) > (?, ?): each page
    // would scan from the start of the table. Spelled out, it is a range on the key:
    //   (a > ?) OR (a = ? AND b > ?) OR (a = ? AND b = ? AND c > ?)
    QStringList terms;
    for (qsizetype i = 0; i < columns.size(); ++i) {
        QStringList parts;
        for (qsizetype j = 0; j < i; ++j)
            parts << quote(columns.at(j)) + u" = ?"_s;
        const bool last = i == columns.size() - 1;
        const QString op = lessOrEqual ? (last ? u" <= ?"_s : u" < ?"_s) : u" > ?"_s;
        parts << quote(columns.at(i)) + op;
        terms << u"("_s + parts.join(u" AND "_s) + u')';
    }
    return u"("_s + terms.join(u" OR "_s) + u')';
}

QString MariaDbDialect::rowGreaterThan(const QStringList &columns) const
{
    if (columns.size() == 1)
        return Dialect::rowGreaterThan(columns);
    return expandRowComparison(columns, false);
}

QString MariaDbDialect::rowLessOrEqual(const QStringList &columns) const
{
    if (columns.size() == 1)
        return Dialect::rowLessOrEqual(columns);
    return expandRowComparison(columns, true);
}

QVariantList MariaDbDialect::bindRowValues(const QVariantList &values) const
{
    // In the order expandRowComparison() writes its placeholders: v1, v1 v2, v1 v2 v3, ...
    QVariantList binds;
    for (qsizetype i = 0; i < values.size(); ++i)
        for (qsizetype j = 0; j <= i; ++j)
            binds << values.at(j);
    return binds;
}

QString MariaDbDialect::upsert(const QString &table, const QStringList &columns,
                               const QStringList &keyColumns, int rowCount,
                               const QStringList &placeholders) const
{
    const QString row = valuesRow(columns.size(), placeholders);
    QString rows;
    rows.reserve((row.size() + 2) * rowCount);
    for (int i = 0; i < rowCount; ++i) {
        if (i > 0)
            rows += u", "_s;
        rows += row;
    }
    return upsertValues(table, columns, keyColumns, rows);
}

QString MariaDbDialect::upsertValues(const QString &table, const QStringList &columns,
                                     const QStringList &keyColumns,
                                     const QString &valuesList) const
{
    QStringList sets;
    for (const QString &c : columns)
        if (!keyColumns.contains(c))
            sets << quote(c) + u" = VALUES("_s + quote(c) + u')';
    // A table of key columns only has nothing to update. Not INSERT IGNORE: IGNORE also turns
    // data errors (a value strict mode rejects) into warnings, and the row would be dropped.
    if (sets.isEmpty())
        sets << quote(keyColumns.first()) + u" = "_s + quote(keyColumns.first());
    return u"INSERT INTO "_s + quote(table) + u" ("_s + columnList(columns) + u") VALUES "_s
            + valuesList + u" ON DUPLICATE KEY UPDATE "_s + sets.join(u", "_s);
}

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

QString MariaDbDialect::cursorLowerBound(const ColumnInfo &cursor, const QVariant &checkpointCursor,
                                         qint64 amount) const
{
    const QString n = QString::number(amount);
    switch (cursor.valueClass) {
    case ValueClass::Timestamp:
    case ValueClass::TimestampTz:
        return u"(CAST(? AS DATETIME(6)) - INTERVAL "_s + n + u" SECOND)"_s;
    case ValueClass::Date: return u"(CAST(? AS DATE) - INTERVAL "_s + n + u" SECOND)"_s;
    case ValueClass::Time: return u"(CAST(? AS TIME(6)) - INTERVAL "_s + n + u" SECOND)"_s;
    case ValueClass::Decimal:
        // The value arrives as text; text minus a number would be computed as a double, which
        // can round the bound up past the checkpoint.
        if (cursor.precision > 0 && cursor.precision <= 65)
            return u"(CAST(? AS DECIMAL(%1,%2)) - %3)"_s.arg(cursor.precision)
                    .arg(cursor.scale)
                    .arg(n);
        return u"(CAST(? AS DECIMAL(65,30)) - "_s + n + u')';
    case ValueClass::Integer:
    case ValueClass::Boolean:
    case ValueClass::Real: return u"(? - "_s + n + u')';
    default: break;
    }
    // A text cursor. If the checkpoint reads as a timestamp, the bound is that instant minus
    // `amount` and one more second, as 'YYYY-MM-DD HH:MM:SS' text: every text of the same form
    // at or after (checkpoint - amount) sorts above it, and a 'T'-separated text of the same
    // day sorts above it too (a wider window, never a narrower one). Otherwise, or if the server
    // cannot read it, the bound is the empty binary string, below every text (an empty
    // non-binary string is not: with PAD SPACE it sorts above '\t...'): the re-read covers
    // everything up to the checkpoint, more than needed but never less.
    if (parseTimestamp(text(checkpointCursor)))
        return u"COALESCE(DATE_FORMAT(CAST(? AS DATETIME(6)) - INTERVAL "_s
                + QString::number(amount + 1) + u" SECOND, '%Y-%m-%d %H:%i:%s'), _binary'')"_s;
    return u"LEFT(CAST(? AS BINARY), 0)"_s;
}

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

int MariaDbDialect::socketDescriptor(DbConnection &conn) const
{
    // The client library's own read timeout ends a read from a server that stopped answering,
    // but only after statement_timeout_s plus its retries; the watchdog needs the socket to
    // end it on time and when the engine stops.
    return mariadbclient::socket(mariadbclient::handle(conn));
}

bool MariaDbDialect::startStatement(DbConnection &conn, const QByteArray &sql,
                                    QSqlError &error) const
{
    void *mysql = mariadbclient::handle(conn);
    if (!mysql || !mariadbclient::canSend())
        return false;
    error = mariadbclient::send(mysql, sql);
    return true;
}

QSqlError MariaDbDialect::finishStatement(DbConnection &conn) const
{
    void *mysql = mariadbclient::handle(conn);
    if (!mysql)
        return QSqlError(u"QMYSQL: Unable to execute query"_s, u"connection not open"_s,
                         QSqlError::ConnectionError);
    return mariadbclient::readResult(mysql);
}

void MariaDbDialect::configureSession(DbConnection &conn) const
{
    auto log = logger("db.mariadb");
    conn.exec(u"SET NAMES utf8mb4"_s);
    // UTC, so TIMESTAMP values and DATE_FORMAT() are instants without a zone. autocommit on: a
    // server that defaults it off would hold the first read's snapshot open, and every later
    // incremental pass would see the table as it was then.
    conn.exec(u"SET SESSION time_zone = '+00:00', SESSION sql_mode = '"_s + kSqlMode
              + u"', SESSION autocommit = 1, SESSION lock_wait_timeout = %1, "
                "SESSION innodb_lock_wait_timeout = %1"_s.arg(
                        std::min(30, conn.config().statementTimeoutS)));
    // A statement that runs past statement_timeout_s is stuck; it fails as a transient error and is
    // retried. MariaDB has max_statement_time (seconds, every statement); MySQL has
    // max_execution_time (milliseconds, SELECT only).
    auto optional = [&](const QString &sql) {
        try {
            conn.exec(sql);
            return true;
        } catch (const DbError &e) {
            if (e.isTransient())
                throw;
            return false;
        }
    };
    const int limitS = conn.config().statementTimeoutS;
    if (!optional(u"SET SESSION max_statement_time = %1"_s.arg(limitS))
        && !optional(u"SET SESSION max_execution_time = %1"_s.arg(qint64(limitS) * 1000)))
        log->warn("{}: the server has no statement time limit setting; a stuck statement is "
                  "only ended by the read timeout",
                  conn.describe());
    // Without it, the first TIMESTAMP NOT NULL column of a table we create would be given
    // DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP.
    if (!optional(u"SET SESSION explicit_defaults_for_timestamp = 1"_s))
        log->debug("{}: explicit_defaults_for_timestamp cannot be set", conn.describe());
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
