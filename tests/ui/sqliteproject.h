#pragma once
// A real project on SQLite files in a temporary folder, for the UI tests that run the real
// EmbeddedEngine: a source table, an empty mirror table and the tidemark.json naming them.

#include "project/projectloader.h"

#include <QFile>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtDebug>

#include <optional>

namespace tidemark::test {

using namespace Qt::StringLiterals;

// Runs `statements` on the SQLite file at `path` through a connection of its own, in one
// transaction (a million single-row commits would take minutes; one takes a second).
inline bool sqliteExec(const QString &path, const QStringList &statements)
{
    const QString name = u"uitest:" + path;
    bool ok = true;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, name);
        db.setDatabaseName(path);
        ok = db.open() && db.transaction();
        for (const QString &sql : statements) {
            QSqlQuery q(db);
            if (!ok || !q.exec(sql)) {
                qWarning() << sql << q.lastError().text();
                ok = false;
            }
        }
        ok = ok && db.commit();
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return ok;
}

inline qint64 sqliteCount(const QString &path, const QString &table)
{
    const QString name = u"uitest:count:" + path;
    qint64 count = -1;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, name);
        db.setDatabaseName(path);
        if (db.open()) {
            QSqlQuery q(db);
            if (q.exec(u"SELECT COUNT(*) FROM \"" + table + u"\"") && q.next())
                count = q.value(0).toLongLong();
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return count;
}

// source.db with `rows` rows in table `items` (id, name, amount, updated_at), mirror.db with
// the same table empty, and tidemark.json with one mapping "items" between them.
inline std::optional<Project> makeSqliteProject(const QTemporaryDir &dir, qint64 rows,
                                                int batchRows = 5000)
{
    const QString schema = u"CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                           u"amount REAL, updated_at TEXT)"_s;
    const QString fill =
            u"WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < %1) "
            u"INSERT INTO items SELECT x, 'item ' || x, x * 0.25, "
            u"strftime('%Y-%m-%d %H:%M:%f', '2026-01-01', '+' || (x / 1000) || ' seconds') "
            u"FROM n"_s.arg(rows);
    if (!sqliteExec(dir.filePath(u"source.db"_s), {schema, fill})
        || !sqliteExec(dir.filePath(u"mirror.db"_s), {schema}))
        return std::nullopt;

    QFile file(dir.filePath(u"tidemark.json"_s));
    if (!file.open(QIODevice::WriteOnly))
        return std::nullopt;
    file.write(QStringLiteral(R"({
      "tidemark": 1,
      "connections": {
        "src":    { "driver": "sqlite", "database": "source.db" },
        "mirror": { "driver": "sqlite", "database": "mirror.db" }
      },
      "mappings": [ {
        "name": "items",
        "source": { "connection": "src", "table": "items" },
        "mirror": { "connection": "mirror", "table": "items" },
        "cursor": { "column": "updated_at" },
        "deletes": "sweep",
        "batch_rows": %1
      } ]
    })").arg(batchRows).toUtf8());
    file.close();
    ProjectLoadResult loaded = ProjectLoader::loadFile(file.fileName());
    if (!loaded.ok()) {
        for (const ProjectError &e : loaded.errors)
            qWarning() << e.toString();
        return std::nullopt;
    }
    return std::move(*loaded.project);
}

} // namespace tidemark::test
