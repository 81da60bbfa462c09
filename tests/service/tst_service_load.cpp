// The service under load while the demo's writer writes: a load generator (a thread of this
// process, which is not the service's) keeps 200 requests in flight until it has sent 8000
// status requests and 40 actions. Every request must be answered (200, 304 or 202, never a
// dropped connection), and the sync must keep its schedule: the lag of "orders" and the
// number of its scheduled passes are measured in a quiet window and in the loaded one, and
// compared. The numbers are printed (QDEBUG) for the README.

#include "servetestsupport.h"

#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <atomic>

using namespace servetest;
using namespace Qt::StringLiterals;

namespace {

// Runs in a thread of its own with its own event loop: asynchronous sockets, `concurrency`
// requests in flight at any time.
class LoadGenerator : public QObject
{
public:
    LoadGenerator(quint16 port, QByteArray token, int statusRequests, int actions, int concurrency)
        : m_port(port)
        , m_token(std::move(token))
        , m_statusLeft(statusRequests)
        , m_actionsLeft(actions)
        , m_total(statusRequests + actions)
        , m_concurrency(concurrency)
    {
    }

    void start()
    {
        m_started.start();
        for (int i = 0; i < m_concurrency; ++i)
            next();
    }

    std::atomic<bool> done{false};
    QMap<int, int> byStatus; // read after `done`
    int failures = 0;
    qint64 elapsedMs = 0;
    qint64 slowestMs = 0;
    int slowerThan1s = 0;

private:
    void next()
    {
        if (m_statusLeft == 0 && m_actionsLeft == 0)
            return;
        QByteArray request;
        // One action in every ~75 requests, spread over the run.
        const bool action = m_actionsLeft > 0
                && (m_statusLeft == 0
                    || (m_sent % (m_total / std::max(1, m_actionsLeft + 1))) == 0);
        if (action) {
            --m_actionsLeft;
            // Never "orders/sync": its passes in the loaded window must be the schedule's
            // alone, or requested passes would hide a late schedule.
            static const QList<QByteArray> paths = {"/api/v1/mappings/order%20lines/sync",
                                                    "/api/v1/mappings/order%20lines/diff",
                                                    "/api/v1/mappings/orders/diff"};
            request = requestBytes("POST", paths.at(m_sent % paths.size()), m_token, "{}",
                                   {"Connection: close"});
        } else {
            --m_statusLeft;
            request = requestBytes("GET", "/api/v1/status", m_token, {}, {"Connection: close"});
        }
        ++m_sent;
        auto *socket = new QTcpSocket(this);
        auto *buffer = new QByteArray;
        auto *timer = new QElapsedTimer;
        timer->start();
        connect(socket, &QTcpSocket::connected, socket,
                [socket, request] { socket->write(request); });
        connect(socket, &QTcpSocket::readyRead, socket,
                [socket, buffer] { *buffer += socket->readAll(); });
        connect(socket, &QTcpSocket::disconnected, this, [this, socket, buffer, timer] {
            *buffer += socket->readAll();
            finish(socket, buffer, timer);
        });
        connect(socket, &QTcpSocket::errorOccurred, this,
                [this, socket, buffer, timer](QAbstractSocket::SocketError e) {
                    if (e != QAbstractSocket::RemoteHostClosedError)
                        finish(socket, buffer, timer);
                });
        socket->connectToHost(QHostAddress::LocalHost, m_port);
    }

    void finish(QTcpSocket *socket, QByteArray *buffer, QElapsedTimer *timer)
    {
        if (socket->property("finished").toBool())
            return;
        socket->setProperty("finished", true);
        const int status = buffer->startsWith("HTTP/1.1 ") ? buffer->mid(9, 3).toInt() : 0;
        if (status == 0)
            ++failures;
        ++byStatus[status];
        slowestMs = std::max(slowestMs, timer->elapsed());
        if (timer->elapsed() > 1000)
            ++slowerThan1s;
        delete buffer;
        delete timer;
        socket->deleteLater();
        ++m_answered;
        if (m_answered == m_total) {
            elapsedMs = m_started.elapsed();
            done = true;
            return;
        }
        next();
    }

    quint16 m_port;
    QByteArray m_token;
    int m_statusLeft;
    int m_actionsLeft;
    int m_total;
    int m_concurrency;
    int m_sent = 0;
    int m_answered = 0;
    QElapsedTimer m_started;
};

struct Window
{
    QList<double> lags;
    QSet<QString> syncs; // finished_at of "orders" sync runs seen
    double meanLag() const
    {
        double sum = 0;
        for (double l : lags)
            sum += l;
        return lags.isEmpty() ? 0 : sum / double(lags.size());
    }
    double maxLag() const
    {
        return lags.isEmpty() ? 0 : *std::max_element(lags.begin(), lags.end());
    }
};

// Samples the lag of "orders" every 250 ms until `until` says stop.
Window sample(ServeProcess &serve, const std::function<bool(qint64)> &until)
{
    Window w;
    QElapsedTimer t;
    t.start();
    // Only passes that finish inside the window count (the history also lists older ones).
    const QString from = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
    while (!until(t.elapsed())) {
        const HttpResult r = serve.get("/api/v1/status");
        for (const QJsonValue &v : r.json().value(u"mappings"_s).toArray()) {
            const QJsonObject m = v.toObject();
            if (m.value(u"name"_s).toString() != u"orders")
                continue;
            if (m.value(u"lag"_s).isDouble())
                w.lags << m.value(u"lag"_s).toDouble();
            for (const QJsonValue &h : m.value(u"history"_s).toArray())
                if (h.toObject().value(u"kind"_s).toString() == u"sync"
                    && h.toObject().value(u"finished_at"_s).toString() > from)
                    w.syncs.insert(h.toObject().value(u"finished_at"_s).toString());
        }
        QThread::msleep(250);
    }
    return w;
}

} // namespace

class TestServiceLoad : public QObject
{
    Q_OBJECT
private slots:
    void answersEverythingAndKeepsTheSchedule();
};

void TestServiceLoad::answersEverythingAndKeepsTheSchedule()
{
    // About 10 s of load on two shared cores: the loaded window is as long as the quiet one.
    constexpr int kStatusRequests = 8000;
    constexpr int kActions = 40;
    QTemporaryDir tmp;
    const QString home = tmp.filePath(u"home"_s);
    const QString dir = tmp.filePath(u"demo"_s);
    QVERIFY(QDir().mkpath(home));
    QString why;
    QVERIFY2(makeDemo(dir, home, 2000, &why), qPrintable(why));
    const QString project = QDir(dir).filePath(u"tidemark.json"_s);
    const clitest::CliResult backfill =
            clitest::runCli({u"backfill"_s, u"--project"_s, project}, home);
    QVERIFY2(backfill.exitCode == 0, backfill.describe().constData());

    auto writer = startCli({u"demo"_s, u"--dir"_s, dir, u"--write"_s, u"--rate"_s, u"100"_s}, home);
    QVERIFY(writer->waitForStarted(10000));
    ServeProcess serve({u"--project"_s, project}, home);
    QVERIFY2(serve.waitReady(), qPrintable(serve.output()));
    QTest::qWait(3000); // the first passes, and the writer's first writes

    const Window quiet = sample(serve, [](qint64 ms) { return ms > 10000; });

    LoadGenerator load(serve.port(), serve.token(), kStatusRequests, kActions, 200);
    QThread thread;
    thread.setObjectName(u"load"_s);
    load.moveToThread(&thread);
    thread.start();
    QMetaObject::invokeMethod(&load, [&load] { load.start(); });
    QElapsedTimer loaded;
    loaded.start();
    const Window busy = sample(
            serve, [&](qint64 ms) { return (load.done.load() && ms > 10000) || ms > 60000; });
    const qint64 busyMs = loaded.elapsed();
    QMetaObject::invokeMethod(
            &load, [&load] { load.moveToThread(QCoreApplication::instance()->thread()); },
            Qt::BlockingQueuedConnection);
    thread.quit();
    thread.wait();

    QVERIFY2(load.done.load(), "the load did not finish within 60 s");
    QString statuses;
    for (auto it = load.byStatus.cbegin(); it != load.byStatus.cend(); ++it)
        statuses += u" %1:%2"_s.arg(it.key()).arg(it.value());
    const double ratio = quiet.meanLag() > 0 ? busy.meanLag() / quiet.meanLag() : 0;
    const QString report =
            u"load: %1 requests in %2 ms (slowest answer %3 ms, %14 over 1 s), statuses%4; lag of "
            u"orders: "
            "quiet mean %5 s (max %6 s, %7 syncs in %8 s), loaded mean %9 s (max %10 s, %11 "
            "syncs in %12 s), ratio %13"_s.arg(kStatusRequests + kActions)
                    .arg(load.elapsedMs)
                    .arg(load.slowestMs)
                    .arg(statuses)
                    .arg(quiet.meanLag(), 0, 'f', 2)
                    .arg(quiet.maxLag(), 0, 'f', 2)
                    .arg(quiet.syncs.size())
                    .arg(10)
                    .arg(busy.meanLag(), 0, 'f', 2)
                    .arg(busy.maxLag(), 0, 'f', 2)
                    .arg(busy.syncs.size())
                    .arg(busyMs / 1000)
                    .arg(ratio, 0, 'f', 2)
                    .arg(load.slowerThan1s);
    qInfo().noquote() << report;

    QVERIFY2(load.failures == 0, qPrintable(report));
    for (auto it = load.byStatus.cbegin(); it != load.byStatus.cend(); ++it)
        QVERIFY2(it.key() == 200 || it.key() == 202, qPrintable(report));
    QCOMPARE(load.byStatus.value(200) + load.byStatus.value(202), kStatusRequests + kActions);
    QCOMPARE(load.byStatus.value(202), kActions);
    // The schedule held: "orders" runs every 2 s, so a 10 s window sees about 5 passes; the
    // loaded window (at least as long) must see no fewer than the quiet one less one, and
    // its lag may not grow beyond noise (twice the quiet mean plus one interval).
    QVERIFY2(quiet.syncs.size() >= 3, qPrintable(report));
    // Requests of others do not count: "orders" is never asked to sync by the load.
    QVERIFY2(busy.syncs.size() >= quiet.syncs.size() - 1, qPrintable(report));
    QVERIFY2(busy.meanLag() <= 2 * quiet.meanLag() + 2.0, qPrintable(report));
    QCOMPARE(serve.process().state(), QProcess::Running);

    serve.process().terminate();
    QVERIFY(serve.process().waitForFinished(15000));
    QCOMPARE(serve.process().exitCode(), 0);
    writer->terminate();
    QVERIFY(writer->waitForFinished(10000));
}

QTEST_GUILESS_MAIN(TestServiceLoad)
#include "tst_service_load.moc"
