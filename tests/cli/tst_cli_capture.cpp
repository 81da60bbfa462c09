// tidemark-cli with "capture": "triggers" (issue 12), end to end through the binary on SQLite:
// prepare --dry-run prints the statements and changes nothing; prepare installs; sync applies
// inserts, updates, key changes and deletes without a sweep; status --json reports the log as
// counts; an explicit backfill gives a mapping that never applied the log its start; prepare
// --remove-capture leaves the source's schema as it was; validate names a key capture cannot
// carry.

#include "clitestsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>

using namespace Qt::StringLiterals;
using namespace clitest;

namespace {

class Folder
{
public:
    bool isValid() const { return m_dir.isValid(); }
    QString path(const QString &name) const { return m_dir.filePath(name); }
    QString source() const { return path(u"source.db"_s); }
    QString mirror() const { return path(u"mirror.db"_s); }

    QString createSource(const QString &keyType = u"INTEGER"_s) const
    {
        const SqliteFile db(source());
        if (const QString e = db.exec(u"CREATE TABLE orders (id "_s + keyType
                                      + u" PRIMARY KEY, customer TEXT NOT NULL, total TEXT)"_s);
            !e.isEmpty())
            return e;
        QList<QVariantList> rows;
        for (int i = 1; i <= 100; ++i)
            rows << QVariantList{i, u"customer %1"_s.arg(i), u"%1.50"_s.arg(i)};
        return db.execMany(u"INSERT INTO orders VALUES (?, ?, ?)"_s, rows);
    }
    bool writeProject() const
    {
        const QJsonObject connections{
                {u"src"_s, QJsonObject{{u"driver"_s, u"sqlite"_s}, {u"database"_s, u"source.db"_s}}},
                {u"mirror"_s,
                 QJsonObject{{u"driver"_s, u"sqlite"_s}, {u"database"_s, u"mirror.db"_s}}}};
        const QJsonObject mapping{{u"name"_s, u"orders"_s},
                                  {u"source"_s, tableRef(u"src"_s, u"orders"_s)},
                                  {u"mirror"_s, tableRef(u"mirror"_s, u"orders"_s)},
                                  {u"capture"_s, u"triggers"_s},
                                  {u"batch_rows"_s, 7}};
        return writeJson(path(u"tidemark.json"_s),
                         {{u"tidemark"_s, 1},
                          {u"connections"_s, connections},
                          {u"mappings"_s, QJsonArray{mapping}}});
    }
    CliResult cli(const QString &command, const QStringList &extra = {}) const
    {
        return runCli(QStringList{command, u"--project"_s, path(u"tidemark.json"_s)} + extra,
                      m_dir.path());
    }
    QString schema() const
    {
        const SqliteFile db(source());
        const QueryResult r = db.query(u"SELECT type, name, sql FROM sqlite_master ORDER BY name"_s);
        QStringList out;
        for (const QVariantList &row : r.rows)
            out << rowText(row);
        return r.error.isEmpty() ? out.join(u'\n') : r.error;
    }
    QJsonObject status() const
    {
        const CliResult r = cli(u"status"_s, {u"--json"_s});
        const QJsonArray mappings =
                QJsonDocument::fromJson(r.out.toUtf8()).object().value(u"mappings"_s).toArray();
        return mappings.isEmpty() ? QJsonObject() : mappings.first().toObject();
    }

private:
    QTemporaryDir m_dir;
};

} // namespace

class TestCliCapture : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void dryRunThenInstallSyncAndRemove();
    void explicitBackfillStartsTheLog();
    void validateNamesAKeyCaptureCannotCarry();
};

void TestCliCapture::dryRunThenInstallSyncAndRemove()
{
    Folder f;
    QVERIFY(f.isValid());
    SQL_OK(f.createSource());
    QVERIFY(f.writeProject());
    const QString before = f.schema();
    const QByteArray sourceBytes = fileHash(f.source());

    const CliResult dry = f.cli(u"prepare"_s, {u"--dry-run"_s});
    CLI_EXIT(dry, 0);
    for (const QString &part : {u"CREATE TABLE IF NOT EXISTS \"_tidemark_changes\""_s,
                                u"CREATE TRIGGER"_s, u"AFTER DELETE ON \"orders\""_s,
                                u"CREATE TABLE \"orders\""_s, u"nothing was changed"_s})
        QVERIFY2(dry.out.contains(part), qPrintable(part + u" not in:\n"_s + dry.out));
    QCOMPARE(fileHash(f.source()), sourceBytes);
    QVERIFY2(!QFileInfo::exists(f.mirror()), "a dry run created the mirror");

    CLI_EXIT(f.cli(u"prepare"_s), 0);
    QVERIFY(f.schema() != before);
    const CliResult first = f.cli(u"sync"_s);
    CLI_EXIT(first, 0);
    QVERIFY2(first.out.contains(u"first capture pass"_s), first.describe());
    SQL_OK(compareTables(f.source(), f.mirror(), u"orders"_s, {u"id"_s}));

    {
        const SqliteFile db(f.source());
        SQL_OK(db.exec(u"INSERT INTO orders VALUES (500, 'new', '1.00')"_s));
        SQL_OK(db.exec(u"UPDATE orders SET total = '9.99' WHERE id BETWEEN 10 AND 30"_s));
        SQL_OK(db.exec(u"UPDATE orders SET id = 1000 WHERE id = 2"_s));
        SQL_OK(db.exec(u"DELETE FROM orders WHERE id IN (3, 4, 5)"_s));
    }
    const QJsonObject pending = f.status();
    const QJsonObject capture = pending.value(u"capture"_s).toObject();
    QVERIFY2(capture.value(u"installed"_s).toBool(), QJsonDocument(pending).toJson().constData());
    // 1 insert, 21 updates, a key change (delete + upsert), 3 deletes: rows, not numbers.
    QCOMPARE(capture.value(u"pending"_s).toInt(), 1 + 21 + 2 + 3);
    QCOMPARE(pending.value(u"backlog"_s).toInt(), 1 + 21 + 2 + 3);
    QCOMPARE(capture.value(u"unnumbered"_s).toInt(), 0);

    const CliResult second = f.cli(u"sync"_s);
    CLI_EXIT(second, 0);
    SQL_OK(compareTables(f.source(), f.mirror(), u"orders"_s, {u"id"_s}));
    const QJsonObject after = f.status();
    QCOMPARE(after.value(u"backlog"_s).toInt(), 0);
    QCOMPARE(after.value(u"capture"_s).toObject().value(u"log_rows"_s).toInt(), 0);

    const CliResult remove = f.cli(u"prepare"_s, {u"--remove-capture"_s});
    CLI_EXIT(remove, 0);
    QVERIFY2(remove.out.contains(u"the change log is gone too"_s), remove.describe());
    QCOMPARE(f.schema(), before);
}

// A full backfill of a mapping that never applied the log gives it its start (number 0), so
// the next sync applies the log, deletes included, without backfilling again.
void TestCliCapture::explicitBackfillStartsTheLog()
{
    Folder f;
    QVERIFY(f.isValid());
    SQL_OK(f.createSource());
    QVERIFY(f.writeProject());
    CLI_EXIT(f.cli(u"prepare"_s), 0);
    {
        const SqliteFile db(f.source());
        SQL_OK(db.exec(u"DELETE FROM orders WHERE id = 7"_s));
    }
    CLI_EXIT(f.cli(u"backfill"_s, {u"--no-gate"_s}), 0);
    QCOMPARE(f.status().value(u"capture"_s).toObject().value(u"applied_seq"_s).toInt(), 0);
    const CliResult sync = f.cli(u"sync"_s);
    CLI_EXIT(sync, 0);
    QVERIFY2(!sync.out.contains(u"first capture pass"_s), sync.describe());
    SQL_OK(compareTables(f.source(), f.mirror(), u"orders"_s, {u"id"_s}));
}

void TestCliCapture::validateNamesAKeyCaptureCannotCarry()
{
    Folder f;
    QVERIFY(f.isValid());
    SQL_OK(f.createSource(u"REAL"_s));
    QVERIFY(f.writeProject());
    const CliResult r = f.cli(u"prepare"_s);
    CLI_EXIT(r, 2);
    QVERIFY2(r.err.contains(u"key column 'id'"_s) && r.err.contains(u"floating-point"_s),
             r.describe());
    const QByteArray before = fileHash(f.source());
    CLI_EXIT(f.cli(u"validate"_s), 2);
    QCOMPARE(fileHash(f.source()), before);
}

QTEST_GUILESS_MAIN(TestCliCapture)
#include "tst_cli_capture.moc"
