// `tidemark-cli sync --watch` as a long-running process: stopped by SIGTERM while the demo's
// writer keeps changing the source, and killed with SIGKILL in the middle of a large pass. In
// both cases nothing may be lost: the checkpoint never runs ahead of the mirror's rows, and
// the next run makes the mirror equal to the source. Also what the demo's project schedules.

#include "clitestsupport.h"
#include "../common/waituntil.h"

#include <QElapsedTimer>
#include <QHash>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

using namespace clitest;
using tidemark::test::waitUntil;
using namespace Qt::StringLiterals;

namespace {

// A long-running tidemark-cli: keeps everything it printed (QVERIFY2 builds its message even
// when the check passes, so reading the pipe there must not lose output), and is killed if a
// failed check leaves it running.
class Child
{
public:
    Child(const QStringList &args, const QString &home)
        : m_p(startCli(args, home))
    {
    }
    ~Child()
    {
        if (m_p->state() != QProcess::NotRunning) {
            m_p->kill();
            m_p->waitForFinished(5000);
        }
    }
    QProcess &process() { return *m_p; }
    QString out()
    {
        drain();
        return QString::fromUtf8(m_out);
    }
    QString err()
    {
        drain();
        return QString::fromUtf8(m_err);
    }
    QString output() { return u"--- stdout ---\n"_s + out() + u"--- stderr ---\n"_s + err(); }

private:
    void drain()
    {
        m_out += m_p->readAllStandardOutput();
        m_err += m_p->readAllStandardError();
    }
    std::unique_ptr<QProcess> m_p;
    QByteArray m_out;
    QByteArray m_err;
};

// The item table of the kill test: `version` is the cursor and three rows share each version,
// so the checkpoint's key part matters.
constexpr int kBigRows = 200'000;

// Checks, in one read transaction on the mirror (so the checkpoint and the rows are one
// snapshot), that every source row at or before the checkpoint (cursor, key) is in the mirror.
// `checkpointRows` gets how many source rows that is (-1: no checkpoint yet).
QString checkpointNotAheadOfMirror(const QString &sourcePath, const QString &mirrorPath,
                                   qint64 *checkpointRows)
{
    *checkpointRows = -1;
    const SqliteFile db(sourcePath);
    if (QString e = db.exec(u"ATTACH DATABASE ? AS m"_s, {mirrorPath}); !e.isEmpty())
        return e;
    QString error;
    if (!db.db().transaction())
        return u"cannot begin: "_s + db.db().lastError().text();
    const QueryResult cp = db.query(
            u"SELECT json_extract(cursor_value, '$.v'), json_extract(key_value, '$[0].v'), "
            "json_extract(cursor_value, '$.t') FROM m._tidemark_state WHERE mapping = 'items'"_s);
    if (!cp.error.isEmpty()) {
        error = cp.error;
    } else if (!cp.rows.isEmpty() && !cp.rows.first().at(0).isNull()) {
        const QVariantList row = cp.rows.first();
        if (row.at(2).toString() != u"int"_s) {
            error = u"unexpected checkpoint cursor type '%1'"_s.arg(row.at(2).toString());
        } else {
            const qint64 cursor = row.at(0).toString().toLongLong();
            const qint64 key = row.at(1).toString().toLongLong();
            const QueryResult r = db.query(
                    u"SELECT COUNT(*), SUM(NOT EXISTS (SELECT 1 FROM m.items mi WHERE mi.id = "
                    "s.id)) FROM main.items s WHERE (s.version, s.id) <= (?, ?)"_s,
                    {cursor, key});
            if (!r.error.isEmpty()) {
                error = r.error;
            } else {
                *checkpointRows = r.rows.first().at(0).toLongLong();
                const qint64 missing = r.rows.first().at(1).toLongLong();
                if (missing > 0)
                    error = u"the checkpoint (version %1, id %2) covers %3 source rows but %4 of "
                            "them are missing in the mirror"_s.arg(cursor)
                                    .arg(key)
                                    .arg(*checkpointRows)
                                    .arg(missing);
            }
        }
    }
    db.db().rollback();
    db.exec(u"DETACH DATABASE m"_s);
    return error;
}

} // namespace

class TestCliWatch : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void sigtermWhileTheWriterRuns();
    void sigkillMidPass();
    void demoSchedulesDriftChecks();
};

void TestCliWatch::initTestCase()
{
    const QString cli = cliPath();
    QVERIFY2(!cli.isEmpty(),
             "TIDEMARK_CLI is not set: run this test through ctest, or set TIDEMARK_CLI to the "
             "built tidemark-cli");
    QVERIFY2(QFileInfo(cli).isExecutable(),
             qPrintable(u"TIDEMARK_CLI='%1' is not an executable file"_s.arg(cli)));
}

void TestCliWatch::sigtermWhileTheWriterRuns()
{
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QString home = tmp.filePath(u"home"_s);
    const QString dir = tmp.filePath(u"demo"_s);
    QVERIFY(QDir().mkpath(home));
    const QString project = QDir(dir).filePath(u"tidemark.json"_s);
    const QString source = QDir(dir).filePath(u"source.db"_s);
    const QString mirror = QDir(dir).filePath(u"mirror.db"_s);
    const QStringList withProject{u"--project"_s, project};

    CLI_EXIT(runCli({u"demo"_s, u"--dir"_s, dir, u"--rows"_s, u"2000"_s}, home), 0);
    CLI_EXIT(runCli(QStringList{u"prepare"_s} + withProject, home), 0);

    Child writer({u"demo"_s, u"--dir"_s, dir, u"--write"_s, u"--rate"_s, u"200"_s}, home);
    QVERIFY2(writer.process().waitForStarted(10000), qPrintable(writer.process().errorString()));
    Child watch(QStringList{u"sync"_s, u"--watch"_s} + withProject, home);
    QVERIFY2(watch.process().waitForStarted(10000), qPrintable(watch.process().errorString()));

    // Both mappings' intervals (2 s and 3 s) come round at least once while the writer writes.
    QTest::qWait(6000);
    QVERIFY2(watch.process().state() == QProcess::Running,
             qPrintable(u"sync --watch stopped by itself:\n"_s + watch.output()));
    QVERIFY2(writer.process().state() == QProcess::Running,
             qPrintable(u"the demo writer stopped by itself:\n"_s + writer.output()));
    {
        const SqliteFile db(mirror);
        QVERIFY2(db.count(u"orders"_s) > 0 && db.count(u"order lines"_s) > 0,
                 qPrintable(u"the watch synced nothing in 6 s:\n"_s + watch.output()));
    }

    QElapsedTimer stopping;
    stopping.start();
    watch.process().terminate(); // SIGTERM
    QVERIFY2(watch.process().waitForFinished(10000),
             qPrintable(u"sync --watch did not stop within 10 s of SIGTERM:\n"_s + watch.output()));
    const qint64 stopMs = stopping.elapsed();
    QCOMPARE(watch.process().exitStatus(), QProcess::NormalExit);
    QVERIFY2(watch.process().exitCode() == 0,
             qPrintable(u"exit %1\n"_s.arg(watch.process().exitCode()) + watch.output()));
    QVERIFY2(watch.out().contains(u"stopped cleanly"_s), qPrintable(watch.output()));
    QVERIFY2(stopMs < 5000, qPrintable(u"stopping took %1 ms"_s.arg(stopMs)));
    // Passes ran while the writer wrote, and none failed.
    QVERIFY2(watch.out().contains(u"orders: sync ok"_s), qPrintable(watch.output()));
    QVERIFY2(watch.out().contains(u"order lines: sync ok"_s), qPrintable(watch.output()));
    QVERIFY2(watch.err().isEmpty(), qPrintable(watch.output()));

    writer.process().terminate();
    QVERIFY2(writer.process().waitForFinished(10000), "the demo writer ignored SIGTERM");
    QCOMPARE(writer.process().exitStatus(), QProcess::NormalExit);
    QVERIFY2(writer.process().exitCode() == 0, qPrintable(writer.output()));

    // One incremental pass and a sweep bring "order lines" level: its cursor (an integer
    // version) is set on every write and deletes are swept.
    const CliResult sync = runCli(QStringList{u"sync"_s} + withProject, home);
    CLI_EXIT(sync, 0);
    const CliResult sweep = runCli(QStringList{u"sweep"_s, u"--force"_s} + withProject, home);
    CLI_EXIT(sweep, 0);
    SQL_OK(compareTables(source, mirror, u"order lines"_s, {u"order_id"_s, u"line_no"_s}));
    // The demo leaves some orders without a cursor (updated_at NULL): only a full pass sees
    // them, which the gate lets through because of those NULLs.
    const CliResult backfill = runCli(QStringList{u"backfill"_s} + withProject, home);
    CLI_EXIT(backfill, 0);
    SQL_OK(compareTables(source, mirror, u"orders"_s, {u"id"_s}));
    SQL_OK(compareTables(source, mirror, u"order lines"_s, {u"order_id"_s, u"line_no"_s}));
}

void TestCliWatch::sigkillMidPass()
{
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QString home = tmp.filePath(u"home"_s);
    QVERIFY(QDir().mkpath(home));
    const QString source = tmp.filePath(u"source.db"_s);
    const QString mirror = tmp.filePath(u"mirror.db"_s);
    const QString project = tmp.filePath(u"tidemark.json"_s);
    {
        const SqliteFile db(source);
        SQL_OK(db.exec(u"CREATE TABLE items (id INTEGER PRIMARY KEY, version INTEGER NOT NULL, "
                       "payload TEXT)"_s));
        SQL_OK(db.exec(u"CREATE INDEX items_cursor ON items (version, id)"_s));
        // Inserted in one statement: a few hundred milliseconds for 200,000 rows.
        SQL_OK(db.exec(u"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i "
                       "< %1) INSERT INTO items SELECT i, i / 3, printf('payload %08d %s', i, "
                       "hex(randomblob(8))) FROM n"_s.arg(kBigRows)));
    }
    QVERIFY(writeJson(project,
                      QJsonObject{{u"tidemark"_s, 1},
                                  {u"connections"_s,
                                   QJsonObject{{u"src"_s,
                                                QJsonObject{{u"driver"_s, u"sqlite"_s},
                                                            {u"database"_s, u"source.db"_s}}},
                                               {u"mirror"_s,
                                                QJsonObject{{u"driver"_s, u"sqlite"_s},
                                                            {u"database"_s, u"mirror.db"_s}}}}},
                                  {u"mappings"_s,
                                   QJsonArray{QJsonObject{
                                           {u"name"_s, u"items"_s},
                                           {u"source"_s,
                                            QJsonObject{{u"connection"_s, u"src"_s},
                                                        {u"table"_s, u"items"_s}}},
                                           {u"mirror"_s,
                                            QJsonObject{{u"connection"_s, u"mirror"_s},
                                                        {u"table"_s, u"items"_s}}},
                                           {u"cursor"_s, QJsonObject{{u"column"_s, u"version"_s}}},
                                           {u"interval_s"_s, 1},
                                           {u"batch_rows"_s, 500},
                                           {u"lookback"_s, 0}}}}}));
    const QStringList withProject{u"--project"_s, project};
    CLI_EXIT(runCli(QStringList{u"prepare"_s} + withProject, home), 0);

    Child watch(QStringList{u"sync"_s, u"--watch"_s} + withProject, home);
    QVERIFY2(watch.process().waitForStarted(10000), qPrintable(watch.process().errorString()));

    // Kill it once the pass is under way (the first checkpoint is committed), a little later.
    qint64 covered = -1;
    QString invariant;
    const bool started = waitUntil(
            [&] {
                invariant = checkpointNotAheadOfMirror(source, mirror, &covered);
                return !invariant.isEmpty() || covered > 0
                        || watch.process().state() == QProcess::NotRunning;
            },
            20000, 20);
    QVERIFY2(invariant.isEmpty(), qPrintable(invariant));
    QVERIFY2(started && watch.process().state() == QProcess::Running,
             qPrintable(u"no checkpoint within 20 s:\n"_s + watch.output()));
    // Check the invariant a few times while batches commit, then kill between two checks.
    for (int i = 0; i < 6; ++i) {
        QTest::qWait(100);
        invariant = checkpointNotAheadOfMirror(source, mirror, &covered);
        QVERIFY2(invariant.isEmpty(), qPrintable(u"while running: "_s + invariant));
    }
    watch.process().kill(); // SIGKILL: no handler, no rollback, no goodbye
    QVERIFY(watch.process().waitForFinished(10000));
    QCOMPARE(watch.process().exitStatus(), QProcess::CrashExit);

    // The mirror as the killed process left it (a hot journal is rolled back by this open).
    invariant = checkpointNotAheadOfMirror(source, mirror, &covered);
    QVERIFY2(invariant.isEmpty(), qPrintable(u"after SIGKILL: "_s + invariant));
    qint64 mirrored = 0;
    {
        const SqliteFile db(mirror);
        mirrored = db.count(u"items"_s);
    }
    qInfo("killed with %lld of %d rows in the mirror, checkpoint covering %lld", mirrored, kBigRows,
          covered);
    QVERIFY2(covered > 0, "the checkpoint was never set");
    QVERIFY2(mirrored < kBigRows,
             "the pass finished before the kill; the test needs more rows to kill it mid-pass");

    const CliResult resume = runCli(QStringList{u"sync"_s} + withProject, home, {}, 120000);
    CLI_EXIT(resume, 0);
    SQL_OK(compareTables(source, mirror, u"items"_s, {u"id"_s}));
}

void TestCliWatch::demoSchedulesDriftChecks()
{
    // The demo sets verify_interval_s, so whoever watches it sees a scheduled drift check.
    // The engine's first one comes 10 s after start: sigtermWhileTheWriterRuns() stops its
    // watch after 6 s, before any, and so stays as fast as it was.
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QString home = tmp.filePath(u"home"_s);
    QVERIFY(QDir().mkpath(home));
    const QString dir = tmp.filePath(u"demo"_s);
    CLI_EXIT(runCli({u"demo"_s, u"--dir"_s, dir, u"--rows"_s, u"50"_s}, home), 0);
    QFile file(QDir(dir).filePath(u"tidemark.json"_s));
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QJsonArray mappings =
            QJsonDocument::fromJson(file.readAll()).object().value(u"mappings"_s).toArray();
    QHash<QString, int> intervals;
    for (const QJsonValue &m : mappings)
        intervals.insert(m[u"name"_s].toString(), m[u"verify_interval_s"_s].toInt(-1));
    QCOMPARE(intervals.value(u"orders"_s), 300);
    QCOMPARE(intervals.value(u"order lines"_s), 900);
    // The project loader accepts it.
    CLI_EXIT(runCli({u"prepare"_s, u"--project"_s, file.fileName()}, home), 0);
}

QTEST_GUILESS_MAIN(TestCliWatch)
#include "tst_cli_watch.moc"
