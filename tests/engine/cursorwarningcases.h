#pragma once
// validate's cursor warnings (sync/cursorwarnings.h) checked on a real source table of each
// dialect: tst_cursorwarnings runs the SQLite cases (always), tst_cursorwarnings_servers the
// PostgreSQL and MariaDB ones (label `server`). Each case creates the source table with the
// cursor column `c`, runs the extra DDL (an index, a trigger), checks the project the way
// validate does, and compares the kinds of warning that came back with the expected ones:
// each must appear when it should and not when the table is fine.

#include "db/connectionset.h"
#include "pairfixture.h"
#include "sync/projectchecker.h"

#include <QTest>

#include <optional>

namespace tidemark::test {

// Each kind of warning and the words that identify its message.
inline const QList<std::pair<QString, QString>> &cursorWarningKinds()
{
    static const QList<std::pair<QString, QString>> kinds{
            {QStringLiteral("text"), QStringLiteral("is text (")},
            {QStringLiteral("seconds"), QStringLiteral("whole seconds or coarser")},
            {QStringLiteral("integer"), QStringLiteral("is an integer (")},
            {QStringLiteral("index"), QStringLiteral("has no index whose first column")},
            {QStringLiteral("update"),
             QStringLiteral("the application must set it on every update")},
    };
    return kinds;
}

inline void addCursorWarningColumns()
{
    QTest::addColumn<QString>("cursorType");
    QTest::addColumn<qint64>("lookback");
    QTest::addColumn<QStringList>("ddl");      // %T: the table's name
    QTest::addColumn<QStringList>("expected"); // kinds, see cursorWarningKinds()
}

// An index led by the cursor, as a fine table has.
inline QString cursorIndexDdl()
{
    return QStringLiteral("CREATE INDEX %T_c ON %T (c, id)");
}

// The rows every dialect shares: a cursor of `type` at lookback 30 on a fine table, then with
// the index or the update trigger taken away in turn. `touch` creates an UPDATE trigger that
// moves c; `insertOnly` an INSERT trigger that sets it (which moves nothing on update).
inline void addIndexAndUpdateRows(const QString &type, const QStringList &touch,
                                  const QStringList &insertOnly)
{
    const QStringList index{cursorIndexDdl()};
    const QStringList otherIndex{QStringLiteral("CREATE INDEX %T_ic ON %T (id, c)")};
    QTest::newRow("fine") << type << qint64(30) << index + touch << QStringList{};
    QTest::newRow("no index") << type << qint64(30) << touch
                              << QStringList{QStringLiteral("index")};
    QTest::newRow("index led by another column")
            << type << qint64(30) << otherIndex + touch << QStringList{QStringLiteral("index")};
    QTest::newRow("nothing moves it on update")
            << type << qint64(30) << index << QStringList{QStringLiteral("update")};
    QTest::newRow("insert trigger only")
            << type << qint64(30) << index + insertOnly << QStringList{QStringLiteral("update")};
}

// Runs the current data row against a source of `kind` (a SQLite file, or the test server).
inline void checkCursorWarnings(DriverKind kind, const std::optional<ConnectionConfig> &server)
{
    QFETCH(QString, cursorType);
    QFETCH(qint64, lookback);
    QFETCH(QStringList, ddl);
    QFETCH(QStringList, expected);

    PairFixture f(kind, DriverKind::Sqlite, server, std::nullopt);
    QVERIFY2(f.setupError().isEmpty(), qPrintable(f.setupError()));
    const QString table = f.tableName(QStringLiteral("cw"));
    const auto column = [](const QString &name, const QString &type) {
        return PairColumn{name, ValueClass::Unknown, type, type, type};
    };
    f.createTable(Side::Source, table,
                  {column(QStringLiteral("id"), QStringLiteral("INTEGER NOT NULL")),
                   column(QStringLiteral("c"), cursorType),
                   column(QStringLiteral("v"), QStringLiteral("VARCHAR(20)"))},
                  {QStringLiteral("id")});
    for (QString statement : ddl)
        f.exec(Side::Source, statement.replace(QStringLiteral("%T"), table));
    const auto dropFunctions = [&] {
        if (kind == DriverKind::Postgres) // a trigger's function outlives its table
            f.exec(Side::Source,
                   QStringLiteral("DROP FUNCTION IF EXISTS %1_fn() CASCADE").arg(table));
    };
    MappingConfig &m = f.addMapping(QStringLiteral("cw"), table, table, QStringLiteral("c"));
    m.lookback = lookback;

    ProjectCheck check;
    {
        ConnectionSet connections(f.project(), QStringLiteral("cursorwarnings"));
        check = checkProject(f.project(), connections, m.name, false);
    }
    dropFunctions();
    QStringList problems;
    for (const ProjectError &e : check.errors)
        problems << e.toString();
    // Warnings never fail the check.
    QVERIFY2(check.ok(), qPrintable(problems.join(u'\n')));
    QCOMPARE(check.mappings.size(), 1);

    QStringList found;
    for (const ProjectError &w : check.warnings) {
        // Each names the mapping, the table and the column.
        QCOMPARE(w.where, QStringLiteral("mapping '%1'").arg(m.name));
        QVERIFY2(w.message.contains(u'\'' + table + u'\''), qPrintable(w.message));
        QVERIFY2(w.message.contains(QStringLiteral("'c'")), qPrintable(w.message));
        QString kindFound;
        for (const auto &[name, words] : cursorWarningKinds())
            if (w.message.contains(words))
                kindFound = name;
        QVERIFY2(!kindFound.isEmpty(),
                 qPrintable(QStringLiteral("a warning of no known kind: ") + w.message));
        found << kindFound;
    }
    QCOMPARE(check.warningsOf(m.name).size(), check.warnings.size());
    found.sort();
    expected.sort();
    QCOMPARE(found, expected);
}

// A key named in the project whose column allows NULL: rows with a NULL key never reach the
// mirror, so validate warns; a NOT NULL named key and the primary key do not.
inline void checkKeyWarnings(DriverKind kind, const std::optional<ConnectionConfig> &server)
{
    PairFixture f(kind, DriverKind::Sqlite, server, std::nullopt);
    QVERIFY2(f.setupError().isEmpty(), qPrintable(f.setupError()));
    const QString table = f.tableName(QStringLiteral("kw"));
    const auto column = [](const QString &name, const QString &type) {
        return PairColumn{name, ValueClass::Unknown, type, type, type};
    };
    f.createTable(Side::Source, table,
                  {column(QStringLiteral("id"), QStringLiteral("INTEGER NOT NULL")),
                   column(QStringLiteral("code"), QStringLiteral("VARCHAR(20)")),
                   column(QStringLiteral("code2"), QStringLiteral("VARCHAR(20) NOT NULL"))},
                  {QStringLiteral("id")});
    const QList<std::pair<QStringList, int>> cases{
            {{}, 0}, {{QStringLiteral("id")}, 0}, {{QStringLiteral("code2")}, 0},
            {{QStringLiteral("code")}, 1}, {{QStringLiteral("code2"), QStringLiteral("code")}, 1}};
    for (const auto &[key, expected] : cases) {
        MappingConfig &m = f.addMapping(QStringLiteral("kw%1").arg(key.join(u'_')), table, table);
        m.key = key;
        const QString name = m.name;
        ProjectCheck check;
        {
            ConnectionSet connections(f.project(), QStringLiteral("keywarnings"));
            check = checkProject(f.project(), connections, name, false);
        }
        QVERIFY2(check.ok(), qPrintable(check.errors.value(0).toString()));
        const QStringList warnings = check.warningsOf(name);
        QVERIFY2(warnings.size() == expected,
                 qPrintable(QStringLiteral("key (%1): %2 warnings, expected %3")
                                    .arg(key.join(u", "))
                                    .arg(warnings.size())
                                    .arg(expected)));
        for (const QString &w : warnings) {
            QVERIFY2(w.contains(QStringLiteral("key column 'code'"))
                             && w.contains(u'\'' + table + u'\'')
                             && w.contains(QStringLiteral("allows NULL")),
                     qPrintable(w));
        }
    }
}

} // namespace tidemark::test
