#include "db/valuecodec.h"

#include <QDate>
#include <QDateTime>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTime>

#include <cmath>

using namespace Qt::StringLiterals;

namespace tidemark {

namespace {

bool isSignedInteger(int type)
{
    switch (type) {
    case QMetaType::Int: case QMetaType::Long: case QMetaType::LongLong: case QMetaType::Short:
    case QMetaType::SChar: case QMetaType::Char:
        return true;
    default:
        return false;
    }
}

bool isUnsignedInteger(int type)
{
    switch (type) {
    case QMetaType::UInt: case QMetaType::ULong: case QMetaType::ULongLong:
    case QMetaType::UShort: case QMetaType::UChar:
        return true;
    default:
        return false;
    }
}

bool isInteger(int type) { return isSignedInteger(type) || isUnsignedInteger(type); }
bool isFloating(int type) { return type == QMetaType::Double || type == QMetaType::Float; }

QString doubleText(double d)
{
    if (std::isnan(d))
        return u"nan"_s;
    if (std::isinf(d))
        return d > 0 ? u"inf"_s : u"-inf"_s;
    // 17 significant digits round-trip every double; keep the sign of -0.
    QString s = QString::number(d, 'g', 17);
    if (d == 0 && std::signbit(d))
        s = u"-0"_s;
    return s;
}

double textDouble(const QString &s)
{
    if (s == u"nan")
        return std::nan("");
    if (s == u"inf")
        return INFINITY;
    if (s == u"-inf")
        return -INFINITY;
    return s.toDouble();
}

} // namespace

QJsonValue encodeTypedValue(const QVariant &value)
{
    QJsonObject o;
    const int type = value.metaType().id();
    if (!value.isValid() || value.isNull()) {
        o[u"t"_s] = u"null"_s;
        return o;
    }
    if (type == QMetaType::Bool) {
        o[u"t"_s] = u"bool"_s;
        o[u"v"_s] = value.toBool();
    } else if (isSignedInteger(type)) {
        o[u"t"_s] = u"int"_s;
        o[u"v"_s] = QString::number(value.toLongLong());
    } else if (isUnsignedInteger(type)) {
        o[u"t"_s] = u"uint"_s;
        o[u"v"_s] = QString::number(value.toULongLong());
    } else if (isFloating(type)) {
        o[u"t"_s] = u"real"_s;
        o[u"v"_s] = doubleText(value.toDouble());
    } else if (type == QMetaType::QByteArray) {
        o[u"t"_s] = u"bytes"_s;
        o[u"v"_s] = QString::fromLatin1(value.toByteArray().toBase64());
    } else if (type == QMetaType::QDateTime) {
        const QDateTime dt = value.toDateTime();
        o[u"t"_s] = u"datetime"_s;
        o[u"v"_s] = dt.toString(Qt::ISODateWithMs);
    } else if (type == QMetaType::QDate) {
        o[u"t"_s] = u"date"_s;
        o[u"v"_s] = value.toDate().toString(Qt::ISODate);
    } else if (type == QMetaType::QTime) {
        o[u"t"_s] = u"time"_s;
        o[u"v"_s] = value.toTime().toString(Qt::ISODateWithMs);
    } else {
        o[u"t"_s] = u"str"_s;
        o[u"v"_s] = value.toString();
    }
    return o;
}

QVariant decodeTypedValue(const QJsonValue &json)
{
    const QJsonObject o = json.toObject();
    const QString t = o.value(u"t"_s).toString();
    const QJsonValue v = o.value(u"v"_s);
    if (t == u"null")
        return QVariant(QMetaType::fromType<QString>());   // a typed NULL
    if (t == u"bool")
        return v.toBool();
    if (t == u"int") {
        bool ok = false;
        const qlonglong n = v.toString().toLongLong(&ok);
        return ok ? QVariant(n) : QVariant();
    }
    if (t == u"uint") {
        bool ok = false;
        const qulonglong n = v.toString().toULongLong(&ok);
        return ok ? QVariant(n) : QVariant();
    }
    if (t == u"real")
        return textDouble(v.toString());
    if (t == u"bytes")
        return QByteArray::fromBase64(v.toString().toLatin1());
    if (t == u"datetime")
        return QDateTime::fromString(v.toString(), Qt::ISODateWithMs);
    if (t == u"date")
        return QDate::fromString(v.toString(), Qt::ISODate);
    if (t == u"time")
        return QTime::fromString(v.toString(), Qt::ISODateWithMs);
    if (t == u"str")
        return v.toString();
    return {};
}

QJsonArray encodeTypedList(const QVariantList &values)
{
    QJsonArray a;
    for (const QVariant &v : values)
        a.append(encodeTypedValue(v));
    return a;
}

QVariantList decodeTypedList(const QJsonArray &json)
{
    QVariantList values;
    for (const QJsonValue &v : json)
        values.append(decodeTypedValue(v));
    return values;
}

QVariant fromDriver(const QVariant &value)
{
    if (value.isNull())
        return value;
    switch (value.metaType().id()) {
    case QMetaType::QByteArray:
        if (value.toByteArray().isNull())
            return QByteArray("", 0);   // empty, not null
        break;
    case QMetaType::QString:
        if (value.toString().isNull())
            return QString(u""_s);
        break;
    default:
        break;
    }
    return value;
}

QJsonValue displayJson(const QVariant &value)
{
    if (!value.isValid() || value.isNull())
        return QJsonValue::Null;
    const int type = value.metaType().id();
    if (type == QMetaType::Bool)
        return value.toBool();
    if (isInteger(type)) {
        // JSON numbers are doubles for most readers: beyond 2^53 a number would change.
        constexpr qlonglong exact = qlonglong(1) << 53;
        if (isSignedInteger(type) && std::llabs(value.toLongLong()) <= exact)
            return double(value.toLongLong());
        if (isUnsignedInteger(type) && value.toULongLong() <= qulonglong(exact))
            return double(value.toULongLong());
        return value.toString();
    }
    if (isFloating(type) && std::isfinite(value.toDouble()))
        return value.toDouble();
    return displayText(value);
}

QString displayText(const QVariant &value)
{
    if (!value.isValid() || value.isNull())
        return u"NULL"_s;
    const int type = value.metaType().id();
    if (isFloating(type))
        return doubleText(value.toDouble());
    if (type == QMetaType::QByteArray)
        return u"\\x"_s + QString::fromLatin1(value.toByteArray().toHex());
    if (type == QMetaType::QDateTime)
        return value.toDateTime().toString(Qt::ISODateWithMs);
    return value.toString();
}

std::optional<QString> normalizedDecimal(const QString &text)
{
    // By hand, not by regular expression: drift hashing calls this for every SQLite decimal.
    // Accepts [space] [+-] digits [. digits] [space], with a digit on at least one side of the
    // point (ASCII spaces and digits only).
    auto space = [](QChar c) { return c == u' ' || (c >= u'\t' && c <= u'\r'); };
    auto digit = [](QChar c) { return c >= u'0' && c <= u'9'; };
    qsizetype from = 0, to = text.size();
    while (from < to && space(text.at(from)))
        ++from;
    while (to > from && space(text.at(to - 1)))
        --to;
    bool negative = false;
    if (from < to && (text.at(from) == u'-' || text.at(from) == u'+'))
        negative = text.at(from++) == u'-';
    qsizetype wholeEnd = from;
    while (wholeEnd < to && digit(text.at(wholeEnd)))
        ++wholeEnd;
    qsizetype fractionFrom = wholeEnd, fractionEnd = wholeEnd;
    if (wholeEnd < to && text.at(wholeEnd) == u'.') {
        fractionFrom = fractionEnd = wholeEnd + 1;
        while (fractionEnd < to && digit(text.at(fractionEnd)))
            ++fractionEnd;
    }
    if (fractionEnd != to || (wholeEnd == from && fractionEnd == fractionFrom))
        return std::nullopt;
    while (wholeEnd - from > 1 && text.at(from) == u'0')
        ++from;
    while (fractionEnd > fractionFrom && text.at(fractionEnd - 1) == u'0')
        --fractionEnd;
    const QStringView whole = wholeEnd == from ? u"0" : QStringView(text).sliced(from, wholeEnd - from);
    const bool zero = whole == u"0" && fractionEnd == fractionFrom;
    QString out;
    out.reserve(whole.size() + (fractionEnd - fractionFrom) + 2);
    if (negative && !zero)
        out += u'-';
    out += whole;
    if (fractionEnd > fractionFrom)
        out += u'.' + QStringView(text).sliced(fractionFrom, fractionEnd - fractionFrom);
    return out;
}

std::optional<QString> normalizedTemporal(const QString &text)
{
    // Date, optional time with optional fraction, optional UTC marker (Z, +00, +00:00, +0000).
    // Other offsets are not normalised here: a source that stores them keeps them.
    static const QRegularExpression re(
            u"^(\\d{4,}-\\d{2}-\\d{2})?(?:[ T]?(\\d{2}:\\d{2}:\\d{2})(?:\\.(\\d+))?)?"
            "(Z|[+-]00(?::?00)?)?$"_s);
    const QRegularExpressionMatch m = re.match(text.trimmed());
    if (!m.hasMatch() || (m.captured(1).isEmpty() && m.captured(2).isEmpty()))
        return std::nullopt;
    QString out = m.captured(1);
    if (!m.captured(2).isEmpty()) {
        if (!out.isEmpty())
            out += u' ';
        out += m.captured(2);
        QString fraction = m.captured(3);
        while (fraction.endsWith(u'0'))
            fraction.chop(1);
        if (!fraction.isEmpty())
            out += u'.' + fraction;
    }
    return out;
}

namespace {

bool isTemporalClass(ValueClass c)
{
    return c == ValueClass::Timestamp || c == ValueClass::TimestampTz || c == ValueClass::Time
            || c == ValueClass::Date;
}

// The text two spellings of one datum share, for the classes where spellings vary.
std::optional<QString> classText(const QVariant &v, ValueClass c)
{
    const int t = v.metaType().id();
    if (c == ValueClass::Decimal) {
        if (t == QMetaType::QString)
            return normalizedDecimal(v.toString());
        if (isInteger(t))
            return normalizedDecimal(v.toString());
        return std::nullopt;
    }
    if (isTemporalClass(c) && t == QMetaType::QString)
        return normalizedTemporal(v.toString());
    return std::nullopt;
}

// Orders two canonical decimal texts as numbers.
int compareDecimalText(const QString &a, const QString &b)
{
    const bool an = a.startsWith(u'-');
    const bool bn = b.startsWith(u'-');
    if (an != bn)
        return an ? -1 : 1;
    const QString ua = an ? a.mid(1) : a;
    const QString ub = bn ? b.mid(1) : b;
    const qsizetype ad = ua.indexOf(u'.') < 0 ? ua.size() : ua.indexOf(u'.');
    const qsizetype bd = ub.indexOf(u'.') < 0 ? ub.size() : ub.indexOf(u'.');
    int magnitude;
    if (ad != bd)
        magnitude = ad < bd ? -1 : 1;
    else
        magnitude = ua.compare(ub) < 0 ? -1 : (ua.compare(ub) > 0 ? 1 : 0);
    return an ? -magnitude : magnitude;
}

} // namespace

bool sameValue(const QVariant &source, const QVariant &mirror, ValueClass valueClass)
{
    const bool sNull = !source.isValid() || source.isNull();
    const bool mNull = !mirror.isValid() || mirror.isNull();
    if (sNull || mNull)
        return sNull == mNull;
    const int st = source.metaType().id();
    const int mt = mirror.metaType().id();
    if (const auto a = classText(source, valueClass)) {
        if (const auto b = classText(mirror, valueClass))
            return *a == *b;
    }
    // Booleans travel as 0/1 through dialects without a boolean type.
    if (st == QMetaType::Bool || mt == QMetaType::Bool) {
        auto flag = [](const QVariant &v, int t) -> std::optional<bool> {
            if (t == QMetaType::Bool)
                return v.toBool();
            if (isInteger(t) && (v.toLongLong() == 0 || v.toLongLong() == 1))
                return v.toLongLong() == 1;
            return std::nullopt;
        };
        const auto a = flag(source, st);
        const auto b = flag(mirror, mt);
        return a && b && *a == *b;
    }
    if (isInteger(st) && isInteger(mt)) {
        if (isUnsignedInteger(st) || isUnsignedInteger(mt)) {
            // Compare in the wider domain; a negative value never equals an unsigned one.
            if ((isSignedInteger(st) && source.toLongLong() < 0)
                || (isSignedInteger(mt) && mirror.toLongLong() < 0))
                return false;
            return source.toULongLong() == mirror.toULongLong();
        }
        return source.toLongLong() == mirror.toLongLong();
    }
    if (isFloating(st) && isFloating(mt)) {
        const double a = source.toDouble();
        const double b = mirror.toDouble();
        if (std::isnan(a) || std::isnan(b))
            return std::isnan(a) && std::isnan(b);
        // SQL's equality: -0 = 0. SQLite (REAL affinity stores integral doubles as integers)
        // and MariaDB store -0.0 as 0, so a mirror there can never hold the sign; comparing
        // bits would make every backfill rewrite such rows forever.
        return a == b;
    }
    if ((isInteger(st) && isFloating(mt)) || (isFloating(st) && isInteger(mt))) {
        const double d = isFloating(st) ? source.toDouble() : mirror.toDouble();
        const qlonglong n = isInteger(st) ? source.toLongLong() : mirror.toLongLong();
        return std::trunc(d) == d && std::fabs(d) < 9.2e18 && qlonglong(d) == n;
    }
    if (st == QMetaType::QByteArray || mt == QMetaType::QByteArray) {
        const QByteArray a = st == QMetaType::QByteArray ? source.toByteArray()
                                                         : source.toString().toUtf8();
        const QByteArray b = mt == QMetaType::QByteArray ? mirror.toByteArray()
                                                         : mirror.toString().toUtf8();
        return a == b;
    }
    if (st == QMetaType::QString && mt == QMetaType::QString)
        return source.toString() == mirror.toString();
    // A double on one side, a number spelled as text on the other: SQLite keeps a DECIMAL
    // column's values as REAL, and a mirror column of numeric or text type holds the shortest
    // text that reads back as that double. The same datum when the text reads back as it.
    if ((isFloating(st) && mt == QMetaType::QString) || (st == QMetaType::QString && isFloating(mt))) {
        const double d = isFloating(st) ? source.toDouble() : mirror.toDouble();
        const QString text = (st == QMetaType::QString ? source : mirror).toString().trimmed();
        bool ok = false;
        const double parsed = text.toDouble(&ok);
        if (ok)
            return (std::isnan(d) && std::isnan(parsed)) || parsed == d;
    }
    if (st == mt)
        return source == mirror;
    return displayText(source) == displayText(mirror);
}

std::optional<int> compareValues(const QVariant &a, const QVariant &b, ValueClass valueClass)
{
    if (!a.isValid() || a.isNull() || !b.isValid() || b.isNull())
        return std::nullopt;
    const int at = a.metaType().id();
    const int bt = b.metaType().id();
    auto sign = [](auto x, auto y) { return x < y ? -1 : (y < x ? 1 : 0); };
    if (valueClass == ValueClass::Decimal || isTemporalClass(valueClass)) {
        const auto ta = classText(a, valueClass);
        const auto tb = classText(b, valueClass);
        if (ta && tb)
            return valueClass == ValueClass::Decimal ? compareDecimalText(*ta, *tb)
                                                     : sign(ta->compare(*tb), 0);
        if (ta || tb)
            return std::nullopt;   // one spelled as the class, one not: doubt
    }
    if (isSignedInteger(at) && isSignedInteger(bt))
        return sign(a.toLongLong(), b.toLongLong());
    if ((isInteger(at) || isFloating(at)) && (isInteger(bt) || isFloating(bt))) {
        if (isUnsignedInteger(at) && isUnsignedInteger(bt))
            return sign(a.toULongLong(), b.toULongLong());
        const double x = a.toDouble();
        const double y = b.toDouble();
        if (std::isnan(x) || std::isnan(y))
            return std::nullopt;
        return sign(x, y);
    }
    if (at == QMetaType::QString && bt == QMetaType::QString)
        return sign(a.toString().compare(b.toString()), 0);
    if (at == QMetaType::QDateTime && bt == QMetaType::QDateTime)
        return sign(a.toDateTime(), b.toDateTime());
    if (at == QMetaType::QDate && bt == QMetaType::QDate)
        return sign(a.toDate(), b.toDate());
    if (at == QMetaType::QByteArray && bt == QMetaType::QByteArray)
        return sign(a.toByteArray().compare(b.toByteArray()), 0);
    return std::nullopt;
}

} // namespace tidemark
