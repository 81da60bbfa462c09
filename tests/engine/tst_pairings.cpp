// Every ordered pair of {SQLite, PostgreSQL, MariaDB} as source and mirror, and each of them into a
// ClickHouse mirror, carries values exactly
// and syncs correctly: backfill and incremental sync of the awkward values (2^53 + 1 keys,
// 30-digit decimals, microsecond timestamps, -0.0, 5e-324, megabyte texts, zero bytes, NULLs),
// a microsecond timestamp cursor with ties and a late row, the sweep and in-sync gate, and a
// SQLite source whose text timestamps are not in the canonical form (the demo's own format).
//
// Each row of every test is one pairing. A pairing needs the throwaway servers for the kinds it
// uses (TIDEMARK_SERVER_OR_SKIP: skipped without them, failed under TIDEMARK_REQUIRE_SERVERS=1);
// a pairing whose dialect is not built yet fails with Dialect::create's "not available in this
// build yet": that failure is the truth about the build, so it is not skipped.
//
// Values are compared as canonical values (db/valuecodec.h) read through each side's dialect,
// never as raw driver values, which are lossy on the way (QPSQL reads NUMERIC as a double).
#include "db/dberror.h"
#include "db/valuecodec.h"
#include "pairfixture.h"
#include "pairrow.h"
#include "testservers.h"

#include <QTest>

#include <cmath>
#include <limits>

using namespace Qt::StringLiterals;
using namespace tidemark;
using tidemark::test::PairColumn;
using tidemark::test::PairFixture;
using tidemark::test::Side;

namespace {

const QList<DriverKind> kKinds{DriverKind::Sqlite, DriverKind::Postgres, DriverKind::MariaDb};
// ClickHouse is a mirror only.
const QList<DriverKind> kMirrorKinds{DriverKind::Sqlite, DriverKind::Postgres, DriverKind::MariaDb,
                                     DriverKind::ClickHouse};


// Runs `body` (a member taking the fixture); a DbError from the test's own SQL fails the row with
// the pairing and the statement.
#define PAIR_RUN(f, body)                                                                          \
    try {                                                                                          \
        body(f);                                                                                   \
    } catch (const DbError &e) {                                                                   \
        QFAIL(qPrintable(                                                                          \
                f.pairing() + u": "_s + e.message()                                                \
                + (e.detail().isEmpty() ? QString() : u"\n  in: "_s + e.detail().left(400))));     \
    }

// Fails the row (returning from the calling function) when a comparison found differences.
#define PAIR_NO_DIFF(f, diff)                                                                      \
    do {                                                                                           \
        if (!(diff).isEmpty()) {                                                                   \
            failOnFindings(f, {diff});                                                             \
            return;                                                                                \
        }                                                                                          \
    } while (false)

QStringList namesOf(const QList<PairColumn> &columns)
{
    QStringList names;
    for (const PairColumn &c : columns)
        names << c.name;
    return names;
}

// "2026-11-21 10:15:00.123400" -> "2026-11-21 10:15:00.1234": the canonical timestamp form
// drops trailing fractional zeros and a bare '.'.
QString canonicalTimestamp(QString text)
{
    if (text.contains(u'.')) {
        while (text.endsWith(u'0'))
            text.chop(1);
        if (text.endsWith(u'.'))
            text.chop(1);
    }
    return text;
}

// A text of about one megabyte of UTF-8 with everything a driver might mangle in it.
QString megabyteText()
{
    const QString unit = u"Zoë 🚀 表 \"double\" 'single' back\\slash tab\t line\n 0123456789 "
                         "abcdefghijklmnopqrstuvwxyz | "_s;
    const qsizetype unitBytes = unit.toUtf8().size();
    return unit.repeated((1 << 20) / unitBytes + 1);
}

QByteArray everyByteTwice()
{
    QByteArray bytes;
    for (int round = 0; round < 2; ++round)
        for (int b = 0; b < 256; ++b)
            bytes.append(char(b));
    return bytes;
}

// The round-trip table: the same column names on every dialect, each with that dialect's own
// type for the value class.
QList<PairColumn> roundTripColumns()
{
    return {
            {u"id"_s, ValueClass::Integer, u"INTEGER"_s, u"bigint"_s, u"BIGINT"_s},
            {u"n"_s, ValueClass::Integer, u"INTEGER"_s, u"integer"_s, u"INT"_s},
            // SQLite has no exact decimal type: a column declared NUMERIC or DECIMAL(30,10) has
            // NUMERIC affinity, which turns '12345678901234567890.1234567890' into the REAL
            // 1.2345678901234567e19 on the way in. The decimal column is TEXT there, so SQLite
            // holds the digits exactly (and reads as the Text class, so its mirrors get text
            // columns); decimal carriage between dialects is exercised from the servers' sources.
            {u"amount"_s, ValueClass::Decimal, u"TEXT"_s, u"numeric(30,10)"_s, u"DECIMAL(30,10)"_s},
            {u"ts"_s, ValueClass::Timestamp, u"TIMESTAMP"_s, u"timestamp(6) without time zone"_s,
             u"DATETIME(6)"_s},
            // MariaDB's TIMESTAMP is the zone-converting type; NULL DEFAULT NULL spelled out so
            // a server with explicit_defaults_for_timestamp=OFF does not make it
            // NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP.
            {u"tstz"_s, ValueClass::TimestampTz, u"TIMESTAMPTZ"_s, u"timestamp(6) with time zone"_s,
             u"TIMESTAMP(6) NULL DEFAULT NULL"_s},
            {u"d"_s, ValueClass::Date, u"DATE"_s, u"date"_s, u"DATE"_s},
            {u"flag"_s, ValueClass::Boolean, u"BOOLEAN"_s, u"boolean"_s, u"BOOLEAN"_s},
            {u"dbl"_s, ValueClass::Real, u"REAL"_s, u"double precision"_s, u"DOUBLE"_s},
            // MariaDB's TEXT stops at 64 KiB; the megabyte value needs LONGTEXT.
            {u"txt"_s, ValueClass::Text, u"TEXT"_s, u"text"_s, u"LONGTEXT"_s},
            {u"bin"_s, ValueClass::Blob, u"BLOB"_s, u"bytea"_s, u"LONGBLOB"_s},
            {u"doc"_s, ValueClass::Json, u"JSON"_s, u"json"_s, u"JSON"_s},
            {u"version"_s, ValueClass::Integer, u"INTEGER"_s, u"bigint"_s, u"BIGINT"_s},
    };
}

constexpr qlonglong kBeyondDouble = 9007199254740993LL; // 2^53 + 1: a double rounds it

// The rows of the round-trip table as the source holds them, in canonical values, ordered by
// key. SQLite's dialect carries values as stored, so its flags are the integers 1/0.
QList<QVariantList> roundTripRows(DriverKind source)
{
    const bool sqlite = source == DriverKind::Sqlite;
    auto flag = [&](bool b) { return sqlite ? QVariant(qlonglong(b ? 1 : 0)) : QVariant(b); };
    const QVariant null;
    // -0.0 only where the source can hold it: SQLite writes a whole-valued REAL as an integer
    // (it reads back +0.0) and MariaDB's DOUBLE normalises -0 to 0. PostgreSQL keeps it.
    const double zero = source == DriverKind::Postgres ? -0.0 : 0.0;
    // A JSON document that is a bare number: SQLite's own JSON column has NUMERIC affinity and
    // would turn the text 12.50 into the REAL 12.5, so the SQLite source wraps it in an array.
    const QString jsonNumber = sqlite ? u"[12.50]"_s : u"12.50"_s;

    QList<QVariantList> rows;
    rows << QVariantList{std::numeric_limits<qlonglong>::min(),
                         qlonglong(-7),
                         u"-1.5"_s,
                         u"1970-01-01 00:00:01"_s,
                         u"1970-01-01 00:00:01"_s,
                         u"1970-01-01"_s,
                         flag(false),
                         0.1,
                         u"trailing space "_s,
                         QByteArray("min key"),
                         u"[]"_s,
                         qlonglong(1)};
    rows << QVariantList{-kBeyondDouble,
                         qlonglong(std::numeric_limits<qint32>::min()),
                         u"-0.0000000001"_s,
                         u"1999-12-31 23:59:59.999999"_s,
                         u"1999-12-31 23:59:59.999999"_s,
                         u"1999-12-31"_s,
                         flag(false),
                         5e-324,
                         u""_s,
                         QByteArray("", 0),
                         u"{\"b\":1,\"a\":[1,2.50],  \"z\":\"Zoë 🚀\"}"_s,
                         qlonglong(1)};
    rows << QVariantList{qlonglong(-1),
                         qlonglong(0),
                         u"0"_s,
                         u"2000-01-01 00:00:00"_s,
                         u"2000-02-29 12:00:00.5"_s,
                         u"2000-02-29"_s,
                         flag(true),
                         zero,
                         megabyteText(),
                         everyByteTwice(),
                         jsonNumber,
                         qlonglong(1)};
    // NULL in every non-key column, the cursor included: only a backfill can see this row.
    rows << QVariantList{qlonglong(0), null, null, null, null, null,
                         null,         null, null, null, null, null};
    for (int i = 1; i <= 20; ++i) {
        const QString micro = u"%1"_s.arg(i * 1000 + 1, 6, 10, QLatin1Char('0'));
        rows << QVariantList{qlonglong(i),
                             qlonglong(i * 7),
                             u"%1.25"_s.arg(i),
                             u"2026-01-%1 08:30:00.%2"_s.arg(i, 2, 10, QLatin1Char('0')).arg(micro),
                             u"2026-02-%1 23:00:00.%2"_s.arg(i, 2, 10, QLatin1Char('0')).arg(micro),
                             u"2026-01-%1"_s.arg(i, 2, 10, QLatin1Char('0')),
                             flag(i % 2 == 1),
                             i / 3.0,
                             u"row %1"_s.arg(i),
                             QByteArray(QByteArray("bytes ") + QByteArray::number(i)),
                             u"{\"i\": %1}"_s.arg(i),
                             qlonglong(1)};
    }
    rows << QVariantList{kBeyondDouble,
                         qlonglong(std::numeric_limits<qint32>::max()),
                         u"12345678901234567890.123456789"_s,
                         u"2026-11-21 10:15:00.123456"_s,
                         u"2026-11-21 10:15:00.123456"_s,
                         u"2026-11-21"_s,
                         flag(true),
                         1e308,
                         u"Zoë 🚀 表 \"double\" 'single' back\\slash \\n is not a newline, "
                         "tab\t newline\n CR\r end"_s,
                         QByteArray("\x00\x01\xff\x00", 4),
                         u"{\"a\": 1, \"b\": [true, null, \"x\"]}"_s,
                         qlonglong(1)};
    // The largest values each type takes on every dialect: MariaDB's TIMESTAMP ends in 2038.
    rows << QVariantList{std::numeric_limits<qlonglong>::max(),
                         qlonglong(42),
                         u"99999999999999999999.9999999999"_s,
                         u"9999-12-31 23:59:59.999999"_s,
                         u"2038-01-19 03:14:07.999999"_s,
                         u"9999-12-31"_s,
                         flag(true),
                         -1.7976931348623157e308,
                         u"max key"_s,
                         QByteArray("\xff", 1),
                         u"null"_s,
                         qlonglong(1)};
    return rows;
}

struct RowUpdate
{
    qlonglong key;
    QStringList columns;
    QVariantList values;
};

} // namespace

class TestPairings : public QObject
{
    Q_OBJECT

private:
    static void addPairings()
    {
        QTest::addColumn<int>("sourceKind");
        QTest::addColumn<int>("mirrorKind");
        for (DriverKind s : kKinds)
            for (DriverKind m : kMirrorKinds)
                QTest::addRow("%s to %s", qPrintable(driverKindName(s)),
                              qPrintable(driverKindName(m)))
                        << int(s) << int(m);
    }

    static bool isOk(const OperationResult &r) { return r.run.result == u"ok"; }

    // QtTest cuts a failure message at about a kilobyte: each finding goes to the log in full
    // first, and the failure says how many there were.
    static void failOnFindings(const PairFixture &f, const QStringList &findings)
    {
        if (findings.isEmpty())
            return;
        for (const QString &finding : findings)
            for (const QString &line : finding.split(u'\n'))
                qWarning("%s", qPrintable(line));
        QFAIL(qPrintable(u"%1: %2 findings (logged above): %3"_s.arg(f.pairing())
                                 .arg(findings.size())
                                 .arg(findings.join(u'\n'))));
    }

    // Reads the mirror (and the source) back and collects every difference, so one run of the
    // test reports all of a pairing's problems instead of the first.
    static void collect(QStringList &findings, const QString &problems)
    {
        if (!problems.isEmpty())
            findings << problems;
    }

    void roundTripIn(PairFixture &f)
    {
        const QList<PairColumn> columns = roundTripColumns();
        const QStringList names = namesOf(columns);
        const QStringList key{u"id"_s};
        const QString src = f.tableName(u"rt_src"_s);
        const QString mir = f.tableName(u"rt_mirror"_s);
        QList<QVariantList> rows = roundTripRows(f.kind(Side::Source));
        f.createTable(Side::Source, src, columns, key);
        f.insertRows(Side::Source, src, columns, rows);

        QStringList findings;
        // The source holds what the test meant and its dialect reads it exactly; otherwise a
        // loss on the way out of the source could look like a faithful mirror.
        collect(findings, f.checkRows(Side::Source, src, names, key, rows));

        MappingConfig &m = f.addMapping(u"rt"_s, src, mir, u"version"_s);
        m.lookback = 0;  // integer cursor: the sync below counts exactly the changed rows
        m.batchRows = 7; // several keyset pages, across the extreme and negative keys
        const QString mapping = m.name;

        OperationResult r = f.run(OperationKind::Prepare, mapping);
        QVERIFY2(isOk(r), qPrintable(f.pairing() + u": "_s + PairFixture::describeResult(r)));
        r = f.run(OperationKind::Backfill, mapping);
        QVERIFY2(isOk(r), qPrintable(f.pairing() + u": "_s + PairFixture::describeResult(r)));
        QVERIFY2(r.run.rowsWritten == rows.size(),
                 qPrintable(f.pairing() + u": "_s + PairFixture::describeResult(r)));
        collect(findings, f.compare(mapping, u"mirror after backfill"_s));

        // The engine's own view: a second full pass compares every source row with its mirror
        // row (sameValue on canonical values) and must find nothing to write. A value that does
        // not come back the same is rewritten by every backfill and reported as drift forever.
        OperationOptions noGate;
        noGate.noGate = true;
        r = f.run(OperationKind::Backfill, mapping, noGate);
        QVERIFY2(isOk(r), qPrintable(f.pairing() + u": "_s + PairFixture::describeResult(r)));
        if (r.run.rowsWritten != 0)
            findings << f.pairing()
                            + u", second backfill: rewrote %1 rows the engine found different "
                              "from their mirror rows (%2)"_s.arg(r.run.rowsWritten)
                                      .arg(r.run.note);

        // Changes that move the cursor: a timestamp by one microsecond (one of them across a
        // year boundary), a decimal in its tenth fractional digit, NULLs filled and values
        // turned into NULLs.
        const QList<RowUpdate> updates{
                {kBeyondDouble,
                 {u"ts"_s, u"amount"_s, u"version"_s},
                 {u"2026-11-21 10:15:00.123457"_s, u"12345678901234567890.1234567891"_s,
                  qlonglong(2)}},
                {-kBeyondDouble,
                 {u"amount"_s, u"ts"_s, u"tstz"_s, u"version"_s},
                 {u"-0.0000000002"_s, u"2000-01-01 00:00:00"_s, u"2000-01-01 00:00:00"_s,
                  qlonglong(2)}},
                {0,
                 {u"n"_s, u"txt"_s, u"bin"_s, u"version"_s},
                 {qlonglong(5), u"no longer null"_s, QByteArray("\x00", 1), qlonglong(2)}},
                {std::numeric_limits<qlonglong>::max(),
                 {u"txt"_s, u"dbl"_s, u"version"_s},
                 {u"changed"_s, 0.1 + 0.2, qlonglong(2)}},
                {5,
                 {u"n"_s, u"amount"_s, u"ts"_s, u"tstz"_s, u"d"_s, u"flag"_s, u"dbl"_s, u"txt"_s,
                  u"bin"_s, u"doc"_s, u"version"_s},
                 {QVariant(), QVariant(), QVariant(), QVariant(), QVariant(), QVariant(),
                  QVariant(), QVariant(), QVariant(), QVariant(), qlonglong(3)}},
        };
        const PairColumn &keyColumn = columns.first();
        for (const RowUpdate &u : updates) {
            QList<PairColumn> changed;
            for (const QString &c : u.columns)
                changed << columns.at(names.indexOf(c));
            f.updateRow(Side::Source, src, changed, u.values, keyColumn, u.key);
            for (QVariantList &row : rows)
                if (row.first().toLongLong() == u.key)
                    for (qsizetype i = 0; i < u.columns.size(); ++i)
                        row[names.indexOf(u.columns.at(i))] = u.values.at(i);
        }
        collect(findings, f.checkRows(Side::Source, src, names, key, rows));

        r = f.run(OperationKind::Sync, mapping);
        QVERIFY2(isOk(r), qPrintable(f.pairing() + u": "_s + PairFixture::describeResult(r)));
        if (r.run.rowsWritten != updates.size())
            findings << f.pairing()
                            + u", sync: wrote %1 rows, expected the %2 updated ones (%3)"_s
                                      .arg(r.run.rowsWritten)
                                      .arg(updates.size())
                                      .arg(r.run.note);
        collect(findings, f.compare(mapping, u"mirror after sync"_s));

        const Checkpoint cp = f.checkpoint(mapping);
        if (!sameValue(cp.cursor, qlonglong(3)) || cp.key.size() != 1
            || !sameValue(cp.key.first(), qlonglong(5)))
            findings << f.pairing()
                            + u", checkpoint: cursor %1 key %2, expected cursor 3 key 5"_s.arg(
                                    PairFixture::describeValue(cp.cursor),
                                    PairFixture::describeValue(cp.key.value(0)));
        const StatusMeasurement s = f.status(mapping);
        if (s.sourceRows != rows.size() || s.mirrorRows != rows.size() || s.backlog != 0)
            findings << f.pairing()
                            + u", status: source rows %1, mirror rows %2, backlog %3; expected "
                              "%4, %4, 0"_s.arg(s.sourceRows)
                                      .arg(s.mirrorRows)
                                      .arg(s.backlog)
                                      .arg(rows.size());
        failOnFindings(f, findings);
    }

    void timestampCursorIn(PairFixture &f)
    {
        const QList<PairColumn> columns{
                {u"id"_s, ValueClass::Integer, u"INTEGER"_s, u"bigint"_s, u"BIGINT"_s},
                {u"updated_at"_s, ValueClass::Timestamp, u"TIMESTAMP"_s,
                 u"timestamp(6) without time zone"_s, u"DATETIME(6)"_s},
                {u"payload"_s, ValueClass::Text, u"TEXT"_s, u"text"_s, u"VARCHAR(100)"_s},
        };
        const QString src = f.tableName(u"tc_src"_s);
        const QString mir = f.tableName(u"tc_mirror"_s);
        f.createTable(Side::Source, src, columns, {u"id"_s});
        // 500 rows on one cursor value, so batch boundaries fall inside the tie, then 50 rows
        // one microsecond apart: a cursor kept to the millisecond merges them all into one.
        const QString tied = u"2026-11-21 10:15:00.1234"_s;
        QList<QVariantList> rows;
        for (int id = 1; id <= 500; ++id)
            rows << QVariantList{qlonglong(id), tied, u"tied %1"_s.arg(id)};
        for (int k = 1; k <= 50; ++k)
            rows << QVariantList{qlonglong(500 + k),
                                 canonicalTimestamp(u"2026-11-21 10:15:00.%1"_s.arg(123400 + k)),
                                 u"step %1"_s.arg(k)};
        f.insertRows(Side::Source, src, columns, rows);
        const QString newest = u"2026-11-21 10:15:00.12345"_s; // .123450, canonical

        MappingConfig &m = f.addMapping(u"tc"_s, src, mir, u"updated_at"_s);
        m.batchRows = 100;
        m.lookback = 10;
        const QString mapping = m.name;
        OperationResult r = f.run(OperationKind::Prepare, mapping);
        QVERIFY2(isOk(r), qPrintable(f.pairing() + u": "_s + PairFixture::describeResult(r)));
        r = f.run(OperationKind::Sync, mapping);
        QVERIFY2(isOk(r), qPrintable(f.pairing() + u": "_s + PairFixture::describeResult(r)));
        QVERIFY2(r.run.rowsWritten == 550,
                 qPrintable(f.pairing() + u": "_s + PairFixture::describeResult(r)));
        QString diff = f.compare(mapping);
        PAIR_NO_DIFF(f, diff);

        // The checkpoint is the newest source value exactly, as canonical text: not rounded
        // to the millisecond, not a QDateTime, not with a zone suffix.
        const QList<QVariantList> ordered = f.readCanonical(
                Side::Source, src, {u"updated_at"_s, u"id"_s}, {u"updated_at"_s, u"id"_s});
        QVERIFY2(sameValue(ordered.last().first(), newest),
                 qPrintable(f.pairing() + u": the source's newest cursor reads as "_s
                            + PairFixture::describeValue(ordered.last().first())));
        Checkpoint cp = f.checkpoint(mapping);
        QVERIFY2(cp.cursor.metaType().id() == QMetaType::QString && cp.cursor.toString() == newest,
                 qPrintable(f.pairing() + u": checkpoint cursor "_s
                            + PairFixture::describeValue(cp.cursor) + u", expected \""_s + newest
                            + u"\" (QString)"_s));
        QVERIFY2(cp.key.size() == 1 && sameValue(cp.key.first(), qlonglong(550)),
                 qPrintable(f.pairing() + u": checkpoint key "_s
                            + PairFixture::describeValue(cp.key.value(0))));

        // A transaction that committed late with a cursor 2 s behind the checkpoint: inside
        // lookback_s = 10, so the next sync re-reads that window and finds it.
        const QString late = u"2026-11-21 10:14:58.12345"_s;
        f.insertRows(Side::Source, src, columns, {QVariantList{qlonglong(551), late, u"late"_s}});
        r = f.run(OperationKind::Sync, mapping);
        QVERIFY2(isOk(r), qPrintable(f.pairing() + u": "_s + PairFixture::describeResult(r)));
        QVERIFY2(r.run.rowsWritten == 1,
                 qPrintable(f.pairing() + u": late row: "_s + PairFixture::describeResult(r)));
        diff = f.compare(mapping);
        PAIR_NO_DIFF(f, diff);
        cp = f.checkpoint(mapping); // the re-read did not move it backwards
        QVERIFY2(cp.cursor.toString() == newest && sameValue(cp.key.value(0), qlonglong(550)),
                 qPrintable(f.pairing() + u": checkpoint after the late row: "_s
                            + PairFixture::describeValue(cp.cursor) + u" / "_s
                            + PairFixture::describeValue(cp.key.value(0))));
        QCOMPARE(f.status(mapping).backlog, 0);
    }

    void sweepAndGateIn(PairFixture &f)
    {
        const QList<PairColumn> columns{
                {u"id"_s, ValueClass::Integer, u"INTEGER"_s, u"bigint"_s, u"BIGINT"_s},
                {u"updated_at"_s, ValueClass::Timestamp, u"TIMESTAMP"_s,
                 u"timestamp(6) without time zone"_s, u"DATETIME(6)"_s},
                {u"amount"_s, ValueClass::Decimal, u"TEXT"_s, u"numeric(30,10)"_s,
                 u"DECIMAL(30,10)"_s},
                {u"payload"_s, ValueClass::Text, u"TEXT"_s, u"text"_s, u"VARCHAR(100)"_s},
        };
        const QString src = f.tableName(u"sg_src"_s);
        const QString mir = f.tableName(u"sg_mirror"_s);
        f.createTable(Side::Source, src, columns, {u"id"_s});
        QList<QVariantList> rows;
        for (int id = 1; id <= 200; ++id)
            rows << QVariantList{qlonglong(id),
                                 canonicalTimestamp(u"2026-11-21 09:%1:%2.%3"_s
                                                            .arg(id / 60, 2, 10, QLatin1Char('0'))
                                                            .arg(id % 60, 2, 10, QLatin1Char('0'))
                                                            .arg(id, 6, 10, QLatin1Char('0'))),
                                 u"%1.0000000001"_s.arg(id), u"row %1"_s.arg(id)};
        f.insertRows(Side::Source, src, columns, rows);

        const QString mapping = f.addMapping(u"sg"_s, src, mir, u"updated_at"_s).name;
        OperationResult r = f.run(OperationKind::Prepare, mapping);
        QVERIFY2(isOk(r), qPrintable(f.pairing() + u": "_s + PairFixture::describeResult(r)));
        r = f.run(OperationKind::Backfill, mapping);
        QVERIFY2(isOk(r) && r.run.rowsWritten == 200,
                 qPrintable(f.pairing() + u": "_s + PairFixture::describeResult(r)));
        QString diff = f.compare(mapping);
        PAIR_NO_DIFF(f, diff);

        // 21 rows go, the newest one among them: after the sweep the mirror's newest cursor is
        // the source's again.
        f.exec(Side::Source,
               u"DELETE FROM "_s + f.quote(Side::Source, src)
                       + u" WHERE (id BETWEEN 10 AND 29) OR id = 200"_s);
        // Live rows: a ClickHouse mirror keeps tombstones and old versions beside them.
        const QString mirrorCount = u"SELECT COUNT(*) FROM "_s
                + f.connection(Side::Mirror).dialect().readSource(mir);

        OperationOptions dryRun;
        dryRun.dryRun = true;
        r = f.run(OperationKind::Sweep, mapping, dryRun);
        QVERIFY2(isOk(r) && r.orphansFound == 21 && r.wouldDelete == 21 && r.run.rowsDeleted == 0,
                 qPrintable(f.pairing() + u": dry run: orphans %1; "_s.arg(r.orphansFound)
                            + PairFixture::describeResult(r)));
        QCOMPARE(f.scalar(Side::Mirror, mirrorCount).toLongLong(), 200);

        r = f.run(OperationKind::Sweep, mapping);
        QVERIFY2(isOk(r) && r.run.rowsDeleted == 21,
                 qPrintable(f.pairing() + u": "_s + PairFixture::describeResult(r)));
        QCOMPARE(f.scalar(Side::Mirror, mirrorCount).toLongLong(), 179);
        diff = f.compare(mapping); // exactly the deleted keys are gone: none missing, none extra
        PAIR_NO_DIFF(f, diff);

        // Counts match and the mirror's newest cursor is not older than the source's: the
        // gate compares the two canonical cursors across dialects and skips the backfill.
        r = f.run(OperationKind::Backfill, mapping);
        QVERIFY2(r.run.result == u"skipped" && r.run.note.contains(u"row counts match"_s),
                 qPrintable(f.pairing() + u": "_s + PairFixture::describeResult(r)));

        // A change the mirror has not seen makes the source's cursor the newer one: the gate
        // must let the backfill run, and it writes exactly that row.
        const QString newer = u"2026-11-21 11:00:00.000001"_s;
        f.updateRow(Side::Source, src, {columns.at(1), columns.at(3)},
                    {newer, u"changed after the sweep"_s}, columns.at(0), qlonglong(5));
        r = f.run(OperationKind::Backfill, mapping);
        QVERIFY2(isOk(r) && r.run.result == u"ok" && r.run.rowsWritten == 1,
                 qPrintable(f.pairing() + u": "_s + PairFixture::describeResult(r)));
        diff = f.compare(mapping);
        PAIR_NO_DIFF(f, diff);
        r = f.run(OperationKind::Backfill, mapping);
        QVERIFY2(r.run.result == u"skipped",
                 qPrintable(f.pairing() + u": "_s + PairFixture::describeResult(r)));
    }

    void sqliteTimestampTextIn(PairFixture &f)
    {
        // The demo's writer (app/cli/demo.cpp) stores cursors as "yyyy-MM-dd HH:mm:ss.zzz"
        // text, as many SQLite programs do: one value in ten ends in 0 (".120"), one in a
        // thousand is ".000". SQLite's dialect carries text as stored, so the source's value
        // keeps those zeros, while a server mirror's canonical timestamp drops them. If nothing
        // relates the two forms, every such row is "different" on every backfill, diff reports
        // drift that is not there, and the gate never skips.
        const QList<PairColumn> columns{
                {u"id"_s, ValueClass::Integer, u"INTEGER"_s, u"bigint"_s, u"BIGINT"_s},
                {u"updated_at"_s, ValueClass::Timestamp, u"TIMESTAMP"_s,
                 u"timestamp(6) without time zone"_s, u"DATETIME(6)"_s},
                {u"payload"_s, ValueClass::Text, u"TEXT"_s, u"text"_s, u"VARCHAR(100)"_s},
        };
        const QString src = f.tableName(u"st_src"_s);
        const QString mir = f.tableName(u"st_mirror"_s);
        f.createTable(Side::Source, src, columns, {u"id"_s});
        f.insertRows(Side::Source, src, columns,
                     {{qlonglong(1), u"2026-11-21 10:15:00.000"_s, u"whole second"_s},
                      {qlonglong(2), u"2026-11-21 10:15:00.120"_s, u"trailing zero"_s},
                      {qlonglong(3), u"2026-11-21 10:15:00.123"_s, u"three digits"_s},
                      {qlonglong(4), u"2026-11-21 10:15:01.500"_s, u"newest"_s}});
        const QString mapping = f.addMapping(u"st"_s, src, mir, u"updated_at"_s).name;
        OperationResult r = f.run(OperationKind::Prepare, mapping);
        QVERIFY2(isOk(r), qPrintable(f.pairing() + u": "_s + PairFixture::describeResult(r)));
        r = f.run(OperationKind::Backfill, mapping);
        QVERIFY2(isOk(r) && r.run.rowsWritten == 4,
                 qPrintable(f.pairing() + u": "_s + PairFixture::describeResult(r)));

        QStringList findings;
        collect(findings, f.compare(mapping, u"mirror after backfill"_s));
        OperationOptions noGate;
        noGate.noGate = true;
        r = f.run(OperationKind::Backfill, mapping, noGate);
        if (!isOk(r) || r.run.rowsWritten != 0)
            findings << f.pairing() + u", second backfill: "_s + PairFixture::describeResult(r);
        r = f.run(OperationKind::Backfill, mapping);
        if (r.run.result != u"skipped")
            findings << f.pairing() + u", gated backfill not skipped: "_s
                            + PairFixture::describeResult(r);
        failOnFindings(f, findings);
    }

private Q_SLOTS:
    void roundTrip_data() { addPairings(); }
    void roundTrip()
    {
        PAIR_FIXTURE(f);
        PAIR_RUN(f, roundTripIn);
    }

    void timestampCursor_data() { addPairings(); }
    void timestampCursor()
    {
        PAIR_FIXTURE(f);
        PAIR_RUN(f, timestampCursorIn);
    }

    void sqliteTimestampText_data()
    {
        QTest::addColumn<int>("sourceKind");
        QTest::addColumn<int>("mirrorKind");
        for (DriverKind m : kMirrorKinds)
            QTest::addRow("sqlite to %s", qPrintable(driverKindName(m)))
                    << int(DriverKind::Sqlite) << int(m);
    }
    void sqliteTimestampText()
    {
        PAIR_FIXTURE(f);
        PAIR_RUN(f, sqliteTimestampTextIn);
    }

    // A decimal column without a declared precision (SQLite DECIMAL, PostgreSQL numeric) may
    // hold more digits than any fixed DECIMAL keeps: prepare must create a mirror column that
    // holds them exactly, so validation passes and nothing is rounded.
    void unboundedDecimalIn(PairFixture &f)
    {
        const QList<PairColumn> columns{
                {u"id"_s, ValueClass::Integer, u"INTEGER"_s, u"bigint"_s, u"BIGINT"_s},
                {u"amount"_s, ValueClass::Decimal, u"DECIMAL"_s, u"numeric"_s,
                 u"DECIMAL(65,30)"_s},
        };
        const QString src = f.tableName(u"ud_src"_s);
        const QString mir = f.tableName(u"ud_mirror"_s);
        f.createTable(Side::Source, src, columns, {u"id"_s});
        const QList<QVariantList> rows{
                {qlonglong(1), u"-12345678901234567890123456789012345.1234567890123456789012345678901234567"_s},
                {qlonglong(2), u"0.000000000000000000000000000000000000001"_s},
                {qlonglong(3), u"98765432109876543210987654321098765432109876543210987654321098765432"_s},
                {qlonglong(4), u"1.5"_s},
                {qlonglong(5), QVariant()},
        };
        f.insertRows(Side::Source, src, columns, rows);
        const QString mapping = f.addMapping(u"ud"_s, src, mir, {}).name;
        OperationResult r = f.run(OperationKind::Prepare, mapping);
        QVERIFY2(isOk(r), qPrintable(f.pairing() + u": "_s + PairFixture::describeResult(r)));
        r = f.run(OperationKind::Backfill, mapping);
        QVERIFY2(isOk(r) && r.run.rowsWritten == rows.size(),
                 qPrintable(f.pairing() + u": "_s + PairFixture::describeResult(r)));
        const QString diff = f.compare(mapping);
        PAIR_NO_DIFF(f, diff);
        // And a second backfill finds nothing to rewrite: the values read back compare equal.
        OperationOptions again;
        again.noGate = true;
        r = f.run(OperationKind::Backfill, mapping, again);
        QVERIFY2(isOk(r) && r.run.rowsWritten == 0,
                 qPrintable(f.pairing() + u": second pass: "_s + PairFixture::describeResult(r)));
    }
    void unboundedDecimal_data()
    {
        QTest::addColumn<int>("sourceKind");
        QTest::addColumn<int>("mirrorKind");
        for (DriverKind s : {DriverKind::Sqlite, DriverKind::Postgres})
            for (DriverKind m : kMirrorKinds)
                QTest::addRow("%s to %s", qPrintable(driverKindName(s)),
                              qPrintable(driverKindName(m)))
                        << int(s) << int(m);
    }
    void unboundedDecimal()
    {
        PAIR_FIXTURE(f);
        PAIR_RUN(f, unboundedDecimalIn);
    }

    void sweepAndGate_data() { addPairings(); }
    void sweepAndGate()
    {
        PAIR_FIXTURE(f);
        PAIR_RUN(f, sweepAndGateIn);
    }
};

QTEST_GUILESS_MAIN(TestPairings)
#include "tst_pairings.moc"
