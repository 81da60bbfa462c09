// The tray's colour follows the worst state; notifications come when a mapping enters error
// and when a connection has been lost longer than the threshold, once per outage.

#include "fakeengine.h"
#include "traystatus.h"

#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace tidemark;
using tidemark::test::makeConnection;
using tidemark::test::makeStatus;

class TestTrayStatus : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void levelFollowsTheWorstState();
    void notifiesWhenAMappingEntersError();
    void notifiesOnceForALongOutage();
    void iconsDifferByLevel();
    void amberForDriftNothingScheduledFixes();
};

void TestTrayStatus::amberForDriftNothingScheduledFixes()
{
    TrayStatus tray;
    MappingStatus s = makeStatus(u"a"_s);
    // Differences the next sync or sweep fixes (backlog, orphan) are routine: still ok.
    DriftSummary routine;
    routine.checkedAt = QDateTime::currentDateTimeUtc();
    routine.missing = 2;
    routine.extra = 1;
    s.drift = routine;
    tray.setMappings({s});
    QCOMPARE(tray.level(), TrayStatus::Level::Ok);
    // One row that nothing scheduled will fix turns it amber, and the tooltip says why.
    DriftSummary drifted = routine;
    drifted.changed = 1;
    drifted.driftRows = 1;
    s.drift = drifted;
    tray.setMappings({s});
    QCOMPARE(tray.level(), TrayStatus::Level::Warning);
    QVERIFY(tray.toolTip().contains(u"drift"_s));
    // An error still wins.
    s.state = MappingState::Error;
    tray.setMappings({s});
    QCOMPARE(tray.level(), TrayStatus::Level::Error);
}

void TestTrayStatus::levelFollowsTheWorstState()
{
    TrayStatus tray;
    QCOMPARE(tray.level(), TrayStatus::Level::NoProject);
    QSignalSpy changed(&tray, &TrayStatus::levelChanged);
    tray.setMappings({makeStatus(u"a"_s), makeStatus(u"b"_s)});
    QCOMPARE(tray.level(), TrayStatus::Level::Ok);
    tray.setMappings({makeStatus(u"a"_s), makeStatus(u"b"_s, 0, MappingState::Waiting)});
    QCOMPARE(tray.level(), TrayStatus::Level::Warning);
    QVERIFY(tray.toolTip().contains(u"waiting"_s));
    tray.setConnections({makeConnection(u"pg"_s, ConnectionState::Disconnected)});
    QCOMPARE(tray.level(), TrayStatus::Level::Error);
    QVERIFY(tray.toolTip().contains(u"connection"_s));
    tray.setConnections({makeConnection(u"pg"_s)});
    tray.setMappings({makeStatus(u"a"_s)});
    QCOMPARE(tray.level(), TrayStatus::Level::Ok);
    QCOMPARE(changed.count(), 5);   // ok, warning, error, warning (pg back), ok
    tray.clear();
    QCOMPARE(tray.level(), TrayStatus::Level::NoProject);
}

void TestTrayStatus::notifiesWhenAMappingEntersError()
{
    TrayStatus tray;
    QSignalSpy notified(&tray, &TrayStatus::notified);
    // Already in error when first seen: the window shows it; no news.
    tray.setMappings({makeStatus(u"a"_s), makeStatus(u"b"_s, 0, MappingState::Error)});
    QCOMPARE(notified.count(), 0);

    MappingStatus failing = makeStatus(u"a"_s, 0, MappingState::Error);
    failing.lastError = u"no such table: orders\nmore detail"_s;
    tray.setMappings({failing, makeStatus(u"b"_s, 0, MappingState::Error)});
    QCOMPARE(notified.count(), 1);
    QVERIFY(notified.at(0).at(0).toString().contains(u"a"_s));
    QCOMPARE(notified.at(0).at(1).toString(), u"no such table: orders"_s);

    // Staying in error is not news either.
    tray.setMappings({failing, makeStatus(u"b"_s, 0, MappingState::Error)});
    QCOMPARE(notified.count(), 1);
}

void TestTrayStatus::notifiesOnceForALongOutage()
{
    const QDateTime now = QDateTime::fromString(u"2026-01-01T10:00:00Z"_s, Qt::ISODate);
    TrayStatus tray;
    tray.setLostThresholdS(60);
    tray.setNow(now);
    QSignalSpy notified(&tray, &TrayStatus::notified);
    ConnectionStatus pg = makeConnection(u"pg"_s, ConnectionState::Reconnecting);
    pg.since = now.addSecs(-30);
    pg.lastError = u"Connection refused"_s;
    tray.setConnections({pg});
    QCOMPARE(notified.count(), 0);   // a blip

    tray.setNow(now.addSecs(31));
    tray.checkConnections();
    QCOMPARE(notified.count(), 1);
    QVERIFY(notified.at(0).at(1).toString().contains(u"Connection refused"_s));
    tray.setNow(now.addSecs(90));
    tray.checkConnections();
    QCOMPARE(notified.count(), 1);   // once per outage

    // Back, then lost again: a new outage is news again.
    pg.state = ConnectionState::Connected;
    tray.setConnections({pg});
    pg.state = ConnectionState::Disconnected;
    pg.since = now.addSecs(-120);
    tray.setConnections({pg});
    QCOMPARE(notified.count(), 2);
}

void TestTrayStatus::iconsDifferByLevel()
{
    QVERIFY(!TrayStatus::iconFor(TrayStatus::Level::Ok).isNull());
    QVERIFY(TrayStatus::colorFor(TrayStatus::Level::Ok) != TrayStatus::colorFor(TrayStatus::Level::Error));
    QVERIFY(TrayStatus::colorFor(TrayStatus::Level::Warning) != TrayStatus::colorFor(TrayStatus::Level::Error));
}

QTEST_MAIN(TestTrayStatus)
#include "tst_traystatus.moc"
