#include "sourceloader.h"

#include "childprocess.h"

#include <QFile>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>

#include <stdexcept>

using namespace Qt::StringLiterals;

namespace tidemark::bench {

void writeTsv(const QString &path, const RowGenerator &gen, qint64 rows)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        throw std::runtime_error(u"cannot write %1: %2"_s.arg(path, f.errorString()).toStdString());
    QByteArray buffer;
    for (qint64 id = 1; id <= rows; ++id) {
        RowGenerator::appendTsv(gen.row(id), buffer);
        if (buffer.size() > (1 << 20) || id == rows) {
            if (f.write(buffer) != buffer.size())
                throw std::runtime_error(
                        u"cannot write %1: %2"_s.arg(path, f.errorString()).toStdString());
            buffer.clear();
        }
    }
}

void loadSqlite(const QString &path, const QString &table, const RowGenerator &gen, qint64 rows)
{
    {
        QSqlDatabase db = openConnection(u"bench-load-sqlite"_s, std::nullopt, path);
        execOrThrow(db, u"DROP TABLE IF EXISTS "_s + quoteName(u"sqlite"_s, table));
        execOrThrow(db, createTableSql(u"sqlite"_s, table));
        if (!db.transaction())
            throw std::runtime_error(db.lastError().text().toStdString());
        QSqlQuery insert(db);
        if (!insert.prepare(u"INSERT INTO "_s + quoteName(u"sqlite"_s, table)
                            + u" VALUES (?, ?, ?, ?, ?, ?)"_s))
            throw std::runtime_error(insert.lastError().text().toStdString());
        for (qint64 id = 1; id <= rows; ++id) {
            const BenchRow r = gen.row(id);
            insert.bindValue(0, r.id);
            insert.bindValue(1, r.qty ? QVariant(*r.qty) : QVariant(QMetaType::fromType<int>()));
            insert.bindValue(
                    2, r.amount ? QVariant(*r.amount) : QVariant(QMetaType::fromType<QString>()));
            insert.bindValue(
                    3, r.label ? QVariant(*r.label) : QVariant(QMetaType::fromType<QString>()));
            insert.bindValue(4,
                             r.createdAt ? QVariant(*r.createdAt)
                                         : QVariant(QMetaType::fromType<QString>()));
            insert.bindValue(
                    5, r.active ? QVariant(int(*r.active)) : QVariant(QMetaType::fromType<int>()));
            if (!insert.exec())
                throw std::runtime_error(insert.lastError().text().toStdString());
        }
        if (!db.commit())
            throw std::runtime_error(db.lastError().text().toStdString());
    }
    QSqlDatabase::removeDatabase(u"bench-load-sqlite"_s);
}

QStringList psqlArgs(const Server &pg)
{
    return {u"-X"_s, u"-q"_s, u"-v"_s, u"ON_ERROR_STOP=1"_s,
            u"-h"_s, pg.host, u"-p"_s, QString::number(pg.port),
            u"-U"_s, pg.user, u"-d"_s, pg.database};
}

QString mariadbClient()
{
    return QStandardPaths::findExecutable(u"mariadb"_s).isEmpty() ? u"mysql"_s : u"mariadb"_s;
}

QStringList mariadbArgs(const Server &maria)
{
    return {u"--protocol=TCP"_s,
            u"-h"_s,
            maria.host,
            u"-P"_s,
            QString::number(maria.port),
            u"-u"_s,
            maria.user,
            u"--default-character-set=utf8mb4"_s,
            maria.database};
}

QStringList clientEnv(const Server &server)
{
    return {(server.dialect == u"postgres" ? u"PGPASSWORD="_s : u"MYSQL_PWD="_s) + server.password};
}

void loadServer(const Server &server, const QString &table, const QString &tsvPath,
                const QString &logFile)
{
    {
        QSqlDatabase db = openConnection(u"bench-load-server"_s, server);
        execOrThrow(db, u"DROP TABLE IF EXISTS "_s + quoteName(server.dialect, table));
        execOrThrow(db, createTableSql(server.dialect, table));
    }
    QSqlDatabase::removeDatabase(u"bench-load-server"_s);

    ChildResult r;
    if (server.dialect == u"postgres") {
        r = runChild(u"psql"_s,
                     psqlArgs(server)
                             << u"-c"_s << u"\\copy \"%1\" FROM '%2'"_s.arg(table, tsvPath),
                     clientEnv(server), logFile);
    } else {
        // The file's format is MariaDB's default for LOAD DATA: tab separated, \N for NULL.
        r = runChild(mariadbClient(),
                     mariadbArgs(server) << u"--local-infile=1"_s << u"-e"_s
                                         << u"LOAD DATA LOCAL INFILE '%1' INTO TABLE `%2` "
                                            "CHARACTER SET utf8mb4"_s.arg(tsvPath, table),
                     clientEnv(server), logFile);
    }
    if (r.exitCode != 0)
        throw std::runtime_error(u"loading %1.%2 failed: %3\n%4"_s
                                         .arg(server.dialect, table, r.failure, tailOfFile(logFile))
                                         .toStdString());
}

} // namespace tidemark::bench
