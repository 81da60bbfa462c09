#include "sync/keylookup.h"

#include "db/dbconnection.h"
#include "db/dberror.h"
#include "db/tablecodec.h"
#include "db/valuecodec.h"

#include <QSet>
#include <QSqlError>
#include <QSqlQuery>

#include <cmath>
#include <limits>

using namespace Qt::StringLiterals;

namespace tidemark {

QString keyIdentity(const QVariantList &key)
{
    QString id;
    for (const QVariant &v : key) {
        if (!id.isEmpty())
            id += QChar(0x1f);
        if (!v.isValid() || v.isNull()) {
            id += u"n"_s;
            continue;
        }
        switch (v.metaType().id()) {
        case QMetaType::Int: case QMetaType::LongLong: case QMetaType::Long:
        case QMetaType::Short: case QMetaType::UInt: case QMetaType::ULongLong:
        case QMetaType::ULong: case QMetaType::UShort: case QMetaType::Bool:
            id += u"i:"_s + v.toString();
            break;
        case QMetaType::Double: case QMetaType::Float: {
            const double d = v.toDouble();
            // 7.0 read from one database and 7 from another are the same key.
            if (std::trunc(d) == d && std::fabs(d) < 9e15)
                id += u"i:"_s + QString::number(qlonglong(d));
            else
                id += u"r:"_s + displayText(v);
            break;
        }
        case QMetaType::QByteArray:
            id += u"b:"_s + QString::fromLatin1(v.toByteArray().toHex());
            break;
        default:
            id += u"s:"_s + v.toString();
        }
    }
    return id;
}

QHash<QString, QVariantList> fetchRowsByKeys(DbConnection &conn, const TableSchema &schema,
                                             const QString &table,
                                             const QStringList &selectColumns,
                                             const QStringList &keyColumns,
                                             const QList<QVariantList> &keys)
{
    QHash<QString, QVariantList> rows;
    if (keys.isEmpty())
        return rows;
    const Dialect &d = conn.dialect();
    const TableCodec codec(d, schema, selectColumns);
    QList<int> keyIndexes;
    for (const QString &k : keyColumns) {
        Q_ASSERT(selectColumns.contains(k));
        keyIndexes << int(selectColumns.indexOf(k));
    }
    // A page of integer keys that lie close together (a backfill page is a key range) is read
    // as one range: one statement and one index range scan instead of a list of bind values
    // per 500 keys. Only for integers: their order is the same in every database, while text
    // keys may sort differently in the mirror's collation. Rows in the range but not asked
    // for are left out, so the result is the same as the lookup by list.
    const ColumnInfo *single = keyColumns.size() == 1 ? schema.column(keyColumns.first()) : nullptr;
    if (single && single->valueClass == ValueClass::Integer && keys.size() >= 64) {
        bool numeric = true;
        qint64 low = std::numeric_limits<qint64>::max();
        qint64 high = std::numeric_limits<qint64>::min();
        QSet<qint64> wanted;
        wanted.reserve(keys.size());
        for (const QVariantList &k : keys) {
            bool ok = false;
            const qint64 v = k.first().toLongLong(&ok);
            numeric = numeric && ok && !k.first().isNull();
            if (!numeric)
                break;
            low = std::min(low, v);
            high = std::max(high, v);
            wanted.insert(v);
        }
        // At most four rows read per row asked for, however sparse the page.
        if (numeric && double(high) - double(low) + 1 <= 4.0 * double(keys.size())) {
            const QString sql = u"SELECT "_s + codec.selectList() + u" FROM "_s
                    + d.readSourceWhere(table, d.quote(keyColumns.first()) + u" >= "_s
                                                       + d.placeholder(*single) + u" AND "_s
                                                       + d.quote(keyColumns.first()) + u" <= "_s
                                                       + d.placeholder(*single));
            QSqlQuery q = conn.exec(sql, {codec.toDriver(keyColumns, QVariantList{QVariant(low)}).first(),
                                          codec.toDriver(keyColumns, QVariantList{QVariant(high)}).first()});
            while (q.next()) {
                QVariantList row = codec.readRow(q);
                const QVariant &key = row.at(keyIndexes.first());
                bool ok = false;
                const qint64 v = key.toLongLong(&ok);
                if (ok && !key.isNull() && wanted.contains(v))
                    rows.insert(keyIdentity({key}), std::move(row));
            }
            if (q.lastError().isValid())
                throw conn.failure(conn.describe() + u" (key range lookup in '"_s + table
                                           + u"')"_s,
                                   q.lastError(), sql);
            return rows;
        }
    }
    // Keep each statement well inside the bind limit and small enough for the parser.
    const int perChunk = std::max(1, std::min(500, d.maxBindValues() / int(keyColumns.size())));
    const QString head = u"SELECT "_s + codec.selectList() + u" FROM "_s;
    for (qsizetype start = 0; start < keys.size(); start += perChunk) {
        const qsizetype n = std::min<qsizetype>(perChunk, keys.size() - start);
        QVariantList binds;
        binds.reserve(n * keyColumns.size());
        for (qsizetype i = start; i < start + n; ++i)
            binds << codec.toDriver(keyColumns, keys.at(i));
        const QString sql = head + d.readSourceWhere(table, d.keyIn(keyColumns, int(n)));
        QSqlQuery q = conn.exec(sql, binds);
        while (q.next()) {
            QVariantList row = codec.readRow(q);
            QVariantList key;
            for (int i : keyIndexes)
                key << row.at(i);
            rows.insert(keyIdentity(key), std::move(row));
        }
        if (q.lastError().isValid())
            throw conn.failure(conn.describe() + u" (key lookup in '"_s + table + u"')"_s,
                                   q.lastError(), sql);
    }
    return rows;
}

} // namespace tidemark
