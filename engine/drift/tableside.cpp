#include "drift/tableside.h"

#include "db/dbconnection.h"
#include "db/dberror.h"
#include "db/valuecodec.h"
#include "sync/keylookup.h"

#include <QSqlError>
#include <QSqlQuery>

using namespace Qt::StringLiterals;

namespace tidemark {


bool TableSide::sqlCanHash(const Dialect &dialect, const ColumnInfo &column, const HashRule &rule)
{
    return !dialect.hashPayload(column, rule).isEmpty();
}

TableSide::TableSide(DbConnection &conn, const TableSchema &schema, QString table,
                     QStringList columns, QStringList key, QList<HashRule> rules,
                     QList<int> clientColumns)
    : m_conn(conn)
    , m_dialect(conn.dialect())
    , m_schema(schema)
    , m_table(std::move(table))
    , m_columns(std::move(columns))
    , m_key(std::move(key))
    , m_rules(std::move(rules))
    , m_clientColumns(std::move(clientColumns))
    , m_codec(conn.dialect(), m_schema, m_columns)
{
    Q_ASSERT(m_rules.size() == m_columns.size());
    QList<ColumnInfo> hashed;
    QList<HashRule> hashedRules;
    for (qsizetype i = 0; i < m_columns.size(); ++i) {
        if (m_clientColumns.contains(int(i)))
            continue;
        hashed << m_codec.column(i);
        hashedRules << m_rules.at(i);
    }
    if (!hashed.isEmpty())
        m_hashExpr = m_dialect.rowHashExpression(m_conn, hashed, hashedRules);
    for (const QString &k : m_key) {
        const qsizetype i = m_columns.indexOf(k);
        Q_ASSERT(i >= 0);
        m_keyIndexes << int(i);
        m_keyExprs << m_dialect.binaryKeyExpression(m_conn, m_table, m_codec.column(i));
    }
    m_orderBy = u" ORDER BY "_s + m_keyExprs.join(u", "_s);
    QStringList names;
    for (int p : keyAndClientPositions()) {
        names << m_columns.at(p);
        m_keyAndClientRules << m_rules.at(p);
    }
    m_keyAndClientCodec.emplace(m_dialect, m_schema, names);
}

QList<int> TableSide::keyAndClientPositions() const
{
    QList<int> positions = m_keyIndexes;
    for (int c : m_clientColumns)
        if (!positions.contains(c))
            positions << c;
    return positions;
}

// The columns this side's SQL (or the other's) cannot hash exactly are hashed here, with the
// row's key, so that values swapped between rows still change a sum.
quint64 TableSide::clientHash(const QVariantList &keyAndClientValues) const
{
    return m_clientColumns.isEmpty() ? 0 : rowHash(keyAndClientValues, m_keyAndClientRules);
}

DbError TableSide::readFailure(const QSqlQuery &q, const QString &sql) const
{
    return m_conn.failure(m_conn.describe() + u" (reading '"_s + m_table + u"')"_s, q.lastError(),
                          sql);
}

namespace {

quint64 sqlHash(const QVariant &v, const DbConnection &conn, const QString &sql)
{
    if (const std::optional<quint64> h = hashValue(v))
        return *h;
    throw DbError(DbError::Kind::Permanent,
                  conn.describe() + u": a row hash or sum that is not an integer: "_s
                          + v.toString(),
                  sql);
}

} // namespace

QString TableSide::compare(const char *op, const QVariantList &values, QVariantList &binds) const
{
    Q_ASSERT(values.size() == m_keyExprs.size());
    const QVariantList driver = m_codec.toDriver(m_key, values);
    const QString o = QString::fromLatin1(op);
    if (m_keyExprs.size() == 1) {
        binds << driver.first();
        return m_keyExprs.first() + u' ' + o + u" ?"_s;
    }
    if (!m_dialect.expandsRowComparisons()) {
        QStringList marks;
        for (qsizetype i = 0; i < driver.size(); ++i)
            marks << u"?"_s;
        binds << driver;
        return u"("_s + m_keyExprs.join(u", "_s) + u") "_s + o + u" ("_s + marks.join(u", "_s)
                + u')';
    }
    // (a > ?) OR (a = ? AND b > ?) ...: only the last column takes the operator as given; the
    // ones before it are strict.
    const QString strict = o.startsWith(u'>') ? u">"_s : u"<"_s;
    QStringList terms;
    for (qsizetype i = 0; i < m_keyExprs.size(); ++i) {
        QStringList parts;
        for (qsizetype j = 0; j < i; ++j) {
            parts << m_keyExprs.at(j) + u" = ?"_s;
            binds << driver.at(j);
        }
        const bool last = i == m_keyExprs.size() - 1;
        parts << m_keyExprs.at(i) + u' ' + (last ? o : strict) + u" ?"_s;
        binds << driver.at(i);
        terms << u"("_s + parts.join(u" AND "_s) + u')';
    }
    return u"("_s + terms.join(u" OR "_s) + u')';
}

QString TableSide::condition(const KeyRange &range, const QVariantList &after,
                             QVariantList &binds) const
{
    QStringList conditions;
    for (const QString &k : m_key)
        conditions << m_dialect.quote(k) + u" IS NOT NULL"_s;
    if (!range.lo.isEmpty())
        conditions << compare(range.loInclusive ? ">=" : ">", range.lo, binds);
    if (!range.hi.isEmpty())
        conditions << compare("<=", range.hi, binds);
    if (!after.isEmpty())
        conditions << compare(">", after, binds);
    return conditions.join(u" AND "_s);
}

QString keyRangeFilter(DbConnection &conn, const TableSchema &schema, const QString &table,
                       const QStringList &key, const KeyRange &range, QVariantList &binds)
{
    QList<HashRule> rules;
    QList<int> unhashed;   // nothing is hashed: no hash expression is built
    for (qsizetype i = 0; i < key.size(); ++i) {
        rules << HashRule{};
        unhashed << int(i);
    }
    const TableSide side(conn, schema, table, key, key, rules, unhashed);
    return side.condition(range, {}, binds);
}

qint64 TableSide::count(const KeyRange &range)
{
    QVariantList binds;
    const QString sql = u"SELECT COUNT(*) FROM "_s
            + m_dialect.readSourceWhere(m_table, condition(range, {}, binds));
    return m_conn.scalar(sql, binds).toLongLong();
}

SegmentChecksum TableSide::checksum(const KeyRange &range)
{
    SegmentChecksum result;
    QVariantList binds;
    const QString from = m_dialect.readSourceWhere(m_table, condition(range, {}, binds));
    if (m_hashExpr.isEmpty()) {
        result.rows = m_conn.scalar(u"SELECT COUNT(*) FROM "_s + from, binds).toLongLong();
    } else {
        const QString sql = u"SELECT "_s + m_dialect.hashSums(u"h"_s) + u" FROM (SELECT "_s
                + m_hashExpr + u" AS h FROM "_s + from + u") s"_s;
        QSqlQuery q = m_conn.exec(sql, binds);
        if (!q.next())
            throw m_conn.failure(m_conn.describe() + u" (checksum of '"_s + m_table + u"')"_s,
                                 q.lastError(), sql);
        result.rows = q.value(0).toLongLong();
        result.sum = (sqlHash(q.value(1), m_conn, sql) << 32) + sqlHash(q.value(2), m_conn, sql);
    }
    if (!m_clientColumns.isEmpty()) {
        QVariantList streamBinds;
        const QString sql = u"SELECT "_s + m_keyAndClientCodec->selectList() + u" FROM "_s
                + m_dialect.readSourceWhere(m_table, condition(range, {}, streamBinds));
        QSqlQuery q = m_conn.exec(sql, streamBinds);
        while (q.next())
            result.sum += clientHash(m_keyAndClientCodec->readRow(q));
        if (q.lastError().isValid())
            throw readFailure(q, sql);
    }
    return result;
}

QList<KeyHash> TableSide::hashes(const KeyRange &range, const QVariantList &after, int limit)
{
    QVariantList binds;
    const QString sql = u"SELECT "_s + m_keyAndClientCodec->selectList()
            + (m_hashExpr.isEmpty() ? QString() : u", "_s + m_hashExpr) + u" FROM "_s
            + m_dialect.readSourceWhere(m_table, condition(range, after, binds)) + m_orderBy
            + m_dialect.limit(limit);
    QSqlQuery q = m_conn.exec(sql, binds, false);
    const int keys = int(m_keyIndexes.size());
    const int hashColumn = int(m_keyAndClientRules.size());
    QList<KeyHash> out;
    out.reserve(limit);
    while (q.next()) {
        QVariantList values = m_keyAndClientCodec->readRow(q);
        KeyHash row;
        row.hash = clientHash(values);
        if (!m_hashExpr.isEmpty())
            row.hash += sqlHash(q.value(hashColumn), m_conn, sql);
        values.resize(keys);
        row.key = std::move(values);
        out << std::move(row);
    }
    if (q.lastError().isValid())
        throw readFailure(q, sql);
    return out;
}

std::optional<QVariantList> TableSide::keyAt(const KeyRange &range, qint64 offset)
{
    const TableCodec keyCodec(m_dialect, m_schema, m_key);
    QVariantList binds;
    const QString sql = u"SELECT "_s + keyCodec.selectList() + u" FROM "_s
            + m_dialect.readSourceWhere(m_table, condition(range, {}, binds)) + m_orderBy
            + m_dialect.limit(1)
            + u" OFFSET "_s + QString::number(offset);
    QSqlQuery q = m_conn.exec(sql, binds);
    if (q.next())
        return keyCodec.readRow(q);
    if (q.lastError().isValid())
        throw readFailure(q, sql);
    return std::nullopt;
}

QList<QVariantList> TableSide::rows(const KeyRange &range, const QVariantList &after, int limit)
{
    QVariantList binds;
    const QString sql = u"SELECT "_s + m_codec.selectList() + u" FROM "_s
            + m_dialect.readSourceWhere(m_table, condition(range, after, binds)) + m_orderBy
            + m_dialect.limit(limit);
    QSqlQuery q = m_conn.exec(sql, binds, false);
    QList<QVariantList> out;
    while (q.next())
        out << m_codec.readRow(q);
    if (q.lastError().isValid())
        throw readFailure(q, sql);
    return out;
}

QHash<QString, QVariantList> TableSide::rowsByKeys(const QList<QVariantList> &keys)
{
    return fetchRowsByKeys(m_conn, m_schema, m_table, m_columns, m_key, keys);
}

int compareKeys(const QVariantList &a, const QVariantList &b, const QList<ValueClass> &classes)
{
    for (qsizetype i = 0; i < a.size() && i < b.size(); ++i) {
        const QVariant &x = a.at(i);
        const QVariant &y = b.at(i);
        const ValueClass c = i < classes.size() ? classes.at(i) : ValueClass::Unknown;
        int r = 0;
        const bool xText = x.metaType().id() == QMetaType::QString
                || x.metaType().id() == QMetaType::QByteArray;
        const bool yText = y.metaType().id() == QMetaType::QString
                || y.metaType().id() == QMetaType::QByteArray;
        const bool bytewise = c == ValueClass::Text || c == ValueClass::Json
                || c == ValueClass::Blob || c == ValueClass::Unknown || c == ValueClass::Date;
        if (bytewise && xText && yText) {
            const QByteArray xb = x.metaType().id() == QMetaType::QByteArray ? x.toByteArray()
                                                                             : x.toString().toUtf8();
            const QByteArray yb = y.metaType().id() == QMetaType::QByteArray ? y.toByteArray()
                                                                             : y.toString().toUtf8();
            r = xb < yb ? -1 : (yb < xb ? 1 : 0);
        } else if (const std::optional<int> o = compareValues(x, y, c)) {
            r = *o;
        } else {
            const QString xs = displayText(x);
            const QString ys = displayText(y);
            r = xs < ys ? -1 : (ys < xs ? 1 : 0);
        }
        if (r != 0)
            return r < 0 ? -1 : 1;
    }
    return 0;
}

} // namespace tidemark
