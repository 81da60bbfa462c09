// `tidemark-cli serve` stopped by SIGTERM while the demo's writer writes and clients keep
// asking: it finishes or rolls back the batch in hand, exits 0, and leaves a checkpoint the
// mirror agrees with (the row the checkpoint names is in the mirror with the checkpoint's
// cursor: a checkpoint never runs ahead of what was written). The next runs then make the
// mirror equal to the source, so nothing was lost.

#include "servetestsupport.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace servetest;
using namespace Qt::StringLiterals;

class TestServiceSigterm : public QObject
{
    Q_OBJECT
private slots:
    void sigtermWhileTheWriterRuns();
};

void TestServiceSigterm::sigtermWhileTheWriterRuns()
{
    QTemporaryDir tmp;
    const QString home = tmp.filePath(u"home"_s);
    const QString dir = tmp.filePath(u"demo"_s);
    QVERIFY(QDir().mkpath(home));
    QString why;
    QVERIFY2(makeDemo(dir, home, 3000, &why), qPrintable(why));
    const QString project = QDir(dir).filePath(u"tidemark.json"_s);
    const QStringList withProject{u"--project"_s, project};

    auto writer = startCli({u"demo"_s, u"--dir"_s, dir, u"--write"_s, u"--rate"_s, u"300"_s}, home);
    QVERIFY(writer->waitForStarted(10000));
    ServeProcess serve(withProject, home);
    QVERIFY2(serve.waitReady(), qPrintable(serve.output()));
    // A backfill is a long pass of many batches: the signal lands in the middle of one.
    const HttpResult backfill =
            serve.post("/api/v1/mappings/orders/backfill", "{\"no_gate\": true}");
    QVERIFY2(backfill.status == 202, backfill.describe().constData());
    QTest::qWait(2500);
    for (int i = 0; i < 5; ++i)
        QCOMPARE(serve.get("/api/v1/status").status, 200);

    QElapsedTimer stopping;
    stopping.start();
    serve.process().terminate();
    QVERIFY2(serve.process().waitForFinished(15000), qPrintable(serve.output()));
    const qint64 stopMs = stopping.elapsed();
    QCOMPARE(serve.process().exitStatus(), QProcess::NormalExit);
    QVERIFY2(serve.process().exitCode() == 0, qPrintable(serve.output()));
    QVERIFY2(serve.out().contains(u"stopped cleanly"_s), qPrintable(serve.output()));
    QVERIFY2(stopMs < 5000, qPrintable(u"stopping took %1 ms\n"_s.arg(stopMs) + serve.output()));

    writer->terminate();
    QVERIFY(writer->waitForFinished(10000));

    // The checkpoint names a row the mirror has, with the checkpoint's cursor.
    const clitest::CliResult status = clitest::runCli(
            QStringList{u"status"_s, u"--json"_s, u"--mapping"_s, u"orders"_s} + withProject, home);
    QVERIFY2(status.exitCode == 0, status.describe().constData());
    const QJsonObject orders = QJsonDocument::fromJson(status.out.toUtf8())
                                       .object()
                                       .value(u"mappings"_s)
                                       .toArray()
                                       .first()
                                       .toObject();
    const QJsonObject checkpoint = orders.value(u"checkpoint"_s).toObject();
    QVERIFY2(!checkpoint.isEmpty(), status.describe().constData());
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"mirror"_s);
        db.setDatabaseName(QDir(dir).filePath(u"mirror.db"_s));
        QVERIFY(db.open());
        QSqlQuery q(db);
        q.prepare(u"SELECT updated_at FROM orders WHERE id = ?"_s);
        q.addBindValue(checkpoint.value(u"key"_s).toArray().first().toVariant());
        QVERIFY(q.exec());
        QVERIFY2(q.next(), status.describe().constData());
        QCOMPARE(q.value(0).toString(), checkpoint.value(u"cursor"_s).toString());
        db.close();
    }
    QSqlDatabase::removeDatabase(u"mirror"_s);

    // Nothing lost: the next passes bring the mirror level with the source.
    for (const QStringList &args : {QStringList{u"sync"_s}, QStringList{u"sweep"_s, u"--force"_s},
                                    QStringList{u"backfill"_s}}) {
        const clitest::CliResult r = clitest::runCli(args + withProject, home);
        QVERIFY2(r.exitCode == 0, r.describe().constData());
    }
    const clitest::CliResult diff = clitest::runCli(QStringList{u"diff"_s} + withProject, home);
    QVERIFY2(diff.exitCode == 0, diff.describe().constData());
}

QTEST_GUILESS_MAIN(TestServiceSigterm)
#include "tst_service_sigterm.moc"
