#include "logview.h"

#include "logfiltermodel.h"
#include "log/logging.h"

#include <QAction>
#include <QApplication>
#include <QBrush>
#include <QCheckBox>
#include <QClipboard>
#include <QColor>
#include <QComboBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QScrollBar>
#include <QStyle>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>

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
    : QDockWidget(tr("Log"), parent)
    , m_list(new QListView(this))
    , m_filter(new LogFilterModel(this))
{
    setObjectName(u"logDock"_s);
    setAccessibleName(tr("Log"));
    setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable
                | QDockWidget::DockWidgetClosable);

    m_filter->setSourceModel(model);

    m_level = new QComboBox(this);
    m_level->setObjectName(u"logLevel"_s);
    m_level->setAccessibleName(tr("Minimum log level"));
    m_level->setToolTip(tr("Show lines at this level and above"));
    m_level->addItem(tr("All levels"), int(spdlog::level::trace));
    m_level->addItem(tr("Info and above"), int(spdlog::level::info));
    m_level->addItem(tr("Warnings and errors"), int(spdlog::level::warn));
    m_level->addItem(tr("Errors only"), int(spdlog::level::err));
    connect(m_level, &QComboBox::currentIndexChanged, this,
            [this](int) { m_filter->setMinimumLevel(m_level->currentData().toInt()); });

    m_search = new QLineEdit(this);
    m_search->setObjectName(u"logSearch"_s);
    m_search->setAccessibleName(tr("Search the log"));
    m_search->setPlaceholderText(tr("Search the log…"));
    m_search->setClearButtonEnabled(true);
    connect(m_search, &QLineEdit::textChanged, m_filter, &LogFilterModel::setSearchText);

    m_onlyMapping = new QCheckBox(tr("Only the selected mapping"), this);
    m_onlyMapping->setObjectName(u"logOnlyMapping"_s);
    m_onlyMapping->setAccessibleName(tr("Show only lines about the selected mapping"));
    m_onlyMapping->setToolTip(tr("Show only lines that name the mapping selected in the table"));
    connect(m_onlyMapping, &QCheckBox::toggled, this, &LogView::applyMappingFilter);

    m_follow = new QCheckBox(tr("Follow"), this);
    m_follow->setObjectName(u"logFollow"_s);
    m_follow->setAccessibleName(tr("Follow new lines"));
    m_follow->setToolTip(tr("Keep the newest line in view. Scrolling up turns this off, so new "
                            "lines never move the line being read."));
    m_follow->setChecked(true);
    connect(m_follow, &QCheckBox::toggled, this, [this](bool on) {
        if (on)
            m_list->scrollToBottom();
    });

    m_copyAction = new QAction(style()->standardIcon(QStyle::SP_FileDialogDetailedView),
                               tr("&Copy"), this);
    m_copyAction->setObjectName(u"logCopyAction"_s);
    m_copyAction->setShortcut(QKeySequence::Copy);
    m_copyAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_copyAction->setToolTip(tr("Copy the selected lines (all shown lines when none is selected)"));
    connect(m_copyAction, &QAction::triggered, this, &LogView::copySelection);
    m_copyButton = new QToolButton(this);
    m_copyButton->setObjectName(u"logCopyButton"_s);
    m_copyButton->setDefaultAction(m_copyAction);
    m_copyButton->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_copyButton->setAccessibleName(tr("Copy log lines"));

    m_list->setObjectName(u"logList"_s);
    m_list->setAccessibleName(tr("Engine log"));
    m_list->setModel(m_filter);
    m_list->setUniformItemSizes(true);   // thousands of rows; skip measuring each
    m_list->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_list->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_list->setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    m_list->addAction(m_copyAction);
    m_list->setContextMenuPolicy(Qt::ActionsContextMenu);

    auto *bar = new QHBoxLayout;
    bar->setContentsMargins(0, 0, 0, 0);
    auto *levelLabel = new QLabel(tr("&Level:"), this);
    levelLabel->setBuddy(m_level);
    bar->addWidget(levelLabel);
    bar->addWidget(m_level);
    bar->addWidget(m_search, 1);
    bar->addWidget(m_onlyMapping);
    bar->addWidget(m_follow);
    bar->addWidget(m_copyButton);

    auto *content = new QWidget(this);
    auto *layout = new QVBoxLayout(content);
    layout->setContentsMargins(4, 2, 4, 4);
    layout->setSpacing(3);
    layout->addLayout(bar);
    layout->addWidget(m_list);
    setWidget(content);

    connect(m_filter, &QAbstractItemModel::rowsInserted, this, &LogView::handleRowsInserted);
    connect(m_list->verticalScrollBar(), &QScrollBar::valueChanged, this,
            &LogView::handleScrolled);
}

void LogView::setCurrentMapping(const QString &mapping)
{
    m_currentMapping = mapping;
    m_onlyMapping->setText(mapping.isEmpty() ? tr("Only the selected mapping")
                                             : tr("Only '%1'").arg(mapping));
    applyMappingFilter();
}

void LogView::applyMappingFilter()
{
    m_filter->setMapping(m_onlyMapping->isChecked() ? m_currentMapping : QString());
    if (isFollowing())
        m_list->scrollToBottom();
}

bool LogView::isFollowing() const
{
    return m_follow->isChecked();
}

void LogView::handleRowsInserted()
{
    if (!isFollowing())
        return;
    m_autoScrolling = true;
    m_list->scrollToBottom();
    m_autoScrolling = false;
}

void LogView::handleScrolled(int value)
{
    // The operator scrolled up to read: stop following, or the next poll would pull the line
    // away. Scrolling back to the bottom resumes it.
    if (m_autoScrolling)
        return;
    const QScrollBar *bar = m_list->verticalScrollBar();
    if (value < bar->maximum())
        m_follow->setChecked(false);
    else if (!m_follow->isChecked())
        m_follow->setChecked(true);
}

QString LogView::selectedText() const
{
    QModelIndexList rows = m_list->selectionModel()->selectedRows();
    QStringList lines;
    if (rows.isEmpty()) {
        for (int row = 0; row < m_filter->rowCount(); ++row)
            lines << m_filter->index(row, 0).data().toString();
    } else {
        std::sort(rows.begin(), rows.end(),
                  [](const QModelIndex &a, const QModelIndex &b) { return a.row() < b.row(); });
        for (const QModelIndex &index : rows)
            lines << index.data().toString();
    }
    return lines.join(u'\n');
}

void LogView::copySelection()
{
    QApplication::clipboard()->setText(selectedText());
}

} // namespace tidemark
