// The parts of serve's API a remote monitor needs beyond the CLI's actions: dry runs and key
// ranges in action bodies, cancel, explain, the whole outcome of a finished run (decoded with
// the same codecs a remote engine uses), the latest drift check and its export, reconnecting,
// and the log. Against a real `tidemark-cli serve` on a demo project with drift of every kind:
// a changed row and a missing row behind the checkpoint (nothing scheduled fixes them) and an
// extra row in the mirror (an orphan).

#include "servetestsupport.h"

#include "api/resultjson.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace servetest;
using namespace Qt::StringLiterals;
using namespace tidemark;

namespace {

bool execOn(const QString &file, const QStringList &statements, QString *why)
{
    bool ok = true;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"drift"_s);
        db.setDatabaseName(file);
        ok = db.open();
        QSqlQuery q(db);
        for (const QString &sql : statements) {
            if (ok && !q.exec(sql)) {
                *why = sql + u": "_s + q.lastError().text();
                ok = false;
            }
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(u"drift"_s);
    return ok;
}

qint64 runId(const HttpResult &r)
{
    return qint64(r.json().value(u"run"_s).toDouble());
}

} // namespace

class TestServiceApi : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void noDriftCheckYetIs404();
    void badBodiesNameTheField_data();
    void badBodiesNameTheField();
    void dryRunSweepCountsAndIsNoRun();
    void backfillOfAKeyRange();
    void diffOutcomeAndLatestDrift();
    void exportsCsvAndHtml();
    void explainsAKey();
    void cancelsAre202();
    void reconnects();
    void logAfterSequence();

private:
    QTemporaryDir m_tmp;
    QString m_home;
    QString m_dir;
    std::unique_ptr<ServeProcess> m_serve;
};

void TestServiceApi::initTestCase()
{
    QVERIFY2(!clitest::cliPath().isEmpty(), "TIDEMARK_CLI is not set (run through ctest)");
    QVERIFY(m_tmp.isValid());
    m_home = m_tmp.filePath(u"home"_s);
    m_dir = m_tmp.filePath(u"demo"_s);
    QVERIFY(QDir().mkpath(m_home));
    QString why;
    QVERIFY2(makeDemo(m_dir, m_home, 200, &why), qPrintable(why));
    const QString project = QDir(m_dir).filePath(u"tidemark.json"_s);
    const clitest::CliResult backfill =
            clitest::runCli({u"backfill"_s, u"--project"_s, project}, m_home);
    QVERIFY2(backfill.exitCode == 0, backfill.describe().constData());
    // Behind the checkpoint and out of the lookback window (an old cursor), so no sync fixes
    // them: row 5 changed and row 100000 missing. Row 99999 is an orphan in the mirror.
    QVERIFY2(execOn(QDir(m_dir).filePath(u"source.db"_s),
                    {u"UPDATE orders SET customer = 'drifted', updated_at = "
                     "'2000-01-01 00:00:00.000' WHERE id = 5"_s,
                     u"INSERT INTO orders (id, customer, updated_at) VALUES (100000, 'late', "
                     "'2000-01-01 00:00:00.000')"_s},
                    &why),
             qPrintable(why));
    QVERIFY2(execOn(QDir(m_dir).filePath(u"mirror.db"_s),
                    {u"INSERT INTO orders (id, customer, updated_at) VALUES (99999, 'orphan', "
                     "'2000-01-01 00:00:00.000')"_s},
                    &why),
             qPrintable(why));
    m_serve = std::make_unique<ServeProcess>(QStringList{u"--project"_s, project}, m_home);
    QVERIFY2(m_serve->waitReady(), qPrintable(m_serve->output()));
}

void TestServiceApi::cleanupTestCase()
{
    if (!m_serve)
        return;
    m_serve->process().terminate();
    QVERIFY2(m_serve->process().waitForFinished(15000), qPrintable(m_serve->output()));
    QCOMPARE(m_serve->process().exitCode(), 0);
    QVERIFY2(!m_serve->err().contains(u"QObject"_s) && !m_serve->err().contains(u"ASSERT"_s),
             qPrintable(m_serve->output()));
}

void TestServiceApi::noDriftCheckYetIs404()
{
    // First, before the demo's first scheduled check (10 s after start).
    const HttpResult none = m_serve->get("/api/v1/mappings/orders/drift");
    QVERIFY2(none.status == 404, none.describe().constData());
    QVERIFY2(none.json().value(u"error"_s).toString()
                     == u"no drift check of 'orders' since this service started"_s,
             none.describe().constData());
    const HttpResult exported = m_serve->get("/api/v1/mappings/orders/drift/export?format=csv");
    QVERIFY2(exported.status == 404, exported.describe().constData());
    const HttpResult unknown = m_serve->get("/api/v1/mappings/nope/drift");
    QVERIFY2(unknown.status == 404 && unknown.body.contains("no mapping named 'nope'"),
             unknown.describe().constData());
    const HttpResult post = m_serve->post("/api/v1/mappings/orders/drift");
    QVERIFY2(post.status == 405, post.describe().constData());
}

void TestServiceApi::badBodiesNameTheField_data()
{
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("contains");
    QTest::newRow("dry_run as text")
            << QByteArray("/api/v1/mappings/orders/sweep") << QByteArray(R"({"dry_run": "yes"})")
            << u"'dry_run' must be true or false"_s;
    QTest::newRow("key_from not a list") << QByteArray("/api/v1/mappings/orders/backfill")
                                         << QByteArray(R"({"key_from": 5})") << u"'key_from'"_s;
    QTest::newRow("key_to with a bad tag")
            << QByteArray("/api/v1/mappings/orders/diff")
            << QByteArray(R"({"key_to": [{"t": "int", "v": "seven"}]})") << u"'key_to'"_s;
    QTest::newRow("keys not lists") << QByteArray("/api/v1/mappings/orders/repair")
                                    << QByteArray(R"({"keys": [5]})") << u"'keys[0]'"_s;
    QTest::newRow("explain without key") << QByteArray("/api/v1/mappings/orders/explain")
                                         << QByteArray("{}") << u"'key' is required"_s;
    QTest::newRow("dry_run is no option of diff")
            << QByteArray("/api/v1/mappings/orders/diff") << QByteArray(R"({"dry_run": true})")
            << u"options: force, key_from, key_to"_s;
    QTest::newRow("cancel takes no options")
            << QByteArray("/api/v1/mappings/orders/cancel") << QByteArray(R"({"force": true})")
            << u"options: none"_s;
}

void TestServiceApi::badBodiesNameTheField()
{
    QFETCH(QByteArray, path);
    QFETCH(QByteArray, body);
    QFETCH(QString, contains);
    const HttpResult r = m_serve->post(path, body);
    QVERIFY2(r.status == 400, r.describe().constData());
    QVERIFY2(r.json().value(u"error"_s).toString().contains(contains), r.describe().constData());
}

void TestServiceApi::dryRunSweepCountsAndIsNoRun()
{
    const HttpResult accepted =
            m_serve->post("/api/v1/mappings/orders/sweep", R"({"dry_run": true})");
    QVERIFY2(accepted.status == 202, accepted.describe().constData());
    const QJsonObject run = m_serve->waitRun(runId(accepted));
    QVERIFY2(!run.isEmpty(), "the dry run did not finish within 60 s");
    QVERIFY(run.value(u"dry_run"_s).toBool());
    QVERIFY(run.value(u"progress"_s).isNull());
    QVERIFY(run.contains(u"detail"_s));
    QString error;
    const std::optional<OperationResult> outcome =
            resultjson::decodeOperationResult(run.value(u"outcome"_s).toObject(), &error);
    QVERIFY2(outcome, qPrintable(error));
    QVERIFY(outcome->dryRun);
    QCOMPARE(outcome->run.result, u"ok"_s);
    QCOMPARE(outcome->wouldDelete, 1);
    QCOMPARE(outcome->run.rowsDeleted, 0);

    // A dry-run backfill answers too, and neither is counted as a run.
    // no_gate: the counts match (the orphan makes up for the missing row), so the in-sync
    // gate would skip it.
    const HttpResult backfill = m_serve->post("/api/v1/mappings/orders/backfill",
                                              R"({"dry_run": true, "no_gate": true})");
    QVERIFY2(backfill.status == 202, backfill.describe().constData());
    const QJsonObject backfillRun = m_serve->waitRun(runId(backfill));
    QVERIFY(backfillRun.value(u"dry_run"_s).toBool());
    QVERIFY(backfillRun.value(u"outcome"_s).toObject().value(u"would_write"_s).toDouble() >= 1);
    const QByteArray metrics = m_serve->get("/metrics").body;
    QVERIFY2(metrics.contains("tidemark_runs_total{operation=\"sweep\",result=\"ok\"} 0\n"),
             metrics.constData());
    QVERIFY2(!metrics.contains("tidemark_runs_total{operation=\"sweep\",result=\"refused\"}"),
             metrics.constData());
}

void TestServiceApi::backfillOfAKeyRange()
{
    const HttpResult accepted = m_serve->post(
            "/api/v1/mappings/orders/backfill",
            R"({"key_from": [{"t": "int", "v": "100"}], "key_to": [{"t": "int", "v": "119"}]})");
    QVERIFY2(accepted.status == 202, accepted.describe().constData());
    const QJsonObject run = m_serve->waitRun(runId(accepted));
    QVERIFY2(run.value(u"result"_s).toString() == u"ok"_s, QJsonDocument(run).toJson().constData());
    QVERIFY(!run.value(u"dry_run"_s).toBool());
    const QString note = run.value(u"outcome"_s)
                                 .toObject()
                                 .value(u"run"_s)
                                 .toObject()
                                 .value(u"note"_s)
                                 .toString();
    QVERIFY2(note.contains(u"key range only: read 20 rows"_s), qPrintable(note));
}

void TestServiceApi::diffOutcomeAndLatestDrift()
{
    const HttpResult accepted = m_serve->post("/api/v1/mappings/orders/diff");
    QVERIFY2(accepted.status == 202, accepted.describe().constData());
    const QJsonObject run = m_serve->waitRun(runId(accepted));
    QVERIFY2(run.value(u"result"_s).toString() == u"ok"_s, QJsonDocument(run).toJson().constData());
    QVERIFY(run.value(u"detail"_s).toObject().contains(u"missing"_s));
    QString error;
    const std::optional<DriftCheckResult> check =
            resultjson::decodeCheck(run.value(u"outcome"_s).toObject(), &error);
    QVERIFY2(check, qPrintable(error));
    QCOMPARE(check->mapping, u"orders"_s);
    QCOMPARE(check->summary.changed, 1);
    QCOMPARE(check->summary.missing, 1);
    QCOMPARE(check->summary.extra, 1);
    QCOMPARE(check->rows.size(), 3);
    QCOMPARE(check->keyColumns, QStringList{u"id"_s});
    bool sawChanged = false;
    for (const RowDifference &d : check->rows) {
        if (d.kind == DiffKind::Changed) {
            sawChanged = true;
            QCOMPARE(d.key, QVariantList{qlonglong(5)});
            QVERIFY(d.columns.contains(u"customer"_s));
            QVERIFY(d.source.contains(QVariant(u"drifted"_s)));
        }
        if (d.kind == DiffKind::Extra)
            QCOMPARE(d.key, QVariantList{qlonglong(99999)});
    }
    QVERIFY(sawChanged);

    // The latest check of the mapping: this one, or a scheduled one since, of the same drift.
    const HttpResult latest = m_serve->get("/api/v1/mappings/orders/drift");
    QVERIFY2(latest.status == 200, latest.describe().constData());
    const std::optional<DriftCheckResult> again = resultjson::decodeCheck(latest.json(), &error);
    QVERIFY2(again, qPrintable(error));
    QCOMPARE(again->summary.differences(), 3);
}

void TestServiceApi::exportsCsvAndHtml()
{
    const HttpResult csv = m_serve->get("/api/v1/mappings/orders/drift/export?format=csv");
    QVERIFY2(csv.status == 200, csv.describe().constData());
    QCOMPARE(csv.headers.value("content-type"), "text/csv; charset=utf-8");
    QVERIFY2(csv.body.contains("99999") && csv.body.contains("100000"), csv.body.constData());
    const HttpResult html = m_serve->get("/api/v1/mappings/orders/drift/export?format=html");
    QVERIFY2(html.status == 200, html.describe().constData());
    QCOMPARE(html.headers.value("content-type"), "text/html; charset=utf-8");
    QVERIFY2(html.body.toLower().contains("<html") && html.body.contains("drifted"),
             html.body.left(2000).constData());
    const HttpResult xml = m_serve->get("/api/v1/mappings/orders/drift/export?format=xml");
    QVERIFY2(xml.status == 400 && xml.body.contains("format=csv"), xml.describe().constData());
}

void TestServiceApi::explainsAKey()
{
    const HttpResult accepted = m_serve->post("/api/v1/mappings/orders/explain",
                                              R"({"key": [{"t": "int", "v": "5"}]})");
    QVERIFY2(accepted.status == 202, accepted.describe().constData());
    const QJsonObject run = m_serve->waitRun(runId(accepted));
    QVERIFY2(run.value(u"result"_s).toString() == u"ok"_s, QJsonDocument(run).toJson().constData());
    QString error;
    const std::optional<DriftExplainResult> explain =
            resultjson::decodeExplain(run.value(u"outcome"_s).toObject(), &error);
    QVERIFY2(explain, qPrintable(error));
    QCOMPARE(explain->explanation.key, QVariantList{qlonglong(5)});
    QVERIFY(!explain->explanation.equal);
    QCOMPARE(explain->explanation.kind, DiffKind::Changed);
    QVERIFY(explain->explanation.columns.contains(u"customer"_s));
    QVERIFY(!explain->text.isEmpty());
}

void TestServiceApi::cancelsAre202()
{
    for (const QByteArray &action : {QByteArray("cancel"), QByteArray("cancel_drift")}) {
        const HttpResult r = m_serve->post("/api/v1/mappings/orders/" + action);
        QVERIFY2(r.status == 202, r.describe().constData());
        QVERIFY(r.json().value(u"run"_s).isNull());
        QCOMPARE(r.json().value(u"action"_s).toString(), QString::fromLatin1(action));
    }
}

void TestServiceApi::reconnects()
{
    const HttpResult one = m_serve->post("/api/v1/connections/src/reconnect");
    QVERIFY2(one.status == 202, one.describe().constData());
    QCOMPARE(one.json().value(u"connection"_s).toString(), u"src"_s);
    QCOMPARE(one.json().value(u"action"_s).toString(), u"reconnect"_s);
    const HttpResult all = m_serve->post("/api/v1/connections/reconnect");
    QVERIFY2(all.status == 202, all.describe().constData());
    const HttpResult unknown = m_serve->post("/api/v1/connections/nope/reconnect");
    QVERIFY2(unknown.status == 404 && unknown.body.contains("no connection named 'nope'"),
             unknown.describe().constData());
    const HttpResult get = m_serve->get("/api/v1/connections/src/reconnect");
    QVERIFY2(get.status == 405, get.describe().constData());
}

void TestServiceApi::logAfterSequence()
{
    const HttpResult first = m_serve->get("/api/v1/log");
    QVERIFY2(first.status == 200, first.describe().constData());
    const QJsonArray entries = first.json().value(u"entries"_s).toArray();
    QVERIFY2(!entries.isEmpty(), first.describe().constData());
    const QJsonObject e = entries.first().toObject();
    QVERIFY(e.value(u"seq"_s).toDouble() > 0);
    QVERIFY(QDateTime::fromString(e.value(u"time"_s).toString(), Qt::ISODateWithMs).isValid());
    QVERIFY(e.value(u"time"_s).toString().endsWith(u'Z'));
    QVERIFY(QStringList(
                    {u"trace"_s, u"debug"_s, u"info"_s, u"warning"_s, u"error"_s, u"critical"_s})
                    .contains(e.value(u"level"_s).toString()));
    QVERIFY(!e.value(u"logger"_s).toString().isEmpty());
    const qint64 last = qint64(first.json().value(u"last"_s).toDouble());
    QCOMPARE(last, qint64(entries.last().toObject().value(u"seq"_s).toDouble()));

    const HttpResult limited = m_serve->get("/api/v1/log?limit=1");
    QCOMPARE(limited.json().value(u"entries"_s).toArray().size(), 1);

    // New work logs new lines; after= returns only those.
    const HttpResult sync =
            m_serve->post("/api/v1/mappings/orders/backfill", R"({"no_gate": true})");
    QVERIFY2(sync.status == 202, sync.describe().constData());
    m_serve->waitRun(runId(sync));
    const HttpResult newer = m_serve->get("/api/v1/log?after=" + QByteArray::number(last));
    QVERIFY2(newer.status == 200, newer.describe().constData());
    const QJsonArray after = newer.json().value(u"entries"_s).toArray();
    QVERIFY2(!after.isEmpty(), newer.describe().constData());
    for (const QJsonValue &v : after)
        QVERIFY(qint64(v.toObject().value(u"seq"_s).toDouble()) > last);
    const HttpResult bad = m_serve->get("/api/v1/log?after=soon");
    QVERIFY2(bad.status == 400, bad.describe().constData());
}

QTEST_GUILESS_MAIN(TestServiceApi)
#include "tst_service_api.moc"
