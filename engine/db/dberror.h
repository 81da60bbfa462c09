#pragma once
// The one error type the database and sync layers throw. Caught at an operation boundary
// (sync/operations.cpp, run/mappingworker.cpp), never across the event loop.

#include <QString>
#include <QSqlError>

#include <stdexcept>

namespace tidemark {

class DbError : public std::runtime_error
{
public:
    enum class Kind {
        Transient,   // connection lost, timeout, lock wait: try again on schedule
        Permanent,   // missing table, permission, schema mismatch: an operator must act
        Cancelled,   // the operator or shutdown asked to stop
        Refused,     // a safety rule refused a destructive step (exit 3)
    };

    DbError(Kind kind, QString message, QString detail = {});

    Kind kind() const { return m_kind; }
    const QString &message() const { return m_message; }
    const QString &detail() const { return m_detail; }   // driver text, SQL
    bool isTransient() const { return m_kind == Kind::Transient; }

    // The project connection the error happened on, when known, and whether it means that
    // connection is gone (refused, dropped, timed out): the engine then marks the connection
    // disconnected and reconnects it, instead of treating it as the mapping's own problem.
    const QString &connection() const { return m_connection; }
    bool connectionLost() const { return m_connectionLost; }
    DbError &onConnection(const QString &name, bool lost)
    {
        m_connection = name;
        m_connectionLost = lost;
        return *this;
    }

    // Classifies a QtSql error raised while talking to `what` ("connection 'pg'", ...).
    static DbError fromSql(const QString &what, const QSqlError &error, const QString &sql = {});

private:
    Kind m_kind;
    QString m_message;
    QString m_detail;
    QString m_connection;
    bool m_connectionLost = false;
};

// Does this QtSql error mean the connection itself is gone (as opposed to a statement that
// failed on a live connection)?
bool isConnectionLoss(const QSqlError &error);

} // namespace tidemark
