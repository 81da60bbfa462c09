// tidemark-soak: issue 4's long run. An application writes inserts, updates and deletes into a
// source at a steady rate while the engine mirrors it and the mirror server is restarted every
// few minutes; at the end the mirror must hold exactly the source's rows. Reports the rows
// written, the restarts, and the missing and extra rows; exits 1 when any row is missing,
// extra or different, 2 when the run could not be set up, 77 (ctest's "skipped") when the
// servers cannot start and TIDEMARK_REQUIRE_SERVERS is not 1.
//
//   tidemark-soak [--minutes 10] [--seconds S] [--rate 1000] [--restart-every 120]
//                 [--mirror mariadb|postgres] [--seed N]
//
// Servers of its own (scripts/testservers.sh through ServerInstance): the mirror on one, the
// source on the other, so restarting the mirror never touches the source.

#include "db/dberror.h"
#include "faulttest.h"
#include "serverinstance.h"
#include "sourcewriter.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QTemporaryDir>

#include <cstdio>

using namespace Qt::StringLiterals;
using namespace tidemark;
using namespace tidemark::test;

namespace {

constexpr int kExitDiffers = 1;
constexpr int kExitSetup = 2;
constexpr int kExitSkipped = 77;

void say(const QString &line)
{
    std::fprintf(stdout, "%s %s\n",
                 qPrintable(QDateTime::currentDateTimeUtc().toString(u"HH:mm:ss"_s)),
                 qPrintable(line));
    std::fflush(stdout);
}

struct SoakOptions
{
    qint64 durationMs = 10 * 60'000;
    int rate = 1000;
    int restartEveryS = 120;
    DriverKind mirrorKind = DriverKind::MariaDb;
    quint32 seed = 1;
};

std::optional<SoakOptions> parse(const QCoreApplication &app)
{
    QCommandLineParser p;
    p.setApplicationDescription(u"Soak: a steady writer, a mirror server restarted on a "
                                "schedule, and a row-for-row comparison at the end."_s);
    p.addHelpOption();
    p.addOption({u"minutes"_s, u"How long to write (default 10)."_s, u"N"_s, u"10"_s});
    p.addOption({u"seconds"_s, u"How long to write, in seconds (overrides --minutes)."_s, u"S"_s});
    p.addOption({u"rate"_s, u"Rows written per second (default 1000)."_s, u"R"_s, u"1000"_s});
    p.addOption({u"restart-every"_s, u"Restart the mirror server every S seconds (default 120)."_s,
                 u"S"_s, u"120"_s});
    p.addOption({u"mirror"_s, u"The mirror's server: mariadb (default) or postgres."_s, u"KIND"_s,
                 u"mariadb"_s});
    p.addOption({u"seed"_s, u"The writer's random seed."_s, u"N"_s, u"1"_s});
    p.process(app);
    SoakOptions o;
    o.durationMs = p.isSet(u"seconds"_s) ? p.value(u"seconds"_s).toLongLong() * 1000
                                         : p.value(u"minutes"_s).toLongLong() * 60'000;
    o.rate = p.value(u"rate"_s).toInt();
    o.restartEveryS = p.value(u"restart-every"_s).toInt();
    o.seed = p.value(u"seed"_s).toUInt();
    const auto kind = driverKindFromName(p.value(u"mirror"_s));
    if (o.durationMs <= 0 || o.rate <= 0 || o.restartEveryS <= 0 || !kind
        || *kind == DriverKind::Sqlite) {
        std::fprintf(stderr, "tidemark-soak: bad arguments (see --help)\n");
        return std::nullopt;
    }
    o.mirrorKind = *kind;
    return o;
}

// Asks for `kind` until it succeeds or `deadline` passes: the first may meet a server that
// has only just come back.
bool runUntilOk(EmbeddedEngine &engine, const QString &mapping, OperationKind kind,
                const QElapsedTimer &clock, qint64 deadlineMs)
{
    while (clock.elapsed() < deadlineMs) {
        const std::optional<OperationResult> r = runRequest(engine, mapping, kind);
        if (r && r->run.result == u"ok"_s)
            return true;
        say(u"final %1: %2 %3"_s.arg(operationName(kind),
                                    r ? r->run.result : u"(no result)"_s,
                                    r ? r->run.error : QString()));
        QTest::qWait(1000);
    }
    return false;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const std::optional<SoakOptions> o = parse(app);
    if (!o)
        return kExitSetup;
    const DriverKind sourceKind =
            o->mirrorKind == DriverKind::MariaDb ? DriverKind::Postgres : DriverKind::MariaDb;

    ServerInstance servers;
    say(u"starting servers of its own"_s);
    if (!servers.start()) {
        std::fprintf(stderr, "tidemark-soak: %s\n", qPrintable(servers.error()));
        return serversRequired() ? kExitSetup : kExitSkipped;
    }
    QTemporaryDir dir;
    ItemPair pair;
    pair.mapping = u"soak"_s;
    pair.source = withTimeouts(servers.connection(sourceKind, u"src"_s));
    pair.mirror = withTimeouts(servers.connection(o->mirrorKind, u"mirror"_s));
    pair.sourceTable = pair.mirrorTable = u"soak"_s;
    try {
        createItemTable(pair.source, pair.sourceTable, 10000);
    } catch (const DbError &e) {
        std::fprintf(stderr, "tidemark-soak: %s\n", qPrintable(e.message()));
        return kExitSetup;
    }

    Project project = emptyProject(dir.path(), u"soak"_s);
    MappingConfig &m = pair.addTo(project);
    m.batchRows = 2000;
    m.sweepIntervalS = 10;

    EmbeddedEngine engine(project, faultEngineOptions());
    engine.start();
    SourceWriter writer(pair.source, pair.sourceTable,
                        {o->rate, 35, 50, 15, o->seed});
    say(u"writing %1 rows/s into %2 for %3 s; the %4 mirror restarts every %5 s"_s.arg(o->rate)
                .arg(driverKindName(sourceKind))
                .arg(o->durationMs / 1000)
                .arg(driverKindName(o->mirrorKind))
                .arg(o->restartEveryS));
    writer.start();

    QElapsedTimer clock;
    clock.start();
    qint64 nextRestartMs = qint64(o->restartEveryS) * 1000;
    qint64 nextReportMs = 10'000;
    int restarts = 0;
    QStringList violations;
    while (clock.elapsed() < o->durationMs) {
        QTest::qWait(1000);
        if (clock.elapsed() >= nextRestartMs) {
            // Alternately a clean shutdown and a crash (SIGKILL / immediate), down for 3 s.
            const bool crash = restarts % 2 == 1;
            const bool stopped = o->mirrorKind == DriverKind::MariaDb
                    ? servers.mariaStop(crash ? u"kill"_s : u"term"_s)
                    : servers.pgStop(crash ? u"immediate"_s : u"fast"_s);
            say(u"mirror server %1 (%2)"_s.arg(stopped ? u"stopped"_s : u"did NOT stop"_s,
                                               crash ? u"crash"_s : u"clean"_s));
            QTest::qWait(3000);
            if (!servers.startServer(o->mirrorKind)) {
                std::fprintf(stderr, "tidemark-soak: the mirror server did not restart: %s\n",
                             qPrintable(servers.error()));
                return kExitSetup;
            }
            ++restarts;
            say(u"mirror server restarted (%1)"_s.arg(restarts));
            nextRestartMs += qint64(o->restartEveryS) * 1000;
        }
        if (clock.elapsed() >= nextReportMs) {
            const CoverageCheck c = pair.coverage();
            if (!c.violation.isEmpty())
                violations << c.violation;
            const auto s = mappingStatus(engine, pair.mapping);
            const auto mc = connectionStatus(engine, u"mirror"_s);
            say(u"%1 rows written; mirror %2, backlog %3, checkpoint covers %4%5"_s
                        .arg(writer.written())
                        .arg(mc ? connectionStateName(mc->state) : u"?"_s)
                        .arg(s ? s->backlog : -1)
                        .arg(c.checked ? QString::number(c.covered) : u"?"_s)
                        .arg(c.violation.isEmpty() ? QString() : u" VIOLATION: "_s + c.violation));
            nextReportMs += 10'000;
        }
    }
    writer.stop();
    say(u"writer stopped: %1 rows written (%2 inserted, %3 updated, %4 deleted), %5 failed "
        "transactions"_s.arg(writer.written())
                .arg(writer.inserted.load())
                .arg(writer.updated.load())
                .arg(writer.deleted.load())
                .arg(writer.errors.load()));

    QElapsedTimer settle;
    settle.start();
    const bool synced = runUntilOk(engine, pair.mapping, OperationKind::Sync, settle, 120'000);
    const bool swept = synced && runUntilOk(engine, pair.mapping, OperationKind::Sweep, settle, 180'000);
    const TableDiff diff = pair.compare();
    engine.stop();

    say(u"result: %1 rows written, %2 mirror restarts, %3 missing, %4 extra, %5 differing "
        "(source %6 rows, mirror %7)"_s.arg(writer.written())
                .arg(restarts)
                .arg(diff.missing)
                .arg(diff.extra)
                .arg(diff.differing)
                .arg(diff.sourceRows)
                .arg(diff.mirrorRows));
    if (!diff.examples.isEmpty())
        say(u"examples: "_s + diff.examples.join(u"; "_s));
    for (const QString &v : std::as_const(violations))
        say(u"checkpoint ahead of the mirror: "_s + v);
    if (!synced || !swept || !diff.error.isEmpty()) {
        say(u"FAILED: final sync %1, sweep %2%3"_s.arg(synced ? u"ok"_s : u"failed"_s,
                                                      swept ? u"ok"_s : u"failed"_s,
                                                      diff.error.isEmpty() ? QString()
                                                                           : u"; "_s + diff.error));
        say(describeHistory(engine, pair.mapping, 20));
        return kExitDiffers;
    }
    if (!diff.equal() || !violations.isEmpty() || writer.written() == 0) {
        say(u"FAILED"_s);
        say(describeHistory(engine, pair.mapping, 20));
        return kExitDiffers;
    }
    say(u"OK: zero missing, zero extra"_s);
    return 0;
}
