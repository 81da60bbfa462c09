#pragma once
// The recently opened project files, newest first, kept in QSettings ("recentProjects").
// Only paths are stored: never a password or anything else from the project.

#include <QStringList>

namespace tidemark {

class RecentProjects
{
public:
    static constexpr int MaxEntries = 8;

    static QStringList paths();            // newest first; files that are gone are left out
    static void add(const QString &path);  // moves it to the front
    static void remove(const QString &path);
    static void clear();
};

} // namespace tidemark
