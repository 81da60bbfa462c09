// Backfill: composite keys, exact text and bytes, the in-sync gate, bounded memory.
#include "mirrorfixture.h"

#include <QFile>
#include <QRandomGenerator>
#include <QTest>
#include <QThread>

#include <cmath>
#include <limits>

using namespace Qt::StringLiterals;
using namespace tidemark;
using tidemark::test::MirrorFixture;

namespace {

// Resident memory of this process now, in KiB (Linux).
qint64 rssKiB()
{
    QFile f(u"/proc/self/status"_s);
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : f.readAll().split('\n'))
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    return -1;
}

// Samples RSS every few milliseconds while it lives; peak() is the largest sample.
class RssSampler : public QThread
{
public:
    std::atomic<bool> stop{false};
    std::atomic<qint64> peak{0};
    void run() override
    {
        while (!stop.load()) {
            peak.store(std::max(peak.load(), rssKiB()));
            QThread::msleep(5);
        }
    }
};

} // namespace

class TestBackfill : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void compositeKeysAndPartialMirror()
    {
        MirrorFixture f;
        f.source(u"CREATE TABLE lines (region TEXT, order_id INTEGER, line INTEGER, qty INTEGER, "
                 "note TEXT, PRIMARY KEY (region, order_id, line))"_s);
        f.sourceDb().transaction();
        for (int i = 0; i < 3000; ++i)
            f.source(u"INSERT INTO lines VALUES (?, ?, ?, ?, ?)"_s,
                     {u"r%1"_s.arg(i % 5), i / 7, i % 7, i, u"n%1"_s.arg(i)});
        f.sourceDb().commit();
        f.addMapping(u"lines"_s, u"lines"_s, u"lines"_s).batchRows = 128;
        f.run(OperationKind::Prepare, u"lines"_s);
        // The mirror starts with some rows right, some wrong, some missing.
        f.mirror(u"ATTACH DATABASE ? AS s"_s, {f.sourcePath()});
        f.mirror(u"INSERT INTO lines SELECT * FROM s.lines WHERE qty % 3 = 0"_s);
        f.mirror(u"UPDATE lines SET note = 'stale' WHERE qty % 9 = 0"_s);
        f.mirror(u"DETACH DATABASE s"_s);
        const OperationResult r = f.run(OperationKind::Backfill, u"lines"_s);
        QCOMPARE(r.run.result, u"ok"_s);
        QCOMPARE(r.run.rowsWritten, 2000 + 334);   // 2000 missing, 334 stale
        QCOMPARE(f.compare(u"lines"_s), QString());
        // A second backfill (gate off) finds nothing to write.
        OperationOptions noGate;
        noGate.noGate = true;
        QCOMPARE(f.run(OperationKind::Backfill, u"lines"_s, noGate).run.rowsWritten, 0);
    }

    void unicodeTextAndBlobsRoundTripByteForByte()
    {
        MirrorFixture f;
        f.source(u"CREATE TABLE docs (id INTEGER PRIMARY KEY, title TEXT, body BLOB, n REAL, "
                 "big INTEGER)"_s);
        QByteArray zeros(1000, '\0');
        QByteArray random(1024 * 1024, Qt::Uninitialized);
        QRandomGenerator rng(7);
        for (char &c : random)
            c = char(rng.bounded(256));
        const QString megaText = QString(u"ü表🚀'\"\\"_s).repeated(1024 * 1024 / 8);
        const QList<QVariantList> rows = {
                {1, u"Zoë 🚀 \"quoted\" O'Brien \\ back\\slash"_s, zeros, -0.0,
                 qlonglong(9007199254740993LL)},
                {2, megaText, random, 1.7976931348623157e308, std::numeric_limits<qlonglong>::min()},
                {3, QVariant(QMetaType::fromType<QString>()), QVariant(QMetaType::fromType<QByteArray>()),
                 4.9e-324, qlonglong(-1)},
                {4, u""_s, QByteArray(""), 0.1, qlonglong(0)},
        };
        for (const QVariantList &row : rows)
            f.source(u"INSERT INTO docs VALUES (?, ?, ?, ?, ?)"_s, row);
        f.addMapping(u"docs"_s, u"docs"_s, u"docs"_s).batchRows = 2;
        f.run(OperationKind::Prepare, u"docs"_s);
        QCOMPARE(f.run(OperationKind::Backfill, u"docs"_s).run.rowsWritten, 4);
        QCOMPARE(f.compare(u"docs"_s), QString());
        QCOMPARE(f.mirrorScalar(u"SELECT body FROM docs WHERE id = 2"_s).toByteArray(), random);
        QCOMPARE(f.mirrorScalar(u"SELECT body FROM docs WHERE id = 1"_s).toByteArray(), zeros);
        QCOMPARE(f.mirrorScalar(u"SELECT title FROM docs WHERE id = 2"_s).toString(), megaText);
        QVERIFY(f.mirrorScalar(u"SELECT title FROM docs WHERE id = 3"_s).isNull());
        QCOMPARE(f.mirrorScalar(u"SELECT typeof(title) FROM docs WHERE id = 4"_s).toString(),
                 u"text"_s);   // empty string stays empty, not NULL
        QCOMPARE(f.mirrorScalar(u"SELECT big FROM docs WHERE id = 1"_s).toLongLong(),
                 9007199254740993LL);
        // SQLite's REAL storage drops the sign of -0.0 (the source holds +0 too); compare()
        // above checked the mirror bit for bit against what the source holds.
        QCOMPARE(std::signbit(f.mirrorScalar(u"SELECT n FROM docs WHERE id = 1"_s).toDouble()),
                 std::signbit(f.sourceScalar(u"SELECT n FROM docs WHERE id = 1"_s).toDouble()));
    }

    void gateSkipsWhenInSyncAndRunsOtherwise()
    {
        MirrorFixture f;
        f.source(u"CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT, ts TEXT)"_s);
        for (int i = 1; i <= 100; ++i)
            f.source(u"INSERT INTO t VALUES (?, ?, ?)"_s, {i, u"v"_s, u"2026-01-01 00:00:%1"_s.arg(i % 60, 2, 10, QChar(u'0'))});
        f.addMapping(u"t"_s, u"t"_s, u"t"_s, u"ts"_s);
        f.run(OperationKind::Prepare, u"t"_s);
        QCOMPARE(f.run(OperationKind::Backfill, u"t"_s).run.rowsWritten, 100);
        const OperationResult skipped = f.run(OperationKind::Backfill, u"t"_s);
        QCOMPARE(skipped.run.result, u"skipped"_s);
        QVERIFY(skipped.run.note.contains(u"row counts match"_s));
        // A newer source cursor means "not in sync" even with equal counts.
        f.source(u"UPDATE t SET v = 'new', ts = '2026-02-01 00:00:00' WHERE id = 5"_s);
        const OperationResult ran = f.run(OperationKind::Backfill, u"t"_s);
        QCOMPARE(ran.run.result, u"ok"_s);
        QCOMPARE(ran.run.rowsWritten, 1);
        QCOMPARE(f.compare(u"t"_s), QString());
    }

    void backfillSetsTheCheckpointFromRowsRead()
    {
        MirrorFixture f;
        f.source(u"CREATE TABLE t (id INTEGER PRIMARY KEY, ts TEXT)"_s);
        f.source(u"INSERT INTO t VALUES (1, '2001-01-01'), (2, '2003-01-01'), (3, '2002-01-01')"_s);
        f.addMapping(u"t"_s, u"t"_s, u"t"_s, u"ts"_s).lookback = 0;
        f.run(OperationKind::Prepare, u"t"_s);
        f.run(OperationKind::Backfill, u"t"_s);
        const Checkpoint cp = f.checkpoint(u"t"_s);
        QCOMPARE(cp.cursor.toString(), u"2003-01-01"_s);   // the newest row, not the clock
        QCOMPARE(cp.key, QVariantList{2});
        f.source(u"INSERT INTO t VALUES (4, '2004-01-01')"_s);
        QCOMPARE(f.run(OperationKind::Sync, u"t"_s).run.rowsWritten, 1);
        QCOMPARE(f.compare(u"t"_s), QString());
    }

    void memoryIsBoundedByTheBatchNotTheTable()
    {
        MirrorFixture f;
        f.source(u"CREATE TABLE big (id INTEGER PRIMARY KEY, payload TEXT)"_s);
        const QString payload = QString(u'x').repeated(400);
        f.sourceDb().transaction();
        for (int i = 1; i <= 150000; ++i)
            f.source(u"INSERT INTO big VALUES (?, ?)"_s, {i, payload});
        f.sourceDb().commit();   // ~60 MB of text in the table, ~120 MB as QStrings
        f.addMapping(u"big"_s, u"big"_s, u"big"_s).batchRows = 500;
        f.run(OperationKind::Prepare, u"big"_s);
        const qint64 before = rssKiB();
        QVERIFY(before > 0);
        RssSampler sampler;
        sampler.start();
        QCOMPARE(f.run(OperationKind::Backfill, u"big"_s).run.rowsWritten, 150000);
        sampler.stop.store(true);
        sampler.wait();
        const qint64 grown = sampler.peak.load() - before;
        qInfo("peak RSS grew by %lld KiB during a 150,000-row backfill", grown);
        QVERIFY2(grown < 40 * 1024, qPrintable(u"peak memory grew by %1 KiB"_s.arg(grown)));
        QCOMPARE(f.mirrorScalar(u"SELECT COUNT(*) FROM big"_s).toInt(), 150000);
    }
};

QTEST_GUILESS_MAIN(TestBackfill)
#include "tst_backfill.moc"
