// tidemark-cli end to end: the real binary against SQLite files, checked against SPEC.md's
// contract (commands, exit codes 0/2/3, status --json). Every bad input must exit 2, name its
// culprit on stderr and write nothing; every sync must leave the mirror equal to the source
// row for row.

#include "clitestsupport.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

using namespace clitest;
using namespace Qt::StringLiterals;

namespace {

constexpr int kOrders = 100;

// The cursor value of order `i`: one second apart, so a lookback of 30 s covers 30 rows.
QString stamp(int i)
{
    return QDateTime(QDate(2024, 3, 1), QTime(12, 0), QTimeZone::utc())
            .addSecs(i)
            .toString(u"yyyy-MM-dd HH:mm:ss.zzz"_s);
}

QVariantList orderRow(int id, int cursorIndex)
{
    return {id, u"customer %1"_s.arg(id), id * 1.25, stamp(cursorIndex)};
}

QString insertOrders(const SqliteFile &db, int from, int to)
{
    QList<QVariantList> rows;
    for (int i = from; i <= to; ++i)
        rows << orderRow(i, i);
    return db.execMany(u"INSERT INTO orders VALUES (?, ?, ?, ?)"_s, rows);
}

// Both fixture tables as a user would declare them; the mirror's hand-made copy uses the same DDL.
const QString kOrdersDdl = u"CREATE TABLE orders (id INTEGER PRIMARY KEY, customer TEXT NOT NULL, "
                           "total REAL, updated_at TEXT)"_s;
const QString kCustomersDdl = u"CREATE TABLE customers (code TEXT NOT NULL, region TEXT NOT NULL, "
                              "name TEXT, PRIMARY KEY (code, region))"_s;

// Two mappings: "orders" (integer key, timestamp cursor) and "customers" (composite key, no
// cursor, so synced by full keyset passes).
QJsonObject baseProject()
{
    const QJsonObject connections{
            {u"src"_s, QJsonObject{{u"driver"_s, u"sqlite"_s}, {u"database"_s, u"source.db"_s}}},
            {u"mirror"_s,
             QJsonObject{{u"driver"_s, u"sqlite"_s}, {u"database"_s, u"mirror.db"_s}}}};
    const QJsonObject orders{{u"name"_s, u"orders"_s},
                             {u"source"_s, tableRef(u"src"_s, u"orders"_s)},
                             {u"mirror"_s, tableRef(u"mirror"_s, u"orders"_s)},
                             {u"cursor"_s, QJsonObject{{u"column"_s, u"updated_at"_s}}},
                             {u"deletes"_s, u"sweep"_s},
                             {u"interval_s"_s, 1},
                             {u"batch_rows"_s, 40},
                             {u"lookback_s"_s, 30},
                             {u"max_sweep_fraction"_s, 0.5}};
    const QJsonObject customers{{u"name"_s, u"customers"_s},
                                {u"source"_s, tableRef(u"src"_s, u"customers"_s)},
                                {u"mirror"_s, tableRef(u"mirror"_s, u"customers"_s)},
                                {u"key"_s, QJsonArray{u"code"_s, u"region"_s}},
                                {u"deletes"_s, u"sweep"_s},
                                {u"batch_rows"_s, 7}};
    return {{u"tidemark"_s, 1},
            {u"connections"_s, connections},
            {u"mappings"_s, QJsonArray{orders, customers}}};
}

QJsonObject mapping(const QJsonObject &project, int i)
{
    return project.value(u"mappings"_s).toArray().at(i).toObject();
}

QJsonObject withMapping(QJsonObject project, int i, const QJsonObject &m)
{
    QJsonArray list = project.value(u"mappings"_s).toArray();
    list[i] = m;
    project[u"mappings"_s] = list;
    return project;
}

QJsonObject withConnection(QJsonObject project, const QString &name, const QJsonObject &c)
{
    QJsonObject list = project.value(u"connections"_s).toObject();
    list[name] = c;
    project[u"connections"_s] = list;
    return project;
}

QByteArray json(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Indented);
}

// Built once by initTestCase: source.db, and mirror.db after `prepare` + `sync` of
// baseProject(). Fixtures copy them, so the ~150 bad-input rows cost file copies, not CLI runs.
QString g_templateDir;

// A project folder in a temporary directory: source.db with both tables filled, mirror.db
// (absent until something creates it), tidemark.json, and a HOME of its own.
class Fixture
{
public:
    Fixture()
    {
        QDir(m_tmp.path()).mkpath(u"home"_s);
        QDir(m_tmp.path()).mkpath(u"project"_s);
    }

    bool isValid() const { return m_tmp.isValid(); }
    QString home() const { return m_tmp.filePath(u"home"_s); }
    QString dir() const { return m_tmp.filePath(u"project"_s); }
    QString path(const QString &name) const { return QDir(dir()).filePath(name); }
    QString source() const { return path(u"source.db"_s); }
    QString mirror() const { return path(u"mirror.db"_s); }
    QString projectFile() const { return path(u"tidemark.json"_s); }

    QString createSource() const
    {
        if (g_templateDir.isEmpty())
            return buildSource();
        return QFile::copy(QDir(g_templateDir).filePath(u"source.db"_s), source())
                ? QString()
                : u"cannot copy the template source.db"_s;
    }

    QString buildSource(int orders = kOrders) const
    {
        const SqliteFile db(source());
        QString e = db.exec(kOrdersDdl);
        if (e.isEmpty())
            e = db.exec(kCustomersDdl);
        if (e.isEmpty())
            e = insertOrders(db, 1, orders);
        if (e.isEmpty()) {
            QList<QVariantList> rows;
            for (int i = 1; i <= 20; ++i)
                rows << QVariantList{u"C%1"_s.arg(i % 7), u"region-%1"_s.arg(i),
                                     u"name %1"_s.arg(i)};
            e = db.execMany(u"INSERT INTO customers VALUES (?, ?, ?)"_s, rows);
        }
        return e;
    }

    bool writeProject(const QByteArray &bytes) const { return writeFile(projectFile(), bytes); }
    bool writeProject(const QJsonObject &o) const { return writeProject(json(o)); }

    // tidemark-cli COMMAND [args] --project <this project>, run in the project folder.
    CliResult cli(const QString &command, const QStringList &args = {}, int timeoutMs = 60000) const
    {
        return runCli(QStringList{command} + args + QStringList{u"--project"_s, projectFile()},
                      home(), dir(), timeoutMs);
    }

    QString compare(const QString &table) const
    {
        return compareTables(source(), mirror(), table,
                             table == u"customers"_s ? QStringList{u"code"_s, u"region"_s}
                                                     : QStringList{u"id"_s});
    }

    // The mirror table's rows, in key order (to show that a refused or dry-run sweep kept them).
    QueryResult mirrorRows(const QString &table = u"orders"_s) const
    {
        const SqliteFile db(mirror());
        return dumpTable(mirror(), table, db.columns(table),
                         table == u"customers"_s ? QStringList{u"code"_s, u"region"_s}
                                                 : QStringList{u"id"_s});
    }

    QJsonObject status(QString *error) const
    {
        const CliResult r = cli(u"status"_s, {u"--json"_s});
        if (r.exitCode != 0) {
            *error = QString::fromUtf8(r.describe());
            return {};
        }
        QJsonParseError pe;
        const QJsonDocument doc = QJsonDocument::fromJson(r.out.toUtf8(), &pe);
        if (pe.error != QJsonParseError::NoError || !doc.isObject()) {
            *error =
                    u"status --json printed no JSON object (%1): %2"_s.arg(pe.errorString(), r.out);
            return {};
        }
        return doc.object();
    }

private:
    QTemporaryDir m_tmp;
};

QJsonObject findMapping(const QJsonObject &status, const QString &name)
{
    for (const QJsonValue &v : status.value(u"mappings"_s).toArray())
        if (v.toObject().value(u"name"_s).toString() == name)
            return v.toObject();
    return {};
}

// Before-and-after picture of the mirror for "writes nothing": whether the file exists, its
// bytes, and whether Tidemark's state table was there.
struct MirrorSnapshot
{
    bool exists = false;
    QByteArray hash;
    bool hasStateTable = false;

    static MirrorSnapshot take(const QString &path)
    {
        MirrorSnapshot s;
        s.exists = QFileInfo::exists(path);
        if (!s.exists)
            return s;
        s.hash = fileHash(path); // before opening: reading must not count as a change
        const SqliteFile db(path);
        s.hasStateTable = db.tableExists(u"_tidemark_state"_s);
        return s;
    }
};

enum class MirrorState { Absent, Unprepared, Prepared };

QString mirrorStateName(MirrorState s)
{
    switch (s) {
    case MirrorState::Absent: return u"mirror absent"_s;
    case MirrorState::Unprepared: return u"mirror not prepared"_s;
    case MirrorState::Prepared: return u"mirror prepared"_s;
    }
    return {};
}

// Creates the mirror of `state`. Prepared: prepare and sync ran with the good project.
QString setUpMirror(const Fixture &f, MirrorState state)
{
    if (state == MirrorState::Unprepared) {
        // An existing database that is not (yet) Tidemark's: another application's table in it.
        const SqliteFile db(f.mirror());
        QString e = db.exec(u"CREATE TABLE unrelated (x TEXT)"_s);
        return e.isEmpty() ? db.exec(u"INSERT INTO unrelated VALUES ('keep me')"_s) : e;
    }
    if (state == MirrorState::Prepared) {
        if (!f.writeProject(baseProject()))
            return u"cannot write the project"_s;
        if (!QFile::copy(QDir(g_templateDir).filePath(u"mirror.db"_s), f.mirror()))
            return u"cannot copy the template mirror.db"_s;
    }
    return {};
}

} // namespace

class TestCli : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void badInputWritesNothing_data();
    void badInputWritesNothing();

    void syncBeforePrepare_data();
    void syncBeforePrepare();

    void validateGoodProject_data();
    void validateGoodProject();

    void readOnlyCommandsWriteNothing_data();
    void readOnlyCommandsWriteNothing();

    void sweepRefuses_data();
    void sweepRefuses();
    void sweepDeletesExactlyTheDeletedRows();
    void sweepDryRunDeletesNothing();

    void backfillGate();

    void statusJson();

    void quotedNames();

private:
    QTemporaryDir m_template;
};

void TestCli::initTestCase()
{
    const QString cli = cliPath();
    QVERIFY2(!cli.isEmpty(),
             "TIDEMARK_CLI is not set: run this test through ctest, or set TIDEMARK_CLI to the "
             "built tidemark-cli");
    QVERIFY2(QFileInfo(cli).isExecutable(),
             qPrintable(u"TIDEMARK_CLI='%1' is not an executable file"_s.arg(cli)));

    QVERIFY(m_template.isValid());
    Fixture f;
    SQL_OK(f.buildSource());
    QVERIFY(f.writeProject(baseProject()));
    CLI_EXIT(f.cli(u"prepare"_s), 0);
    CLI_EXIT(f.cli(u"sync"_s), 0);
    SQL_OK(f.compare(u"orders"_s));
    SQL_OK(f.compare(u"customers"_s));
    QVERIFY(QFile::copy(f.source(), m_template.filePath(u"source.db"_s)));
    QVERIFY(QFile::copy(f.mirror(), m_template.filePath(u"mirror.db"_s)));
    g_templateDir = m_template.path();
}

// ---------------------------------------------------------------------------------------------
// Bad input: exit 2, the culprit named on stderr, the mirror untouched.

void TestCli::badInputWritesNothing_data()
{
    QTest::addColumn<QByteArray>("project");
    QTest::addColumn<QString>("command");
    QTest::addColumn<QStringList>("extraArgs");
    QTest::addColumn<int>("mirrorState");
    QTest::addColumn<QStringList>("culprits");
    QTest::addColumn<QString>("secret");

    struct Case
    {
        const char *name;
        QByteArray project;
        QStringList culprits;
        QStringList extraArgs = {};
        QString secret = {};
        QString onlyCommand = {}; // the case is itself the command
        bool live = false;        // found only by connecting; see below
    };
    const QJsonObject base = baseProject();
    QList<Case> cases;

    // The comma after line 3 is missing: the parser stops at line 4 (column 3 is the opening
    // quote of "mappings"; Qt reports column 4, just inside it, which is close enough).
    cases << Case{"malformed JSON",
                  "{\n"
                  "  \"tidemark\": 1,\n"
                  "  \"connections\": { \"src\": { \"driver\": \"sqlite\", \"database\": "
                  "\"source.db\" } }\n"
                  "  \"mappings\": []\n"
                  "}\n",
                  {u"re:tidemark\\.json:4:[34]: malformed JSON"_s}};
    {
        const QJsonObject p = withConnection(
                base, u"src"_s,
                QJsonObject{{u"driver"_s, u"oracle"_s}, {u"database"_s, u"source.db"_s}});
        cases << Case{"unknown driver", json(p), {u"connections.src.driver"_s, u"'oracle'"_s}};
    }
    {
        QJsonObject m = mapping(base, 0);
        m[u"source"_s] = tableRef(u"srcx"_s, u"orders"_s);
        cases << Case{"unknown connection in a mapping",
                      json(withMapping(base, 0, m)),
                      {u"mappings[0].source.connection"_s, u"'srcx'"_s}};
    }
    {
        const QJsonObject p = withConnection(base, u"pg"_s,
                                             QJsonObject{{u"driver"_s, u"postgres"_s},
                                                         {u"host"_s, u"127.0.0.1"_s},
                                                         {u"database"_s, u"mirror"_s},
                                                         {u"user"_s, u"tidemark"_s},
                                                         {u"password"_s, u"hunter2-Sekr1t"_s}});
        cases << Case{"plaintext password",
                      json(p),
                      {u"connections.pg.password"_s, u"password_env"_s},
                      {},
                      u"hunter2-Sekr1t"_s};
    }
    {
        QJsonObject m = mapping(base, 0);
        m[u"mirror"_s] = tableRef(u"src"_s, u"orders"_s);
        cases << Case{"mirror onto itself, one connection",
                      json(withMapping(base, 0, m)),
                      {u"mappings[0].mirror"_s, u"onto itself"_s, u"'orders'"_s}};
    }
    {
        // Another spelling of the same file is the same database.
        QJsonObject p = withConnection(
                base, u"alias"_s,
                QJsonObject{{u"driver"_s, u"sqlite"_s}, {u"database"_s, u"./sub/../source.db"_s}});
        QJsonObject m = mapping(p, 0);
        m[u"mirror"_s] = tableRef(u"alias"_s, u"ORDERS"_s);
        cases << Case{"mirror onto itself, two connections to one file",
                      json(withMapping(p, 0, m)),
                      {u"mappings[0].mirror"_s, u"onto itself"_s, u"source.db"_s}};
    }
    {
        QJsonObject m = mapping(base, 1);
        m[u"name"_s] = u"orders"_s;
        cases << Case{"duplicate mapping names",
                      json(withMapping(base, 1, m)),
                      {u"mappings[1].name"_s, u"duplicate mapping name 'orders'"_s}};
    }
    {
        QJsonObject m = mapping(base, 0);
        m[u"key"_s] = QJsonArray{u"no_such_column"_s};
        cases << Case{"key column not in the table",
                      json(withMapping(base, 0, m)),
                      {u"'no_such_column'"_s, u"'orders'"_s},
                      {},
                      {},
                      {},
                      true};
    }
    {
        QJsonObject m = mapping(base, 0);
        m[u"source"_s] = tableRef(u"src"_s, u"orderz"_s);
        cases << Case{"missing source table",
                      json(withMapping(base, 0, m)),
                      {u"'orderz'"_s, u"does not exist"_s},
                      {},
                      {},
                      {},
                      true};
    }
    {
        const QJsonObject p = withConnection(
                base, u"src"_s,
                QJsonObject{{u"driver"_s, u"sqlite"_s}, {u"database"_s, u"nosuch.db"_s}});
        cases << Case{"missing SQLite database file",
                      json(p),
                      {u"nosuch.db"_s, u"does not exist"_s},
                      {},
                      {},
                      {},
                      true};
    }
    cases << Case{"unknown --mapping",
                  json(base),
                  {u"--mapping"_s, u"'nosuch'"_s},
                  {u"--mapping"_s, u"nosuch"_s}};
    cases << Case{"unknown option", json(base), {u"--frobnicate"_s}, {u"--frobnicate"_s}};
    cases << Case{"unknown command", json(base), {u"'synk'"_s}, {}, {}, u"synk"_s};

    const QStringList writers{u"prepare"_s, u"sync"_s, u"backfill"_s, u"sweep"_s};
    for (const Case &c : cases) {
        for (MirrorState state :
             {MirrorState::Absent, MirrorState::Unprepared, MirrorState::Prepared}) {
            QStringList commands = c.onlyCommand.isEmpty() ? writers : QStringList{c.onlyCommand};
            // Without a mirror file only `prepare` gets as far as the culprit: the others stop
            // at the missing mirror first (syncBeforePrepare covers that).
            if (state == MirrorState::Absent && c.onlyCommand.isEmpty())
                commands = {u"prepare"_s};
            for (const QString &command : commands)
                QTest::addRow("%s / %s / %s", c.name, qPrintable(command),
                              qPrintable(mirrorStateName(state)))
                        << c.project << command << c.extraArgs << int(state) << c.culprits
                        << c.secret;
        }
    }
}

void TestCli::badInputWritesNothing()
{
    QFETCH(QByteArray, project);
    QFETCH(QString, command);
    QFETCH(QStringList, extraArgs);
    QFETCH(int, mirrorState);
    QFETCH(QStringList, culprits);
    QFETCH(QString, secret);

    Fixture f;
    QVERIFY(f.isValid());
    SQL_OK(f.createSource());
    SQL_OK(setUpMirror(f, MirrorState(mirrorState)));
    QVERIFY(f.writeProject(project));

    const MirrorSnapshot before = MirrorSnapshot::take(f.mirror());
    const CliResult r = f.cli(command, extraArgs);
    CLI_EXIT(r, 2);
    // A culprit "re:..." is a regular expression, any other a plain substring.
    for (const QString &culprit : culprits) {
        const bool found = culprit.startsWith(u"re:"_s)
                ? r.err.contains(QRegularExpression(culprit.mid(3)))
                : r.err.contains(culprit);
        QVERIFY2(found, qPrintable(u"stderr does not name '%1':\n%2"_s.arg(culprit, r.err)));
    }
    if (!secret.isEmpty())
        QVERIFY2(!r.all().contains(secret),
                 qPrintable(u"the password value appears in the output:\n"_s + r.all()));

    // Bug (fails for prepare with a check that needs the databases: key column, missing source
    // table, missing source file): checkProject() opens the mirror with createIfMissing before
    // it resolves the mappings, so SQLite leaves an empty mirror.db behind a refused prepare.
    if (!before.exists) {
        QVERIFY2(!QFileInfo::exists(f.mirror()),
                 qPrintable(u"`%1` exited 2 but created the mirror database %2 (%3 bytes)"_s
                                    .arg(command, f.mirror())
                                    .arg(QFileInfo(f.mirror()).size())));
        return;
    }
    const MirrorSnapshot after = MirrorSnapshot::take(f.mirror());
    QVERIFY2(after.hash == before.hash,
             qPrintable(u"`%1` exited 2 but changed the bytes of %2"_s.arg(command, f.mirror())));
    QCOMPARE(after.hasStateTable, before.hasStateTable);
}

// ---------------------------------------------------------------------------------------------
// sync / backfill need `prepare` first, and say so; after it they copy every row.

void TestCli::syncBeforePrepare_data()
{
    QTest::addColumn<QString>("command");
    QTest::addColumn<QString>("mirrorSetup");

    for (const QString &command : {u"sync"_s, u"backfill"_s}) {
        // No mirror database at all (a new project), an empty one (as `demo` leaves it), and
        // one where the user created the mirror tables by hand but Tidemark never ran.
        for (const QString &setup : {u"absent"_s, u"empty database"_s, u"tables, no state"_s})
            QTest::addRow("%s / %s", qPrintable(command), qPrintable(setup)) << command << setup;
    }
}

void TestCli::syncBeforePrepare()
{
    QFETCH(QString, command);
    QFETCH(QString, mirrorSetup);

    Fixture f;
    QVERIFY(f.isValid());
    SQL_OK(f.createSource());
    QVERIFY(f.writeProject(baseProject()));
    if (mirrorSetup != u"absent"_s) {
        const SqliteFile db(f.mirror());
        SQL_OK(db.exec(u"PRAGMA user_version = 7"_s)); // a database file with a header
        if (mirrorSetup == u"tables, no state"_s) {
            SQL_OK(db.exec(kOrdersDdl));
            SQL_OK(db.exec(kCustomersDdl));
        }
    }

    const MirrorSnapshot before = MirrorSnapshot::take(f.mirror());
    // Bug (fails while the mirror file is absent): the error names the missing mirror.db but
    // not `prepare`, the command that creates it.
    const CliResult early = f.cli(command);
    CLI_EXIT(early, 2);
    QVERIFY2(early.err.contains(u"prepare"_s),
             qPrintable(u"the error does not tell the user to run `prepare`:\n"_s + early.err));
    if (!before.exists) {
        QVERIFY2(!QFileInfo::exists(f.mirror()),
                 qPrintable(u"`%1` exited 2 but created %2"_s.arg(command, f.mirror())));
    } else {
        const MirrorSnapshot after = MirrorSnapshot::take(f.mirror());
        QVERIFY2(after.hash == before.hash, "the refused command changed the mirror file");
        QVERIFY(!after.hasStateTable);
    }

    const CliResult prepare = f.cli(u"prepare"_s);
    CLI_EXIT(prepare, 0);
    {
        const SqliteFile db(f.mirror());
        QVERIFY(db.tableExists(u"_tidemark_state"_s));
        QVERIFY(db.tableExists(u"orders"_s));
        QVERIFY(db.tableExists(u"customers"_s));
    }
    const CliResult run = f.cli(command);
    CLI_EXIT(run, 0);
    SQL_OK(f.compare(u"orders"_s));
    SQL_OK(f.compare(u"customers"_s));
}

// ---------------------------------------------------------------------------------------------
// validate

void TestCli::validateGoodProject_data()
{
    QTest::addColumn<bool>("prepared");
    QTest::newRow("before prepare") << false;
    QTest::newRow("after prepare") << true;
}

void TestCli::validateGoodProject()
{
    QFETCH(bool, prepared);
    Fixture f;
    QVERIFY(f.isValid());
    SQL_OK(f.createSource());
    QVERIFY(f.writeProject(baseProject()));
    if (prepared)
        CLI_EXIT(f.cli(u"prepare"_s), 0);

    const MirrorSnapshot before = MirrorSnapshot::take(f.mirror());
    const CliResult r = f.cli(u"validate"_s);
    CLI_EXIT(r, 0);
    QVERIFY2(r.out.contains(u"orders: src:orders -> mirror:orders"_s), qPrintable(r.out));
    QVERIFY2(r.out.contains(u"customers: src:customers -> mirror:customers, key (code, region)"_s),
             qPrintable(r.out));
    QVERIFY2(r.out.contains(u"2 mappings"_s), qPrintable(r.out));
    QCOMPARE(r.out.contains(u"prepare creates it"_s), !prepared);

    // Without --project, ./tidemark.json is read.
    const CliResult byDefault = runCli({u"validate"_s}, f.home(), f.dir());
    CLI_EXIT(byDefault, 0);
    QCOMPARE(byDefault.out, r.out);
}

// validate and status only look: they must not create or change the mirror.
void TestCli::readOnlyCommandsWriteNothing_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<bool>("prepared");
    for (const QStringList &args : {QStringList{u"validate"_s}, QStringList{u"status"_s},
                                    QStringList{u"status"_s, u"--json"_s}})
        for (bool prepared : {false, true})
            QTest::addRow("%s / %s", qPrintable(args.join(u' ')),
                          prepared ? "after prepare" : "mirror absent")
                    << args << prepared;
}

void TestCli::readOnlyCommandsWriteNothing()
{
    QFETCH(QStringList, args);
    QFETCH(bool, prepared);
    Fixture f;
    QVERIFY(f.isValid());
    SQL_OK(f.createSource());
    QVERIFY(f.writeProject(baseProject()));
    if (prepared)
        CLI_EXIT(f.cli(u"prepare"_s), 0);

    const MirrorSnapshot before = MirrorSnapshot::take(f.mirror());
    const CliResult r = f.cli(args.first(), args.mid(1));
    CLI_EXIT(r, 0);
    // Bug while the "mirror absent" rows fail: validate and status call checkProject() with
    // requireMirrorTables = false, which opens the mirror with createIfMissing, so SQLite
    // creates an empty mirror.db from a read-only command.
    if (!before.exists)
        QVERIFY2(!QFileInfo::exists(f.mirror()),
                 qPrintable(u"`%1` created the mirror database %2"_s.arg(args.join(u' '),
                                                                         f.mirror())));
    else
        QVERIFY2(fileHash(f.mirror()) == before.hash,
                 qPrintable(u"`%1` changed the mirror file"_s.arg(args.join(u' '))));
}

// ---------------------------------------------------------------------------------------------
// sweep

void TestCli::sweepRefuses_data()
{
    QTest::addColumn<int>("deleteFrom");
    QTest::addColumn<int>("deleteTo");
    QTest::addColumn<QStringList>("reasons");

    QTest::newRow("source table empty")
            << 1 << kOrders << QStringList{u"'orders'"_s, u"empty"_s, u"refused"_s};
    QTest::newRow("orphans over max_sweep_fraction")
            << 21 << 80 << QStringList{u"'orders'"_s, u"max_sweep_fraction"_s, u"60 of 100"_s};
}

void TestCli::sweepRefuses()
{
    QFETCH(int, deleteFrom);
    QFETCH(int, deleteTo);
    QFETCH(QStringList, reasons);

    Fixture f;
    QVERIFY(f.isValid());
    SQL_OK(f.createSource());
    QVERIFY(f.writeProject(baseProject()));
    CLI_EXIT(f.cli(u"prepare"_s), 0);
    CLI_EXIT(f.cli(u"sync"_s), 0);
    SQL_OK(f.compare(u"orders"_s));
    {
        const SqliteFile db(f.source());
        SQL_OK(db.exec(u"DELETE FROM orders WHERE id BETWEEN ? AND ?"_s, {deleteFrom, deleteTo}));
    }
    const QueryResult before = f.mirrorRows();
    SQL_OK(before.error);
    QCOMPARE(before.rows.size(), kOrders);

    const CliResult refused = f.cli(u"sweep"_s);
    CLI_EXIT(refused, 3);
    for (const QString &reason : reasons)
        QVERIFY2(refused.err.contains(reason),
                 qPrintable(u"the refusal does not say '%1':\n%2"_s.arg(reason, refused.err)));
    const QueryResult after = f.mirrorRows();
    SQL_OK(after.error);
    QVERIFY2(after.rows == before.rows, "a refused sweep changed the mirror table");

    // --mapping limits it to the refused mapping; the result is the same.
    CLI_EXIT(f.cli(u"sweep"_s, {u"--mapping"_s, u"orders"_s}), 3);
    QCOMPARE(f.mirrorRows().rows.size(), kOrders);

    const CliResult forced = f.cli(u"sweep"_s, {u"--force"_s});
    CLI_EXIT(forced, 0);
    SQL_OK(f.compare(u"orders"_s));
    SQL_OK(f.compare(u"customers"_s));
}

void TestCli::sweepDeletesExactlyTheDeletedRows()
{
    Fixture f;
    QVERIFY(f.isValid());
    SQL_OK(f.createSource());
    QVERIFY(f.writeProject(baseProject()));
    CLI_EXIT(f.cli(u"prepare"_s), 0);
    CLI_EXIT(f.cli(u"sync"_s), 0);
    const QList<int> deleted{1, 2, 40, 41, 42, 77, 100}; // the edges and across page bounds
    {
        const SqliteFile db(f.source());
        for (int id : deleted)
            SQL_OK(db.exec(u"DELETE FROM orders WHERE id = ?"_s, {id}));
        SQL_OK(db.exec(u"DELETE FROM customers WHERE code = 'C3'"_s));
    }
    const CliResult r = f.cli(u"sweep"_s);
    CLI_EXIT(r, 0);
    QVERIFY2(r.out.contains(u"7 orphan rows found, 7 deleted"_s), qPrintable(r.out));
    SQL_OK(f.compare(u"orders"_s));
    SQL_OK(f.compare(u"customers"_s));
    const SqliteFile mirror(f.mirror());
    QCOMPARE(mirror.count(u"orders"_s), qint64(kOrders - deleted.size()));

    // A second sweep finds nothing more.
    const CliResult again = f.cli(u"sweep"_s, {u"--mapping"_s, u"orders"_s});
    CLI_EXIT(again, 0);
    QVERIFY2(again.out.contains(u"0 orphan rows found, 0 deleted"_s), qPrintable(again.out));
}

void TestCli::sweepDryRunDeletesNothing()
{
    Fixture f;
    QVERIFY(f.isValid());
    SQL_OK(f.createSource());
    QVERIFY(f.writeProject(baseProject()));
    CLI_EXIT(f.cli(u"prepare"_s), 0);
    CLI_EXIT(f.cli(u"sync"_s), 0);
    {
        const SqliteFile db(f.source());
        SQL_OK(db.exec(u"DELETE FROM orders WHERE id BETWEEN 11 AND 20"_s));
    }
    const QueryResult before = f.mirrorRows();
    for (const QStringList &args : {QStringList{u"--dry-run"_s},
                                    // the dry run is not a deletion, so --force changes nothing
                                    QStringList{u"--dry-run"_s, u"--force"_s}}) {
        const CliResult r = f.cli(u"sweep"_s, args);
        CLI_EXIT(r, 0);
        QVERIFY2(r.out.contains(u"orders: sweep ok: 10 orphan rows (dry run, nothing deleted)"_s),
                 qPrintable(r.out));
        QVERIFY2(f.mirrorRows().rows == before.rows, "a dry-run sweep changed the mirror table");
    }
    // Even an empty source is only counted in a dry run.
    {
        const SqliteFile db(f.source());
        SQL_OK(db.exec(u"DELETE FROM orders"_s));
    }
    CLI_EXIT(f.cli(u"sweep"_s, {u"--dry-run"_s}), 0);
    QCOMPARE(f.mirrorRows().rows.size(), before.rows.size());
}

// ---------------------------------------------------------------------------------------------
// backfill and its in-sync gate

void TestCli::backfillGate()
{
    Fixture f;
    QVERIFY(f.isValid());
    SQL_OK(f.createSource());
    QVERIFY(f.writeProject(baseProject()));
    CLI_EXIT(f.cli(u"prepare"_s), 0);
    CLI_EXIT(f.cli(u"sync"_s), 0);
    SQL_OK(f.compare(u"orders"_s));

    // Drift the gate cannot see: same row count, same newest cursor, one value changed.
    {
        const SqliteFile db(f.mirror());
        SQL_OK(db.exec(u"UPDATE orders SET customer = 'drifted' WHERE id = 50"_s));
    }
    const CliResult gated = f.cli(u"backfill"_s, {u"--mapping"_s, u"orders"_s});
    CLI_EXIT(gated, 0);
    QVERIFY2(gated.out.contains(u"orders: backfill skipped"_s), qPrintable(gated.out));
    QVERIFY2(gated.out.contains(u"in-sync gate"_s), qPrintable(gated.out));
    QVERIFY2(!f.compare(u"orders"_s).isEmpty(), "the gated backfill should not have run");

    const CliResult full = f.cli(u"backfill"_s, {u"--mapping"_s, u"orders"_s, u"--no-gate"_s});
    CLI_EXIT(full, 0);
    QVERIFY2(full.out.contains(u"orders: backfill ok"_s), qPrintable(full.out));
    QVERIFY2(!full.out.contains(u"skipped"_s), qPrintable(full.out));
    QVERIFY2(full.out.contains(u"read 100 rows"_s), qPrintable(full.out));
    SQL_OK(f.compare(u"orders"_s));

    // When the counts differ the gate lets the pass run by itself.
    {
        const SqliteFile db(f.mirror());
        SQL_OK(db.exec(u"DELETE FROM orders WHERE id IN (3, 4)"_s));
    }
    const CliResult open = f.cli(u"backfill"_s);
    CLI_EXIT(open, 0);
    QVERIFY2(open.out.contains(u"orders: backfill ok"_s), qPrintable(open.out));
    SQL_OK(f.compare(u"orders"_s));
    SQL_OK(f.compare(u"customers"_s));
}

// ---------------------------------------------------------------------------------------------
// status --json: SPEC.md's shape and numbers

namespace {

// Every SPEC field with its JSON type; `orphansNull` / `checkpointNull` for the states where
// they have no value yet.
QString checkStatusShape(const QJsonObject &m)
{
    const QStringList fields{u"name"_s,    u"state"_s,   u"source_rows"_s, u"mirror_rows"_s,
                             u"backlog"_s, u"orphans"_s, u"checkpoint"_s,  u"last_run"_s};
    for (const QString &field : fields)
        if (!m.contains(field))
            return u"field '%1' is missing in %2"_s.arg(field, QString::fromUtf8(json(m)));
    if (!m.value(u"name"_s).isString())
        return u"name is not a string"_s;
    const QStringList states{u"idle"_s, u"running"_s, u"waiting"_s, u"paused"_s, u"error"_s};
    if (!states.contains(m.value(u"state"_s).toString()))
        return u"state '%1' is not one of SPEC's"_s.arg(m.value(u"state"_s).toString());
    for (const QString &n : {u"source_rows"_s, u"mirror_rows"_s})
        if (!m.value(n).isDouble())
            return n + u" is not a number"_s;
    if (!m.value(u"orphans"_s).isDouble() && !m.value(u"orphans"_s).isNull())
        return u"orphans is neither a number nor null"_s;
    const QJsonValue cp = m.value(u"checkpoint"_s);
    if (!cp.isNull()) {
        if (!cp.isObject() || !cp.toObject().contains(u"cursor"_s)
            || !cp.toObject().value(u"key"_s).isArray())
            return u"checkpoint is not {cursor, key}"_s;
    }
    const QJsonValue run = m.value(u"last_run"_s);
    if (!run.isNull()) {
        const QJsonObject r = run.toObject();
        for (const QString &field : {u"kind"_s, u"finished_at"_s, u"rows_written"_s, u"error"_s})
            if (!r.contains(field))
                return u"last_run.%1 is missing"_s.arg(field);
        if (!r.value(u"kind"_s).isString() || !r.value(u"rows_written"_s).isDouble())
            return u"last_run.kind / rows_written have the wrong type"_s;
        if (!QDateTime::fromString(r.value(u"finished_at"_s).toString(), Qt::ISODateWithMs)
                     .isValid())
            return u"last_run.finished_at '%1' is not an ISO time"_s.arg(
                    r.value(u"finished_at"_s).toString());
    }
    return {};
}

} // namespace

void TestCli::statusJson()
{
    Fixture f;
    QVERIFY(f.isValid());
    SQL_OK(f.createSource());
    QVERIFY(f.writeProject(baseProject()));
    CLI_EXIT(f.cli(u"prepare"_s), 0);

    QString error;
    QJsonObject status = f.status(&error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY2(status.keys() == (QStringList{u"connections"_s, u"mappings"_s}),
             qPrintable(u"top level keys: "_s + status.keys().join(u", "_s)));
    QCOMPARE(status.value(u"mappings"_s).toArray().size(), 2);
    // Every connection the mappings use, with its state (an extension of SPEC's shape).
    const QJsonArray connections = status.value(u"connections"_s).toArray();
    QVERIFY(!connections.isEmpty());
    for (const QJsonValue &c : connections) {
        QCOMPARE(c[u"state"_s].toString(), u"connected"_s);
        QVERIFY(c[u"last_error"_s].isNull());
        QVERIFY(!c[u"mappings"_s].toArray().isEmpty());
    }
    QJsonObject orders = findMapping(status, u"orders"_s);
    SQL_OK(checkStatusShape(orders));
    SQL_OK(checkStatusShape(findMapping(status, u"customers"_s)));
    QCOMPARE(orders.value(u"state"_s).toString(), u"idle"_s);
    QCOMPARE(orders.value(u"source_rows"_s).toInteger(), kOrders);
    QCOMPARE(orders.value(u"mirror_rows"_s).toInteger(), 0);
    QCOMPARE(orders.value(u"backlog"_s).toInteger(), kOrders); // nothing synced yet
    QVERIFY(orders.value(u"orphans"_s).isNull());              // never measured
    QVERIFY(orders.value(u"checkpoint"_s).isNull());

    CLI_EXIT(f.cli(u"sync"_s), 0);
    status = f.status(&error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    orders = findMapping(status, u"orders"_s);
    SQL_OK(checkStatusShape(orders));
    QCOMPARE(orders.value(u"source_rows"_s).toInteger(), kOrders);
    QCOMPARE(orders.value(u"mirror_rows"_s).toInteger(), kOrders);
    QCOMPARE(orders.value(u"backlog"_s).toInteger(), 0);
    QVERIFY(orders.value(u"orphans"_s).isNull());
    const QJsonObject cp = orders.value(u"checkpoint"_s).toObject();
    QCOMPARE(cp.value(u"cursor"_s).toString(), stamp(kOrders));
    QCOMPARE(cp.value(u"key"_s).toArray(), QJsonArray{kOrders});
    QJsonObject run = orders.value(u"last_run"_s).toObject();
    QCOMPARE(run.value(u"kind"_s).toString(), u"sync"_s);
    QCOMPARE(run.value(u"rows_written"_s).toInteger(), kOrders);
    QVERIFY(run.value(u"error"_s).isNull());
    const QDateTime finished =
            QDateTime::fromString(run.value(u"finished_at"_s).toString(), Qt::ISODateWithMs);
    QVERIFY2(qAbs(finished.secsTo(QDateTime::currentDateTimeUtc())) < 120,
             qPrintable(run.value(u"finished_at"_s).toString()));
    const QJsonObject customers = findMapping(status, u"customers"_s);
    QCOMPARE(customers.value(u"source_rows"_s).toInteger(), 20);
    QCOMPARE(customers.value(u"mirror_rows"_s).toInteger(), 20);

    // Backlog: 7 new rows and 1 updated row past the checkpoint; nothing else.
    {
        const SqliteFile db(f.source());
        SQL_OK(insertOrders(db, kOrders + 1, kOrders + 7));
        SQL_OK(db.exec(u"UPDATE orders SET total = 0, updated_at = ? WHERE id = 5"_s,
                       {stamp(kOrders + 50)}));
    }
    status = f.status(&error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    orders = findMapping(status, u"orders"_s);
    QCOMPARE(orders.value(u"source_rows"_s).toInteger(), kOrders + 7);
    QCOMPARE(orders.value(u"mirror_rows"_s).toInteger(), kOrders);
    QCOMPARE(orders.value(u"backlog"_s).toInteger(), 8);

    CLI_EXIT(f.cli(u"sync"_s), 0);
    status = f.status(&error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    orders = findMapping(status, u"orders"_s);
    QCOMPARE(orders.value(u"backlog"_s).toInteger(), 0);
    QCOMPARE(orders.value(u"mirror_rows"_s).toInteger(), kOrders + 7);
    run = orders.value(u"last_run"_s).toObject();
    QCOMPARE(run.value(u"rows_written"_s).toInteger(), 8);
    QCOMPARE(orders.value(u"checkpoint"_s).toObject().value(u"key"_s).toArray(), QJsonArray{5});
    SQL_OK(f.compare(u"orders"_s));

    // Orphans: a number once a sweep measured them (dry run), 0 after the sweep.
    {
        const SqliteFile db(f.source());
        SQL_OK(db.exec(u"DELETE FROM orders WHERE id IN (10, 20, 30)"_s));
    }
    CLI_EXIT(f.cli(u"sweep"_s, {u"--dry-run"_s}), 0);
    status = f.status(&error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    orders = findMapping(status, u"orders"_s);
    SQL_OK(checkStatusShape(orders));
    QVERIFY2(orders.value(u"orphans"_s).isDouble(), qPrintable(QString::fromUtf8(json(orders))));
    QCOMPARE(orders.value(u"orphans"_s).toInteger(), 3);

    CLI_EXIT(f.cli(u"sweep"_s), 0);
    status = f.status(&error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    orders = findMapping(status, u"orders"_s);
    QCOMPARE(orders.value(u"orphans"_s).toInteger(), 0);
    QCOMPARE(orders.value(u"mirror_rows"_s).toInteger(), kOrders + 4);
    QCOMPARE(orders.value(u"last_run"_s).toObject().value(u"kind"_s).toString(), u"sweep"_s);
    QVERIFY(orders.value(u"last_run"_s).toObject().value(u"error"_s).isNull());

    // --mapping selects one.
    const CliResult one = f.cli(u"status"_s, {u"--json"_s, u"--mapping"_s, u"customers"_s});
    CLI_EXIT(one, 0);
    const QJsonArray list =
            QJsonDocument::fromJson(one.out.toUtf8()).object().value(u"mappings"_s).toArray();
    QCOMPARE(list.size(), 1);
    QCOMPARE(list.first().toObject().value(u"name"_s).toString(), u"customers"_s);
}

// ---------------------------------------------------------------------------------------------
// Names are used exactly as written: SQL keywords, quotes, spaces and non-ASCII.

void TestCli::quotedNames()
{
    Fixture f;
    QVERIFY(f.isValid());
    const QString table = u"order \"details\""_s;
    const QStringList columns{u"key"_s, u"select"_s, u"from"_s, u"naïve column"_s};
    {
        const SqliteFile db(f.source());
        SQL_OK(db.exec(u"CREATE TABLE %1 (%2 INTEGER PRIMARY KEY, %3 TEXT, %4 INTEGER NOT NULL, "
                       "%5 TEXT)"_s.arg(ident(table), ident(columns[0]), ident(columns[1]),
                                        ident(columns[2]), ident(columns[3]))));
        const QStringList texts{
                u"it's"_s,         u"\"quoted\""_s, u"a;b"_s,        u"'); DROP TABLE orders; --"_s,
                u"naïve 東京 🚀"_s, u""_s,           u"line\nbreak"_s};
        QList<QVariantList> rows;
        for (int k = 1; k <= 30; ++k)
            rows << QVariantList{k,
                                 k % 8 == 7 ? QVariant(QMetaType::fromType<QString>())
                                            : QVariant(texts.at(k % texts.size())),
                                 k * 10, u"Zoë %1"_s.arg(k)};
        SQL_OK(db.execMany(u"INSERT INTO %1 VALUES (?, ?, ?, ?)"_s.arg(ident(table)), rows));
    }
    QJsonObject project = baseProject();
    const QJsonObject m{{u"name"_s, table},
                        {u"source"_s, tableRef(u"src"_s, table)},
                        {u"mirror"_s, tableRef(u"mirror"_s, table)},
                        {u"key"_s, QJsonArray{u"key"_s}},
                        {u"cursor"_s, QJsonObject{{u"column"_s, u"from"_s}}},
                        {u"batch_rows"_s, 7},
                        {u"lookback"_s, 0}};
    project[u"mappings"_s] = QJsonArray{m};
    QVERIFY(f.writeProject(project));

    const CliResult validate = f.cli(u"validate"_s);
    CLI_EXIT(validate, 0);
    QVERIFY2(validate.out.contains(table), qPrintable(validate.out));

    CLI_EXIT(f.cli(u"prepare"_s), 0);
    {
        const SqliteFile mirror(f.mirror());
        QVERIFY(mirror.tableExists(table));
        QCOMPARE(mirror.columns(table), columns);
    }
    CLI_EXIT(f.cli(u"sync"_s), 0);
    SQL_OK(compareTables(f.source(), f.mirror(), table, {u"key"_s}));

    // Updates, inserts and deletes all go through the same quoting.
    {
        const SqliteFile db(f.source());
        SQL_OK(db.exec(u"UPDATE %1 SET %2 = ?, %3 = 1000 WHERE %4 = 3"_s.arg(
                               ident(table), ident(u"select"_s), ident(u"from"_s), ident(u"key"_s)),
                       {u"changed \"again\" '"_s}));
        SQL_OK(db.exec(u"INSERT INTO %1 VALUES (31, 'new', 1001, 'ñ')"_s.arg(ident(table))));
        SQL_OK(db.exec(u"DELETE FROM %1 WHERE %2 = 2"_s.arg(ident(table), ident(u"key"_s))));
    }
    CLI_EXIT(f.cli(u"sync"_s), 0);
    CLI_EXIT(f.cli(u"sweep"_s), 0);
    SQL_OK(compareTables(f.source(), f.mirror(), table, {u"key"_s}));
    CLI_EXIT(f.cli(u"backfill"_s, {u"--no-gate"_s}), 0);
    SQL_OK(compareTables(f.source(), f.mirror(), table, {u"key"_s}));

    QString error;
    const QJsonObject status = f.status(&error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const QJsonObject s = findMapping(status, table);
    SQL_OK(checkStatusShape(s));
    QCOMPARE(s.value(u"backlog"_s).toInteger(), 0);
    QCOMPARE(s.value(u"mirror_rows"_s).toInteger(), 30);
    QCOMPARE(s.value(u"checkpoint"_s).toObject().value(u"cursor"_s).toInteger(), 1001);
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
