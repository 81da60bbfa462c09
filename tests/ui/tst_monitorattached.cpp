// The monitor attached to a real `tidemark-cli serve`: the same window, models and actions as
// with the embedded engine, over the remote one. A sweep's pre-flight, its confirmation and the
// real run all go through the service; File > Attach to service warns about plain http.

#include "../service/servetestsupport.h"

#include "api/remoteengine.h"
#include "connectionsmodel.h"
#include "mainwindow.h"
#include "mappingdetail.h"
#include "mappingsmodel.h"
#include "serviceattach.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QMainWindow>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStatusBar>
#include <QTableView>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace tidemark;

namespace {

class TestWindow : public MainWindow
{
public:
    using MainWindow::MainWindow;
    void confirmOperation(const Preflight &preflight) override
    {
        preflights.append(preflight);
        runConfirmed(preflight);
    }
    void askToForce(const ForcedRetry &retry) override { refusals.append(retry.reason); }
    QList<Preflight> preflights;
    QStringList refusals;
};

class TestAttachActions : public ServiceAttachActions
{
public:
    using ServiceAttachActions::ServiceAttachActions;
    QStringList problems;

protected:
    std::optional<ServiceAttachment> askForService() override { return std::nullopt; }
    void showProblem(const QString &text) override { problems.append(text); }
};

int rowOf(const MappingsModel &model, const QString &name)
{
    for (int row = 0; row < model.rowCount(); ++row)
        if (model.index(row, 0).data().toString() == name)
            return row;
    return -1;
}

} // namespace

class TestMonitorAttached : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void windowShowsTheServicesMappingsAndLink();
    void sweepPreflightConfirmAndRunThroughTheService();
    void attachDialogWarnsAboutPlainHttp();
    void attachWithoutATokenSaysSo();

private:
    QTemporaryDir m_tmp;
    QString m_home;
    QString m_dir;
    std::unique_ptr<servetest::ServeProcess> m_serve;
};

void TestMonitorAttached::initTestCase()
{
    QVERIFY2(!clitest::cliPath().isEmpty(), "TIDEMARK_CLI is not set (run through ctest)");
    QVERIFY(m_tmp.isValid());
    m_home = m_tmp.filePath(u"home"_s);
    m_dir = m_tmp.filePath(u"demo"_s);
    QVERIFY(QDir().mkpath(m_home));
    QString why;
    QVERIFY2(servetest::makeDemo(m_dir, m_home, 100, &why), qPrintable(why));
    QVERIFY(servetest::quietSchedules(m_dir));
    m_serve = std::make_unique<servetest::ServeProcess>(
            QStringList{u"--project"_s, QDir(m_dir).filePath(u"tidemark.json"_s)}, m_home);
    QVERIFY2(m_serve->waitReady(), qPrintable(m_serve->output()));
}

void TestMonitorAttached::cleanupTestCase()
{
    if (!m_serve)
        return;
    m_serve->process().terminate();
    QVERIFY2(m_serve->process().waitForFinished(15000), qPrintable(m_serve->output()));
}

void TestMonitorAttached::windowShowsTheServicesMappingsAndLink()
{
    RemoteEngine::Options options;
    options.pollIntervalMs = 100;
    RemoteEngine engine(QUrl(u"http://127.0.0.1:%1"_s.arg(m_serve->port())),
                        QString::fromUtf8(m_serve->token()), options);
    TestWindow window(nullptr);
    TestAttachActions attach(&window, nullptr);
    engine.start();
    window.setEngine(&engine);
    attach.setEngine(&engine);
    window.show();

    QTRY_COMPARE_WITH_TIMEOUT(window.mappingsModel()->rowCount(), 2, 10000);
    QVERIFY(rowOf(*window.mappingsModel(), u"order lines"_s) >= 0);
    // The connections dock lists the link first, then the service's connections.
    QTRY_VERIFY_WITH_TIMEOUT(window.connectionsModel()->rowCount() >= 3, 10000);
    QCOMPARE(window.connectionsModel()->index(0, 0).data().toString(),
             RemoteEngine::serviceConnectionName());
    // The status bar names the service.
    QTRY_COMPARE_WITH_TIMEOUT(attach.linkLabel()->text(),
                              u"Service 127.0.0.1:%1"_s.arg(m_serve->port()), 10000);
    QVERIFY(attach.linkLabel()->isVisible());
    // The detail pane shows the selected mapping as the service reports it.
    window.selectMapping(u"orders"_s);
    QTRY_VERIFY_WITH_TIMEOUT(window.detailPane()->isEnabled(), 5000);
    window.setEngine(nullptr);
    attach.setEngine(nullptr);
    QVERIFY(!attach.linkLabel()->isVisible());
}

void TestMonitorAttached::sweepPreflightConfirmAndRunThroughTheService()
{
    RemoteEngine::Options options;
    options.pollIntervalMs = 100;
    RemoteEngine engine(QUrl(u"http://127.0.0.1:%1"_s.arg(m_serve->port())),
                        QString::fromUtf8(m_serve->token()), options);
    TestWindow window(nullptr);
    engine.start();
    window.setEngine(&engine);
    QTRY_COMPARE_WITH_TIMEOUT(window.mappingsModel()->rowCount(), 2, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                for (const MappingStatus &m : engine.mappings())
                    if (m.name == u"orders" && m.lastRun && m.state == MappingState::Idle)
                        return true;
                return false;
            }(),
            30000);
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"orphans"_s);
        db.setDatabaseName(QDir(m_dir).filePath(u"mirror.db"_s));
        QVERIFY(db.open());
        QSqlQuery q(db);
        for (int id : {800001, 800002})
            QVERIFY2(q.exec(u"INSERT INTO orders (id, customer, total, status, note, updated_at) "
                            "VALUES (%1, 'ghost', 1, 'new', NULL, '2020-01-01 00:00:00')"_s.arg(id)),
                     qPrintable(q.lastError().text()));
        db.close();
    }
    QSqlDatabase::removeDatabase(u"orphans"_s);

    QSignalSpy finished(&engine, &Engine::operationFinished);
    window.selectMapping(u"orders"_s);
    QVERIFY(window.sweepAction()->isEnabled());
    window.sweepAction()->trigger();
    // The dry run comes back through the service; the window asks (here: answers yes at once)
    // and the real sweep runs.
    QTRY_COMPARE_WITH_TIMEOUT(window.preflights.size(), 1, 30000);
    QCOMPARE(window.preflights[0].mapping, u"orders"_s);
    QCOMPARE(window.preflights[0].kind, OperationKind::Sweep);
    QCOMPARE(window.preflights[0].rowsToDelete, 2);
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 30000);
    const auto real = finished[1][2].value<OperationResult>();
    QVERIFY2(real.ok(), qPrintable(real.run.error + real.refusal));
    QCOMPARE(real.run.rowsDeleted, 2);
    QVERIFY(window.refusals.isEmpty());
    window.setEngine(nullptr);
}

void TestMonitorAttached::attachDialogWarnsAboutPlainHttp()
{
    ServiceAttachDialog dialog({});
    dialog.urlField()->setEditText(u"http://10.20.30.40:8457"_s);
    QVERIFY(!dialog.warningLabel()->isHidden());
    QVERIFY(dialog.attachment().has_value());
    dialog.urlField()->setEditText(u"https://10.20.30.40:8457"_s);
    QVERIFY(dialog.warningLabel()->isHidden());
    dialog.urlField()->setEditText(u"http://127.0.0.1:8457"_s);
    QVERIFY(dialog.warningLabel()->isHidden());
    dialog.urlField()->setEditText(u"ftp://somewhere"_s);
    QVERIFY(!dialog.attachment().has_value());
    QVERIFY(!dialog.problemLabel()->isHidden());
    QVERIFY(dialog.problemLabel()->text().contains(u"http or https"_s));

    // Attached over plain http to another host, the status bar says so for as long as it lasts.
    RemoteEngine engine(QUrl(u"http://10.20.30.40:1"_s), u"t"_s);
    QMainWindow window;
    TestAttachActions attach(&window, nullptr);
    attach.setEngine(&engine);
    QVERIFY(ServiceAttachActions::linkText(engine).contains(u"Unencrypted"_s));
    QVERIFY(attach.linkLabel()->toolTip().contains(u"--tls-cert"_s));
}

void TestMonitorAttached::attachWithoutATokenSaysSo()
{
    QMainWindow window;
    TestAttachActions attach(&window, nullptr);
    QSignalSpy requested(&attach, &ServiceAttachActions::attachRequested);
    attach.attach(ServiceAttachment{QUrl(u"http://127.0.0.1:9"_s), QString(), false});
    QCOMPARE(requested.size(), 0);
    QCOMPARE(attach.problems.size(), 1);
    QVERIFY(attach.problems[0].contains(u"token"_s));
    attach.attach(ServiceAttachment{QUrl(u"http://127.0.0.1:9"_s), u"abc"_s, false});
    QCOMPARE(requested.size(), 1);
    QCOMPARE(requested[0][1].toString(), u"abc"_s);
}

QTEST_MAIN(TestMonitorAttached)
#include "tst_monitorattached.moc"
