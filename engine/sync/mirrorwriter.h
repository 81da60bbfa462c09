#pragma once
// Writes rows into the mirror table: multi-row upserts sized to the dialect's bind limit and a
// byte budget, and deletes by key. The caller owns the transaction.

#include <QList>
#include <QString>
#include <QStringList>
#include <QVariantList>

namespace tidemark {

class DbConnection;

class MirrorWriter
{
public:
    MirrorWriter(DbConnection &mirror, QString table, QStringList columns, QStringList key);

    void upsert(const QList<QVariantList> &rows);
    qint64 deleteKeys(const QList<QVariantList> &keys);

private:
    DbConnection &m_mirror;
    QString m_table;
    QStringList m_columns;
    QStringList m_key;
    QList<int> m_keyIndexes;
};

} // namespace tidemark
