// validate's cursor warnings on a SQLite source (cursorwarningcases.h): a text cursor, a
// whole-second or integer cursor at lookback 0, no index led by the cursor, and no UPDATE
// trigger that moves it; and none of them where the table is fine.

#include "cursorwarningcases.h"

using namespace Qt::StringLiterals;
using namespace tidemark;

class TestCursorWarnings : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void sqlite_data();
    void sqlite() { test::checkCursorWarnings(DriverKind::Sqlite, std::nullopt); }
    void nullableKey() { test::checkKeyWarnings(DriverKind::Sqlite, std::nullopt); }
};

void TestCursorWarnings::sqlite_data()
{
    test::addCursorWarningColumns();
    const QString index = test::cursorIndexDdl();
    const QString touchText = u"CREATE TRIGGER %T_touch AFTER UPDATE OF v ON %T BEGIN"
                              " UPDATE %T SET c = strftime('%Y-%m-%d %H:%M:%f', 'now')"
                              " WHERE id = NEW.id; END"_s;
    const QString touchInteger = u"CREATE TRIGGER %T_touch AFTER UPDATE OF v ON %T BEGIN"
                                 " UPDATE %T SET c = c + 1 WHERE id = NEW.id; END"_s;
    test::addIndexAndUpdateRows(u"TIMESTAMP"_s, {touchText},
                                {u"CREATE TRIGGER %T_ins AFTER INSERT ON %T BEGIN UPDATE %T"
                                 " SET c = datetime('now') WHERE id = NEW.id; END"_s});
    QTest::newRow("update trigger that leaves the cursor alone")
            << u"TIMESTAMP"_s << qint64(30)
            << QStringList{index,
                           u"CREATE TRIGGER %T_v AFTER UPDATE ON %T BEGIN UPDATE %T"
                           " SET v = upper(NEW.v) WHERE id = NEW.id; END"_s}
            << QStringList{u"update"_s};
    QTest::newRow("text, nothing else") << u"TEXT"_s << qint64(30) << QStringList{}
                                        << QStringList{u"text"_s, u"index"_s, u"update"_s};
    QTest::newRow("text, indexed and touched")
            << u"TEXT"_s << qint64(0) << QStringList{index, touchText} << QStringList{u"text"_s};
    QTest::newRow("date, lookback 0")
            << u"DATE"_s << qint64(0) << QStringList{index, touchText} << QStringList{u"seconds"_s};
    QTest::newRow("date, lookback 86400")
            << u"DATE"_s << qint64(86400) << QStringList{index, touchText} << QStringList{};
    QTest::newRow("integer, lookback 0")
            << u"INTEGER"_s << qint64(0) << QStringList{index, touchInteger}
            << QStringList{u"integer"_s};
    QTest::newRow("integer, lookback 10, fine")
            << u"INTEGER"_s << qint64(10) << QStringList{index, touchInteger} << QStringList{};
    // SQLite declares no fractional digits: the catalog cannot tell whole seconds.
    QTest::newRow("timestamp, lookback 0, fine")
            << u"TIMESTAMP"_s << qint64(0) << QStringList{index, touchText} << QStringList{};
}

QTEST_GUILESS_MAIN(TestCursorWarnings)
#include "tst_cursorwarnings.moc"
