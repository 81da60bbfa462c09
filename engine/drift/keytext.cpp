#include "drift/keytext.h"

#include "db/valuecodec.h"

#include <QJsonDocument>

#include <algorithm>
#include <limits>

using namespace Qt::StringLiterals;

namespace tidemark {

namespace {

std::optional<QVariant> valueFor(const QJsonValue &json, const QString &text, const ColumnInfo *c,
                                 QString *error)
{
    const ValueClass cls = c ? c->valueClass : ValueClass::Text;
    const QString name = c ? c->name : QString();
    auto fail = [&](const QString &what) -> std::optional<QVariant> {
        if (error)
            *error = u"key column '%1': '%2' is not %3"_s.arg(name, text, what);
        return std::nullopt;
    };
    switch (cls) {
    case ValueClass::Integer:
    case ValueClass::Boolean: {
        if (json.isDouble()) {
            const double d = json.toDouble();
            if (d != qlonglong(d))
                return fail(u"an integer"_s);
            return QVariant(qlonglong(d));
        }
        bool ok = false;
        const qlonglong v = text.trimmed().toLongLong(&ok);
        if (ok)
            return QVariant(v);
        const qulonglong u = text.trimmed().toULongLong(&ok);
        if (ok)
            return QVariant(u);
        return fail(u"an integer"_s);
    }
    case ValueClass::Decimal: {
        const std::optional<QString> n = normalizedDecimal(text);
        if (!n)
            return fail(u"a decimal number"_s);
        return QVariant(*n);
    }
    case ValueClass::Real: {
        bool ok = false;
        const double d = text.trimmed().toDouble(&ok);
        if (!ok)
            return fail(u"a number"_s);
        return QVariant(d);
    }
    case ValueClass::Timestamp:
    case ValueClass::TimestampTz:
    case ValueClass::Time:
    case ValueClass::Date: {
        const std::optional<QString> n = normalizedTemporal(text);
        if (!n)
            return fail(u"a date or time (YYYY-MM-DD HH:MM:SS[.ffffff])"_s);
        return QVariant(*n);
    }
    case ValueClass::Blob:
        if (text.startsWith(u"\\x"_s))
            return QVariant(QByteArray::fromHex(text.mid(2).toLatin1()));
        return QVariant(text.toUtf8());
    case ValueClass::Text:
    case ValueClass::Json:
    case ValueClass::Unknown: break;
    }
    return QVariant(text);
}

} // namespace

std::optional<QVariantList> parseKeyText(const QString &text, const ResolvedMapping &mapping,
                                         QString *error)
{
    QList<ColumnInfo> key;
    for (const QString &column : mapping.key) {
        const ColumnInfo *info = mapping.sourceSchema.column(column);
        // A column the catalog did not describe is read as text, as before.
        key << (info ? *info : ColumnInfo{column, {}, ValueClass::Text});
    }
    return parseKeyText(text, mapping.name(), key, error);
}

std::optional<QVariantList> parseKeyText(const QString &text, const QString &mapping,
                                         const QList<ColumnInfo> &key, QString *error)
{
    QList<QJsonValue> parts;
    QStringList texts;
    const QString trimmed = text.trimmed();
    if (trimmed.startsWith(u'[')) {
        QJsonParseError pe;
        const QJsonDocument doc = QJsonDocument::fromJson(trimmed.toUtf8(), &pe);
        if (!doc.isArray()) {
            if (error)
                *error = u"'%1' is not a JSON array: %2"_s.arg(text, pe.errorString());
            return std::nullopt;
        }
        for (const QJsonValue &v : doc.array()) {
            parts << v;
            texts << (v.isString() ? v.toString() : v.toVariant().toString());
        }
    } else if (key.size() == 1) {
        parts << QJsonValue(text);
        texts << text;
    } else {
        texts = text.split(u',');
        for (QString &t : texts) {
            t = t.trimmed();
            parts << QJsonValue(t);
        }
    }
    if (parts.size() != key.size()) {
        QStringList names;
        for (const ColumnInfo &c : key)
            names << c.name;
        if (error)
            *error = u"the key of mapping '%1' has %2 column(s) (%3); '%4' gives %5 value(s)"_s.arg(
                    mapping)
                             .arg(key.size())
                             .arg(names.join(u", "_s), text)
                             .arg(parts.size());
        return std::nullopt;
    }
    QVariantList values;
    for (qsizetype i = 0; i < parts.size(); ++i) {
        const std::optional<QVariant> v = valueFor(parts.at(i).isString() ? QJsonValue() : parts.at(i),
                                                   texts.at(i), &key.at(i), error);
        if (!v)
            return std::nullopt;
        values << *v;
    }
    return values;
}

bool sameKeyColumns(const QList<ColumnInfo> &a, const QList<ColumnInfo> &b)
{
    return std::equal(a.cbegin(), a.cend(), b.cbegin(), b.cend(),
                      [](const ColumnInfo &x, const ColumnInfo &y) {
                          return x.name == y.name && x.declaredType == y.declaredType
                                  && x.valueClass == y.valueClass;
                      });
}

QJsonArray keyJson(const QVariantList &key)
{
    QJsonArray a;
    for (const QVariant &v : key) {
        const int t = v.metaType().id();
        if (t == QMetaType::QString)
            a.append(v.toString());
        else
            a.append(displayJson(v));
    }
    return a;
}

QString keyText(const QVariantList &key)
{
    QStringList parts;
    for (const QVariant &v : key)
        parts << displayText(v);
    return parts.join(u", "_s);
}

} // namespace tidemark
