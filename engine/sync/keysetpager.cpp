#include "sync/keysetpager.h"

#include "db/dbconnection.h"
#include "db/dberror.h"
#include "db/valuecodec.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>

using namespace Qt::StringLiterals;

namespace tidemark {

KeysetPager::KeysetPager(DbConnection &conn, const TableSchema &schema, QString table,
                         QStringList selectColumns, QStringList orderColumns, int pageRows,
                         QString filter, QVariantList filterBinds)
    : m_conn(conn)
    , m_codec(conn.dialect(), schema, selectColumns)
    , m_table(std::move(table))
    , m_select(std::move(selectColumns))
    , m_order(std::move(orderColumns))
    , m_pageRows(pageRows)
    , m_filter(std::move(filter))
    , m_filterBinds(std::move(filterBinds))
{
    Q_ASSERT(m_pageRows > 0);
    for (const QString &c : m_order) {
        Q_ASSERT(m_select.contains(c));
        m_orderIndexes << int(m_select.indexOf(c));
    }
}

void KeysetPager::startAfter(const QVariantList &position)
{
    Q_ASSERT(position.isEmpty() || position.size() == m_order.size());
    m_position = position;
    m_done = false;
}

bool KeysetPager::next(QList<QVariantList> &page)
{
    page.clear();
    if (m_done)
        return false;
    const Dialect &d = m_conn.dialect();
    QStringList conditions;
    QVariantList binds;
    if (!m_filter.isEmpty()) {
        conditions << u"("_s + m_filter + u')';
        binds << m_filterBinds;
    }
    if (!m_position.isEmpty()) {
        conditions << d.rowGreaterThan(m_order);
        binds << d.bindRowValues(m_codec.toDriver(m_order, m_position));
    }
    QString sql = u"SELECT "_s + m_codec.selectList() + u" FROM "_s
            + d.readSourceWhere(m_table, conditions.join(u" AND "_s));
    sql += u" ORDER BY "_s + d.columnList(m_order) + d.limit(m_pageRows);

    // A page is bounded by LIMIT, so it is fetched whole: QPSQL streams a forward-only result
    // one row (one PGresult, one allocation) at a time, which cost the read-ahead thread a
    // third of its time. QMYSQL and QSQLITE hold a page either way.
    QSqlQuery q = m_conn.exec(sql, binds, false);
    while (q.next())
        page.append(m_codec.readRow(q));
    // next() also answers false when the read broke off; that must never look like the end of
    // the table, or the rows after the break would be skipped.
    if (q.lastError().isValid())
        throw m_conn.failure(m_conn.describe() + u" (reading '"_s + m_table + u"')"_s,
                               q.lastError(), sql);
    if (page.size() < m_pageRows)
        m_done = true;
    if (page.isEmpty())
        return false;
    QVariantList position;
    for (int i : m_orderIndexes)
        position << page.last().at(i);
    m_position = position;
    m_rowsRead += page.size();
    return true;
}

} // namespace tidemark
