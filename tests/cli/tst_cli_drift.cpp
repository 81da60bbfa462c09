// tidemark-cli diff, explain and repair end to end (SPEC.md "Drift"): exit codes (0 equal, 1
// differences, 2 bad input, 3 refused), the --json document, --limit, --html and --csv files,
// the repair dry run that changes nothing, repair --execute that makes diff exit 0, the safety
// refusal, partial backfills by key range, and `drift` in status --json.

#include "clitestsupport.h"

#include <QJsonArray>
#include <QTemporaryDir>

using namespace Qt::StringLiterals;
using namespace clitest;

namespace {

constexpr int kRows = 300;

class Folder
{
public:
    bool isValid() const { return m_dir.isValid(); }
    QString path(const QString &name) const { return m_dir.filePath(name); }

    QString createSource() const
    {
        const SqliteFile db(path(u"source.db"_s));
        if (const QString e = db.exec(u"CREATE TABLE orders (id INTEGER PRIMARY KEY, customer "
                                      "TEXT NOT NULL, total DECIMAL TEXT, version INTEGER)"_s);
            !e.isEmpty())
            return e;
        QList<QVariantList> rows;
        for (int i = 1; i <= kRows; ++i)
            rows << QVariantList{i, u"customer %1"_s.arg(i), u"%1.50"_s.arg(i), i};
        return db.execMany(u"INSERT INTO orders VALUES (?, ?, ?, ?)"_s, rows);
    }
    bool writeProject(double maxSweepFraction = 0.5) const
    {
        const QJsonObject connections{
                {u"src"_s, QJsonObject{{u"driver"_s, u"sqlite"_s}, {u"database"_s, u"source.db"_s}}},
                {u"mirror"_s,
                 QJsonObject{{u"driver"_s, u"sqlite"_s}, {u"database"_s, u"mirror.db"_s}}}};
        const QJsonObject mapping{{u"name"_s, u"orders"_s},
                                  {u"source"_s, tableRef(u"src"_s, u"orders"_s)},
                                  {u"mirror"_s, tableRef(u"mirror"_s, u"orders"_s)},
                                  {u"cursor"_s, QJsonObject{{u"column"_s, u"version"_s}}},
                                  {u"lookback_s"_s, 0},
                                  {u"max_sweep_fraction"_s, maxSweepFraction}};
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
    QString mirrorSql(const QString &sql) const { return SqliteFile(path(u"mirror.db"_s)).exec(sql); }

private:
    QTemporaryDir m_dir;
};


QJsonObject onlyMapping(const CliResult &r)
{
    const QJsonDocument doc = QJsonDocument::fromJson(r.out.toUtf8());
    return doc.object().value(u"mappings"_s).toArray().first().toObject();
}

// A synced folder with, in the mirror: row 5 changed, row 7 deleted, row 9999 added.
bool driftedFolder(Folder &f)
{
    if (!f.isValid() || !f.createSource().isEmpty() || !f.writeProject())
        return false;
    if (f.cli(u"prepare"_s).exitCode != 0 || f.cli(u"sync"_s).exitCode != 0)
        return false;
    return f.mirrorSql(u"UPDATE orders SET total = '5.49' WHERE id = 5"_s).isEmpty()
            && f.mirrorSql(u"DELETE FROM orders WHERE id = 7"_s).isEmpty()
            && f.mirrorSql(u"INSERT INTO orders VALUES (9999, 'extra', '1', 1)"_s).isEmpty();
}

} // namespace

class TestCliDrift : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void diffExitCodesAndJson();
    void reports();
    void explain();
    void repairDryRunThenExecute();
    void repairRefusedWithoutForce();
    void partialBackfill();
};

void TestCliDrift::diffExitCodesAndJson()
{
    Folder f;
    QVERIFY(f.isValid());
    QVERIFY(f.createSource().isEmpty());
    QVERIFY(f.writeProject());
    CLI_EXIT(f.cli(u"prepare"_s), 0);
    CLI_EXIT(f.cli(u"sync"_s), 0);
    // Before any check, status says drift null.
    const CliResult before = f.cli(u"status"_s, {u"--json"_s});
    CLI_EXIT(before, 0);
    QVERIFY(onlyMapping(before).value(u"drift"_s).isNull());

    const CliResult equal = f.cli(u"diff"_s);
    CLI_EXIT(equal, 0);
    QVERIFY2(equal.out.contains(u"orders: equal (300 rows)"_s), equal.describe().constData());

    QVERIFY(f.mirrorSql(u"UPDATE orders SET total = '5.49' WHERE id = 5"_s).isEmpty());
    QVERIFY(f.mirrorSql(u"DELETE FROM orders WHERE id = 7"_s).isEmpty());
    QVERIFY(f.mirrorSql(u"INSERT INTO orders VALUES (9999, 'extra', '1', 1)"_s).isEmpty());
    const CliResult r = f.cli(u"diff"_s, {u"--json"_s});
    CLI_EXIT(r, 1);
    const QJsonObject m = onlyMapping(r);
    QCOMPARE(m.value(u"name"_s).toString(), u"orders"_s);
    QCOMPARE(m.value(u"equal"_s).toBool(), false);
    QCOMPARE(m.value(u"source_rows"_s).toInt(), kRows);
    QCOMPARE(m.value(u"mirror_rows"_s).toInt(), kRows);
    QCOMPARE(m.value(u"missing"_s).toInt(), 1);
    QCOMPARE(m.value(u"extra"_s).toInt(), 1);
    QCOMPARE(m.value(u"changed"_s).toInt(), 1);
    QCOMPARE(m.value(u"truncated"_s).toBool(), false);
    const QJsonArray rows = m.value(u"rows"_s).toArray();
    QCOMPARE(rows.size(), 3);
    QJsonObject changed;
    for (const QJsonValue &v : rows)
        if (v.toObject().value(u"kind"_s) == u"changed"_s)
            changed = v.toObject();
    QCOMPARE(changed.value(u"key"_s).toArray(), QJsonArray{5});   // a JSON number
    QCOMPARE(changed.value(u"reason"_s).toString(), u"drift"_s);
    QCOMPARE(changed.value(u"columns"_s).toArray(), QJsonArray{u"total"_s});
    QCOMPARE(changed.value(u"source"_s).toObject().value(u"total"_s).toString(), u"5.50"_s);
    QCOMPARE(changed.value(u"mirror"_s).toObject().value(u"total"_s).toString(), u"5.49"_s);

    // --limit: the counts stay, the list is cut and says so.
    const CliResult limited = f.cli(u"diff"_s, {u"--json"_s, u"--limit"_s, u"1"_s});
    CLI_EXIT(limited, 1);
    QCOMPARE(onlyMapping(limited).value(u"rows"_s).toArray().size(), 1);
    QCOMPARE(onlyMapping(limited).value(u"truncated"_s).toBool(), true);
    QCOMPARE(onlyMapping(limited).value(u"missing"_s).toInt(), 1);

    // status carries the latest check.
    const CliResult status = f.cli(u"status"_s, {u"--json"_s});
    CLI_EXIT(status, 0);
    const QJsonObject drift = onlyMapping(status).value(u"drift"_s).toObject();
    QCOMPARE(drift.value(u"missing"_s).toInt(), 1);
    QCOMPARE(drift.value(u"extra"_s).toInt(), 1);
    QCOMPARE(drift.value(u"changed"_s).toInt(), 1);
    QVERIFY(!drift.value(u"checked_at"_s).toString().isEmpty());

    // Bad input: exit 2, the option named.
    const CliResult bad = f.cli(u"diff"_s, {u"--key-from"_s, u"abc"_s});
    CLI_EXIT(bad, 2);
    QVERIFY2(bad.err.contains(u"--key-from"_s) && bad.err.contains(u"'id'"_s),
             bad.describe().constData());
}

void TestCliDrift::reports()
{
    Folder f;
    QVERIFY(driftedFolder(f));
    const QString html = f.path(u"report.html"_s);
    const QString csv = f.path(u"report.csv"_s);
    CLI_EXIT(f.cli(u"diff"_s, {u"--html"_s, html, u"--csv"_s, csv}), 1);
    QFile h(html);
    QVERIFY(h.open(QIODevice::ReadOnly));
    const QString page = QString::fromUtf8(h.readAll());
    QVERIFY(page.startsWith(u"<!DOCTYPE html>"_s));
    QVERIFY(page.contains(u"<td class=changed>5.49</td>"_s));
    QVERIFY(page.contains(u"3 differences"_s));
    QVERIFY(!page.contains(u"<script"_s) && !page.contains(u"http"_s));   // self-contained
    QFile c(csv);
    QVERIFY(c.open(QIODevice::ReadOnly));
    const QStringList lines = QString::fromUtf8(c.readAll()).split(u"\r\n"_s, Qt::SkipEmptyParts);
    QCOMPARE(lines.first(), u"mapping,kind,reason,key,column,source,mirror"_s);
    QVERIFY(lines.contains(u"orders,changed,drift,[5],total,5.50,5.49"_s));
}

void TestCliDrift::explain()
{
    Folder f;
    QVERIFY(driftedFolder(f));
    const CliResult r = f.cli(u"explain"_s, {u"--key"_s, u"5"_s, u"--json"_s});
    CLI_EXIT(r, 0);
    const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
    QCOMPARE(o.value(u"kind"_s).toString(), u"changed"_s);
    QCOMPARE(o.value(u"reason"_s).toString(), u"drift"_s);
    QCOMPARE(o.value(u"key"_s).toArray(), QJsonArray{5});
    QCOMPARE(o.value(u"source"_s).toObject().value(u"total"_s).toString(), u"5.50"_s);
    QCOMPARE(o.value(u"mirror"_s).toObject().value(u"total"_s).toString(), u"5.49"_s);
    QCOMPARE(o.value(u"checkpoint"_s).toObject().value(u"cursor"_s).toInt(), kRows);
    const CliResult equal = f.cli(u"explain"_s, {u"--key"_s, u"6"_s, u"--json"_s});
    CLI_EXIT(equal, 0);
    QCOMPARE(QJsonDocument::fromJson(equal.out.toUtf8()).object().value(u"kind"_s).toString(),
             u"equal"_s);
    const CliResult text = f.cli(u"explain"_s, {u"--key"_s, u"9999"_s});
    CLI_EXIT(text, 0);
    QVERIFY2(text.out.contains(u"verdict: extra, reason orphan"_s), text.describe().constData());
    CLI_EXIT(f.cli(u"explain"_s), 2);                                  // no --key
    CLI_EXIT(f.cli(u"explain"_s, {u"--key"_s, u"1,2"_s}), 2);           // two values, one column
}

void TestCliDrift::repairDryRunThenExecute()
{
    Folder f;
    QVERIFY(driftedFolder(f));
    const QByteArray before = fileHash(f.path(u"mirror.db"_s));
    const CliResult dry = f.cli(u"repair"_s);
    CLI_EXIT(dry, 0);
    // Deletes first, then updates, then inserts, in the mirror's dialect.
    const qsizetype del = dry.out.indexOf(u"DELETE FROM \"orders\" WHERE \"id\" = 9999;"_s);
    const qsizetype upd = dry.out.indexOf(u"UPDATE \"orders\" SET \"total\" = '5.50' WHERE \"id\" = 5;"_s);
    const qsizetype ins = dry.out.indexOf(u"INSERT INTO \"orders\""_s);
    QVERIFY2(del >= 0 && upd > del && ins > upd, dry.describe().constData());
    QCOMPARE(fileHash(f.path(u"mirror.db"_s)), before);

    const CliResult run = f.cli(u"repair"_s, {u"--execute"_s});
    CLI_EXIT(run, 0);
    QVERIFY2(run.out.contains(u"1 deleted, 1 updated, 1 inserted"_s), run.describe().constData());
    QVERIFY2(run.out.contains(u"compared again: all equal"_s), run.describe().constData());
    CLI_EXIT(f.cli(u"diff"_s), 0);
}

void TestCliDrift::repairRefusedWithoutForce()
{
    Folder f;
    QVERIFY(driftedFolder(f));
    QVERIFY(SqliteFile(f.path(u"source.db"_s)).exec(u"DELETE FROM orders WHERE id > 100"_s).isEmpty());
    const QByteArray before = fileHash(f.path(u"mirror.db"_s));
    const CliResult refused = f.cli(u"repair"_s, {u"--execute"_s});
    CLI_EXIT(refused, 3);
    QVERIFY2(refused.err.contains(u"max_sweep_fraction"_s), refused.describe().constData());
    QCOMPARE(fileHash(f.path(u"mirror.db"_s)), before);
    CLI_EXIT(f.cli(u"repair"_s, {u"--execute"_s, u"--force"_s}), 0);
    CLI_EXIT(f.cli(u"diff"_s), 0);
}

void TestCliDrift::partialBackfill()
{
    Folder f;
    QVERIFY(f.isValid());
    QVERIFY(f.createSource().isEmpty());
    QVERIFY(f.writeProject());
    CLI_EXIT(f.cli(u"prepare"_s), 0);
    CLI_EXIT(f.cli(u"sync"_s), 0);
    QVERIFY(f.mirrorSql(u"DELETE FROM orders WHERE id IN (10, 20, 200)"_s).isEmpty());
    const CliResult r = f.cli(u"backfill"_s, {u"--key-from"_s, u"5"_s, u"--key-to"_s, u"100"_s});
    CLI_EXIT(r, 0);
    QVERIFY2(r.out.contains(u"key range only: read 96 rows; 2 missing"_s), r.describe().constData());
    const CliResult left = f.cli(u"diff"_s, {u"--json"_s});
    CLI_EXIT(left, 1);
    QCOMPARE(onlyMapping(left).value(u"missing"_s).toInt(), 1);   // 200, outside the range
    // A partial backfill is not a sync: sync refuses the range options.
    CLI_EXIT(f.cli(u"sync"_s, {u"--key-from"_s, u"1"_s}), 2);
}

QTEST_GUILESS_MAIN(TestCliDrift)
#include "tst_cli_drift.moc"
