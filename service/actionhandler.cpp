#include "actionhandler.h"

#include "runregistry.h"

#include <QJsonDocument>
#include <QJsonParseError>

using namespace Qt::StringLiterals;

namespace tidemark::service {

namespace {

const QString kStopping = u"the engine is stopping; nothing more is queued"_s;

} // namespace

const QStringList &ActionHandler::actions()
{
    static const QStringList list = {u"sync"_s, u"backfill"_s, u"sweep"_s, u"resync"_s,
                                     u"diff"_s, u"repair"_s,   u"pause"_s, u"resume"_s};
    return list;
}

ActionHandler::ActionHandler(Engine &engine, RunRegistry &runs, QObject *parent)
    : QObject(parent)
    , m_engine(engine)
    , m_runs(runs)
{
    connect(&engine, &Engine::operationFinished, this,
            [this](quint64 id, const QString &, const OperationResult &r) {
                if (auto continuation = m_operationPreflights.take(id))
                    continuation(r);
            });
    connect(&engine, &Engine::driftRepaired, this, [this](quint64 id, const DriftRepairResult &r) {
        if (auto continuation = m_repairPreflights.take(id))
            continuation(r);
    });
}

std::optional<ActionHandler::Body> ActionHandler::parseBody(const QString &action,
                                                            const QByteArray &body,
                                                            const HttpReply &reply) const
{
    Body b;
    if (body.trimmed().isEmpty())
        return b;
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject()) {
        reply(HttpResponse::error(
                400,
                error.error != QJsonParseError::NoError
                        ? u"the body is not valid JSON: %1 at offset %2"_s.arg(error.errorString())
                                  .arg(error.offset)
                        : u"the body must be a JSON object, e.g. {\"force\": true}"_s));
        return std::nullopt;
    }
    const QJsonObject o = doc.object();
    for (auto it = o.begin(); it != o.end(); ++it) {
        const bool known =
                it.key() == u"force" || (it.key() == u"no_gate" && action == u"backfill");
        if (!known) {
            reply(HttpResponse::error(
                    400,
                    u"'%1' is not an option of %2 (options: force%3)"_s.arg(
                            it.key(), action, action == u"backfill" ? u", no_gate"_s : QString())));
            return std::nullopt;
        }
        if (!it.value().isBool()) {
            reply(HttpResponse::error(400, u"'%1' must be true or false"_s.arg(it.key())));
            return std::nullopt;
        }
    }
    b.force = o.value(u"force"_s).toBool();
    b.noGate = o.value(u"no_gate"_s).toBool();
    return b;
}

void ActionHandler::handle(const QString &mapping, const QString &action, const QByteArray &body,
                           const HttpReply &reply)
{
    const QList<MappingStatus> mappings = m_engine.mappings();
    if (std::none_of(mappings.cbegin(), mappings.cend(),
                     [&](const MappingStatus &s) { return s.name == mapping; })) {
        reply(HttpResponse::error(404, u"no mapping named '%1' in the project"_s.arg(mapping)));
        return;
    }
    if (!actions().contains(action)) {
        reply(HttpResponse::error(
                404, u"'%1' is not an action; actions: %2"_s.arg(action, actions().join(u", "_s))));
        return;
    }
    const std::optional<Body> b = parseBody(action, body, reply);
    if (!b)
        return;

    if (action == u"pause" || action == u"resume") {
        m_engine.setPaused(mapping, action == u"pause");
        reply(HttpResponse::json(202,
                                 QJsonObject{{u"mapping"_s, mapping},
                                             {u"action"_s, action},
                                             {u"run"_s, QJsonValue::Null}}));
        return;
    }
    if (action == u"diff") {
        const quint64 id = m_engine.checkDrift(mapping);
        if (id == 0) {
            reply(HttpResponse::error(409, kStopping));
            return;
        }
        accepted(m_runs.add(RunRegistry::Kind::DriftCheck, id, mapping, action), mapping, action,
                 reply);
        return;
    }
    if (action == u"repair") {
        queueRepair(mapping, b->force, reply);
        return;
    }
    OperationOptions options;
    options.force = b->force;
    options.noGate = b->noGate;
    queueOperation(mapping, action, *operationFromName(action), options, reply);
}

void ActionHandler::queueOperation(const QString &mapping, const QString &action,
                                   OperationKind kind, const OperationOptions &options,
                                   const HttpReply &reply)
{
    auto queue = [this, mapping, action, kind, options, reply] {
        const quint64 id = m_engine.request(mapping, kind, options);
        if (id == 0) {
            reply(HttpResponse::error(409, kStopping));
            return;
        }
        accepted(m_runs.add(RunRegistry::Kind::Operation, id, mapping, action), mapping, action,
                 reply);
    };
    const bool destructive = kind == OperationKind::Sweep || kind == OperationKind::Resync;
    if (!destructive || options.force) {
        queue();
        return;
    }
    OperationOptions dry = options;
    dry.dryRun = true;
    const quint64 dryId = m_engine.request(mapping, kind, dry);
    if (dryId == 0) {
        reply(HttpResponse::error(409, kStopping));
        return;
    }
    m_operationPreflights.insert(dryId, [queue, reply, action](const OperationResult &r) {
        if (!r.refusal.isEmpty() || r.refused()) {
            reply(HttpResponse::error(409, r.refusal.isEmpty() ? r.run.error : r.refusal));
            return;
        }
        if (!r.ok()) {
            reply(HttpResponse::error(409,
                                      u"the %1 pre-flight failed: %2"_s.arg(action, r.run.error)));
            return;
        }
        queue();
    });
}

void ActionHandler::queueRepair(const QString &mapping, bool force, const HttpReply &reply)
{
    auto queue = [this, mapping, force, reply] {
        DriftRepairOptions options;
        options.execute = true;
        options.force = force;
        const quint64 id = m_engine.repairDrift(mapping, options);
        if (id == 0) {
            reply(HttpResponse::error(409, kStopping));
            return;
        }
        accepted(m_runs.add(RunRegistry::Kind::DriftRepair, id, mapping, u"repair"_s), mapping,
                 u"repair"_s, reply);
    };
    if (force) {
        queue();
        return;
    }
    const quint64 dryId = m_engine.repairDrift(mapping, DriftRepairOptions{});
    if (dryId == 0) {
        reply(HttpResponse::error(409, kStopping));
        return;
    }
    m_repairPreflights.insert(dryId, [queue, reply](const DriftRepairResult &r) {
        if (r.result == u"refused" || r.counts.refused) {
            reply(HttpResponse::error(409,
                                      r.counts.refusal.isEmpty() ? r.error : r.counts.refusal));
            return;
        }
        if (!r.ok()) {
            reply(HttpResponse::error(409, u"the repair pre-flight failed: %1"_s.arg(r.error)));
            return;
        }
        queue();
    });
}

void ActionHandler::accepted(quint64 runId, const QString &mapping, const QString &action,
                             const HttpReply &reply) const
{
    HttpResponse r =
            HttpResponse::json(202,
                               QJsonObject{{u"run"_s, double(runId)},
                                           {u"mapping"_s, mapping},
                                           {u"action"_s, action},
                                           {u"status"_s, u"/api/v1/runs/%1"_s.arg(runId)}});
    r.addHeader("Location", "/api/v1/runs/" + QByteArray::number(runId));
    reply(r);
}

} // namespace tidemark::service
