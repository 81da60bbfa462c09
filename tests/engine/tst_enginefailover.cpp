// Issue 13 at the facade: two EmbeddedEngines of one project (two instances, here in one
// process: each worker holds its mapping through its own open file description, as another
// process would). One runs the mapping; the other's status says `standby` and names the holder,
// its requests are skipped with that reason and its drift repairs refused. When the holder
// stops (releasing its hold), the standby takes over at its next interval and syncs what the
// source wrote meanwhile.
#include "api/embeddedengine.h"
#include "api/statusjson.h"
#include "mirrorfixture.h"
#include "waituntil.h"

#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace tidemark;
using tidemark::test::MirrorFixture;
using tidemark::test::waitUntil;

namespace {

std::optional<MappingStatus> statusOf(const Engine &engine, const QString &mapping)
{
    for (const MappingStatus &s : engine.mappings())
        if (s.name == mapping)
            return s;
    return std::nullopt;
}

EngineOptions named(const QString &instance)
{
    EngineOptions o;
    o.instance = instance;
    return o;
}

} // namespace

class TestEngineFailover : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void standbyTakesOverWhenTheHolderStops()
    {
        MirrorFixture f;
        f.source(u"CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT, ts INTEGER)"_s);
        for (int i = 1; i <= 50; ++i)
            f.source(u"INSERT INTO t VALUES (?, 'v', ?)"_s, {i, i});
        MappingConfig &m = f.addMapping(u"t"_s, u"t"_s, u"t"_s, u"ts"_s);
        m.lookback = 0;
        m.intervalS = 1;
        QCOMPARE(f.run(OperationKind::Prepare, u"t"_s).run.result, u"ok"_s);

        auto a = std::make_unique<EmbeddedEngine>(f.project(), named(u"A"_s));
        a->start();
        QVERIFY2(waitUntil(
                         [&] {
                             const auto s = statusOf(*a, u"t"_s);
                             return s && s->holder && s->holder->self && s->lastSyncAt.isValid();
                         },
                         30000),
                 "A never ran the mapping");
        QCOMPARE(f.mirrorScalar(u"SELECT COUNT(*) FROM t"_s).toInt(), 50);

        EmbeddedEngine b(f.project(), named(u"B"_s));
        QSignalSpy bFinished(&b, &Engine::operationFinished);
        b.start();
        QVERIFY2(waitUntil(
                         [&] {
                             const auto s = statusOf(b, u"t"_s);
                             return s && s->state == MappingState::Standby;
                         },
                         30000),
                 "B did not stand by");
        const MappingStatus standby = *statusOf(b, u"t"_s);
        QVERIFY(standby.holder && !standby.holder->self);
        QCOMPARE(standby.holder->instance, u"A"_s);
        const QJsonObject standbyJson = statusjson::encodeMapping(standby, statusjson::Detail::Cli);
        QCOMPARE(standbyJson.value(u"state"_s).toString(), u"standby"_s);
        QCOMPARE(standbyJson.value(u"holder"_s).toObject().value(u"instance"_s).toString(), u"A"_s);
        QCOMPARE(statusjson::encodeMapping(*statusOf(*a, u"t"_s), statusjson::Detail::Cli)
                         .value(u"holder"_s)
                         .toObject()
                         .value(u"this_instance"_s)
                         .toBool(),
                 true);
        // The remote engine's decoder gives back the holder and the state.
        const std::optional<MappingStatus> decoded = statusjson::decodeMapping(
                statusjson::encodeMapping(standby, statusjson::Detail::Full), nullptr);
        QVERIFY(decoded && decoded->state == MappingState::Standby && decoded->holder
                && decoded->holder->instance == u"A"_s && !decoded->holder->self);

        // An operator's request on the standby is skipped, naming the holder.
        const quint64 id = b.request(u"t"_s, OperationKind::Sync);
        QVERIFY(waitUntil(
                [&] {
                    for (const QList<QVariant> &args : std::as_const(bFinished))
                        if (args.at(0).toULongLong() == id)
                            return true;
                    return false;
                },
                30000));
        for (const QList<QVariant> &args : std::as_const(bFinished)) {
            const OperationResult r = args.at(2).value<OperationResult>();
            QCOMPARE(r.run.result, u"skipped"_s);
            QVERIFY2(r.run.error.contains(u"held by instance 'A'"_s), qPrintable(r.run.error));
        }
        // A drift repair there would write beside the holder: refused.
        QSignalSpy repaired(&b, &Engine::driftRepaired);
        DriftRepairOptions repair;
        repair.execute = true;
        b.repairDrift(u"t"_s, repair);
        QVERIFY(repaired.wait(10000));
        const DriftRepairResult refused = repaired.first().at(1).value<DriftRepairResult>();
        QCOMPARE(refused.result, u"refused"_s);
        QVERIFY2(refused.error.contains(u"'A'"_s), qPrintable(refused.error));

        // A stops (its hold released); B takes over and syncs what was written meanwhile.
        a->stop();
        a.reset();
        for (int i = 51; i <= 80; ++i)
            f.source(u"INSERT INTO t VALUES (?, 'v', ?)"_s, {i, i});
        QVERIFY2(waitUntil(
                         [&] {
                             const auto s = statusOf(b, u"t"_s);
                             return s && s->holder && s->holder->self
                                     && f.mirrorScalar(u"SELECT COUNT(*) FROM t"_s).toInt() == 80;
                         },
                         30000),
                 "B did not take over");
        QVERIFY(statusOf(b, u"t"_s)->state != MappingState::Standby);
        b.stop();
    }
};

QTEST_GUILESS_MAIN(TestEngineFailover)
#include "tst_enginefailover.moc"
