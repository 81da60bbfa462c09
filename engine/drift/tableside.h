#pragma once
// One side of a mapping as the differ queries it: the table, its columns with their hash rules,
// the key in binary order, and the SQL the differ runs against it (segment checksums, boundary
// keys, ordered rows of a key range). Built in the side's own thread (binary key order may ask
// the catalog), then used only there.

#include "db/dberror.h"
#include "db/tablecodec.h"
#include "drift/rowencoding.h"

#include <QVariantList>

#include <optional>

namespace tidemark {

class DbConnection;

// A key range: rows with lo < key <= hi, or lo <= key with `loInclusive`. An empty bound is open.
struct KeyRange
{
    QVariantList lo;
    QVariantList hi;
    bool loInclusive = false;

    bool operator==(const KeyRange &) const = default;
};

struct SegmentChecksum
{
    qint64 rows = 0;
    quint64 sum = 0;   // of the rows' hashes, modulo 2^64

    bool operator==(const SegmentChecksum &) const = default;
};

// One row's key and hash, as a hash-merge reads them.
struct KeyHash
{
    QVariantList key;
    quint64 hash = 0;
};

class TableSide
{
public:
    // `columns` in the mapping's order, `key` their subset; `rules` one per column (the same
    // classes on both sides, see drift/rowencoding.h); `clientColumns` the positions in
    // `columns` whose payload either side's SQL cannot produce: those are hashed here in C++.
    TableSide(DbConnection &conn, const TableSchema &schema, QString table, QStringList columns,
              QStringList key, QList<HashRule> rules, QList<int> clientColumns);

    const QStringList &columns() const { return m_columns; }
    const QStringList &key() const { return m_key; }
    const QList<int> &keyIndexes() const { return m_keyIndexes; }

    qint64 count(const KeyRange &range);
    SegmentChecksum checksum(const KeyRange &range);
    // The key `offset` rows into the range in binary key order; nullopt past its end.
    std::optional<QVariantList> keyAt(const KeyRange &range, qint64 offset);
    // Up to `limit` rows' keys and hashes (the SQL hash plus the C++ one of the client columns,
    // as checksum() sums them) of the range after `after` (empty: from the start), in binary key
    // order: what a merge compares when only the differing keys matter, at a fraction of the
    // bytes of rows().
    QList<KeyHash> hashes(const KeyRange &range, const QVariantList &after, int limit);
    // Up to `limit` rows of the range after `after` (empty: from the start), in binary key order,
    // canonical values in columns() order.
    QList<QVariantList> rows(const KeyRange &range, const QVariantList &after, int limit);
    // The rows with these keys, canonical values in columns() order, keyed by keyIdentity().
    QHash<QString, QVariantList> rowsByKeys(const QList<QVariantList> &keys);

    // "key in range" (and past `after`), without the leading WHERE.
    QString condition(const KeyRange &range, const QVariantList &after, QVariantList &binds) const;

    // Can this dialect hash a column with this rule in SQL?
    static bool sqlCanHash(const Dialect &dialect, const ColumnInfo &column, const HashRule &rule);

private:
    QString compare(const char *op, const QVariantList &values, QVariantList &binds) const;
    // The key's and the client columns' positions in columns(), the key first.
    QList<int> keyAndClientPositions() const;
    quint64 clientHash(const QVariantList &keyAndClientValues) const;
    DbError readFailure(const QSqlQuery &q, const QString &sql) const;

    DbConnection &m_conn;
    const Dialect &m_dialect;
    TableSchema m_schema;
    QString m_table;
    QStringList m_columns;
    QStringList m_key;
    QList<int> m_keyIndexes;
    QList<HashRule> m_rules;
    QList<int> m_clientColumns;
    TableCodec m_codec;
    QStringList m_keyExprs;     // binary order
    QString m_hashExpr;         // over the SQL-hashed columns
    QString m_orderBy;
    QList<HashRule> m_keyAndClientRules;
    std::optional<TableCodec> m_keyAndClientCodec;
};

// The condition "key in `range`" for `table` on `conn`, in binary key order (the order diff
// uses), with its binds appended to `binds`; "1 = 1" for an open range.
QString keyRangeFilter(DbConnection &conn, const TableSchema &schema, const QString &table,
                       const QStringList &key, const KeyRange &range, QVariantList &binds);

// Orders two keys as the databases' binary key order does (UTF-8 bytes for text, numbers as
// numbers), with each key column's class.
int compareKeys(const QVariantList &a, const QVariantList &b, const QList<ValueClass> &classes);

} // namespace tidemark
