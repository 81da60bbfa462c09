#include "clicommands.h"

#include "api/embeddedengine.h"
#include "db/connectionset.h"
#include "db/dberror.h"
#include "db/valuecodec.h"
#include "demo.h"
#include "log/logging.h"
#include "project/projectloader.h"
#include "sync/checkpointstore.h"
#include "sync/operations.h"
#include "sync/projectchecker.h"
#include "sync/statusprobe.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSocketNotifier>

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

const char *kUsage = R"(Usage: tidemark-cli COMMAND [options]

Commands:
  validate   read the project, connect, check tables, keys and columns
  prepare    create missing mirror tables and Tidemark's state table
  sync       one incremental pass per mapping (--watch: keep running until SIGINT/SIGTERM)
  backfill   full keyset pass source -> mirror (skipped by the in-sync gate unless --no-gate)
  sweep      delete mirror rows whose key is gone from the source (--force past the safety refusal)
  resync     sweep, then backfill
  status     state, checkpoint, row counts, backlog and orphans per mapping (--json)
  demo       create the embedded SQLite demo in --dir (--write: run its live writer)

Options:
  --project FILE   project file (default ./tidemark.json)
  --mapping NAME   only this mapping (default: every mapping)
  --watch          sync: keep running on each mapping's interval
  --no-gate        backfill: skip the in-sync gate
  --force          sweep/resync: pass the safety refusal
  --dry-run        sweep: count orphans, delete nothing
  --json           status: machine-readable output
  --dir DIR        demo: the folder
  --rows N         demo: initial rows (default 2000)
  --write          demo: run the live writer until SIGINT/SIGTERM
  --rate N         demo: writes per second (default 20)
  --verbose        log every message to stderr

Exit codes: 0 done, 1 diff found differences, 2 bad input or error, 3 refused for safety.
)";

struct Options
{
    QString command;
    QString projectPath = u"tidemark.json"_s;
    QString mapping;
    bool watch = false;
    bool noGate = false;
    bool force = false;
    bool dryRun = false;
    bool json = false;
    bool write = false;
    bool verbose = false;
    QString dir;
    int rows = 2000;
    double rate = 20;
};

std::optional<Options> parseArgs(const QStringList &args, QTextStream &err)
{
    Options o;
    QStringList rest = args;
    if (rest.isEmpty() || rest.first().startsWith(u'-')) {
        if (rest.contains(u"--help"_s) || rest.contains(u"-h"_s)) {
            o.command = u"help"_s;
            return o;
        }
        err << "tidemark-cli: no command given\n\n" << kUsage;
        return std::nullopt;
    }
    o.command = rest.takeFirst();
    auto value = [&](qsizetype &i, const QString &name) -> std::optional<QString> {
        const QString arg = rest.at(i);
        if (arg.startsWith(name + u'='))
            return arg.mid(name.size() + 1);
        if (i + 1 >= rest.size()) {
            err << "tidemark-cli: " << name << " needs a value\n";
            return std::nullopt;
        }
        return rest.at(++i);
    };
    for (qsizetype i = 0; i < rest.size(); ++i) {
        const QString a = rest.at(i);
        const QString name = a.section(u'=', 0, 0);
        if (name == u"--project" || name == u"--mapping" || name == u"--dir" || name == u"--rows"
            || name == u"--rate") {
            const auto v = value(i, name);
            if (!v)
                return std::nullopt;
            if (name == u"--project")
                o.projectPath = *v;
            else if (name == u"--mapping")
                o.mapping = *v;
            else if (name == u"--dir")
                o.dir = *v;
            else {
                bool ok = false;
                const double n = v->toDouble(&ok);
                if (!ok || n <= 0) {
                    err << "tidemark-cli: " << name << " needs a positive number, not '" << *v
                        << "'\n";
                    return std::nullopt;
                }
                if (name == u"--rows")
                    o.rows = int(n);
                else
                    o.rate = n;
            }
        } else if (a == u"--watch") {
            o.watch = true;
        } else if (a == u"--no-gate") {
            o.noGate = true;
        } else if (a == u"--force") {
            o.force = true;
        } else if (a == u"--dry-run") {
            o.dryRun = true;
        } else if (a == u"--json") {
            o.json = true;
        } else if (a == u"--write" || a == u"--writer") {
            o.write = true;
        } else if (a == u"--verbose" || a == u"-v") {
            o.verbose = true;
        } else if (a == u"--help" || a == u"-h") {
            o.command = u"help"_s;
        } else {
            err << "tidemark-cli: unknown option '" << a << "' for '" << o.command
                << "' (see tidemark-cli --help)\n";
            return std::nullopt;
        }
    }
    return o;
}

void printErrors(const QList<ProjectError> &errors, QTextStream &err)
{
    for (const ProjectError &e : errors)
        err << "error: " << e.toString() << '\n';
    err.flush();
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

// Checks the project against the live databases; prints every problem and returns
// nullopt when anything is wrong.
std::optional<ProjectCheck> checkOrReport(const Options &o, const Project &project,
                                         ConnectionSet &connections, bool requireMirrorTables,
                                         QTextStream &err)
{
    ProjectCheck check = checkProject(project, connections, o.mapping, requireMirrorTables);
    if (!check.ok()) {
        printErrors(check.errors, err);
        return std::nullopt;
    }
    return check;
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

// Runs `kind` for each selected mapping after the project validated against the live
// databases. Nothing is written before every selected mapping checks out.
int runOperations(const Options &o, OperationKind kind, QTextStream &out, QTextStream &err)
{
    const std::optional<Project> project = loadProject(o, err);
    if (!project)
        return ExitError;
    ConnectionSet connections(*project, u"cli"_s);
    const bool preparing = kind == OperationKind::Prepare;
    const std::optional<ProjectCheck> check =
            checkOrReport(o, *project, connections, !preparing, err);
    if (!check)
        return ExitError;
    if (!preparing) {
        QList<ProjectError> missing;
        for (const ResolvedMapping &m : check->mappings) {
            DbConnection &mirror = connections.get(m.config.mirror.connection);
            if (!CheckpointStore(mirror).exists())
                missing << ProjectError{project->filePath, u"mapping '%1'"_s.arg(m.name()),
                                        u"the state table '%1' is missing in %2; run "
                                        "`tidemark-cli prepare` first"_s.arg(
                                                CheckpointStore::tableName(), mirror.describe())};
        }
        if (!missing.isEmpty()) {
            printErrors(missing, err);
            return ExitError;
        }
    }

    installStopSignals();
    OperationOptions options;
    options.force = o.force;
    options.noGate = o.noGate;
    options.dryRun = o.dryRun;
    QList<OperationResult> results;
    for (const ResolvedMapping &m : check->mappings) {
        MappingContext ctx{m, connections.get(m.config.source.connection),
                           connections.get(m.config.mirror.connection, preparing), &g_stop, {}};
        const OperationResult r = runOperation(kind, ctx, options);
        (r.ok() ? out : err) << resultLine(m.name(), r) << '\n';
        results << r;
        if (g_stop.load())
            break;
    }
    out.flush();
    err.flush();
    return exitCodeFor(results);
}

int runValidate(const Options &o, QTextStream &out, QTextStream &err)
{
    const std::optional<Project> project = loadProject(o, err);
    if (!project)
        return ExitError;
    ConnectionSet connections(*project, u"cli"_s);
    const ProjectCheck check = checkProject(*project, connections, o.mapping, false);
    if (!check.ok()) {
        printErrors(check.errors, err);
        err << check.errors.size() << (check.errors.size() == 1 ? " problem" : " problems")
            << " in " << project->filePath << '\n';
        return ExitError;
    }
    for (const ResolvedMapping &m : check.mappings) {
        out << m.name() << ": " << m.config.source.connection << ':' << m.config.source.table
            << " -> " << m.config.mirror.connection << ':' << m.config.mirror.table << ", key ("
            << m.key.join(u", "_s) << "), " << m.columns.size() << " columns, "
            << (m.hasCursor() ? u"cursor "_s + m.config.cursorColumn : u"no cursor"_s);
        if (!m.mirrorSchema.exists())
            out << "; mirror table does not exist yet (prepare creates it)";
        out << '\n';
    }
    out << "project OK: " << check.mappings.size() << " mappings checked\n";
    return ExitOk;
}

QString cell(qint64 n)
{
    return n < 0 ? u"-"_s : QString::number(n);
}

// "*" marks an orphan count older than five minutes: orphans are counted by sweeps, and a
// count from long ago says little about the mirror now.
QString orphanAge(const MappingStatus &s)
{
    const bool stale = !s.orphansMeasuredAt.isValid()
            || s.orphansMeasuredAt.secsTo(QDateTime::currentDateTimeUtc()) > 300;
    return stale ? u"*"_s : QString();
}

int runStatus(const Options &o, QTextStream &out, QTextStream &err)
{
    const std::optional<Project> project = loadProject(o, err);
    if (!project)
        return ExitError;
    ConnectionSet connections(*project, u"cli"_s);
    // Every connection the selected mappings use is tried first and reported, reachable or
    // not: status must say which endpoint is down instead of refusing to say anything.
    QList<ConnectionStatus> connectionStates;
    QStringList used;
    for (const MappingConfig &m : project->mappings)
        if (o.mapping.isEmpty() || m.name == o.mapping)
            for (const QString &c : {m.source.connection, m.mirror.connection})
                if (!used.contains(c))
                    used << c;
    QMap<QString, QString> down;   // connection -> error
    for (const ConnectionConfig &c : project->connections) {
        if (!used.contains(c.name))
            continue;
        ConnectionStatus cs;
        cs.name = c.name;
        cs.description = c.describe();
        for (const MappingConfig &m : project->mappings)
            if (m.source.connection == c.name || m.mirror.connection == c.name)
                cs.mappings << m.name;
        cs.since = QDateTime::currentDateTimeUtc();
        if (c.driver == DriverKind::Sqlite && !QFileInfo::exists(c.database)) {
            // A mirror file `prepare` has not created yet: nothing to connect to, and not an
            // outage (the mapping check below says what is missing).
            connectionStates << cs;
            continue;
        }
        try {
            connections.get(c.name);
            cs.state = ConnectionState::Connected;
        } catch (const DbError &e) {
            cs.state = ConnectionState::Disconnected;
            cs.lastError = e.message();
            cs.lastErrorAt = cs.since;
            down.insert(c.name, e.message());
        }
        connectionStates << cs;
    }
    QList<MappingStatus> statuses;
    bool failed = false;
    for (const MappingConfig &config : project->mappings) {
        if (!o.mapping.isEmpty() && config.name != o.mapping)
            continue;
        MappingStatus s = MappingStatus::initial(config);
        const QString unreachable = down.value(config.source.connection,
                                               down.value(config.mirror.connection));
        if (!unreachable.isEmpty()) {
            s.state = MappingState::Waiting;
            s.lastError = unreachable;
            failed = true;
            statuses << s;
            continue;
        }
        const ProjectCheck check = checkProject(*project, connections, config.name, false);
        if (!check.ok()) {
            printErrors(check.errors, err);
            s.state = check.transient ? MappingState::Waiting : MappingState::Error;
            s.lastError = check.errors.first().message;
            failed = true;
            statuses << s;
            continue;
        }
        try {
            // Opening does not create a missing mirror file: status only reads.
            const ResolvedMapping &m = check.mappings.first();
            MappingContext ctx{m, connections.get(m.config.source.connection),
                               connections.get(m.config.mirror.connection), nullptr, {}};
            s.apply(measureStatus(ctx));
            if (s.lastRun && s.lastRun->result == u"error") {
                s.state = MappingState::Error;
                s.lastError = s.lastRun->error;
            }
        } catch (const DbError &e) {
            s.state = e.isTransient() ? MappingState::Waiting : MappingState::Error;
            s.lastError = e.message();
            failed = failed || e.connectionLost();   // not a mirror `prepare` has yet to create
        }
        statuses << s;
    }
    for (auto it = down.cbegin(); it != down.cend(); ++it)
        err << "tidemark-cli status: " << it.value() << '\n';
    const int exitCode = failed ? ExitError : ExitOk;
    if (o.json) {
        QJsonArray list;
        for (const MappingStatus &s : statuses)
            list.append(s.toJson());
        QJsonArray connectionList;
        for (const ConnectionStatus &c : connectionStates)
            connectionList.append(c.toJson());
        out << QJsonDocument(QJsonObject{{u"mappings"_s, list},
                                         {u"connections"_s, connectionList}})
                        .toJson(QJsonDocument::Indented);
        return exitCode;
    }
    for (const ConnectionStatus &c : connectionStates) {
        out << "connection " << c.name << ": " << connectionStateName(c.state);
        if (!c.lastError.isEmpty())
            out << " (" << c.lastError << ')';
        out << '\n';
    }
    const QString format = u"%1 %2 %3 %4 %5 %6 %7  %8"_s;
    out << format.arg(u"MAPPING"_s, -16)
                   .arg(u"STATE"_s, -8)
                   .arg(u"SOURCE"_s, 9)
                   .arg(u"MIRROR"_s, 9)
                   .arg(u"BACKLOG"_s, 8)
                   .arg(u"ORPHANS"_s, 8)
                   .arg(u"NULLCUR"_s, 8)
                   .arg(u"CHECKPOINT / LAST RUN"_s)
        << '\n';
    for (const MappingStatus &s : statuses) {
        QString tail = s.checkpoint.isNull() ? u"no checkpoint"_s
                                             : displayText(s.checkpoint.cursor);
        if (s.lastRun)
            tail += u" / %1 %2 at %3"_s.arg(s.lastRun->kind, s.lastRun->result,
                                            s.lastRun->finishedAt.toString(Qt::ISODate));
        if (!s.lastError.isEmpty())
            tail += u" / error: "_s + s.lastError;
        out << format.arg(s.name, -16)
                       .arg(mappingStateName(s.state), -8)
                       .arg(cell(s.sourceRows), 9)
                       .arg(cell(s.mirrorRows), 9)
                       .arg(cell(s.backlog), 8)
                       .arg(s.orphans ? QString::number(*s.orphans) + orphanAge(s) : u"-"_s, 8)
                       .arg(s.hasCursor ? QString::number(s.nullCursorRows) : u"-"_s, 8)
                       .arg(tail)
            << '\n';
    }
    if (std::any_of(statuses.cbegin(), statuses.cend(), [](const MappingStatus &s) {
            return s.orphans && !orphanAge(s).isEmpty();
        }))
        out << "* orphans counted more than five minutes ago; `sweep --dry-run` counts them now\n";
    return exitCode;
}

int runWatch(const Options &o, QTextStream &out, QTextStream &err)
{
    const std::optional<Project> project = loadProject(o, err);
    if (!project)
        return ExitError;
    {
        // Validate everything before the engine starts; the connections close again here. An
        // unreachable server is no reason not to start: the engine keeps trying and catches
        // up when it is back. Anything else (a missing table, a wrong column) is.
        ConnectionSet connections(*project, u"cli"_s);
        const ProjectCheck check = checkProject(*project, connections, o.mapping, true);
        if (!check.ok() && !check.transient) {
            printErrors(check.errors, err);
            return ExitError;
        }
        for (const ProjectError &e : check.errors)
            err << "warning: " << e.message << "; starting anyway, will keep trying\n";
    }
    Project selected = *project;
    if (!o.mapping.isEmpty())
        selected.mappings.removeIf([&](const MappingConfig &m) { return m.name != o.mapping; });

    installStopSignals();
    EngineOptions options;
    options.prepareMissing = false;
    EmbeddedEngine engine(selected, options);
    QSocketNotifier notifier(g_signalPipe[0], QSocketNotifier::Read);
    QObject::connect(&notifier, &QSocketNotifier::activated, &engine, [&] {
        out << "stopping: finishing or rolling back the batch in hand\n";
        out.flush();
        engine.stop();
        QCoreApplication::quit();
    });
    QObject::connect(&engine, &Engine::operationFinished, &engine,
                     [&](quint64, const QString &mapping, const OperationResult &r) {
                         if (r.run.rowsWritten > 0 || r.run.rowsDeleted > 0 || !r.ok()) {
                             (r.ok() ? out : err) << QDateTime::currentDateTimeUtc().toString(
                                                             Qt::ISODate)
                                                  << ' ' << resultLine(mapping, r) << '\n';
                             out.flush();
                             err.flush();
                         }
                     });
    // Connection changes are what explains skipped runs: print each change of state once.
    QMap<QString, ConnectionState> shown;
    QObject::connect(&engine, &Engine::connectionsChanged, &engine,
                     [&](const QList<ConnectionStatus> &connections) {
                         for (const ConnectionStatus &c : connections) {
                             if (shown.value(c.name, ConnectionState::NeverConnected) == c.state)
                                 continue;
                             shown.insert(c.name, c.state);
                             QTextStream &to = c.state == ConnectionState::Connected ? out : err;
                             to << QDateTime::currentDateTimeUtc().toString(Qt::ISODate)
                                << " connection " << c.name << ": "
                                << connectionStateName(c.state);
                             if (c.state != ConnectionState::Connected && !c.lastError.isEmpty())
                                 to << " (" << c.lastError << ')';
                             if (c.nextAttemptAt.isValid())
                                 to << "; next attempt at "
                                    << c.nextAttemptAt.toString(Qt::ISODateWithMs);
                             if (c.state != ConnectionState::Connected)
                                 to << "; scheduled runs of " << c.mappings.join(u", "_s)
                                    << " are skipped until it is back";
                             to << '\n';
                             to.flush();
                         }
                     });
    out << "watching " << selected.mappings.size() << " mappings of " << project->filePath
        << "; Ctrl-C stops\n";
    out.flush();
    engine.start();
    if (g_stop.load())
        return ExitOk;
    QCoreApplication::exec();
    out << "stopped cleanly\n";
    return ExitOk;
}

int runDemo(const Options &o, QTextStream &out, QTextStream &err)
{
    if (o.dir.isEmpty()) {
        err << "tidemark-cli demo: --dir DIR is required\n";
        return ExitError;
    }
    const QString dir = QDir(o.dir).absolutePath();
    QString error;
    if (!demo::createDemo(dir, o.rows, &error)) {
        err << "tidemark-cli demo: " << error << '\n';
        return ExitError;
    }
    if (!o.write) {
        out << "demo ready in " << dir << "\n  project: " << QDir(dir).filePath(u"tidemark.json"_s)
            << "\n  next: tidemark-cli prepare --project " << QDir(dir).filePath(u"tidemark.json"_s)
            << "\n        tidemark-cli demo --dir " << dir << " --write   (the live writer)\n";
        return ExitOk;
    }
    installStopSignals();
    out << "demo writer: about " << o.rate << " writes/s into " << dir
        << "/source.db until SIGINT/SIGTERM\n";
    out.flush();
    if (!demo::runWriter(dir, o.rate, g_stop, out, &error)) {
        err << "tidemark-cli demo writer: " << error << '\n';
        return ExitError;
    }
    return ExitOk;
}

int runCommand(const Options &o, QTextStream &out, QTextStream &err);

} // namespace

int run(const QStringList &args, QTextStream &out, QTextStream &err)
{
    const std::optional<Options> parsed = parseArgs(args, err);
    if (!parsed)
        return ExitError;
    const Options &o = *parsed;
    if (o.command == u"help") {
        out << kUsage;
        return ExitOk;
    }
    LogOptions logOptions;
    logOptions.toStderr = true;
    logOptions.stderrLevel = o.verbose ? spdlog::level::debug : spdlog::level::warn;
    logOptions.level = o.verbose ? spdlog::level::debug : spdlog::level::info;
    if (qEnvironmentVariableIsSet("TIDEMARK_NO_LOG_FILE"))
        logOptions.toFile = false;
    initLogging(logOptions);

    try {
        return runCommand(o, out, err);
    } catch (const DbError &e) {
        // Every command handles its own database errors; this is the last line that keeps an
        // unexpected one an exit code with a message instead of a crash.
        err << "error: " << e.message() << '\n';
        return ExitError;
    }
}

namespace {

int runCommand(const Options &o, QTextStream &out, QTextStream &err)
{
    if (o.command == u"validate")
        return runValidate(o, out, err);
    if (o.command == u"status")
        return runStatus(o, out, err);
    if (o.command == u"demo")
        return runDemo(o, out, err);
    if (o.command == u"sync" && o.watch)
        return runWatch(o, out, err);
    if (const std::optional<OperationKind> kind = operationFromName(o.command))
        return runOperations(o, *kind, out, err);
    if (o.command == u"diff" || o.command == u"repair" || o.command == u"serve") {
        err << "tidemark-cli: '" << o.command << "' is not available in this version yet\n";
        return ExitError;
    }
    err << "tidemark-cli: unknown command '" << o.command << "'\n\n" << kUsage;
    return ExitError;
}

} // namespace

} // namespace tidemark::cli
