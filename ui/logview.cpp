#include "logview.h"

#include "log/logging.h"

#include <QBrush>
#include <QColor>
#include <QFontDatabase>
#include <QListView>
#include <QScrollBar>

using namespace Qt::StringLiterals;

namespace tidemark {

LogModel::LogModel(std::shared_ptr<RingBufferSink> source, int maxRows, QObject *parent)
    : QAbstractListModel(parent),
      m_source(source ? std::move(source) : logRingBuffer()),
      m_maxRows(qMax(1, maxRows))
{
    m_pollTimer.setInterval(PollIntervalMs);
    connect(&m_pollTimer, &QTimer::timeout, this, &LogModel::poll);
    m_pollTimer.start();
}

void LogModel::poll()
{
    if (!m_source)
        return;
    QList<LogEntry> fresh = m_source->entriesSince(m_lastSequence);
    if (fresh.isEmpty())
        return;
    m_lastSequence = fresh.constLast().sequence;

    // More arrived than we keep: only the newest maxRows matter.
    if (fresh.size() > m_maxRows)
        fresh.remove(0, fresh.size() - m_maxRows);

    const int overflow = int(m_entries.size()) + int(fresh.size()) - m_maxRows;
    if (overflow > 0) {
        beginRemoveRows({}, 0, overflow - 1);
        m_entries.erase(m_entries.begin(), m_entries.begin() + overflow);
        endRemoveRows();
    }

    const int first = int(m_entries.size());
    beginInsertRows({}, first, first + int(fresh.size()) - 1);
    for (LogEntry &entry : fresh)
        m_entries.push_back(std::move(entry));
    endInsertRows();
}

int LogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

QString LogModel::levelText(spdlog::level::level_enum level)
{
    switch (level) {
    case spdlog::level::trace: return u"TRACE"_s;
    case spdlog::level::debug: return u"DEBUG"_s;
    case spdlog::level::info: return u"INFO"_s;
    case spdlog::level::warn: return u"WARN"_s;
    case spdlog::level::err: return u"ERROR"_s;
    case spdlog::level::critical: return u"CRIT"_s;
    default: return u"-"_s;
    }
}

QVariant LogModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const LogEntry &e = m_entries.at(size_t(index.row()));
    switch (role) {
    case Qt::DisplayRole:
        return u"%1  %2  %3  %4"_s.arg(e.time.toLocalTime().toString(u"HH:mm:ss.zzz"_s),
                                       levelText(e.level).leftJustified(5),
                                       e.logger, e.message);
    case Qt::ToolTipRole:
        return u"%1 %2 [%3]\n%4"_s.arg(e.time.toLocalTime().toString(Qt::ISODateWithMs),
                                       levelText(e.level), e.logger, e.message);
    case Qt::ForegroundRole:
        // The level word is in the text too; colour only helps the eye find it.
        if (e.level >= spdlog::level::err)
            return QBrush(QColor(0xb0, 0x1c, 0x1c));
        if (e.level == spdlog::level::warn)
            return QBrush(QColor(0x9a, 0x5b, 0x00));
        return {};
    case LevelRole: return int(e.level);
    case LoggerRole: return e.logger;
    case MessageRole: return e.message;
    case TimeRole: return e.time;
    case SequenceRole: return qulonglong(e.sequence);
    default: return {};
    }
}

QHash<int, QByteArray> LogModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert(LevelRole, "level");
    names.insert(LoggerRole, "logger");
    names.insert(MessageRole, "message");
    names.insert(TimeRole, "time");
    names.insert(SequenceRole, "sequence");
    return names;
}

LogView::LogView(LogModel *model, QWidget *parent)
    : QDockWidget(u"Log"_s, parent), m_list(new QListView(this))
{
    setObjectName(u"logDock"_s);
    setAccessibleName(u"Log"_s);
    setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable
                | QDockWidget::DockWidgetClosable);

    m_list->setObjectName(u"logList"_s);
    m_list->setAccessibleName(u"Engine log"_s);
    m_list->setModel(model);
    m_list->setUniformItemSizes(true);   // thousands of rows; skip measuring each
    m_list->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_list->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_list->setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    setWidget(m_list);

    connect(model, &QAbstractItemModel::rowsAboutToBeInserted, this,
            &LogView::handleRowsAboutToBeInserted);
    connect(model, &QAbstractItemModel::rowsInserted, this, &LogView::handleRowsInserted);
}

void LogView::handleRowsAboutToBeInserted()
{
    const QScrollBar *bar = m_list->verticalScrollBar();
    m_followTail = bar->value() >= bar->maximum();
}

void LogView::handleRowsInserted()
{
    if (m_followTail)
        m_list->scrollToBottom();
}

} // namespace tidemark
