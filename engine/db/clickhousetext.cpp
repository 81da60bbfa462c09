#include "db/clickhousetext.h"

#include <QDate>
#include <QDateTime>
#include <QTime>

#include <cmath>
#include <limits>

using namespace Qt::StringLiterals;

namespace tidemark::clickhouse {

namespace {

// The value QtSql's own drivers bind as NULL: a null variant, or a null string or byte array
// inside one (QSQLITE hands out an empty BLOB that way; fromDriver() mends it before binding).
bool isNullValue(const QVariant &v)
{
    if (v.isNull())
        return true;
    switch (v.metaType().id()) {
    case QMetaType::QString: return v.toString().isNull();
    case QMetaType::QByteArray: return v.toByteArray().isNull();
    default: return false;
    }
}

QString quoted(const QString &text)
{
    QString out;
    out.reserve(text.size() + 2);
    out += u'\'';
    for (QChar c : text) {
        if (c == u'\\' || c == u'\'')
            out += u'\\';
        if (c == QChar(u'\0')) {
            out += u"\\0"_s;
            continue;
        }
        out += c;
    }
    out += u'\'';
    return out;
}

QString doubleLiteral(double d)
{
    if (std::isnan(d))
        return u"nan"_s;
    if (std::isinf(d))
        return d < 0 ? u"-inf"_s : u"inf"_s;
    QString text = QString::number(d, 'g', QLocale::FloatingPointShortest);
    if (d == 0 && std::signbit(d))
        text = u"-0"_s;   // QString::number drops the sign of a negative zero
    // "5" or "-0" would be read as integers (and -0 as 0): keep it a floating-point literal.
    if (!text.contains(u'.') && !text.contains(u'e'))
        text += u".0"_s;
    return text;
}

// Skips a quoted run starting at sql[i] (the opening quote); returns the index past its end.
// Backslash escapes and a doubled quote both stay inside.
qsizetype skipQuoted(const QString &sql, qsizetype i)
{
    const QChar q = sql.at(i);
    for (++i; i < sql.size(); ++i) {
        const QChar c = sql.at(i);
        if (c == u'\\') {
            ++i;
        } else if (c == q) {
            if (i + 1 < sql.size() && sql.at(i + 1) == q)
                ++i;
            else
                return i + 1;
        }
    }
    return i;
}

QString innerType(QString type)
{
    for (const QString &wrapper : {u"Nullable("_s, u"LowCardinality("_s}) {
        if (type.startsWith(wrapper) && type.endsWith(u')'))
            type = type.mid(wrapper.size(), type.size() - wrapper.size() - 1);
    }
    return type;
}

QByteArray unescape(const QByteArray &field)
{
    if (!field.contains('\\'))
        return field;
    QByteArray out;
    out.reserve(field.size());
    for (qsizetype i = 0; i < field.size(); ++i) {
        char c = field.at(i);
        if (c == '\\' && i + 1 < field.size()) {
            c = field.at(++i);
            switch (c) {
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case 'r': c = '\r'; break;
            case 'n': c = '\n'; break;
            case 't': c = '\t'; break;
            case '0': c = '\0'; break;
            default: break;   // \\ \' and any other escaped character stand for themselves
            }
        }
        out.append(c);
    }
    return out;
}

} // namespace

QString literal(const QVariant &value)
{
    if (isNullValue(value))
        return u"NULL"_s;
    switch (value.metaType().id()) {
    case QMetaType::Bool: return value.toBool() ? u"1"_s : u"0"_s;
    case QMetaType::Int:
    case QMetaType::Long:
    case QMetaType::LongLong:
    case QMetaType::Short:
    case QMetaType::Char:
    case QMetaType::SChar: return QString::number(value.toLongLong());
    case QMetaType::UInt:
    case QMetaType::ULong:
    case QMetaType::ULongLong:
    case QMetaType::UShort:
    case QMetaType::UChar: return QString::number(value.toULongLong());
    case QMetaType::Double:
    case QMetaType::Float: return doubleLiteral(value.toDouble());
    case QMetaType::QByteArray:
        return u"unhex('"_s + QString::fromLatin1(value.toByteArray().toHex()) + u"')"_s;
    case QMetaType::QDate: return quoted(value.toDate().toString(Qt::ISODate));
    case QMetaType::QTime: return quoted(value.toTime().toString(u"HH:mm:ss.zzz"_s));
    case QMetaType::QDateTime:
        return quoted(value.toDateTime().toUTC().toString(u"yyyy-MM-dd HH:mm:ss.zzz"_s));
    default: return quoted(value.toString());
    }
}

std::optional<QString> substitute(const QString &sql, const QVariantList &values, QString &error)
{
    QString out;
    out.reserve(sql.size() + values.size() * 8);
    qsizetype next = 0;
    for (qsizetype i = 0; i < sql.size();) {
        const QChar c = sql.at(i);
        if (c == u'\'' || c == u'"' || c == u'`') {
            const qsizetype end = skipQuoted(sql, i);
            out += QStringView(sql).mid(i, end - i);
            i = end;
        } else if (c == u'-' && i + 1 < sql.size() && sql.at(i + 1) == u'-') {
            qsizetype end = sql.indexOf(u'\n', i);
            end = end < 0 ? sql.size() : end;
            out += QStringView(sql).mid(i, end - i);
            i = end;
        } else if (c == u'/' && i + 1 < sql.size() && sql.at(i + 1) == u'*') {
            qsizetype end = sql.indexOf(u"*/"_s, i + 2);
            end = end < 0 ? sql.size() : end + 2;
            out += QStringView(sql).mid(i, end - i);
            i = end;
        } else if (c == u'?') {
            if (next >= values.size()) {
                error = u"the statement has more placeholders than the %1 values bound"_s.arg(
                        values.size());
                return std::nullopt;
            }
            out += literal(values.at(next++));
            ++i;
        } else {
            out += c;
            ++i;
        }
    }
    if (next != values.size()) {
        error = u"%1 values were bound to a statement with %2 placeholders"_s.arg(values.size())
                        .arg(next);
        return std::nullopt;
    }
    return out;
}

bool returnsRows(const QString &sql)
{
    qsizetype i = 0;
    while (i < sql.size() && (sql.at(i).isSpace() || sql.at(i) == u'('))
        ++i;
    qsizetype end = i;
    while (end < sql.size() && sql.at(end).isLetter())
        ++end;
    const QString word = sql.mid(i, end - i).toUpper();
    return word == u"SELECT" || word == u"WITH" || word == u"SHOW" || word == u"DESCRIBE"
            || word == u"DESC" || word == u"EXISTS";
}

QMetaType metaTypeFor(const QString &type)
{
    const QString t = innerType(type);
    if (t == u"UInt64")
        return QMetaType::fromType<qulonglong>();
    if (t.startsWith(u"Int") || t.startsWith(u"UInt"))
        return QMetaType::fromType<qlonglong>();
    if (t.startsWith(u"Float"))
        return QMetaType::fromType<double>();
    if (t == u"String" || t.startsWith(u"FixedString"))
        return QMetaType::fromType<QByteArray>();
    return QMetaType::fromType<QString>();
}

QVariant typedValue(const QString &type, const QByteArray &field, bool isNull)
{
    const QMetaType meta = metaTypeFor(type);
    if (isNull)
        return QVariant(meta);
    switch (meta.id()) {
    case QMetaType::ULongLong: {
        const qulonglong v = field.toULongLong();
        if (v > qulonglong(std::numeric_limits<qlonglong>::max()))
            return QVariant(v);
        return QVariant(qlonglong(v));
    }
    case QMetaType::LongLong: return QVariant(field.toLongLong());
    case QMetaType::Double: {
        if (field == "nan" || field == "-nan")
            return QVariant(std::numeric_limits<double>::quiet_NaN());
        if (field == "inf" || field == "+inf")
            return QVariant(std::numeric_limits<double>::infinity());
        if (field == "-inf")
            return QVariant(-std::numeric_limits<double>::infinity());
        return QVariant(field.toDouble());
    }
    case QMetaType::QByteArray: return QVariant(field);
    default: return QVariant(QString::fromUtf8(field));
    }
}

std::optional<ResultSet> parseTsv(const QByteArray &body, QString &error)
{
    ResultSet result;
    QList<QByteArray> lines = body.split('\n');
    if (!lines.isEmpty() && lines.last().isEmpty())
        lines.removeLast();
    if (lines.size() < 2) {
        error = u"the server's answer has no column names and types"_s;
        return std::nullopt;
    }
    for (const QByteArray &name : lines.at(0).split('\t'))
        result.names << QString::fromUtf8(unescape(name));
    for (const QByteArray &type : lines.at(1).split('\t'))
        result.types << QString::fromUtf8(unescape(type));
    if (result.names.size() != result.types.size()) {
        error = u"the server's answer has %1 column names but %2 types"_s.arg(result.names.size())
                        .arg(result.types.size());
        return std::nullopt;
    }
    result.rows.reserve(lines.size() - 2);
    for (qsizetype l = 2; l < lines.size(); ++l) {
        const QList<QByteArray> fields = lines.at(l).split('\t');
        if (fields.size() != result.names.size()) {
            error = u"row %1 of the server's answer has %2 fields, expected %3"_s.arg(l - 1)
                            .arg(fields.size())
                            .arg(result.names.size());
            return std::nullopt;
        }
        QVariantList row;
        row.reserve(fields.size());
        for (qsizetype c = 0; c < fields.size(); ++c) {
            const bool null = fields.at(c) == "\\N" && result.types.at(c).startsWith(u"Nullable(");
            row << typedValue(result.types.at(c), null ? QByteArray() : unescape(fields.at(c)),
                              null);
        }
        result.rows << std::move(row);
    }
    return result;
}

} // namespace tidemark::clickhouse
