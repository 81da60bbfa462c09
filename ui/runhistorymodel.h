#pragma once
// The selected mapping's recent runs (MappingStatus::history), newest first: kind, start,
// duration, rows, result and the reason a run was skipped, refused or failed.

#include "api/types.h"

#include <QAbstractTableModel>

namespace tidemark {

class RunHistoryModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { KindColumn, StartColumn, DurationColumn, RowsColumn, ResultColumn,
                  ReasonColumn, ColumnCount };
    Q_ENUM(Column)

    explicit RunHistoryModel(QObject *parent = nullptr);

    // `history` oldest first, as the engine keeps it. Appending runs insert rows at the top;
    // anything else resets.
    void setHistory(const QList<RunRecord> &history);
    const QList<RunRecord> &history() const { return m_runs; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    static bool isTrouble(const RunRecord &run);

private:
    const RunRecord &runAt(int row) const { return m_runs.at(m_runs.size() - 1 - row); }
    QList<RunRecord> m_runs;   // oldest first; row 0 shows the last
};

} // namespace tidemark
