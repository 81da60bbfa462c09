// Issue 4: "`tidemark-cli sync --watch` is killed with SIGKILL in the middle of a large batch
// and started again: it resumes from the checkpoint and converges", with server databases:
// 200,000 rows from MariaDB into a PostgreSQL mirror, killed while the first pass is writing.
// (tests/cli/tst_cli_watch.cpp does the same with SQLite files.) A kill mid-transaction must
// leave the mirror's batch and checkpoint together or not at all; the second process must
// start from that checkpoint, not from the beginning, which PostgreSQL's own row counters for
// the mirror table show.

#include "../cli/clitestsupport.h"
#include "db/dbconnection.h"
#include "db/dberror.h"
#include "faulttest.h"
#include "serverinstance.h"
#include "sync/checkpointstore.h"

#include <QJsonArray>
#include <QTemporaryDir>

using namespace Qt::StringLiterals;
using namespace tidemark;
using namespace tidemark::test;

namespace {

constexpr int kRows = 200'000;
constexpr int kBatchRows = 1000;

// A long-running tidemark-cli whose output is kept (and killed if a failed check leaves it).
class CliChild
{
public:
    CliChild(const QStringList &args, const QString &home)
        : m_p(clitest::startCli(args, home))
    {
    }
    ~CliChild()
    {
        if (m_p->state() != QProcess::NotRunning) {
            m_p->kill();
            m_p->waitForFinished(5000);
        }
    }
    QProcess &process() { return *m_p; }
    QString output()
    {
        m_out += m_p->readAllStandardOutput();
        m_err += m_p->readAllStandardError();
        return u"--- stdout ---\n"_s + QString::fromUtf8(m_out) + u"--- stderr ---\n"_s
                + QString::fromUtf8(m_err);
    }

private:
    std::unique_ptr<QProcess> m_p;
    QByteArray m_out;
    QByteArray m_err;
};

QJsonObject connectionJson(const ConnectionConfig &c)
{
    return {{u"driver"_s, driverKindName(c.driver)},
            {u"host"_s, c.host},
            {u"port"_s, c.port},
            {u"user"_s, c.user},
            {u"database"_s, c.database},
            {u"password_env"_s, c.passwordEnv},
            {u"connect_timeout_s"_s, 5},
            {u"statement_timeout_s"_s, 30}};
}

// A project file with `pair`'s connections and its one mapping, as an operator writes it.
bool writeItemsProject(const QString &path, const ItemPair &pair, bool capture = false)
{
    QJsonObject mapping{
            {u"name"_s, pair.mapping},
            {u"source"_s, QJsonObject{{u"connection"_s, u"src"_s}, {u"table"_s, pair.sourceTable}}},
            {u"mirror"_s, QJsonObject{{u"connection"_s, u"mirror"_s}, {u"table"_s, pair.mirrorTable}}},
            {u"key"_s, QJsonArray{u"id"_s}},
            {u"cursor"_s, QJsonObject{{u"column"_s, u"version"_s}}},
            {u"interval_s"_s, 1},
            {u"batch_rows"_s, kBatchRows},
            {u"lookback"_s, 0}};
    if (capture)
        mapping[u"capture"_s] = u"triggers"_s;
    return clitest::writeJson(
            path, QJsonObject{{u"tidemark"_s, 1},
                              {u"connections"_s,
                               QJsonObject{{u"src"_s, connectionJson(pair.source)},
                                           {u"mirror"_s, connectionJson(pair.mirror)}}},
                              {u"mappings"_s, QJsonArray{mapping}}});
}

// Rows PostgreSQL has inserted or updated in `table` since its statistics began: what the
// engine wrote there, however it wrote it (COPY, INSERT ... ON CONFLICT).
qint64 rowsWrittenByPostgres(const ConnectionConfig &pg, const QString &table)
{
    try {
        DbConnection conn(pg, u"fault-pgstats"_s);
        conn.open();
        return conn.scalar(u"SELECT COALESCE(SUM(n_tup_ins + n_tup_upd), 0) FROM "
                           "pg_stat_user_tables WHERE relname = ?"_s,
                           {table})
                .toLongLong();
    } catch (const DbError &e) {
        qWarning("cannot read pg_stat_user_tables: %s", qPrintable(e.message()));
        return -1;
    }
}

} // namespace

class TestFaultCliKill : public QObject
{
    Q_OBJECT

private:
    ServerInstance m_servers;

    // A MariaDB source table of `rows` items, a project file over it and a PostgreSQL mirror,
    // prepared by `tidemark-cli prepare`, with a HOME of its own.
    struct CliProject
    {
        QTemporaryDir tmp;
        QString home;
        QStringList args;   // --project FILE
        ItemPair pair;
    };
    void prepareProject(CliProject &p, const QString &table, int rows, bool capture = false,
                        DriverKind mirrorKind = DriverKind::Postgres)
    {
        QVERIFY(p.tmp.isValid());
        p.home = p.tmp.filePath(u"home"_s);
        QVERIFY(QDir().mkpath(p.home));
        const QString projectPath = p.tmp.filePath(u"tidemark.json"_s);
        p.pair.mapping = table;
        p.pair.source = m_servers.connection(DriverKind::MariaDb, u"src"_s);
        p.pair.mirror = m_servers.connection(mirrorKind, u"mirror"_s);
        p.pair.sourceTable = p.pair.mirrorTable = table;
        if (mirrorKind == DriverKind::MariaDb)   // the same database as the source
            p.pair.mirrorTable = table + u"_mirror"_s;
        createItemTable(p.pair.source, table, rows);
        QVERIFY(writeItemsProject(projectPath, p.pair, capture));
        p.args = QStringList{u"--project"_s, projectPath};
        CLI_EXIT(clitest::runCli(QStringList{u"prepare"_s} + p.args, p.home), 0);
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QString cli = clitest::cliPath();
        QVERIFY2(!cli.isEmpty() && QFileInfo(cli).isExecutable(),
                 "TIDEMARK_CLI is not set to the built tidemark-cli: run this test through ctest");
        TIDEMARK_START_SERVERS_OR_SKIP(m_servers);
    }

    void sigkillMidBatchThenResume()
    {
        CliProject project;
        prepareProject(project, u"items"_s, kRows);
        if (QTest::currentTestFailed())
            return;
        const ItemPair &pair = project.pair;
        const QString &home = project.home;
        const QStringList &withProject = project.args;

        qint64 covered = 0;
        qint64 mirroredAtKill = 0;
        {
            CliChild watch(QStringList{u"sync"_s, u"--watch"_s} + withProject, home);
            QVERIFY2(watch.process().waitForStarted(10000),
                     qPrintable(watch.process().errorString()));
            // Kill once the checkpoint covers a good part of the table, checking the invariant
            // on the way: a resume from scratch must then be visible in the rows rewritten.
            CoverageCheck check;
            const bool underWay = waitUntil(
                    [&] {
                        check = pair.coverage();
                        return !check.violation.isEmpty() || check.covered >= kRows / 8
                                || watch.process().state() == QProcess::NotRunning;
                    },
                    60000, 50);
            QVERIFY2(check.violation.isEmpty(), qPrintable(check.violation));
            QVERIFY2(underWay && watch.process().state() == QProcess::Running,
                     qPrintable(u"the pass did not get under way: "_s + check.error + u'\n'
                                + watch.output()));
            QTest::qWait(150);   // into the middle of a batch
            watch.process().kill();
            QVERIFY(watch.process().waitForFinished(10000));
            QCOMPARE(watch.process().exitStatus(), QProcess::CrashExit);
            qInfo("%s", qPrintable(watch.output()));
        }
        // PostgreSQL notices the dead client and rolls its transaction back; the mirror then
        // holds whole batches with their checkpoint.
        QTest::qWait(1000);
        const CoverageCheck afterKill = pair.coverage();
        QVERIFY2(afterKill.checked, qPrintable(afterKill.error));
        QVERIFY2(afterKill.violation.isEmpty(), qPrintable(u"after SIGKILL: "_s + afterKill.violation));
        covered = afterKill.covered;
        mirroredAtKill = pair.mirrorRows();
        qInfo("killed with %lld of %d rows in the mirror, the checkpoint covering %lld",
              mirroredAtKill, kRows, covered);
        QVERIFY2(mirroredAtKill < kRows,
                 "the pass finished before the kill; the test needs more rows to kill it mid-pass");
        const qint64 writtenBefore = rowsWrittenByPostgres(pair.mirror, pair.mirrorTable);

        {
            CliChild watch(QStringList{u"sync"_s, u"--watch"_s} + withProject, home);
            QVERIFY2(watch.process().waitForStarted(10000),
                     qPrintable(watch.process().errorString()));
            const TableDiff diff = waitConverged(pair, 120000);
            QVERIFY2(diff.equal(), qPrintable(diff.describe() + u'\n' + watch.output()));
            watch.process().terminate();
            QVERIFY2(watch.process().waitForFinished(15000), qPrintable(watch.output()));
            QVERIFY2(watch.process().exitStatus() == QProcess::NormalExit
                             && watch.process().exitCode() == 0,
                     qPrintable(watch.output()));
        }
        // The second process's backends have exited and flushed their statistics.
        QTest::qWait(1500);
        const qint64 writtenAfter = rowsWrittenByPostgres(pair.mirror, pair.mirrorTable);
        if (writtenBefore >= 0 && writtenAfter >= 0) {
            const qint64 rewritten = writtenAfter - writtenBefore;
            qInfo("the resumed process wrote %lld rows; %lld were left after the checkpoint",
                  rewritten, kRows - covered);
            // From the checkpoint: what was left, plus at most a few batches of slack. From the
            // beginning it would be every row again.
            QVERIFY2(rewritten <= (kRows - covered) + 3 * kBatchRows,
                     qPrintable(u"the resumed sync wrote %1 rows, but only %2 were past the "
                                "checkpoint: it did not resume from the checkpoint"_s.arg(rewritten)
                                        .arg(kRows - covered)));
        }
        const TableDiff final = pair.compare();
        QVERIFY2(final.equal(), qPrintable(final.describe()));
    }

    // Issue 12: the same with trigger capture. Every row is updated and some deleted after the
    // first pass; `sync --watch` is killed while it applies the log. The applied number and its
    // rows commit together, so the second process applies only what was left, deletes
    // included, and the mirror converges.
    void sigkillMidCaptureThenResume_data()
    {
        QTest::addColumn<int>("mirrorDriver");
        QTest::newRow("mariadb -> postgresql") << int(DriverKind::Postgres);
        QTest::newRow("mariadb -> mariadb") << int(DriverKind::MariaDb);
        // No transactions: the rows land before their applied number, so a kill between the
        // two leaves rows that the next process applies again, harmlessly (the version column).
        QTest::newRow("mariadb -> clickhouse") << int(DriverKind::ClickHouse);
    }
    void sigkillMidCaptureThenResume()
    {
        QFETCH(int, mirrorDriver);
        const auto mirrorKind = DriverKind(mirrorDriver);
        constexpr int kCaptureRows = 15'000;
        CliProject project;
        // Each row its own tables.
        const QString table = u"items_cap_"_s + driverKindName(mirrorKind).toLower();
        prepareProject(project, table, kCaptureRows, true, mirrorKind);
        if (QTest::currentTestFailed())
            return;
        const ItemPair &pair = project.pair;
        CLI_EXIT(clitest::runCli(QStringList{u"sync"_s} + project.args, project.home), 0);
        QVERIFY2(pair.compare().equal(), qPrintable(pair.compare().describe()));

        DbConnection source(pair.source, u"fault-capture-writer"_s);
        DbConnection mirror(pair.mirror, u"fault-capture-mirror"_s);
        try {
            source.open();
            mirror.open();
            source.exec(u"UPDATE "_s + table + u" SET v = CONCAT(v, '+'), version = version + 1"_s);
            source.exec(u"DELETE FROM "_s + table + u" WHERE id % 40 = 0"_s);
        } catch (const DbError &e) {
            QFAIL(qPrintable(e.message()));
        }
        auto applied = [&]() -> qint64 {
            try {
                CheckpointStore store(mirror);
                const auto position = store.capturePosition(pair.mapping);
                return position ? position->seq : 0;
            } catch (const DbError &) {
                return -1;
            }
        };
        const qint64 start = applied();
        qint64 atKill = 0;
        {
            CliChild watch(QStringList{u"sync"_s, u"--watch"_s} + project.args, project.home);
            QVERIFY2(watch.process().waitForStarted(10000),
                     qPrintable(watch.process().errorString()));
            const bool underWay = waitUntil(
                    [&] {
                        return applied() > start
                                || watch.process().state() == QProcess::NotRunning;
                    },
                    120000, 20);
            QVERIFY2(underWay && watch.process().state() == QProcess::Running,
                     qPrintable(u"the capture pass did not get under way\n"_s + watch.output()));
            QTest::qWait(100);   // into the middle of a batch
            watch.process().kill();
            QVERIFY(watch.process().waitForFinished(10000));
            QCOMPARE(watch.process().exitStatus(), QProcess::CrashExit);
        }
        QTest::qWait(1000);   // PostgreSQL rolls the dead client's transaction back
        atKill = applied();
        qint64 pending = 0;
        try {
            pending = source.scalar(u"SELECT COUNT(*) FROM _tidemark_changes WHERE tbl = ?"
                                    " AND (seq IS NULL OR seq > ?)"_s,
                                    {table, atKill})
                              .toLongLong();
        } catch (const DbError &e) {
            QFAIL(qPrintable(e.message()));
        }
        qInfo("killed at applied number %lld, %lld changes left", atKill, pending);
        QVERIFY2(pending > 0, "the log was applied before the kill; the test needs more rows");
        // PostgreSQL counts what was written to the table; the other mirrors are judged by the
        // end state only.
        const bool countWrites = mirrorKind == DriverKind::Postgres;
        const qint64 writtenBefore =
                countWrites ? rowsWrittenByPostgres(pair.mirror, pair.mirrorTable) : -1;
        {
            CliChild watch(QStringList{u"sync"_s, u"--watch"_s} + project.args, project.home);
            QVERIFY2(watch.process().waitForStarted(10000),
                     qPrintable(watch.process().errorString()));
            const TableDiff diff = waitConverged(pair, 120000);
            QVERIFY2(diff.equal(), qPrintable(diff.describe() + u'\n' + watch.output()));
            watch.process().terminate();
            QVERIFY2(watch.process().waitForFinished(15000), qPrintable(watch.output()));
        }
        QTest::qWait(1500);
        const qint64 writtenAfter =
                countWrites ? rowsWrittenByPostgres(pair.mirror, pair.mirrorTable) : -1;
        if (writtenBefore >= 0 && writtenAfter >= 0)
            QVERIFY2(writtenAfter - writtenBefore <= pending,
                     qPrintable(u"the resumed sync wrote %1 rows for %2 changes left: it did not"
                                " resume from the applied number"_s.arg(writtenAfter - writtenBefore)
                                        .arg(pending)));
        const TableDiff final = pair.compare();
        QVERIFY2(final.equal(), qPrintable(final.describe()));
        CLI_EXIT(clitest::runCli(QStringList{u"prepare"_s, u"--remove-capture"_s} + project.args,
                                 project.home),
                 0);
    }

    void statusShowsEachConnectionsState()
    {
        // Issue 4, "Done when": `status` shows every connection's state. With the source
        // server stopped, `status --json` says which connection is down and why.
        CliProject project;
        prepareProject(project, u"status_items"_s, 100);
        if (QTest::currentTestFailed())
            return;

        QVERIFY2(m_servers.mariaStop(), qPrintable(m_servers.error()));
        const clitest::CliResult status = clitest::runCli(
                QStringList{u"status"_s, u"--json"_s} + project.args, project.home);
        QVERIFY2(m_servers.mariaStart(), qPrintable(m_servers.error()));
        QVERIFY2(status.finished && status.exitCode != 0, status.describe().constData());
        const QJsonObject root = QJsonDocument::fromJson(status.out.toUtf8()).object();
        QVERIFY2(root.value(u"connections"_s).isArray(), status.describe().constData());
        QMap<QString, QJsonObject> byName;
        for (const QJsonValue &c : root.value(u"connections"_s).toArray())
            byName.insert(c.toObject().value(u"name"_s).toString(), c.toObject());
        QVERIFY2(byName.contains(u"src"_s) && byName.contains(u"mirror"_s),
                 status.describe().constData());
        const QJsonObject src = byName.value(u"src"_s);
        QVERIFY2(src.value(u"state"_s).toString() != u"connected"_s
                         && !src.value(u"last_error"_s).toString().isEmpty(),
                 status.describe().constData());
        QCOMPARE(byName.value(u"mirror"_s).value(u"state"_s).toString(), u"connected"_s);
    }
};

QTEST_GUILESS_MAIN(TestFaultCliKill)
#include "tst_fault_cli_kill.moc"
