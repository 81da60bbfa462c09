// The tray's colour follows the worst state; notifications come when a mapping enters error
// and when a connection has been lost longer than the threshold, once per outage. Drift turns
// it amber only when a scheduled check found it.

#include "fakeengine.h"
#include "mainwindow.h"
#include "traystatus.h"

#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace tidemark;
using tidemark::test::FakeEngine;
using tidemark::test::makeConnection;
using tidemark::test::makeDriftResult;
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
    void manualChecksNeverTurnItAmber();
};

void TestTrayStatus::amberForDriftNothingScheduledFixes()
{
    TrayStatus tray;
    QSignalSpy changed(&tray, &TrayStatus::levelChanged);
    tray.setMappings({makeStatus(u"a"_s), makeStatus(u"b"_s)});
    QCOMPARE(tray.level(), TrayStatus::Level::Ok);
    changed.clear();

    // Differences the next sync or sweep fixes (backlog, orphan) are routine: still ok.
    DriftCheckResult routine = makeDriftResult(u"a"_s);
    routine.scheduled = true;
    routine.summary.changed = 0;
    routine.summary.driftRows = 0;
    tray.handleDriftChecked(routine);
    QCOMPARE(tray.level(), TrayStatus::Level::Ok);

    // Rows that nothing scheduled will fix, found by a scheduled check: amber, and the tooltip
    // says why.
    DriftCheckResult drifted = makeDriftResult(u"a"_s);
    drifted.scheduled = true;
    tray.handleDriftChecked(drifted);
    QCOMPARE(tray.level(), TrayStatus::Level::Warning);
    QVERIFY(tray.toolTip().contains(u"drift"_s));
    QCOMPARE(changed.count(), 1);
    // Snapshots that follow keep it so.
    tray.setMappings({makeStatus(u"a"_s), makeStatus(u"b"_s)});
    QCOMPARE(tray.level(), TrayStatus::Level::Warning);

    // A check of the whole key range that finds no drift (after a repair, say) clears it,
    // whoever ran it.
    DriftCheckResult repaired = routine;
    repaired.scheduled = false;
    tray.handleDriftChecked(repaired);
    QCOMPARE(tray.level(), TrayStatus::Level::Ok);

    // A failed check says nothing about the rows.
    tray.handleDriftChecked(drifted);
    DriftCheckResult failed = routine;
    failed.result = u"error"_s;
    failed.summary = {};
    tray.handleDriftChecked(failed);
    QCOMPARE(tray.level(), TrayStatus::Level::Warning);
    // Nor does a check of part of the key range that found none: the rest may still differ.
    DriftCheckResult partial = repaired;
    partial.summary.keyFrom = QVariantList{100};
    tray.handleDriftChecked(partial);
    QCOMPARE(tray.level(), TrayStatus::Level::Warning);
    tray.clear();
    QCOMPARE(tray.level(), TrayStatus::Level::NoProject);
}

void TestTrayStatus::manualChecksNeverTurnItAmber()
{
    // The bug: the tray read the snapshot's latest check, so an operator's Check now that
    // found drift turned it amber although that operator was looking at the answer; the tray
    // is for what the schedule finds while nobody looks.
    TrayStatus tray;
    MappingStatus s = makeStatus(u"a"_s);
    s.drift = makeDriftResult(u"a"_s).summary;   // the latest check found one drift row
    QVERIFY(s.drift->driftRows > 0);
    tray.setMappings({s});
    QCOMPARE(tray.level(), TrayStatus::Level::Ok);
    DriftCheckResult manual = makeDriftResult(u"a"_s);
    QVERIFY(!manual.scheduled);
    tray.handleDriftChecked(manual);
    QCOMPARE(tray.level(), TrayStatus::Level::Ok);
    QVERIFY(!tray.toolTip().contains(u"drift"_s));

    // Through the window: the engine's driftChecked reaches the tray.
    FakeEngine engine;
    MainWindow window(&engine);
    engine.publish({s});
    engine.finishCheck(1, manual);
    QCOMPARE(window.trayStatus()->level(), TrayStatus::Level::Ok);
    DriftCheckResult scheduled = manual;
    scheduled.scheduled = true;
    engine.finishCheck(0, scheduled);
    QCOMPARE(window.trayStatus()->level(), TrayStatus::Level::Warning);
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
