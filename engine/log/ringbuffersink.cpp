#include "log/ringbuffersink.h"

namespace tidemark {

RingBufferSink::RingBufferSink(size_t capacity)
    : m_capacity(capacity)
{
}

void RingBufferSink::sink_it_(const spdlog::details::log_msg &msg)
{
    LogEntry entry;
    entry.time = QDateTime::fromMSecsSinceEpoch(
            std::chrono::duration_cast<std::chrono::milliseconds>(msg.time.time_since_epoch())
                    .count());
    entry.level = msg.level;
    entry.logger = QString::fromUtf8(msg.logger_name.data(), qsizetype(msg.logger_name.size()));
    entry.message = QString::fromUtf8(msg.payload.data(), qsizetype(msg.payload.size()));
    append(std::move(entry));
}

void RingBufferSink::append(LogEntry entry)
{
    // Every change of the entries and the sequence happens under m_readMutex, whether it came
    // through spdlog (which also holds its own mutex) or from here.
    std::lock_guard lock(m_readMutex);
    entry.sequence = ++m_sequence;
    m_entries.push_back(std::move(entry));
    while (m_entries.size() > m_capacity)
        m_entries.pop_front();
}

QList<LogEntry> RingBufferSink::entriesSince(quint64 after) const
{
    std::lock_guard lock(m_readMutex);
    QList<LogEntry> out;
    // Sequences are consecutive, so the first wanted entry's position is computable.
    if (m_entries.empty() || m_entries.back().sequence <= after)
        return out;
    const quint64 first = m_entries.front().sequence;
    size_t start = after < first ? 0 : size_t(after - first + 1);
    out.reserve(qsizetype(m_entries.size() - start));
    for (size_t i = start; i < m_entries.size(); ++i)
        out.append(m_entries[i]);
    return out;
}

quint64 RingBufferSink::lastSequence() const
{
    std::lock_guard lock(m_readMutex);
    return m_sequence;
}

} // namespace tidemark
