// ProjectLoader: the project file format of SPEC.md, every validation error (named by its JSON
// path and culprit), relative SQLite paths, and the toJson round trip.

#include "project/projectloader.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <utility>

using namespace tidemark;
using namespace Qt::StringLiterals;

namespace {

// SPEC.md's example, verbatim.
const QByteArray kSpecExample = R"({
  "tidemark": 1,
  "connections": {
    "src":   { "driver": "sqlite",   "database": "data/source.db" },
    "pg":    { "driver": "postgres", "host": "127.0.0.1", "port": 5432, "database": "mirror",
               "user": "tidemark", "password_env": "TIDEMARK_PG_PASSWORD",
               "options": "sslmode=prefer;connect_timeout=5" },
    "maria": { "driver": "mariadb",  "host": "127.0.0.1", "port": 3306, "database": "mirror",
               "user": "tidemark", "password_env": "TIDEMARK_MARIA_PASSWORD" }
  },
  "mappings": [
    {
      "name": "orders",
      "source": { "connection": "src", "table": "orders" },
      "mirror": { "connection": "pg",  "table": "orders" },
      "key": ["id"],
      "columns": ["id", "customer", "total", "updated_at"],
      "cursor": { "column": "updated_at" },
      "deletes": "sweep",
      "interval_s": 5,
      "batch_rows": 1000,
      "lookback_s": 30,
      "max_sweep_fraction": 0.5
    }
  ]
}
)";

const QJsonValue kRemove(QJsonValue::Undefined);

struct Step
{
    QString key;
    qsizetype index = -1;
};

// "mappings[0].source.table" -> mappings, [0], source, table
QList<Step> parsePath(const QString &path)
{
    QList<Step> steps;
    for (const QString &part : path.split(u'.')) {
        qsizetype bracket = part.indexOf(u'[');
        const QString key = bracket < 0 ? part : part.left(bracket);
        if (!key.isEmpty())
            steps.append({key});
        while (bracket >= 0) {
            const qsizetype close = part.indexOf(u']', bracket);
            steps.append({{}, part.mid(bracket + 1, close - bracket - 1).toLongLong()});
            bracket = part.indexOf(u'[', close);
        }
    }
    return steps;
}

QJsonValue setIn(const QJsonValue &node, QList<Step> steps, const QJsonValue &value)
{
    if (steps.isEmpty())
        return value;
    const Step step = steps.takeFirst();
    if (step.index >= 0) {
        QJsonArray array = node.toArray();
        const bool exists = step.index < array.size();
        const QJsonValue child = setIn(exists ? array.at(step.index) : QJsonValue(), steps, value);
        if (!exists)
            array.append(child);
        else if (child.isUndefined())
            array.removeAt(step.index);
        else
            array[step.index] = child;
        return array;
    }
    QJsonObject object = node.toObject();
    const QJsonValue child = setIn(object.value(step.key), steps, value);
    if (child.isUndefined())
        object.remove(step.key);
    else
        object.insert(step.key, child);
    return object;
}

using Patch = std::pair<QString, QJsonValue>;

// The SPEC example with values set (or removed, kRemove) at JSON paths.
QByteArray spec(std::initializer_list<Patch> patches = {})
{
    QJsonValue root = QJsonDocument::fromJson(kSpecExample).object();
    for (const auto &[path, value] : patches)
        root = setIn(root, parsePath(path), value);
    return QJsonDocument(root.toObject()).toJson();
}

QByteArray specText(const QByteArray &before, const QByteArray &after)
{
    QByteArray text = kSpecExample;
    Q_ASSERT(text.contains(before));
    return text.replace(before, after);
}

QString dump(const QList<ProjectError> &errors)
{
    QStringList lines;
    for (const ProjectError &e : errors)
        lines.append(e.toString());
    return lines.isEmpty() ? u"(no errors)"_s : lines.join(u'\n');
}

QJsonObject sqlite(const QString &database)
{
    return {{u"driver"_s, u"sqlite"_s}, {u"database"_s, database}};
}

QJsonObject ref(const QString &connection, const QString &table)
{
    return {{u"connection"_s, connection}, {u"table"_s, table}};
}

QJsonObject secondMapping(const QString &name, const QJsonObject &source, const QJsonObject &mirror)
{
    return {{u"name"_s, name}, {u"source"_s, source}, {u"mirror"_s, mirror}};
}

QStringList filesUnder(const QString &folder)
{
    QStringList files;
    QDirIterator it(folder, QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden,
                    QDirIterator::Subdirectories);
    while (it.hasNext())
        files.append(QDir(folder).relativeFilePath(it.next()));
    files.sort();
    return files;
}

} // namespace

class TestProjectLoader : public QObject
{
    Q_OBJECT

private slots:
    void specExampleLoads();
    void loadingWritesNothing();
    void fileCannotBeRead_data();
    void fileCannotBeRead();
    void malformedJson_data();
    void malformedJson();
    void badInput_data();
    void badInput();
    void passwordNeverEchoed_data();
    void passwordNeverEchoed();
    void everyProblemReportedAtOnce();
    void validVariants_data();
    void validVariants();
    void defaultsApplyWhenOmitted();
    void relativeSqlitePaths_data();
    void relativeSqlitePaths();
    void relativeProjectPath();
    void roundTrip_data();
    void roundTrip();
    void describe_data();
    void describe();
    void driverKinds_data();
    void driverKinds();
    void errorToString_data();
    void errorToString();
};

void TestProjectLoader::specExampleLoads()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"tidemark.json"_s);
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(kSpecExample);
    file.close();

    // The password variables are deliberately unset: they are read when connecting, not loading.
    qunsetenv("TIDEMARK_PG_PASSWORD");
    const ProjectLoadResult result = ProjectLoader::loadFile(path);
    QVERIFY2(result.ok(), qPrintable(dump(result.errors)));
    QVERIFY(result.errors.isEmpty());
    const Project &p = *result.project;

    QCOMPARE(p.filePath, QDir::cleanPath(path));
    QCOMPARE(p.folder, QDir::cleanPath(dir.path()));
    QCOMPARE(p.connections.size(), 3);

    const ConnectionConfig &src = p.connection(u"src"_s);
    QCOMPARE(src.name, u"src"_s);
    QCOMPARE(src.driver, DriverKind::Sqlite);
    QCOMPARE(src.database, QDir::cleanPath(dir.path() + u"/data/source.db"_s));

    const ConnectionConfig &pg = p.connection(u"pg"_s);
    QCOMPARE(pg.driver, DriverKind::Postgres);
    QCOMPARE(pg.host, u"127.0.0.1"_s);
    QCOMPARE(pg.port, 5432);
    QCOMPARE(pg.database, u"mirror"_s);
    QCOMPARE(pg.user, u"tidemark"_s);
    QCOMPARE(pg.passwordEnv, u"TIDEMARK_PG_PASSWORD"_s);
    QCOMPARE(pg.passwordKeychain, false);
    QCOMPARE(pg.options, u"sslmode=prefer;connect_timeout=5"_s);

    const ConnectionConfig &maria = p.connection(u"maria"_s);
    QCOMPARE(maria.driver, DriverKind::MariaDb);
    QCOMPARE(maria.port, 3306);
    QCOMPARE(maria.passwordEnv, u"TIDEMARK_MARIA_PASSWORD"_s);
    QVERIFY(maria.options.isEmpty());

    QCOMPARE(p.mappings.size(), 1);
    const MappingConfig *m = p.mapping(u"orders"_s);
    QVERIFY(m);
    QCOMPARE(m, &p.mappings.first());
    QCOMPARE(p.mapping(u"customers"_s), nullptr);
    QCOMPARE(m->source.connection, u"src"_s);
    QCOMPARE(m->source.table, u"orders"_s);
    QCOMPARE(m->mirror.connection, u"pg"_s);
    QCOMPARE(m->mirror.table, u"orders"_s);
    QCOMPARE(m->key, QStringList{u"id"_s});
    QCOMPARE(m->columns, (QStringList{u"id"_s, u"customer"_s, u"total"_s, u"updated_at"_s}));
    QCOMPARE(m->cursorColumn, u"updated_at"_s);
    QVERIFY(m->hasCursor());
    QCOMPARE(m->deletes, DeletePolicy::Sweep);
    QCOMPARE(m->intervalS, 5);
    QCOMPARE(m->batchRows, 1000);
    QCOMPARE(m->lookback, 30);
    QCOMPARE(m->maxSweepFraction, 0.5);
}

void TestProjectLoader::loadingWritesNothing()
{
    // Loading must not create the SQLite file or its folder: `validate` on a typo'd path would
    // otherwise leave an empty database behind that later runs happily "sync" from.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"tidemark.json"_s);
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(spec({{u"connections.src.database"_s, u"data/new/source.db"_s}}));
    file.close();

    const ProjectLoadResult result = ProjectLoader::loadFile(path);
    QVERIFY2(result.ok(), qPrintable(dump(result.errors)));
    QCOMPARE(filesUnder(dir.path()), QStringList{u"tidemark.json"_s});

    const ProjectLoadResult bad = ProjectLoader::loadBytes(spec({{u"mappings[0].batch_rows"_s, 0}}),
                                                           dir.filePath(u"other/tidemark.json"_s));
    QVERIFY(!bad.ok());
    QCOMPARE(filesUnder(dir.path()), QStringList{u"tidemark.json"_s});
}

void TestProjectLoader::fileCannotBeRead_data()
{
    QTest::addColumn<QString>("relativePath");
    QTest::addColumn<QString>("mention");
    QTest::newRow("missing") << u"nope/tidemark.json"_s << u"cannot read"_s;
    QTest::newRow("directory") << u"folder"_s << u"cannot read"_s;
}

void TestProjectLoader::fileCannotBeRead()
{
    QFETCH(QString, relativePath);
    QFETCH(QString, mention);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(QDir(dir.path()).mkdir(u"folder"_s));
    const QString path = dir.filePath(relativePath);

    const ProjectLoadResult result = ProjectLoader::loadFile(path);
    QVERIFY(!result.ok());
    QCOMPARE(result.errors.size(), 1);
    const ProjectError &e = result.errors.first();
    QCOMPARE(e.file, path);
    QVERIFY2(e.message.contains(mention), qPrintable(e.message));
    QVERIFY2(e.toString().startsWith(path + u": "_s), qPrintable(e.toString()));
}

void TestProjectLoader::malformedJson_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<int>("line");
    // The column lands on the culprit or right after it (Qt's parser reports where it gave up).
    QTest::addColumn<int>("columnFrom");
    QTest::addColumn<int>("columnTo");

    QTest::newRow("missing comma")
            << QByteArray("{\n  \"tidemark\": 1\n  \"connections\": {}\n}") << 3 << 3 << 4;
    QTest::newRow("trailing comma")
            << QByteArray("{\n  \"tidemark\": 1,\n  \"mappings\": [],\n}") << 4 << 1 << 2;
    // Qt reports a bad literal past the whitespace after it, here on the next line.
    QTest::newRow("bad literal before a line break")
            << QByteArray("{\n\n  \"tidemark\": tru\n}") << 3 << 15 << 18;
    // The column counts characters: "é" is two UTF-8 bytes but one column in an editor
    // (counting bytes would say 17).
    QTest::newRow("non-ASCII before the error")
            << QByteArray("{ \"caf\xC3\xA9\xC3\xA9\": nul }") << 1 << 12 << 15;
    QTest::newRow("garbage after the object")
            << QByteArray("{ \"tidemark\": 1 }\n}") << 2 << 1 << 2;
    QTest::newRow("unterminated at the end of the file")
            << QByteArray("{\n  \"tidemark\": 1,\n  \"connections\": {\n\n") << 3 << 18 << 19;
}

void TestProjectLoader::malformedJson()
{
    QFETCH(QByteArray, json);
    QFETCH(int, line);
    QFETCH(int, columnFrom);
    QFETCH(int, columnTo);
    const QString path = u"/projects/tidemark.json"_s;

    const ProjectLoadResult result = ProjectLoader::loadBytes(json, path);
    QVERIFY(!result.ok());
    QCOMPARE(result.errors.size(), 1);
    const ProjectError &e = result.errors.first();
    QCOMPARE(e.file, path);
    QCOMPARE(e.line, line);
    QVERIFY2(e.column >= columnFrom && e.column <= columnTo,
             qPrintable(
                     u"column %1, expected %2..%3"_s.arg(e.column).arg(columnFrom).arg(columnTo)));

    QJsonParseError parseError;
    QJsonDocument::fromJson(json, &parseError);
    QVERIFY2(e.message.contains(parseError.errorString()), qPrintable(e.message));
    QVERIFY(e.message.contains(u"JSON"_s));
    QCOMPARE(e.toString(), u"%1:%2:%3: %4"_s.arg(path).arg(e.line).arg(e.column).arg(e.message));
}

void TestProjectLoader::badInput_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("where");
    QTest::addColumn<QStringList>("mentions"); // each must appear in the message
    QTest::addColumn<int>("errorCount");

    const auto row = [](const char *name, const QByteArray &json, const QString &where,
                        const QStringList &mentions, int errorCount = 1) {
        QTest::newRow(name) << json << where << mentions << errorCount;
    };

    // Whole file
    row("empty file", QByteArray("  \n"), QString(), {u"empty"_s});
    row("top level is an array", QByteArray("[1, 2]"), QString(), {u"object"_s});

    // Version
    row("version missing", spec({{u"tidemark"_s, kRemove}}), u"tidemark"_s,
        {u"'tidemark'"_s, u"missing"_s});
    row("version unsupported", spec({{u"tidemark"_s, 2}, {u"future_field"_s, true}}), u"tidemark"_s,
        {u"unsupported version 2"_s});
    row("version is a string", spec({{u"tidemark"_s, u"1"_s}}), u"tidemark"_s,
        {u"the number 1"_s, u"a string"_s});

    // Unknown keys are errors, never ignored
    row("unknown top-level key", spec({{u"mapping"_s, QJsonArray()}}), u"mapping"_s,
        {u"'mapping'"_s, u"'mappings'"_s, u"allowed: tidemark, connections, mappings"_s});
    row("unknown connection key", spec({{u"connections.pg.hots"_s, u"db"_s}}),
        u"connections.pg.hots"_s, {u"'hots'"_s, u"did you mean 'host'"_s, u"password_env"_s});
    row("server key on sqlite", spec({{u"connections.src.port"_s, 5}}), u"connections.src.port"_s,
        {u"'port'"_s, u"does not apply"_s, u"sqlite"_s});
    row("unknown mapping key (typo)", spec({{u"mappings[0].batchrows"_s, 10}}),
        u"mappings[0].batchrows"_s, {u"'batchrows'"_s, u"did you mean 'batch_rows'"_s});
    row("unknown table reference key", spec({{u"mappings[0].source.tabel"_s, u"x"_s}}),
        u"mappings[0].source.tabel"_s, {u"'tabel'"_s, u"'table'"_s});
    row("unknown cursor key", spec({{u"mappings[0].cursor.type"_s, u"timestamp"_s}}),
        u"mappings[0].cursor.type"_s, {u"'type'"_s, u"column"_s});
    row("unknown key under an odd connection name",
        specText("\"maria\": { \"driver\"", "\"my db\": { \"hots\": 1, \"driver\""),
        u"connections[\"my db\"].hots"_s, {u"'hots'"_s, u"did you mean 'host'"_s});
    // A duplicate key in the text would otherwise vanish (QJsonDocument keeps the last one).
    row("duplicate JSON key",
        specText("\"batch_rows\": 1000,", "\"batch_rows\": 1000, \"batch_rows\": 10,"),
        u"mappings[0].batch_rows"_s, {u"'batch_rows'"_s, u"more than once"_s, u"line"_s});
    row("duplicate connection name",
        specText(
                "\"maria\":",
                "\"src\": { \"driver\": \"sqlite\", \"database\": \"other.db\" },\n    \"maria\":"),
        u"connections.src"_s, {u"'src'"_s, u"more than once"_s});

    // Connections
    row("connections missing", spec({{u"connections"_s, kRemove}}), u"connections"_s,
        {u"'connections'"_s, u"missing"_s}, 3);
    row("connections empty", spec({{u"connections"_s, QJsonObject()}}), u"connections"_s,
        {u"at least one connection"_s}, 3);
    row("connections is an array", spec({{u"connections"_s, QJsonArray()}}), u"connections"_s,
        {u"an object"_s, u"an array"_s}, 3);
    row("connection is a string", spec({{u"connections.maria"_s, u"mysql://x"_s}}),
        u"connections.maria"_s, {u"an object"_s, u"a string"_s});
    row("driver missing", spec({{u"connections.maria.driver"_s, kRemove}}),
        u"connections.maria.driver"_s, {u"'driver'"_s, u"missing"_s});
    row("unknown driver", spec({{u"connections.maria.driver"_s, u"oracle"_s}}),
        u"connections.maria.driver"_s,
        {u"unknown driver 'oracle'"_s, u"sqlite"_s, u"postgres"_s, u"mariadb"_s, u"mysql"_s});
    row("driver typo", spec({{u"connections.pg.driver"_s, u"postgresql"_s}}),
        u"connections.pg.driver"_s, {u"'postgresql'"_s, u"did you mean 'postgres'"_s});
    row("sqlite database missing", spec({{u"connections.src.database"_s, kRemove}}),
        u"connections.src.database"_s, {u"'database'"_s, u"missing"_s});
    row("sqlite database empty", spec({{u"connections.src.database"_s, u""_s}}),
        u"connections.src.database"_s, {u"empty"_s});
    row("sqlite in memory", spec({{u"connections.src.database"_s, u":memory:"_s}}),
        u"connections.src.database"_s, {u"in-memory"_s});
    row("server host missing", spec({{u"connections.pg.host"_s, kRemove}}),
        u"connections.pg.host"_s, {u"'host'"_s, u"missing"_s});
    row("server database missing", spec({{u"connections.maria.database"_s, kRemove}}),
        u"connections.maria.database"_s, {u"'database'"_s, u"missing"_s});
    row("port zero", spec({{u"connections.pg.port"_s, 0}}), u"connections.pg.port"_s,
        {u"from 1 to 65535"_s, u"not 0"_s});
    row("port too large", spec({{u"connections.pg.port"_s, 70000}}), u"connections.pg.port"_s,
        {u"from 1 to 65535"_s, u"70000"_s});
    row("port is a string", spec({{u"connections.pg.port"_s, u"5432"_s}}), u"connections.pg.port"_s,
        {u"whole number"_s, u"a string"_s});
    row("port is a fraction", spec({{u"connections.pg.port"_s, 5432.5}}), u"connections.pg.port"_s,
        {u"whole number"_s, u"5432.5"_s});
    row("user is a number", spec({{u"connections.pg.user"_s, 7}}), u"connections.pg.user"_s,
        {u"a string"_s, u"a number"_s});
    row("keychain is a string", spec({{u"connections.pg.password_keychain"_s, u"yes"_s}}),
        u"connections.pg.password_keychain"_s, {u"true or false"_s, u"a string"_s});
    row("env and keychain both", spec({{u"connections.pg.password_keychain"_s, true}}),
        u"connections.pg.password_keychain"_s, {u"password_env"_s, u"not both"_s});

    // Mappings
    row("mappings missing", spec({{u"mappings"_s, kRemove}}), u"mappings"_s,
        {u"'mappings'"_s, u"missing"_s});
    row("mappings empty", spec({{u"mappings"_s, QJsonArray()}}), u"mappings"_s,
        {u"at least one mapping"_s});
    row("mappings is an object", spec({{u"mappings"_s, QJsonObject()}}), u"mappings"_s,
        {u"an array"_s, u"an object"_s});
    row("mapping is a string", spec({{u"mappings[1]"_s, u"orders"_s}}), u"mappings[1]"_s,
        {u"an object"_s, u"a string"_s});
    row("name missing", spec({{u"mappings[0].name"_s, kRemove}}), u"mappings[0].name"_s,
        {u"'name'"_s, u"missing"_s});
    row("name empty", spec({{u"mappings[0].name"_s, u""_s}}), u"mappings[0].name"_s, {u"empty"_s});
    row("name is null", spec({{u"mappings[0].name"_s, QJsonValue()}}), u"mappings[0].name"_s,
        {u"a string"_s, u"null"_s});
    row("duplicate mapping name",
        spec({{u"mappings[1]"_s,
               secondMapping(u"orders"_s, ref(u"src"_s, u"customers"_s),
                             ref(u"maria"_s, u"customers"_s))}}),
        u"mappings[1].name"_s, {u"'orders'"_s, u"mappings[0]"_s, u"mappings[1]"_s});
    row("source missing", spec({{u"mappings[0].source"_s, kRemove}}), u"mappings[0].source"_s,
        {u"'source'"_s, u"missing"_s});
    row("source is a string", spec({{u"mappings[0].source"_s, u"src.orders"_s}}),
        u"mappings[0].source"_s, {u"an object"_s, u"a string"_s});
    row("unknown connection", spec({{u"mappings[0].mirror.connection"_s, u"pgx"_s}}),
        u"mappings[0].mirror.connection"_s,
        {u"unknown connection 'pgx'"_s, u"'pg'"_s, u"'src'"_s, u"'maria'"_s});
    row("table missing", spec({{u"mappings[0].mirror.table"_s, kRemove}}),
        u"mappings[0].mirror.table"_s, {u"'table'"_s, u"missing"_s});
    row("table empty", spec({{u"mappings[0].source.table"_s, u""_s}}),
        u"mappings[0].source.table"_s, {u"empty"_s});
    row("table is a number", spec({{u"mappings[0].source.table"_s, 7}}),
        u"mappings[0].source.table"_s, {u"a string"_s, u"a number"_s});
    row("table with NUL",
        spec({{u"mappings[0].source.table"_s, QString(u"a"_s + QChar(0) + u"b"_s)}}),
        u"mappings[0].source.table"_s, {u"NUL"_s});
    row("key is a string", spec({{u"mappings[0].key"_s, u"id"_s}}), u"mappings[0].key"_s,
        {u"an array"_s, u"a string"_s});
    row("key empty array", spec({{u"mappings[0].key"_s, QJsonArray()}}), u"mappings[0].key"_s,
        {u"at least one column"_s, u"primary key"_s});
    row("key element empty", spec({{u"mappings[0].key"_s, QJsonArray{u""_s}}}),
        u"mappings[0].key[0]"_s, {u"empty"_s});
    row("key twice", spec({{u"mappings[0].key"_s, QJsonArray{u"id"_s, u"customer"_s, u"id"_s}}}),
        u"mappings[0].key[2]"_s, {u"'id'"_s, u"twice"_s, u"key[0]"_s});
    row("column is a number", spec({{u"mappings[0].columns[1]"_s, 5}}), u"mappings[0].columns[1]"_s,
        {u"a string"_s, u"a number"_s});
    row("column twice", spec({{u"mappings[0].columns[4]"_s, u"total"_s}}),
        u"mappings[0].columns[4]"_s, {u"'total'"_s, u"twice"_s, u"columns[2]"_s});
    row("key column not in columns", spec({{u"mappings[0].key"_s, QJsonArray{u"id"_s, u"sku"_s}}}),
        u"mappings[0].columns"_s, {u"'sku'"_s, u"key"_s});
    row("cursor not in columns", spec({{u"mappings[0].cursor.column"_s, u"modified"_s}}),
        u"mappings[0].cursor.column"_s, {u"'modified'"_s, u"columns"_s});
    row("cursor string not in columns", spec({{u"mappings[0].cursor"_s, u"modified"_s}}),
        u"mappings[0].cursor"_s, {u"'modified'"_s, u"columns"_s});
    row("cursor is a number", spec({{u"mappings[0].cursor"_s, 5}}), u"mappings[0].cursor"_s,
        {u"an object"_s, u"a number"_s});
    row("cursor column missing", spec({{u"mappings[0].cursor"_s, QJsonObject()}}),
        u"mappings[0].cursor.column"_s, {u"'column'"_s, u"missing"_s});
    row("deletes unknown", spec({{u"mappings[0].deletes"_s, u"delete"_s}}),
        u"mappings[0].deletes"_s, {u"'delete'"_s, u"\"sweep\""_s, u"\"none\""_s});
    row("capture unknown", spec({{u"mappings[0].capture"_s, u"trigger"_s}}),
        u"mappings[0].capture"_s, {u"'trigger'"_s, u"\"triggers\""_s});
    row("deletes is a boolean", spec({{u"mappings[0].deletes"_s, true}}), u"mappings[0].deletes"_s,
        {u"a string"_s, u"a boolean"_s});
    row("interval zero", spec({{u"mappings[0].interval_s"_s, 0}}), u"mappings[0].interval_s"_s,
        {u"from 1"_s, u"not 0"_s});
    row("interval fraction", spec({{u"mappings[0].interval_s"_s, 2.5}}),
        u"mappings[0].interval_s"_s, {u"whole number"_s, u"2.5"_s});
    row("interval is a string", spec({{u"mappings[0].interval_s"_s, u"5"_s}}),
        u"mappings[0].interval_s"_s, {u"whole number"_s, u"a string"_s});
    row("verify interval negative", spec({{u"mappings[0].verify_interval_s"_s, -1}}),
        u"mappings[0].verify_interval_s"_s, {u"from 0 (only on request)"_s, u"-1"_s});
    row("verify interval above a week", spec({{u"mappings[0].verify_interval_s"_s, 604801}}),
        u"mappings[0].verify_interval_s"_s, {u"604800"_s});
    row("verify interval is a string", spec({{u"mappings[0].verify_interval_s"_s, u"60"_s}}),
        u"mappings[0].verify_interval_s"_s, {u"whole number"_s, u"a string"_s});
    row("batch_rows zero", spec({{u"mappings[0].batch_rows"_s, 0}}), u"mappings[0].batch_rows"_s,
        {u"from 1 to 1000000"_s, u"not 0"_s});
    row("batch_rows too large", spec({{u"mappings[0].batch_rows"_s, 1000001}}),
        u"mappings[0].batch_rows"_s, {u"from 1 to 1000000"_s, u"1000001"_s});
    row("batch_rows fraction", spec({{u"mappings[0].batch_rows"_s, 10.5}}),
        u"mappings[0].batch_rows"_s, {u"whole number"_s, u"10.5"_s});
    row("lookback negative", spec({{u"mappings[0].lookback_s"_s, -1}}), u"mappings[0].lookback_s"_s,
        {u"0 or more"_s, u"-1"_s});
    row("lookback alias negative",
        spec({{u"mappings[0].lookback_s"_s, kRemove}, {u"mappings[0].lookback"_s, -5}}),
        u"mappings[0].lookback"_s, {u"0 or more"_s, u"-5"_s});
    row("lookback and its alias", spec({{u"mappings[0].lookback"_s, 100}}),
        u"mappings[0].lookback"_s, {u"\"lookback_s\""_s, u"not both"_s});
    row("sweep fraction zero", spec({{u"mappings[0].max_sweep_fraction"_s, 0}}),
        u"mappings[0].max_sweep_fraction"_s, {u"more than 0"_s, u"at most 1"_s});
    row("sweep fraction above one", spec({{u"mappings[0].max_sweep_fraction"_s, 1.5}}),
        u"mappings[0].max_sweep_fraction"_s, {u"at most 1"_s, u"1.5"_s});
    row("sweep fraction is a string", spec({{u"mappings[0].max_sweep_fraction"_s, u"half"_s}}),
        u"mappings[0].max_sweep_fraction"_s, {u"a number"_s, u"a string"_s});

    // A table mirrored onto itself
    row("onto itself: same connection", spec({{u"mappings[0].mirror.connection"_s, u"src"_s}}),
        u"mappings[0].mirror"_s, {u"onto itself"_s, u"'orders'"_s, u"'src'"_s});
    row("onto itself: same sqlite file, other spelling",
        spec({{u"connections.copy"_s, sqlite(u"./data/../data/source.db"_s)},
              {u"mappings[0].mirror.connection"_s, u"copy"_s}}),
        u"mappings[0].mirror"_s, {u"onto itself"_s, u"'src'"_s, u"'copy'"_s, u"'orders'"_s});
    row("onto itself: same sqlite file through a symlink",
        spec({{u"connections.copy"_s, sqlite(u"link/source.db"_s)},
              {u"mappings[0].mirror.connection"_s, u"copy"_s}}),
        u"mappings[0].mirror"_s, {u"onto itself"_s, u"'copy'"_s});
    // Found although the connection has an unrelated error, so one run reports both.
    row("onto itself, and the connection has another error",
        spec({{u"connections.copy"_s,
               QJsonObject{{u"driver"_s, u"sqlite"_s},
                           {u"database"_s, u"data/source.db"_s},
                           {u"host"_s, u"x"_s}}},
              {u"mappings[0].mirror.connection"_s, u"copy"_s}}),
        u"mappings[0].mirror"_s, {u"onto itself"_s, u"'copy'"_s}, 2);
    row("onto itself: sqlite names ignore case",
        spec({{u"mappings[0].mirror"_s, ref(u"src"_s, u"ORDERS"_s)}}), u"mappings[0].mirror"_s,
        {u"onto itself"_s});
    row("onto itself: same server by another name",
        spec({{u"connections.pg2"_s,
               QJsonObject{{u"driver"_s, u"postgres"_s},
                           {u"host"_s, u"localhost"_s},
                           {u"database"_s, u"mirror"_s}}},
              {u"mappings[0].source"_s, ref(u"pg2"_s, u"orders"_s)}}),
        u"mappings[0].mirror"_s, {u"onto itself"_s, u"'pg2'"_s, u"'pg'"_s});
    row("two mappings sweep one mirror table",
        spec({{u"mappings[1]"_s,
               secondMapping(u"archive"_s, ref(u"src"_s, u"old_orders"_s),
                             ref(u"pg"_s, u"orders"_s))}}),
        u"mappings[1].mirror"_s, {u"'orders'"_s, u"mappings[0]"_s, u"sweep"_s});
}

void TestProjectLoader::badInput()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, where);
    QFETCH(QStringList, mentions);
    QFETCH(int, errorCount);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(QDir(dir.path()).mkdir(u"data"_s));
    QVERIFY(QFile::link(dir.filePath(u"data"_s), dir.filePath(u"link"_s)));
    const QString path = dir.filePath(u"tidemark.json"_s);

    const ProjectLoadResult result = ProjectLoader::loadBytes(json, path);
    QVERIFY(!result.ok());
    QVERIFY2(result.errors.size() == errorCount, qPrintable(dump(result.errors)));
    const auto it = std::find_if(result.errors.cbegin(), result.errors.cend(),
                                 [&](const ProjectError &e) { return e.where == where; });
    QVERIFY2(it != result.errors.cend(),
             qPrintable(u"no error at '"_s + where + u"' in:\n"_s + dump(result.errors)));
    for (const QString &mention : mentions)
        QVERIFY2(it->message.contains(mention),
                 qPrintable(u"'"_s + mention + u"' not in: "_s + it->message));
    QCOMPARE(it->file, path);
    QCOMPARE(it->line, 0);
    const QString expected = where.isEmpty()
            ? QString(path + u": "_s + it->message)
            : QString(path + u": "_s + where + u": "_s + it->message);
    QCOMPARE(it->toString(), expected);
}

void TestProjectLoader::passwordNeverEchoed_data()
{
    const QString secret = u"s3cr3t Hunter2!"_s;
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("where");
    QTest::addColumn<QStringList>("mentions");
    QTest::addColumn<QString>("secret");

    const QStringList advice = {u"password_env"_s, u"environment variable"_s,
                                u"\"password_keychain\": true"_s};
    QTest::newRow("plaintext password") << spec({{u"connections.pg.password"_s, secret}})
                                        << u"connections.pg.password"_s << advice << secret;
    QTest::newRow("plaintext password without password_env")
            << spec({{u"connections.maria.password_env"_s, kRemove},
                     {u"connections.maria.password"_s, secret}})
            << u"connections.maria.password"_s << advice << secret;
    QTest::newRow("plaintext password on sqlite")
            << spec({{u"connections.src.password"_s, secret}}) << u"connections.src.password"_s
            << advice << secret;
    QTest::newRow("password inside options") << spec(
            {{u"connections.pg.options"_s, QString(u"sslmode=require; Password="_s + secret)}})
                                             << u"connections.pg.options"_s << advice << secret;
    // A user who misread the field may put the password itself into password_env.
    QTest::newRow("password instead of a variable name")
            << spec({{u"connections.pg.password_env"_s, secret}})
            << u"connections.pg.password_env"_s << QStringList{u"name of an environment variable"_s}
            << secret;
}

void TestProjectLoader::passwordNeverEchoed()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, where);
    QFETCH(QStringList, mentions);
    QFETCH(QString, secret);

    const ProjectLoadResult result = ProjectLoader::loadBytes(json, u"/p/tidemark.json"_s);
    QVERIFY(!result.ok());
    // One error: the password field is not also reported as an unknown field.
    QVERIFY2(result.errors.size() == 1, qPrintable(dump(result.errors)));
    const ProjectError &e = result.errors.first();
    QCOMPARE(e.where, where);
    for (const QString &mention : mentions)
        QVERIFY2(e.message.contains(mention), qPrintable(e.message));
    for (const QString &part : {secret, u"s3cr3t"_s, u"Hunter2"_s}) {
        QVERIFY2(!e.message.contains(part), qPrintable(e.message));
        QVERIFY(!e.toString().contains(part));
        QVERIFY(!e.where.contains(part));
    }
}

void TestProjectLoader::everyProblemReportedAtOnce()
{
    const QByteArray json =
            spec({{u"tidemark"_s, kRemove},
                  {u"connections.pg.driver"_s, u"oracle"_s},
                  {u"connections.maria.port"_s, 0},
                  {u"mappings[0].batchrows"_s, 10},
                  {u"mappings[0].key"_s, QJsonArray{u"id"_s, u"id"_s}},
                  {u"mappings[0].max_sweep_fraction"_s, 2},
                  {u"mappings[1]"_s,
                   secondMapping(u""_s, ref(u"nope"_s, u"t"_s), ref(u"maria"_s, u"t"_s))}});
    const ProjectLoadResult result = ProjectLoader::loadBytes(json, u"/p/tidemark.json"_s);
    QVERIFY(!result.ok());
    QStringList wheres;
    for (const ProjectError &e : result.errors)
        wheres.append(e.where);
    wheres.sort();
    const QStringList expected = {
            u"connections.maria.port"_s,         u"connections.pg.driver"_s,
            u"mappings[0].batchrows"_s,          u"mappings[0].key[1]"_s,
            u"mappings[0].max_sweep_fraction"_s, u"mappings[1].name"_s,
            u"mappings[1].source.connection"_s,  u"tidemark"_s,
    };
    QVERIFY2(wheres == expected, qPrintable(dump(result.errors)));
}

void TestProjectLoader::validVariants_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("probe");
    QTest::addColumn<QVariant>("expected");

    QTest::newRow("lookback alias")
            << spec({{u"mappings[0].lookback_s"_s, kRemove}, {u"mappings[0].lookback"_s, 250}})
            << u"lookback"_s << QVariant(qint64(250));
    QTest::newRow("zero lookback")
            << spec({{u"mappings[0].lookback_s"_s, 0}}) << u"lookback"_s << QVariant(qint64(0));
    QTest::newRow("cursor as a plain string") << spec({{u"mappings[0].cursor"_s, u"updated_at"_s}})
                                              << u"cursor"_s << QVariant(u"updated_at"_s);
    QTest::newRow("mysql is mariadb") << spec({{u"connections.maria.driver"_s, u"mysql"_s}})
                                      << u"maria.driver"_s << QVariant(int(DriverKind::MariaDb));
    QTest::newRow("no port") << spec({{u"connections.pg.port"_s, kRemove}}) << u"pg.port"_s
                             << QVariant(0);
    QTest::newRow("keychain instead of env")
            << spec({{u"connections.pg.password_env"_s, kRemove},
                     {u"connections.pg.password_keychain"_s, true}})
            << u"pg.keychain"_s << QVariant(true);
    QTest::newRow("deletes none") << spec({{u"mappings[0].deletes"_s, u"none"_s}}) << u"deletes"_s
                                  << QVariant(int(DeletePolicy::None));
    QTest::newRow("capture by triggers")
            << spec({{u"mappings[0].capture"_s, u"triggers"_s}}) << u"capture"_s
            << QVariant(int(CaptureMode::Triggers));
    QTest::newRow("capture none") << spec({{u"mappings[0].capture"_s, u"none"_s}})
                                  << u"capture"_s << QVariant(int(CaptureMode::None));
    // Deletes of a captured mapping travel through its log: no scheduled sweep unless asked.
    QTest::newRow("captured: no scheduled sweep")
            << spec({{u"mappings[0].capture"_s, u"triggers"_s}}) << u"sweep"_s << QVariant(0);
    QTest::newRow("captured: sweep when asked")
            << spec({{u"mappings[0].capture"_s, u"triggers"_s},
                     {u"mappings[0].sweep_interval_s"_s, 60}})
            << u"sweep"_s << QVariant(60);
    QTest::newRow("not captured: sweep every minute") << spec({}) << u"sweep"_s << QVariant(60);
    QTest::newRow("whole number written as 5.0")
            << specText("\"interval_s\": 5,", "\"interval_s\": 5.0,") << u"interval"_s
            << QVariant(5);
    QTest::newRow("batch_rows upper bound")
            << spec({{u"mappings[0].batch_rows"_s, 1000000}}) << u"batch"_s << QVariant(1000000);
    QTest::newRow("verify interval") << spec({{u"mappings[0].verify_interval_s"_s, 3600}})
                                     << u"verify"_s << QVariant(3600);
    QTest::newRow("sweep fraction one")
            << spec({{u"mappings[0].max_sweep_fraction"_s, 1}}) << u"fraction"_s << QVariant(1.0);
    QTest::newRow("key without columns")
            << spec({{u"mappings[0].columns"_s, kRemove},
                     {u"mappings[0].key"_s, QJsonArray{u"region"_s, u"id"_s}}})
            << u"key"_s << QVariant(QStringList{u"region"_s, u"id"_s});
    QTest::newRow("cursor without columns") << spec(
            {{u"mappings[0].columns"_s, kRemove}, {u"mappings[0].cursor.column"_s, u"version"_s}})
                                            << u"cursor"_s << QVariant(u"version"_s);
    QTest::newRow("any characters in a table name")
            << spec({{u"mappings[0].mirror.table"_s, u"Orders \"2024\"; -- ü.x"_s}}) << u"mirror"_s
            << QVariant(u"Orders \"2024\"; -- ü.x"_s);
    QTest::newRow("same sqlite file, other table")
            << spec({{u"mappings[0].mirror"_s, ref(u"src"_s, u"orders_copy"_s)}}) << u"mirror"_s
            << QVariant(u"orders_copy"_s);
    QTest::newRow("same table name on another server")
            << spec({{u"mappings[0].mirror.connection"_s, u"maria"_s}}) << u"mappings"_s
            << QVariant(1);
    QTest::newRow("same postgres server, other database")
            << spec({{u"connections.pg2"_s,
                      QJsonObject{{u"driver"_s, u"postgres"_s},
                                  {u"host"_s, u"127.0.0.1"_s},
                                  {u"database"_s, u"source"_s}}},
                     {u"mappings[0].source"_s, ref(u"pg2"_s, u"orders"_s)}})
            << u"mappings"_s << QVariant(1);
    QTest::newRow("two mappings merge into one mirror without sweeps")
            << spec({{u"mappings[0].deletes"_s, u"none"_s},
                     {u"mappings[1]"_s,
                      QJsonObject{{u"name"_s, u"archive"_s},
                                  {u"source"_s, ref(u"src"_s, u"old"_s)},
                                  {u"mirror"_s, ref(u"pg"_s, u"orders"_s)},
                                  {u"deletes"_s, u"none"_s}}}})
            << u"mappings"_s << QVariant(2);
}

void TestProjectLoader::validVariants()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, probe);
    QFETCH(QVariant, expected);

    const ProjectLoadResult result = ProjectLoader::loadBytes(json, u"/p/tidemark.json"_s);
    QVERIFY2(result.ok(), qPrintable(dump(result.errors)));
    const Project &p = *result.project;
    const MappingConfig &m = p.mappings.first();
    QVariant actual;
    if (probe == u"lookback"_s)
        actual = m.lookback;
    else if (probe == u"cursor"_s)
        actual = m.cursorColumn;
    else if (probe == u"maria.driver"_s)
        actual = int(p.connection(u"maria"_s).driver);
    else if (probe == u"pg.port"_s)
        actual = p.connection(u"pg"_s).port;
    else if (probe == u"pg.keychain"_s)
        actual = p.connection(u"pg"_s).passwordKeychain;
    else if (probe == u"deletes"_s)
        actual = int(m.deletes);
    else if (probe == u"capture"_s)
        actual = int(m.capture);
    else if (probe == u"sweep"_s)
        actual = m.sweepIntervalS;
    else if (probe == u"interval"_s)
        actual = m.intervalS;
    else if (probe == u"batch"_s)
        actual = m.batchRows;
    else if (probe == u"fraction"_s)
        actual = m.maxSweepFraction;
    else if (probe == u"verify"_s)
        actual = m.verifyIntervalS;
    else if (probe == u"key"_s)
        actual = m.key;
    else if (probe == u"mirror"_s)
        actual = m.mirror.table;
    else if (probe == u"mappings"_s)
        actual = int(p.mappings.size());
    QCOMPARE(actual, expected);
}

void TestProjectLoader::defaultsApplyWhenOmitted()
{
    const QByteArray json = spec({{u"mappings[0].key"_s, kRemove},
                                  {u"mappings[0].columns"_s, kRemove},
                                  {u"mappings[0].cursor"_s, kRemove},
                                  {u"mappings[0].deletes"_s, kRemove},
                                  {u"mappings[0].interval_s"_s, kRemove},
                                  {u"mappings[0].batch_rows"_s, kRemove},
                                  {u"mappings[0].lookback_s"_s, kRemove},
                                  {u"mappings[0].max_sweep_fraction"_s, kRemove}});
    const ProjectLoadResult result = ProjectLoader::loadBytes(json, u"/p/tidemark.json"_s);
    QVERIFY2(result.ok(), qPrintable(dump(result.errors)));
    const MappingConfig &m = result.project->mappings.first();
    QVERIFY(m.key.isEmpty());
    QVERIFY(m.columns.isEmpty());
    QVERIFY(!m.hasCursor());
    QCOMPARE(m.deletes, DeletePolicy::Sweep);
    QCOMPARE(m.intervalS, 5);
    QCOMPARE(m.batchRows, 1000);
    QCOMPARE(m.lookback, 30);
    QCOMPARE(m.maxSweepFraction, 0.5);
    QCOMPARE(m.verifyIntervalS, 0);
}

void TestProjectLoader::relativeSqlitePaths_data()
{
    QTest::addColumn<QString>("spelling");
    QTest::addColumn<QString>("expected"); // relative to the project folder, or absolute

    QTest::newRow("plain") << u"data/x.db"_s << u"data/x.db"_s;
    QTest::newRow("dot segments") << u"./data/../data/x.db"_s << u"data/x.db"_s;
    QTest::newRow("doubled slash") << u"data//x.db"_s << u"data/x.db"_s;
    QTest::newRow("parent folder") << u"../shared/x.db"_s << u"../shared/x.db"_s;
    QTest::newRow("absolute") << u"/var/lib/tidemark/x.db"_s << u"/var/lib/tidemark/x.db"_s;
    QTest::newRow("absolute, unclean") << u"/var/lib/../lib/x.db"_s << u"/var/lib/x.db"_s;
    QTest::newRow("spaces and unicode") << u"my data/ünïcode.db"_s << u"my data/ünïcode.db"_s;
}

void TestProjectLoader::relativeSqlitePaths()
{
    QFETCH(QString, spelling);
    QFETCH(QString, expected);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString folder = dir.filePath(u"project"_s);

    const ProjectLoadResult result = ProjectLoader::loadBytes(
            spec({{u"connections.src.database"_s, spelling}}), folder + u"/tidemark.json"_s);
    QVERIFY2(result.ok(), qPrintable(dump(result.errors)));
    const QString database = result.project->connection(u"src"_s).database;
    QVERIFY(QDir::isAbsolutePath(database));
    QCOMPARE(database, QDir::cleanPath(QDir(folder).absoluteFilePath(expected)));
}

void TestProjectLoader::relativeProjectPath()
{
    // `tidemark-cli --project sub/tidemark.json` from another folder: the database is found
    // next to the project file, not in the working directory.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(QDir(dir.path()).mkdir(u"sub"_s));
    QFile file(dir.filePath(u"sub/tidemark.json"_s));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(kSpecExample);
    file.close();

    const QString previous = QDir::currentPath();
    QVERIFY(QDir::setCurrent(dir.path()));
    const ProjectLoadResult result = ProjectLoader::loadFile(u"sub/tidemark.json"_s);
    QVERIFY(QDir::setCurrent(previous));
    QVERIFY2(result.ok(), qPrintable(dump(result.errors)));
    const QString canonicalDir = QDir(dir.path()).canonicalPath();
    const QString database = QDir(result.project->folder).canonicalPath() + u"/data/source.db"_s;
    QCOMPARE(database, canonicalDir + u"/sub/data/source.db"_s);
    QCOMPARE(result.project->connection(u"src"_s).database,
             QDir::cleanPath(result.project->folder + u"/data/source.db"_s));
    QVERIFY(QDir::isAbsolutePath(result.project->filePath));
}

void TestProjectLoader::roundTrip_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QStringList>("written");    // must appear in the output
    QTest::addColumn<QStringList>("notWritten"); // must not

    QTest::newRow("SPEC example") << kSpecExample
                                  << QStringList{u"\"database\": \"data/source.db\""_s,
                                                 u"\"lookback_s\": 30"_s,
                                                 u"\"deletes\": \"sweep\""_s}
                                  << QStringList{u"password\""_s, u"/p/data"_s,
                                                 u"verify_interval_s"_s, u"capture"_s};
    QTest::newRow("non-defaults")
            << spec({{u"connections.maria.driver"_s, u"mysql"_s},
                     {u"connections.maria.port"_s, kRemove},
                     {u"connections.maria.user"_s, kRemove},
                     {u"connections.maria.password_env"_s, kRemove},
                     {u"connections.maria.password_keychain"_s, true},
                     {u"connections.maria.options"_s, u"MYSQL_OPT_CONNECT_TIMEOUT=5"_s},
                     {u"connections.src.database"_s, u"../elsewhere/source.db"_s},
                     {u"mappings[0].mirror"_s, ref(u"maria"_s, u"Orders \"copy\"\n2"_s)},
                     {u"mappings[0].key"_s, kRemove},
                     {u"mappings[0].columns"_s, kRemove},
                     {u"mappings[0].cursor"_s, u"version"_s},
                     {u"mappings[0].deletes"_s, u"none"_s},
                     {u"mappings[0].interval_s"_s, 3600},
                     {u"mappings[0].batch_rows"_s, 1},
                     {u"mappings[0].lookback_s"_s, kRemove},
                     {u"mappings[0].lookback"_s, 9007199254740991.0},
                     {u"mappings[0].max_sweep_fraction"_s, 0.1},
                     {u"mappings[0].verify_interval_s"_s, 900},
                     {u"mappings[0].capture"_s, u"triggers"_s},
                     {u"mappings[1]"_s,
                      secondMapping(u"zäh"_s, ref(u"pg"_s, u"a"_s), ref(u"src"_s, u"a"_s))}})
            << QStringList{u"\"driver\": \"mariadb\""_s, u"\"password_keychain\": true"_s,
                           u"\"database\": \"/elsewhere/source.db\""_s,
                           u"\"max_sweep_fraction\": 0.1"_s, u"\"lookback_s\": 9007199254740991"_s,
                           u"\"verify_interval_s\": 900"_s, u"\"capture\": \"triggers\""_s}
            << QStringList{u"3306"_s, u"\"key\""_s, u"\"columns\""_s, u"\"lookback\""_s};
    QTest::newRow("captured, swept every minute")
            << spec({{u"mappings[0].capture"_s, u"triggers"_s},
                     {u"mappings[0].sweep_interval_s"_s, 60}})
            << QStringList{u"\"sweep_interval_s\": 60"_s, u"\"capture\": \"triggers\""_s}
            << QStringList{};
    // A file really named ":memory:" must not be written back as the in-memory database.
    QTest::newRow("odd names") << QByteArray(R"({
        "tidemark": 1,
        "connections": {
            "a.b": { "driver": "sqlite", "database": "./:memory:" },
            "c \"d\"": { "driver": "sqlite", "database": "/p/sub dir/ünï.db" }
        },
        "mappings": [ { "name": "m.1", "source": { "connection": "a.b", "table": "t" },
                        "mirror": { "connection": "c \"d\"", "table": "t" } } ]
    })") << QStringList{u"\"a.b\": {"_s, u"\"./:memory:\""_s, u"\"sub dir/ünï.db\""_s}
                               << QStringList{u"/p/"_s};
}

void TestProjectLoader::roundTrip()
{
    QFETCH(QByteArray, json);
    QFETCH(QStringList, written);
    QFETCH(QStringList, notWritten);
    const QString path = u"/p/tidemark.json"_s;

    const ProjectLoadResult first = ProjectLoader::loadBytes(json, path);
    QVERIFY2(first.ok(), qPrintable(dump(first.errors)));
    const QByteArray out = ProjectLoader::toJson(*first.project);
    const ProjectLoadResult second = ProjectLoader::loadBytes(out, path);
    QVERIFY2(second.ok(), qPrintable(dump(second.errors) + u'\n' + QString::fromUtf8(out)));
    QVERIFY2(*second.project == *first.project, out.constData());
    // Stable: saving an unchanged project changes nothing in the file.
    QCOMPARE(ProjectLoader::toJson(*second.project), out);

    QVERIFY2(out.startsWith("{\n  \"tidemark\": 1,\n  \"connections\": {\n"), out.constData());
    QVERIFY(out.endsWith("}\n"));
    const QString text = QString::fromUtf8(out);
    for (const QString &s : written)
        QVERIFY2(text.contains(s), qPrintable(s + u" not in:\n"_s + text));
    for (const QString &s : notWritten)
        QVERIFY2(!text.contains(s), qPrintable(s + u" in:\n"_s + text));
    // SPEC order inside a mapping: name first, the tuning fields last.
    const QString mapping = text.mid(text.indexOf(u"\"mappings\": ["_s));
    QVERIFY(mapping.indexOf(u"\"name\""_s) < mapping.indexOf(u"\"source\""_s));
    QVERIFY(mapping.indexOf(u"\"source\""_s) < mapping.indexOf(u"\"mirror\""_s));
    QVERIFY(mapping.indexOf(u"\"mirror\""_s) < mapping.indexOf(u"\"deletes\""_s));
}

void TestProjectLoader::describe_data()
{
    QTest::addColumn<int>("driver");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<QString>("user");
    QTest::addColumn<QString>("database");
    QTest::addColumn<QString>("expected");

    QTest::newRow("postgres") << int(DriverKind::Postgres) << u"127.0.0.1"_s << 5432
                              << u"tidemark"_s << u"mirror"_s
                              << u"connection 'c' (postgres tidemark@127.0.0.1:5432/mirror)"_s;
    QTest::newRow("no user, default port")
            << int(DriverKind::MariaDb) << u"db.example"_s << 0 << QString() << u"shop"_s
            << u"connection 'c' (mariadb db.example/shop)"_s;
    QTest::newRow("IPv6") << int(DriverKind::Postgres) << u"::1"_s << 5433 << u"u"_s << u"m"_s
                          << u"connection 'c' (postgres u@[::1]:5433/m)"_s;
    QTest::newRow("sqlite") << int(DriverKind::Sqlite) << QString() << 0 << QString()
                            << u"/abs/path/source.db"_s
                            << u"connection 'c' (sqlite /abs/path/source.db)"_s;
}

void TestProjectLoader::describe()
{
    QFETCH(int, driver);
    QFETCH(QString, host);
    QFETCH(int, port);
    QFETCH(QString, user);
    QFETCH(QString, database);
    QFETCH(QString, expected);
    ConnectionConfig c;
    c.name = u"c"_s;
    c.driver = DriverKind(driver);
    c.host = host;
    c.port = port;
    c.user = user;
    c.database = database;
    c.passwordEnv = u"SECRET_VAR"_s;
    c.options = u"sslmode=require"_s;
    QCOMPARE(c.describe(), expected);
}

void TestProjectLoader::driverKinds_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("kind"); // -1: not a driver
    QTest::addColumn<QString>("canonical");

    QTest::newRow("sqlite") << u"sqlite"_s << int(DriverKind::Sqlite) << u"sqlite"_s;
    QTest::newRow("postgres") << u"postgres"_s << int(DriverKind::Postgres) << u"postgres"_s;
    QTest::newRow("mariadb") << u"mariadb"_s << int(DriverKind::MariaDb) << u"mariadb"_s;
    QTest::newRow("mysql alias") << u"mysql"_s << int(DriverKind::MariaDb) << u"mariadb"_s;
    QTest::newRow("case matters") << u"Postgres"_s << -1 << QString();
    QTest::newRow("postgresql") << u"postgresql"_s << -1 << QString();
    QTest::newRow("empty") << QString() << -1 << QString();
}

void TestProjectLoader::driverKinds()
{
    QFETCH(QString, name);
    QFETCH(int, kind);
    QFETCH(QString, canonical);
    const std::optional<DriverKind> parsed = driverKindFromName(name);
    if (kind < 0) {
        QVERIFY(!parsed);
        return;
    }
    QVERIFY(parsed);
    QCOMPARE(int(*parsed), kind);
    QCOMPARE(driverKindName(*parsed), canonical);
    QCOMPARE(driverKindFromName(driverKindName(*parsed)), parsed);
}

void TestProjectLoader::errorToString_data()
{
    QTest::addColumn<QString>("where");
    QTest::addColumn<int>("line");
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("expected");

    QTest::newRow("parse error") << QString() << 3 << 7 << u"tidemark.json:3:7: broken"_s;
    QTest::newRow("field") << u"mappings[0].key"_s << 0 << 0
                           << u"tidemark.json: mappings[0].key: broken"_s;
    QTest::newRow("whole file") << QString() << 0 << 0 << u"tidemark.json: broken"_s;
}

void TestProjectLoader::errorToString()
{
    QFETCH(QString, where);
    QFETCH(int, line);
    QFETCH(int, column);
    QFETCH(QString, expected);
    const ProjectError e{u"tidemark.json"_s, where, u"broken"_s, line, column};
    QCOMPARE(e.toString(), expected);
}

QTEST_GUILESS_MAIN(TestProjectLoader)
#include "tst_projectloader.moc"
