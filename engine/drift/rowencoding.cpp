#include "drift/rowencoding.h"

#include "db/valuecodec.h"

#include <QCryptographicHash>
#include <QDate>
#include <QRegularExpression>

#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>

using namespace Qt::StringLiterals;

namespace tidemark {

namespace {

bool isNull(const QVariant &v)
{
    return !v.isValid() || v.isNull();
}

bool isIntegerType(int t)
{
    return t == QMetaType::LongLong || t == QMetaType::Int || t == QMetaType::Long
            || t == QMetaType::Short || t == QMetaType::Char || t == QMetaType::SChar;
}

bool isUnsignedType(int t)
{
    return t == QMetaType::ULongLong || t == QMetaType::UInt || t == QMetaType::ULong
            || t == QMetaType::UShort || t == QMetaType::UChar;
}

bool isFloatType(int t)
{
    return t == QMetaType::Double || t == QMetaType::Float;
}

// The shortest plain (never exponent) text that reads back as `d`.
QByteArray shortestFixed(double d)
{
    char buf[400];
    const auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::fixed);
    return QByteArray(buf, r.ptr - buf);
}

QByteArray realBits(double d)
{
    if (std::isnan(d))
        return "nan"_ba;
    if (d == 0)
        d = 0.0;   // -0.0 as 0.0
    const quint64 bits = std::bit_cast<quint64>(d);
    return QByteArray::number(bits, 16).rightJustified(16, '0');
}

QByteArray textBytes(const QVariant &v)
{
    if (v.metaType().id() == QMetaType::QByteArray)
        return v.toByteArray();
    return v.toString().toUtf8();
}

QByteArray decimalPayload(const QVariant &v)
{
    const int t = v.metaType().id();
    if (isIntegerType(t))
        return QByteArray::number(v.toLongLong());
    if (isUnsignedType(t))
        return QByteArray::number(v.toULongLong());
    if (t == QMetaType::Bool)
        return v.toBool() ? "1"_ba : "0"_ba;
    if (isFloatType(t)) {
        const double d = v.toDouble();
        if (std::isnan(d))
            return "NaN"_ba;
        if (std::isinf(d))
            return d > 0 ? "Infinity"_ba : "-Infinity"_ba;
        if (const auto n = normalizedDecimal(QString::fromLatin1(shortestFixed(d))))
            return n->toUtf8();
    }
    const QString s = v.toString();
    if (const auto n = normalizedDecimal(s))
        return n->toUtf8();
    return s.toUtf8();   // "NaN", "Infinity": as spelled
}

QByteArray integerPayload(const QVariant &v)
{
    const int t = v.metaType().id();
    if (isIntegerType(t))
        return QByteArray::number(v.toLongLong());
    if (isUnsignedType(t))
        return QByteArray::number(v.toULongLong());
    if (t == QMetaType::Bool)
        return v.toBool() ? "1"_ba : "0"_ba;
    // A SQLite value stored as text or real in an integer column: its decimal spelling.
    return decimalPayload(v);
}

QByteArray booleanPayload(const QVariant &v)
{
    if (v.metaType().id() == QMetaType::QString) {
        const QString s = v.toString().trimmed().toLower();
        if (s == u"true" || s == u"t")
            return "1"_ba;
        if (s == u"false" || s == u"f")
            return "0"_ba;
    }
    return integerPayload(v);
}

QByteArray realPayload(const QVariant &v)
{
    const int t = v.metaType().id();
    if (isFloatType(t))
        return realBits(v.toDouble());
    if (isIntegerType(t))
        return realBits(double(v.toLongLong()));
    if (isUnsignedType(t))
        return realBits(double(v.toULongLong()));
    const QString s = v.toString().trimmed();
    bool ok = false;
    const double d = s.toDouble(&ok);
    if (ok)
        return realBits(d);
    const QString lower = s.toLower();
    if (lower == u"nan")
        return "nan"_ba;
    if (lower == u"infinity" || lower == u"inf")
        return realBits(std::numeric_limits<double>::infinity());
    if (lower == u"-infinity" || lower == u"-inf")
        return realBits(-std::numeric_limits<double>::infinity());
    return s.toUtf8();
}

QByteArray datePayload(const QVariant &v)
{
    if (v.metaType().id() == QMetaType::QDate)
        return v.toDate().toString(u"yyyy-MM-dd"_s).toUtf8();
    if (v.metaType().id() == QMetaType::QDateTime)
        return v.toDateTime().toUTC().date().toString(u"yyyy-MM-dd"_s).toUtf8();
    return v.toString().toUtf8();
}

QByteArray timestampPayload(const QVariant &v)
{
    if (v.metaType().id() == QMetaType::QDateTime)
        return QByteArray::number(v.toDateTime().toMSecsSinceEpoch() * 1000);
    if (const auto us = timestampMicros(v.toString()))
        return QByteArray::number(*us);
    return v.toString().toUtf8();
}

QByteArray timePayload(const QVariant &v)
{
    if (v.metaType().id() == QMetaType::QTime)
        return QByteArray::number(qint64(v.toTime().msecsSinceStartOfDay()) * 1000);
    if (const auto us = timeMicros(v.toString()))
        return QByteArray::number(*us);
    return v.toString().toUtf8();
}

// "123" -> 123000 (microseconds of a fraction written with up to 6 digits; more are cut).
qint64 fractionMicros(QStringView digits)
{
    qint64 us = 0;
    for (int i = 0; i < 6; ++i)
        us = us * 10 + (i < digits.size() ? digits.at(i).digitValue() : 0);
    return us;
}

} // namespace

bool isPaddedCharType(const QString &declaredType)
{
    const QString t = declaredType.trimmed().toLower();
    return t == u"bpchar" || t == u"character" || t == u"char" || t.startsWith(u"character(")
            || t.startsWith(u"char(") || t.startsWith(u"bpchar(") || t.startsWith(u"nchar");
}

ValueClass comparisonClass(const ColumnInfo *source, const ColumnInfo *mirror)
{
    ValueClass c = source ? source->valueClass : ValueClass::Unknown;
    if (c == ValueClass::Unknown && mirror)
        c = mirror->valueClass;
    switch (c) {
    case ValueClass::TimestampTz: return ValueClass::Timestamp;
    case ValueClass::Json: return ValueClass::Text;
    default: return c;
    }
}

HashRule hashRule(ValueClass comparison, const ColumnInfo *column)
{
    HashRule r;
    r.valueClass = comparison;
    r.trimPadding = column && comparison == ValueClass::Text
            && isPaddedCharType(column->declaredType);
    return r;
}

QByteArray hashPayload(const QVariant &v, const HashRule &rule)
{
    switch (rule.valueClass) {
    case ValueClass::Integer: return integerPayload(v);
    case ValueClass::Boolean: return booleanPayload(v);
    case ValueClass::Decimal: return decimalPayload(v);
    case ValueClass::Real: return realPayload(v);
    case ValueClass::Blob:
        return v.metaType().id() == QMetaType::QByteArray ? v.toByteArray() : textBytes(v);
    case ValueClass::Date: return datePayload(v);
    case ValueClass::Time: return timePayload(v);
    case ValueClass::Timestamp:
    case ValueClass::TimestampTz: return timestampPayload(v);
    case ValueClass::Text:
    case ValueClass::Json:
    case ValueClass::Unknown: break;
    }
    const int t = v.metaType().id();
    QByteArray bytes;
    if (t == QMetaType::QByteArray || t == QMetaType::QString)
        bytes = textBytes(v);
    else if (isFloatType(t))
        bytes = realBits(v.toDouble());   // a SQLite real in a text column: exact
    else
        bytes = v.toString().toUtf8();
    if (rule.trimPadding) {
        qsizetype n = bytes.size();
        while (n > 0 && bytes.at(n - 1) == ' ')
            --n;
        bytes.truncate(n);
    }
    return bytes;
}

bool hasFixedAlphabet(ValueClass c)
{
    switch (c) {
    case ValueClass::Integer:
    case ValueClass::Boolean:
    case ValueClass::Decimal:
    case ValueClass::Real:
    case ValueClass::Date:
    case ValueClass::Time:
    case ValueClass::Timestamp:
    case ValueClass::TimestampTz: return true;
    case ValueClass::Text:
    case ValueClass::Json:
    case ValueClass::Blob:
    case ValueClass::Unknown: break;
    }
    return false;
}

void appendEncoded(QByteArray &row, const QVariant &value, const HashRule &rule)
{
    if (isNull(value)) {
        row += 'N';
        return;
    }
    const QByteArray payload = hashPayload(value, rule);
    row += 'V';
    if (hasFixedAlphabet(rule.valueClass) && !payload.contains(';') && !payload.contains(':')) {
        row += payload;
        row += ';';
        return;
    }
    char length[24];
    const auto end = std::to_chars(length, length + sizeof length, payload.size()).ptr;
    row.append(length, end - length);
    row += ':';
    row += payload;
}

QByteArray encodeRow(const QVariantList &values, const QList<HashRule> &rules)
{
    Q_ASSERT(values.size() == rules.size());
    QByteArray row;
    for (qsizetype i = 0; i < values.size(); ++i)
        appendEncoded(row, values.at(i), rules.at(i));
    return row;
}

quint64 rowHash(const QByteArray &encodedRow)
{
    // One hasher per thread, reset for each row: SQLite's hash function calls this per row.
    thread_local QCryptographicHash hasher(QCryptographicHash::Md5);
    hasher.reset();
    hasher.addData(encodedRow);
    const QByteArrayView md5 = hasher.resultView();
    quint64 h = 0;
    for (int i = 0; i < 8; ++i)
        h = (h << 8) | quint8(md5.at(i));
    return h;
}

std::optional<quint64> hashValue(const QVariant &value)
{
    switch (value.metaType().id()) {
    case QMetaType::Int:
    case QMetaType::LongLong: return quint64(value.toLongLong());
    case QMetaType::UInt:
    case QMetaType::ULongLong: return value.toULongLong();
    case QMetaType::QString:
    case QMetaType::QByteArray: break;
    default: return std::nullopt;
    }
    const QByteArray text = value.metaType().id() == QMetaType::QByteArray
            ? value.toByteArray().trimmed()
            : value.toString().trimmed().toLatin1();
    qsizetype i = 0;
    const bool negative = text.startsWith('-');
    if (negative || text.startsWith('+'))
        ++i;
    if (i == text.size())
        return std::nullopt;
    quint64 sum = 0;   // unsigned arithmetic wraps: exactly modulo 2^64
    for (; i < text.size(); ++i) {
        const char c = text.at(i);
        if (c < '0' || c > '9')
            return std::nullopt;
        sum = sum * 10 + quint64(c - '0');
    }
    return negative ? quint64(0) - sum : sum;
}

QChar ruleLetter(const HashRule &rule)
{
    switch (rule.valueClass) {
    case ValueClass::Integer: return u'i';
    case ValueClass::Boolean: return u'b';
    case ValueClass::Decimal: return u'n';
    case ValueClass::Real: return u'r';
    case ValueClass::Blob: return u'x';
    case ValueClass::Date: return u'd';
    case ValueClass::Time: return u'h';
    case ValueClass::Timestamp:
    case ValueClass::TimestampTz: return u's';
    case ValueClass::Text:
    case ValueClass::Json:
    case ValueClass::Unknown: break;
    }
    return rule.trimPadding ? u'c' : u't';
}

HashRule ruleFromLetter(QChar letter)
{
    switch (letter.unicode()) {
    case 'i': return {ValueClass::Integer, false};
    case 'b': return {ValueClass::Boolean, false};
    case 'n': return {ValueClass::Decimal, false};
    case 'r': return {ValueClass::Real, false};
    case 'x': return {ValueClass::Blob, false};
    case 'd': return {ValueClass::Date, false};
    case 'h': return {ValueClass::Time, false};
    case 's': return {ValueClass::Timestamp, false};
    case 'c': return {ValueClass::Text, true};
    default: return {ValueClass::Text, false};
    }
}

namespace {

// "YYYY-MM-DD HH:MM:SS[.f...]" (or with a 'T'), the canonical spelling, read without regular
// expressions: drift hashing reads every SQLite timestamp. Nullopt for anything else, which
// the general path then reads.
std::optional<qint64> canonicalTimestampMicros(QStringView t)
{
    auto num = [&](qsizetype at, int n, int &out) {
        out = 0;
        for (int i = 0; i < n; ++i) {
            const QChar c = t.at(at + i);
            if (c < u'0' || c > u'9')
                return false;
            out = out * 10 + (c.unicode() - '0');
        }
        return true;
    };
    if (t.size() < 19 || t.at(4) != u'-' || t.at(7) != u'-' || (t.at(10) != u' ' && t.at(10) != u'T')
        || t.at(13) != u':' || t.at(16) != u':')
        return std::nullopt;
    int y, mo, d, h, mi, sec;
    if (!num(0, 4, y) || !num(5, 2, mo) || !num(8, 2, d) || !num(11, 2, h) || !num(14, 2, mi)
        || !num(17, 2, sec))
        return std::nullopt;
    QStringView fraction;
    if (t.size() > 19) {
        if (t.at(19) != u'.' || t.size() == 20)
            return std::nullopt;
        fraction = t.sliced(20);
        for (QChar c : fraction)
            if (c < u'0' || c > u'9')
                return std::nullopt;
    }
    const QDate date(y, mo, d);
    if (!date.isValid())
        return std::nullopt;
    const qint64 days = date.toJulianDay() - 2440588;   // 1970-01-01
    const qint64 seconds = qint64(h) * 3600 + mi * 60 + sec;
    return (days * 86400 + seconds) * 1000000 + fractionMicros(fraction);
}

} // namespace

std::optional<qint64> timestampMicros(const QString &text)
{
    if (const std::optional<qint64> fast = canonicalTimestampMicros(text))
        return fast;
    const std::optional<QString> norm = normalizedTemporal(text);
    if (!norm)
        return std::nullopt;
    static const QRegularExpression re(
            u"^(-?\\d{4,})-(\\d{2})-(\\d{2})(?: (\\d{2}):(\\d{2}):(\\d{2})(?:\\.(\\d+))?)?$"_s);
    const QRegularExpressionMatch m = re.match(*norm);
    if (!m.hasMatch())
        return std::nullopt;
    const QDate date(m.captured(1).toInt(), m.captured(2).toInt(), m.captured(3).toInt());
    if (!date.isValid())
        return std::nullopt;
    const qint64 days = date.toJulianDay() - QDate(1970, 1, 1).toJulianDay();
    const qint64 seconds = m.captured(4).toLongLong() * 3600 + m.captured(5).toLongLong() * 60
            + m.captured(6).toLongLong();
    return (days * 86400 + seconds) * 1000000 + fractionMicros(m.capturedView(7));
}

std::optional<qint64> timeMicros(const QString &text)
{
    static const QRegularExpression re(u"^\\s*(\\d{1,3}):(\\d{2}):(\\d{2})(?:\\.(\\d+))?\\s*$"_s);
    const QRegularExpressionMatch m = re.match(text);
    if (!m.hasMatch())
        return std::nullopt;
    const qint64 seconds = m.captured(1).toLongLong() * 3600 + m.captured(2).toLongLong() * 60
            + m.captured(3).toLongLong();
    return seconds * 1000000 + fractionMicros(m.capturedView(4));
}

} // namespace tidemark
