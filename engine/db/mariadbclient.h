#pragma once
// Calls into the MariaDB client library (Connector/C, or libmysqlclient) that QMYSQL loaded,
// for what QtSql does not offer: the socket of a connection (for the statement watchdog) and
// sending a statement without waiting for its end (so the next one is prepared meanwhile).
// The functions are looked up at run time in the library already loaded, so no -dev package
// is needed to build; where one is missing the callers fall back to QtSql.

#include <QByteArray>
#include <QSqlError>

namespace tidemark {

class DbConnection;

namespace mariadbclient {

// The connection's MYSQL handle, or nullptr (not QMYSQL, not open).
void *handle(DbConnection &conn);

// The socket of `mysql`, or -1 when the library has no mysql_get_socket().
int socket(void *mysql);

// Are mysql_send_query() and mysql_read_query_result() there?
bool canSend();
// Sends `sql` and returns without reading the result; readResult() reads it. Each returns an
// invalid QSqlError on success, else the error as QMYSQL would have reported it.
QSqlError send(void *mysql, const QByteArray &sql);
QSqlError readResult(void *mysql);

} // namespace mariadbclient
} // namespace tidemark
