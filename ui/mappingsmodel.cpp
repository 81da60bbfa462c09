#include "mappingsmodel.h"

#include "displayformat.h"
#include "mappingcells.h"

#include <QBrush>
#include <QColor>
#include <QFont>
#include <QApplication>
#include <QHash>
#include <QIcon>
#include <QLocale>
#include <QStyle>
#include <QSet>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace tidemark {

using namespace cells;


MappingsModel::MappingsModel(QObject *parent) : QAbstractTableModel(parent) {}

QString MappingsModel::unknownText()
{
    return display::unknown();
}

QString MappingsModel::checkpointText(const Checkpoint &cp)
{
    if (cp.isNull())
        return tr("none");
    QStringList key;
    for (const QVariant &part : cp.key)
        key << part.toString();
    return tr("%1 / key %2").arg(cp.cursor.toString(), key.join(u", "_s));
}

QString MappingsModel::warningsList(const QStringList &warnings)
{
    QString text = warnings.size() == 1 ? tr("Warning:") : tr("Warnings:");
    for (const QString &w : warnings)
        text += u"\n• "_s + w;
    return text;
}

void MappingsModel::refreshCountdowns()
{
    if (m_rows.isEmpty())
        return;
    // Only the columns that count time: the view repaints strips, not the table.
    for (int column : {int(NextRunColumn), int(DriftColumn)})
        Q_EMIT dataChanged(index(0, column), index(int(m_rows.size()) - 1, column),
                           {Qt::DisplayRole, Qt::ToolTipRole});
}

QString MappingsModel::driftText(const MappingStatus &s, const QDateTime &now)
{
    if (!s.drift)
        return unknownText();
    const DriftSummary &d = *s.drift;
    QString text;
    if (d.differences() == 0)
        text = tr("equal");
    else if (d.driftRows > 0)
        text = tr("%1 differences (%2 drift)")
                       .arg(QLocale().toString(d.differences()), QLocale().toString(d.driftRows));
    else
        text = tr("%1 differences").arg(QLocale().toString(d.differences()));
    if (d.checkedAt.isValid())
        text += u" · "_s
                + tr("%1 ago").arg(
                        display::duration(double(std::max<qint64>(0, d.checkedAt.secsTo(now)))));
    return text;
}

QString MappingsModel::driftBusyText(const Progress &p)
{
    QString text = p.phase.startsWith(u"repair"_s) ? tr("repairing…") : tr("checking…");
    if (p.rowsTotal > 0)
        text += u" %1%"_s.arg(std::clamp<qint64>(100 * p.rowsDone / p.rowsTotal, 0, 100));
    return text;
}

void MappingsModel::setDriftProgress(const QString &mapping, const std::optional<Progress> &p)
{
    if (p)
        m_driftBusy.insert(mapping, *p);
    else if (!m_driftBusy.remove(mapping))
        return;
    const int row = rowOf(mapping);
    if (row >= 0)
        Q_EMIT dataChanged(index(row, DriftColumn), index(row, DriftColumn), {Qt::DisplayRole});
}

bool MappingsModel::isInTrouble(MappingState state)
{
    return state == MappingState::Error || state == MappingState::Waiting;
}

void MappingsModel::setMappings(const QList<MappingStatus> &mappings)
{
    QSet<QString> incoming;
    incoming.reserve(mappings.size());
    for (const MappingStatus &s : mappings)
        incoming.insert(s.name);

    // Mappings that went: remove contiguous runs, last first, so earlier rows keep their index.
    for (int row = int(m_rows.size()) - 1; row >= 0; --row) {
        if (incoming.contains(m_rows.at(row).name))
            continue;
        const int last = row;
        while (row > 0 && !incoming.contains(m_rows.at(row - 1).name))
            --row;
        beginRemoveRows({}, row, last);
        m_rows.remove(row, last - row + 1);
        endRemoveRows();
    }

    QHash<QString, int> rowByName;
    rowByName.reserve(m_rows.size());
    for (int row = 0; row < m_rows.size(); ++row)
        rowByName.insert(m_rows.at(row).name, row);

    QList<MappingStatus> appeared;
    for (const MappingStatus &s : mappings) {
        const auto it = rowByName.constFind(s.name);
        if (it == rowByName.constEnd()) {
            appeared.append(s);
            continue;
        }
        const int row = it.value();
        const auto [first, last] = changedColumns(m_rows.at(row), s);
        // Stored even when nothing shown changed: mapping() hands out the newest snapshot.
        m_rows[row] = s;
        if (first >= 0)
            Q_EMIT dataChanged(index(row, first), index(row, last));
    }

    if (!appeared.isEmpty()) {
        const int first = int(m_rows.size());
        beginInsertRows({}, first, first + int(appeared.size()) - 1);
        m_rows.append(appeared);
        endInsertRows();
    }
}

void MappingsModel::clear()
{
    if (m_rows.isEmpty())
        return;
    beginResetModel();
    m_rows.clear();
    m_driftBusy.clear();
    endResetModel();
}

int MappingsModel::rowOf(const QString &name) const
{
    for (int row = 0; row < m_rows.size(); ++row) {
        if (m_rows.at(row).name == name)
            return row;
    }
    return -1;
}

const MappingStatus *MappingsModel::mapping(const QString &name) const
{
    const int row = rowOf(name);
    return row < 0 ? nullptr : &m_rows.at(row);
}

int MappingsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int MappingsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant MappingsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const MappingStatus &s = m_rows.at(index.row());
    // A check or repair in hand says so in the Drift cell; its counts come back when it ends.
    if (index.column() == DriftColumn && role == Qt::DisplayRole) {
        const auto busy = m_driftBusy.constFind(s.name);
        if (busy != m_driftBusy.cend())
            return driftBusyText(*busy);
    }
    return cellData(s, index.column(), role);
}

QVariant MappingsModel::cellData(const MappingStatus &s, int column, int role)
{
    const bool trouble = isInTrouble(s.state);
    switch (role) {
    case MappingNameRole:
        return s.name;
    case StateRole:
        return int(s.state);
    case InTroubleRole:
        return trouble;
    case SearchTextRole:
        // Name, route, state and error: what an operator types to find "the one failing on pg".
        return QString(s.name + u' ' + s.source + u' ' + s.mirror + u' '
                       + mappingStateName(s.state) + u' ' + s.operation + u' ' + s.lastError);
    case Qt::DecorationRole:
        // Trouble is said three ways: the State text, an icon, and colour. The icon lets a
        // colour-blind operator (or a greyscale screenshot) find the row at a glance.
        if (column == NameColumn && trouble && qApp) {
            return QApplication::style()->standardIcon(s.state == MappingState::Error
                                                               ? QStyle::SP_MessageBoxCritical
                                                               : QStyle::SP_MessageBoxWarning);
        }
        // validate's warnings (a cursor that cannot order commits well, no index on it): the
        // mapping runs, so no colour, but the name says there is something to read.
        if (column == NameColumn && !s.warnings.isEmpty() && qApp)
            return QApplication::style()->standardIcon(QStyle::SP_MessageBoxInformation);
        return {};
    case Qt::TextAlignmentRole:
        // An int, not Qt::Alignment: that is what the delegate and the model tester read.
        return int((isNumericColumn(column) ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignVCenter);
    case Qt::BackgroundRole:
        // Colour only reinforces what the State text already says; both colours are light
        // with a dark foreground below, so they stay readable on light and dark themes.
        // The Drift cell says its own thing unless the whole row is in trouble: red for
        // differences nothing scheduled fixes, amber for those the sync or sweep will, green
        // for equal.
        if (column == DriftColumn && !trouble && s.drift) {
            if (s.drift->driftRows > 0)
                return QBrush(QColor(0xfd, 0xdc, 0xdc));
            if (s.drift->differences() > 0)
                return QBrush(QColor(0xfd, 0xf0, 0xc4));
            return QBrush(QColor(0xdc, 0xf5, 0xdc));
        }
        if (s.state == MappingState::Error)
            return QBrush(QColor(0xfd, 0xdc, 0xdc));
        if (s.state == MappingState::Waiting)
            return QBrush(QColor(0xfd, 0xf0, 0xc4));
        return {};
    case Qt::ForegroundRole:
        if (column == DriftColumn && !trouble && s.drift) {
            if (s.drift->driftRows > 0)
                return QBrush(QColor(0x7a, 0x12, 0x12));
            if (s.drift->differences() > 0)
                return QBrush(QColor(0x6b, 0x40, 0x05));
            return QBrush(QColor(0x1b, 0x5e, 0x20));
        }
        if (s.state == MappingState::Error)
            return QBrush(QColor(0x7a, 0x12, 0x12));
        if (s.state == MappingState::Waiting)
            return QBrush(QColor(0x6b, 0x40, 0x05));
        return {};
    case Qt::FontRole:
        if (trouble && column == StateColumn) {
            QFont font;
            font.setBold(true);
            return font;
        }
        return {};
    default:
        break;
    }

    if (role == Qt::DisplayRole) {
        switch (column) {
        case NameColumn: return s.name;
        case RouteColumn: return u"%1 → %2"_s.arg(s.source, s.mirror);
        case StateColumn: return stateText(s);
        case BacklogColumn: return formatCount(s.backlog);
        case OrphansColumn: return s.orphans ? formatCount(*s.orphans) : unknownText();
        case NullCursorColumn:
            // Without a cursor there is nothing to be NULL: every pass is a keyset pass.
            return s.hasCursor ? formatCount(s.nullCursorRows) : unknownText();
        case CheckpointColumn:
            // A captured mapping resumes from the change log's number, not from the cursor.
            if (s.capture)
                return s.capture->appliedSeq ? tr("log #%1").arg(*s.capture->appliedSeq)
                                             : unknownText();
            return s.hasCursor ? checkpointText(s.checkpoint) : unknownText();
        case LagColumn: return display::lag(s);
        case LastSyncColumn: return formatTime(s.lastSyncAt);
        case RowsPerSecondColumn: return formatRate(s);
        case NextRunColumn: return nextRunText(s);
        case DriftColumn: return driftText(s);
        case LastErrorColumn: return s.lastError.section(u'\n', 0, 0);
        }
        return {};
    }

    if (role == SortRole) {
        switch (column) {
        case NameColumn: return s.name;
        case RouteColumn: return QString(s.source + u" " + s.mirror);
        case StateColumn: return stateSeverityRank(s.state);
        case BacklogColumn: return s.backlog;
        case OrphansColumn: return s.orphans.value_or(-1);
        case NullCursorColumn: return s.hasCursor ? s.nullCursorRows : qint64(-1);
        case CheckpointColumn:
            return s.capture ? QVariant(s.capture->appliedSeq.value_or(-1)) : s.checkpoint.cursor;
        case LagColumn: return s.lag.value_or(-1.0);
        case LastSyncColumn: return s.lastSyncAt;
        case RowsPerSecondColumn: return s.rowsPerSecond;
        case NextRunColumn: return s.nextRunAt;
        case DriftColumn: return s.drift ? s.drift->differences() : qint64(-1);
        case LastErrorColumn: return s.lastError;
        }
        return {};
    }

    if (role == Qt::ToolTipRole) {
        switch (column) {
        case NameColumn:
            return QString(u"%1: %2 → %3"_s.arg(s.name, s.source, s.mirror) + warningsText(s));
        case RouteColumn:
        {
            QString text = tr("Reads %1, writes %2.\nSource rows: %3, mirror rows: %4.")
                                   .arg(s.source, s.mirror, formatCount(s.sourceRows),
                                        formatCount(s.mirrorRows));
            // Large tables are counted less often than they are synced (run/countbudget.h).
            if (s.rowsCountedAt.isValid())
                text += u'\n'
                        + tr("Counted at %1.")
                                  .arg(QLocale().toString(s.rowsCountedAt.toLocalTime().time(),
                                                          QLocale::LongFormat));
            return text;
        }
        case StateColumn:
            return stateToolTip(s);
        case BacklogColumn:
            if (!s.hasCursor)
                return tr("No cursor column: every sync is a full keyset pass.");
            if (s.backlog < 0)
                return tr("Not measured yet.");
            return tr("%1 source rows past the checkpoint.\nCheckpoint: %2")
                    .arg(QLocale().toString(s.backlog), checkpointToolTip(s.checkpoint));
        case OrphansColumn:
            return s.orphans ? tr("%1 mirror rows whose key is gone from the source.")
                                       .arg(QLocale().toString(*s.orphans))
                             : tr("Not measured yet: an orphan sweep measures it.");
        case NullCursorColumn:
            if (!s.hasCursor)
                return tr("No cursor column.");
            return tr("%1 source rows have a NULL cursor; incremental sync cannot see them, "
                      "only a backfill copies them.")
                    .arg(QLocale().toString(s.nullCursorRows));
        case LastSyncColumn: {
            QString text = s.lastSyncAt.isValid()
                    ? tr("Last successful sync or backfill: %1")
                              .arg(QLocale().toString(s.lastSyncAt.toLocalTime(),
                                                      QLocale::LongFormat))
                    : tr("No successful sync or backfill yet.");
            if (s.lastRun)
                text += u"\n"_s + lastRunText(*s.lastRun);
            return text;
        }
        case CheckpointColumn:
            if (s.capture)
                return tr("Changes are captured by triggers: each sync applies the change log after"
                          " this number, in commit order.");
            if (!s.hasCursor)
                return tr("No cursor column: there is no checkpoint; every sync is a full keyset "
                          "pass.");
            return tr("Incremental sync resumes after: %1").arg(checkpointToolTip(s.checkpoint));
        case LagColumn:
            if (!s.lag)
                return s.hasCursor ? tr("Not measured yet.")
                                   : tr("No cursor column: lag cannot be measured.");
            return s.lagInSeconds
                    ? tr("The mirror trails the source's newest change by %1.").arg(display::lag(s))
                    : tr("The mirror trails the source's newest cursor value by %1 (cursor "
                         "units).")
                              .arg(display::lag(s));
        case RowsPerSecondColumn:
            return s.lastRun ? tr("%1 rows written to the mirror per second.").arg(formatRate(s))
                             : tr("No run has finished yet.");
        case NextRunColumn:
            if (s.state == MappingState::Paused)
                return tr("Paused: no scheduled runs until resumed.");
            return s.nextRunAt.isValid()
                    ? tr("Next scheduled run at %1.")
                              .arg(QLocale().toString(s.nextRunAt.toLocalTime(),
                                                      QLocale::LongFormat))
                    : tr("No run scheduled.");
        case DriftColumn:
            if (!s.drift)
                return tr("No drift check has run yet (Drift tab: Check now).");
            return tr("Checked %1 in %2: %3 missing, %4 extra, %5 changed; %6 of them nothing "
                      "scheduled will fix (reason drift). Source %7 rows, mirror %8.")
                    .arg(formatTime(s.drift->checkedAt),
                         display::duration(s.drift->durationMs / 1000.0),
                         QLocale().toString(s.drift->missing), QLocale().toString(s.drift->extra),
                         QLocale().toString(s.drift->changed),
                         QLocale().toString(s.drift->driftRows),
                         QLocale().toString(s.drift->sourceRows),
                         QLocale().toString(s.drift->mirrorRows));
        case LastErrorColumn:
            return s.lastError.isEmpty() ? QVariant() : QVariant(s.lastError);
        }
        return {};
    }
    return {};
}

std::pair<int, int> MappingsModel::changedColumns(const MappingStatus &before,
                                                  const MappingStatus &after)
{
    // Colours and fonts follow the state and cover the whole row.
    if (before.state != after.state)
        return {0, ColumnCount - 1};
    int first = -1;
    int last = -1;
    for (int column = 0; column < ColumnCount; ++column) {
        for (int role : {int(Qt::DisplayRole), int(Qt::ToolTipRole), int(SortRole)}) {
            if (cellData(before, column, role) != cellData(after, column, role)) {
                if (first < 0)
                    first = column;
                last = column;
                break;
            }
        }
    }
    return {first, last};
}

QVariant MappingsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return QAbstractTableModel::headerData(section, orientation, role);

    if (role == Qt::DisplayRole) {
        switch (section) {
        case NameColumn: return tr("Name");
        case RouteColumn: return tr("Source → Mirror");
        case StateColumn: return tr("State");
        case BacklogColumn: return tr("Backlog");
        case OrphansColumn: return tr("Orphans");
        case NullCursorColumn: return tr("NULL cursor");
        case CheckpointColumn: return tr("Checkpoint");
        case LagColumn: return tr("Lag");
        case LastSyncColumn: return tr("Last sync");
        case RowsPerSecondColumn: return tr("Rows/s");
        case NextRunColumn: return tr("Next run");
        case DriftColumn: return tr("Drift");
        case LastErrorColumn: return tr("Last error");
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case NameColumn: return tr("The mapping's name in the project file.");
        case RouteColumn:
            return tr("Where rows are read (connection:table) and where they are written.");
        case StateColumn:
            return tr("What the mapping is doing: idle, running (with the operation and its "
                      "progress), waiting (an endpoint is unreachable; the next attempt is "
                      "scheduled), paused, or error.");
        case BacklogColumn:
            return tr("Source rows past the checkpoint: what the next sync must write.");
        case OrphansColumn:
            return tr("Mirror rows whose key is gone from the source: what the next orphan "
                      "sweep would delete. — until first measured.");
        case NullCursorColumn:
            return tr("Source rows whose cursor column is NULL: incremental sync cannot see "
                      "them; only a backfill copies them.");
        case CheckpointColumn:
            return tr("Where incremental sync resumes: the cursor value and key of the last "
                      "source row written to the mirror.");
        case LagColumn:
            return tr("How far the mirror trails: the source's newest cursor minus the "
                      "checkpoint (a time span for date/time cursors, cursor units for numeric "
                      "ones).");
        case LastSyncColumn: return tr("When the last successful sync or backfill finished.");
        case RowsPerSecondColumn:
            return tr("Rows written to the mirror per second, averaged over the last minute.");
        case NextRunColumn:
            return tr("When the scheduler runs the mapping next (counting down), or paused.");
        case DriftColumn:
            return tr("The latest drift check (Drift tab, or verify_interval_s): how many rows "
                      "differ between source and mirror, how many of them nothing scheduled will "
                      "fix, and how long ago. Red: a repair or backfill is needed.");
        case LastErrorColumn:
            return tr("The most recent error, if any. Hover a cell for the whole message.");
        }
    }
    if (role == Qt::TextAlignmentRole)
        return int((isNumericColumn(section) ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignVCenter);
    return QAbstractTableModel::headerData(section, orientation, role);
}

QHash<int, QByteArray> MappingsModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(MappingNameRole, "mappingName");
    names.insert(SortRole, "sortValue");
    names.insert(StateRole, "state");
    names.insert(InTroubleRole, "inTrouble");
    return names;
}

} // namespace tidemark
