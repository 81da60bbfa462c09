#pragma once
// The connections panel's table: one row per connection of the project, from the engine's
// batched connectionsChanged snapshots. Like MappingsModel it diffs each snapshot into
// dataChanged for the cells that changed, so a selected row stays selected while the
// countdown to the next attempt runs.

#include "api/types.h"

#include <QAbstractTableModel>
#include <QDateTime>
#include <QList>

namespace tidemark {

class ConnectionsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        NameColumn,
        StateColumn,
        SinceColumn,
        NextAttemptColumn,
        LastErrorColumn,
        ColumnCount
    };
    Q_ENUM(Column)

    enum Role {
        ConnectionNameRole = Qt::UserRole + 1,  // QString, on every column
        StateRole,                              // int: tidemark::ConnectionState
        SortRole,
    };
    Q_ENUM(Role)

    explicit ConnectionsModel(QObject *parent = nullptr);

    void setConnections(const QList<ConnectionStatus> &connections);
    void clear();
    // Moves the "in 12 s" countdowns on; the panel calls it once a second.
    void refreshCountdowns();
    // The clock the countdowns are measured against (tests pin it).
    void setNow(const QDateTime &now) { m_now = now; }

    const QList<ConnectionStatus> &connections() const { return m_rows; }
    int rowOf(const QString &name) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    // "Connected", "Reconnecting (attempt 3)", ...: the words that carry the state, so it
    // never rests on colour alone.
    static QString stateText(const ConnectionStatus &status);
    // A colour per state (green, grey, red, amber) for the badge beside the text.
    static QColor stateColor(ConnectionState state);
    static bool isDown(ConnectionState state);

private:
    QVariant cellData(const ConnectionStatus &status, int column, int role) const;
    QDateTime now() const;

    QList<ConnectionStatus> m_rows;
    QDateTime m_now;   // invalid: the real clock
};

} // namespace tidemark
