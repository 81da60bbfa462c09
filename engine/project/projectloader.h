#pragma once
// Reads and statically validates a project file. Live checks (connections, tables, columns)
// live in sync/projectchecker.h because they need the database layer.

#include "project/projectconfig.h"

#include <QByteArray>

namespace tidemark {

struct ProjectLoadResult
{
    std::optional<Project> project;  // set only when `errors` is empty
    QList<ProjectError> errors;

    bool ok() const { return project.has_value(); }
};

class ProjectLoader
{
public:
    // Reads `path`; every problem is collected (not just the first) so the user can fix
    // the file in one go.
    static ProjectLoadResult loadFile(const QString &path);

    // Parses `json` as if it were the file at `path` (used by tests and the GUI editor).
    static ProjectLoadResult loadBytes(const QByteArray &json, const QString &path);

    // Serialises a project back to the file format (GUI save; the demo writes its project).
    // SQLite paths inside the project folder are written relative to it.
    static QByteArray toJson(const Project &project);
};

} // namespace tidemark
