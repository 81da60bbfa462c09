#pragma once
// Shared by the CLI tests: run the real tidemark-cli binary as a user would (QProcess, its own
// HOME, no log file), build SQLite fixtures with QtSql, and compare a source table with its
// mirror row for row.
//
// SQL helpers report failure as a non-empty error string instead of throwing, so a test can
// wrap them in QVERIFY2 and stop with the SQL error in the message (SQL_OK / the .error field).

#include <QByteArray>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTest>
#include <QUuid>

#include <memory>

namespace clitest {

using namespace Qt::StringLiterals;

// ------------------------------------------------------------------------------------------
// Running the binary

struct CliResult
{
    bool finished = false; // false: it timed out and was killed
    bool crashed = false;
    int exitCode = -1;
    QString out;
    QString err;

    QString all() const { return out + err; }
    // For failure messages: everything the process said.
    QByteArray describe() const
    {
        return (u"exit %1%2\n--- stdout ---\n%3--- stderr ---\n%4"_s)
                .arg(exitCode)
                .arg(!finished         ? u" (timed out)"_s
                             : crashed ? u" (crashed)"_s
                                       : QString())
                .arg(out, err)
                .toUtf8();
    }
};

// The path of the built tidemark-cli; empty when TIDEMARK_CLI is not set (ctest sets it).
inline QString cliPath()
{
    return qEnvironmentVariable("TIDEMARK_CLI");
}

// The environment every run gets: no log file (the tests read stderr), and a HOME (and XDG
// folders) inside the test's temporary folder so nothing touches the real user's settings.
inline QProcessEnvironment cliEnvironment(const QString &home)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"TIDEMARK_NO_LOG_FILE"_s, u"1"_s);
    env.insert(u"HOME"_s, home);
    env.insert(u"XDG_CONFIG_HOME"_s, home + u"/.config"_s);
    env.insert(u"XDG_DATA_HOME"_s, home + u"/.local/share"_s);
    env.insert(u"XDG_STATE_HOME"_s, home + u"/.local/state"_s);
    env.insert(u"XDG_CACHE_HOME"_s, home + u"/.cache"_s);
    env.insert(u"QT_QPA_PLATFORM"_s, u"offscreen"_s);
    return env;
}

inline std::unique_ptr<QProcess> startCli(const QStringList &args, const QString &home,
                                          const QString &workingDir = {})
{
    auto p = std::make_unique<QProcess>();
    p->setProgram(cliPath());
    p->setArguments(args);
    p->setProcessEnvironment(cliEnvironment(home));
    if (!workingDir.isEmpty())
        p->setWorkingDirectory(workingDir);
    p->start();
    return p;
}

// Runs tidemark-cli to the end (killed after `timeoutMs`).
inline CliResult runCli(const QStringList &args, const QString &home,
                        const QString &workingDir = {}, int timeoutMs = 60000)
{
    CliResult r;
    auto p = startCli(args, home, workingDir);
    if (!p->waitForStarted(10000)) {
        r.err = u"could not start "_s + cliPath() + u": "_s + p->errorString();
        return r;
    }
    r.finished = p->waitForFinished(timeoutMs);
    if (!r.finished) {
        p->kill();
        p->waitForFinished(5000);
    }
    r.crashed = p->exitStatus() == QProcess::CrashExit;
    r.exitCode = r.finished && !r.crashed ? p->exitCode() : -1;
    r.out = QString::fromUtf8(p->readAllStandardOutput());
    r.err = QString::fromUtf8(p->readAllStandardError());
    return r;
}

// ------------------------------------------------------------------------------------------
// Files

inline QByteArray fileHash(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash h(QCryptographicHash::Sha256);
    h.addData(&f);
    return h.result().toHex();
}

inline bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    return f.write(bytes) == bytes.size();
}

inline bool writeJson(const QString &path, const QJsonObject &o)
{
    return writeFile(path, QJsonDocument(o).toJson(QJsonDocument::Indented));
}

// A mapping's "source" or "mirror" in a project file.
inline QJsonObject tableRef(const QString &connection, const QString &table)
{
    return {{u"connection"_s, connection}, {u"table"_s, table}};
}

// ------------------------------------------------------------------------------------------
// SQLite

// An identifier quoted for SQLite: any characters, embedded quotes doubled.
inline QString ident(const QString &name)
{
    QString q = name;
    q.replace(u'"', u"\"\""_s);
    return u'"' + q + u'"';
}

struct QueryResult
{
    QString error; // empty on success
    QList<QVariantList> rows;
    QVariant scalar() const
    {
        return rows.isEmpty() || rows.first().isEmpty() ? QVariant() : rows.first().first();
    }
};

// One QSQLITE connection for the life of the object, under a unique name. Opening a missing
// file creates it, so never open the mirror of a test that asserts it was not created.
class SqliteFile
{
public:
    explicit SqliteFile(const QString &path)
        : m_name(u"clitest-"_s + QUuid::createUuid().toString(QUuid::WithoutBraces))
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, m_name);
        db.setDatabaseName(path);
        // The engine under test may be writing the same file.
        db.setConnectOptions(u"QSQLITE_BUSY_TIMEOUT=10000"_s);
        if (!db.open())
            m_openError = path + u": "_s + db.lastError().text();
    }
    ~SqliteFile()
    {
        {
            QSqlDatabase db = QSqlDatabase::database(m_name, false);
            db.close();
        }
        QSqlDatabase::removeDatabase(m_name);
    }
    SqliteFile(const SqliteFile &) = delete;
    SqliteFile &operator=(const SqliteFile &) = delete;

    QSqlDatabase db() const { return QSqlDatabase::database(m_name, false); }

    QueryResult query(const QString &sql, const QVariantList &binds = {}) const
    {
        QueryResult r;
        if (!m_openError.isEmpty()) {
            r.error = m_openError;
            return r;
        }
        QSqlQuery q(db());
        q.setForwardOnly(true);
        bool ok = binds.isEmpty() ? q.exec(sql) : q.prepare(sql);
        if (ok && !binds.isEmpty()) {
            for (const QVariant &v : binds)
                q.addBindValue(v);
            ok = q.exec();
        }
        if (!ok) {
            r.error = q.lastError().text() + u" in: "_s + sql;
            return r;
        }
        while (q.next()) {
            QVariantList row;
            for (int i = 0; i < q.record().count(); ++i)
                row << q.value(i);
            r.rows << row;
        }
        if (q.lastError().isValid())
            r.error = q.lastError().text() + u" in: "_s + sql;
        return r;
    }

    QString exec(const QString &sql, const QVariantList &binds = {}) const
    {
        return query(sql, binds).error;
    }

    // Runs `sql` once per row of `rows` inside one transaction (fixtures of many rows).
    QString execMany(const QString &sql, const QList<QVariantList> &rows) const
    {
        if (!m_openError.isEmpty())
            return m_openError;
        QSqlDatabase d = db();
        if (!d.transaction())
            return d.lastError().text();
        QSqlQuery q(d);
        if (!q.prepare(sql))
            return q.lastError().text() + u" in: "_s + sql;
        for (const QVariantList &row : rows) {
            for (qsizetype i = 0; i < row.size(); ++i)
                q.bindValue(int(i), row.at(i));
            if (!q.exec()) {
                const QString e = q.lastError().text() + u" in: "_s + sql;
                d.rollback();
                return e;
            }
        }
        return d.commit() ? QString() : d.lastError().text();
    }

    bool tableExists(const QString &table) const
    {
        return query(u"SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"_s, {table})
                       .rows.size()
                == 1;
    }

    qint64 count(const QString &table) const
    {
        const QueryResult r = query(u"SELECT COUNT(*) FROM "_s + ident(table));
        return r.error.isEmpty() ? r.scalar().toLongLong() : -1;
    }

    QStringList columns(const QString &table) const
    {
        QStringList names;
        for (const QVariantList &row :
             query(u"SELECT name FROM pragma_table_info(?) ORDER BY cid"_s, {table}).rows)
            names << row.first().toString();
        return names;
    }

private:
    QString m_name;
    QString m_openError;
};

// Every row of `table` as SQLite's own literal text of each column (quote(): 'text', 42, 1.5,
// X'00', NULL), in `orderBy` order: equal dumps mean equal values and equal storage types.
inline QueryResult dumpTable(const QString &dbPath, const QString &table,
                             const QStringList &columns, const QStringList &orderBy)
{
    QStringList select, order;
    for (const QString &c : columns)
        select << u"quote("_s + ident(c) + u')';
    for (const QString &c : orderBy)
        order << ident(c);
    const SqliteFile db(dbPath);
    return db.query(u"SELECT "_s + select.join(u", "_s) + u" FROM "_s + ident(table)
                    + u" ORDER BY "_s + order.join(u", "_s));
}

inline QString rowText(const QVariantList &row)
{
    QStringList cells;
    for (const QVariant &v : row)
        cells << v.toString();
    return u'(' + cells.join(u", "_s) + u')';
}

// Empty when the mirror table holds exactly the source table's rows (the source's columns,
// ordered by `key`); otherwise what differs first and the row counts.
inline QString compareTables(const QString &sourcePath, const QString &mirrorPath,
                             const QString &table, const QStringList &key,
                             const QString &mirrorTable = {})
{
    QStringList columns;
    {
        const SqliteFile source(sourcePath);
        columns = source.columns(table);
    }
    if (columns.isEmpty())
        return u"source table '%1' has no columns (missing?)"_s.arg(table);
    const QueryResult s = dumpTable(sourcePath, table, columns, key);
    const QueryResult m =
            dumpTable(mirrorPath, mirrorTable.isEmpty() ? table : mirrorTable, columns, key);
    if (!s.error.isEmpty())
        return u"source: "_s + s.error;
    if (!m.error.isEmpty())
        return u"mirror: "_s + m.error;
    const qsizetype n = std::min(s.rows.size(), m.rows.size());
    for (qsizetype i = 0; i < n; ++i) {
        if (s.rows.at(i) != m.rows.at(i))
            return u"table '%1': row %2 differs: source %3, mirror %4 (source %5 rows, mirror %6)"_s
                    .arg(table)
                    .arg(i)
                    .arg(rowText(s.rows.at(i)), rowText(m.rows.at(i)))
                    .arg(s.rows.size())
                    .arg(m.rows.size());
    }
    if (s.rows.size() != m.rows.size())
        return u"table '%1': source has %2 rows, mirror %3; first extra: %4"_s.arg(table)
                .arg(s.rows.size())
                .arg(m.rows.size())
                .arg(rowText(s.rows.size() > n ? s.rows.at(n) : m.rows.at(n)));
    return {};
}

} // namespace clitest

// QVERIFY for the helpers above: an empty string is success, anything else is the message.
#define SQL_OK(expr)                                                                               \
    do {                                                                                           \
        const QString sqlError_ = (expr);                                                          \
        QVERIFY2(sqlError_.isEmpty(), qPrintable(sqlError_));                                      \
    } while (false)

// QCOMPARE on the exit code, printing everything the process said when it differs.
#define CLI_EXIT(result, code)                                                                     \
    do {                                                                                           \
        const clitest::CliResult &cliResult_ = (result);                                           \
        const QByteArray cliMessage_ = QByteArray("expected exit ") + QByteArray::number(code)     \
                + ", got " + cliResult_.describe();                                                \
        QVERIFY2(cliResult_.finished &&cliResult_.exitCode == (code), cliMessage_.constData());    \
    } while (false)
