// Quoting, the SQL shapes and the session. Reading and binding values are in
// dialect_mariadb_values.cpp, the catalog and the tables we create in dialect_mariadb_catalog.cpp.

#include "db/dialect_mariadb.h"

#include "db/dbconnection.h"
#include "db/dberror.h"
#include "db/dialect_mariadb_internal.h"
#include "db/identifier.h"
#include "db/mariadbclient.h"
#include "log/logging.h"

#include <QSqlError>
#include <QSqlQuery>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace tidemark {

using namespace mariadbdialect;

namespace {

// The session's modes, set whole rather than added to: besides strictness this drops modes a
// server may default to that change values silently (EMPTY_STRING_IS_NULL, PAD_CHAR_TO_FULL_LENGTH)
// or the SQL we write (ANSI_QUOTES, ORACLE). NO_AUTO_VALUE_ON_ZERO keeps a key 0 a 0 in a mirror
// whose key is AUTO_INCREMENT.
const QString kSqlMode =
        u"STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ZERO_IN_DATE,"
        "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION,NO_AUTO_VALUE_ON_ZERO"_s;

} // namespace

QString MariaDbDialect::qtDriverName() const
{
    return u"QMYSQL"_s;
}

QString MariaDbDialect::quote(const QString &identifier) const
{
    return quoteIdentifierWith(identifier, u'`');
}

QString MariaDbDialect::connectOptions(const ConnectionConfig &config)
{
    // The read/write timeouts turn a dead peer into an error instead of a worker that hangs
    // forever. The driver's automatic reconnect would open a fresh session without our time
    // zone, sql_mode and timeouts and carry on as if nothing happened: timestamps would be read
    // in the server's zone and bad values stored with a warning. A lost connection must be an
    // error, retried through open() and configureSession(). So a project's MYSQL_OPT_RECONNECT
    // is dropped: QMYSQL in Qt 6.4 keeps reconnect on once any option turned it on, whatever
    // a later "=0" says.
    // The read timeout is the statement watchdog of this driver: a server that stops answering
    // (SIGSTOP, a dropped network) ends the read after it. A little beyond the server's own
    // max_statement_time, which ends slow statements first with a clearer error.
    const int ioTimeoutS = config.statementTimeoutS + 5;
    QStringList options{u"MYSQL_OPT_CONNECT_TIMEOUT=%1"_s.arg(config.connectTimeoutS),
                        u"MYSQL_OPT_READ_TIMEOUT=%1"_s.arg(ioTimeoutS),
                        u"MYSQL_OPT_WRITE_TIMEOUT=%1"_s.arg(ioTimeoutS)};
    for (const QString &option : config.options.split(u';', Qt::SkipEmptyParts)) {
        if (option.section(u'=', 0, 0)
                    .trimmed()
                    .compare(u"MYSQL_OPT_RECONNECT"_s, Qt::CaseInsensitive)
            == 0) {
            logger("db.mariadb")
                    ->warn("ignoring the connect option '{}': automatic reconnects "
                           "would lose the session's UTC time zone and strict mode",
                           option.trimmed());
            continue;
        }
        options << option;
    }
    options << u"MYSQL_OPT_RECONNECT=0"_s;
    return options.join(u';');
}

QString MariaDbDialect::expandRowComparison(const QStringList &columns, bool lessOrEqual) const
{
    // MariaDB's optimiser does not use an index for a row comparison (a, b) > (?, ?): each page
    // would scan from the start of the table. Spelled out, it is a range on the key:
    //   (a > ?) OR (a = ? AND b > ?) OR (a = ? AND b = ? AND c > ?)
    QStringList terms;
    for (qsizetype i = 0; i < columns.size(); ++i) {
        QStringList parts;
        for (qsizetype j = 0; j < i; ++j)
            parts << quote(columns.at(j)) + u" = ?"_s;
        const bool last = i == columns.size() - 1;
        const QString op = lessOrEqual ? (last ? u" <= ?"_s : u" < ?"_s) : u" > ?"_s;
        parts << quote(columns.at(i)) + op;
        terms << u"("_s + parts.join(u" AND "_s) + u')';
    }
    return u"("_s + terms.join(u" OR "_s) + u')';
}

QString MariaDbDialect::rowGreaterThan(const QStringList &columns) const
{
    if (columns.size() == 1)
        return Dialect::rowGreaterThan(columns);
    return expandRowComparison(columns, false);
}

QString MariaDbDialect::rowLessOrEqual(const QStringList &columns) const
{
    if (columns.size() == 1)
        return Dialect::rowLessOrEqual(columns);
    return expandRowComparison(columns, true);
}

QVariantList MariaDbDialect::bindRowValues(const QVariantList &values) const
{
    // In the order expandRowComparison() writes its placeholders: v1, v1 v2, v1 v2 v3, ...
    QVariantList binds;
    for (qsizetype i = 0; i < values.size(); ++i)
        for (qsizetype j = 0; j <= i; ++j)
            binds << values.at(j);
    return binds;
}

QString MariaDbDialect::upsert(const QString &table, const QStringList &columns,
                               const QStringList &keyColumns, int rowCount,
                               const QStringList &placeholders) const
{
    const QString row = valuesRow(columns.size(), placeholders);
    QString rows;
    rows.reserve((row.size() + 2) * rowCount);
    for (int i = 0; i < rowCount; ++i) {
        if (i > 0)
            rows += u", "_s;
        rows += row;
    }
    return upsertValues(table, columns, keyColumns, rows);
}

QString MariaDbDialect::upsertValues(const QString &table, const QStringList &columns,
                                     const QStringList &keyColumns,
                                     const QString &valuesList) const
{
    QStringList sets;
    for (const QString &c : columns)
        if (!keyColumns.contains(c))
            sets << quote(c) + u" = VALUES("_s + quote(c) + u')';
    // A table of key columns only has nothing to update. Not INSERT IGNORE: IGNORE also turns
    // data errors (a value strict mode rejects) into warnings, and the row would be dropped.
    if (sets.isEmpty())
        sets << quote(keyColumns.first()) + u" = "_s + quote(keyColumns.first());
    return u"INSERT INTO "_s + quote(table) + u" ("_s + columnList(columns) + u") VALUES "_s
            + valuesList + u" ON DUPLICATE KEY UPDATE "_s + sets.join(u", "_s);
}

QString MariaDbDialect::cursorLowerBound(const ColumnInfo &cursor, const QVariant &checkpointCursor,
                                         qint64 amount) const
{
    const QString n = QString::number(amount);
    switch (cursor.valueClass) {
    case ValueClass::Timestamp:
    case ValueClass::TimestampTz:
        return u"(CAST(? AS DATETIME(6)) - INTERVAL "_s + n + u" SECOND)"_s;
    case ValueClass::Date: return u"(CAST(? AS DATE) - INTERVAL "_s + n + u" SECOND)"_s;
    case ValueClass::Time: return u"(CAST(? AS TIME(6)) - INTERVAL "_s + n + u" SECOND)"_s;
    case ValueClass::Decimal:
        // The value arrives as text; text minus a number would be computed as a double, which
        // can round the bound up past the checkpoint.
        if (cursor.precision > 0 && cursor.precision <= 65)
            return u"(CAST(? AS DECIMAL(%1,%2)) - %3)"_s.arg(cursor.precision)
                    .arg(cursor.scale)
                    .arg(n);
        return u"(CAST(? AS DECIMAL(65,30)) - "_s + n + u')';
    case ValueClass::Integer:
    case ValueClass::Boolean:
    case ValueClass::Real: return u"(? - "_s + n + u')';
    default: break;
    }
    // A text cursor. If the checkpoint reads as a timestamp, the bound is that instant minus
    // `amount` and one more second, as 'YYYY-MM-DD HH:MM:SS' text: every text of the same form
    // at or after (checkpoint - amount) sorts above it, and a 'T'-separated text of the same
    // day sorts above it too (a wider window, never a narrower one). Otherwise, or if the server
    // cannot read it, the bound is the empty binary string, below every text (an empty
    // non-binary string is not: with PAD SPACE it sorts above '\t...'): the re-read covers
    // everything up to the checkpoint, more than needed but never less.
    if (parseTimestamp(text(checkpointCursor)))
        return u"COALESCE(DATE_FORMAT(CAST(? AS DATETIME(6)) - INTERVAL "_s
                + QString::number(amount + 1) + u" SECOND, '%Y-%m-%d %H:%i:%s'), _binary'')"_s;
    return u"LEFT(CAST(? AS BINARY), 0)"_s;
}

int MariaDbDialect::socketDescriptor(DbConnection &conn) const
{
    // The client library's own read timeout ends a read from a server that stopped answering,
    // but only after statement_timeout_s plus its retries; the watchdog needs the socket to
    // end it on time and when the engine stops.
    return mariadbclient::socket(mariadbclient::handle(conn));
}

bool MariaDbDialect::startStatement(DbConnection &conn, const QByteArray &sql,
                                    QSqlError &error) const
{
    void *mysql = mariadbclient::handle(conn);
    if (!mysql || !mariadbclient::canSend())
        return false;
    error = mariadbclient::send(mysql, sql);
    return true;
}

QSqlError MariaDbDialect::finishStatement(DbConnection &conn) const
{
    void *mysql = mariadbclient::handle(conn);
    if (!mysql)
        return QSqlError(u"QMYSQL: Unable to execute query"_s, u"connection not open"_s,
                         QSqlError::ConnectionError);
    return mariadbclient::readResult(mysql);
}

void MariaDbDialect::configureSession(DbConnection &conn) const
{
    auto log = logger("db.mariadb");
    conn.exec(u"SET NAMES utf8mb4"_s);
    // UTC, so TIMESTAMP values and DATE_FORMAT() are instants without a zone. autocommit on: a
    // server that defaults it off would hold the first read's snapshot open, and every later
    // incremental pass would see the table as it was then.
    conn.exec(u"SET SESSION time_zone = '+00:00', SESSION sql_mode = '"_s + kSqlMode
              + u"', SESSION autocommit = 1, SESSION lock_wait_timeout = %1, "
                "SESSION innodb_lock_wait_timeout = %1"_s.arg(
                        std::min(30, conn.config().statementTimeoutS)));
    // A statement that runs past statement_timeout_s is stuck; it fails as a transient error and is
    // retried. MariaDB has max_statement_time (seconds, every statement); MySQL has
    // max_execution_time (milliseconds, SELECT only).
    auto optional = [&](const QString &sql) {
        try {
            conn.exec(sql);
            return true;
        } catch (const DbError &e) {
            if (e.isTransient())
                throw;
            return false;
        }
    };
    const int limitS = conn.config().statementTimeoutS;
    if (!optional(u"SET SESSION max_statement_time = %1"_s.arg(limitS))
        && !optional(u"SET SESSION max_execution_time = %1"_s.arg(qint64(limitS) * 1000)))
        log->warn("{}: the server has no statement time limit setting; a stuck statement is "
                  "only ended by the read timeout",
                  conn.describe());
    // Without it, the first TIMESTAMP NOT NULL column of a table we create would be given
    // DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP.
    if (!optional(u"SET SESSION explicit_defaults_for_timestamp = 1"_s))
        log->debug("{}: explicit_defaults_for_timestamp cannot be set", conn.describe());
}

} // namespace tidemark
