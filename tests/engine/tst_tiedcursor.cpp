// Issue 10: a row committed later with the checkpoint's own cursor value was lost.
//
// Incremental sync resumes strictly after the checkpoint (C, K). A later transaction that writes
// a row with cursor C and a key below K puts that row behind the checkpoint; with lookback_s 0
// (or a text cursor, which has no time arithmetic) nothing re-read it, so it never reached the
// mirror. tst_concurrentwriter hit this in 4 runs of 6 ("key 109 column 'v': source v+, mirror
// v"). Here the same thing happens without threads, step by step, for every source dialect and
// every cursor class, and the status backlog and the in-sync gate are held to the same rule.
#include "db/dberror.h"
#include "db/valuecodec.h"
#include "pairfixture.h"
#include "testservers.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace tidemark;
using namespace tidemark::test;

namespace {

// A cursor column's type on each dialect and three of its values in ascending order.
struct CursorCase
{
    PairColumn column;
    QVariant v4, v5, v6;
};

CursorCase cursorCase(const QString &name)
{
    if (name == u"timestamp")
        // Second precision, as MariaDB DATETIME and many applications keep it.
        return {{u"u"_s, ValueClass::Timestamp, u"TIMESTAMP"_s, u"timestamp(0) without time zone"_s,
                 u"DATETIME"_s},
                u"2026-01-01 00:00:04"_s, u"2026-01-01 00:00:05"_s, u"2026-01-01 00:00:06"_s};
    if (name == u"timestamp, lookback 30")
        return {{u"u"_s, ValueClass::Timestamp, u"TIMESTAMP"_s, u"timestamp(6) without time zone"_s,
                 u"DATETIME(6)"_s},
                u"2026-01-01 00:00:04"_s, u"2026-01-01 00:00:05"_s, u"2026-01-01 00:00:06"_s};
    if (name == u"date")
        return {{u"u"_s, ValueClass::Date, u"DATE"_s, u"date"_s, u"DATE"_s},
                u"2026-01-04"_s, u"2026-01-05"_s, u"2026-01-06"_s};
    if (name == u"integer")
        return {{u"u"_s, ValueClass::Integer, u"INTEGER"_s, u"bigint"_s, u"BIGINT"_s},
                qlonglong(4), qlonglong(5), qlonglong(6)};
    if (name == u"decimal")
        return {{u"u"_s, ValueClass::Decimal, u"TEXT"_s, u"numeric(12,3)"_s, u"DECIMAL(12,3)"_s},
                u"4.125"_s, u"5.125"_s, u"6.125"_s};
    Q_ASSERT(name == u"text");
    return {{u"u"_s, ValueClass::Text, u"TEXT"_s, u"text"_s, u"VARCHAR(40)"_s},
            u"v-0004"_s, u"v-0005"_s, u"v-0006"_s};
}

// One INSERT through the fixture's connection, inside whatever transaction the test holds
// (PairFixture::insertRows opens its own).
void insertOne(PairFixture &f, const QString &table, const QList<PairColumn> &columns,
               const QVariantList &values)
{
    QStringList names, placeholders;
    QVariantList binds;
    for (qsizetype i = 0; i < columns.size(); ++i) {
        const auto [placeholder, bind] =
                PairFixture::bindFor(f.kind(Side::Source), columns.at(i).valueClass, values.at(i));
        names << f.quote(Side::Source, columns.at(i).name);
        placeholders << placeholder;
        binds << bind;
    }
    f.exec(Side::Source,
           u"INSERT INTO "_s + f.quote(Side::Source, table) + u" ("_s + names.join(u", "_s)
                   + u") VALUES ("_s + placeholders.join(u", "_s) + u')',
           binds);
}

QString describe(const OperationResult &r)
{
    return PairFixture::describeResult(r);
}

} // namespace

class TestTiedCursor : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void tiedRowCommittedLaterArrives_data()
    {
        QTest::addColumn<int>("sourceKind");
        QTest::addColumn<int>("mirrorKind");
        QTest::addColumn<QString>("cursorClass");
        QTest::addColumn<bool>("compositeKey");
        // Each source dialect with each cursor class; the mirror is another dialect, so the
        // rows also cross a dialect boundary.
        const QList<std::pair<DriverKind, DriverKind>> pairs{
                {DriverKind::Sqlite, DriverKind::Postgres},
                {DriverKind::Postgres, DriverKind::MariaDb},
                {DriverKind::MariaDb, DriverKind::Sqlite},
        };
        const QStringList classes{u"timestamp"_s, u"timestamp, lookback 30"_s, u"date"_s,
                                  u"integer"_s, u"decimal"_s, u"text"_s};
        for (const auto &[s, m] : pairs) {
            for (const QString &c : classes)
                QTest::addRow("%s to %s, %s cursor", qPrintable(driverKindName(s)),
                              qPrintable(driverKindName(m)), qPrintable(c))
                        << int(s) << int(m) << c << false;
            QTest::addRow("%s to %s, text cursor, composite key", qPrintable(driverKindName(s)),
                          qPrintable(driverKindName(m)))
                    << int(s) << int(m) << u"text"_s << true;
        }
    }

    void tiedRowCommittedLaterArrives()
    {
        QFETCH(int, sourceKind);
        QFETCH(int, mirrorKind);
        QFETCH(QString, cursorClass);
        QFETCH(bool, compositeKey);
        std::optional<ConnectionConfig> sourceServer, mirrorServer;
        if (DriverKind(sourceKind) != DriverKind::Sqlite) {
            TIDEMARK_SERVER_OR_SKIP(DriverKind(sourceKind), u"src"_s, server);
            sourceServer = server;
        }
        if (DriverKind(mirrorKind) != DriverKind::Sqlite) {
            TIDEMARK_SERVER_OR_SKIP(DriverKind(mirrorKind), u"mirror"_s, server);
            mirrorServer = server;
        }
        PairFixture f(DriverKind(sourceKind), DriverKind(mirrorKind), sourceServer, mirrorServer);
        QVERIFY2(f.setupError().isEmpty(), qPrintable(f.setupError()));
        try {
            run(f, cursorCase(cursorClass), cursorClass.contains(u"lookback"_s) ? 30 : 0,
                compositeKey);
        } catch (const DbError &e) {
            QFAIL(qPrintable(f.pairing() + u": "_s + e.message() + u"\n  in: "_s
                             + e.detail().left(400)));
        }
    }

private:
    void run(PairFixture &f, const CursorCase &c, int lookback, bool compositeKey)
    {
        const PairColumn id{u"id"_s, ValueClass::Integer, u"INTEGER"_s, u"bigint"_s, u"BIGINT"_s};
        const PairColumn region{u"region"_s, ValueClass::Text, u"TEXT"_s, u"text"_s,
                                u"VARCHAR(10)"_s};
        const PairColumn payload{u"v"_s, ValueClass::Text, u"TEXT"_s, u"text"_s,
                                 u"VARCHAR(40)"_s};
        QList<PairColumn> columns{id};
        QStringList key{u"id"_s};
        if (compositeKey) {
            // The key's first column ties too, so the comparison must reach the second.
            columns.prepend(region);
            key.prepend(u"region"_s);
        }
        columns << c.column << payload;
        auto row = [&](qlonglong k, const QVariant &cursor, const QString &v) {
            QVariantList r{k, cursor, v};
            if (compositeKey)
                r.prepend(u"eu"_s);
            return r;
        };
        const QString src = f.tableName(u"tie_src"_s);
        const QString mir = f.tableName(u"tie_mirror"_s);
        f.createTable(Side::Source, src, columns, key);

        // 1. Rows (3, C4) and (10, C5); sync. The checkpoint is (C5, 10).
        f.insertRows(Side::Source, src, columns,
                     {row(3, c.v4, u"three"_s), row(10, c.v5, u"ten"_s)});
        MappingConfig &m = f.addMapping(u"tie"_s, src, mir, u"u"_s);
        m.key = key;
        m.lookback = lookback;
        m.maxSweepFraction = 1.0;
        const QString mapping = m.name;
        OperationResult r = f.run(OperationKind::Prepare, mapping);
        QVERIFY2(r.ok(), qPrintable(f.pairing() + u": "_s + describe(r)));
        r = f.run(OperationKind::Sync, mapping);
        QVERIFY2(r.ok() && r.run.rowsWritten == 2, qPrintable(f.pairing() + u": "_s + describe(r)));
        Checkpoint cp = f.checkpoint(mapping);
        QVERIFY2(sameValue(cp.cursor, c.v5) && sameValue(cp.key.last(), qlonglong(10)),
                 qPrintable(f.pairing() + u": checkpoint "_s
                            + PairFixture::describeValue(cp.cursor)));
        QCOMPARE(f.status(mapping).backlog, 0);

        // 2. A later transaction writes (5, C5): the checkpoint's own cursor value, a smaller
        //    key. The status counts it as backlog before the sync, and the sync writes it and
        //    nothing else: the re-read of the ties writes only the rows that changed.
        f.insertRows(Side::Source, src, columns, {row(5, c.v5, u"five, late"_s)});
        QCOMPARE(f.status(mapping).backlog, 1);
        r = f.run(OperationKind::Sync, mapping);
        QVERIFY2(r.ok() && r.run.rowsWritten == 1, qPrintable(f.pairing() + u": "_s + describe(r)));
        QString diff = f.compare(mapping, u"after the tied insert"_s);
        QVERIFY2(diff.isEmpty(), qPrintable(diff));
        QCOMPARE(f.status(mapping).backlog, 0);

        // 3. The second step: one transaction inserts (7, C5) and moves row 10 to C6.
        //    The pass must re-read the tie before it reads forward past C5.
        DbConnection &source = f.connection(Side::Source);
        source.begin();
        insertOne(f, src, columns, row(7, c.v5, u"seven, late"_s));
        f.updateRow(Side::Source, src, {c.column, payload}, {c.v6, u"ten, moved"_s}, id,
                    qlonglong(10));
        source.commit();
        QCOMPARE(f.status(mapping).backlog, 2);
        r = f.run(OperationKind::Sync, mapping);
        QVERIFY2(r.ok() && r.run.rowsWritten == 2, qPrintable(f.pairing() + u": "_s + describe(r)));
        diff = f.compare(mapping, u"after the tie and the move"_s);
        QVERIFY2(diff.isEmpty(), qPrintable(diff));
        cp = f.checkpoint(mapping);
        QVERIFY2(sameValue(cp.cursor, c.v6) && sameValue(cp.key.last(), qlonglong(10)),
                 qPrintable(f.pairing() + u": checkpoint "_s
                            + PairFixture::describeValue(cp.cursor)));

        // 4. The in-sync gate follows the same rule. A tied row the mirror lacks, with counts
        //    and newest cursors equal on both sides (row 3 goes from the source in the same
        //    transaction): the old gate skipped the backfill here.
        source.begin();
        insertOne(f, src, columns, row(8, c.v6, u"eight, late"_s));
        f.exec(Side::Source, u"DELETE FROM "_s + f.quote(Side::Source, src) + u" WHERE id = 3"_s);
        source.commit();
        r = f.run(OperationKind::Backfill, mapping);
        QVERIFY2(r.ok() && r.run.result == u"ok"_s && r.run.rowsWritten == 1,
                 qPrintable(f.pairing() + u": gated backfill: "_s + describe(r)));
        r = f.run(OperationKind::Sweep, mapping);
        QVERIFY2(r.ok() && r.run.rowsDeleted == 1, qPrintable(f.pairing() + u": "_s + describe(r)));
        diff = f.compare(mapping, u"after backfill and sweep"_s);
        QVERIFY2(diff.isEmpty(), qPrintable(diff));
        QCOMPARE(f.status(mapping).backlog, 0);
        r = f.run(OperationKind::Backfill, mapping);
        QVERIFY2(r.run.result == u"skipped"_s, qPrintable(f.pairing() + u": "_s + describe(r)));
    }
};

QTEST_GUILESS_MAIN(TestTiedCursor)
#include "tst_tiedcursor.moc"
