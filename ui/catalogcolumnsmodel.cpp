#include "catalogcolumnsmodel.h"

using namespace Qt::StringLiterals;

namespace tidemark {

CatalogColumnsModel::CatalogColumnsModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void CatalogColumnsModel::setSchema(const TableSchema &schema, const QStringList &key,
                                    const QStringList &columns)
{
    beginResetModel();
    m_schema = schema;
    m_copied.clear();
    m_key.clear();
    for (const ColumnInfo &c : schema.columns)
        m_copied.append(columns.isEmpty() || columns.contains(c.name));
    for (const QString &k : key) {
        for (qsizetype i = 0; i < schema.columns.size(); ++i) {
            if (schema.columns.at(i).name == k) {
                m_key.append(k);
                m_copied[i] = true;
            }
        }
    }
    endResetModel();
}

void CatalogColumnsModel::clear()
{
    setSchema({}, {}, {});
}

QStringList CatalogColumnsModel::copiedColumns() const
{
    QStringList out;
    for (qsizetype i = 0; i < m_schema.columns.size(); ++i) {
        if (m_copied.at(i))
            out << m_schema.columns.at(i).name;
    }
    return out;
}

bool CatalogColumnsModel::allCopied() const
{
    return !m_copied.contains(false);
}

void CatalogColumnsModel::emitRowChanged(int row)
{
    Q_EMIT dataChanged(index(row, CopyColumn), index(row, KeyColumn),
                       {Qt::CheckStateRole, Qt::DisplayRole});
}

void CatalogColumnsModel::setCopied(const QString &column, bool copied)
{
    for (qsizetype i = 0; i < m_schema.columns.size(); ++i) {
        if (m_schema.columns.at(i).name != column || m_copied.at(i) == copied)
            continue;
        m_copied[i] = copied;
        if (!copied)
            m_key.removeAll(column); // a key column the mirror does not hold cannot be the key
        emitRowChanged(int(i));
        Q_EMIT selectionEdited();
    }
}

void CatalogColumnsModel::setKey(const QString &column, bool key)
{
    for (qsizetype i = 0; i < m_schema.columns.size(); ++i) {
        if (m_schema.columns.at(i).name != column || m_key.contains(column) == key)
            continue;
        if (key) {
            m_key.append(column);
            m_copied[i] = true;
        } else {
            m_key.removeAll(column);
        }
        emitRowChanged(int(i));
        Q_EMIT selectionEdited();
    }
}

int CatalogColumnsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_schema.columns.size());
}

int CatalogColumnsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant CatalogColumnsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ColumnInfo &c = m_schema.columns.at(index.row());
    const bool isKey = m_key.contains(c.name);
    switch (index.column()) {
    case CopyColumn:
        if (role == Qt::CheckStateRole)
            return m_copied.at(index.row()) ? Qt::Checked : Qt::Unchecked;
        if (role == Qt::ToolTipRole)
            return isKey ? tr("Key columns are always copied")
                         : tr("Copy this column to the mirror");
        break;
    case NameColumn:
        if (role == Qt::DisplayRole)
            return c.name;
        break;
    case TypeColumn:
        if (role == Qt::DisplayRole)
            return c.declaredType;
        break;
    case NullColumn:
        if (role == Qt::DisplayRole)
            return c.nullable ? tr("NULL") : tr("NOT NULL");
        break;
    case KeyColumn:
        if (role == Qt::CheckStateRole)
            return isKey ? Qt::Checked : Qt::Unchecked;
        if (role == Qt::DisplayRole && isKey && m_key.size() > 1)
            return QString::number(m_key.indexOf(c.name) + 1); // position in a composite key
        if (role == Qt::ToolTipRole)
            return m_schema.primaryKey.contains(c.name)
                    ? tr("Part of the table's primary key")
                    : tr("Rows are matched between source and mirror by their key");
        break;
    default: break;
    }
    return {};
}

bool CatalogColumnsModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)
        || role != Qt::CheckStateRole)
        return false;
    const bool on = value.value<Qt::CheckState>() == Qt::Checked;
    const QString name = m_schema.columns.at(index.row()).name;
    if (index.column() == CopyColumn) {
        setCopied(name, on);
        return true;
    }
    if (index.column() == KeyColumn) {
        setKey(name, on);
        return true;
    }
    return false;
}

Qt::ItemFlags CatalogColumnsModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    Qt::ItemFlags f = Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemNeverHasChildren;
    if (index.column() == KeyColumn)
        f |= Qt::ItemIsUserCheckable;
    // A key column's Copy box is fixed: the mirror must hold the key.
    if (index.column() == CopyColumn
        && !m_key.contains(m_schema.columns.at(index.row()).name))
        f |= Qt::ItemIsUserCheckable;
    return f;
}

QVariant CatalogColumnsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (role == Qt::DisplayRole) {
        switch (section) {
        case CopyColumn: return tr("Copy");
        case NameColumn: return tr("Column");
        case TypeColumn: return tr("Type");
        case NullColumn: return tr("NULL?");
        case KeyColumn: return tr("Key");
        default: break;
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case CopyColumn: return tr("Copied to the mirror");
        case NullColumn: return tr("Whether the column allows NULL");
        case KeyColumn: return tr("The columns rows are matched by (in key order)");
        default: break;
        }
    }
    return {};
}

} // namespace tidemark
