#pragma once
// Builds the benchmark's source tables: the rows as a tab-separated file, loaded into
// PostgreSQL with psql's \copy and into MariaDB with LOAD DATA LOCAL INFILE, and written into
// SQLite in one transaction through one prepared statement. Loading is not measured.

#include "benchdb.h"
#include "rowgen.h"

#include <QString>

namespace tidemark::bench {

// Rows 1..rows, in key order, in the COPY text format (RowGenerator::appendTsv).
void writeTsv(const QString &path, const RowGenerator &gen, qint64 rows);

// (Re)creates `table` in the SQLite file at `path` and fills it with rows 1..rows.
void loadSqlite(const QString &path, const QString &table, const RowGenerator &gen, qint64 rows);

// (Re)creates `table` on `server` and loads `tsvPath` into it with the server's command-line
// client; `logFile` gets the client's output. Throws std::runtime_error on failure.
void loadServer(const Server &server, const QString &table, const QString &tsvPath,
                const QString &logFile);

// Command lines for the servers' own clients, shared with the baselines.
QStringList psqlArgs(const Server &pg);
QStringList mariadbArgs(const Server &maria);
QString mariadbClient();                     // "mariadb", or "mysql" on older systems
QStringList clientEnv(const Server &server); // PGPASSWORD / MYSQL_PWD

} // namespace tidemark::bench
