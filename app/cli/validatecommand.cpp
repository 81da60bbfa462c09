// tidemark-cli validate: the project against the live databases; every problem, then one
// line per mapping.
#include "clisupport.h"

#include "db/connectionset.h"

using namespace Qt::StringLiterals;

namespace tidemark::cli {

int runValidate(const Options &o, QTextStream &out, QTextStream &err)
{
    const std::optional<Project> project = loadProject(o, err);
    if (!project)
        return ExitError;
    ConnectionSet connections(*project, u"cli"_s);
    const ProjectCheck check = checkProject(*project, connections, o.mapping, false);
    if (!check.ok()) {
        printWarnings(check.warnings, err);
        reportProblems(check.errors, project->filePath, err);
        return ExitError;
    }
    // Warnings go with the mappings' lines and never change the exit code.
    printWarnings(check.warnings, out);
    for (const ResolvedMapping &m : check.mappings) {
        out << m.name() << ": " << m.config.source.connection << ':' << m.config.source.table
            << " -> " << m.config.mirror.connection << ':' << m.config.mirror.table << ", key ("
            << m.key.join(u", "_s) << "), " << m.columns.size() << " columns, "
            << (m.hasCursor() ? u"cursor "_s + m.config.cursorColumn : u"no cursor"_s);
        if (!m.mirrorSchema.exists())
            out << "; mirror table does not exist yet (prepare creates it)";
        out << '\n';
    }
    out << "project OK: " << check.mappings.size() << " mappings checked";
    if (!check.warnings.isEmpty())
        out << ", " << check.warnings.size()
            << (check.warnings.size() == 1 ? " warning" : " warnings");
    out << '\n';
    return ExitOk;
}

} // namespace tidemark::cli
