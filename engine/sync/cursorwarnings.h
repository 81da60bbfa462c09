#pragma once
// validate's warnings about a mapping's cursor: where it cannot order commits well, where every
// pass scans the source table, and where nothing in the source moves it on update. Warnings,
// not errors: the mapping works, but rows may be synced late, slowly or (where the application
// does not do what the catalog cannot see) not at all. README "Cursor warnings" says what to
// do about each.

#include "project/projectconfig.h"

#include <QList>

namespace tidemark {

class DbConnection;
struct ResolvedMapping;

// One ProjectError per warning, naming the mapping, the source table and the cursor column.
// Reads the source's catalog; throws DbError only when the connection failed on the way
// (transient), and reports any other catalog failure as a warning of its own.
// A key named in the project (not the source's primary key) with a column that allows NULL.
QList<ProjectError> keyWarnings(const ResolvedMapping &mapping, const QString &projectFile);

QList<ProjectError> cursorWarnings(const ResolvedMapping &mapping, DbConnection &source,
                                   const QString &projectFile);

} // namespace tidemark
