// How values travel between QPSQL and the canonical forms of db/valuecodec.h: what is
// selected, what is made canonical, and what is bound. dialect_postgres.h says what the driver
// does to each type.

#include "db/dialect_postgres.h"

#include "db/valuecodec.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QLocale>
#include <QRegularExpression>

#include <cmath>
#include <limits>

using namespace Qt::StringLiterals;

namespace tidemark {

namespace {

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

} // namespace

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
