#pragma once
// The benchmark's own database access: the servers that scripts/testservers.sh starts, found
// through the same TIDEMARK_PG_* / TIDEMARK_MARIA_* variables the test suite uses, and plain
// QtSql connections to them. Nothing here goes through the engine: the benchmark measures
// tidemark-cli from outside and checks its result with its own reads.

#include <QSqlDatabase>
#include <QString>
#include <QVariantList>

#include <optional>

namespace tidemark::bench {

struct Server
{
    QString dialect; // "postgres" or "mariadb"
    QString host;
    int port = 0;
    QString user;
    QString password;
    QString passwordEnv; // the variable that holds the password, for project files
    QString database;
};

// From TIDEMARK_PG_* (dialect "postgres") or TIDEMARK_MARIA_* ("mariadb"); nullopt when unset.
std::optional<Server> serverFromEnvironment(const QString &dialect);

// Opens a QtSql connection named `name` to `server`, or to the SQLite file `sqlitePath` when
// server is nullopt. Throws std::runtime_error with the driver's message on failure.
QSqlDatabase openConnection(const QString &name, const std::optional<Server> &server,
                            const QString &sqlitePath = QString());

// Runs `sql` (with `binds`) and throws std::runtime_error naming the statement on failure.
void execOrThrow(QSqlDatabase &db, const QString &sql, const QVariantList &binds = {});
qint64 countRows(QSqlDatabase &db, const QString &quotedTable);

QString quoteName(const QString &dialect, const QString &name);

} // namespace tidemark::bench
