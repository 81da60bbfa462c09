#include "childprocess.h"

#include <QElapsedTimer>
#include <QFile>
#include <QProcessEnvironment>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

using namespace Qt::StringLiterals;

namespace tidemark::bench {

namespace {

// argv/envp for execve, built before fork(): after fork() only async-signal-safe calls are
// allowed, and allocating there could deadlock on a lock another thread held at the fork.
struct CStrings
{
    std::vector<QByteArray> storage;
    std::vector<char *> pointers;

    explicit CStrings(const QStringList &items)
    {
        storage.reserve(items.size());
        for (const QString &s : items)
            storage.push_back(s.toLocal8Bit());
        for (QByteArray &b : storage)
            pointers.push_back(b.data());
        pointers.push_back(nullptr);
    }
};

} // namespace

ChildResult runChild(const QString &program, const QStringList &args, const QStringList &extraEnv,
                     const QString &logFile)
{
    ChildResult result;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const QString &entry : extraEnv) {
        const qsizetype eq = entry.indexOf(u'=');
        env.insert(entry.left(eq), entry.mid(eq + 1));
    }
    CStrings argv(QStringList{program} + args);
    CStrings envp(env.toStringList());
    const QByteArray logPath = logFile.toLocal8Bit();
    const QByteArray programPath = program.toLocal8Bit();

    const int logFd = ::open(logPath.constData(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (logFd < 0) {
        result.failure = u"cannot open log '%1': %2"_s.arg(
                logFile, QString::fromLocal8Bit(std::strerror(errno)));
        return result;
    }

    QElapsedTimer timer;
    timer.start();
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(logFd, STDOUT_FILENO);
        ::dup2(logFd, STDERR_FILENO);
        const int devNull = ::open("/dev/null", O_RDONLY);
        if (devNull >= 0)
            ::dup2(devNull, STDIN_FILENO);
        ::execvpe(programPath.constData(), argv.pointers.data(), envp.pointers.data());
        ::_exit(127);
    }
    ::close(logFd);
    if (pid < 0) {
        result.failure = u"fork failed: %1"_s.arg(QString::fromLocal8Bit(std::strerror(errno)));
        return result;
    }

    int status = 0;
    struct rusage usage
    {};
    pid_t waited;
    do {
        waited = ::wait4(pid, &status, 0, &usage);
    } while (waited < 0 && errno == EINTR);
    result.seconds = double(timer.nsecsElapsed()) / 1e9;
    if (waited < 0) {
        result.failure = u"wait4 failed: %1"_s.arg(QString::fromLocal8Bit(std::strerror(errno)));
        return result;
    }
    result.peakMb = double(usage.ru_maxrss) / 1024.0; // Linux reports kilobytes
    auto seconds = [](const timeval &t) { return double(t.tv_sec) + double(t.tv_usec) / 1e6; };
    result.cpuSeconds = seconds(usage.ru_utime) + seconds(usage.ru_stime);
    if (WIFEXITED(status)) {
        result.exitCode = WEXITSTATUS(status);
        if (result.exitCode == 127)
            result.failure = u"'%1' could not be run (exit 127: not found?)"_s.arg(program);
        else if (result.exitCode != 0)
            result.failure = u"'%1' exited with %2"_s.arg(program).arg(result.exitCode);
    } else if (WIFSIGNALED(status)) {
        result.failure = u"'%1' was killed by signal %2"_s.arg(program).arg(WTERMSIG(status));
    }
    return result;
}

QString tailOfFile(const QString &path, int lines)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return QString();
    const QStringList all = QString::fromUtf8(f.readAll()).split(u'\n');
    return all.mid(std::max<qsizetype>(0, all.size() - lines)).join(u'\n');
}

} // namespace tidemark::bench
