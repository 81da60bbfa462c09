// TRUNCATE of a captured source table: the "deletes that never reach the mirror" data loss that
// row triggers alone had (a TRUNCATE fires none of them, so the mirror kept every row).
//
// PostgreSQL logs a TRUNCATE by a statement trigger, and the consumer applies it as a barrier:
// the mirror is emptied, then what was logged after it is applied, with the checkpoint in the
// same mirror transaction. SQLite runs the row triggers for a DELETE without WHERE. (MariaDB
// runs no trigger at all: tst_capture_tableidentity.)
#include "capture/captureinstaller.h"
#include "capture/capturepass.h"
#include "capture/capturesql.h"
#include "capture/changebatch.h"
#include "capturetestsupport.h"
#include "db/dberror.h"
#include "pairfixture.h"
#include "pairrow.h"
#include "sync/projectchecker.h"
#include "testservers.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlQuery>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace tidemark;
using namespace capturetest;

namespace {

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
        QCOMPARE(r.orphansFound, qint64(-1)); // no sweep: the log did it
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
        truncate(f, s); // the 4th entry: the first batch ends with it
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
        const Setup s =
                captured(f, 5, 50, [](MappingConfig &m) { m.deletes = DeletePolicy::None; });
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
        f.exec(Side::Source,
               u"CREATE TABLE "_s + q(f, Side::Source, child.src)
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
            exec(f,
                 u"INSERT INTO "_s + q(f, Side::Source, child.src) + u" VALUES (10, 1), (11, 2)"_s);
            for (const Setup *s : {&parent, &child})
                QVERIFY(sync(f, *s).ok());
            QCOMPARE(count(f, Side::Mirror, parent.mir), qint64(3));
            QCOMPARE(count(f, Side::Mirror, child.mir), qint64(2));
        };
        auto truncatedEntries = [&](const Setup &s) {
            return f.scalar(Side::Source,
                            u"SELECT COUNT(*) FROM "_s + q(f, Side::Source, capture::logTable())
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
        exec(f,
             u"TRUNCATE TABLE "_s + q(f, Side::Source, child.src) + u", "_s
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
        exec(f,
             u"DROP TRIGGER "_s + q(f, Side::Source, capture::triggerBaseName(s.src) + u"_t"_s)
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
        QVERIFY(f.run(OperationKind::Prepare, s.mapping).ok()); // idempotent
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
        const CliRun dry =
                cli(f, {u"prepare"_s, u"--dry-run"_s, u"--mapping"_s, f.mappingName(u"dry"_s)});
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

QTEST_GUILESS_MAIN(TestCaptureTruncate)
#include "tst_capture_truncate.moc"
