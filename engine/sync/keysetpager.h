#pragma once
// Reads a table page by page in the order of `orderColumns`, each page starting strictly after
// the last row of the one before:  WHERE (k1, k2) > (?, ?) ORDER BY k1, k2 LIMIT n.
// Never OFFSET: offset pagination skips rows when rows before the offset are deleted between
// two pages. Memory is bounded by the page size, not by the table.

#include "db/tablecodec.h"

#include <QString>
#include <QStringList>
#include <QVariantList>

namespace tidemark {

class DbConnection;

class KeysetPager
{
public:
    // `orderColumns` must be a subset of `selectColumns`. `filter` is an extra SQL condition
    // (already quoted) with its own `filterBinds`, ANDed to every page.
    // Rows come out as canonical values (db/tablecodec.h); `schema` describes `table`.
    // `filterBinds` are bound as given (the caller converts them with its own codec).
    KeysetPager(DbConnection &conn, const TableSchema &schema, QString table,
                QStringList selectColumns, QStringList orderColumns, int pageRows,
                QString filter = {}, QVariantList filterBinds = {});

    // Continue strictly after this position (values of orderColumns).
    void startAfter(const QVariantList &position);

    // Fills `page` with the next rows (values in selectColumns order); false at the end.
    bool next(QList<QVariantList> &page);

    const QVariantList &position() const { return m_position; }
    qint64 rowsRead() const { return m_rowsRead; }

private:
    DbConnection &m_conn;
    TableCodec m_codec;
    QString m_table;
    QStringList m_select;
    QStringList m_order;
    QList<int> m_orderIndexes;
    int m_pageRows;
    QString m_filter;
    QVariantList m_filterBinds;
    QVariantList m_position;
    bool m_done = false;
    qint64 m_rowsRead = 0;
};

} // namespace tidemark
