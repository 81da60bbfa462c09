#pragma once
// Writes into a MariaDB mirror through the client library's bulk execution, on QMYSQL's
// connection: one single-row INSERT ... ON DUPLICATE KEY UPDATE is prepared once and run for a
// whole array of rows in one round trip (COM_STMT_BULK_EXECUTE), the values travelling in the
// binary protocol from typed column arrays filled here. QMYSQL binds every value through
// QVariants and copies of its own, and literal SQL makes the server parse every value; this
// does neither. Built when the MariaDB client headers (libmariadb-dev) are found; elsewhere, or
// against a server without bulk execution (MySQL), upsert() returns false and the caller writes
// literal statements instead.

#include <QList>
#include <QString>
#include <QVariantList>

#include <memory>

namespace tidemark {

class DbConnection;

namespace mariadbnative {

// A batch of rows in the column arrays bulk execution sends, built from driver values
// (Dialect::fromCanonical's results) apart from the connection, so the next batch can be built
// on another thread while one runs.
struct Batch;
struct BatchDeleter
{
    void operator()(Batch *batch) const;
};
using BatchPtr = std::unique_ptr<Batch, BatchDeleter>;

// Null when a column's values are of types that cannot be bound as one array, or the path is
// not built in.
BatchPtr makeBatch(const QList<QVariantList> &rows);

// Runs `sql`, a statement with one placeholder per column that returns no rows, once for each
// row of `batch`, in one round trip. The prepared statement is kept for the next call with the
// same text until the connection closes. Throws DbError when the server refuses; the caller's
// transaction must then be rolled back (rows before the failing one may be written).
void execute(DbConnection &conn, const QString &sql, const Batch &batch);

// Can execute() run on this connection: built in, enabled, QMYSQL's handle, a server with bulk
// execution? (Checked before the rows are converted for it.)
bool available(DbConnection &conn);

// Test hook: with false, execute() always returns false (the literal path is then taken).
void setEnabled(bool enabled);

} // namespace mariadbnative
} // namespace tidemark
