#include "connectionsmodel.h"

#include "displayformat.h"

#include <QBrush>
#include <QColor>
#include <QFont>
#include <QLocale>
#include <QSet>

using namespace Qt::StringLiterals;

namespace tidemark {

ConnectionsModel::ConnectionsModel(QObject *parent) : QAbstractTableModel(parent) {}

bool ConnectionsModel::isDown(ConnectionState state)
{
    return state == ConnectionState::Disconnected || state == ConnectionState::Reconnecting;
}

QString ConnectionsModel::stateText(const ConnectionStatus &c)
{
    switch (c.state) {
    case ConnectionState::NeverConnected: return tr("Never connected");
    case ConnectionState::Connected: return tr("Connected");
    case ConnectionState::Disconnected:
        return c.attempts > 0 ? tr("Disconnected (%n failed attempts)", nullptr, c.attempts)
                              : tr("Disconnected");
    case ConnectionState::Reconnecting:
        return c.attempts > 0 ? tr("Reconnecting (attempt %1)").arg(c.attempts + 1)
                              : tr("Reconnecting");
    }
    return {};
}

QColor ConnectionsModel::stateColor(ConnectionState state)
{
    switch (state) {
    case ConnectionState::NeverConnected: return QColor(0x9e, 0x9e, 0x9e);
    case ConnectionState::Connected: return QColor(0x2e, 0x9d, 0x4a);
    case ConnectionState::Disconnected: return QColor(0xd3, 0x2f, 0x2f);
    case ConnectionState::Reconnecting: return QColor(0xf0, 0xa0, 0x20);
    }
    return {};
}

QDateTime ConnectionsModel::now() const
{
    return m_now.isValid() ? m_now : QDateTime::currentDateTimeUtc();
}

void ConnectionsModel::setConnections(const QList<ConnectionStatus> &connections)
{
    // Connections are the project's: they only change with the project. When the set changes
    // we reset; otherwise diff cell by cell.
    bool sameSet = connections.size() == m_rows.size();
    for (int i = 0; sameSet && i < connections.size(); ++i)
        sameSet = connections.at(i).name == m_rows.at(i).name;
    if (!sameSet) {
        beginResetModel();
        m_rows = connections;
        endResetModel();
        return;
    }
    for (int row = 0; row < m_rows.size(); ++row) {
        const ConnectionStatus before = m_rows.at(row);
        m_rows[row] = connections.at(row);
        int first = -1;
        int last = -1;
        for (int column = 0; column < ColumnCount; ++column) {
            for (int role : {int(Qt::DisplayRole), int(Qt::ToolTipRole)}) {
                if (cellData(before, column, role) != cellData(m_rows.at(row), column, role)) {
                    if (first < 0)
                        first = column;
                    last = column;
                    break;
                }
            }
        }
        if (before.state != m_rows.at(row).state) {
            first = 0;
            last = ColumnCount - 1;
        }
        if (first >= 0)
            Q_EMIT dataChanged(index(row, first), index(row, last));
    }
}

void ConnectionsModel::clear()
{
    if (m_rows.isEmpty())
        return;
    beginResetModel();
    m_rows.clear();
    endResetModel();
}

void ConnectionsModel::refreshCountdowns()
{
    if (m_rows.isEmpty())
        return;
    Q_EMIT dataChanged(index(0, SinceColumn), index(int(m_rows.size()) - 1, NextAttemptColumn),
                       {Qt::DisplayRole, Qt::ToolTipRole});
}

int ConnectionsModel::rowOf(const QString &name) const
{
    for (int row = 0; row < m_rows.size(); ++row) {
        if (m_rows.at(row).name == name)
            return row;
    }
    return -1;
}

int ConnectionsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ConnectionsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ConnectionsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    return cellData(m_rows.at(index.row()), index.column(), role);
}

QVariant ConnectionsModel::cellData(const ConnectionStatus &c, int column, int role) const
{
    switch (role) {
    case ConnectionNameRole: return c.name;
    case StateRole: return int(c.state);
    case Qt::DecorationRole:
        if (column == StateColumn)
            return stateColor(c.state);   // the view draws a swatch beside the words
        return {};
    case Qt::FontRole:
        if (column == StateColumn && isDown(c.state)) {
            QFont font;
            font.setBold(true);
            return font;
        }
        return {};
    case Qt::ForegroundRole:
        if (column == LastErrorColumn && isDown(c.state))
            return QBrush(QColor(0x9a, 0x1c, 0x1c));
        return {};
    default:
        break;
    }

    const QDateTime current = now();
    if (role == Qt::DisplayRole) {
        switch (column) {
        case NameColumn: return c.name;
        case StateColumn: return stateText(c);
        case SinceColumn:
            return c.since.isValid() ? display::duration(c.since.secsTo(current))
                                     : display::unknown();
        case NextAttemptColumn:
            if (c.state == ConnectionState::Connected)
                return QString();
            return c.nextAttemptAt.isValid() ? display::countdown(c.nextAttemptAt, current)
                                             : display::unknown();
        case LastErrorColumn:
            if (c.lastError.isEmpty())
                return QString();
            return c.lastErrorAt.isValid()
                    ? u"%1 (%2)"_s.arg(c.lastError.section(u'\n', 0, 0),
                                       display::time(c.lastErrorAt))
                    : c.lastError.section(u'\n', 0, 0);
        }
        return {};
    }
    if (role == SortRole) {
        switch (column) {
        case NameColumn: return c.name;
        case StateColumn: return int(c.state);
        case SinceColumn: return c.since;
        case NextAttemptColumn: return c.nextAttemptAt;
        case LastErrorColumn: return c.lastError;
        }
        return {};
    }
    if (role == Qt::ToolTipRole) {
        switch (column) {
        case NameColumn: {
            QString text = c.description.isEmpty() ? c.name : u"%1: %2"_s.arg(c.name, c.description);
            if (!c.mappings.isEmpty())
                text += u'\n' + tr("Used by: %1").arg(c.mappings.join(u", "_s));
            return text;
        }
        case StateColumn: return tr("%1 since %2.").arg(stateText(c), display::time(c.since));
        case SinceColumn:
            return c.since.isValid()
                    ? tr("In this state since %1.")
                              .arg(QLocale().toString(c.since.toLocalTime(), QLocale::LongFormat))
                    : QVariant();
        case NextAttemptColumn:
            return c.nextAttemptAt.isValid()
                    ? tr("Next connection attempt at %1. Reconnect now tries at once.")
                              .arg(display::time(c.nextAttemptAt))
                    : QVariant();
        case LastErrorColumn:
            if (c.lastError.isEmpty())
                return QVariant();
            return c.lastErrorAt.isValid()
                    ? tr("%1\n(at %2)")
                              .arg(c.lastError,
                                   QLocale().toString(c.lastErrorAt.toLocalTime(),
                                                      QLocale::LongFormat))
                    : c.lastError;
        }
        return {};
    }
    return {};
}

QVariant ConnectionsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (role == Qt::DisplayRole) {
        switch (section) {
        case NameColumn: return tr("Connection");
        case StateColumn: return tr("State");
        case SinceColumn: return tr("For");
        case NextAttemptColumn: return tr("Next attempt");
        case LastErrorColumn: return tr("Last error");
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case NameColumn: return tr("The connection's name in the project file.");
        case StateColumn:
            return tr("Never connected, connected, disconnected (lost; waiting for the next "
                      "attempt) or reconnecting (an attempt is under way or scheduled).");
        case SinceColumn: return tr("How long the connection has been in this state.");
        case NextAttemptColumn:
            return tr("Time until the engine tries to connect again (the delay grows after each "
                      "failure). Reconnect now tries at once.");
        case LastErrorColumn:
            return tr("The last error the database or the network reported, and when.");
        }
    }
    return QAbstractTableModel::headerData(section, orientation, role);
}

} // namespace tidemark
