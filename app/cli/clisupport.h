#pragma once
// What tidemark-cli's commands share: the parsed options, the stop signals, printing project
// errors and run results. Each command lives in its own file (validatecommand.cpp, ...);
// clicommands.cpp parses the arguments and dispatches.

#include "clicommands.h"
#include "project/projectconfig.h"
#include "sync/operations.h"
#include "sync/projectchecker.h"

#include <QString>
#include <QTextStream>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>

namespace tidemark {
class ConnectionSet;
class DbConnection;
class MappingHold;
}

namespace tidemark::cli {

struct Options
{
    QString command;
    QString projectPath = QStringLiteral("tidemark.json");
    QString mapping;
    bool watch = false;
    bool noGate = false;
    bool force = false;
    bool dryRun = false;
    bool json = false;
    bool write = false;
    bool verbose = false;
    QString dir;
    // diff, explain, repair, backfill
    int limit = 1000;
    QString key;
    QString keyFrom;
    QString keyTo;
    QString htmlFile;
    QString csvFile;
    bool execute = false;
    bool removeCapture = false;   // prepare --remove-capture
    // This process's name in the mappings' holds (engine/run/mappinghold.h); empty:
    // "hostname:pid". sync (--watch too), backfill, sweep, resync and repair.
    QString instance;
    int rows = 2000;
    double rate = 20;
    // serve
    QString listen;               // HOST:PORT; empty: 127.0.0.1:8457
    QString tokenFile;            // empty: serve.token in the application's data folder
    bool insecureRemote = false;
    QString tlsCert;
    QString tlsKey;
};

// Set by SIGINT/SIGTERM once installStopSignals() ran: passes stop after the batch in hand
// (rolled back if not committed). stopSignalFd() becomes readable when a signal arrived.
std::atomic<bool> &stopFlag();
int stopSignalFd();
void installStopSignals();

void printErrors(const QList<ProjectError> &errors, QTextStream &err);
// Every error, then "N problems in FILE".
void reportProblems(const QList<ProjectError> &errors, const QString &projectFile,
                    QTextStream &err);
void printWarnings(const QList<ProjectError> &warnings, QTextStream &to); // "warning: ..."
std::optional<Project> loadProject(const Options &o, QTextStream &err);
// Before a long-running engine starts (`sync --watch`, `serve`): checks the project against
// the live catalogs and closes its connections again. An unreachable server is no reason not
// to start (the engine keeps trying and catches up) and is printed as a warning; anything
// else (a missing table, a wrong column) is printed and returns false.
bool checkBeforeStart(const Project &project, const Options &o, QTextStream &err);
QString resultLine(const QString &mapping, const OperationResult &r);
int exitCodeFor(const QList<OperationResult> &results);

// The selected mappings, checked against the live databases, each with its state table there
// (the checkpoint says why rows differ). Prints every problem and returns nullopt if any.
std::optional<QList<ResolvedMapping>> checkedMappings(const Project &project,
                                                      ConnectionSet &connections,
                                                      const Options &o, QTextStream &err);
// What diff, explain and repair start from: the project, the CLI's connections to its
// databases, and the selected mappings checked against them. Opened in two steps so a command
// can judge its own options against the project before any database is asked.
class CheckedProject
{
public:
    CheckedProject();
    ~CheckedProject();

    // Loads --project; prints its errors and returns false when it cannot be used.
    bool load(const Options &o, QTextStream &err);
    // Connects and checks the mappings `o` selects (checkedMappings); prints every problem and
    // returns false if there is any. After load().
    bool check(const Options &o, QTextStream &err);

    const Project &project() const { return *m_project; }
    const QList<ResolvedMapping> &mappings() const { return m_mappings; }
    // A context for one of mappings() on these connections.
    MappingContext context(const ResolvedMapping &m, const std::atomic<bool> *cancel,
                           std::function<void(const Progress &)> progress);

private:
    std::optional<Project> m_project;
    std::unique_ptr<ConnectionSet> m_connections; // refers to *m_project
    QList<ResolvedMapping> m_mappings;
};

// The name this process holds mappings under: --instance, or "hostname:pid".
QString instanceName(const Options &o);
// A one-shot command's hold of `m` (engine/run/mappinghold.h), for the command's life: the
// command runs a mapping only while it holds it, on the mirror connection it writes through,
// and is refused (exit 3) while another instance holds it, never run beside it.
std::unique_ptr<MappingHold> makeHold(const Options &o, const Project &project,
                                      const ResolvedMapping &m);
// Takes `hold` on `mirror`; empty when taken, else the refusal naming the holder. Throws
// DbError.
QString takeHold(MappingHold &hold, const QString &mapping, DbConnection &mirror);
// For the passes' progress: renews a lease in a long pass; on losing it, says so on `err`
// and raises the stop flag, so the pass stops after the batch in hand.
std::function<void(const Progress &)> renewingHold(MappingHold &hold, DbConnection &mirror,
                                                   QTextStream &err,
                                                   std::function<void(const Progress &)> next = {});

// --key-from / --key-to for one mapping, as canonical key values (empty when not given).
// Prints the problem and returns false when a value does not fit the key.
bool keyRange(const Options &o, const ResolvedMapping &m, QVariantList &from, QVariantList &to,
              QTextStream &err);
// Progress on stderr for long runs: nothing in the first two seconds, then a line at most
// every second ("orders: diff: comparing 45% (450000 of 1000000 rows)").
std::function<void(const Progress &)> progressPrinter(const QString &mapping, QTextStream &err);

// The commands, one file each.
int runValidate(const Options &o, QTextStream &out, QTextStream &err);
// prepare, with --dry-run and --remove-capture
int runPrepare(const Options &o, QTextStream &out, QTextStream &err);
int runStatus(const Options &o, QTextStream &out, QTextStream &err);
// prepare, sync, backfill, sweep and resync: one operation per selected mapping.
int runOperations(const Options &o, OperationKind kind, QTextStream &out, QTextStream &err);
int runWatch(const Options &o, QTextStream &out, QTextStream &err); // sync --watch
int runServe(const Options &o, QTextStream &out, QTextStream &err);
int runDemo(const Options &o, QTextStream &out, QTextStream &err);
int runDiff(const Options &o, QTextStream &out, QTextStream &err);
int runExplain(const Options &o, QTextStream &out, QTextStream &err);
int runRepair(const Options &o, QTextStream &out, QTextStream &err);

} // namespace tidemark::cli
