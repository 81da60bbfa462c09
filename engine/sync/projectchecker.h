#pragma once
// Live validation: connects to every connection the project uses and checks tables, keys and
// columns. Writes nothing: `validate`, and every command before it writes anything, run it.

#include "db/connectionset.h"
#include "project/projectconfig.h"
#include "sync/resolvedmapping.h"

namespace tidemark {

struct ProjectCheck
{
    QList<ProjectError> errors;
    // Where a mapping works but may sync late, slowly or not at all unless the application
    // does its part (sync/cursorwarnings.h). Warnings never make a check fail.
    QList<ProjectError> warnings;
    QList<ResolvedMapping> mappings;   // those that resolved
    // A lost connection or timeout stopped a check: try again later rather than ask an operator
    // to fix the project.
    bool transient = false;
    bool ok() const { return errors.isEmpty(); }
    // The warnings' messages for one mapping (they all name it in `where`).
    QStringList warningsOf(const QString &mapping) const;
};

// Every problem is reported, not only the first: a mapping whose mirror cannot be reached or
// does not exist yet still has its source table checked.
// `onlyMapping`: check just that mapping (and the connections it uses); empty for all.
// `requireMirrorTables`: false for `prepare`, which creates them.
ProjectCheck checkProject(const Project &project, ConnectionSet &connections,
                          const QString &onlyMapping, bool requireMirrorTables);

} // namespace tidemark
