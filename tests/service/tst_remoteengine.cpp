// The remote engine (api/remoteengine.h) against a real `tidemark-cli serve` on the demo: the
// snapshots it rebuilds, every kind of request with its answer, the log, and what it shows
// when the service refuses the token or goes away.

#include "servetestsupport.h"

#include "api/remoteengine.h"
#include "api/statusjson.h"
#include "log/logging.h"
#include "log/ringbuffersink.h"

#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace tidemark;
using servetest::ServeProcess;

namespace {

QUrl urlOf(const ServeProcess &serve)
{
    return QUrl(u"http://127.0.0.1:%1"_s.arg(serve.port()));
}

RemoteEngine::Options fastPolling()
{
    RemoteEngine::Options o;
    o.pollIntervalMs = 100;
    o.retryMaxMs = 400;
    return o;
}

const MappingStatus *find(const QList<MappingStatus> &list, const QString &name)
{
    for (const MappingStatus &m : list)
        if (m.name == name)
            return &m;
    return nullptr;
}

} // namespace

class TestRemoteEngine : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void parsesAddresses_data();
    void parsesAddresses();
    void snapshotsAreTheServicesOwn();
    void operationsAndDryRunsAnswer();
    void refusedSweepComesBackRefused();
    void driftCheckExplainExportRepair();
    void pauseResumeAndReconnect();
    void unknownMappingAndStoppedEngineGiveZero();
    void serviceLogReachesTheLogBuffer();
    void wrongTokenIsShownNotRetriedQuietly();
    void serviceGoneShowsWaitingWithTheReason();

private:
    std::unique_ptr<RemoteEngine> attach(ServeProcess &serve, const QString &token = {});
    QTemporaryDir m_tmp;
    QString m_home;
    QString m_dir;
    std::unique_ptr<ServeProcess> m_serve;
};

void TestRemoteEngine::initTestCase()
{
    QVERIFY2(!clitest::cliPath().isEmpty(), "TIDEMARK_CLI is not set (run through ctest)");
    LogOptions logOptions;
    logOptions.toFile = false;
    initLogging(logOptions);
    QVERIFY(m_tmp.isValid());
    m_home = m_tmp.filePath(u"home"_s);
    m_dir = m_tmp.filePath(u"demo"_s);
    QVERIFY(QDir().mkpath(m_home));
    QString why;
    QVERIFY2(servetest::makeDemo(m_dir, m_home, 300, &why), qPrintable(why));
    QVERIFY(servetest::quietSchedules(m_dir));
    m_serve = std::make_unique<ServeProcess>(
            QStringList{u"--project"_s, QDir(m_dir).filePath(u"tidemark.json"_s)}, m_home);
    QVERIFY2(m_serve->waitReady(), qPrintable(m_serve->output()));
}

void TestRemoteEngine::cleanupTestCase()
{
    if (!m_serve)
        return;
    m_serve->process().terminate();
    QVERIFY2(m_serve->process().waitForFinished(15000), qPrintable(m_serve->output()));
    QCOMPARE(m_serve->process().exitCode(), 0);
}

std::unique_ptr<RemoteEngine> TestRemoteEngine::attach(ServeProcess &serve, const QString &token)
{
    auto engine = std::make_unique<RemoteEngine>(
            urlOf(serve), token.isEmpty() ? QString::fromUtf8(serve.token()) : token,
            fastPolling());
    engine->start();
    return engine;
}

void TestRemoteEngine::parsesAddresses_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("url");        // empty: refused
    QTest::addColumn<bool>("inClear");
    QTest::newRow("host:port") << u"127.0.0.1:9000"_s << u"http://127.0.0.1:9000"_s << false;
    QTest::newRow("no port") << u"http://localhost"_s << u"http://localhost:8457"_s << false;
    QTest::newRow("a path is dropped")
            << u"https://mon.example.org:8443/api/v1/"_s << u"https://mon.example.org:8443"_s
            << false;
    QTest::newRow("plain http elsewhere")
            << u"http://10.1.2.3:8457"_s << u"http://10.1.2.3:8457"_s << true;
    QTest::newRow("IPv6 loopback") << u"http://[::1]:8457"_s << u"http://[::1]:8457"_s << false;
    QTest::newRow("a token in the address") << u"http://me:secret@host:8457"_s << QString()
                                            << false;
    QTest::newRow("another scheme") << u"ftp://host"_s << QString() << false;
    QTest::newRow("empty") << u"  "_s << QString() << false;
}

void TestRemoteEngine::parsesAddresses()
{
    QFETCH(QString, text);
    QFETCH(QString, url);
    QFETCH(bool, inClear);
    QString error;
    const std::optional<QUrl> parsed = RemoteEngine::parseServiceUrl(text, &error);
    if (url.isEmpty()) {
        QVERIFY(!parsed);
        QVERIFY(!error.isEmpty());
        return;
    }
    QVERIFY2(parsed, qPrintable(error));
    QCOMPARE(parsed->toString(), url);
    QCOMPARE(RemoteEngine::sendsInClear(*parsed), inClear);
}

void TestRemoteEngine::snapshotsAreTheServicesOwn()
{
    auto engine = attach(*m_serve);
    QSignalSpy status(engine.get(), &Engine::statusChanged);
    QTRY_COMPARE_WITH_TIMEOUT(engine->link(), RemoteEngine::Link::Up, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(!status.isEmpty(), 5000);
    // Let the service finish its first passes, then compare with its own document.
    QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                const QList<MappingStatus> m = engine->mappings();
                return m.size() == 2 && m[0].lastRun && m[1].lastRun
                        && m[0].state == MappingState::Idle && m[1].state == MappingState::Idle;
            }(),
            30000);
    QTest::qWait(600); // a poll or two after the last change
    const servetest::HttpResult direct = m_serve->get("/api/v1/status");
    QCOMPARE(direct.status, 200);
    QString error;
    const std::optional<statusjson::Document> doc =
            statusjson::decodeDocument(direct.json(), &error);
    QVERIFY2(doc, qPrintable(error));
    const QList<MappingStatus> remote = engine->mappings();
    QCOMPARE(remote.size(), doc->mappings.size());
    for (const MappingStatus &d : doc->mappings) {
        const MappingStatus *r = find(remote, d.name);
        QVERIFY2(r, qPrintable(d.name));
        // The same JSON both ways: nothing was lost or changed on the way.
        QCOMPARE(statusjson::encodeMapping(*r, statusjson::Detail::Full),
                 statusjson::encodeMapping(d, statusjson::Detail::Full));
    }
    QVERIFY(find(remote, u"order lines"_s)); // a name with a space
    // The link itself is the first connection, connected; the service's own follow.
    const QList<ConnectionStatus> connections = engine->connections();
    QCOMPARE(connections.size(), doc->connections.size() + 1);
    QCOMPARE(connections[0].name, RemoteEngine::serviceConnectionName());
    QCOMPARE(connections[0].state, ConnectionState::Connected);
    QCOMPARE(connections[0].description, urlOf(*m_serve).toString());
    QCOMPARE(connections[1].name, doc->connections[0].name);
}

void TestRemoteEngine::operationsAndDryRunsAnswer()
{
    auto engine = attach(*m_serve);
    QTRY_COMPARE_WITH_TIMEOUT(engine->mappings().size(), 2, 10000);
    QSignalSpy finished(engine.get(), &Engine::operationFinished);

    const quint64 sync = engine->request(u"order lines"_s, OperationKind::Sync);
    QVERIFY(sync != 0);
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 30000);
    QCOMPARE(finished[0][0].toULongLong(), sync);
    QCOMPARE(finished[0][1].toString(), u"order lines"_s);
    const auto syncResult = finished[0][2].value<OperationResult>();
    QVERIFY2(syncResult.ok(), qPrintable(syncResult.run.error));
    QCOMPARE(syncResult.run.kind, u"sync"_s);

    // An orphan in the mirror: a dry-run sweep counts it and deletes nothing.
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"mirror-orphan"_s);
        db.setDatabaseName(QDir(m_dir).filePath(u"mirror.db"_s));
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY2(q.exec(u"INSERT INTO orders (id, customer, total, status, note, updated_at) "
                        "VALUES (900001, 'ghost', 1, 'new', NULL, '2020-01-01 00:00:00')"_s),
                 qPrintable(q.lastError().text()));
        db.close();
    }
    QSqlDatabase::removeDatabase(u"mirror-orphan"_s);
    OperationOptions dry;
    dry.dryRun = true;
    const quint64 dryId = engine->request(u"orders"_s, OperationKind::Sweep, dry);
    QVERIFY(dryId != 0 && dryId != sync);
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 30000);
    QCOMPARE(finished[1][0].toULongLong(), dryId);
    const auto dryResult = finished[1][2].value<OperationResult>();
    QVERIFY2(dryResult.ok(), qPrintable(dryResult.run.error + dryResult.refusal));
    QCOMPARE(dryResult.wouldDelete, 1);
    QCOMPARE(dryResult.run.rowsDeleted, 0);

    // A backfill of part of the key range.
    OperationOptions part;
    part.keyFrom = {qint64(1)};
    part.keyTo = {qint64(10)};
    part.noGate = true;
    const quint64 backfill = engine->request(u"orders"_s, OperationKind::Backfill, part);
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 3, 30000);
    QCOMPARE(finished[2][0].toULongLong(), backfill);
    const auto backfillResult = finished[2][2].value<OperationResult>();
    QVERIFY2(backfillResult.ok(), qPrintable(backfillResult.run.error));
    QVERIFY2(backfillResult.run.note.contains(u"key range only: read 10 rows"_s),
             qPrintable(backfillResult.run.note));
}

void TestRemoteEngine::refusedSweepComesBackRefused()
{
    // Most of the mirror's rows are orphans: a sweep without force is refused with the reason,
    // as the embedded engine refuses it, and the window would ask to force.
    QTemporaryDir tmp;
    const QString dir = tmp.filePath(u"demo"_s);
    QString why;
    QVERIFY2(servetest::makeDemo(dir, m_home, 40, &why), qPrintable(why));
    ServeProcess serve({u"--project"_s, QDir(dir).filePath(u"tidemark.json"_s)}, m_home);
    QVERIFY2(serve.waitReady(), qPrintable(serve.output()));
    auto engine = attach(serve);
    QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                const MappingStatus *m = find(engine->mappings(), u"orders"_s);
                return m && m->lastRun && m->state == MappingState::Idle;
            }(),
            30000);
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"source-empty"_s);
        db.setDatabaseName(QDir(dir).filePath(u"source.db"_s));
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec(u"DELETE FROM orders"_s));
        db.close();
    }
    QSqlDatabase::removeDatabase(u"source-empty"_s);
    QSignalSpy finished(engine.get(), &Engine::operationFinished);
    const quint64 id = engine->request(u"orders"_s, OperationKind::Sweep);
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 30000);
    QCOMPARE(finished[0][0].toULongLong(), id);
    const auto r = finished[0][2].value<OperationResult>();
    QVERIFY2(r.refused(), qPrintable(r.run.result + u": "_s + r.run.error));
    QVERIFY2(!r.refusal.isEmpty(), "the refusal names its reason");
    serve.process().terminate();
    QVERIFY(serve.process().waitForFinished(15000));
}

void TestRemoteEngine::driftCheckExplainExportRepair()
{
    auto engine = attach(*m_serve);
    QTRY_COMPARE_WITH_TIMEOUT(engine->mappings().size(), 2, 10000);
    // A changed row the sync will not fix: the mirror's copy edited behind its back.
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"mirror-edit"_s);
        db.setDatabaseName(QDir(m_dir).filePath(u"mirror.db"_s));
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec(u"UPDATE orders SET customer = 'edited behind its back' WHERE id = 3"_s));
        QCOMPARE(q.numRowsAffected(), 1);
        db.close();
    }
    QSqlDatabase::removeDatabase(u"mirror-edit"_s);

    QSignalSpy checked(engine.get(), &Engine::driftChecked);
    const quint64 check = engine->checkDrift(u"orders"_s);
    QVERIFY(check != 0);
    QTRY_VERIFY_WITH_TIMEOUT(
            std::any_of(checked.cbegin(), checked.cend(),
                        [&](const QList<QVariant> &a) { return a[0].toULongLong() == check; }),
            60000);
    DriftCheckResult result;
    for (const QList<QVariant> &a : std::as_const(checked))
        if (a[0].toULongLong() == check)
            result = a[1].value<DriftCheckResult>();
    QVERIFY2(result.ok(), qPrintable(result.error));
    QCOMPARE(result.mapping, u"orders"_s);
    QVERIFY(result.summary.changed >= 1);
    QCOMPARE(result.rows.size(), qsizetype(result.summary.differences()));
    QVERIFY(!result.columns.isEmpty());
    const auto edited = std::find_if(result.rows.cbegin(), result.rows.cend(),
                                     [](const RowDifference &d) {
                                         return d.key == QVariantList{qint64(3)};
                                     });
    QVERIFY2(edited != result.rows.cend(), "the edited row is among the differences");
    QCOMPARE(edited->kind, DiffKind::Changed);
    QVERIFY(edited->columns.contains(u"customer"_s));
    QVERIFY(edited->mirror.contains(QVariant(u"edited behind its back"_s)));

    // The status document lists runs without their outcomes: every poller gets it, and a
    // check's rows would make it megabytes.
    const QJsonArray runs = m_serve->get("/api/v1/status").json().value(u"runs"_s).toArray();
    QVERIFY(!runs.isEmpty());
    for (const QJsonValue &run : runs)
        QVERIFY(!run.toObject().contains(u"outcome"_s));

    QSignalSpy explained(engine.get(), &Engine::driftExplained);
    const quint64 explain = engine->explainDriftKey(u"orders"_s, edited->key);
    QTRY_COMPARE_WITH_TIMEOUT(explained.size(), 1, 30000);
    QCOMPARE(explained[0][0].toULongLong(), explain);
    const auto why = explained[0][1].value<DriftExplainResult>();
    QVERIFY2(why.ok(), qPrintable(why.error));
    QVERIFY(!why.explanation.equal);
    QVERIFY(!why.text.isEmpty());

    QSignalSpy exported(engine.get(), &Engine::driftExported);
    const QString csv = m_tmp.filePath(u"drift.csv"_s);
    const quint64 exportId = engine->exportDrift(u"orders"_s, DriftExportFormat::Csv, csv);
    QTRY_COMPARE_WITH_TIMEOUT(exported.size(), 1, 30000);
    QCOMPARE(exported[0][0].toULongLong(), exportId);
    const auto written = exported[0][1].value<DriftExportResult>();
    QVERIFY2(written.error.isEmpty(), qPrintable(written.error));
    QFile file(csv);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY(file.readAll().contains("edited behind its back"));

    QSignalSpy repaired(engine.get(), &Engine::driftRepaired);
    DriftRepairOptions dryRepair;
    dryRepair.keys = {edited->key};
    const quint64 dryId = engine->repairDrift(u"orders"_s, dryRepair);
    QTRY_COMPARE_WITH_TIMEOUT(repaired.size(), 1, 30000);
    QCOMPARE(repaired[0][0].toULongLong(), dryId);
    const auto plan = repaired[0][1].value<DriftRepairResult>();
    QVERIFY2(plan.ok(), qPrintable(plan.error));
    QVERIFY(!plan.options.execute);
    QCOMPARE(plan.statements.size(), 1);
    QVERIFY(plan.statements[0].contains(u"UPDATE"_s, Qt::CaseInsensitive));

    DriftRepairOptions run = dryRepair;
    run.execute = true;
    const quint64 runId = engine->repairDrift(u"orders"_s, run);
    QTRY_COMPARE_WITH_TIMEOUT(repaired.size(), 2, 30000);
    QCOMPARE(repaired[1][0].toULongLong(), runId);
    const auto done = repaired[1][1].value<DriftRepairResult>();
    QVERIFY2(done.ok(), qPrintable(done.error));
    QCOMPARE(done.counts.updated, 1);
}

void TestRemoteEngine::pauseResumeAndReconnect()
{
    auto engine = attach(*m_serve);
    QTRY_COMPARE_WITH_TIMEOUT(engine->mappings().size(), 2, 10000);
    engine->setPaused(u"order lines"_s, true);
    QTRY_COMPARE_WITH_TIMEOUT(find(engine->mappings(), u"order lines"_s)->state,
                              MappingState::Paused, 10000);
    QVERIFY(find(engine->mappings(), u"orders"_s)->state != MappingState::Paused);
    engine->setPaused(QString(), true); // every mapping
    QTRY_COMPARE_WITH_TIMEOUT(find(engine->mappings(), u"orders"_s)->state, MappingState::Paused,
                              10000);
    engine->setPaused(QString(), false);
    QTRY_VERIFY_WITH_TIMEOUT(find(engine->mappings(), u"orders"_s)->state != MappingState::Paused
                                     && find(engine->mappings(), u"order lines"_s)->state
                                             != MappingState::Paused,
                             10000);
    // Reconnect asks the service; the link's own row asks the service for its status at once.
    const servetest::HttpResult before = m_serve->get("/api/v1/log?after=0&limit=1");
    QCOMPARE(before.status, 200);
    const QString connection = engine->connections().value(1).name;
    QVERIFY(!connection.isEmpty());
    engine->reconnect(connection);
    engine->reconnect(RemoteEngine::serviceConnectionName());
    QTest::qWait(500);
    QCOMPARE(engine->link(), RemoteEngine::Link::Up);
}

void TestRemoteEngine::unknownMappingAndStoppedEngineGiveZero()
{
    auto engine = attach(*m_serve);
    QTRY_COMPARE_WITH_TIMEOUT(engine->mappings().size(), 2, 10000);
    QCOMPARE(engine->request(u"no such mapping"_s, OperationKind::Sync), 0u);
    QCOMPARE(engine->checkDrift(u"no such mapping"_s), 0u);
    engine->stop();
    QCOMPARE(engine->request(u"orders"_s, OperationKind::Sync), 0u);
    engine->stop(); // idempotent
}

void TestRemoteEngine::serviceLogReachesTheLogBuffer()
{
    const std::shared_ptr<RingBufferSink> buffer = logRingBuffer();
    QVERIFY(buffer);
    const quint64 before = buffer->lastSequence();
    auto engine = attach(*m_serve);
    QTRY_COMPARE_WITH_TIMEOUT(engine->mappings().size(), 2, 10000);
    // A sync makes the service log; its lines arrive with the service's logger names.
    QSignalSpy finished(engine.get(), &Engine::operationFinished);
    engine->request(u"orders"_s, OperationKind::Sync);
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 30000);
    QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                const QList<LogEntry> entries = buffer->entriesSince(before);
                return std::any_of(entries.cbegin(), entries.cend(), [](const LogEntry &e) {
                    return e.logger.startsWith(u"sync"_s) && e.time.isValid();
                });
            }(),
            10000);
}

void TestRemoteEngine::wrongTokenIsShownNotRetriedQuietly()
{
    auto engine = attach(*m_serve, u"not-the-token"_s);
    QSignalSpy link(engine.get(), &RemoteEngine::linkChanged);
    QTRY_COMPARE_WITH_TIMEOUT(engine->link(), RemoteEngine::Link::Unauthorized, 10000);
    QVERIFY(engine->linkError().contains(u"token"_s));
    QVERIFY(engine->mappings().isEmpty());
    const QList<ConnectionStatus> connections = engine->connections();
    QCOMPARE(connections.size(), 1);
    QCOMPARE(connections[0].state, ConnectionState::Disconnected);
    QVERIFY(!connections[0].lastError.isEmpty());
    QCOMPARE(engine->request(u"orders"_s, OperationKind::Sync), 0u);
    // Not asked again and again: each try would count as an authentication failure.
    auto authFailures = [this] {
        static const QRegularExpression re(u"^tidemark_auth_failures_total (\\d+)"_s,
                                           QRegularExpression::MultilineOption);
        return re.match(QString::fromUtf8(m_serve->get("/metrics").body)).captured(1).toInt();
    };
    const int failures = authFailures();
    QVERIFY(failures >= 1);
    QTest::qWait(1500); // polling every 100 ms, backing off to 400 ms
    QCOMPARE(authFailures(), failures);
    // Reconnect on the link's row asks once more.
    engine->reconnect(RemoteEngine::serviceConnectionName());
    QTRY_COMPARE_WITH_TIMEOUT(authFailures(), failures + 1, 5000);
}

void TestRemoteEngine::serviceGoneShowsWaitingWithTheReason()
{
    QTemporaryDir tmp;
    const QString dir = tmp.filePath(u"demo"_s);
    QString why;
    QVERIFY2(servetest::makeDemo(dir, m_home, 20, &why), qPrintable(why));
    ServeProcess serve({u"--project"_s, QDir(dir).filePath(u"tidemark.json"_s)}, m_home);
    QVERIFY2(serve.waitReady(), qPrintable(serve.output()));
    auto engine = attach(serve);
    QTRY_COMPARE_WITH_TIMEOUT(engine->mappings().size(), 2, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(find(engine->mappings(), u"orders"_s)->lastRun.has_value(), 30000);

    QSignalSpy status(engine.get(), &Engine::statusChanged);
    serve.process().kill();
    QVERIFY(serve.process().waitForFinished(5000));
    QTRY_COMPARE_WITH_TIMEOUT(engine->link(), RemoteEngine::Link::Down, 10000);
    QVERIFY(!status.isEmpty());
    const auto shown = status.last()[0].value<QList<MappingStatus>>();
    QCOMPARE(shown.size(), 2);
    for (const MappingStatus &m : shown) {
        QCOMPARE(m.state, MappingState::Waiting);
        QVERIFY2(m.lastError.contains(u"does not answer"_s), qPrintable(m.lastError));
        QVERIFY(m.lastRun.has_value()); // what the service said last stays
    }
    QCOMPARE(engine->connections()[0].state, ConnectionState::Reconnecting);
    // A request while it is down ends at once with the reason, not silently.
    QSignalSpy finished(engine.get(), &Engine::operationFinished);
    const quint64 id = engine->request(u"orders"_s, OperationKind::Sync);
    QVERIFY(id != 0);
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 20000);
    const auto r = finished[0][2].value<OperationResult>();
    QCOMPARE(r.run.result, u"error"_s);
    QVERIFY2(r.run.error.contains(u"did not take the request"_s), qPrintable(r.run.error));
}

QTEST_GUILESS_MAIN(TestRemoteEngine)
#include "tst_remoteengine.moc"
