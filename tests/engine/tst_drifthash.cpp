// Issue 11: each dialect's SQL computes exactly the row hash the C++ encoder computes
// (drift/rowencoding.h). Random values of every class, NULLs among them, go into a table on each
// database; each column is then hashed by the database, row by row, and compared with the C++
// hash of the canonical values read back through the dialect (what the differ's merge-compare
// and the client-side hashing see). A differing hash would make the differ descend into a
// segment that is equal, or, worse, never descend into one that differs.
#include "db/dbconnection.h"
#include "db/dberror.h"
#include "db/valuecodec.h"
#include "drift/rowencoding.h"
#include "drift/tableside.h"
#include "pairfixture.h"
#include "testservers.h"

#include <QRandomGenerator>
#include <QTest>

#include <bit>
#include <cmath>
#include <limits>

using namespace Qt::StringLiterals;
using namespace tidemark;
using tidemark::test::PairColumn;
using tidemark::test::PairFixture;
using tidemark::test::Side;

namespace {

constexpr int kRows = 400;

QList<PairColumn> columns()
{
    return {
            {u"id"_s, ValueClass::Integer, u"INTEGER"_s, u"bigint"_s, u"BIGINT"_s},
            {u"i"_s, ValueClass::Integer, u"INTEGER"_s, u"bigint"_s, u"BIGINT"_s},
            {u"n"_s, ValueClass::Decimal, u"DECIMAL TEXT"_s, u"numeric(30,10)"_s,
             u"DECIMAL(30,10)"_s},
            {u"r"_s, ValueClass::Real, u"REAL"_s, u"double precision"_s, u"DOUBLE"_s},
            {u"t"_s, ValueClass::Text, u"TEXT"_s, u"text"_s, u"VARCHAR(300)"_s},
            {u"c"_s, ValueClass::Text, u"CHARACTER(8)"_s, u"character(8)"_s, u"CHAR(8)"_s},
            {u"b"_s, ValueClass::Blob, u"BLOB"_s, u"bytea"_s, u"VARBINARY(64)"_s},
            {u"f"_s, ValueClass::Boolean, u"BOOLEAN"_s, u"boolean"_s, u"BOOLEAN"_s},
            {u"d"_s, ValueClass::Date, u"DATE TEXT"_s, u"date"_s, u"DATE"_s},
            {u"tm"_s, ValueClass::Time, u"TIME TEXT"_s, u"time(6) without time zone"_s,
             u"TIME(6)"_s},
            {u"ts"_s, ValueClass::Timestamp, u"TIMESTAMP TEXT"_s,
             u"timestamp(6) without time zone"_s, u"DATETIME(6)"_s},
            {u"tz"_s, ValueClass::TimestampTz, u"TIMESTAMPTZ TEXT"_s,
             u"timestamp(6) with time zone"_s, u"TIMESTAMP(6) NULL DEFAULT NULL"_s},
            {u"j"_s, ValueClass::Json, u"JSON TEXT"_s, u"json"_s, u"JSON"_s},
    };
}

class Draw
{
public:
    explicit Draw(quint32 seed) : m_rng(seed) {}
    int below(int n) { return int(m_rng.bounded(n)); }
    bool chance(int percent) { return below(100) < percent; }

    QString digits(int n)
    {
        QString s;
        for (int i = 0; i < n; ++i)
            s += QChar(u'0' + below(10));
        return s;
    }

    // Up to 8 characters, ending in spaces now and then (CHAR(8) pads them anyway).
    QString shortText()
    {
        static const QString letters = u"aAä表 x'|"_s;
        QString s;
        const int n = below(7);
        for (int i = 0; i < n; ++i)
            s += letters.at(below(int(letters.size())));
        return s;
    }

    QVariant value(ValueClass cls, DriverKind kind)
    {
        switch (cls) {
        case ValueClass::Integer: {
            static const qlonglong edges[] = {0, 1, -1, std::numeric_limits<qlonglong>::max(),
                                              std::numeric_limits<qlonglong>::min(),
                                              (qlonglong(1) << 53) + 1};
            if (chance(20))
                return edges[below(6)];
            return qlonglong(m_rng.generate64()) >> below(64);
        }
        case ValueClass::Decimal: {
            QString whole = digits(1 + below(20));
            while (whole.size() > 1 && whole.startsWith(u'0'))
                whole.remove(0, 1);
            QString s = (chance(30) ? u"-"_s : QString()) + whole;
            const QString fraction = digits(below(11));
            if (!fraction.isEmpty())
                s += u'.' + fraction;
            if (chance(5))
                s = u"-0.0000000000"_s;
            return *normalizedDecimal(s);
        }
        case ValueClass::Real: {
            static const double edges[] = {0.0, -0.0, 0.1, 0.1 + 0.2, 5e-324, 1e308, -2.5,
                                           std::nextafter(0.1, 1.0)};
            if (chance(30))
                return edges[below(8)];
            double d;
            do
                d = std::bit_cast<double>(m_rng.generate64());
            while (!std::isfinite(d));
            return d;
        }
        case ValueClass::Text: {
            static const QStringList pieces{u"a"_s, u"A"_s, u" "_s, u"ä"_s, u"表"_s, u"🚀"_s,
                                            u"'"_s, u"\""_s, u"\\"_s, u"|"_s, u"<null>"_s, u"NULL"_s,
                                            u"\t"_s, u"\n"_s, u"x"_s, u"0"_s};
            QString s;
            const int n = below(12);
            for (int i = 0; i < n; ++i)
                s += pieces.at(below(int(pieces.size())));
            return s;
        }
        case ValueClass::Blob: {
            QByteArray b;
            const int n = below(20);
            for (int i = 0; i < n; ++i)
                b += char(below(256));
            if (chance(20))
                b += '\0';
            return b;
        }
        case ValueClass::Boolean: return chance(50);
        case ValueClass::Date:
            return QDate(1900 + below(200), 1 + below(12), 1 + below(28)).toString(u"yyyy-MM-dd"_s);
        case ValueClass::Time: {
            QString s = u"%1:%2:%3"_s.arg(below(24), 2, 10, QChar(u'0'))
                                .arg(below(60), 2, 10, QChar(u'0'))
                                .arg(below(60), 2, 10, QChar(u'0'));
            if (chance(70))
                s += u'.' + digits(1 + below(6));
            return *normalizedTemporal(s);
        }
        case ValueClass::Timestamp:
        case ValueClass::TimestampTz: {
            // MariaDB's TIMESTAMP holds 1970-2038 only.
            const int from = (cls == ValueClass::TimestampTz && kind == DriverKind::MariaDb) ? 1971 : 1900;
            const int to = (cls == ValueClass::TimestampTz && kind == DriverKind::MariaDb) ? 2037 : 2100;
            QString s = u"%1-%2-%3 %4:%5:%6"_s.arg(from + below(to - from))
                                .arg(1 + below(12), 2, 10, QChar(u'0'))
                                .arg(1 + below(28), 2, 10, QChar(u'0'))
                                .arg(below(24), 2, 10, QChar(u'0'))
                                .arg(below(60), 2, 10, QChar(u'0'))
                                .arg(below(60), 2, 10, QChar(u'0'));
            if (chance(70))
                s += u'.' + digits(1 + below(6));
            return *normalizedTemporal(s);
        }
        case ValueClass::Json:
            return u"{\"k\":%1,\"s\":\"%2\"}"_s.arg(below(1000)).arg(digits(below(5)));
        case ValueClass::Unknown: break;
        }
        return {};
    }

private:
    QRandomGenerator m_rng;
};

} // namespace

class TestDriftHash : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sqlHashEqualsTheEncoder_data();
    void sqlHashEqualsTheEncoder();
    void encodingKeepsValuesApart();
    void fixedAlphabetValuesAreTerminated();
    void timestampTextsReadAsMicroseconds();
    void sqlHashValuesWrapModulo64();
};

void TestDriftHash::sqlHashEqualsTheEncoder_data()
{
    QTest::addColumn<int>("kind");
    QTest::newRow("sqlite") << int(DriverKind::Sqlite);
    QTest::newRow("postgres") << int(DriverKind::Postgres);
    QTest::newRow("mariadb") << int(DriverKind::MariaDb);
}

void TestDriftHash::sqlHashEqualsTheEncoder()
{
    QFETCH(int, kind);
    const DriverKind k = DriverKind(kind);
    std::optional<ConnectionConfig> server;
    if (k != DriverKind::Sqlite) {
        TIDEMARK_SERVER_OR_SKIP(k, u"src"_s, s);
        server = s;
    }
    PairFixture f(k, DriverKind::Sqlite, server, std::nullopt);
    if (!f.setupError().isEmpty())
        QFAIL(qPrintable(f.setupError()));
    const quint32 seed = QRandomGenerator::global()->generate();
    qInfo("seed %u", seed);
    Draw draw(seed);
    const QList<PairColumn> cols = columns();
    QStringList names;
    for (const PairColumn &c : cols)
        names << c.name;
    try {
        const QString table = f.tableName(u"h"_s);
        f.createTable(Side::Source, table, cols, {u"id"_s});
        QList<QVariantList> rows;
        for (int r = 0; r < kRows; ++r) {
            QVariantList row{qlonglong(r)};
            for (qsizetype i = 1; i < cols.size(); ++i) {
                QVariant v = draw.chance(15) ? QVariant() : draw.value(cols.at(i).valueClass, k);
                if (cols.at(i).name == u"c" && v.isValid())
                    v = draw.shortText();   // CHAR(8)
                row << v;
            }
            rows << row;
        }
        f.insertRows(Side::Source, table, cols, rows);

        DbConnection &conn = f.connection(Side::Source);
        const Dialect &d = conn.dialect();
        d.prepareHashing(conn);
        const TableSchema schema = d.describeTable(conn, table);
        const QList<QVariantList> stored = f.readCanonical(Side::Source, table, names, {u"id"_s});
        QCOMPARE(stored.size(), kRows);
        QList<HashRule> rules;
        QList<ColumnInfo> infos;
        QList<int> client;
        for (qsizetype i = 0; i < names.size(); ++i) {
            const ColumnInfo *c = schema.column(names.at(i));
            QVERIFY2(c, qPrintable(names.at(i)));
            infos << *c;
            rules << hashRule(comparisonClass(c, c), c);
            if (!TableSide::sqlCanHash(d, *c, rules.last()))
                client << int(i);
        }
        // Only MariaDB's doubles are hashed in C++; everything else must be hashable in SQL.
        if (k == DriverKind::MariaDb)
            QCOMPARE(client, QList<int>{3});
        else
            QCOMPARE(client, QList<int>{});

        // Column by column, row by row: the first mismatch names the value.
        for (qsizetype i = 0; i < names.size(); ++i) {
            if (client.contains(int(i)))
                continue;
            const QString sql = u"SELECT "_s + d.quote(u"id"_s) + u", "_s
                    + d.rowHashExpression(conn, {infos.at(i)}, {rules.at(i)}) + u" FROM "_s
                    + d.quote(table) + u" ORDER BY "_s + d.quote(u"id"_s);
            QSqlQuery q = conn.exec(sql);
            int n = 0;
            while (q.next()) {
                const qlonglong id = q.value(0).toLongLong();
                const QVariant value = stored.at(id).at(i);
                const quint64 expected = rowHash(encodeRow({value}, {rules.at(i)}));
                if (hashValue(q.value(1)) != expected) {
                    QByteArray enc;
                    appendEncoded(enc, value, rules.at(i));
                    QFAIL(qPrintable(u"%1 column '%2' (%3), row %4: the SQL hash differs from "
                                     "the encoder's for %5; the encoder's bytes: %6 (seed %7)"_s
                                             .arg(driverKindName(k), names.at(i),
                                                  infos.at(i).declaredType)
                                             .arg(id)
                                             .arg(PairFixture::describeValue(value),
                                                  QString::fromUtf8(enc.toPercentEncoding(" :")))
                                             .arg(seed)));
                }
                ++n;
            }
            QCOMPARE(n, kRows);
        }

        // The whole table through the differ's own path (SQL sums, C++ for the client columns).
        TableSide side(conn, schema, table, names, {u"id"_s}, rules, client);
        const SegmentChecksum sum = side.checksum(KeyRange{});
        quint64 expected = 0;
        QList<HashRule> sqlRules, clientRules;
        for (const QVariantList &row : stored) {
            QVariantList sqlValues, clientValues{row.at(0)};
            for (qsizetype i = 0; i < row.size(); ++i)
                if (client.contains(int(i)))
                    clientValues << row.at(i);
                else
                    sqlValues << row.at(i);
            QList<HashRule> sr, cr{rules.at(0)};
            for (qsizetype i = 0; i < row.size(); ++i)
                (client.contains(int(i)) ? cr : sr) << rules.at(i);
            expected += rowHash(encodeRow(sqlValues, sr));
            if (!client.isEmpty())
                expected += rowHash(encodeRow(clientValues, cr));
        }
        QCOMPARE(sum.rows, qint64(kRows));
        QCOMPARE(sum.sum, expected);
    } catch (const DbError &e) {
        QFAIL(qPrintable(f.pairing() + u": "_s + e.message() + u"\n  "_s + e.detail().left(600)));
    }
}

void TestDriftHash::encodingKeepsValuesApart()
{
    const HashRule text{ValueClass::Text, false};
    const QVariant null;
    auto row = [&](const QVariantList &values) {
        return encodeRow(values, QList<HashRule>(values.size(), text));
    };
    QVERIFY(row({null, u"a"_s}) != row({u"a"_s, null}));
    QVERIFY(row({u"a|b"_s, u"c"_s}) != row({u"a"_s, u"b|c"_s}));
    QVERIFY(row({null}) != row({u""_s}));
    QVERIFY(row({u""_s}) != row({u"<null>"_s}));
    QVERIFY(row({null}) != row({u"<null>"_s}));
    QVERIFY(row({u"a"_s}) != row({u"A"_s}));
    QVERIFY(row({u"a"_s}) != row({u"a "_s}));
    // CHAR(n) padding is not data; case and trailing spaces in other text are.
    const HashRule padded{ValueClass::Text, true};
    QCOMPARE(encodeRow({u"ab   "_s}, {padded}), encodeRow({u"ab"_s}, {text}));
    // Decimals are scale-normalised, -0 is 0.
    const HashRule dec{ValueClass::Decimal, false};
    QCOMPARE(hashPayload(u"0.7100"_s, dec), "0.71"_ba);
    QCOMPARE(hashPayload(u"-0.000"_s, dec), "0"_ba);
    QCOMPARE(hashPayload(u"12345678901234567890.1234567891"_s, dec),
             "12345678901234567890.1234567891"_ba);
    QVERIFY(hashPayload(u"1.0000000001"_s, dec) != hashPayload(u"1.0000000002"_s, dec));
    // Doubles are exact; -0.0 is 0.0.
    const HashRule real{ValueClass::Real, false};
    QVERIFY(hashPayload(0.1, real) != hashPayload(std::nextafter(0.1, 1.0), real));
    QCOMPARE(hashPayload(-0.0, real), hashPayload(0.0, real));
    // Timestamps are UTC microseconds: 1 µs apart differ; spellings of one instant do not.
    const HashRule ts{ValueClass::Timestamp, false};
    QVERIFY(hashPayload(u"2026-01-01 00:00:00.000001"_s, ts)
            != hashPayload(u"2026-01-01 00:00:00.000002"_s, ts));
    QCOMPARE(hashPayload(u"2026-01-01T00:00:00Z"_s, ts), hashPayload(u"2026-01-01 00:00:00"_s, ts));
    QCOMPARE(hashPayload(u"1970-01-01 00:00:01.5"_s, ts), "1500000"_ba);
    // Booleans are 0/1, and an integer 1 is the same datum.
    const HashRule flag{ValueClass::Boolean, false};
    QCOMPARE(hashPayload(true, flag), hashPayload(qlonglong(1), flag));
    // Binary stays bytes: a trailing zero byte counts.
    const HashRule bin{ValueClass::Blob, false};
    QVERIFY(hashPayload("ab"_ba, bin) != hashPayload(QByteArray("ab\0", 3), bin));
    // Sums, not XOR: two equal rows do not cancel.
    const quint64 h = rowHash(row({u"x"_s}));
    QVERIFY(h != 0 && h != (quint64(1) << 63));
    QVERIFY(h + h != 0);
    QCOMPARE(h ^ h, quint64(0));
}

void TestDriftHash::fixedAlphabetValuesAreTerminated()
{
    // Numbers, dates and times end with ';' instead of carrying a length: values still cannot
    // run into each other.
    const HashRule integer{ValueClass::Integer, false};
    const HashRule text{ValueClass::Text, false};
    const QList<HashRule> two{integer, integer};
    QCOMPARE(encodeRow({qlonglong(1), qlonglong(23)}, two), "V1;V23;"_ba);
    QVERIFY(encodeRow({qlonglong(1), qlonglong(23)}, two)
            != encodeRow({qlonglong(12), qlonglong(3)}, two));
    QVERIFY(encodeRow({QVariant(), qlonglong(1)}, two) != encodeRow({qlonglong(1), QVariant()}, two));
    // Text keeps its length, so a text that looks like an encoding stays apart.
    QCOMPARE(encodeRow({u"1;"_s}, {text}), "V2:1;"_ba);
    QVERIFY(encodeRow({qlonglong(1), u"x"_s}, {integer, text})
            != encodeRow({u"1;V1:x"_s}, {text}));
    // A value of a fixed class whose text holds ';' or ':' (a SQLite column holds anything)
    // falls back to the length form, which the first ':' tells apart.
    const HashRule date{ValueClass::Date, false};
    QCOMPARE(encodeRow({u"a;b"_s}, {date}), "V3:a;b"_ba);
    QCOMPARE(encodeRow({u"2026-01-02"_s}, {date}), "V2026-01-02;"_ba);
    QVERIFY(encodeRow({u"2:ab"_s}, {date}) != encodeRow({u"ab"_s}, {date}));
}

void TestDriftHash::timestampTextsReadAsMicroseconds()
{
    using M = std::optional<qint64>;
    QCOMPARE(timestampMicros(u"1970-01-01 00:00:00"_s), M(0));
    QCOMPARE(timestampMicros(u"1969-12-31 23:59:59.999999"_s), M(-1));
    QCOMPARE(timestampMicros(u"1970-01-01T00:00:01.5"_s), M(1500000));
    QCOMPARE(timestampMicros(u"1970-01-01 00:00:01.1234569"_s), M(1123456));   // cut, not rounded
    QCOMPARE(timestampMicros(u"2000-02-29 12:00:00"_s), M(951825600000000));
    // Other spellings take the general path and agree.
    QCOMPARE(timestampMicros(u" 1970-01-01 00:00:01.5Z"_s), M(1500000));
    QCOMPARE(timestampMicros(u"1970-01-01"_s), M(0));
    QCOMPARE(timestampMicros(u"12345-01-01 00:00:00"_s).has_value(), true);
    // Not timestamps.
    QCOMPARE(timestampMicros(u"2026-02-30 00:00:00"_s), M());
    QCOMPARE(timestampMicros(u"2026-01-01 00:00:00."_s), M());
    QCOMPARE(timestampMicros(u"2026-01-01 0a:00:00"_s), M());
    QCOMPARE(timestampMicros(u"yesterday"_s), M());
}

void TestDriftHash::sqlHashValuesWrapModulo64()
{
    QCOMPARE(hashValue(qlonglong(-1)), std::optional<quint64>(~quint64(0)));
    QCOMPARE(hashValue(QVariant::fromValue(quint64(1) << 63)), std::optional<quint64>(quint64(1) << 63));
    QCOMPARE(hashValue(u"18446744073709551616"_s), std::optional<quint64>(0));        // 2^64
    QCOMPARE(hashValue(u"18446744073709551617"_s), std::optional<quint64>(1));
    QCOMPARE(hashValue(u"-18446744073709551617"_s), std::optional<quint64>(~quint64(0)));
    QCOMPARE(hashValue("36893488147419103231"_ba), std::optional<quint64>(~quint64(0)));  // 2^65-1
    QCOMPARE(hashValue(u" 42 "_s), std::optional<quint64>(42));
    QCOMPARE(hashValue(1.5), std::nullopt);
    QCOMPARE(hashValue(u"1.5"_s), std::nullopt);
    QCOMPARE(hashValue(u"-"_s), std::nullopt);
    QCOMPARE(hashValue(QVariant()), std::nullopt);
}

QTEST_GUILESS_MAIN(TestDriftHash)
#include "tst_drifthash.moc"
