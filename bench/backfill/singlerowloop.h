#pragma once
// The baseline a developer writes first: read the source with QtSql, and insert into the
// mirror one row per statement through a prepared INSERT, all inside one transaction. QPSQL
// reads, and QPSQL or QMYSQL writes into the server the engine writes to for that pairing. Run
// as a child process of the benchmark (`--single-row-loop`) so its time and memory are
// measured like tidemark-cli's.

#include <QString>

namespace tidemark::bench {

// Copies rows with id <= `rows` from PostgreSQL table `source` into `target` (which must exist
// and be empty) on `targetDialect`'s server ("postgres" or "mariadb"). Returns a process exit
// code; prints errors to stderr.
int runSingleRowLoop(const QString &source, const QString &targetDialect, const QString &target,
                     qint64 rows);

} // namespace tidemark::bench
