#pragma once
// A bounded in-memory log sink. Engine threads write into it; the GUI polls entriesSince() on its
// own timer, so no engine thread ever calls into a GUI object.

#include <QDateTime>
#include <QList>
#include <QString>

#include <spdlog/sinks/base_sink.h>

#include <deque>
#include <mutex>

namespace tidemark {

struct LogEntry
{
    quint64 sequence = 0;
    QDateTime time;
    spdlog::level::level_enum level = spdlog::level::info;
    QString logger;
    QString message;
};

class RingBufferSink final : public spdlog::sinks::base_sink<std::mutex>
{
public:
    explicit RingBufferSink(size_t capacity = 10000);

    // Entries with sequence > `after`, oldest first (at most the capacity).
    QList<LogEntry> entriesSince(quint64 after) const;
    // Adds an entry written elsewhere (another process's log, read by the remote engine). Its
    // time, level, logger and message are kept; its sequence is this buffer's next.
    void append(LogEntry entry);
    quint64 lastSequence() const;
    size_t capacity() const { return m_capacity; }

protected:
    void sink_it_(const spdlog::details::log_msg &msg) override;
    void flush_() override {}

private:
    const size_t m_capacity;
    // guarded by base_sink::mutex_ for writers; m_readMutex serialises readers with writers
    mutable std::mutex m_readMutex;
    std::deque<LogEntry> m_entries;
    quint64 m_sequence = 0;
};

} // namespace tidemark
