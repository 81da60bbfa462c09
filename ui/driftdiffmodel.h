#pragma once
// The differences of one drift check as a table (key, kind, reason, changed columns), and the
// filter over it: by kind, by reason, by key text, by a segment's key range.

#include "api/drifttypes.h"

#include <QAbstractTableModel>
#include <QSortFilterProxyModel>

#include <optional>

namespace tidemark {

class DriftDiffModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { KeyColumn, KindColumn, ReasonColumn, ColumnsColumn, ColumnCount };
    Q_ENUM(Column)
    enum Role {
        KindRole = Qt::UserRole + 1,   // int: DiffKind
        ReasonRole,                    // int: DiffReason
        KeyTextRole,                   // QString: what the search matches
        RowIndexRole,                  // int: index into rows()
    };

    explicit DriftDiffModel(QObject *parent = nullptr);

    void setRows(const QList<RowDifference> &rows);
    const QList<RowDifference> &rows() const { return m_rows; }
    const RowDifference *difference(const QModelIndex &index) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    static QString reasonText(DiffReason reason);   // "drift: needs repair", ...
    static QColor kindColor(DiffKind kind);

private:
    QList<RowDifference> m_rows;
};

class DriftDiffFilter : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit DriftDiffFilter(QObject *parent = nullptr);

    void setKind(std::optional<DiffKind> kind);
    void setReason(std::optional<DiffReason> reason);
    void setKeySearch(const QString &text);   // a substring of the key's text
    // Only keys in this segment's range (empty lo/hi: open); nullopt: any key.
    void setRange(const std::optional<KeyRange> &range);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    std::optional<DiffKind> m_kind;
    std::optional<DiffReason> m_reason;
    QString m_search;
    std::optional<KeyRange> m_range;
};

// Compares two canonical keys column by column (numbers as numbers, text as text).
int compareKeys(const QVariantList &a, const QVariantList &b);

} // namespace tidemark
