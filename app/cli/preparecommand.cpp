// tidemark-cli prepare: creates what the mirror and, for captured mappings, the source need.
// --dry-run prints the statements and changes nothing; --remove-capture takes a mapping's
// capture triggers (and, when no other table's capture is left, the change log) away again.
#include "clisupport.h"

#include "capture/captureinstaller.h"
#include "capture/capturesql.h"
#include "db/connectionset.h"
#include "db/dberror.h"
#include "sync/checkpointstore.h"

#include <QFileInfo>

using namespace Qt::StringLiterals;

namespace tidemark::cli {

namespace {

// The mirror's connection without creating anything: a SQLite mirror file that `prepare`
// would create is not created by a dry run or a removal. Null when it does not exist yet.
DbConnection *existingMirror(const Project &project, ConnectionSet &connections,
                             const MappingConfig &m)
{
    const ConnectionConfig &c = project.connection(m.mirror.connection);
    if (c.driver == DriverKind::Sqlite && !QFileInfo::exists(c.database))
        return nullptr;
    return &connections.get(m.mirror.connection);
}

QStringList mirrorStatements(const ResolvedMapping &m, const Dialect &d, DbConnection *mirror)
{
    QStringList out;
    const QString table = m.config.mirror.table;
    if (!mirror || !d.tableExists(*mirror, table))
        out << d.createMirrorTable(table, m.sourceSchema, m.columns, m.key);
    if (!mirror || !CheckpointStore(*mirror).exists())
        out << d.createStateTable(CheckpointStore::tableName());
    if (!mirror || !CheckpointStore(*mirror).captureTableExists())
        out << d.createCaptureStateTable(CheckpointStore::captureTableName());
    return out;
}

int runDryRun(const Project &project, ConnectionSet &connections,
              const QList<ResolvedMapping> &mappings, QTextStream &out, QTextStream &err)
{
    bool failed = false;
    for (const ResolvedMapping &m : mappings) {
        const ConnectionConfig &mirrorConfig = project.connection(m.config.mirror.connection);
        DbConnection *mirror = existingMirror(project, connections, m.config);
        DbConnection unopened(mirrorConfig, u"dry-run"_s);
        MappingContext ctx{m, connections.get(m.config.source.connection),
                           mirror ? *mirror : unopened, nullptr, {}};
        const std::unique_ptr<Dialect> md = Dialect::create(mirrorConfig.driver);
        const QStringList mirrorSql = mirrorStatements(m, *md, mirror);
        out << "-- mapping '" << m.name() << "': mirror, " << mirrorConfig.describe() << '\n';
        out << (mirrorSql.isEmpty() ? u"-- nothing to create\n"_s : CaptureSql::script(mirrorSql));
        if (m.config.captured()) {
            out << "-- mapping '" << m.name() << "': capture in the source, "
                << ctx.source.describe() << '\n';
            const QStringList problems = captureProblems(ctx);
            for (const QString &p : problems)
                err << "error: mapping '" << m.name() << "': " << p << '\n';
            failed = failed || !problems.isEmpty();
            out << CaptureSql::script(planCaptureInstall(ctx).statements);
        }
    }
    out << "-- dry run: nothing was changed\n";
    return failed ? ExitError : ExitOk;
}

int runRemoveCapture(const Project &project, ConnectionSet &connections,
                     const QList<ResolvedMapping> &mappings, const Options &o, QTextStream &out,
                     QTextStream &err)
{
    int removed = 0;
    for (const ResolvedMapping &m : mappings) {
        // Every captured mapping, or the one named even if the file no longer says "capture"
        // (the usual order: take it out of the project, then remove what it left behind).
        if (!m.config.captured() && o.mapping.isEmpty())
            continue;
        const ConnectionConfig &mirrorConfig = project.connection(m.config.mirror.connection);
        DbConnection unopened(mirrorConfig, u"remove-capture"_s);
        MappingContext ctx{m, connections.get(m.config.source.connection), unopened, nullptr, {}};
        const CapturePlan plan = planCaptureRemoval(ctx);
        if (o.dryRun) {
            out << "-- mapping '" << m.name() << "': remove capture from "
                << ctx.source.describe() << '\n'
                << CaptureSql::script(plan.statements);
            continue;
        }
        try {
            applyCapturePlan(ctx, plan, false);
        } catch (const DbError &e) {
            err << "error: mapping '" << m.name() << "': " << e.message() << '\n';
            return ExitError;
        }
        ++removed;
        out << m.name() << ": capture removed from table '" << ctx.sourceTable() << "' in "
            << ctx.source.describe()
            << (plan.dropsLog ? u"; the change log is gone too (no other table is captured)"_s
                              : u"; the change log stays for the other captured tables"_s)
            << '\n';
    }
    if (o.dryRun)
        out << "-- dry run: nothing was changed\n";
    else if (removed == 0)
        out << "no mapping captures changes; nothing to remove (name one with --mapping)\n";
    return ExitOk;
}

} // namespace

int runPrepare(const Options &o, QTextStream &out, QTextStream &err)
{
    if (!o.dryRun && !o.removeCapture)
        return runOperations(o, OperationKind::Prepare, out, err);
    const std::optional<Project> project = loadProject(o, err);
    if (!project)
        return ExitError;
    ConnectionSet connections(*project, u"cli"_s);
    const ProjectCheck check = checkProject(*project, connections, o.mapping, false);
    if (!check.ok()) {
        reportProblems(check.errors, project->filePath, err);
        return ExitError;
    }
    try {
        if (o.removeCapture)
            return runRemoveCapture(*project, connections, check.mappings, o, out, err);
        return runDryRun(*project, connections, check.mappings, out, err);
    } catch (const DbError &e) {
        err << "error: " << e.message() << '\n';
        return ExitError;
    }
}

} // namespace tidemark::cli
