#pragma once
// The mappings table: one row per mapping, adapted from the engine's status snapshots.
//
// Each snapshot is diffed against the previous one: only rows whose shown values changed emit
// dataChanged, and mappings that appear or go are inserted or removed. A full reset on every
// snapshot (several a second) would drop the view's selection and scroll position and make the
// table flicker while an operator is trying to click a row.

#include "api/types.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>

#include <optional>

namespace tidemark {

class MappingsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        NameColumn,
        RouteColumn,
        StateColumn,
        BacklogColumn,
        OrphansColumn,
        NullCursorColumn,
        CheckpointColumn,
        LagColumn,
        LastSyncColumn,
        RowsPerSecondColumn,
        NextRunColumn,
        DriftColumn,
        LastErrorColumn,
        ColumnCount
    };
    Q_ENUM(Column)

    enum Role {
        MappingNameRole = Qt::UserRole + 1, // QString: the mapping's name, whatever the column
        SortRole,                           // raw value to sort by (numbers as numbers)
        StateRole,                          // int: tidemark::MappingState
        InTroubleRole,                      // bool: error or waiting
        SearchTextRole,                     // QString: what the filter field matches
    };
    Q_ENUM(Role)

    explicit MappingsModel(QObject *parent = nullptr);

    // Applies a new snapshot (the whole list of mappings) by diffing it against the current one.
    void setMappings(const QList<MappingStatus> &mappings);
    // Forgets every row (the engine was replaced).
    void clear();
    // The Next run column counts down ("in 12 s"); the window calls this once a second so the
    // countdown moves between snapshots, which only arrive when something changed.
    void refreshCountdowns();
    // A drift check or repair of `mapping` is running (the engine's driftProgressed), or, with
    // nullopt, ended: the Drift cell says "checking… 42%" meanwhile.
    void setDriftProgress(const QString &mapping, const std::optional<Progress> &progress);

    const QList<MappingStatus> &mappings() const { return m_rows; }
    // -1 when there is no such mapping.
    int rowOf(const QString &name) const;
    const MappingStatus *mapping(const QString &name) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    // The text shown for a value the engine has not measured yet.
    static QString unknownText();
    static bool isInTrouble(MappingState state);
    // The checkpoint as one line: "2026-01-01 10:00:00 / key 42", or "none".
    static QString checkpointText(const Checkpoint &checkpoint);
    // The latest drift check in a few words: "equal · 3 min ago", "3 differences (1 drift) ·
    // 3 min ago", or unknownText() before any check.
    static QString driftText(const MappingStatus &status,
                             const QDateTime &now = QDateTime::currentDateTimeUtc());
    // "checking… 42%", "checking…" (no total known yet), "repairing… 10%".
    static QString driftBusyText(const Progress &progress);
    // validate's warnings as "Warnings:" and one "• ..." line each (Name tooltip, detail pane).
    static QString warningsList(const QStringList &warnings);

private:
    static QVariant cellData(const MappingStatus &status, int column, int role);
    // The first and last columns whose shown values differ, or {-1, -1}.
    static std::pair<int, int> changedColumns(const MappingStatus &before,
                                              const MappingStatus &after);

    QList<MappingStatus> m_rows;   // in the order mappings first appeared; the view sorts
    QHash<QString, Progress> m_driftBusy;   // drift checks and repairs in hand, by mapping
};

} // namespace tidemark
