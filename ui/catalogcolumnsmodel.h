#pragma once
// The source table's columns in the mapping editor, as the catalog describes them: which are
// copied to the mirror, and which form the key. A key column is always copied (rows are matched
// by their key, so the mirror needs it).

#include "db/tableschema.h"

#include <QAbstractTableModel>

namespace tidemark {

class CatalogColumnsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { CopyColumn, NameColumn, TypeColumn, NullColumn, KeyColumn, ColumnCount };

    explicit CatalogColumnsModel(QObject *parent = nullptr);

    // `columns` empty: every column is copied. Names not in the schema are ignored.
    void setSchema(const TableSchema &schema, const QStringList &key, const QStringList &columns);
    void clear();
    const TableSchema &schema() const { return m_schema; }

    // In the table's column order; the key in the order the columns were ticked.
    QStringList copiedColumns() const;
    QStringList keyColumns() const { return m_key; }
    bool allCopied() const;

    void setCopied(const QString &column, bool copied);
    void setKey(const QString &column, bool key);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    void selectionEdited(); // a Copy or Key box changed

private:
    void emitRowChanged(int row);

    TableSchema m_schema;
    QList<bool> m_copied; // per schema column
    QStringList m_key;
};

} // namespace tidemark
