#include "itemtable.h"

#include "db/dberror.h"
#include "db/dbconnection.h"
#include "sync/checkpointstore.h"

#include <QHash>
#include <QSqlQuery>

#include <optional>

using namespace Qt::StringLiterals;

namespace tidemark::test {

namespace {

constexpr int kExamples = 5;

struct Item
{
    QString v;
    qint64 version = 0;
    bool operator==(const Item &) const = default;
};

// Short timeouts for the test's own connections: a helper asked while a server is frozen must
// come back with an error, not hang the test.
ConnectionConfig quick(ConnectionConfig c)
{
    c.connectTimeoutS = 5;
    c.statementTimeoutS = 30;
    return c;
}

QString quoted(const ConnectionConfig &c, const QString &table)
{
    return c.driver == DriverKind::MariaDb || c.driver == DriverKind::ClickHouse
            ? u'`' + table + u'`'
            : u'"' + table + u'"';
}

// id -> (v, version), in one statement.
QHash<qint64, Item> readItems(DbConnection &conn, const QString &table)
{
    QHash<qint64, Item> rows;
    QSqlQuery q = conn.exec(u"SELECT id, v, version FROM "_s + conn.dialect().readSource(table));
    while (q.next())
        rows.insert(q.value(0).toLongLong(), Item{q.value(1).toString(), q.value(2).toLongLong()});
    return rows;
}

} // namespace

void createItemTable(const ConnectionConfig &connection, const QString &table, int seedRows)
{
    DbConnection conn(quick(connection), u"fault-setup"_s);
    conn.setCreateIfMissing(true);
    conn.open();
    const QString t = quoted(connection, table);
    conn.exec(u"DROP TABLE IF EXISTS "_s + t);
    conn.exec(u"CREATE TABLE "_s + t
              + u" (id BIGINT NOT NULL PRIMARY KEY, v VARCHAR(64) NOT NULL, "
                "version BIGINT NOT NULL)"_s
              + (connection.driver == DriverKind::MariaDb ? u" ENGINE=InnoDB"_s : QString()));
    conn.exec(u"CREATE INDEX "_s + quoted(connection, table + u"_cursor"_s) + u" ON "_s + t
              + u" (version, id)"_s);
    if (seedRows <= 0)
        return;
    const QString n = QString::number(seedRows);
    switch (connection.driver) {
    case DriverKind::Postgres:
        conn.exec(u"INSERT INTO "_s + t + u" SELECT i, 'seed ' || i, i / 3 FROM "
                  "generate_series(1, "_s + n + u") AS i"_s);
        break;
    case DriverKind::MariaDb:
        // The SEQUENCE engine's seq_1_to_N table: no recursion limit to raise.
        conn.exec(u"INSERT INTO "_s + t + u" SELECT seq, CONCAT('seed ', seq), seq DIV 3 FROM "
                  "seq_1_to_"_s + n);
        break;
    case DriverKind::Sqlite:
        conn.exec(u"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < "_s
                  + n + u") INSERT INTO "_s + t + u" SELECT i, 'seed ' || i, i / 3 FROM n"_s);
        break;
    case DriverKind::ClickHouse: break;   // never a source
    }
}

void dropItemTable(const ConnectionConfig &connection, const QString &table)
{
    try {
        DbConnection conn(quick(connection), u"fault-teardown"_s);
        conn.open();
        conn.exec(u"DROP TABLE IF EXISTS "_s + quoted(connection, table));
    } catch (const DbError &e) {
        qWarning("could not drop %s: %s", qPrintable(table), qPrintable(e.message()));
    }
}

qint64 countRows(const ConnectionConfig &connection, const QString &table)
{
    try {
        DbConnection conn(quick(connection), u"fault-count"_s);
        conn.open();
        return conn.scalar(u"SELECT COUNT(*) FROM "_s + conn.dialect().readSource(table))
                .toLongLong();
    } catch (const DbError &) {
        return -1;
    }
}

MappingConfig itemMapping(const QString &name, const QString &sourceConnection,
                          const QString &sourceTable, const QString &mirrorConnection,
                          const QString &mirrorTable)
{
    MappingConfig m;
    m.name = name;
    m.source = {sourceConnection, sourceTable};
    m.mirror = {mirrorConnection, mirrorTable};
    m.key = {u"id"_s};
    m.cursorColumn = u"version"_s;
    m.lookback = 0;
    m.intervalS = 1;
    m.batchRows = 500;
    m.deletes = DeletePolicy::Sweep;
    m.sweepIntervalS = 3;
    m.maxSweepFraction = 0.9;
    return m;
}

QString TableDiff::describe() const
{
    if (!error.isEmpty())
        return u"comparison failed: "_s + error;
    return u"source %1 rows, mirror %2 rows; %3 missing, %4 extra, %5 differing%6"_s
            .arg(sourceRows)
            .arg(mirrorRows)
            .arg(missing)
            .arg(extra)
            .arg(differing)
            .arg(examples.isEmpty() ? QString() : u"; e.g. "_s + examples.join(u"; "_s));
}

TableDiff compareItems(const ConnectionConfig &source, const QString &sourceTable,
                       const ConnectionConfig &mirror, const QString &mirrorTable)
{
    TableDiff d;
    try {
        DbConnection src(quick(source), u"fault-compare"_s);
        DbConnection mir(quick(mirror), u"fault-compare"_s);
        src.open();
        mir.open();
        const QHash<qint64, Item> s = readItems(src, sourceTable);
        const QHash<qint64, Item> m = readItems(mir, mirrorTable);
        // Duplicates cannot hide in the hash: the counts come from the server.
        d.sourceRows = src.scalar(u"SELECT COUNT(*) FROM "_s + quoted(source, sourceTable))
                               .toLongLong();
        d.mirrorRows = mir.scalar(u"SELECT COUNT(*) FROM "_s + mir.dialect().readSource(mirrorTable))
                               .toLongLong();
        int missingShown = 0, extraShown = 0, differingShown = 0;
        for (auto it = s.cbegin(); it != s.cend(); ++it) {
            const auto found = m.constFind(it.key());
            if (found == m.cend()) {
                ++d.missing;
                if (missingShown++ < kExamples)
                    d.examples << u"missing id %1 (version %2)"_s.arg(it.key()).arg(
                            it->version);
            } else if (!(*found == *it)) {
                ++d.differing;
                if (differingShown++ < kExamples)
                    d.examples << u"id %1: source (%2, %3), mirror (%4, %5)"_s.arg(it.key())
                                          .arg(it->v)
                                          .arg(it->version)
                                          .arg(found->v)
                                          .arg(found->version);
            }
        }
        for (auto it = m.cbegin(); it != m.cend(); ++it) {
            if (!s.contains(it.key())) {
                ++d.extra;
                if (extraShown++ < kExamples)
                    d.examples << u"extra id %1 (version %2)"_s.arg(it.key()).arg(it->version);
            }
        }
    } catch (const DbError &e) {
        d.error = e.message();
    }
    return d;
}

CoverageCheck checkpointCovered(const ConnectionConfig &source, const QString &sourceTable,
                                const ConnectionConfig &mirror, const QString &mirrorTable,
                                const QString &mapping)
{
    CoverageCheck c;
    try {
        DbConnection mir(quick(mirror), u"fault-coverage"_s);
        mir.open();
        CheckpointStore store(mir);
        if (!store.exists()) {
            c.error = u"no state table yet"_s;
            return c;
        }
        const Checkpoint cp = store.load(mapping);
        if (cp.isNull() || cp.key.isEmpty()) {
            c.error = u"no checkpoint yet"_s;
            return c;
        }
        const qint64 cpVersion = cp.cursor.toLongLong();
        const qint64 cpId = cp.key.first().toLongLong();
        const QHash<qint64, Item> m = readItems(mir, mirrorTable);
        mir.close();

        DbConnection src(quick(source), u"fault-coverage"_s);
        src.open();
        QSqlQuery q = src.exec(u"SELECT id, version FROM "_s + quoted(source, sourceTable)
                                       + u" WHERE version < ? OR (version = ? AND id <= ?)"_s,
                               {cpVersion, cpVersion, cpId});
        qint64 missing = 0;
        QStringList examples;
        while (q.next()) {
            ++c.covered;
            const qint64 id = q.value(0).toLongLong();
            const qint64 version = q.value(1).toLongLong();
            const auto found = m.constFind(id);
            if (found == m.cend() || found->version != version) {
                if (++missing <= kExamples)
                    examples << (found == m.cend()
                                         ? u"id %1 (version %2) not in the mirror"_s.arg(id).arg(
                                                   version)
                                         : u"id %1 has version %2 in the mirror, %3 in the "
                                           "source"_s.arg(id)
                                                   .arg(found->version)
                                                   .arg(version));
            }
        }
        c.checked = true;
        if (missing > 0)
            c.violation = u"mapping '%1': the checkpoint (version %2, id %3) covers %4 source rows "
                          "but %5 of them are not in the mirror as written: %6"_s.arg(mapping)
                                  .arg(cpVersion)
                                  .arg(cpId)
                                  .arg(c.covered)
                                  .arg(missing)
                                  .arg(examples.join(u"; "_s));
    } catch (const DbError &e) {
        c.error = e.message();
    }
    return c;
}

} // namespace tidemark::test
