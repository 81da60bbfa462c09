#include "clicommands.h"

#include "clisupport.h"
#include "db/dberror.h"
#include "log/logging.h"

using namespace Qt::StringLiterals;

namespace tidemark::cli {

namespace {

const char *kUsage = R"(Usage: tidemark-cli COMMAND [options]
       tidemark-cli --help | --version

Commands:
  validate   read the project, connect, check tables, keys and columns
  prepare    create missing mirror tables and Tidemark's state tables; install trigger
             capture in the source for mappings with "capture": "triggers"
             (--dry-run: print the statements; --remove-capture: take capture away)
  sync       one incremental pass per mapping (--watch: keep running until SIGINT/SIGTERM)
  backfill   full keyset pass source -> mirror (skipped by the in-sync gate unless --no-gate)
  sweep      delete mirror rows whose key is gone from the source (--force past the safety refusal)
  resync     sweep, then backfill
  status     state, checkpoint, row counts, backlog and orphans per mapping (--json)
  diff       rows that differ between source and mirror, and why (exit 1 when any do)
  explain    one key: source row, mirror row, checkpoint, and the verdict (--key)
  repair     make the mirror equal to the source where diff finds differences
             (prints the statements; --execute applies them)
  serve      run the engine headless with an HTTP API: status, metrics, actions
             (--listen HOST:PORT, default 127.0.0.1:8457; see README "HTTP API")
  demo       create the embedded SQLite demo in --dir (--write: run its live writer)

Options:
  --project FILE   project file (default ./tidemark.json)
  --mapping NAME   only this mapping (default: every mapping)
  --watch          sync: keep running on each mapping's interval
  --no-gate        backfill: skip the in-sync gate
  --force          sweep/resync: pass the safety refusal
  --dry-run        sweep: count orphans, delete nothing; prepare: print the statements
  --remove-capture prepare: drop the capture triggers (and the change log when unused)
  --json           status, diff, explain: machine-readable output
  --limit N        diff: list at most N differences per mapping (default 1000)
  --key-from KEY   diff, repair, backfill: start of the key range (inclusive)
  --key-to KEY     diff, repair, backfill: end of the key range (inclusive)
  --key KEY        explain: the key (comma-separated values, or a JSON array)
  --html FILE      diff: also write a self-contained HTML report
  --csv FILE       diff: also write the differences as CSV
  --execute        repair: apply the changes (without it: print them only)
  --dir DIR        demo: the folder
  --rows N         demo: initial rows (default 2000)
  --write          demo: run the live writer until SIGINT/SIGTERM
  --rate N         demo: writes per second (default 20)
  --listen H:P     serve: the address to listen on (default 127.0.0.1:8457; port 0: any)
  --token-file F   serve: the bearer token's file (created, mode 0600, when missing)
  --tls-cert F     serve: PEM certificate (chain) for HTTPS
  --tls-key F      serve: PEM private key for HTTPS
  --insecure-remote serve: allow plain HTTP on a non-loopback address
  --instance NAME  sync, backfill, sweep, resync, repair, serve: this process's name in the
                   mappings' holds (default hostname:pid); one instance at a time runs a
                   mapping, and a one-shot command on a mapping another instance holds is
                   refused (exit 3)
  --verbose        log every message to stderr
  --version        print the version and exit

Exit codes: 0 done, 1 diff found differences, 2 bad input or error, 3 refused for safety.
)";

std::optional<Options> parseArgs(const QStringList &args, QTextStream &err)
{
    Options o;
    QStringList rest = args;
    if (rest.isEmpty() || rest.first().startsWith(u'-')) {
        if (rest.contains(u"--help"_s) || rest.contains(u"-h"_s)) {
            o.command = u"help"_s;
            return o;
        }
        if (rest.contains(u"--version"_s)) {
            o.command = u"version"_s;
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
        if (name == u"--key" || name == u"--key-from" || name == u"--key-to" || name == u"--html"
            || name == u"--csv" || name == u"--listen" || name == u"--token-file"
            || name == u"--tls-cert" || name == u"--tls-key") {
            const auto v = value(i, name);
            if (!v)
                return std::nullopt;
            if (name == u"--key")
                o.key = *v;
            else if (name == u"--key-from")
                o.keyFrom = *v;
            else if (name == u"--key-to")
                o.keyTo = *v;
            else if (name == u"--html")
                o.htmlFile = *v;
            else if (name == u"--listen")
                o.listen = *v;
            else if (name == u"--token-file")
                o.tokenFile = *v;
            else if (name == u"--tls-cert")
                o.tlsCert = *v;
            else if (name == u"--tls-key")
                o.tlsKey = *v;
            else
                o.csvFile = *v;
        } else if (name == u"--limit") {
            const auto v = value(i, name);
            if (!v)
                return std::nullopt;
            bool ok = false;
            const int n = v->toInt(&ok);
            if (!ok || n < 0) {
                err << "tidemark-cli: --limit needs a number of rows (0 or more), not '" << *v
                    << "'\n";
                return std::nullopt;
            }
            o.limit = n;
        } else if (a == u"--insecure-remote") {
            o.insecureRemote = true;
        } else if (name == u"--instance") {
            const auto v = value(i, name);
            if (!v)
                return std::nullopt;
            if (v->trimmed().isEmpty() || v->size() > 200) {
                err << "tidemark-cli: --instance needs a name of 1 to 200 characters\n";
                return std::nullopt;
            }
            o.instance = *v;
        } else if (a == u"--execute") {
            o.execute = true;
        } else if (a == u"--remove-capture") {
            o.removeCapture = true;
        } else if (name == u"--project" || name == u"--mapping" || name == u"--dir" || name == u"--rows"
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
    if (o.command == u"version") {
        out << "tidemark-cli " << TIDEMARK_VERSION << '\n';
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
    if (o.command == u"prepare")
        return runPrepare(o, out, err);
    if (o.command == u"sync" && o.watch)
        return runWatch(o, out, err);
    if (const std::optional<OperationKind> kind = operationFromName(o.command))
        return runOperations(o, *kind, out, err);
    if (o.command == u"diff")
        return runDiff(o, out, err);
    if (o.command == u"explain")
        return runExplain(o, out, err);
    if (o.command == u"repair")
        return runRepair(o, out, err);
    if (o.command == u"serve")
        return runServe(o, out, err);
    err << "tidemark-cli: unknown command '" << o.command << "'\n\n" << kUsage;
    return ExitError;
}

} // namespace

} // namespace tidemark::cli
