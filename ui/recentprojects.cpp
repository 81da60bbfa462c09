#include "recentprojects.h"

#include <QDir>
#include <QFileInfo>
#include <QSettings>

using namespace Qt::StringLiterals;

namespace tidemark {

namespace {

const QString SettingsKey = u"recentProjects"_s;

QString normalized(const QString &path)
{
    return QDir::cleanPath(QFileInfo(path).absoluteFilePath());
}

QStringList stored()
{
    return QSettings().value(SettingsKey).toStringList();
}

void store(const QStringList &paths)
{
    QSettings().setValue(SettingsKey, paths);
}

} // namespace

QStringList RecentProjects::paths()
{
    QStringList out;
    for (const QString &path : stored()) {
        // A project on an unmounted drive would only fail to open; keep it in the settings
        // (it may come back) but do not offer it.
        if (QFileInfo::exists(path))
            out << path;
    }
    return out;
}

void RecentProjects::add(const QString &path)
{
    const QString p = normalized(path);
    QStringList paths = stored();
    paths.removeAll(p);
    paths.prepend(p);
    while (paths.size() > MaxEntries)
        paths.removeLast();
    store(paths);
}

void RecentProjects::remove(const QString &path)
{
    QStringList paths = stored();
    paths.removeAll(normalized(path));
    store(paths);
}

void RecentProjects::clear()
{
    store({});
}

} // namespace tidemark
