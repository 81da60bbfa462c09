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
    // Every row of the table (Dialect::deleteAllRows); returns how many went.
    qint64 deleteAll();

private:
    // One multi-row statement: rows [first, next). `built`: every value was converted, so a
    // failure from here on is the database's.
    struct Statement
    {
        qsizetype first = 0;
        qsizetype next = 0;
        bool built = false;
    };
    // The statement that starts at st.first, setting st.next past its last row: writeBound()
    // runs it with bound values; buildLiterals() writes it into `sql` with the values as
    // literals, or returns false when a value has no literal.
    void writeBound(const QList<QVariantList> &rows, Statement &st);
    bool buildLiterals(const QList<QVariantList> &rows, Statement &st, QString &sql);
    QString keyText(const QVariantList &row) const;

    DbConnection &m_mirror;
    const TableSchema &m_schema;
    TableCodec m_codec;
    QString m_table;
    QStringList m_columns;
    QStringList m_key;
    QList<int> m_keyIndexes;
    QStringList m_placeholders;
};

} // namespace tidemark
