#pragma once
// Bulk upsert into a PostgreSQL mirror: the rows go into a temporary staging table through
// COPY ... FROM STDIN (libpq, on QPSQL's own connection, inside the caller's transaction), then
// one INSERT ... SELECT ... ON CONFLICT moves them into the mirror.
//
// Why not the multi-row upsert alone: QPSQL sends every bound value as a literal inside
// `EXECUTE stmt (...)`, so a 500-row statement is parsed twice (PREPARE and EXECUTE) with
// thousands of literals; COPY's text format is parsed once by the columns' input functions.
// The values arrive the same way as through the parameterised path: as text, read by the
// input function of the mirror column's type, so both paths store identical values.

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>
#include <QVariantList>

namespace tidemark {

class DbConnection;
class TableCodec;

// Is the COPY path compiled in (libpq was found at build time)?
bool copyUpsertAvailable();

// Upserts `rows` (canonical values in `codec` column order) into `table` by `keyColumns`.
// Returns false, having written nothing, when this connection cannot take the COPY path: not
// QPSQL, no libpq in this build, no transaction open (the staging table lives until COMMIT),
// or a result still pending on the connection. Throws DbError when the COPY or the upsert fails;
// the caller's transaction is then aborted and must be rolled back.
// `keysAbsent`: the caller has just found none of the rows' keys in `table` within the open
// transaction; they are copied straight into it (no staging table, no ON CONFLICT).
bool copyUpsert(DbConnection &conn, const TableCodec &codec, const QString &table,
                const QStringList &keyColumns, const QList<QVariantList> &rows,
                bool keysAbsent = false);

// The socket of a QPSQL connection (for the statement watchdog); -1 without libpq.
int libpqSocket(DbConnection &conn);

// Appends one row of driver values (TableCodec::toDriver) in COPY's text format: tab-separated,
// \N for NULL, backslash escapes for \ and control characters, bytea as \\x hex.
void appendCopyRow(QByteArray &out, const QVariantList &driverValues);

} // namespace tidemark
