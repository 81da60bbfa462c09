#include "benchdb.h"

#include <QSqlError>
#include <QSqlQuery>

#include <stdexcept>

using namespace Qt::StringLiterals;

namespace tidemark::bench {

std::optional<Server> serverFromEnvironment(const QString &dialect)
{
    const QString prefix = dialect == u"postgres" ? u"TIDEMARK_PG_"_s : u"TIDEMARK_MARIA_"_s;
    auto var = [&](const QString &suffix) {
        return qEnvironmentVariable((prefix + suffix).toUtf8().constData());
    };
    if (var(u"HOST"_s).isEmpty() || var(u"PORT"_s).isEmpty())
        return std::nullopt;
    Server s;
    s.dialect = dialect;
    s.host = var(u"HOST"_s);
    s.port = var(u"PORT"_s).toInt();
    s.user = var(u"USER"_s);
    s.password = var(u"PASSWORD"_s);
    s.passwordEnv = prefix + u"PASSWORD"_s;
    s.database = var(u"DATABASE"_s);
    return s;
}

QSqlDatabase openConnection(const QString &name, const std::optional<Server> &server,
                            const QString &sqlitePath)
{
    QSqlDatabase db;
    if (!server) {
        db = QSqlDatabase::addDatabase(u"QSQLITE"_s, name);
        db.setDatabaseName(sqlitePath);
    } else {
        db = QSqlDatabase::addDatabase(server->dialect == u"postgres" ? u"QPSQL"_s : u"QMYSQL"_s,
                                       name);
        db.setHostName(server->host);
        db.setPort(server->port);
        db.setUserName(server->user);
        db.setPassword(server->password);
        db.setDatabaseName(server->database);
    }
    if (!db.open())
        throw std::runtime_error(
                u"cannot open %1 connection '%2': %3"_s
                        .arg(server ? server->dialect : u"sqlite"_s, name, db.lastError().text())
                        .toStdString());
    if (server && server->dialect == u"mariadb")
        execOrThrow(db, u"SET NAMES utf8mb4"_s);
    return db;
}

void execOrThrow(QSqlDatabase &db, const QString &sql, const QVariantList &binds)
{
    QSqlQuery q(db);
    bool ok;
    if (binds.isEmpty()) {
        ok = q.exec(sql);
    } else {
        ok = q.prepare(sql);
        for (const QVariant &v : binds)
            q.addBindValue(v);
        ok = ok && q.exec();
    }
    if (!ok)
        throw std::runtime_error(
                u"statement failed: %1: %2"_s.arg(sql, q.lastError().text()).toStdString());
}

qint64 countRows(QSqlDatabase &db, const QString &quotedTable)
{
    QSqlQuery q(db);
    if (!q.exec(u"SELECT COUNT(*) FROM "_s + quotedTable) || !q.next())
        throw std::runtime_error(
                u"cannot count %1: %2"_s.arg(quotedTable, q.lastError().text()).toStdString());
    return q.value(0).toLongLong();
}

QString quoteName(const QString &dialect, const QString &name)
{
    // Only the benchmark's own fixed names pass through here, none with quote characters.
    return dialect == u"mariadb" ? u'`' + name + u'`' : u'"' + name + u'"';
}

} // namespace tidemark::bench
