#include "sync/projectchecker.h"

#include "capture/captureinstaller.h"
#include "db/dberror.h"
#include "sync/cursorwarnings.h"

#include <QHash>
#include <QFileInfo>

using namespace Qt::StringLiterals;

namespace tidemark {

QStringList ProjectCheck::warningsOf(const QString &mapping) const
{
    const QString where = u"mapping '%1'"_s.arg(mapping);
    QStringList messages;
    for (const ProjectError &w : warnings)
        if (w.where == where)
            messages << w.message;
    return messages;
}

namespace {

// A captured mapping: keys and server that capture can work with (errors), cascades that
// bypass MariaDB's triggers (warnings), and, past `prepare`, the log and triggers in place.
void checkCapture(const ResolvedMapping &m, DbConnection &source, const QString &file,
                  bool requireInstalled, ProjectCheck &check)
{
    const QString where = u"mapping '%1'"_s.arg(m.name());
    for (const QString &p : captureProblems(m, source))
        check.errors.append(ProjectError{file, where, p});
    for (const QString &fk : cascadingForeignKeys(source, m.config.source.table))
        check.warnings.append(ProjectError{
                file, where,
                fk + u" changes rows of captured table '%1' without running its triggers (MariaDB"
                     " fires no triggers for cascaded changes): those changes reach the mirror"
                     " only by a backfill or sweep"_s.arg(m.config.source.table)});
    if (requireInstalled) {
        const QString missing = missingCapture(m, source);
        if (!missing.isEmpty())
            check.errors.append(ProjectError{
                    file, where,
                    u"\"capture\": \"triggers\", but "_s + missing
                            + u"; run `tidemark-cli prepare` to install it"_s});
    } else if (const QString partial = incompleteCapture(m, source); !partial.isEmpty()) {
        // Before `prepare` nothing need be there; but an install that lacks part of what this
        // version installs (the TRUNCATE trigger, say) stops the mapping's syncs until
        // `prepare` runs again: validate says so now.
        check.warnings.append(ProjectError{
                file, where,
                u"capture is incomplete: "_s + partial
                        + u"; syncs stop until `tidemark-cli prepare` completes it"_s});
    }
}

} // namespace

ProjectCheck checkProject(const Project &project, ConnectionSet &connections,
                          const QString &onlyMapping, bool requireMirrorTables)
{
    ProjectCheck check;
    QHash<QString, QString> failedConnections;   // name -> why
    auto open = [&](const QString &name) -> DbConnection * {
        if (failedConnections.contains(name))
            return nullptr;
        try {
            return &connections.get(name);
        } catch (const DbError &e) {
            check.transient = check.transient || e.isTransient();
            failedConnections.insert(name, e.message());
            check.errors.append(
                    ProjectError{project.filePath, u"connections.%1"_s.arg(name), e.message()});
            return nullptr;
        }
    };

    if (!onlyMapping.isEmpty() && !project.mapping(onlyMapping)) {
        QStringList names;
        for (const MappingConfig &m : project.mappings)
            names << m.name;
        check.errors.append(ProjectError{project.filePath, u"--mapping"_s,
                                         u"no mapping is named '%1' (the project has: %2)"_s.arg(
                                                 onlyMapping, names.join(u", "_s))});
        return check;
    }

    for (const MappingConfig &m : project.mappings) {
        if (!onlyMapping.isEmpty() && m.name != onlyMapping)
            continue;
        const qsizetype errorsBefore = check.errors.size();
        DbConnection *source = open(m.source.connection);
        // Checking writes nothing, not even an empty SQLite file: a mirror database that does
        // not exist yet is one `prepare` creates, after everything checked out.
        const ConnectionConfig &mc = project.connection(m.mirror.connection);
        const bool mirrorFileMissing = mc.driver == DriverKind::Sqlite
                && !QFileInfo::exists(mc.database) && !failedConnections.contains(mc.name);
        DbConnection *mirror = nullptr;
        if (mirrorFileMissing) {
            if (requireMirrorTables)
                check.errors.append(ProjectError{
                        project.filePath, u"mapping '%1'"_s.arg(m.name),
                        u"the mirror database file '%1' of %2 does not exist; run "
                        "`tidemark-cli prepare` to create it"_s.arg(mc.database, mc.describe())});
        } else {
            mirror = open(m.mirror.connection);
        }
        // The source is checked even when the mirror is missing or unreachable, so one run
        // names every problem (a missing source table as well as a missing mirror file).
        if (!source)
            continue;
        const bool mirrorUsable = mirror || mirrorFileMissing;
        try {
            std::optional<ResolvedMapping> resolved = resolveMapping(
                    m, *source, mirror, project.filePath, check.errors, requireMirrorTables);
            if (!resolved)
                continue;
            check.warnings += keyWarnings(*resolved, project.filePath);
            // A captured mapping finds changes by its triggers: what the cursor cannot see does
            // not matter to its sync.
            if (!m.captured())
                check.warnings += cursorWarnings(*resolved, *source, project.filePath);
            if (m.captured())
                checkCapture(*resolved, *source, project.filePath, requireMirrorTables, check);
            if (mirrorUsable && check.errors.size() == errorsBefore)
                check.mappings.append(*resolved);
        } catch (const DbError &e) {
            check.transient = check.transient || e.isTransient();
            check.errors.append(
                    ProjectError{project.filePath, u"mapping '%1'"_s.arg(m.name), e.message()});
        }
    }
    return check;
}

} // namespace tidemark
