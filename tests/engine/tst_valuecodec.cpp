// Typed value carriage for checkpoints, and value comparison.
#include "db/valuecodec.h"

#include <QTest>

#include <cmath>
#include <limits>

using namespace Qt::StringLiterals;
using namespace tidemark;

class TestValueCodec : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void typedRoundTrip_data()
    {
        QTest::addColumn<QVariant>("value");
        QTest::newRow("int") << QVariant(qlonglong(42));
        QTest::newRow("int above 2^53") << QVariant(qlonglong(9007199254740993LL));
        QTest::newRow("int min") << QVariant(std::numeric_limits<qlonglong>::min());
        QTest::newRow("uint max") << QVariant(std::numeric_limits<qulonglong>::max());
        QTest::newRow("real") << QVariant(0.1);
        QTest::newRow("real tiny") << QVariant(4.9e-324);
        QTest::newRow("real big") << QVariant(1.7976931348623157e308);
        QTest::newRow("text") << QVariant(u"2026-11-21 10:15:00.123456"_s);
        QTest::newRow("text unicode") << QVariant(u"Zoë 🚀 \"q\" \\ 表"_s);
        QTest::newRow("bytes") << QVariant(QByteArray("\x00\x01\xff\x00", 4));
        QTest::newRow("bool") << QVariant(true);
    }

    void typedRoundTrip()
    {
        QFETCH(QVariant, value);
        const QVariant back = decodeTypedValue(encodeTypedValue(value));
        QCOMPARE(back.metaType().id() == QMetaType::QByteArray,
                 value.metaType().id() == QMetaType::QByteArray);
        QVERIFY2(sameValue(value, back), qPrintable(displayText(back)));
        // An integer stays an integer: bound back into SQLite it must compare as one.
        if (value.metaType().id() == QMetaType::LongLong)
            QCOMPARE(back.metaType().id(), int(QMetaType::LongLong));
        if (value.metaType().id() == QMetaType::QString)
            QCOMPARE(back.metaType().id(), int(QMetaType::QString));
    }

    void specialDoubles()
    {
        const QVariant negZero = decodeTypedValue(encodeTypedValue(-0.0));
        QVERIFY(std::signbit(negZero.toDouble()));
        // Carried with its sign (above), compared as SQL compares: -0 = 0.
        QVERIFY(sameValue(QVariant(0.0), QVariant(-0.0)));
        QVERIFY(!sameValue(QVariant(0.0), QVariant(4.9e-324)));
        QVERIFY(std::isnan(decodeTypedValue(encodeTypedValue(std::nan(""))).toDouble()));
        QVERIFY(std::isinf(decodeTypedValue(encodeTypedValue(-INFINITY)).toDouble()));
    }

    // SQLite keeps a DECIMAL column's values as REAL; a numeric or text mirror holds the
    // shortest text that reads back as the same double.
    void doubleAgainstItsText()
    {
        const double d = -1.2345678901234569e+34;
        const QString shortest = QString::number(d, 'g', QLocale::FloatingPointShortest);
        QVERIFY(sameValue(QVariant(d), QVariant(shortest), ValueClass::Decimal));
        QVERIFY(sameValue(QVariant(d), QVariant(u"-12345678901234570000000000000000000"_s),
                          ValueClass::Decimal));
        QVERIFY(sameValue(QVariant(u"1e-39"_s), QVariant(1e-39), ValueClass::Text));
        QVERIFY(sameValue(QVariant(1.5), QVariant(u"1.5"_s)));
        // One ulp away is another value.
        QVERIFY(!sameValue(QVariant(d), QVariant(u"-12345678901234572000000000000000000"_s),
                           ValueClass::Decimal));
        QVERIFY(!sameValue(QVariant(0.1), QVariant(u"0.10000000000000002"_s)));
        QVERIFY(!sameValue(QVariant(1.5), QVariant(u"one and a half"_s)));
    }

    void decimalTextIsNormalised_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("normalised");   // "-" : not a decimal
        QTest::newRow("plain") << u"10.12"_s << u"10.12"_s;
        QTest::newRow("trailing zeros") << u"0.7100"_s << u"0.71"_s;
        QTest::newRow("leading zeros") << u"007"_s << u"7"_s;
        QTest::newRow("negative zero") << u"-0.000"_s << u"0"_s;
        QTest::newRow("plus and spaces") << u" \t+00.500\n"_s << u"0.5"_s;
        QTest::newRow("no whole part") << u".5"_s << u"0.5"_s;
        QTest::newRow("no fraction") << u"-1."_s << u"-1"_s;
        QTest::newRow("long") << u"-12345678901234567890.1234567890"_s
                              << u"-12345678901234567890.123456789"_s;
        QTest::newRow("point only") << u"."_s << u"-"_s;
        QTest::newRow("empty") << u""_s << u"-"_s;
        QTest::newRow("sign only") << u"-"_s << u"-"_s;
        QTest::newRow("exponent") << u"1e5"_s << u"-"_s;
        QTest::newRow("inner space") << u"- 1"_s << u"-"_s;
        QTest::newRow("two points") << u"1.2.3"_s << u"-"_s;
        QTest::newRow("not ascii digits") << u"\u0661"_s << u"-"_s;
        QTest::newRow("NaN") << u"NaN"_s << u"-"_s;
    }
    void decimalTextIsNormalised()
    {
        QFETCH(QString, text);
        QFETCH(QString, normalised);
        const std::optional<QString> got = normalizedDecimal(text);
        if (normalised == u"-")
            QVERIFY2(!got, qPrintable(got.value_or(QString())));
        else
            QCOMPARE(got.value_or(u"(none)"_s), normalised);
    }

    void nullStaysNull()
    {
        QVERIFY(decodeTypedValue(encodeTypedValue(QVariant())).isNull());
        QVERIFY(sameValue(QVariant(), QVariant(QMetaType::fromType<QString>())));
        QVERIFY(!sameValue(QVariant(), QVariant(u""_s)));
        QVERIFY(!sameValue(QVariant(qlonglong(0)), QVariant()));
    }

    void sameValueAcrossRepresentations()
    {
        QVERIFY(sameValue(QVariant(int(7)), QVariant(qlonglong(7))));
        QVERIFY(sameValue(QVariant(qlonglong(7)), QVariant(7.0)));
        QVERIFY(!sameValue(QVariant(qlonglong(7)), QVariant(7.5)));
        QVERIFY(!sameValue(QVariant(qlonglong(-1)), QVariant(std::numeric_limits<qulonglong>::max())));
        QVERIFY(sameValue(QVariant(QByteArray("abc")), QVariant(u"abc"_s)));
        QVERIFY(!sameValue(QVariant(u"a"_s), QVariant(u"a "_s)));
    }

    void ordering()
    {
        QCOMPARE(compareValues(qlonglong(1), qlonglong(2)), -1);
        QCOMPARE(compareValues(u"2026-01-02"_s, u"2026-01-01"_s), 1);
        QCOMPARE(compareValues(2.5, qlonglong(2)), 1);
        QVERIFY(!compareValues(u"1"_s, qlonglong(1)));   // doubt: not comparable
        QVERIFY(!compareValues(QVariant(), qlonglong(1)));
    }

    void classAwareComparison()
    {
        // Decimal: spellings of one number are one datum; "9" < "10" as numbers.
        QVERIFY(sameValue(u"1.50"_s, u"1.5"_s, ValueClass::Decimal));
        QVERIFY(sameValue(u"-0.0"_s, u"0"_s, ValueClass::Decimal));
        QVERIFY(sameValue(u"0012.3400"_s, u"12.34"_s, ValueClass::Decimal));
        QVERIFY(!sameValue(u"12.341"_s, u"12.34"_s, ValueClass::Decimal));
        QCOMPARE(compareValues(u"9"_s, u"10"_s, ValueClass::Decimal), -1);
        QCOMPARE(compareValues(u"-9"_s, u"-10"_s, ValueClass::Decimal), 1);
        QCOMPARE(compareValues(u"12345678901234567890.0000000002"_s,
                               u"12345678901234567890.0000000001"_s, ValueClass::Decimal),
                 1);
        // Timestamps: SQLite's 'T', 'Z' and padded fractions against the canonical form.
        QVERIFY(sameValue(u"2026-11-21T10:15:00.000Z"_s, u"2026-11-21 10:15:00"_s,
                          ValueClass::Timestamp));
        QVERIFY(sameValue(u"2026-11-21 10:15:00.123000+00"_s, u"2026-11-21 10:15:00.123"_s,
                          ValueClass::TimestampTz));
        QVERIFY(!sameValue(u"2026-11-21 10:15:00.000001"_s, u"2026-11-21 10:15:00"_s,
                           ValueClass::Timestamp));
        QCOMPARE(compareValues(u"2026-11-21 10:15:00.5"_s, u"2026-11-21 10:15:00"_s,
                               ValueClass::Timestamp),
                 1);
        // Text is never relaxed: these are different values a backfill must repair.
        QVERIFY(!sameValue(u"1.50"_s, u"1.5"_s, ValueClass::Text));
        QVERIFY(!sameValue(u"2026-11-21T10:15:00Z"_s, u"2026-11-21 10:15:00"_s));
        // Booleans as 0/1.
        QVERIFY(sameValue(true, qlonglong(1)));
        QVERIFY(sameValue(false, qlonglong(0)));
        QVERIFY(!sameValue(true, qlonglong(2)));
    }

    void displayJsonKeepsBigIntegersExact()
    {
        QCOMPARE(displayJson(qlonglong(42)).toDouble(), 42.0);
        QCOMPARE(displayJson(qlonglong(9007199254740993LL)).toString(), u"9007199254740993"_s);
    }
};

QTEST_GUILESS_MAIN(TestValueCodec)
#include "tst_valuecodec.moc"
