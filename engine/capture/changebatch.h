#pragma once
// One batch of a table's change-log rows, collapsed to what its mirror needs: the last
// operation per key, keys in the order they first changed, and whether the table was
// truncated (capture/capturepass.h applies it).
//
// A truncate is a barrier in the collapse. Every row the table had went with it, so the mirror
// is emptied, and only the operations logged after the last truncate of the batch are applied
// on top. Those logged before it are dropped, which is what applying them first comes to: an
// upsert re-reads the live row, which the truncate removed (a key inserted again afterwards has
// a later log row of its own), and a delete removes a row that the emptying removes anyway. So
// "insert k1, truncate, insert k2" in one batch empties the mirror and upserts k2, and a batch
// that ends with its truncate empties the mirror; the batch's checkpoint, the last number read,
// commits with both in the same mirror transaction.

#include <QHash>
#include <QList>
#include <QStringList>
#include <QVariantList>

namespace tidemark {

class ChangeBatch
{
public:
    // The next log row, in number order: a change of `key` (`remove`: a delete), or a truncate.
    void add(const QVariantList &key, bool remove);
    void addTruncate();

    bool truncates() const { return m_truncates; }
    // After the last truncate: the keys whose last operation upserts, and those it deletes,
    // each in the order the keys first changed.
    QList<QVariantList> upsertKeys() const { return keysWhere(false); }
    // Both together, in the order the keys first changed: the consumer reads them all again
    // from the source, and the live row, not the operation, decides.
    QList<QVariantList> keys() const;
    QList<QVariantList> deleteKeys() const { return keysWhere(true); }

private:
    struct Change
    {
        QVariantList key;
        bool remove = false;
    };
    QList<QVariantList> keysWhere(bool remove) const;

    QHash<QString, Change> m_changes; // by keyIdentity()
    QStringList m_order;
    bool m_truncates = false;
};

} // namespace tidemark
