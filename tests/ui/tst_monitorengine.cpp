// The monitor on the real EmbeddedEngine over SQLite: snapshots reach the table, and a sweep the
// engine refuses (the source table is empty) comes back to the window as a question whose
// "yes" is a second, forced request. Nothing on the GUI thread waits for the engine, and the
// engine never waits for the dialog.

#include "api/embeddedengine.h"
#include "mainwindow.h"
#include "mappingsmodel.h"
#include "project/projectloader.h"

#include <QFile>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>

#include <functional>
#include <QElapsedTimer>

#include <memory>

using namespace Qt::StringLiterals;
using namespace tidemark;

namespace {

class AnsweringWindow : public MainWindow
{
public:
    using MainWindow::MainWindow;
    void askToForce(const ForcedRetry &retry) override
    {
        reasons.append(retry.reason);
        if (onQuestion)
            onQuestion();
        retryForced(retry);
    }
    void confirmOperation(const Preflight &preflight) override
    {
        preflights.append(preflight);
        if (onPreflight)
            onPreflight();
        runConfirmed(preflight);
    }
    std::function<void()> onPreflight;
    std::function<void()> onQuestion;
    QStringList reasons;
    QList<Preflight> preflights;
};

// Runs `statements` on the SQLite file at `path` through a connection of its own.
bool execAll(const QString &path, const QStringList &statements)
{
    const QString name = u"tst_monitorengine:"_s + path;
    bool ok = true;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, name);
        db.setDatabaseName(path);
        ok = db.open();
        for (const QString &sql : statements) {
            QSqlQuery q(db);
            if (!ok || !q.exec(sql)) {
                qWarning() << sql << q.lastError().text();
                ok = false;
            }
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return ok;
}

qint64 countRows(const QString &path, const QString &table)
{
    const QString name = u"tst_monitorengine:count"_s;
    qint64 count = -1;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, name);
        db.setDatabaseName(path);
        if (db.open()) {
            QSqlQuery q(db);
            if (q.exec(u"SELECT COUNT(*) FROM "_s + table) && q.next())
                count = q.value(0).toLongLong();
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return count;
}

} // namespace

class TestMonitorEngine : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void refusedSweepIsConfirmedAndForced();
};

void TestMonitorEngine::refusedSweepIsConfirmedAndForced()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString source = dir.filePath(u"source.db"_s);
    const QString mirror = dir.filePath(u"mirror.db"_s);
    const QString schema =
            u"CREATE TABLE orders (id INTEGER PRIMARY KEY, name TEXT, updated_at TEXT)"_s;
    QVERIFY(execAll(source, {schema}));
    QVERIFY(execAll(mirror, {schema,
                             u"INSERT INTO orders VALUES (1, 'a', '2026-01-01 00:00:00')"_s,
                             u"INSERT INTO orders VALUES (2, 'b', '2026-01-01 00:00:01')"_s,
                             u"INSERT INTO orders VALUES (3, 'c', '2026-01-01 00:00:02')"_s}));

    const QString projectPath = dir.filePath(u"tidemark.json"_s);
    QFile file(projectPath);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(R"({
      "tidemark": 1,
      "connections": {
        "src":    { "driver": "sqlite", "database": "source.db" },
        "mirror": { "driver": "sqlite", "database": "mirror.db" }
      },
      "mappings": [ {
        "name": "orders",
        "source": { "connection": "src", "table": "orders" },
        "mirror": { "connection": "mirror", "table": "orders" },
        "cursor": { "column": "updated_at" },
        "deletes": "sweep"
      } ]
    })");
    file.close();

    ProjectLoadResult loaded = ProjectLoader::loadFile(projectPath);
    QVERIFY2(loaded.ok(), loaded.errors.isEmpty() ? "" : qPrintable(loaded.errors.first().toString()));

    EngineOptions options;
    options.schedule = false;   // only what the window asks for runs
    options.snapshotIntervalMs = 50;
    auto engine = std::make_unique<EmbeddedEngine>(std::move(*loaded.project), options);
    AnsweringWindow window(engine.get());
    engine->start();

    QTRY_COMPARE_WITH_TIMEOUT(window.mappingsModel()->rowCount(), 1, 10000);
    // As an operator would: once the table shows the mapping measured (connected).
    QTRY_COMPARE_WITH_TIMEOUT(window.mappingsModel()->mapping(u"orders"_s)->mirrorRows, 3, 20000);
    // Counted when the question is asked, before the answer sends the real sweep.
    qint64 rowsAtQuestion = -1;
    window.onQuestion = [&] { rowsAtQuestion = countRows(mirror, u"orders"_s); };
    window.selectMapping(u"orders"_s);
    QVERIFY(window.sweepAction()->isEnabled());
    window.sweepAction()->trigger();

    // The dry run already knows the engine would refuse (the source is empty): one question
    // that says why and how many rows, not a confirmation followed by a refusal.
    QTRY_COMPARE_WITH_TIMEOUT(window.reasons.size(), 1, 20000);
    QVERIFY2(window.reasons.first().contains(u"empty"_s), qPrintable(window.reasons.first()));
    QVERIFY2(window.reasons.first().contains(u"3"_s), qPrintable(window.reasons.first()));
    QCOMPARE(rowsAtQuestion, 3);   // a dry run deletes nothing
    QVERIFY(window.preflights.isEmpty());

    // The forced sweep removes the three mirror rows whose keys the source does not have.
    QTRY_COMPARE_WITH_TIMEOUT(countRows(mirror, u"orders"_s), 0, 20000);
    QTRY_VERIFY_WITH_TIMEOUT(window.statusBar()->currentMessage().contains(u"sweep done"_s),
                             20000);
    QCOMPARE(window.reasons.size(), 1);   // the forced one was not refused again

    QElapsedTimer stopping;
    stopping.start();
    window.setEngine(nullptr);
    engine->stop();
    QVERIFY2(stopping.elapsed() < 5000, qPrintable(QString::number(stopping.elapsed())));
}

QTEST_MAIN(TestMonitorEngine)
#include "tst_monitorengine.moc"
