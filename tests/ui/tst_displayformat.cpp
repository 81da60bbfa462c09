// How the monitor writes durations, countdowns and lag: "3 s", "2 min", never "0.0417 h".

#include "displayformat.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace tidemark;

class TestDisplayFormat : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void duration_data();
    void duration();
    void countdown();
    void lag();
};

void TestDisplayFormat::duration_data()
{
    QTest::addColumn<double>("seconds");
    QTest::addColumn<QString>("text");
    QTest::newRow("zero") << 0.0 << u"0 s"_s;
    QTest::newRow("rounded") << 2.6 << u"3 s"_s;
    QTest::newRow("under a minute") << 59.0 << u"59 s"_s;
    QTest::newRow("a minute") << 60.0 << u"1 min"_s;
    QTest::newRow("minutes, no seconds") << 150.0 << u"2 min"_s;
    QTest::newRow("an hour") << 3600.0 << u"1 h"_s;
    QTest::newRow("hours and minutes") << 3900.0 << u"1 h 5 min"_s;
    QTest::newRow("days and hours") << 86400.0 * 3 + 4 * 3600 << u"3 d 4 h"_s;
    QTest::newRow("negative") << -5.0 << u"−5 s"_s;
}

void TestDisplayFormat::duration()
{
    QFETCH(double, seconds);
    QFETCH(QString, text);
    QCOMPARE(display::duration(seconds), text);
}

void TestDisplayFormat::countdown()
{
    const QDateTime now = QDateTime::fromString(u"2026-01-01T10:00:00Z"_s, Qt::ISODate);
    QCOMPARE(display::countdown(now.addSecs(12), now), u"in 12 s"_s);
    QCOMPARE(display::countdown(now.addMSecs(11200), now), u"in 12 s"_s);   // rounded up
    QCOMPARE(display::countdown(now.addSecs(-3), now), u"now"_s);
    QCOMPARE(display::countdown(now.addSecs(125), now), u"in 2 min"_s);
    QVERIFY(display::countdown(QDateTime(), now).isEmpty());
}

void TestDisplayFormat::lag()
{
    QCOMPARE(display::lag(std::optional<double>(3.2), true), u"3 s"_s);
    QCOMPARE(display::lag(std::optional<double>(130), true), u"2 min"_s);
    QCOMPARE(display::lag(std::optional<double>(-1), true), u"0 s"_s);   // clocks disagree
    QCOMPARE(display::lag(std::optional<double>(1200), false), QLocale().toString(1200.0, 'f', 0));
    QCOMPARE(display::lag(std::nullopt, true), display::unknown());
}

QTEST_GUILESS_MAIN(TestDisplayFormat)
#include "tst_displayformat.moc"
