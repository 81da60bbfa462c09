#pragma once
// spdlog set-up: one named logger per module ("sync.engine", "sync.sweep", "db.sqlite", ...)
// sharing the same sinks: a rotating file in the user's data folder, stderr for the CLI, and a
// ring buffer the GUI's log view reads.

#include <QString>

#include <spdlog/fmt/fmt.h>
#include <spdlog/spdlog.h>

#include <memory>

namespace tidemark {

class RingBufferSink;

struct LogOptions
{
    QString filePath;             // empty: <AppDataLocation>/logs/tidemark.log
    bool toFile = true;
    bool toStderr = false;
    spdlog::level::level_enum level = spdlog::level::info;
    spdlog::level::level_enum stderrLevel = spdlog::level::warn;
};

// Idempotent; later calls replace the sinks. Loggers made before it are updated too. Call it
// before any engine thread starts: replacing sinks is not safe while other threads log.
void initLogging(const LogOptions &options = {});
std::shared_ptr<spdlog::logger> logger(const char *module);
std::shared_ptr<RingBufferSink> logRingBuffer();
QString logFilePath();   // empty when not logging to a file

} // namespace tidemark

// Lets spdlog format QString arguments directly: log->info("mapping '{}'", name).
template<>
struct fmt::formatter<QString> : fmt::formatter<std::string_view>
{
    template<typename Ctx>
    auto format(const QString &s, Ctx &ctx) const
    {
        const QByteArray utf8 = s.toUtf8();
        return fmt::formatter<std::string_view>::format(
                std::string_view(utf8.constData(), size_t(utf8.size())), ctx);
    }
};
