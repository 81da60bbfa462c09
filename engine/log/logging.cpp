#include "log/logging.h"

#include "log/ringbuffersink.h"

#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>

#include <mutex>
#include <vector>

using namespace Qt::StringLiterals;

namespace tidemark {

namespace {

struct LogState
{
    std::mutex mutex;   // guards everything below
    std::vector<spdlog::sink_ptr> sinks;
    std::shared_ptr<RingBufferSink> ring = std::make_shared<RingBufferSink>(10000);
    spdlog::level::level_enum level = spdlog::level::info;
    QString filePath;
    bool initialised = false;
};

LogState &state()
{
    static LogState s;
    return s;
}

void applySinks(const std::shared_ptr<spdlog::logger> &log, const LogState &s)
{
    log->sinks() = s.sinks;
    log->set_level(s.level);
    log->flush_on(spdlog::level::warn);
}

} // namespace

void initLogging(const LogOptions &options)
{
    LogState &s = state();
    std::lock_guard lock(s.mutex);
    s.sinks.clear();
    s.sinks.push_back(s.ring);
    s.filePath.clear();
    if (options.toFile) {
        QString path = options.filePath;
        if (path.isEmpty()) {
            const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)
                    + u"/logs"_s;
            path = dir + u"/tidemark.log"_s;
        }
        QDir().mkpath(QFileInfo(path).absolutePath());
        try {
            // 5 files of 5 MB: enough history for support, bounded on disk.
            auto file = std::make_shared<spdlog::sinks::rotating_file_sink_mt>(
                    path.toStdString(), 5 * 1024 * 1024, 5);
            s.sinks.push_back(file);
            s.filePath = path;
        } catch (const spdlog::spdlog_ex &e) {
            fprintf(stderr, "tidemark: cannot open log file %s: %s\n", qPrintable(path), e.what());
        }
    }
    if (options.toStderr) {
        auto err = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
        err->set_level(options.stderrLevel);
        err->set_pattern("%^%l%$ [%n] %v");
        s.sinks.push_back(err);
    }
    s.level = options.level;
    s.initialised = true;
    spdlog::apply_all([&s](const std::shared_ptr<spdlog::logger> &log) { applySinks(log, s); });
}

std::shared_ptr<spdlog::logger> logger(const char *module)
{
    if (auto existing = spdlog::get(module))
        return existing;
    LogState &s = state();
    std::lock_guard lock(s.mutex);
    if (auto existing = spdlog::get(module))
        return existing;
    if (!s.initialised) {
        // Before initLogging (tests, early start-up): the ring buffer only.
        s.sinks = {s.ring};
        s.initialised = true;
    }
    auto log = std::make_shared<spdlog::logger>(module);
    applySinks(log, s);
    spdlog::register_logger(log);
    return log;
}

std::shared_ptr<RingBufferSink> logRingBuffer()
{
    return state().ring;
}

QString logFilePath()
{
    LogState &s = state();
    std::lock_guard lock(s.mutex);
    return s.filePath;
}

} // namespace tidemark
