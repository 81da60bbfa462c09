#pragma once
// Runs a program the way a user runs it, and measures it from outside: wall time around
// fork/exec/wait4, and the peak resident memory that wait4() reports for it. For a shell
// pipeline (`sh -c "a | b"`) the kernel reports the largest single process among the shell
// and the children it waited for, not their sum.

#include <QString>
#include <QStringList>

namespace tidemark::bench {

struct ChildResult
{
    int exitCode = -1;     // -1: did not start or was killed by a signal
    QString failure;       // why exitCode is not 0, in words
    double seconds = 0;    // wall clock, fork to reaped
    double peakMb = 0;     // ru_maxrss of the child (and its reaped descendants), MiB
    double cpuSeconds = 0; // user + system time of the child and its reaped descendants
};

// Runs `program` with `args`; `extraEnv` entries ("NAME=value") are added to (and override)
// this process's environment. stdout and stderr go to `logFile` (appended), so a failing
// child's own words can be shown.
ChildResult runChild(const QString &program, const QStringList &args, const QStringList &extraEnv,
                     const QString &logFile);

// The last `lines` lines of a text file, for failure messages.
QString tailOfFile(const QString &path, int lines = 20);

} // namespace tidemark::bench
