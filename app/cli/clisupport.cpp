#include "clisupport.h"

#include "db/connectionset.h"
#include "db/dberror.h"
#include "drift/keytext.h"
#include "run/mappinghold.h"
#include "project/projectloader.h"
#include "sync/checkpointstore.h"

#include <QElapsedTimer>

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

bool checkBeforeStart(const Project &project, const Options &o, QTextStream &err)
{
    ConnectionSet connections(project, u"cli"_s);
    const ProjectCheck check = checkProject(project, connections, o.mapping, true);
    if (!check.ok() && !check.transient) {
        printErrors(check.errors, err);
        return false;
    }
    for (const ProjectError &e : check.errors)
        err << "warning: " << e.message << "; starting anyway, will keep trying\n";
    return true;
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

namespace tidemark::cli {

std::optional<QList<ResolvedMapping>> checkedMappings(const Project &project,
                                                      ConnectionSet &connections,
                                                      const Options &o, QTextStream &err)
{
    const ProjectCheck check = checkProject(project, connections, o.mapping, true);
    QList<ProjectError> problems = check.errors;
    for (const ResolvedMapping &m : check.mappings) {
        DbConnection &mirror = connections.get(m.config.mirror.connection);
        if (!CheckpointStore(mirror).exists())
            problems << ProjectError{project.filePath, QStringLiteral("mapping '%1'").arg(m.name()),
                                     QStringLiteral("the state table '%1' is missing in %2; run "
                                                    "`tidemark-cli prepare` first")
                                             .arg(CheckpointStore::tableName(), mirror.describe())};
    }
    if (!problems.isEmpty()) {
        reportProblems(problems, project.filePath, err);
        return std::nullopt;
    }
    return check.mappings;
}

CheckedProject::CheckedProject() = default;
CheckedProject::~CheckedProject() = default;

bool CheckedProject::load(const Options &o, QTextStream &err)
{
    m_project = loadProject(o, err);
    return m_project.has_value();
}

bool CheckedProject::check(const Options &o, QTextStream &err)
{
    m_connections = std::make_unique<ConnectionSet>(*m_project, u"cli"_s);
    std::optional<QList<ResolvedMapping>> mappings =
            checkedMappings(*m_project, *m_connections, o, err);
    if (!mappings)
        return false;
    m_mappings = std::move(*mappings);
    return true;
}

MappingContext CheckedProject::context(const ResolvedMapping &m, const std::atomic<bool> *cancel,
                                       std::function<void(const Progress &)> progress)
{
    return MappingContext{m, m_connections->get(m.config.source.connection),
                          m_connections->get(m.config.mirror.connection), cancel,
                          std::move(progress)};
}

bool keyRange(const Options &o, const ResolvedMapping &m, QVariantList &from, QVariantList &to,
              QTextStream &err)
{
    for (const auto &[text, target, option] :
         {std::tuple{o.keyFrom, &from, "--key-from"}, std::tuple{o.keyTo, &to, "--key-to"}}) {
        if (text.isEmpty())
            continue;
        QString why;
        const std::optional<QVariantList> key = parseKeyText(text, m, &why);
        if (!key) {
            err << "tidemark-cli: " << option << " for mapping '" << m.name() << "': " << why
                << '\n';
            return false;
        }
        *target = *key;
    }
    return true;
}

std::function<void(const Progress &)> progressPrinter(const QString &mapping, QTextStream &err)
{
    auto started = std::make_shared<QElapsedTimer>();
    auto last = std::make_shared<qint64>(0);
    started->start();
    return [started, last, mapping, &err](const Progress &p) {
        const qint64 now = started->elapsed();
        if (now < 2000 || now - *last < 1000)
            return;
        *last = now;
        err << mapping << ": " << p.phase;
        if (p.rowsTotal > 0)
            err << ' ' << (100 * p.rowsDone / p.rowsTotal) << "% (" << p.rowsDone << " of "
                << p.rowsTotal << " rows)";
        else
            err << " (" << p.rowsDone << " rows)";
        err << '\n';
        err.flush();
    };
}

QString instanceName(const Options &o)
{
    return o.instance.isEmpty() ? defaultInstanceName() : o.instance;
}

std::unique_ptr<MappingHold> makeHold(const Options &o, const Project &project,
                                      const ResolvedMapping &m)
{
    return std::make_unique<MappingHold>(m.config,
                                         project.connections.value(m.config.mirror.connection),
                                         instanceName(o), std::max(2 * m.config.intervalS, 3));
}

QString takeHold(MappingHold &hold, const QString &mapping, DbConnection &mirror)
{
    const MappingHolder holder = hold.ensure(mirror);
    if (holder.self)
        return {};
    return u"mapping '%1' is %2: one instance at a time runs a mapping; not run (stop that "
           "instance, or run this on it)"_s.arg(mapping, describeHolder(holder));
}

std::function<void(const Progress &)> renewingHold(MappingHold &hold, DbConnection &mirror,
                                                   QTextStream &err,
                                                   std::function<void(const Progress &)> next)
{
    return [&hold, &mirror, &err, next = std::move(next)](const Progress &p) {
        bool held = true;
        try {
            held = hold.renewIfDue(mirror);
        } catch (const DbError &) {
            // The pass's next statement on the mirror meets the same trouble and says so.
        }
        if (!held && !stopFlag().exchange(true)) {
            err << "lost the hold of the mapping to another instance; stopping after the "
                   "batch in hand\n";
            err.flush();
        }
        if (next)
            next(p);
    };
}

} // namespace tidemark::cli
