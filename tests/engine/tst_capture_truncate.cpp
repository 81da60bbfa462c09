// TRUNCATE of a captured source table: the "deletes that never reach the mirror" data loss that
// row triggers alone had (a TRUNCATE fires none of them, so the mirror kept every row).
//
// PostgreSQL logs a TRUNCATE by a statement trigger, and the consumer applies it as a barrier:
// the mirror is emptied, then what was logged after it is applied, with the checkpoint in the
// same mirror transaction. MariaDB runs no trigger at all: the consumer notices that the
// table's InnoDB id changed and reconciles by an orphan sweep under the sweep's rules, refusing
// (again at every pass, until forced) where they say so. SQLite runs the row triggers for a
// DELETE without WHERE.
#include "capture/captureinstaller.h"
#include "capture/capturepass.h"
#include "capture/capturesql.h"
#include "capture/changebatch.h"
#include "capturetestsupport.h"
#include "db/dberror.h"
#include "pairfixture.h"
#include "pairrow.h"
#include "project/projectloader.h"
#include "sync/projectchecker.h"
#include "testservers.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSqlQuery>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace tidemark;
using namespace capturetest;

namespace {

QString ids(PairFixture &f, Side side, const QString &table)
{
    const Dialect &d = f.connection(side).dialect();
    QSqlQuery query = f.exec(side, u"SELECT "_s + d.quote(u"id"_s) + u" FROM "_s
                                           + d.readSource(table) + u" ORDER BY 1"_s);
    QStringList out;
    while (query.next())
        out << query.value(0).toString();
    return out.join(u',');
}

void truncate(PairFixture &f, const Setup &s)
{
    exec(f, u"TRUNCATE TABLE "_s + q(f, Side::Source, s.src));
}

// tidemark-cli on the fixture's project, written where the fixture keeps its files.
struct CliRun
{
    int exitCode = -1;
    QString out;   // standard output
    QString err;   // standard error
    QString all() const { return out + err; }
};

CliRun cli(PairFixture &f, const QStringList &args)
{
    QFile file(f.project().filePath);
    if (!file.open(QIODevice::WriteOnly) || file.write(ProjectLoader::toJson(f.project())) < 0)
        return {-1, {}, u"cannot write "_s + file.fileName()};
    file.close();
    QProcess p;
    p.start(qEnvironmentVariable("TIDEMARK_CLI"),
            args + QStringList{u"--project"_s, f.project().filePath});
    if (!p.waitForFinished(120000))
        return {-1, {}, u"tidemark-cli did not finish: "_s + p.errorString()};
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
            QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

// `status --json`'s entry for the mapping.
QJsonObject cliStatus(PairFixture &f, const QString &mapping)
{
    const CliRun status = cli(f, {u"status"_s, u"--json"_s, u"--mapping"_s, mapping});
    const QJsonArray mappings =
            QJsonDocument::fromJson(status.out.toUtf8()).object().value(u"mappings"_s).toArray();
    return mappings.isEmpty() ? QJsonObject{{u"output"_s, status.all()}}
                              : mappings.first().toObject();
}

QString keyText(const QVariantList &key)
{
    QStringList parts;
    for (const QVariant &v : key)
        parts << v.toString();
    return parts.join(u'/');
}

QString keysText(const QList<QVariantList> &keys)
{
    QStringList out;
    for (const QVariantList &k : keys)
        out << keyText(k);
    return out.join(u',');
}

} // namespace

class TestCaptureTruncate : public QObject
{
    Q_OBJECT

private slots:
    void batchTruncateIsBarrier();

    void postgresTruncateEmptiesMirror_data() { sourceIntoEveryMirror(DriverKind::Postgres); }
    void postgresTruncateEmptiesMirror();
    void postgresTruncateBetweenChangesInOneBatch_data()
    {
        sourceIntoEveryMirror(DriverKind::Postgres);
    }
    void postgresTruncateBetweenChangesInOneBatch();
    void postgresTruncateEndsBatch_data() { sourceIntoEveryMirror(DriverKind::Postgres); }
    void postgresTruncateEndsBatch();
    void postgresRolledBackTruncateChangesNothing_data()
    {
        sourceIntoEveryMirror(DriverKind::Postgres);
    }
    void postgresRolledBackTruncateChangesNothing();
    void postgresTruncateUnderDeletesNone_data() { sourceIntoEveryMirror(DriverKind::Postgres); }
    void postgresTruncateUnderDeletesNone();
    void postgresTruncateCascadeAndSeveralTables();
    void postgresInstallWithoutTruncateTrigger();
    void postgresDryRunPrintsTruncateTrigger();

    void sqliteDeleteWithoutWhereReachesMirror();

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

// The collapse alone: operations before a batch's last truncate are dropped, those after it
// kept (last operation per key, in first-change order).
void TestCaptureTruncate::batchTruncateIsBarrier()
{
    ChangeBatch plain;
    plain.add({1}, false);
    plain.add({2}, false);
    plain.add({1}, true);
    QVERIFY(!plain.truncates());
    QCOMPARE(keysText(plain.upsertKeys()), u"2"_s);
    QCOMPARE(keysText(plain.deleteKeys()), u"1"_s);

    // insert k1, truncate, insert k2: empty the mirror, then upsert k2 only.
    ChangeBatch between;
    between.add({1}, false);
    between.addTruncate();
    between.add({2}, false);
    QVERIFY(between.truncates());
    QCOMPARE(keysText(between.upsertKeys()), u"2"_s);
    QCOMPARE(keysText(between.deleteKeys()), QString());

    // Two truncates: only what follows the last counts; a key changed before and after it
    // keeps its later operation.
    ChangeBatch twice;
    twice.add({1}, false);
    twice.addTruncate();
    twice.add({2}, false);
    twice.add({3}, false);
    twice.addTruncate();
    twice.add({3}, false);
    twice.add({4}, false);
    twice.add({4}, true);
    QCOMPARE(keysText(twice.upsertKeys()), u"3"_s);
    QCOMPARE(keysText(twice.deleteKeys()), u"4"_s);

    // A batch that ends with its truncate: nothing but the emptying.
    ChangeBatch last;
    last.add({1}, false);
    last.add({2}, true);
    last.addTruncate();
    QVERIFY(last.truncates());
    QVERIFY(last.upsertKeys().isEmpty());
    QVERIFY(last.deleteKeys().isEmpty());
}

// TRUNCATE, then one sync: the mirror is empty, by the log alone (no sweep ran), and stays in
// step with what follows.
void TestCaptureTruncate::postgresTruncateEmptiesMirror()
{
    PAIR_FIXTURE(f);
    PAIR_TRY(f, {
        const Setup s = captured(f, 40);
        CaptureCleanup cleanup{f, s};
        QVERIFY(sync(f, s).ok());
        QCOMPARE(count(f, Side::Mirror, s.mir), qint64(40));

        truncate(f, s);
        QCOMPARE(logRows(f, s), qint64(1));
        const OperationResult r = sync(f, s);
        QVERIFY2(r.ok(), qPrintable(PairFixture::describeResult(r)));
        QCOMPARE(r.run.kind, u"sync"_s);
        QCOMPARE(r.orphansFound, qint64(-1));   // no sweep: the log did it
        QCOMPARE(r.run.rowsDeleted, qint64(40));
        QVERIFY2(r.run.note.contains(u"truncated (1 in the log)"_s), qPrintable(r.run.note));
        QCOMPARE(count(f, Side::Mirror, s.mir), qint64(0));
        QCOMPARE(f.status(s.mapping).capture->pending, qint64(0));

        f.insertRows(Side::Source, s.src, kColumns, {row(7), row(8)});
        QVERIFY(sync(f, s).ok());
        QCOMPARE(f.compare(s.mapping, u"after inserts that followed the truncate"_s), QString());
        const OperationResult quiet = sync(f, s);
        QCOMPARE(quiet.run.rowsWritten + quiet.run.rowsDeleted, qint64(0));
    });
}

// Inserts, an update and a delete before the TRUNCATE, inserts and an update after it, all in
// one consumer batch: the mirror ends with only the later rows.
void TestCaptureTruncate::postgresTruncateBetweenChangesInOneBatch()
{
    PAIR_FIXTURE(f);
    PAIR_TRY(f, {
        const Setup s = captured(f, 10, 1000);
        CaptureCleanup cleanup{f, s};
        QVERIFY(sync(f, s).ok());
        const QString t = q(f, Side::Source, s.src);
        const QString id = q(f, Side::Source, u"id"_s);
        const QString txt = q(f, Side::Source, u"txt"_s);
        f.insertRows(Side::Source, s.src, kColumns, {row(1000)});
        exec(f, u"UPDATE "_s + t + u" SET "_s + txt + u" = 'before' WHERE "_s + id + u" = 1"_s);
        exec(f, u"DELETE FROM "_s + t + u" WHERE "_s + id + u" = 2"_s);
        truncate(f, s);
        // Key 1 again after the truncate: its earlier update must not matter.
        f.insertRows(Side::Source, s.src, kColumns, {row(1, u"again"_s), row(2000), row(2001)});
        exec(f, u"UPDATE "_s + t + u" SET "_s + txt + u" = 'after' WHERE "_s + id + u" = 2000"_s);
        f.insertRows(Side::Source, s.src, kColumns, {row(2002)});
        exec(f, u"DELETE FROM "_s + t + u" WHERE "_s + id + u" = 2002"_s);

        CaptureResult applied;
        f.withContext(s.mapping, [&](MappingContext &ctx) { applied = CapturePass(ctx).run(); });
        QCOMPARE(applied.batches, 1);
        QCOMPARE(applied.truncates, qint64(1));
        QCOMPARE(ids(f, Side::Mirror, s.mir), u"1,2000,2001"_s);
        QCOMPARE(f.compare(s.mapping, u"after the batch with a truncate in it"_s), QString());
    });
}

// A batch whose last entry is the TRUNCATE: that batch empties the mirror and moves the
// checkpoint past the truncate; the next batch brings what followed.
void TestCaptureTruncate::postgresTruncateEndsBatch()
{
    PAIR_FIXTURE(f);
    PAIR_TRY(f, {
        const Setup s = captured(f, 10, 4);
        CaptureCleanup cleanup{f, s};
        QVERIFY(sync(f, s).ok());
        f.insertRows(Side::Source, s.src, kColumns, {row(100), row(101), row(102)});
        truncate(f, s);   // the 4th entry: the first batch ends with it
        f.insertRows(Side::Source, s.src, kColumns, {row(200)});

        QList<qint64> mirrorAfterBatch;
        CaptureResult applied;
        f.withContext(s.mapping, [&](MappingContext &ctx) {
            ctx.progress = [&](const Progress &p) {
                if (p.phase == u"capture"_s)
                    mirrorAfterBatch << count(f, Side::Mirror, s.mir);
            };
            applied = CapturePass(ctx).run();
        });
        QCOMPARE(applied.batches, 2);
        QCOMPARE(mirrorAfterBatch, (QList<qint64>{0, 1}));
        QCOMPARE(ids(f, Side::Mirror, s.mir), u"200"_s);
        QCOMPARE(f.compare(s.mapping), QString());
    });
}

void TestCaptureTruncate::postgresRolledBackTruncateChangesNothing()
{
    PAIR_FIXTURE(f);
    PAIR_TRY(f, {
        const Setup s = captured(f, 15);
        CaptureCleanup cleanup{f, s};
        QVERIFY(sync(f, s).ok());
        DbConnection &c = f.connection(Side::Source);
        c.begin();
        c.exec(u"TRUNCATE TABLE "_s + c.dialect().quote(s.src));
        c.rollback();
        QCOMPARE(logRows(f, s), qint64(0));
        QCOMPARE(count(f, Side::Source, s.src), qint64(15));
        const OperationResult r = sync(f, s);
        QVERIFY(r.ok());
        QCOMPARE(r.run.rowsWritten + r.run.rowsDeleted, qint64(0));
        QCOMPARE(count(f, Side::Mirror, s.mir), qint64(15));
        QCOMPARE(f.compare(s.mapping), QString());
    });
}

// "deletes": "none": the mirror keeps what the source deleted, a truncated table's rows
// included; what is inserted after the truncate arrives, and a row inserted and truncated
// away between two syncs never does (its re-read finds nothing, the same as an insert and a
// delete between two syncs).
void TestCaptureTruncate::postgresTruncateUnderDeletesNone()
{
    PAIR_FIXTURE(f);
    PAIR_TRY(f, {
        const Setup s = captured(f, 5, 50,
                                 [](MappingConfig &m) { m.deletes = DeletePolicy::None; });
        CaptureCleanup cleanup{f, s};
        QVERIFY(sync(f, s).ok());
        f.insertRows(Side::Source, s.src, kColumns, {row(300)});
        truncate(f, s);
        f.insertRows(Side::Source, s.src, kColumns, {row(500)});
        const OperationResult r = sync(f, s);
        QVERIFY2(r.ok(), qPrintable(PairFixture::describeResult(r)));
        QCOMPARE(r.run.rowsDeleted, qint64(0));
        QVERIFY2(r.run.note.contains(u"keeps the mirror's rows"_s), qPrintable(r.run.note));
        QCOMPARE(ids(f, Side::Mirror, s.mir), u"0,1,2,3,4,500"_s);
    });
}

// TRUNCATE ... CASCADE truncates the referencing table too, and TRUNCATE a, b several tables:
// PostgreSQL fires each table's statement trigger, so each captured table logs its own entry
// and each mapping's mirror is emptied.
void TestCaptureTruncate::postgresTruncateCascadeAndSeveralTables()
{
    TIDEMARK_SERVER_OR_SKIP(DriverKind::Postgres, u"src"_s, server);
    PairFixture f(DriverKind::Postgres, DriverKind::Sqlite, server, std::nullopt);
    QVERIFY2(f.setupError().isEmpty(), qPrintable(f.setupError()));
    PAIR_TRY(f, {
        const Setup parent{f.tableName(u"tp_src"_s), f.tableName(u"tp_mir"_s),
                           f.mappingName(u"tp"_s)};
        const Setup child{f.tableName(u"tc_src"_s), f.tableName(u"tc_mir"_s),
                          f.mappingName(u"tc"_s)};
        f.createTable(Side::Source, parent.src, kColumns, {u"id"_s});
        f.exec(Side::Source, u"CREATE TABLE "_s + q(f, Side::Source, child.src)
                                     + u" (id bigint PRIMARY KEY, parent bigint REFERENCES "_s
                                     + q(f, Side::Source, parent.src) + u" (id))"_s);
        f.dropLater(Side::Source, child.src);
        for (const Setup *s : {&parent, &child}) {
            MappingConfig &m = f.addMapping(s == &parent ? u"tp"_s : u"tc"_s, s->src, s->mir);
            m.capture = CaptureMode::Triggers;
        }
        f.reset();
        for (const Setup *s : {&parent, &child}) {
            const OperationResult p = f.run(OperationKind::Prepare, s->mapping);
            QVERIFY2(p.ok(), qPrintable(PairFixture::describeResult(p)));
        }
        CaptureCleanup parentCleanup{f, parent};
        CaptureCleanup childCleanup{f, child};
        auto fill = [&] {
            f.insertRows(Side::Source, parent.src, kColumns, {row(1), row(2), row(3)});
            exec(f, u"INSERT INTO "_s + q(f, Side::Source, child.src)
                            + u" VALUES (10, 1), (11, 2)"_s);
            for (const Setup *s : {&parent, &child})
                QVERIFY(sync(f, *s).ok());
            QCOMPARE(count(f, Side::Mirror, parent.mir), qint64(3));
            QCOMPARE(count(f, Side::Mirror, child.mir), qint64(2));
        };
        auto truncatedEntries = [&](const Setup &s) {
            return f.scalar(Side::Source, u"SELECT COUNT(*) FROM "_s
                                                  + q(f, Side::Source, capture::logTable())
                                                  + u" WHERE tbl = ? AND op = 'T'"_s,
                            {s.src})
                    .toLongLong();
        };
        auto bothEmptied = [&](const QString &how) {
            QCOMPARE(truncatedEntries(parent), qint64(1));
            QCOMPARE(truncatedEntries(child), qint64(1));
            for (const Setup *s : {&parent, &child}) {
                const OperationResult r = sync(f, *s);
                QVERIFY2(r.ok(), qPrintable(PairFixture::describeResult(r)));
                QVERIFY2(count(f, Side::Mirror, s->mir) == 0,
                         qPrintable(how + u": mirror "_s + s->mir + u" not emptied"_s));
            }
        };

        fill();
        if (QTest::currentTestFailed())
            return;
        exec(f, u"TRUNCATE TABLE "_s + q(f, Side::Source, parent.src) + u" CASCADE"_s);
        bothEmptied(u"TRUNCATE ... CASCADE"_s);
        if (QTest::currentTestFailed())
            return;

        fill();
        if (QTest::currentTestFailed())
            return;
        exec(f, u"TRUNCATE TABLE "_s + q(f, Side::Source, child.src) + u", "_s
                        + q(f, Side::Source, parent.src));
        bothEmptied(u"TRUNCATE a, b"_s);
    });
}

// The upgrade path: a table captured before TRUNCATE was (only the row trigger) is reported
// incomplete by validate, status and sync, each saying to run prepare; prepare adds the
// TRUNCATE trigger, and a second prepare changes nothing.
void TestCaptureTruncate::postgresInstallWithoutTruncateTrigger()
{
    TIDEMARK_SERVER_OR_SKIP(DriverKind::Postgres, u"src"_s, server);
    PairFixture f(DriverKind::Postgres, DriverKind::Sqlite, server, std::nullopt);
    QVERIFY2(f.setupError().isEmpty(), qPrintable(f.setupError()));
    PAIR_TRY(f, {
        const Setup s = captured(f, 10);
        CaptureCleanup cleanup{f, s};
        QVERIFY(sync(f, s).ok());
        const std::unique_ptr<CaptureSql> sql = CaptureSql::create(DriverKind::Postgres);
        DbConnection &c = f.connection(Side::Source);
        QCOMPARE(sql->installedTriggers(c, s.src), 2);
        const QStringList complete = catalog(f, s.src);
        // What the version before this one installed.
        exec(f, u"DROP TRIGGER "_s + q(f, Side::Source, capture::triggerBaseName(s.src) + u"_t"_s)
                        + u" ON "_s + q(f, Side::Source, s.src));
        QCOMPARE(sql->installedTriggers(c, s.src), 1);

        f.reset();
        // The check before a sync (an error) and validate's (a warning, since before the first
        // prepare nothing need be installed).
        ConnectionSet connections(f.project(), u"validate"_s);
        const ProjectCheck strict = checkProject(f.project(), connections, s.mapping, true);
        QString all;
        for (const ProjectError &e : strict.errors)
            all += e.toString() + u'\n';
        QVERIFY2(all.contains(u"1 of the 2 capture triggers"_s) && all.contains(u"TRUNCATE"_s)
                         && all.contains(u"tidemark-cli prepare"_s),
                 qPrintable(all));
        const CliRun validate = cli(f, {u"validate"_s, u"--mapping"_s, s.mapping});
        QVERIFY2(validate.exitCode == 0 && validate.all().contains(u"capture is incomplete"_s)
                         && validate.all().contains(u"TRUNCATE trigger"_s)
                         && validate.all().contains(u"tidemark-cli prepare"_s),
                 qPrintable(validate.all()));

        const QJsonObject status = cliStatus(f, s.mapping);
        const QJsonObject capture = status.value(u"capture"_s).toObject();
        QVERIFY2(capture.value(u"installed"_s) == QJsonValue(false),
                 qPrintable(QString::fromUtf8(QJsonDocument(status).toJson())));
        QVERIFY2(capture.value(u"problem"_s).toString().contains(u"TRUNCATE trigger"_s)
                         && capture.value(u"problem"_s).toString().contains(u"prepare"_s),
                 qPrintable(QString::fromUtf8(QJsonDocument(capture).toJson())));

        const OperationResult refused = sync(f, s);
        QCOMPARE(refused.run.result, u"error"_s);
        QVERIFY2(refused.run.error.contains(u"prepare"_s), qPrintable(refused.run.error));

        QVERIFY(f.run(OperationKind::Prepare, s.mapping).ok());
        QCOMPARE(sql->installedTriggers(c, s.src), 2);
        QCOMPARE(catalog(f, s.src), complete);
        QVERIFY(f.run(OperationKind::Prepare, s.mapping).ok());   // idempotent
        QCOMPARE(catalog(f, s.src), complete);

        truncate(f, s);
        QVERIFY(sync(f, s).ok());
        QCOMPARE(count(f, Side::Mirror, s.mir), qint64(0));
    });
}

// `prepare --dry-run` prints the TRUNCATE trigger, through the CLI, and installs nothing.
void TestCaptureTruncate::postgresDryRunPrintsTruncateTrigger()
{
    TIDEMARK_SERVER_OR_SKIP(DriverKind::Postgres, u"src"_s, server);
    PairFixture f(DriverKind::Postgres, DriverKind::Sqlite, server, std::nullopt);
    QVERIFY2(f.setupError().isEmpty(), qPrintable(f.setupError()));
    PAIR_TRY(f, {
        const QString table = f.tableName(u"dry_src"_s);
        f.createTable(Side::Source, table, kColumns, {u"id"_s});
        MappingConfig &m = f.addMapping(u"dry"_s, table, f.tableName(u"dry_mir"_s));
        m.capture = CaptureMode::Triggers;
        f.reset();
        const QStringList before = catalog(f, table);
        const CliRun dry = cli(f, {u"prepare"_s, u"--dry-run"_s, u"--mapping"_s,
                                   f.mappingName(u"dry"_s)});
        QVERIFY2(dry.exitCode == 0, qPrintable(dry.all()));
        const QString trigger = capture::triggerBaseName(table) + u"_t"_s;
        QVERIFY2(dry.out.contains(u"CREATE TRIGGER \""_s + trigger + u"\" AFTER TRUNCATE ON \""_s
                                  + table + u"\" FOR EACH STATEMENT"_s),
                 qPrintable(dry.out));
        QVERIFY2(dry.out.contains(u"IF TG_OP = 'TRUNCATE'"_s), qPrintable(dry.out));
        QCOMPARE(catalog(f, table), before);
    });
}

// SQLite has no TRUNCATE; a DELETE without WHERE, which it would run by its truncate
// optimisation, runs the row triggers when there are any, so each row reaches the log.
void TestCaptureTruncate::sqliteDeleteWithoutWhereReachesMirror()
{
    PairFixture f(DriverKind::Sqlite, DriverKind::Sqlite, std::nullopt, std::nullopt);
    QVERIFY2(f.setupError().isEmpty(), qPrintable(f.setupError()));
    PAIR_TRY(f, {
        const Setup s = captured(f, 30);
        CaptureCleanup cleanup{f, s};
        QVERIFY(sync(f, s).ok());
        QCOMPARE(count(f, Side::Mirror, s.mir), qint64(30));
        exec(f, u"DELETE FROM "_s + q(f, Side::Source, s.src));
        QCOMPARE(logRows(f, s), qint64(30));
        const OperationResult r = sync(f, s);
        QVERIFY2(r.ok(), qPrintable(PairFixture::describeResult(r)));
        QCOMPARE(r.run.rowsDeleted, qint64(30));
        QCOMPARE(count(f, Side::Mirror, s.mir), qint64(0));
    });
}

// The common reload: TRUNCATE, then most rows inserted again. The table's new InnoDB id makes
// the sync sweep; the rows that did not come back are a small share of the mirror, so the
// sweep runs and the mirror converges with no operator.
void TestCaptureTruncate::mariadbTruncateWithinFractionConverges()
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
void TestCaptureTruncate::mariadbTruncateRefusedUntilForced()
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
        QVERIFY2(status.value(u"capture"_s).toObject().value(u"attention"_s).toString().contains(
                         command),
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
void TestCaptureTruncate::mariadbOptimizeSweepsNothing()
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
        while (optimize.next()) {
        }
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
void TestCaptureTruncate::mariadbTruncateUnderDeletesNone()
{
    TIDEMARK_SERVER_OR_SKIP(DriverKind::MariaDb, u"src"_s, server);
    PairFixture f(DriverKind::MariaDb, DriverKind::Sqlite, server, std::nullopt);
    QVERIFY2(f.setupError().isEmpty(), qPrintable(f.setupError()));
    PAIR_TRY(f, {
        const Setup s = captured(f, 8, 50,
                                 [](MappingConfig &m) { m.deletes = DeletePolicy::None; });
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
void TestCaptureTruncate::mariadbInstallWithoutIdentity()
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
        exec(f, u"ALTER TABLE "_s + q(f, Side::Source, capture::consumersTable())
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
        exec(f, u"DELETE FROM "_s + q(f, Side::Source, s.src) + u" WHERE "_s
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
void TestCaptureTruncate::mariadbBackfillStartKeepsIdentity()
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
void TestCaptureTruncate::mariadbIdentityNeedsProcess()
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
        exec(f, u"GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, TRIGGER ON "_s
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

QTEST_GUILESS_MAIN(TestCaptureTruncate)
#include "tst_capture_truncate.moc"
