#pragma once
// The log at the bottom of the monitor. Engine threads write into the ring buffer sink; the
// LogModel polls it from the GUI thread on a timer, so no engine thread ever touches a widget
// or a model (a sink that emitted signals per message would flood the GUI event queue when a
// backfill logs fast).

#include "log/ringbuffersink.h"

#include <QAbstractListModel>
#include <QDockWidget>
#include <QTimer>

#include <deque>
#include <memory>

class QAction;
class QCheckBox;
class QComboBox;
class QLineEdit;
class QListView;
class QToolButton;

namespace tidemark {

class LogModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role {
        LevelRole = Qt::UserRole + 1,   // int: spdlog::level::level_enum
        LoggerRole,                     // QString: "sync.engine"
        MessageRole,                    // QString: the message alone
        TimeRole,                       // QDateTime
        SequenceRole,                   // qulonglong
    };
    Q_ENUM(Role)

    static constexpr int DefaultMaxRows = 5000;
    static constexpr int PollIntervalMs = 200;

    // `source` null: the process-wide ring buffer (logRingBuffer()). Polling starts at once.
    explicit LogModel(std::shared_ptr<RingBufferSink> source = {}, int maxRows = DefaultMaxRows,
                      QObject *parent = nullptr);

    // Appends what arrived since the last poll, dropping the oldest rows past maxRows.
    void poll();
    int maxRows() const { return m_maxRows; }

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    static QString levelText(spdlog::level::level_enum level);

private:
    std::shared_ptr<RingBufferSink> m_source;
    const int m_maxRows;
    std::deque<LogEntry> m_entries;   // oldest first: the newest row is at the bottom
    quint64 m_lastSequence = 0;
    QTimer m_pollTimer;
};

class LogFilterModel;

// The log dock: a level filter, a search field, "only the selected mapping", follow mode and
// copy above the list of lines.
class LogView : public QDockWidget
{
    Q_OBJECT
public:
    explicit LogView(LogModel *model, QWidget *parent = nullptr);

    QListView *listView() const { return m_list; }
    LogFilterModel *filterModel() const { return m_filter; }
    QComboBox *levelCombo() const { return m_level; }
    QLineEdit *searchField() const { return m_search; }
    QCheckBox *onlyMappingCheck() const { return m_onlyMapping; }
    QCheckBox *followCheck() const { return m_follow; }
    QAction *copyAction() const { return m_copyAction; }

    // The mapping selected in the window; "only this mapping" filters on it.
    void setCurrentMapping(const QString &mapping);
    bool isFollowing() const;
    // The selected lines (all shown lines when none is selected), one per line, as copied.
    QString selectedText() const;

private:
    void handleRowsInserted();
    void handleScrolled(int value);
    void applyMappingFilter();
    void copySelection();

    QListView *m_list = nullptr;
    LogFilterModel *m_filter = nullptr;
    QComboBox *m_level = nullptr;
    QLineEdit *m_search = nullptr;
    QCheckBox *m_onlyMapping = nullptr;
    QCheckBox *m_follow = nullptr;
    QToolButton *m_copyButton = nullptr;
    QAction *m_copyAction = nullptr;
    QString m_currentMapping;
    // Set while the view scrolls itself to the tail, so that scroll is not taken for the
    // operator scrolling up (which turns follow mode off).
    bool m_autoScrolling = false;
};

} // namespace tidemark
