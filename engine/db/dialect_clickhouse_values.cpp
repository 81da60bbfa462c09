// How each value class is kept in a ClickHouse mirror, and carried exactly both ways.
//
// ClickHouse 18.16 has no DateTime64, and its Date and DateTime end in 2105 and start in 1970,
// so dates, times and timestamps are Strings in a fixed-width form that sorts as the values
// do: 'YYYY-MM-DD', 'HH:MM:SS.ffffff', 'YYYY-MM-DD HH:MM:SS.ffffff' (UTC, always six fractional
// digits). Reading one back drops the trailing zeros again (the canonical form). Decimals with a
// precision of at most 38 are Decimal(P, S); wider or unbounded ones are String. See README.md.
#include "db/dialect_clickhouse.h"

#include "db/valuecodec.h"

#include <QDate>
#include <QDateTime>
#include <QTime>

using namespace Qt::StringLiterals;

namespace tidemark {

namespace {

constexpr int kMaxDecimalPrecision = 38;

// "2026-11-21 10:15:00.12" -> "2026-11-21 10:15:00.120000"; a text that is no such value is
// kept as it is.
QString fixedWidthTime(const QString &canonical)
{
    const std::optional<QString> normal = normalizedTemporal(canonical);
    if (!normal)
        return canonical;
    QString text = *normal;
    const qsizetype dot = text.indexOf(u'.');
    if (dot < 0)
        return text + u".000000"_s;
    return text + QString(6 - std::min<qsizetype>(6, text.size() - dot - 1), u'0');
}

QString textOf(const QVariant &v)
{
    if (v.metaType().id() == QMetaType::QByteArray)
        return QString::fromUtf8(v.toByteArray());
    return v.toString();
}

} // namespace

QString ClickHouseDialect::typeFor(const ColumnInfo &source, bool key)
{
    QString type;
    switch (source.valueClass) {
    case ValueClass::Integer:
        // A MariaDB BIGINT UNSIGNED goes past INT64_MAX.
        type = source.declaredType.contains(u"unsigned", Qt::CaseInsensitive)
                        && source.declaredType.contains(u"bigint", Qt::CaseInsensitive)
                ? u"UInt64"_s
                : u"Int64"_s;
        break;
    case ValueClass::Decimal:
        if (source.precision > 0 && source.precision <= kMaxDecimalPrecision
            && source.scale >= 0 && source.scale <= source.precision)
            type = u"Decimal(%1, %2)"_s.arg(source.precision).arg(source.scale);
        else
            type = u"String"_s;   // unbounded (PostgreSQL numeric, SQLite DECIMAL) or wider
        break;
    case ValueClass::Real: type = u"Float64"_s; break;
    case ValueClass::Boolean: type = u"UInt8"_s; break;
    case ValueClass::Text:
    case ValueClass::Json:
    case ValueClass::Blob:
    case ValueClass::Date:
    case ValueClass::Timestamp:
    case ValueClass::TimestampTz:
    case ValueClass::Time:
    case ValueClass::Unknown: type = u"String"_s; break;
    }
    if (source.nullable && !key)
        type = u"Nullable("_s + type + u')';
    return type;
}

QVariant ClickHouseDialect::toCanonical(const ColumnInfo &column, const QVariant &v) const
{
    if (!v.isValid() || v.isNull())
        return {};
    switch (column.valueClass) {
    case ValueClass::Integer:
        if (v.metaType().id() == QMetaType::ULongLong || v.metaType().id() == QMetaType::LongLong)
            return v;
        return QVariant(textOf(v).toLongLong());
    case ValueClass::Boolean: return QVariant(v.toLongLong() != 0);
    case ValueClass::Real: return v.metaType().id() == QMetaType::Double ? v : QVariant(textOf(v).toDouble());
    case ValueClass::Decimal: {
        const QString text = textOf(v);
        return normalizedDecimal(text).value_or(text);
    }
    case ValueClass::Blob: {
        const QByteArray bytes = v.toByteArray();
        return bytes.isNull() ? QVariant(QByteArray("")) : QVariant(bytes);
    }
    case ValueClass::Date:
    case ValueClass::Timestamp:
    case ValueClass::TimestampTz:
    case ValueClass::Time: {
        const QString text = textOf(v);
        return normalizedTemporal(text).value_or(text);
    }
    case ValueClass::Text:
    case ValueClass::Json:
    case ValueClass::Unknown: break;
    }
    return textOf(v);
}

QVariant ClickHouseDialect::fromCanonical(const ColumnInfo &column, const QVariant &canonical) const
{
    if (!canonical.isValid() || canonical.isNull())
        return {};
    const int type = canonical.metaType().id();
    switch (column.valueClass) {
    case ValueClass::Integer:
        if (type == QMetaType::ULongLong || type == QMetaType::LongLong)
            return canonical;
        if (type == QMetaType::Bool)
            return qlonglong(canonical.toBool() ? 1 : 0);
        return canonical.toLongLong();
    case ValueClass::Boolean: {
        if (type == QMetaType::QString) {
            const QString t = canonical.toString().trimmed().toLower();
            return qlonglong(t == u"1" || t == u"true" || t == u"t" ? 1 : 0);
        }
        return qlonglong(canonical.toLongLong() != 0 || canonical.toBool() ? 1 : 0);
    }
    case ValueClass::Real: return canonical.toDouble();
    case ValueClass::Decimal: {
        const QString text = textOf(canonical);
        return normalizedDecimal(text).value_or(text);
    }
    case ValueClass::Blob:
        return type == QMetaType::QByteArray ? canonical : QVariant(canonical.toString().toUtf8());
    case ValueClass::Date:
        if (type == QMetaType::QDate)
            return canonical.toDate().toString(Qt::ISODate);
        return textOf(canonical);
    case ValueClass::Timestamp:
    case ValueClass::TimestampTz:
    case ValueClass::Time:
        if (type == QMetaType::QDateTime)
            return fixedWidthTime(canonical.toDateTime().toUTC().toString(
                    u"yyyy-MM-dd HH:mm:ss.zzz"_s));
        return fixedWidthTime(textOf(canonical));
    case ValueClass::Text:
    case ValueClass::Json:
    case ValueClass::Unknown: break;
    }
    return type == QMetaType::QByteArray ? canonical : QVariant(canonical.toString());
}

} // namespace tidemark
