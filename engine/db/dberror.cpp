#include "db/dberror.h"

#include <QSet>

using namespace Qt::StringLiterals;

namespace tidemark {

DbError::DbError(Kind kind, QString message, QString detail)
    : std::runtime_error(message.toStdString())
    , m_kind(kind)
    , m_message(std::move(message))
    , m_detail(std::move(detail))
{
}

namespace {

// Native codes that mean "try again later" rather than "an operator must fix something".
bool isTransientNative(const QString &code)
{
    // SQLite: BUSY (5), LOCKED (6) and their extended codes (e.g. 261, 517, 262).
    static const QSet<QString> sqlite = {u"5"_s, u"6"_s, u"261"_s, u"517"_s, u"262"_s, u"773"_s};
    // MariaDB/MySQL client and server codes: can't connect, server gone, lost connection,
    // lock wait timeout, deadlock, statement timeout, shutdown in progress.
    static const QSet<QString> mysql = {u"2002"_s, u"2003"_s, u"2005"_s, u"2006"_s, u"2013"_s,
                                        u"2055"_s, u"1205"_s, u"1213"_s, u"1969"_s, u"3024"_s,
                                        u"1053"_s, u"1927"_s, u"4031"_s};
    if (sqlite.contains(code) || mysql.contains(code))
        return true;
    // PostgreSQL SQLSTATE: class 08 connection exceptions, 57P0x shutdown/crash, 57014 query
    // cancelled (statement_timeout), 40001 serialization failure, 40P01 deadlock, 53300 too
    // many connections, 55P03 lock not available.
    if (code.size() == 5) {
        if (code.startsWith(u"08") || code.startsWith(u"57P"))
            return true;
        static const QSet<QString> pg = {u"57014"_s, u"40001"_s, u"40P01"_s, u"53300"_s,
                                         u"55P03"_s};
        return pg.contains(code);
    }
    return false;
}

} // namespace

bool isConnectionLoss(const QSqlError &error)
{
    if (error.type() == QSqlError::ConnectionError)
        return true;
    const QString code = error.nativeErrorCode();
    static const QSet<QString> mysql = {u"2002"_s, u"2003"_s, u"2005"_s, u"2006"_s, u"2013"_s,
                                        u"2055"_s, u"1053"_s, u"1927"_s, u"4031"_s};
    if (mysql.contains(code) || code.startsWith(u"08") || code == u"57P01"_s
        || code == u"57P02"_s || code == u"57P03"_s)
        return true;
    // QPSQL reports a dropped socket with no SQLSTATE, only libpq's text.
    const QString text = error.text();
    return code.isEmpty()
            && (text.contains(u"server closed the connection"_s)
                || text.contains(u"no connection to the server"_s)
                || text.contains(u"could not receive data from server"_s)
                || text.contains(u"could not send data to server"_s)
                || text.contains(u"connection not open"_s)
                || text.contains(u"Lost connection"_s)
                || text.contains(u"gone away"_s));
}

DbError DbError::fromSql(const QString &what, const QSqlError &error, const QString &sql)
{
    const QString code = error.nativeErrorCode();
    // A dropped connection does not always come with a code (QPSQL reports libpq's text only,
    // as a statement error): that is transient too.
    const bool transient = error.type() == QSqlError::ConnectionError || isTransientNative(code)
            || isConnectionLoss(error);
    QString text = error.text().trimmed();
    if (text.isEmpty())
        text = u"unknown database error"_s;
    QString message = what + u": "_s + text;
    if (!code.isEmpty())
        message += u" (code "_s + code + u')';
    // A multi-row statement with its values written out can be megabytes long: its start is
    // enough to tell which statement it was.
    constexpr qsizetype kShownSql = 2000;
    QString shownSql = sql;
    if (shownSql.size() > kShownSql)
        shownSql = sql.left(kShownSql) + u"... (%1 characters in all)"_s.arg(sql.size());
    return DbError(transient ? Kind::Transient : Kind::Permanent, message, shownSql);
}

} // namespace tidemark
