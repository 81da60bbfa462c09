#include "clisupport.h"

#include "db/connectionset.h"
#include "project/projectloader.h"

#include <csignal>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace tidemark::cli {

namespace {

// Set by SIGINT/SIGTERM: passes stop after the batch in hand (rolled back if not committed).
std::atomic<bool> g_stop{false};
int g_signalPipe[2] = {-1, -1};

extern "C" void handleStopSignal(int)
{
    g_stop.store(true);
    if (g_signalPipe[1] >= 0) {
        const char c = 1;
        [[maybe_unused]] const ssize_t n = ::write(g_signalPipe[1], &c, 1);
    }
}

} // namespace

void installStopSignals()
{
    g_stop.store(false);
    if (g_signalPipe[0] < 0 && ::pipe(g_signalPipe) != 0)
        g_signalPipe[0] = g_signalPipe[1] = -1;
    struct sigaction sa = {};
    sa.sa_handler = handleStopSignal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
}

std::atomic<bool> &stopFlag()
{
    return g_stop;
}

int stopSignalFd()
{
    return g_signalPipe[0];
}

void printErrors(const QList<ProjectError> &errors, QTextStream &err)
{
    for (const ProjectError &e : errors)
        err << "error: " << e.toString() << '\n';
    err.flush();
}

void reportProblems(const QList<ProjectError> &errors, const QString &projectFile, QTextStream &err)
{
    printErrors(errors, err);
    err << errors.size() << (errors.size() == 1 ? " problem" : " problems") << " in " << projectFile
        << '\n';
    err.flush();
}

void printWarnings(const QList<ProjectError> &warnings, QTextStream &to)
{
    for (const ProjectError &w : warnings)
        to << "warning: " << w.toString() << '\n';
    to.flush();
}

std::optional<Project> loadProject(const Options &o, QTextStream &err)
{
    const ProjectLoadResult loaded = ProjectLoader::loadFile(o.projectPath);
    if (!loaded.ok()) {
        printErrors(loaded.errors, err);
        return std::nullopt;
    }
    return loaded.project;
}

QString resultLine(const QString &mapping, const OperationResult &r)
{
    QString line = u"%1: %2 %3"_s.arg(mapping, r.run.kind, r.run.result);
    if (!r.run.error.isEmpty())
        line += u": "_s + r.run.error;
    else if (!r.run.note.isEmpty())
        line += u": "_s + r.run.note;
    line += u" (%1 s)"_s.arg(r.run.durationS(), 0, 'f', 2);
    return line;
}

int exitCodeFor(const QList<OperationResult> &results)
{
    int code = ExitOk;
    for (const OperationResult &r : results) {
        if (r.run.result == u"error" || r.run.result == u"cancelled")
            return ExitError;
        if (r.refused())
            code = ExitRefused;
    }
    return code;
}

} // namespace tidemark::cli
