// Our own identifier quoting, and names that break naive quoting mirrored end to end.
#include "db/dberror.h"
#include "db/dialect_sqlite.h"
#include "db/identifier.h"
#include "mirrorfixture.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace tidemark;
using tidemark::test::MirrorFixture;

class TestIdentifier : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void quoting_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("quoted");
        QTest::newRow("plain") << u"orders"_s << u"\"orders\""_s;
        QTest::newRow("keyword") << u"select"_s << u"\"select\""_s;
        QTest::newRow("space") << u"order lines"_s << u"\"order lines\""_s;
        // QtSql's escapeIdentifier would leave the inner quote alone and break out.
        QTest::newRow("quote") << u"a\"b"_s << u"\"a\"\"b\""_s;
        QTest::newRow("injection") << u"x\"; DROP TABLE t; --"_s
                                   << u"\"x\"\"; DROP TABLE t; --\""_s;
        QTest::newRow("unicode") << u"naïve 表 🚀"_s << u"\"naïve 表 🚀\""_s;
    }

    void quoting()
    {
        QFETCH(QString, name);
        QFETCH(QString, quoted);
        QCOMPARE(SqliteDialect().quote(name), quoted);
    }

    void backtickQuoting()
    {
        QCOMPARE(quoteIdentifierWith(u"a`b"_s, u'`'), u"`a``b`"_s);
    }

    void rejectsNulAndEmpty()
    {
        QVERIFY_THROWS_EXCEPTION(DbError, quoteIdentifierWith(u"a"_s + QChar(u'\0') + u"b"_s, u'"'));
        QVERIFY_THROWS_EXCEPTION(DbError, quoteIdentifierWith(QString(), u'"'));
    }

    void hostileNamesMirrorEndToEnd()
    {
        MirrorFixture f;
        const QString table = u"order \"details\"; --"_s;
        const SqliteDialect d;
        f.source(u"CREATE TABLE "_s + d.quote(table) + u" ("_s + d.quote(u"key"_s)
                 + u" INTEGER PRIMARY KEY, "_s + d.quote(u"select"_s) + u" TEXT, "_s
                 + d.quote(u"from"_s) + u" INTEGER, "_s + d.quote(u"naïve column 表"_s)
                 + u" TEXT, "_s + d.quote(u"a\"b"_s) + u" TEXT, "_s + d.quote(u"order"_s)
                 + u" TEXT)"_s);
        for (int i = 1; i <= 25; ++i)
            f.source(u"INSERT INTO "_s + d.quote(table) + u" VALUES (?, ?, ?, ?, ?, ?)"_s,
                     {i, u"sel'ect %1"_s.arg(i), i * 2, u"ünï 表 %1"_s.arg(i), u"q\"%1"_s.arg(i),
                      u"ord%1"_s.arg(i)});
        f.addMapping(u"details"_s, table, u"mirror of "_s + table, u"order"_s);
        QCOMPARE(f.run(OperationKind::Prepare, u"details"_s).run.result, u"ok"_s);
        QCOMPARE(f.run(OperationKind::Sync, u"details"_s).run.result, u"ok"_s);
        QCOMPARE(f.run(OperationKind::Backfill, u"details"_s).run.result, u"skipped"_s);
        f.source(u"DELETE FROM "_s + d.quote(table) + u" WHERE "_s + d.quote(u"key"_s)
                 + u" <= 3"_s);
        QCOMPARE(f.run(OperationKind::Sweep, u"details"_s).run.rowsDeleted, 3);
        QCOMPARE(f.compare(u"details"_s), QString());
    }
};

QTEST_GUILESS_MAIN(TestIdentifier)
#include "tst_identifier.moc"
