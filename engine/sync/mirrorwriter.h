#pragma once
// Writes rows into the mirror table: multi-row upserts sized to the dialect's bind limit and a
// byte budget, and deletes by key. The caller owns the transaction.

#include "db/tablecodec.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <QVariantList>

namespace tidemark {

class DbConnection;

struct WriteCounts
{
    qint64 inserted = 0;   // keys the mirror did not have
    qint64 updated = 0;    // keys whose row differed
    qint64 unchanged = 0;  // already equal: not written
    QList<qsizetype> writtenRows;   // positions (in the rows given) of the rows written
    qint64 written() const { return inserted + updated; }
};

class MirrorWriter
{
public:
    // Rows hold canonical values; `schema` describes the mirror table.
    MirrorWriter(DbConnection &mirror, const TableSchema &schema, QString table,
                 QStringList columns, QStringList key);

    // Upserts every row.
    // `keysAbsent`: none of the rows' keys is in the mirror (looked up in the caller's open
    // transaction), so the dialect may insert them without conflict handling.
    void upsert(const QList<QVariantList> &rows, bool keysAbsent = false);
    // Reads what the mirror holds for these rows' keys and upserts only the rows that are
    // missing or different (backfill, lookback re-reads): a pass over an in-sync table writes
    // nothing, and its counts say exactly what was wrong.
    WriteCounts upsertChanged(const QList<QVariantList> &rows, bool write = true);
    qint64 deleteKeys(const QList<QVariantList> &keys);

private:
    DbConnection &m_mirror;
    const TableSchema &m_schema;
    TableCodec m_codec;
    QString m_table;
    QStringList m_columns;
    QStringList m_key;
    QList<int> m_keyIndexes;
};

} // namespace tidemark
