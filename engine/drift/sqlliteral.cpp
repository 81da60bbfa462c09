#include "drift/sqlliteral.h"

#include <QLocale>

#include <cmath>

using namespace Qt::StringLiterals;

namespace tidemark {

namespace {

QString quoted(QString s, bool backslashes)
{
    if (backslashes)
        s.replace(u"\\"_s, u"\\\\"_s);
    s.replace(u"'"_s, u"''"_s);
    return u'\'' + s + u'\'';
}

} // namespace

QString sqlLiteral(const Dialect &d, const ColumnInfo &column, const QVariant &canonical)
{
    if (!canonical.isValid() || canonical.isNull())
        return u"NULL"_s;
    const DriverKind kind = d.kind();
    if (d.writesLiterals()) {
        // The dialect's own exact literals (MariaDB), for the value it would bind.
        QString sql;
        if (d.appendLiteral(sql, d.fromCanonical(column, canonical)))
            return sql;
    }
    const int t = canonical.metaType().id();
    switch (t) {
    case QMetaType::LongLong:
    case QMetaType::Int: return QString::number(canonical.toLongLong());
    case QMetaType::ULongLong:
    case QMetaType::UInt: return QString::number(canonical.toULongLong());
    case QMetaType::Bool:
        if (kind == DriverKind::Postgres)
            return canonical.toBool() ? u"TRUE"_s : u"FALSE"_s;
        return canonical.toBool() ? u"1"_s : u"0"_s;
    case QMetaType::Double:
    case QMetaType::Float: {
        const double v = canonical.toDouble();
        const QString text = std::isnan(v) ? u"NaN"_s
                : std::isinf(v)            ? (v > 0 ? u"Infinity"_s : u"-Infinity"_s)
                                           : QString::number(v, 'g', QLocale::FloatingPointShortest);
        if (kind == DriverKind::Postgres)
            return u'\'' + text + u"'::float8"_s;
        return std::isfinite(v) ? text : quoted(text, false);
    }
    case QMetaType::QByteArray: {
        const QString hex = QString::fromLatin1(canonical.toByteArray().toHex());
        if (kind == DriverKind::Postgres)
            return u"'\\x"_s + hex + u"'::bytea"_s;
        return u"X'"_s + hex + u'\'';
    }
    default: break;
    }
    const QString s = canonical.toString();
    if (column.valueClass == ValueClass::Decimal && kind == DriverKind::Postgres)
        return quoted(s, false) + u"::numeric"_s;
    return quoted(s, kind == DriverKind::MariaDb);
}

} // namespace tidemark
