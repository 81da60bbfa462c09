#include "backfillbench.h"

#include "rowgen.h"
#include "sourceloader.h"
#include "tablecompare.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>

#include <stdexcept>

using namespace Qt::StringLiterals;

namespace tidemark::bench {

const QList<Pairing> kPairings = {
        {u"sqlite_pg"_s, u"SQLite -> PostgreSQL"_s, u"sqlite"_s, kSqliteTable, u"postgres"_s,
         u"mirror_sqlite_pg"_s},
        {u"pg_pg"_s, u"PostgreSQL -> PostgreSQL"_s, u"postgres"_s, kPgTable, u"postgres"_s,
         u"mirror_pg_pg"_s},
        {u"pg_maria"_s, u"PostgreSQL -> MariaDB"_s, u"postgres"_s, kPgTable, u"mariadb"_s,
         u"mirror_pg_maria"_s},
        {u"maria_pg"_s, u"MariaDB -> PostgreSQL"_s, u"mariadb"_s, kMariaTable, u"postgres"_s,
         u"mirror_maria_pg"_s},
};

QTextStream &out()
{
    static QTextStream s(stdout);
    return s;
}

QTextStream &err()
{
    static QTextStream s(stderr);
    return s;
}

[[noreturn]] void fail(const QString &message)
{
    throw std::runtime_error(message.toStdString());
}

namespace {

QString shellQuote(const QString &s)
{
    QString q = s;
    q.replace(u'\'', u"'\\''"_s);
    return u'\'' + q + u'\'';
}

// Ends the run unless a table holds the rows expected: a run that lost rows measured nothing.
// `message` has two placeholders left, for the rows found and the rows expected.
void expectRows(qint64 found, qint64 expected, const QString &message)
{
    if (found != expected)
        fail(message.arg(found).arg(expected));
}

// An empty table with its primary key, like the mirror the engine creates: the index is part
// of the work either way.
void recreateTable(const Server &server, const QString &dialect, const QString &table)
{
    {
        QSqlDatabase db = openConnection(u"bench-create"_s, server);
        execOrThrow(db, u"DROP TABLE IF EXISTS "_s + quoteName(dialect, table));
        execOrThrow(db, createTableSql(dialect, table));
    }
    QSqlDatabase::removeDatabase(u"bench-create"_s);
}

void recreatePgTable(const Server &pg, const QString &table)
{
    recreateTable(pg, u"postgres"_s, table);
}

} // namespace

Bench::Bench(Options o, Server pg, Server maria)
    : m_o(std::move(o))
    , m_pg(std::move(pg))
    , m_maria(std::move(maria))
    , m_sqlitePath(QDir(m_o.work).filePath(u"source.db"_s))
    , m_log(QDir(m_o.work).filePath(u"children.log"_s))
{
}

Measurement &Bench::measurement(const QString &name, qint64 rows)
{
    for (Measurement &m : m_measurements)
        if (m.name == name)
            return m;
    m_measurements.append(Measurement{name, rows, {}});
    return m_measurements.last();
}

void Bench::dropTables(const QString &dialect, const QStringList &tables)
{
    {
        QSqlDatabase db = openConnection(u"bench-drop"_s, endpoint(dialect), m_sqlitePath);
        for (const QString &t : tables)
            execOrThrow(db, u"DROP TABLE IF EXISTS "_s + quoteName(dialect, t));
    }
    QSqlDatabase::removeDatabase(u"bench-drop"_s);
}

qint64 Bench::count(const QString &dialect, const QString &table)
{
    qint64 n;
    {
        QSqlDatabase db = openConnection(u"bench-count"_s, endpoint(dialect), m_sqlitePath);
        n = countRows(db, quoteName(dialect, table));
    }
    QSqlDatabase::removeDatabase(u"bench-count"_s);
    return n;
}

Sample Bench::checked(const ChildResult &r, const QString &what)
{
    if (r.exitCode != 0)
        fail(u"%1 failed: %2\nlast lines of %3:\n%4"_s.arg(what, r.failure, m_log,
                                                           tailOfFile(m_log)));
    return Sample{r.seconds, r.peakMb, r.cpuSeconds};
}

void Bench::loadSources()
{
    const RowGenerator gen(m_o.seed);
    QElapsedTimer t;
    t.start();
    const QString tsv = QDir(m_o.work).filePath(u"bench.tsv"_s);
    writeTsv(tsv, gen, m_o.rows);
    loadSqlite(m_sqlitePath, kSqliteTable, gen, m_o.rows);
    loadServer(m_pg, kPgTable, tsv, m_log);
    loadServer(m_maria, kMariaTable, tsv, m_log);
    for (const auto &[dialect, table] :
         {std::pair{u"sqlite"_s, kSqliteTable}, std::pair{u"postgres"_s, kPgTable},
          std::pair{u"mariadb"_s, kMariaTable}})
        expectRows(count(dialect, table), m_o.rows,
                   u"source %1.%2 holds %3 rows after loading, expected %4"_s.arg(dialect, table));
    // Fresh statistics, so the first timed run does not pay for autovacuum's ANALYZE.
    {
        QSqlDatabase db = openConnection(u"bench-analyze"_s, m_pg);
        execOrThrow(db, u"VACUUM ANALYZE "_s + quoteName(u"postgres"_s, kPgTable));
    }
    QSqlDatabase::removeDatabase(u"bench-analyze"_s);
    out() << u"loaded %1 rows into SQLite, PostgreSQL and MariaDB in %2 s (not measured)\n"_s
                     .arg(m_o.rows)
                     .arg(double(t.elapsed()) / 1000.0, 0, 'f', 1);
    out().flush();
}

QString Bench::writeProject(const Pairing &p)
{
    auto connection = [&](const QString &dialect) -> QString {
        if (dialect == u"sqlite")
            return u"{ \"driver\": \"sqlite\", \"database\": \"%1\" }"_s.arg(m_sqlitePath);
        const Server &s = server(dialect);
        return u"{ \"driver\": \"%1\", \"host\": \"%2\", \"port\": %3, \"database\": \"%4\", "
               "\"user\": \"%5\", \"password_env\": \"%6\" }"_s.arg(dialect, s.host)
                       .arg(s.port)
                       .arg(s.database, s.user, s.passwordEnv);
    };
    const QString text = uR"({
  "tidemark": 1,
  "connections": {
    "source": %1,
    "mirror": %2
  },
  "mappings": [
    {
      "name": "bench",
      "source": { "connection": "source", "table": "%3" },
      "mirror": { "connection": "mirror", "table": "%4" },
      "key": ["id"],
      "deletes": "none",
      "batch_rows": %5
    }
  ]
}
)"_s.arg(connection(p.sourceDialect), connection(p.mirrorDialect), p.sourceTable, p.mirrorTable)
                                 .arg(m_o.batchRows);
    const QString path = QDir(m_o.work).filePath(p.id + u".json"_s);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(text.toUtf8()) < 0)
        fail(u"cannot write %1: %2"_s.arg(path, f.errorString()));
    return path;
}

Sample Bench::tidemarkRun(const Pairing &p)
{
    // An empty mirror every run: no mirror table and no checkpoint state.
    dropTables(p.mirrorDialect, {p.mirrorTable, u"_tidemark_state"_s});
    const QString project = writeProject(p);
    // The CLI writes no log file of its own: it would cost disk writes that a user running
    // with the defaults pays too, but which differ from machine to machine.
    const QStringList env{u"TIDEMARK_NO_LOG_FILE=1"_s};
    checked(runChild(m_o.cli, {u"prepare"_s, u"--project"_s, project}, env, m_log),
            u"tidemark-cli prepare (%1)"_s.arg(p.label));
    const Sample s = checked(
            runChild(m_o.cli, {u"backfill"_s, u"--no-gate"_s, u"--project"_s, project}, env, m_log),
            u"tidemark-cli backfill (%1)"_s.arg(p.label));
    expectRows(count(p.mirrorDialect, p.mirrorTable), m_o.rows,
               u"%1: the mirror holds %2 rows after the backfill, expected %3"_s.arg(p.label));
    return s;
}

Sample Bench::copyPipeRun()
{
    const QString target = u"copy_pg"_s;
    recreatePgTable(m_pg, target);
    QStringList psql;
    for (const QString &a : psqlArgs(m_pg))
        psql << shellQuote(a);
    const QString cmd = u"set -o pipefail; psql %1 -c %2 | psql %1 -c %3"_s.arg(
            psql.join(u' '), shellQuote(u"\\copy (SELECT * FROM %1) TO STDOUT"_s.arg(kPgTable)),
            shellQuote(u"\\copy %1 FROM STDIN"_s.arg(target)));
    const Sample s = checked(runChild(u"bash"_s, {u"-c"_s, cmd}, clientEnv(m_pg), m_log),
                             u"psql \\copy pipe"_s);
    expectRows(count(u"postgres"_s, target), m_o.rows,
               u"psql \\copy pipe copied %1 rows, expected %2"_s);
    return s;
}

Sample Bench::pgloaderRun(const QString &sourceDialect)
{
    const bool fromSqlite = sourceDialect == u"sqlite";
    const QString target = fromSqlite ? u"pgloader_sqlite"_s : u"pgloader_maria"_s;
    dropTables(u"postgres"_s, {target});
    const QString into = u"postgresql://%1:%2@%3:%4/%5"_s.arg(m_pg.user, m_pg.password, m_pg.host)
                                 .arg(m_pg.port)
                                 .arg(m_pg.database);
    // pgloader's defaults otherwise (workers, batch size, create indexes): the baseline is
    // pgloader as its documentation suggests running it.
    QString command;
    if (fromSqlite) {
        command = u"LOAD DATABASE FROM sqlite://%1 INTO %2\n"
                  " WITH include drop, create tables, create indexes, reset sequences\n"
                  " INCLUDING ONLY TABLE NAMES LIKE '%3'\n"
                  " ALTER TABLE NAMES MATCHING '%3' RENAME TO '%4';\n"_s.arg(m_sqlitePath, into,
                                                                             kSqliteTable, target);
    } else {
        const QString from =
                u"mysql://%1:%2@%3:%4/%5"_s.arg(m_maria.user, m_maria.password, m_maria.host)
                        .arg(m_maria.port)
                        .arg(m_maria.database);
        command = u"LOAD DATABASE FROM %1 INTO %2\n"
                  " WITH include drop, create tables, create indexes, reset sequences\n"
                  " INCLUDING ONLY TABLE NAMES MATCHING '%3'\n"
                  " ALTER TABLE NAMES MATCHING '%3' RENAME TO '%4'\n"
                  " ALTER SCHEMA '%5' RENAME TO 'public';\n"_s.arg(from, into, kMariaTable, target,
                                                                   m_maria.database);
    }
    const QString path = QDir(m_o.work).filePath(target + u".load"_s);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(command.toUtf8()) < 0)
        fail(u"cannot write %1"_s.arg(path));
    f.close();
    // pgloader 3.6.7 sometimes dies at the end of a load that went through ("Failed to start
    // the monitor thread", "INVALID-ARRAY-INDEX-ERROR" in its own bookkeeping). That run is
    // discarded and the load done again, once, rather than the whole benchmark lost.
    ChildResult r = runChild(u"pgloader"_s, {path}, {}, m_log);
    if (r.exitCode != 0) {
        out() << u"pgloader (%1) failed (%2); running it again\n"_s.arg(sourceDialect, r.failure);
        out().flush();
        r = runChild(u"pgloader"_s, {path}, {}, m_log);
    }
    const Sample s = checked(r, u"pgloader (%1)"_s.arg(sourceDialect));
    // pgloader can exit 0 having rejected rows; a fast baseline that dropped rows would flatter
    // nobody honestly.
    expectRows(count(u"postgres"_s, target), m_o.rows,
               u"pgloader (%1) loaded %2 rows, expected %3"_s.arg(sourceDialect));
    return s;
}

Sample Bench::singleRowLoopRun(const QString &targetDialect)
{
    const bool maria = targetDialect == u"mariadb";
    const QString target = maria ? u"loop_maria"_s : u"loop_pg"_s;
    recreateTable(endpoint(targetDialect).value(), targetDialect, target);
    const qint64 rows = std::min(m_o.rows, m_o.loopRows);
    QStringList args{u"--single-row-loop"_s, u"--rows"_s, QString::number(rows)};
    if (maria)
        args << u"--into"_s << u"mariadb"_s;
    const Sample s = checked(runChild(QCoreApplication::applicationFilePath(), args, {}, m_log),
                             u"single-row QtSql loop (%1)"_s.arg(targetDialect));
    expectRows(count(targetDialect, target), rows,
               u"single-row loop copied %1 rows, expected %2"_s);
    return s;
}

void Bench::measureAll()
{
    const qint64 loopRows = std::min(m_o.rows, m_o.loopRows);
    // Runs interleave the measurements (A B C, A B C, ...), so a burst of load from the other
    // work on a shared machine spreads over all of them instead of hitting one measurement's
    // every run.
    for (int run = 1; run <= m_o.runs; ++run) {
        auto record = [&](const QString &name, qint64 rows, const Sample &s) {
            measurement(name, rows).samples << s;
            out() << u"run %1/%2  %3: %4 s, %5 rows/s, peak %6 MB, client CPU %7 s\n"_s.arg(run)
                             .arg(m_o.runs)
                             .arg(name, -36)
                             .arg(s.seconds, 0, 'f', 2)
                             .arg(double(rows) / s.seconds, 0, 'f', 0)
                             .arg(s.peakMb, 0, 'f', 1)
                             .arg(s.cpuSeconds, 0, 'f', 2);
            out().flush();
        };
        for (const Pairing &p : kPairings)
            record(u"tidemark "_s + p.label, m_o.rows, tidemarkRun(p));
        if (!m_o.baselines)
            continue;
        record(u"psql \\copy pipe PG -> PG"_s, m_o.rows, copyPipeRun());
        if (m_o.pgloader) {
            record(u"pgloader SQLite -> PG"_s, m_o.rows, pgloaderRun(u"sqlite"_s));
            record(u"pgloader MariaDB -> PG"_s, m_o.rows, pgloaderRun(u"mariadb"_s));
        }
        record(u"single-row QtSql loop PG -> PG"_s, loopRows, singleRowLoopRun(u"postgres"_s));
        record(u"single-row QtSql loop PG -> MariaDB"_s, loopRows,
               singleRowLoopRun(u"mariadb"_s));
    }
}

bool Bench::checkMirrors()
{
    bool allEqual = true;
    for (const Pairing &p : kPairings) {
        CompareResult r;
        {
            TableSide source{
                    openConnection(u"cmp-source"_s, endpoint(p.sourceDialect), m_sqlitePath),
                    p.sourceDialect, p.sourceTable};
            TableSide mirror{
                    openConnection(u"cmp-mirror"_s, endpoint(p.mirrorDialect), m_sqlitePath),
                    p.mirrorDialect, p.mirrorTable};
            r = compareTables(source, mirror);
        }
        QSqlDatabase::removeDatabase(u"cmp-source"_s);
        QSqlDatabase::removeDatabase(u"cmp-mirror"_s);
        out() << u"check %1: %2 (source %3 rows, mirror %4 rows, %5 different)\n"_s
                         .arg(p.label, -26)
                         .arg(r.equal ? u"EQUAL"_s : u"DIFFERENT"_s)
                         .arg(r.sourceRows)
                         .arg(r.mirrorRows)
                         .arg(r.differentRows);
        for (const QString &e : r.examples)
            out() << u"    "_s << e << u'\n';
        allEqual = allEqual && r.equal;
    }
    out().flush();
    return allEqual;
}

void Bench::report()
{
    out() << u"\nmedians of %1 run(s); Tidemark batch_rows %2; rows/s = rows / median "
             "seconds\n\n"_s.arg(m_o.runs)
                     .arg(m_o.batchRows);
    // Client CPU is the measured process's own (tidemark-cli, pgloader, both psql); a figure
    // close to the wall time says the client, not the database, is the bottleneck.
    out() << u"| measurement | rows | median s | rows/s | client CPU s | peak MB (median) "
             "| peak MB (max) |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n"_s;
    for (const Measurement &m : m_measurements)
        out() << u"| %1 | %2 | %3 | %4 | %5 | %6 | %7 |\n"_s.arg(m.name)
                         .arg(m.rows)
                         .arg(m.medianSeconds(), 0, 'f', 2)
                         .arg(m.rowsPerSecond(), 0, 'f', 0)
                         .arg(m.medianCpuSeconds(), 0, 'f', 2)
                         .arg(m.medianPeakMb(), 0, 'f', 1)
                         .arg(m.maxPeakMb(), 0, 'f', 1);
    auto find = [&](const QString &name) -> const Measurement * {
        for (const Measurement &m : m_measurements)
            if (m.name == name)
                return &m;
        return nullptr;
    };
    struct Target
    {
        QString tidemark;
        QString baseline;
        double atLeast; // ratio of rows/s that meets the target
        QString wording;
    };
    const QList<Target> targets = {
            {u"PostgreSQL -> PostgreSQL"_s, u"psql \\copy pipe PG -> PG"_s, 0.5,
             u"within 2x of the COPY pipe"_s},
            {u"SQLite -> PostgreSQL"_s, u"pgloader SQLite -> PG"_s, 1.0, u"faster than pgloader"_s},
            {u"MariaDB -> PostgreSQL"_s, u"pgloader MariaDB -> PG"_s, 1.0,
             u"faster than pgloader"_s},
            {u"SQLite -> PostgreSQL"_s, u"single-row QtSql loop PG -> PG"_s, 10.0,
             u">= 10x the single-row loop"_s},
            {u"PostgreSQL -> PostgreSQL"_s, u"single-row QtSql loop PG -> PG"_s, 10.0,
             u">= 10x the single-row loop"_s},
            {u"PostgreSQL -> MariaDB"_s, u"single-row QtSql loop PG -> PG"_s, 10.0,
             u">= 10x the single-row loop"_s},
            // The same loop writing into MariaDB, the pairing's own mirror server.
            {u"PostgreSQL -> MariaDB"_s, u"single-row QtSql loop PG -> MariaDB"_s, 10.0,
             u">= 10x the single-row loop"_s},
            {u"MariaDB -> PostgreSQL"_s, u"single-row QtSql loop PG -> PG"_s, 10.0,
             u">= 10x the single-row loop"_s},
    };
    out() << u"\nratio = Tidemark rows/s / baseline rows/s (the single-row loop runs on %1 "
             "rows, compared by rows/s)\n\n"_s.arg(std::min(m_o.rows, m_o.loopRows));
    out() << u"| Tidemark pairing | baseline | ratio | target | met |\n"
             "| --- | --- | ---: | --- | --- |\n"_s;
    for (const Target &t : targets) {
        const Measurement *tm = find(u"tidemark "_s + t.tidemark);
        const Measurement *base = find(t.baseline);
        if (!tm || !base)
            continue;
        const double ratio = tm->rowsPerSecond() / base->rowsPerSecond();
        out() << u"| %1 | %2 | %3 | %4 | %5 |\n"_s.arg(t.tidemark, t.baseline)
                         .arg(ratio, 0, 'f', 2)
                         .arg(t.wording, ratio >= t.atLeast ? u"yes"_s : u"NO"_s);
    }
    out() << u"\n| Tidemark pairing | peak MB (max of runs) | target | met |\n"
             "| --- | ---: | --- | --- |\n"_s;
    for (const Pairing &p : kPairings) {
        const double peak = find(u"tidemark "_s + p.label)->maxPeakMb();
        out() << u"| %1 | %2 | < 256 MB | %3 |\n"_s.arg(p.label)
                         .arg(peak, 0, 'f', 1)
                         .arg(peak < 256 ? u"yes"_s : u"NO"_s);
    }
    out().flush();
}

} // namespace tidemark::bench
