// tidemark-bench-backfill: times a full Tidemark backfill into an empty mirror for four
// pairings, against baselines run in the same process, and checks every mirror equals its
// source. bench/backfill/run.sh is the one command that builds it, finds or starts the
// servers and runs it; see docs/BENCHMARKS.md for what it measures and the figures.

#include "backfillbench.h"
#include "singlerowloop.h"
#include "sourceloader.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>

#include <stdexcept>

using namespace Qt::StringLiterals;
using namespace tidemark::bench;

namespace {

// ctest's SKIP_RETURN_CODE: no servers, outside CI.
constexpr int kExitSkip = 77;

const char *const kUsage = R"(usage: tidemark-bench-backfill --cli PATH --work DIR [options]
  --rows N          rows in the source table (default 1000000)
  --runs N          runs of every measurement; medians are reported (default 3)
  --batch-rows N    batch_rows in the Tidemark project files (default 5000)
  --loop-rows N     rows for the single-row QtSql loop baseline (default 100000)
  --seed N          seed of the table's content (default 20240603)
  --no-baselines    time Tidemark only
  --baselines-if-installed
                    skip a baseline whose tool (psql, pgloader) is missing instead of failing
  --check-only      only compare the mirrors a previous run left with their sources
Servers come from TIDEMARK_PG_* and TIDEMARK_MARIA_* (scripts/testservers.sh).
Exit: 0 every mirror equals its source, 1 a mirror differs, 2 an error, 77 no servers.
)";

std::optional<Options> parse(const QStringList &args)
{
    Options o;
    for (qsizetype i = 1; i < args.size(); ++i) {
        const QString &a = args.at(i);
        auto value = [&]() -> QString {
            if (i + 1 >= args.size())
                fail(u"%1 needs a value"_s.arg(a));
            return args.at(++i);
        };
        auto number = [&]() -> qint64 {
            bool ok = false;
            const qint64 n = value().toLongLong(&ok);
            if (!ok || n < 1)
                fail(u"%1 needs a positive number"_s.arg(a));
            return n;
        };
        if (a == u"--rows")
            o.rows = number();
        else if (a == u"--runs")
            o.runs = int(number());
        else if (a == u"--batch-rows")
            o.batchRows = int(number());
        else if (a == u"--loop-rows")
            o.loopRows = number();
        else if (a == u"--seed")
            o.seed = quint64(number());
        else if (a == u"--cli")
            o.cli = value();
        else if (a == u"--work")
            o.work = value();
        else if (a == u"--no-baselines")
            o.baselines = false;
        else if (a == u"--baselines-if-installed")
            o.baselinesIfInstalled = true;
        else if (a == u"--check-only")
            o.checkOnly = true;
        else if (a == u"-h" || a == u"--help")
            return std::nullopt;
        else
            fail(u"unknown option '%1'"_s.arg(a));
    }
    return o;
}

int runBench(const QStringList &args)
{
    const std::optional<Options> parsed = parse(args);
    if (!parsed) {
        out() << kUsage;
        return 0;
    }
    Options o = *parsed;
    if (o.cli.isEmpty() || o.work.isEmpty())
        fail(u"--cli and --work are required (try --help)"_s);
    const std::optional<Server> pg = serverFromEnvironment(u"postgres"_s);
    const std::optional<Server> maria = serverFromEnvironment(u"mariadb"_s);
    if (!pg || !maria) {
        const QString what = u"no %1 server: set TIDEMARK_PG_* and TIDEMARK_MARIA_* "
                             "(scripts/testservers.sh start DIR; source DIR/env.sh)"_s.arg(
                                     !pg ? u"PostgreSQL"_s : u"MariaDB"_s);
        if (qEnvironmentVariable("TIDEMARK_REQUIRE_SERVERS") == u"1") {
            err() << u"error: "_s << what << u" (TIDEMARK_REQUIRE_SERVERS=1)\n"_s;
            return 2;
        }
        err() << u"skipped: "_s << what << u'\n';
        return kExitSkip;
    }
    // psql and the mariadb client also load the sources, so they are always needed.
    for (const QString &tool : {u"psql"_s, u"bash"_s, mariadbClient(), u"pgloader"_s}) {
        if (!QStandardPaths::findExecutable(tool).isEmpty())
            continue;
        if (tool == u"pgloader" && (!o.baselines || o.baselinesIfInstalled)) {
            o.pgloader = false;
            if (o.baselines)
                out() << u"pgloader is not installed: its baselines are skipped\n"_s;
            continue;
        }
        fail(u"'%1' is not installed (scripts/install-deps.sh --test --bench installs the "
             "benchmark's tools)"_s.arg(tool));
    }
    o.cli = QFileInfo(o.cli).absoluteFilePath();
    o.work = QFileInfo(o.work).absoluteFilePath();
    if (!QDir().mkpath(o.work))
        fail(u"cannot create %1"_s.arg(o.work));
    if (!o.checkOnly)
        QFile::remove(QDir(o.work).filePath(u"children.log"_s));

    out() << u"tidemark-bench-backfill: %1 rows, %2 run(s), batch_rows %3, cli %4\n"_s.arg(o.rows)
                     .arg(o.runs)
                     .arg(o.batchRows)
                     .arg(o.cli);
    Bench bench(o, *pg, *maria);
    if (o.checkOnly)
        return bench.checkMirrors() ? 0 : 1;
    bench.loadSources();
    bench.measureAll();
    const bool equal = bench.checkMirrors();
    bench.report();
    if (!equal) {
        err() << u"FAILED: a mirror differs from its source\n"_s;
        return 1;
    }
    return 0;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    // --single-row-loop --rows N [--into mariadb]: the baseline, as a child process.
    if (args.size() >= 4 && args.at(1) == u"--single-row-loop" && args.at(2) == u"--rows") {
        const bool maria = args.size() >= 6 && args.at(4) == u"--into" && args.at(5) == u"mariadb";
        return runSingleRowLoop(kPgTable, maria ? u"mariadb"_s : u"postgres"_s,
                                maria ? u"loop_maria"_s : u"loop_pg"_s, args.at(3).toLongLong());
    }
    try {
        return runBench(args);
    } catch (const std::exception &e) {
        err() << u"error: "_s << QString::fromStdString(e.what()) << u'\n';
        return 2;
    }
}
