// tidemark-cli prepare, sync, backfill, sweep and resync: one operation per selected mapping.
#include "clisupport.h"

#include "db/connectionset.h"
#include "db/dberror.h"
#include "run/mappinghold.h"
#include "sync/checkpointstore.h"

using namespace Qt::StringLiterals;

namespace tidemark::cli {

// Runs `kind` for each selected mapping after the project validated against the live
// databases. Nothing is written before every selected mapping checks out; a run that finds
// problems prints all of them (exit 2).
int runOperations(const Options &o, OperationKind kind, QTextStream &out, QTextStream &err)
{
    const std::optional<Project> project = loadProject(o, err);
    if (!project)
        return ExitError;
    ConnectionSet connections(*project, u"cli"_s);
    const bool preparing = kind == OperationKind::Prepare;
    const ProjectCheck check = checkProject(*project, connections, o.mapping, !preparing);
    // Every problem at once, as validate prints them: the mappings that checked out are also
    // asked for their state table, so a missing source table in one mapping and an unprepared
    // mirror in another are named by the same run.
    QList<ProjectError> problems = check.errors;
    if (!preparing) {
        for (const ResolvedMapping &m : check.mappings) {
            DbConnection &mirror = connections.get(m.config.mirror.connection);
            if (!CheckpointStore(mirror).exists())
                problems << ProjectError{project->filePath, u"mapping '%1'"_s.arg(m.name()),
                                         u"the state table '%1' is missing in %2; run "
                                         "`tidemark-cli prepare` first"_s.arg(
                                                 CheckpointStore::tableName(), mirror.describe())};
        }
    }
    if (!problems.isEmpty()) {
        reportProblems(problems, project->filePath, err);
        return ExitError;
    }

    installStopSignals();
    OperationOptions options;
    options.force = o.force;
    options.noGate = o.noGate;
    options.dryRun = o.dryRun;
    if ((!o.keyFrom.isEmpty() || !o.keyTo.isEmpty()) && kind != OperationKind::Backfill) {
        err << "tidemark-cli: --key-from/--key-to apply to backfill, diff and repair, not to "
            << operationName(kind) << '\n';
        return ExitError;
    }
    QList<OperationResult> results;
    for (const ResolvedMapping &m : check.mappings) {
        if (!keyRange(o, m, options.keyFrom, options.keyTo, err))
            return ExitError;
        DbConnection &mirror = connections.get(m.config.mirror.connection, preparing);
        // Never beside the instance that runs the mapping (a `sync --watch`, `serve` or the
        // monitor): refused while another holds it. `prepare` only creates what is missing.
        std::unique_ptr<MappingHold> hold;
        if (!preparing) {
            hold = makeHold(o, *project, m);
            QString refusal;
            try {
                refusal = takeHold(*hold, m.name(), mirror);
            } catch (const DbError &e) {
                OperationResult failed;
                failed.run.kind = operationName(kind);
                failed.run.result = u"error"_s;
                failed.run.error = u"cannot take the mapping's hold: "_s + e.message();
                err << resultLine(m.name(), failed) << '\n';
                results << failed;
                continue;
            }
            if (!refusal.isEmpty()) {
                OperationResult refused;
                refused.run.kind = operationName(kind);
                refused.run.result = u"refused"_s;
                refused.run.error = refusal;
                err << resultLine(m.name(), refused) << '\n';
                results << refused;
                continue;
            }
        }
        MappingContext ctx{m,
                           connections.get(m.config.source.connection),
                           mirror,
                           &stopFlag(),
                           hold ? renewingHold(*hold, mirror, err) : nullptr};
        const OperationResult r = runOperation(kind, ctx, options);
        if (hold)
            hold->release(&mirror);
        (r.ok() ? out : err) << resultLine(m.name(), r) << '\n';
        results << r;
        if (stopFlag().load())
            break;
    }
    out.flush();
    err.flush();
    return exitCodeFor(results);
}

} // namespace tidemark::cli
