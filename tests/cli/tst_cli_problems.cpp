// tidemark-cli reports every problem at once: sync, backfill, sweep and status name each one
// that validate would (a missing source table AND a mirror that was never prepared, a missing
// column AND a missing cursor column, one mapping's missing table AND another's missing state
// table), exit 2 and write nothing. And validate's cursor warnings: printed, exit code 0, and
// carried per mapping in `status --json`.

#include "clitestsupport.h"

#include <QJsonArray>
#include <QTemporaryDir>

using namespace Qt::StringLiterals;
using namespace clitest;

namespace {

const QString kOrdersDdl = u"CREATE TABLE orders (id INTEGER PRIMARY KEY, customer TEXT NOT NULL,"
                           " updated_at TEXT)"_s;
const QString kItemsDdl = u"CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT,"
                          " version INTEGER NOT NULL)"_s;

QJsonObject mappingJson(const QString &name, const QString &sourceTable, const QString &cursor,
                        qint64 lookback = 30, const QJsonArray &columns = {})
{
    QJsonObject m{{u"name"_s, name},
                  {u"source"_s, tableRef(u"src"_s, sourceTable)},
                  {u"mirror"_s, tableRef(u"mirror"_s, name)},
                  {u"deletes"_s, u"sweep"_s},
                  {u"lookback_s"_s, lookback}};
    if (!cursor.isEmpty())
        m[u"cursor"_s] = QJsonObject{{u"column"_s, cursor}};
    if (!columns.isEmpty())
        m[u"columns"_s] = columns;
    return m;
}

QJsonObject project(const QJsonArray &mappings)
{
    const QJsonObject connections{
            {u"src"_s, QJsonObject{{u"driver"_s, u"sqlite"_s}, {u"database"_s, u"source.db"_s}}},
            {u"mirror"_s,
             QJsonObject{{u"driver"_s, u"sqlite"_s}, {u"database"_s, u"mirror.db"_s}}}};
    return {{u"tidemark"_s, 1}, {u"connections"_s, connections}, {u"mappings"_s, mappings}};
}

// A project folder: source.db with `orders` and `items` (two rows each), no mirror.db yet.
class Folder
{
public:
    bool isValid() const { return m_dir.isValid(); }
    QString path(const QString &name) const { return m_dir.filePath(name); }

    QString createSource() const
    {
        const SqliteFile db(path(u"source.db"_s));
        for (const QString &sql : {kOrdersDdl, kItemsDdl,
                                   u"INSERT INTO orders VALUES (1, 'a', '2026-01-01 00:00:01'),"
                                   " (2, 'b', '2026-01-01 00:00:02')"_s,
                                   u"INSERT INTO items VALUES (1, 'x', 1), (2, 'y', 2)"_s})
            if (const QString e = db.exec(sql); !e.isEmpty())
                return e;
        return {};
    }
    bool writeProject(const QJsonObject &o) const { return writeJson(path(u"tidemark.json"_s), o); }
    CliResult cli(const QString &command, const QStringList &extra = {}) const
    {
        return runCli(QStringList{command, u"--project"_s, path(u"tidemark.json"_s)} + extra,
                      m_dir.path());
    }

private:
    QTemporaryDir m_dir;
};

} // namespace

class TestCliProblems : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void everyProblemNamed_data();
    void everyProblemNamed();
    void validateWarnsAndPasses();
    void statusJsonCarriesWarnings();
};

void TestCliProblems::initTestCase()
{
    QVERIFY2(QFileInfo(cliPath()).isExecutable(),
             "TIDEMARK_CLI is not set to the built tidemark-cli: run this test through ctest");
}

void TestCliProblems::everyProblemNamed_data()
{
    QTest::addColumn<QString>("command");
    QTest::addColumn<QJsonObject>("project");
    // "none": mirror.db absent; "tables": mirror.db holds the mirror tables but no state table.
    QTest::addColumn<QString>("mirror");
    QTest::addColumn<QStringList>("problems"); // each must appear on stderr

    const QString sourceGone = u"source table 'orders_gone' does not exist"_s;
    const QString mirrorFile = u"the mirror database file"_s;
    for (const QString &command : {u"sync"_s, u"backfill"_s, u"sweep"_s, u"status"_s}) {
        // The case of issue 10: a missing source table and a mirror never prepared. Before,
        // sync said only "run prepare" and never named the missing source table.
        QTest::addRow("%s: source table missing, mirror file absent", qPrintable(command))
                << command << project({mappingJson(u"orders"_s, u"orders_gone"_s, u"updated_at"_s)})
                << u"none"_s << QStringList{sourceGone, mirrorFile, u"prepare"_s};
        QTest::addRow("%s: missing column and missing cursor column", qPrintable(command))
                << command
                << project({mappingJson(u"orders"_s, u"orders"_s, u"changed_at"_s, 30,
                                        {u"id"_s, u"customer"_s, u"colour"_s, u"changed_at"_s})})
                << u"none"_s
                << QStringList{u"column 'colour' is not in source table 'orders'"_s,
                               u"cursor column 'changed_at' is not in source table 'orders'"_s,
                               mirrorFile};
        QTest::addRow("%s: two mappings, two problems, mirror file absent", qPrintable(command))
                << command
                << project({mappingJson(u"orders"_s, u"orders_gone"_s, u"updated_at"_s),
                            mappingJson(u"items"_s, u"items_gone"_s, u"version"_s)})
                << u"none"_s
                << QStringList{sourceGone, u"source table 'items_gone' does not exist"_s,
                               mirrorFile};
    }
    for (const QString &command : {u"sync"_s, u"backfill"_s, u"sweep"_s}) {
        // One mapping's source table is gone; the other is fine but its mirror has never been
        // prepared (no state table): both are named.
        QTest::addRow("%s: source table missing, other mapping unprepared", qPrintable(command))
                << command
                << project({mappingJson(u"orders"_s, u"orders_gone"_s, u"updated_at"_s),
                            mappingJson(u"items"_s, u"items"_s, u"version"_s)})
                << u"tables"_s
                << QStringList{sourceGone,
                               u"mapping 'items': the state table '_tidemark_state' "
                               "is missing"_s,
                               u"2 problems"_s};
    }
}

void TestCliProblems::everyProblemNamed()
{
    QFETCH(QString, command);
    QFETCH(QJsonObject, project);
    QFETCH(QString, mirror);
    QFETCH(QStringList, problems);

    Folder f;
    QVERIFY(f.isValid());
    SQL_OK(f.createSource());
    QVERIFY(f.writeProject(project));
    const QString mirrorPath = f.path(u"mirror.db"_s);
    if (mirror == u"tables") {
        const SqliteFile db(mirrorPath);
        SQL_OK(db.exec(kItemsDdl));
    }
    const QByteArray before = fileHash(mirrorPath);

    const CliResult r = f.cli(command);
    CLI_EXIT(r, 2);
    for (const QString &problem : problems)
        QVERIFY2(r.err.contains(problem),
                 qPrintable(u"stderr does not name '%1':\n%2"_s.arg(problem, r.err)));
    // Nothing written: no mirror file created, an existing one unchanged byte for byte.
    if (mirror == u"none")
        QVERIFY2(!QFileInfo::exists(mirrorPath),
                 qPrintable(u"`%1` exited 2 but created %2"_s.arg(command, mirrorPath)));
    else
        QCOMPARE(fileHash(mirrorPath), before);
}

void TestCliProblems::validateWarnsAndPasses()
{
    Folder f;
    QVERIFY(f.isValid());
    SQL_OK(f.createSource());
    // orders: a text cursor, no index, no trigger. items: an integer version at lookback 0.
    QVERIFY(f.writeProject(project({mappingJson(u"orders"_s, u"orders"_s, u"updated_at"_s),
                                    mappingJson(u"items"_s, u"items"_s, u"version"_s, 0)})));
    const CliResult r = f.cli(u"validate"_s);
    CLI_EXIT(r, 0);
    const QStringList warnings = r.out.split(u'\n').filter(QRegularExpression(u"^warning: "_s));
    const auto hasWarning = [&](const QStringList &words) {
        return std::any_of(warnings.cbegin(), warnings.cend(), [&](const QString &line) {
            return std::all_of(words.cbegin(), words.cend(),
                               [&](const QString &w) { return line.contains(w); });
        });
    };
    QVERIFY2(hasWarning({u"mapping 'orders'"_s, u"'updated_at'"_s, u"'orders'"_s, u"is text"_s}),
             r.describe());
    QVERIFY2(hasWarning(
                     {u"mapping 'orders'"_s, u"'updated_at'"_s, u"no index"_s, u"CREATE INDEX"_s}),
             r.describe());
    QVERIFY2(hasWarning({u"mapping 'orders'"_s, u"'updated_at'"_s,
                         u"the application must set it on every update"_s}),
             r.describe());
    QVERIFY2(hasWarning({u"mapping 'items'"_s, u"'version'"_s, u"'items'"_s, u"is an integer"_s,
                         u"lookback_s"_s}),
             r.describe());
    QVERIFY2(r.out.contains(u"project OK: 2 mappings checked, 6 warnings"_s), r.describe());

    // The same table with an index on the cursor and a trigger that moves it, and a lookback:
    // the index and update warnings go; the text cursor still warns.
    {
        const SqliteFile db(f.path(u"source.db"_s));
        SQL_OK(db.exec(u"CREATE INDEX orders_updated ON orders (updated_at, id)"_s));
        SQL_OK(db.exec(u"CREATE TRIGGER orders_touch AFTER UPDATE OF customer ON orders BEGIN"
                       " UPDATE orders SET updated_at = strftime('%Y-%m-%d %H:%M:%f', 'now')"
                       " WHERE id = NEW.id; END"_s));
    }
    QVERIFY(f.writeProject(project({mappingJson(u"orders"_s, u"orders"_s, u"updated_at"_s)})));
    const CliResult fixed = f.cli(u"validate"_s);
    CLI_EXIT(fixed, 0);
    QCOMPARE(fixed.out.count(u"warning: "_s), 1);
    QVERIFY2(fixed.out.contains(u"is text"_s), fixed.describe());
}

void TestCliProblems::statusJsonCarriesWarnings()
{
    Folder f;
    QVERIFY(f.isValid());
    SQL_OK(f.createSource());
    {
        const SqliteFile db(f.path(u"source.db"_s));
        SQL_OK(db.exec(u"CREATE INDEX items_version ON items (version)"_s));
        SQL_OK(db.exec(u"CREATE TRIGGER items_bump AFTER UPDATE OF name ON items BEGIN"
                       " UPDATE items SET version = version + 1 WHERE id = NEW.id; END"_s));
    }
    // items is fine; orders has a text cursor.
    QVERIFY(f.writeProject(project({mappingJson(u"orders"_s, u"orders"_s, u"updated_at"_s),
                                    mappingJson(u"items"_s, u"items"_s, u"version"_s, 5)})));
    CLI_EXIT(f.cli(u"prepare"_s), 0);
    const CliResult r = f.cli(u"status"_s, {u"--json"_s});
    CLI_EXIT(r, 0);
    const QJsonArray mappings =
            QJsonDocument::fromJson(r.out.toUtf8()).object().value(u"mappings"_s).toArray();
    QCOMPARE(mappings.size(), 2);
    for (const QJsonValue &v : mappings) {
        const QJsonObject m = v.toObject();
        QVERIFY2(m.value(u"warnings"_s).isArray(), r.describe());
        const QJsonArray warnings = m.value(u"warnings"_s).toArray();
        if (m.value(u"name"_s).toString() == u"items") {
            QVERIFY2(warnings.isEmpty(), r.describe());
            continue;
        }
        QCOMPARE(warnings.size(), 3);
        QVERIFY2(warnings.at(0).toString().contains(u"cursor column 'updated_at' of source "
                                                    "table 'orders' is text"_s),
                 r.describe());
    }
    // Everything SPEC lists is still there.
    for (const QString &field : {u"name"_s, u"state"_s, u"source_rows"_s, u"mirror_rows"_s,
                                 u"backlog"_s, u"orphans"_s, u"checkpoint"_s, u"last_run"_s})
        QVERIFY2(mappings.at(0).toObject().contains(field), qPrintable(field));
}

QTEST_GUILESS_MAIN(TestCliProblems)
#include "tst_cli_problems.moc"
