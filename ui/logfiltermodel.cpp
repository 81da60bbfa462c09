#include "logfiltermodel.h"

#include "logview.h"

using namespace Qt::StringLiterals;

namespace tidemark {

LogFilterModel::LogFilterModel(QObject *parent) : QSortFilterProxyModel(parent)
{
    // New lines are filtered as they arrive; the order is the source's (oldest first).
    setDynamicSortFilter(true);
}

void LogFilterModel::setMinimumLevel(int level)
{
    if (level == m_minimumLevel)
        return;
    m_minimumLevel = level;
    invalidateFilter();
}

void LogFilterModel::setSearchText(const QString &text)
{
    if (text == m_search)
        return;
    m_search = text;
    invalidateFilter();
}

void LogFilterModel::setMapping(const QString &mapping)
{
    if (mapping == m_mapping)
        return;
    m_mapping = mapping;
    invalidateFilter();
}

bool LogFilterModel::mentionsMapping(const QString &message, const QString &mapping)
{
    // Quoted, so "orders" does not match "mapping 'orders_archive'".
    return message.contains(u"'%1'"_s.arg(mapping));
}

bool LogFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    if (index.data(LogModel::LevelRole).toInt() < m_minimumLevel)
        return false;
    if (!m_mapping.isEmpty()
        && !mentionsMapping(index.data(LogModel::MessageRole).toString(), m_mapping))
        return false;
    if (!m_search.isEmpty()
        && !index.data(Qt::DisplayRole).toString().contains(m_search, Qt::CaseInsensitive))
        return false;
    return true;
}

} // namespace tidemark
