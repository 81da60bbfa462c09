// tidemark-bench-diff: the helper of the drift benchmark (issue 11). bench/diff/run.sh drives
// everything and times every step from outside as a child process; this program does the two
// things a shell cannot do well:
//
//   load --rows N --sqlite FILE [--seed S] [--work DIR]
//       builds the benchmark table `bench_src` (bench/backfill/rowgen.h: the same seeded rows
//       as the backfill benchmark) in PostgreSQL, MariaDB and the SQLite file. Not timed.
//   fullcompare SOURCE MIRROR
//       the baseline "download both tables in key order and compare them in memory": a plain
//       QtSql loop (bench/backfill/tablecompare.h) that reads both sides in key ranges of 50,000
//       rows, brings every value to one canonical text and merge-compares the two streams.
//       SOURCE and MIRROR are DIALECT:TABLE (postgres, mariadb) or sqlite:FILE:TABLE.
//       Exit 0 equal, 1 different (the count of differing rows is printed), 2 error.
//
// Servers come from TIDEMARK_PG_* and TIDEMARK_MARIA_* (scripts/testservers.sh).

#include "../backfill/benchdb.h"
#include "../backfill/rowgen.h"
#include "../backfill/sourceloader.h"
#include "../backfill/tablecompare.h"

#include <QCoreApplication>
#include <QDir>
#include <QTextStream>

#include <cstdio>
#include <stdexcept>

using namespace Qt::StringLiterals;
using namespace tidemark::bench;

namespace {

const char *const kUsage = R"(usage:
  tidemark-bench-diff load --rows N --sqlite FILE [--seed S] [--work DIR]
  tidemark-bench-diff fullcompare SOURCE MIRROR     (DIALECT:TABLE or sqlite:FILE:TABLE)
)";

constexpr auto kTable = "bench_src";

[[noreturn]] void fail(const QString &what)
{
    throw std::runtime_error(what.toStdString());
}

Server requireServer(const QString &dialect)
{
    const std::optional<Server> s = serverFromEnvironment(dialect);
    if (!s)
        fail(u"no %1 server: set TIDEMARK_PG_* / TIDEMARK_MARIA_* (scripts/testservers.sh "
             "start DIR; source DIR/env.sh)"_s.arg(dialect));
    return *s;
}

int load(const QStringList &args)
{
    qint64 rows = 0;
    quint64 seed = 20240603;
    QString sqlite, work = QDir::tempPath();
    for (qsizetype i = 2; i + 1 < args.size(); i += 2) {
        const QString &a = args.at(i), &v = args.at(i + 1);
        if (a == u"--rows")
            rows = v.toLongLong();
        else if (a == u"--seed")
            seed = v.toULongLong();
        else if (a == u"--sqlite")
            sqlite = v;
        else if (a == u"--work")
            work = v;
        else
            fail(u"load: unknown option '%1'"_s.arg(a));
    }
    if (rows < 1 || sqlite.isEmpty())
        fail(u"load needs --rows N and --sqlite FILE"_s);
    const RowGenerator gen(seed);
    const QString tsv = QDir(work).filePath(u"bench_src.tsv"_s);
    const QString log = QDir(work).filePath(u"load.log"_s);
    writeTsv(tsv, gen, rows);
    loadServer(requireServer(u"postgres"_s), QString::fromLatin1(kTable), tsv, log);
    loadServer(requireServer(u"mariadb"_s), QString::fromLatin1(kTable), tsv, log);
    loadSqlite(sqlite, QString::fromLatin1(kTable), gen, rows);
    QFile::remove(tsv);
    return 0;
}

tidemark::bench::TableSide openSide(const QString &spec, const QString &connectionName)
{
    const QStringList parts = spec.split(u':');
    tidemark::bench::TableSide side;
    if (parts.size() == 3 && parts.first() == u"sqlite") {
        side.dialect = u"sqlite"_s;
        side.db = openConnection(connectionName, std::nullopt, parts.at(1));
        side.table = parts.at(2);
    } else if (parts.size() == 2 && (parts.first() == u"postgres" || parts.first() == u"mariadb")) {
        side.dialect = parts.first();
        side.db = openConnection(connectionName, requireServer(side.dialect));
        side.table = parts.at(1);
    } else {
        fail(u"'%1' is neither DIALECT:TABLE nor sqlite:FILE:TABLE"_s.arg(spec));
    }
    return side;
}

int fullCompare(const QStringList &args)
{
    if (args.size() != 4)
        fail(u"fullcompare needs SOURCE and MIRROR"_s);
    const CompareResult r =
            compareTables(openSide(args.at(2), u"source"_s), openSide(args.at(3), u"mirror"_s));
    QTextStream out(stdout);
    out << "fullcompare: source " << r.sourceRows << " rows, mirror " << r.mirrorRows << " rows, "
        << r.differentRows << " differing\n";
    return r.equal ? 0 : 1;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    try {
        if (args.size() >= 2 && args.at(1) == u"load")
            return load(args);
        if (args.size() >= 2 && args.at(1) == u"fullcompare")
            return fullCompare(args);
        std::fputs(kUsage, stderr);
        return 2;
    } catch (const std::exception &e) {
        std::fprintf(stderr, "tidemark-bench-diff: %s\n", e.what());
        return 2;
    }
}
