#include "sync/projectchecker.h"

#include "db/dberror.h"

#include <QHash>
#include <QSet>

using namespace Qt::StringLiterals;

namespace tidemark {

ProjectCheck checkProject(const Project &project, ConnectionSet &connections,
                          const QString &onlyMapping, bool requireMirrorTables)
{
    ProjectCheck check;
    QHash<QString, QString> failedConnections;   // name -> why
    auto open = [&](const QString &name, bool createIfMissing) -> DbConnection * {
        if (failedConnections.contains(name))
            return nullptr;
        try {
            return &connections.get(name, createIfMissing);
        } catch (const DbError &e) {
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

    // Two mappings writing one mirror table would overwrite each other's rows and sweep each
    // other's rows as orphans.
    QHash<QString, QString> mirrorOwners;
    for (const MappingConfig &m : project.mappings) {
        const QString target = m.mirror.connection + u'\x1f' + m.mirror.table;
        if (mirrorOwners.contains(target))
            check.errors.append(ProjectError{
                    project.filePath, u"mapping '%1'"_s.arg(m.name),
                    u"mirror table '%1' on connection '%2' is also the mirror of mapping '%3'"_s.arg(
                            m.mirror.table, m.mirror.connection, mirrorOwners.value(target))});
        else
            mirrorOwners.insert(target, m.name);
    }

    for (const MappingConfig &m : project.mappings) {
        if (!onlyMapping.isEmpty() && m.name != onlyMapping)
            continue;
        DbConnection *source = open(m.source.connection, false);
        DbConnection *mirror = open(m.mirror.connection, !requireMirrorTables);
        if (!source || !mirror)
            continue;
        try {
            if (auto resolved = resolveMapping(m, *source, *mirror, project.filePath, check.errors,
                                               requireMirrorTables))
                check.mappings.append(*resolved);
        } catch (const DbError &e) {
            check.errors.append(
                    ProjectError{project.filePath, u"mapping '%1'"_s.arg(m.name), e.message()});
        }
    }
    return check;
}

} // namespace tidemark
