#include "driftdiffmodel.h"

#include "drift/keytext.h"

#include <QBrush>
#include <QColor>

using namespace Qt::StringLiterals;

namespace tidemark {

int compareKeys(const QVariantList &a, const QVariantList &b)
{
    for (qsizetype i = 0; i < std::min(a.size(), b.size()); ++i) {
        const QPartialOrdering order = QVariant::compare(a.at(i), b.at(i));
        if (order == QPartialOrdering::Less)
            return -1;
        if (order == QPartialOrdering::Greater)
            return 1;
        if (order == QPartialOrdering::Unordered) {
            const int c = a.at(i).toString().compare(b.at(i).toString());
            if (c != 0)
                return c < 0 ? -1 : 1;
        }
    }
    return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
}

DriftDiffModel::DriftDiffModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void DriftDiffModel::setRows(const QList<RowDifference> &rows)
{
    // A new check is a new list: a reset is right here (unlike the live mappings table).
    beginResetModel();
    m_rows = rows;
    endResetModel();
}

const RowDifference *DriftDiffModel::difference(const QModelIndex &index) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return nullptr;
    return &m_rows.at(index.row());
}

int DriftDiffModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int DriftDiffModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString DriftDiffModel::reasonText(DiffReason reason)
{
    switch (reason) {
    case DiffReason::Backlog: return tr("backlog: next sync writes it");
    case DiffReason::Orphan: return tr("orphan: next sweep deletes it");
    case DiffReason::NullCursor: return tr("NULL cursor: only a backfill brings it");
    case DiffReason::Drift: return tr("drift: needs a repair");
    }
    return {};
}

QColor DriftDiffModel::kindColor(DiffKind kind)
{
    switch (kind) {
    case DiffKind::Missing: return QColor(0xe3, 0xf2, 0xfd);
    case DiffKind::Extra: return QColor(0xfd, 0xf0, 0xc4);
    case DiffKind::Changed: return QColor(0xfd, 0xdc, 0xdc);
    }
    return {};
}

QVariant DriftDiffModel::data(const QModelIndex &index, int role) const
{
    const RowDifference *d = difference(index);
    if (!d)
        return {};
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case KeyColumn: return keyText(d->key);
        case KindColumn: return diffKindName(d->kind);
        case ReasonColumn: return diffReasonName(d->reason);
        case ColumnsColumn: return d->columns.join(u", "_s);
        }
        return {};
    case Qt::ToolTipRole:
        if (index.column() == ReasonColumn)
            return reasonText(d->reason);
        if (index.column() == KindColumn) {
            switch (d->kind) {
            case DiffKind::Missing: return tr("In the source, not in the mirror.");
            case DiffKind::Extra: return tr("In the mirror, not in the source.");
            case DiffKind::Changed: return tr("In both; the listed columns differ.");
            }
        }
        return {};
    case Qt::BackgroundRole:
        return index.column() == KindColumn ? QVariant(QBrush(kindColor(d->kind))) : QVariant();
    case Qt::ForegroundRole:
        // Reason drift is the one an operator must act on.
        if (index.column() == ReasonColumn && d->reason == DiffReason::Drift)
            return QBrush(QColor(0x7a, 0x12, 0x12));
        return {};
    case KindRole: return int(d->kind);
    case ReasonRole: return int(d->reason);
    case KeyTextRole: return keyText(d->key);
    case RowIndexRole: return index.row();
    default: return {};
    }
}

QVariant DriftDiffModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case KeyColumn: return tr("Key");
    case KindColumn: return tr("Kind");
    case ReasonColumn: return tr("Reason");
    case ColumnsColumn: return tr("Changed columns");
    }
    return {};
}

DriftDiffFilter::DriftDiffFilter(QObject *parent)
    : QSortFilterProxyModel(parent)
{
}

void DriftDiffFilter::setKind(std::optional<DiffKind> kind)
{
    m_kind = kind;
    invalidateFilter();
}

void DriftDiffFilter::setReason(std::optional<DiffReason> reason)
{
    m_reason = reason;
    invalidateFilter();
}

void DriftDiffFilter::setKeySearch(const QString &text)
{
    m_search = text.trimmed();
    invalidateFilter();
}

void DriftDiffFilter::setRange(const std::optional<KeyRange> &range)
{
    m_range = range;
    invalidateFilter();
}

bool DriftDiffFilter::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    auto *model = qobject_cast<DriftDiffModel *>(sourceModel());
    if (!model)
        return true;
    const RowDifference *d = model->difference(model->index(sourceRow, 0, sourceParent));
    if (!d)
        return false;
    if (m_kind && d->kind != *m_kind)
        return false;
    if (m_reason && d->reason != *m_reason)
        return false;
    if (!m_search.isEmpty() && !keyText(d->key).contains(m_search, Qt::CaseInsensitive))
        return false;
    if (m_range) {
        if (!m_range->lo.isEmpty()) {
            const int c = compareKeys(d->key, m_range->lo);
            if (c < 0 || (c == 0 && !m_range->loInclusive))
                return false;
        }
        if (!m_range->hi.isEmpty() && compareKeys(d->key, m_range->hi) > 0)
            return false;
    }
    return true;
}

} // namespace tidemark
