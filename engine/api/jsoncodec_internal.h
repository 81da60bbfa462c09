#pragma once
// Internal to the engine's JSON codecs (statusjson.cpp, resultjson.cpp): the small encoders of
// optional values, and the reader that decodes a document while remembering the first field at
// fault, so both codecs report a malformed document the same way ("check.rows[3].kind: ...").
// Not for use outside engine/api.

#include "db/valuecodec.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>
#include <QStringList>

#include <algorithm>
#include <limits>
#include <optional>

namespace tidemark::jsoncodec {

using namespace Qt::StringLiterals;

inline QJsonValue countOrNull(qint64 n)
{
    return n < 0 ? QJsonValue(QJsonValue::Null) : QJsonValue(double(n));
}

inline QJsonValue timeOrNull(const QDateTime &t)
{
    return t.isValid() ? QJsonValue(t.toUTC().toString(Qt::ISODateWithMs))
                       : QJsonValue(QJsonValue::Null);
}

inline QJsonValue textOrNull(const QString &s)
{
    return s.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(s);
}

// 64-bit sums do not fit a JSON number (a double) exactly: they travel as decimal text.
inline QJsonValue u64(quint64 n)
{
    return QString::number(n);
}

// Decoding: a reader that remembers the first problem with the path of the field at fault.

class Reader
{
public:
    Reader(QString *error, QString path)
        : m_error(error)
        , m_path(std::move(path))
    {
    }

    bool ok() const { return m_failed == false; }
    void fail(const QString &field, const QString &what)
    {
        if (!m_failed && m_error)
            *m_error = m_path + u'.' + field + u": "_s + what;
        m_failed = true;
    }
    QString path(const QString &field) const { return m_path + u'.' + field; }

    QString text(const QJsonObject &o, const QString &field, bool nullable = true)
    {
        const QJsonValue v = o.value(field);
        if (v.isString())
            return v.toString();
        if (!(nullable && (v.isNull() || v.isUndefined())))
            fail(field, u"expected text"_s);
        return {};
    }
    qint64 count(const QJsonObject &o, const QString &field, qint64 ifNull = -1)
    {
        const QJsonValue v = o.value(field);
        if (v.isDouble())
            return qint64(v.toDouble());
        if (v.isString()) {
            bool ok = false;
            const qint64 n = v.toString().toLongLong(&ok);
            if (ok)
                return n;
        }
        if (!v.isNull() && !v.isUndefined())
            fail(field, u"expected a number"_s);
        return ifNull;
    }
    quint64 unsigned64(const QJsonObject &o, const QString &field)
    {
        bool ok = false;
        const quint64 n = o.value(field).toString().toULongLong(&ok);
        if (!ok)
            fail(field, u"expected a decimal number as text"_s);
        return n;
    }
    std::optional<double> number(const QJsonObject &o, const QString &field)
    {
        const QJsonValue v = o.value(field);
        if (v.isDouble())
            return v.toDouble();
        if (!v.isNull() && !v.isUndefined())
            fail(field, u"expected a number"_s);
        return std::nullopt;
    }
    bool boolean(const QJsonObject &o, const QString &field, bool ifMissing = false)
    {
        const QJsonValue v = o.value(field);
        if (v.isBool())
            return v.toBool();
        if (!v.isUndefined() && !v.isNull())
            fail(field, u"expected true or false"_s);
        return ifMissing;
    }
    QDateTime time(const QJsonObject &o, const QString &field)
    {
        const QJsonValue v = o.value(field);
        // "": a summary of a check that never ran (one that failed at once), whose checked_at
        // statusjson has always written as an empty text.
        if (v.isNull() || v.isUndefined() || (v.isString() && v.toString().isEmpty()))
            return {};
        QDateTime t = QDateTime::fromString(v.toString(), Qt::ISODateWithMs);
        if (!t.isValid())
            fail(field, u"'%1' is not an ISO 8601 time"_s.arg(v.toString()));
        return t.toUTC();
    }
    QJsonObject object(const QJsonObject &o, const QString &field)
    {
        const QJsonValue v = o.value(field);
        if (!v.isObject() && !v.isNull() && !v.isUndefined())
            fail(field, u"expected an object"_s);
        return v.toObject();
    }
    QJsonArray array(const QJsonObject &o, const QString &field)
    {
        const QJsonValue v = o.value(field);
        if (!v.isArray() && !v.isNull() && !v.isUndefined())
            fail(field, u"expected an array"_s);
        return v.toArray();
    }
    QVariantList typedList(const QJsonObject &o, const QString &field)
    {
        const QJsonArray a = array(o, field);
        QVariantList values = decodeTypedList(a);
        // decodeTypedList keeps a malformed value as an invalid QVariant (a NULL decodes to a
        // valid, typed one).
        if (values.size() != a.size()
            || std::any_of(values.cbegin(), values.cend(),
                           [](const QVariant &v) { return !v.isValid(); }))
            fail(field, u"a value without a valid type tag"_s);
        return values;
    }
    QStringList texts(const QJsonObject &o, const QString &field)
    {
        QStringList list;
        for (const QJsonValue &v : array(o, field))
            list << v.toString();
        return list;
    }
    void adopt(bool ok) { m_failed = m_failed || !ok; }

private:
    QString *m_error;
    QString m_path;
    bool m_failed = false;
};

} // namespace tidemark::jsoncodec
