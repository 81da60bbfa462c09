#include "db/mariadbclient.h"

#include "db/dbconnection.h"

#include <QSqlDriver>

#include <dlfcn.h>

using namespace Qt::StringLiterals;

namespace tidemark::mariadbclient {

namespace {

struct Api
{
    int (*getSocket)(void *) = nullptr;
    int (*sendQuery)(void *, const char *, unsigned long) = nullptr;
    int (*readQueryResult)(void *) = nullptr;   // my_bool: 0 on success
    unsigned int (*errorNumber)(void *) = nullptr;
    const char *(*errorText)(void *) = nullptr;
    unsigned int (*fieldCount)(void *) = nullptr;
    void *(*storeResult)(void *) = nullptr;
    void (*freeResult)(void *) = nullptr;
};

const Api &api()
{
    static const Api a = [] {
        Api found;
        for (const char *lib : {"libmariadb.so.3", "libmysqlclient.so.21"}) {
            void *h = ::dlopen(lib, RTLD_NOW | RTLD_NOLOAD);
            if (!h)
                continue;
            auto get = [h](auto &fn, const char *name) {
                fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(::dlsym(h, name));
            };
            get(found.getSocket, "mysql_get_socket");
            get(found.sendQuery, "mysql_send_query");
            get(found.readQueryResult, "mysql_read_query_result");
            get(found.errorNumber, "mysql_errno");
            get(found.errorText, "mysql_error");
            get(found.fieldCount, "mysql_field_count");
            get(found.storeResult, "mysql_store_result");
            get(found.freeResult, "mysql_free_result");
            break;
        }
        return found;
    }();
    return a;
}

QSqlError lastError(void *mysql, const QString &driverText)
{
    const Api &a = api();
    const unsigned int code = a.errorNumber ? a.errorNumber(mysql) : 0;
    const QString text = a.errorText ? QString::fromUtf8(a.errorText(mysql)) : QString();
    // Client errors (2000 and up: lost connection, server gone) are connection errors, as QMYSQL
    // reports a failed connect; server errors are statement errors.
    const QSqlError::ErrorType type =
            code >= 2000 && code < 3000 ? QSqlError::ConnectionError : QSqlError::StatementError;
    return QSqlError(driverText, text, type, code ? QString::number(code) : QString());
}

} // namespace

void *handle(DbConnection &conn)
{
    if (!conn.isOpen())
        return nullptr;
    const QSqlDriver *driver = conn.database().driver();
    if (!driver)
        return nullptr;
    const QVariant h = driver->handle();
    if (!h.isValid()
        || (qstrcmp(h.typeName(), "MYSQL*") != 0 && qstrcmp(h.typeName(), "st_mysql*") != 0))
        return nullptr;
    return *static_cast<void *const *>(h.constData());
}

int socket(void *mysql)
{
    return mysql && api().getSocket ? api().getSocket(mysql) : -1;
}

bool canSend()
{
    const Api &a = api();
    return a.sendQuery && a.readQueryResult && a.errorNumber && a.errorText && a.fieldCount
            && a.storeResult && a.freeResult;
}

QSqlError send(void *mysql, const QByteArray &sql)
{
    if (api().sendQuery(mysql, sql.constData(), static_cast<unsigned long>(sql.size())) != 0)
        return lastError(mysql, u"QMYSQL: Unable to send query"_s);
    return {};
}

QSqlError readResult(void *mysql)
{
    const Api &a = api();
    if (a.readQueryResult(mysql) != 0)
        return lastError(mysql, u"QMYSQL: Unable to execute query"_s);
    // A statement that returns rows (none we send does) must still have them read, or the
    // connection is out of step with the server.
    if (a.fieldCount(mysql) > 0)
        if (void *result = a.storeResult(mysql))
            a.freeResult(result);
    return {};
}

} // namespace tidemark::mariadbclient
