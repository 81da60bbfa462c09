// TRUNCATE of a captured MariaDB table, which runs no trigger (tst_capture_truncate has the
// sources that log it): the consumer notices that the table's InnoDB id changed and reconciles
// by an orphan sweep under the sweep's rules, refusing (again at every pass, until forced)
// where they say so; OPTIMIZE changes the id without losing a row; an install from before the
// identity was kept is completed by prepare; reading the id needs PROCESS.
#include "capture/capturesql.h"
#include "capturetestsupport.h"
#include "db/dberror.h"
#include "pairfixture.h"
#include "pairrow.h"
#include "testservers.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlQuery>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace tidemark;
using namespace capturetest;

class TestCaptureTableIdentity : public QObject
{
    Q_OBJECT

private slots:
    void mariadbTruncateWithinFractionConverges_data()
    {
        sourceIntoEveryMirror(DriverKind::MariaDb);
    }
    void mariadbTruncateWithinFractionConverges();
    void mariadbTruncateRefusedUntilForced_data() { sourceIntoEveryMirror(DriverKind::MariaDb); }
    void mariadbTruncateRefusedUntilForced();
    void mariadbOptimizeSweepsNothing();
    void mariadbTruncateUnderDeletesNone();
    void mariadbInstallWithoutIdentity();
    void mariadbBackfillStartKeepsIdentity();
    void mariadbIdentityNeedsProcess();
};

// The common reload: TRUNCATE, then most rows inserted again. The table's new InnoDB id makes
// the sync sweep; the rows that did not come back are a small share of the mirror, so the
// sweep runs and the mirror converges with no operator.
void TestCaptureTableIdentity::mariadbTruncateWithinFractionConverges()
{
    PAIR_FIXTURE(f);
    PAIR_TRY(f, {
        const Setup s = captured(f, 20);
        CaptureCleanup cleanup{f, s};
        QVERIFY(sync(f, s).ok());
        truncate(f, s);
        QList<QVariantList> reload;
        for (int i = 0; i < 16; ++i)
            reload << row(i, u"reloaded"_s);
        reload << row(900);
        f.insertRows(Side::Source, s.src, kColumns, reload);
        QVERIFY2(!f.status(s.mapping).capture->attention.isEmpty(), "status names the change");

        const OperationResult r = sync(f, s);
        QVERIFY2(r.ok(), qPrintable(PairFixture::describeResult(r)));
        QVERIFY2(r.run.note.contains(u"truncated or created anew"_s), qPrintable(r.run.note));
        QVERIFY2(r.run.note.contains(u"the sweep deleted 4 mirror rows"_s), qPrintable(r.run.note));
        QCOMPARE(f.compare(s.mapping, u"after the reload"_s), QString());
        QVERIFY(f.status(s.mapping).capture->attention.isEmpty());

        // Reconciled: the next pass neither sweeps nor writes.
        const OperationResult quiet = sync(f, s);
        QVERIFY(quiet.ok());
        QVERIFY2(!quiet.run.note.contains(u"sweep"_s), qPrintable(quiet.run.note));
        QCOMPARE(quiet.run.rowsWritten + quiet.run.rowsDeleted, qint64(0));
    });
}

// TRUNCATE with only new rows after it: the sweep would delete every old row, beyond
// max_sweep_fraction, so it is refused, by every sync, in the run's result, `status` and the
// CLI, naming mapping, table and command; the log is applied meanwhile. A forced sweep
// reconciles, and the syncs are quiet again.
void TestCaptureTableIdentity::mariadbTruncateRefusedUntilForced()
{
    PAIR_FIXTURE(f);
    PAIR_TRY(f, {
        const Setup s = captured(f, 20);
        CaptureCleanup cleanup{f, s};
        QVERIFY(sync(f, s).ok());
        truncate(f, s);
        f.insertRows(Side::Source, s.src, kColumns, {row(100), row(101)});
        const QString command = u"tidemark-cli sweep --force --mapping "_s + s.mapping;

        for (int attempt = 0; attempt < 2; ++attempt) {
            const OperationResult r = sync(f, s);
            QCOMPARE(r.run.result, u"refused"_s);
            QVERIFY2(r.run.error.contains(u"mapping '%1'"_s.arg(s.mapping))
                             && r.run.error.contains(u"'%1'"_s.arg(s.src))
                             && r.run.error.contains(command)
                             && r.run.error.contains(u"max_sweep_fraction"_s),
                     qPrintable(r.run.error));
            // The log still reached the mirror; the old rows wait for the operator.
            QCOMPARE(count(f, Side::Mirror, s.mir), qint64(22));
            const StatusMeasurement status = f.status(s.mapping);
            QVERIFY2(status.capture->attention.contains(command),
                     qPrintable(status.capture->attention));
            QCOMPARE(status.lastRun->result, u"refused"_s);
        }

        // What an operator sees from the command line.
        const QJsonObject status = cliStatus(f, s.mapping);
        QVERIFY2(status.value(u"capture"_s)
                         .toObject()
                         .value(u"attention"_s)
                         .toString()
                         .contains(command),
                 qPrintable(QString::fromUtf8(QJsonDocument(status).toJson())));
        const CliRun refused = cli(f, {u"sync"_s, u"--mapping"_s, s.mapping});
        QVERIFY2(refused.exitCode == 3 && refused.all().contains(command),
                 qPrintable(refused.all()));

        OperationOptions force;
        force.force = true;
        const OperationResult swept = f.run(OperationKind::Sweep, s.mapping, force);
        QVERIFY2(swept.ok(), qPrintable(PairFixture::describeResult(swept)));
        QCOMPARE(swept.run.rowsDeleted, qint64(20));
        QVERIFY(f.status(s.mapping).capture->attention.isEmpty());
        const OperationResult after = sync(f, s);
        QVERIFY2(after.ok(), qPrintable(PairFixture::describeResult(after)));
        QVERIFY2(!after.run.note.contains(u"sweep"_s), qPrintable(after.run.note));
        QCOMPARE(f.compare(s.mapping, u"after the forced sweep"_s), QString());
    });
}

// OPTIMIZE TABLE creates an InnoDB table anew (a new id) without losing a row: the sync's
// sweep deletes nothing, the new identity is kept, and the next sync does not sweep again.
void TestCaptureTableIdentity::mariadbOptimizeSweepsNothing()
{
    TIDEMARK_SERVER_OR_SKIP(DriverKind::MariaDb, u"src"_s, server);
    PairFixture f(DriverKind::MariaDb, DriverKind::Sqlite, server, std::nullopt);
    QVERIFY2(f.setupError().isEmpty(), qPrintable(f.setupError()));
    PAIR_TRY(f, {
        const Setup s = captured(f, 20);
        CaptureCleanup cleanup{f, s};
        QVERIFY(sync(f, s).ok());
        const std::unique_ptr<CaptureSql> sql = CaptureSql::create(DriverKind::MariaDb);
        DbConnection &c = f.connection(Side::Source);
        const QString before = sql->tableIdentity(c, s.src);
        QSqlQuery optimize = c.exec(u"OPTIMIZE TABLE "_s + c.dialect().quote(s.src));
        while (optimize.next()) {}
        QVERIFY(sql->tableIdentity(c, s.src) != before);
        QCOMPARE(count(f, Side::Source, s.src), qint64(20));

        const OperationResult r = sync(f, s);
        QVERIFY2(r.ok(), qPrintable(PairFixture::describeResult(r)));
        QVERIFY2(r.run.note.contains(u"the sweep deleted 0 mirror rows"_s), qPrintable(r.run.note));
        QCOMPARE(r.run.rowsDeleted, qint64(0));
        const OperationResult again = sync(f, s);
        QVERIFY(again.ok());
        QVERIFY2(!again.run.note.contains(u"sweep"_s), qPrintable(again.run.note));
        QCOMPARE(f.compare(s.mapping), QString());
    });
}

// "deletes": "none" on MariaDB: a TRUNCATE is noticed and the mirror keeps its rows, without
// a sweep or a refusal.
void TestCaptureTableIdentity::mariadbTruncateUnderDeletesNone()
{
    TIDEMARK_SERVER_OR_SKIP(DriverKind::MariaDb, u"src"_s, server);
    PairFixture f(DriverKind::MariaDb, DriverKind::Sqlite, server, std::nullopt);
    QVERIFY2(f.setupError().isEmpty(), qPrintable(f.setupError()));
    PAIR_TRY(f, {
        const Setup s =
                captured(f, 8, 50, [](MappingConfig &m) { m.deletes = DeletePolicy::None; });
        CaptureCleanup cleanup{f, s};
        QVERIFY(sync(f, s).ok());
        truncate(f, s);
        f.insertRows(Side::Source, s.src, kColumns, {row(50)});
        const OperationResult r = sync(f, s);
        QVERIFY2(r.ok(), qPrintable(PairFixture::describeResult(r)));
        QVERIFY2(r.run.note.contains(u"keeps the mirror's rows"_s), qPrintable(r.run.note));
        QCOMPARE(ids(f, Side::Mirror, s.mir), u"0,1,2,3,4,5,6,7,50"_s);
        QVERIFY(f.status(s.mapping).capture->attention.isEmpty());
    });
}

// The upgrade path on MariaDB: a consumers table from before the identity was kept is
// reported incomplete; prepare adds the column (and nothing else the second time); the first
// sync after it cannot rule out a TRUNCATE it never saw, so it sweeps once.
void TestCaptureTableIdentity::mariadbInstallWithoutIdentity()
{
    TIDEMARK_SERVER_OR_SKIP(DriverKind::MariaDb, u"src"_s, server);
    PairFixture f(DriverKind::MariaDb, DriverKind::Sqlite, server, std::nullopt);
    QVERIFY2(f.setupError().isEmpty(), qPrintable(f.setupError()));
    PAIR_TRY(f, {
        dropLeftovers(f);
        const Setup s = captured(f, 10);
        CaptureCleanup cleanup{f, s};
        QVERIFY(sync(f, s).ok());
        const QStringList complete = catalog(f, s.src);
        exec(f,
             u"ALTER TABLE "_s + q(f, Side::Source, capture::consumersTable())
                     + u" DROP COLUMN table_identity"_s);
        f.reset();
        const QJsonObject status = cliStatus(f, s.mapping);
        const QJsonObject capture = status.value(u"capture"_s).toObject();
        QVERIFY2(capture.value(u"installed"_s) == QJsonValue(false),
                 qPrintable(QString::fromUtf8(QJsonDocument(status).toJson())));
        QVERIFY2(capture.value(u"problem"_s).toString().contains(u"older version"_s)
                         && capture.value(u"problem"_s).toString().contains(u"prepare"_s),
                 qPrintable(QString::fromUtf8(QJsonDocument(capture).toJson())));
        QCOMPARE(sync(f, s).run.result, u"error"_s);

        // Rows deleted while the identity was not kept: only a sweep can find them now.
        exec(f,
             u"DELETE FROM "_s + q(f, Side::Source, s.src) + u" WHERE "_s
                     + q(f, Side::Source, u"id"_s) + u" < 3"_s);
        exec(f, u"DELETE FROM "_s + q(f, Side::Source, capture::logTable()) + u" WHERE tbl = ?"_s,
             {s.src});

        QVERIFY(f.run(OperationKind::Prepare, s.mapping).ok());
        QCOMPARE(catalog(f, s.src), complete);
        QVERIFY(f.status(s.mapping).capture->installed);
        const OperationResult r = sync(f, s);
        QVERIFY2(r.ok(), qPrintable(PairFixture::describeResult(r)));
        QVERIFY2(r.run.note.contains(u"no identity recorded"_s), qPrintable(r.run.note));
        QCOMPARE(r.run.rowsDeleted, qint64(3));
        QCOMPARE(f.compare(s.mapping), QString());
        const OperationResult again = sync(f, s);
        QVERIFY2(!again.run.note.contains(u"sweep"_s), qPrintable(again.run.note));
    });
}

// An explicit backfill that gives a new captured mapping its start in the log keeps the
// identity read before it, as the first sync's own backfill does: the sync after it has no
// reason to sweep.
void TestCaptureTableIdentity::mariadbBackfillStartKeepsIdentity()
{
    TIDEMARK_SERVER_OR_SKIP(DriverKind::MariaDb, u"src"_s, server);
    PairFixture f(DriverKind::MariaDb, DriverKind::Sqlite, server, std::nullopt);
    QVERIFY2(f.setupError().isEmpty(), qPrintable(f.setupError()));
    PAIR_TRY(f, {
        const Setup s = captured(f, 10);
        CaptureCleanup cleanup{f, s};
        const OperationResult backfill = f.run(OperationKind::Backfill, s.mapping);
        QVERIFY2(backfill.ok(), qPrintable(PairFixture::describeResult(backfill)));
        QVERIFY(f.status(s.mapping).capture->appliedSeq.has_value());
        const OperationResult r = sync(f, s);
        QVERIFY2(r.ok(), qPrintable(PairFixture::describeResult(r)));
        QVERIFY2(!r.run.note.contains(u"first capture pass"_s), qPrintable(r.run.note));
        QVERIFY2(!r.run.note.contains(u"sweep"_s), qPrintable(r.run.note));
        QCOMPARE(f.compare(s.mapping), QString());
    });
}

// Reading InnoDB's table ids needs the PROCESS privilege: without it, validate (through
// captureProblems) and the consumer fail with a message that says so, instead of capturing
// without noticing TRUNCATEs.
void TestCaptureTableIdentity::mariadbIdentityNeedsProcess()
{
    TIDEMARK_SERVER_OR_SKIP(DriverKind::MariaDb, u"src"_s, server);
    PairFixture f(DriverKind::MariaDb, DriverKind::Sqlite, server, std::nullopt);
    QVERIFY2(f.setupError().isEmpty(), qPrintable(f.setupError()));
    PAIR_TRY(f, {
        const QString table = f.tableName(u"np_src"_s);
        f.createTable(Side::Source, table, kColumns, {u"id"_s});
        const QString user = f.tableName(u"np"_s).left(32);
        const QString password = u"np-%1"_s.arg(QCoreApplication::applicationPid());
        const QString account = u"'%1'@'%'"_s.arg(user);
        exec(f, u"DROP USER IF EXISTS "_s + account);
        exec(f, u"CREATE USER "_s + account + u" IDENTIFIED BY '"_s + password + u"'"_s);
        const QString database = server.database;
        exec(f,
             u"GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, TRIGGER ON "_s
                     + q(f, Side::Source, database) + u".* TO "_s + account);
        struct DropUser
        {
            PairFixture &f;
            QString account;
            ~DropUser()
            {
                try {
                    f.exec(Side::Source, u"DROP USER IF EXISTS "_s + account);
                } catch (const DbError &) {
                }
            }
        } dropUser{f, account};

        ConnectionConfig limited = server;
        limited.name = u"limited"_s;
        limited.user = user;
        limited.passwordEnv = u"TIDEMARK_TEST_NOPROCESS_PASSWORD"_s;
        qputenv("TIDEMARK_TEST_NOPROCESS_PASSWORD", password.toUtf8());
        DbConnection c(limited, u"no-process"_s);
        c.open();
        const std::unique_ptr<CaptureSql> sql = CaptureSql::create(DriverKind::MariaDb);
        QString message;
        try {
            sql->tableIdentity(c, table);
        } catch (const DbError &e) {
            message = e.message();
        }
        QVERIFY2(message.contains(u"PROCESS"_s) && message.contains(table), qPrintable(message));
        // The test's own user can: the same table has an identity.
        QVERIFY(sql->tableIdentity(f.connection(Side::Source), table).startsWith(u"innodb:"_s));
    });
}

QTEST_GUILESS_MAIN(TestCaptureTableIdentity)
#include "tst_capture_tableidentity.moc"
