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

    // Classifies a QtSql error raised while talking to `what` ("connection 'pg'", ...).
    static DbError fromSql(const QString &what, const QSqlError &error, const QString &sql = {});

private:
    Kind m_kind;
    QString m_message;
    QString m_detail;
};

} // namespace tidemark
