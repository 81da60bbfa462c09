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

class QListView;

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

class LogView : public QDockWidget
{
    Q_OBJECT
public:
    explicit LogView(LogModel *model, QWidget *parent = nullptr);

    QListView *listView() const { return m_list; }

private:
    void handleRowsAboutToBeInserted();
    void handleRowsInserted();

    QListView *m_list = nullptr;
    // Set just before rows arrive: follow the tail only when the operator was already at the
    // bottom, so new lines never yank the view away from a line being read.
    bool m_followTail = true;
};

} // namespace tidemark
