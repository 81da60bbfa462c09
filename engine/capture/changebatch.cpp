#include "capture/changebatch.h"

#include "sync/keylookup.h"

namespace tidemark {

void ChangeBatch::add(const QVariantList &key, bool remove)
{
    const QString id = keyIdentity(key);
    if (!m_changes.contains(id))
        m_order << id;
    m_changes[id] = Change{key, remove};
}

void ChangeBatch::addTruncate()
{
    m_changes.clear();
    m_order.clear();
    m_truncates = true;
}

QList<QVariantList> ChangeBatch::keys() const
{
    QList<QVariantList> keys;
    for (const QString &id : m_order)
        keys << m_changes.constFind(id)->key;
    return keys;
}

QList<QVariantList> ChangeBatch::keysWhere(bool remove) const
{
    QList<QVariantList> keys;
    for (const QString &id : m_order) {
        const Change &c = *m_changes.constFind(id);
        if (c.remove == remove)
            keys << c.key;
    }
    return keys;
}

} // namespace tidemark
