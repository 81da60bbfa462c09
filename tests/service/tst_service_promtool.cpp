// /metrics as Prometheus itself reads it: `promtool check metrics` (Debian's prometheus
// package) must accept what a running service exposes, after runs of several kinds and a
// failed login have filled its counters. promtool is taken from PATH, from TIDEMARK_PROMTOOL,
// or extracted from the prometheus .deb in apt's cache (scripts/install-deps.sh --test puts it
// there) without installing the Prometheus server. CI requires it (ciskip.h).

#include "../common/ciskip.h"
#include "servetestsupport.h"

#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace servetest;
using namespace Qt::StringLiterals;

namespace {

bool required()
{
    return qEnvironmentVariable("TIDEMARK_REQUIRE_SERVERS") == u"1"
            || qEnvironmentVariable("CI") == u"true";
}

// The promtool binary; empty when there is none. `scratch` receives an extracted copy.
QString findPromtool(const QTemporaryDir &scratch, QString *tried)
{
    const QString fromEnv = qEnvironmentVariable("TIDEMARK_PROMTOOL");
    if (!fromEnv.isEmpty() && QFileInfo(fromEnv).isExecutable())
        return fromEnv;
    const QString onPath = QStandardPaths::findExecutable(u"promtool"_s);
    if (!onPath.isEmpty())
        return onPath;
    const QStringList debs =
            QDir(u"/var/cache/apt/archives"_s)
                    .entryList({u"prometheus_*.deb"_s}, QDir::Files, QDir::Name | QDir::Reversed);
    *tried = u"TIDEMARK_PROMTOOL, PATH, and /var/cache/apt/archives/prometheus_*.deb (%1 found)"_s
                     .arg(debs.size());
    if (debs.isEmpty())
        return {};
    QProcess dpkg;
    dpkg.start(u"dpkg-deb"_s,
               {u"-x"_s, u"/var/cache/apt/archives/"_s + debs.first(), scratch.path()});
    if (!dpkg.waitForFinished(120000) || dpkg.exitCode() != 0) {
        *tried += u"; dpkg-deb -x failed: "_s + QString::fromUtf8(dpkg.readAllStandardError());
        return {};
    }
    const QString extracted = scratch.filePath(u"usr/bin/promtool"_s);
    return QFileInfo(extracted).isExecutable() ? extracted : QString();
}

} // namespace

class TestServicePromtool : public QObject
{
    Q_OBJECT
private slots:
    void promtoolAcceptsMetrics();
};

void TestServicePromtool::promtoolAcceptsMetrics()
{
    QTemporaryDir scratch;
    QString tried;
    const QString promtool = findPromtool(scratch, &tried);
    if (promtool.isEmpty()) {
        if (required())
            QFAIL(qPrintable(u"promtool not found (tried %1); scripts/install-deps.sh --test "
                             "fetches it"_s.arg(tried)));
        QSKIP(qPrintable(u"promtool not found (tried %1)"_s.arg(tried)));
    }

    QTemporaryDir tmp;
    const QString home = tmp.filePath(u"home"_s);
    const QString dir = tmp.filePath(u"demo"_s);
    QVERIFY(QDir().mkpath(home));
    QString why;
    QVERIFY2(makeDemo(dir, home, 100, &why), qPrintable(why));
    ServeProcess serve({u"--project"_s, QDir(dir).filePath(u"tidemark.json"_s)}, home);
    QVERIFY2(serve.waitReady(), qPrintable(serve.output()));

    // Fill the families: a sync, a diff, a failed login.
    const HttpResult sync = serve.post("/api/v1/mappings/orders/sync");
    QVERIFY2(sync.status == 202, sync.describe().constData());
    QVERIFY(!serve.waitRun(qint64(sync.json().value(u"run"_s).toDouble())).isEmpty());
    const HttpResult diff = serve.post("/api/v1/mappings/order%20lines/diff");
    QVERIFY2(diff.status == 202, diff.describe().constData());
    QVERIFY(!serve.waitRun(qint64(diff.json().value(u"run"_s).toDouble())).isEmpty());
    QCOMPARE(exchange(serve.port(), requestBytes("GET", "/metrics", "wrong-token-0123456789"))
                     .status,
             401);

    // The engine's snapshot follows a finished run within a few hundred milliseconds: read
    // until every family has its samples.
    const QList<QByteArray> expected = {
            "tidemark_mapping_backlog_rows{mapping=\"orders\"}",
            "tidemark_mapping_lag_seconds{mapping=\"orders\"}",
            "tidemark_mapping_last_applied_source_timestamp_seconds{mapping=\"orders\"}",
            "tidemark_rows_written_total{operation=\"sync\"}",
            "tidemark_runs_total{operation=\"sync\",result=\"ok\"}",
            "tidemark_runs_total{operation=\"diff\",result=\"ok\"}",
            "tidemark_run_duration_seconds_bucket{operation=\"sync\",le=\"+Inf\"}",
            "tidemark_run_duration_seconds_count{operation=\"sync\"}",
            "tidemark_connection_up{connection=\"src\"} 1",
            "tidemark_mapping_drift_rows{mapping=\"order lines\",kind=\"missing\"}",
            "tidemark_auth_failures_total 1",
            "tidemark_build_info{version=\""};
    HttpResult metrics;
    QByteArray missing;
    QElapsedTimer waited;
    waited.start();
    do {
        QThread::msleep(200);
        metrics = serve.get("/metrics");
        QVERIFY2(metrics.status == 200, metrics.describe().constData());
        missing.clear();
        for (const QByteArray &family : expected)
            if (!metrics.body.contains(family))
                missing += family + '\n';
    } while (!missing.isEmpty() && waited.elapsed() < 15000);
    QVERIFY2(missing.isEmpty(),
             QByteArray(missing + "--- metrics ---\n" + metrics.body).constData());
    QCOMPARE(metrics.headers.value("content-type"),
             QByteArray("text/plain; version=0.0.4; charset=utf-8"));
    const QByteArray text = metrics.body;

    const QString file = tmp.filePath(u"metrics.txt"_s);
    QVERIFY(clitest::writeFile(file, text));
    QProcess check;
    check.setStandardInputFile(file);
    check.start(promtool, {u"check"_s, u"metrics"_s});
    QVERIFY2(check.waitForFinished(60000), "promtool did not finish");
    const QByteArray said = check.readAllStandardOutput() + check.readAllStandardError();
    // promtool prints lint findings (and exits 1) for a metric it would not accept.
    QVERIFY2(check.exitStatus() == QProcess::NormalExit && check.exitCode() == 0
                     && said.trimmed().isEmpty(),
             QByteArray(said + "\n--- metrics ---\n" + text).constData());

    serve.process().terminate();
    QVERIFY(serve.process().waitForFinished(15000));
}

QTEST_GUILESS_MAIN(TestServicePromtool)
#include "tst_service_promtool.moc"
