// The connections panel: states in words and colour, the countdown to the next attempt, the
// last error, and Reconnect now reaching the engine for the selected connection.

#include "connectionsmodel.h"
#include "connectionspanel.h"
#include "fakeengine.h"
#include "mainwindow.h"

#include <QAbstractItemModelTester>
#include <QColor>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace tidemark;
using tidemark::test::FakeEngine;
using tidemark::test::makeConnection;

class TestConnectionsModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void modelTesterAcrossSnapshots();
    void stateIsWordsAndColour_data();
    void stateIsWordsAndColour();
    void countdownToNextAttempt();
    void onlyChangedRowsSignal();
    void reconnectNowReachesTheEngine();
};

namespace {
const QDateTime Now = QDateTime::fromString(u"2026-01-01T10:00:00Z"_s, Qt::ISODate);

QString cell(const ConnectionsModel &model, int row, int column, int role = Qt::DisplayRole)
{
    return model.index(row, column).data(role).toString();
}
} // namespace

void TestConnectionsModel::modelTesterAcrossSnapshots()
{
    ConnectionsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setConnections({makeConnection(u"src"_s), makeConnection(u"pg"_s)});
    QCOMPARE(model.rowCount(), 2);
    QList<ConnectionStatus> changed = model.connections();
    changed[1].state = ConnectionState::Reconnecting;
    changed[1].lastError = u"connection refused"_s;
    model.setConnections(changed);
    model.refreshCountdowns();
    model.setConnections({makeConnection(u"other"_s)});
    QCOMPARE(model.rowCount(), 1);
    model.clear();
    QCOMPARE(model.rowCount(), 0);
}

void TestConnectionsModel::stateIsWordsAndColour_data()
{
    QTest::addColumn<int>("state");
    QTest::addColumn<int>("attempts");
    QTest::addColumn<QString>("text");
    QTest::newRow("never") << int(ConnectionState::NeverConnected) << 0 << u"Never connected"_s;
    QTest::newRow("connected") << int(ConnectionState::Connected) << 0 << u"Connected"_s;
    QTest::newRow("disconnected") << int(ConnectionState::Disconnected) << 2
                                  << u"Disconnected (2 failed attempts)"_s;
    QTest::newRow("reconnecting") << int(ConnectionState::Reconnecting) << 2
                                  << u"Reconnecting (attempt 3)"_s;
}

void TestConnectionsModel::stateIsWordsAndColour()
{
    QFETCH(int, state);
    QFETCH(int, attempts);
    QFETCH(QString, text);
    ConnectionStatus c = makeConnection(u"pg"_s, ConnectionState(state));
    c.attempts = attempts;
    ConnectionsModel model;
    model.setConnections({c});
    QCOMPARE(cell(model, 0, ConnectionsModel::StateColumn), text);
    const QVariant swatch =
            model.index(0, ConnectionsModel::StateColumn).data(Qt::DecorationRole);
    QVERIFY(swatch.canConvert<QColor>());
    QCOMPARE(swatch.value<QColor>(), ConnectionsModel::stateColor(ConnectionState(state)));
    // Every state has its own colour.
    QSet<QRgb> colours;
    for (auto s : {ConnectionState::NeverConnected, ConnectionState::Connected,
                   ConnectionState::Disconnected, ConnectionState::Reconnecting})
        colours.insert(ConnectionsModel::stateColor(s).rgb());
    QCOMPARE(colours.size(), 4);
}

void TestConnectionsModel::countdownToNextAttempt()
{
    ConnectionStatus c = makeConnection(u"pg"_s, ConnectionState::Reconnecting);
    c.since = Now.addSecs(-95);
    c.nextAttemptAt = Now.addSecs(12);
    c.lastError = u"could not connect to server: Connection refused"_s;
    c.lastErrorAt = Now.addSecs(-3);
    ConnectionsModel model;
    model.setNow(Now);
    model.setConnections({c});
    QCOMPARE(cell(model, 0, ConnectionsModel::NextAttemptColumn), u"in 12 s"_s);
    QCOMPARE(cell(model, 0, ConnectionsModel::SinceColumn), u"1 min"_s);
    QVERIFY(cell(model, 0, ConnectionsModel::LastErrorColumn).startsWith(c.lastError));

    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.setNow(Now.addSecs(5));
    model.refreshCountdowns();
    QCOMPARE(changed.count(), 1);
    QCOMPARE(cell(model, 0, ConnectionsModel::NextAttemptColumn), u"in 7 s"_s);
    model.setNow(Now.addSecs(20));
    QCOMPARE(cell(model, 0, ConnectionsModel::NextAttemptColumn), u"now"_s);

    // A connected connection has no next attempt to show.
    c.state = ConnectionState::Connected;
    model.setConnections({c});
    QVERIFY(cell(model, 0, ConnectionsModel::NextAttemptColumn).isEmpty());
}

void TestConnectionsModel::onlyChangedRowsSignal()
{
    ConnectionsModel model;
    model.setNow(Now);
    QList<ConnectionStatus> list{makeConnection(u"a"_s), makeConnection(u"b"_s)};
    model.setConnections(list);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    model.setConnections(list);
    QCOMPARE(changed.count(), 0);
    list[1].state = ConnectionState::Disconnected;
    model.setConnections(list);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(changed.at(0).at(0).toModelIndex().row(), 1);
    QCOMPARE(reset.count(), 0);
}

void TestConnectionsModel::reconnectNowReachesTheEngine()
{
    FakeEngine engine;
    engine.publishConnections({makeConnection(u"src"_s),
                               makeConnection(u"pg"_s, ConnectionState::Reconnecting)});
    MainWindow window(&engine);
    ConnectionsPanel *panel = window.connectionsPanel();
    QCOMPARE(window.connectionsModel()->rowCount(), 2);

    // Nothing selected: every connection that is down.
    QVERIFY(panel->reconnectButton()->isEnabled());
    QTest::mouseClick(panel->reconnectButton(), Qt::LeftButton);
    QCOMPARE(engine.reconnects, QStringList{QString()});

    panel->selectConnection(u"pg"_s);
    QCOMPARE(panel->selectedConnection(), u"pg"_s);
    QVERIFY(panel->reconnectButton()->text().contains(u"pg"_s));
    QTest::mouseClick(panel->reconnectButton(), Qt::LeftButton);
    QCOMPARE(engine.reconnects.last(), u"pg"_s);
    QVERIFY(!panel->reconnectButton()->accessibleName().isEmpty());
    QVERIFY(!panel->tableView()->accessibleName().isEmpty());
}

QTEST_MAIN(TestConnectionsModel)
#include "tst_connectionsmodel.moc"
