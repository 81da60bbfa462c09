#include "runhistorymodel.h"

#include "displayformat.h"

#include <QBrush>
#include <QColor>
#include <QLocale>

using namespace Qt::StringLiterals;

namespace tidemark {

namespace {

bool sameRun(const RunRecord &a, const RunRecord &b)
{
    return a.kind == b.kind && a.startedAt == b.startedAt && a.finishedAt == b.finishedAt
            && a.result == b.result && a.rowsWritten == b.rowsWritten
            && a.rowsDeleted == b.rowsDeleted;
}

QString rowsText(const RunRecord &run)
{
    QString text = QLocale().toString(run.rowsWritten);
    if (run.rowsDeleted > 0)
        text += u" (−%1)"_s.arg(QLocale().toString(run.rowsDeleted));
    return text;
}

} // namespace

RunHistoryModel::RunHistoryModel(QObject *parent) : QAbstractTableModel(parent) {}

bool RunHistoryModel::isTrouble(const RunRecord &run)
{
    return run.result == u"error" || run.result == u"refused";
}

void RunHistoryModel::setHistory(const QList<RunRecord> &history)
{
    // The common case several times a second: nothing new. Then: a few runs appended (and the
    // oldest dropped past the engine's limit). Both keep the view's scroll position.
    qsizetype dropped = 0;
    while (dropped < m_runs.size()) {
        const qsizetype kept = m_runs.size() - dropped;
        bool prefix = kept <= history.size();
        for (qsizetype i = 0; prefix && i < kept; ++i)
            prefix = sameRun(m_runs.at(dropped + i), history.at(i));
        if (prefix)
            break;
        ++dropped;
    }
    if (m_runs.isEmpty() || dropped == m_runs.size()) {
        if (m_runs.isEmpty() && history.isEmpty())
            return;
        beginResetModel();
        m_runs = history;
        endResetModel();
        return;
    }
    if (dropped > 0) {
        // The oldest runs are the bottom rows.
        const int rows = int(m_runs.size());
        beginRemoveRows({}, rows - int(dropped), rows - 1);
        m_runs.remove(0, dropped);
        endRemoveRows();
    }
    const qsizetype added = history.size() - m_runs.size();
    if (added > 0) {
        beginInsertRows({}, 0, int(added) - 1);
        m_runs = history;
        endInsertRows();
    } else {
        m_runs = history;   // equal runs; keep the newest copies
    }
}

int RunHistoryModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_runs.size());
}

int RunHistoryModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RunHistoryModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const RunRecord &run = runAt(index.row());
    const QString reason = run.error.isEmpty() ? run.note : run.error;
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case KindColumn: return run.kind;
        case StartColumn: return display::time(run.startedAt);
        case DurationColumn:
            return run.durationS() < 60
                    ? tr("%1 s").arg(QLocale().toString(run.durationS(), 'f', 1))
                    : display::duration(run.durationS());
        case RowsColumn: return rowsText(run);
        case ResultColumn: return run.result;
        case ReasonColumn: return reason.section(u'\n', 0, 0);
        }
        return {};
    case Qt::ToolTipRole:
        if (index.column() == ReasonColumn || index.column() == ResultColumn)
            return reason.isEmpty() ? QVariant() : QVariant(reason);
        if (index.column() == RowsColumn)
            return tr("%1 rows written, %2 deleted")
                    .arg(QLocale().toString(run.rowsWritten), QLocale().toString(run.rowsDeleted));
        return {};
    case Qt::TextAlignmentRole:
        return int((index.column() == RowsColumn || index.column() == DurationColumn
                            ? Qt::AlignRight
                            : Qt::AlignLeft)
                   | Qt::AlignVCenter);
    case Qt::ForegroundRole:
        if (isTrouble(run))
            return QBrush(QColor(0x9a, 0x1c, 0x1c));
        if (run.result == u"skipped" || run.result == u"cancelled")
            return QBrush(QColor(0x6b, 0x6b, 0x6b));
        return {};
    default:
        return {};
    }
}

QVariant RunHistoryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (role == Qt::DisplayRole) {
        switch (section) {
        case KindColumn: return tr("Run");
        case StartColumn: return tr("Started");
        case DurationColumn: return tr("Took");
        case RowsColumn: return tr("Rows");
        case ResultColumn: return tr("Result");
        case ReasonColumn: return tr("Reason / note");
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case KindColumn: return tr("sync, backfill, sweep, resync or prepare.");
        case StartColumn: return tr("When the run started.");
        case DurationColumn: return tr("How long it ran.");
        case RowsColumn: return tr("Rows written to the mirror (and deleted, after −).");
        case ResultColumn: return tr("ok, skipped, refused, error or cancelled.");
        case ReasonColumn:
            return tr("Why a run was skipped, refused or failed; what an ok run did.");
        }
    }
    return QAbstractTableModel::headerData(section, orientation, role);
}

} // namespace tidemark
