#include "actionhandler.h"

#include "db/valuecodec.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>

using namespace Qt::StringLiterals;

namespace tidemark::service {

namespace {

const QString kStopping = u"the engine is stopping; nothing more is queued"_s;
const QString kTypedListExample = u"[{\"t\": \"int\", \"v\": \"42\"}]"_s;

// A key as the typed list db/valuecodec.h writes; nullopt unless every value has a valid tag.
std::optional<QVariantList> typedList(const QJsonValue &v)
{
    if (!v.isArray())
        return std::nullopt;
    const QJsonArray a = v.toArray();
    QVariantList values = decodeTypedList(a);
    // A malformed value decodes to an invalid QVariant; a NULL to a valid, typed one.
    if (values.size() != a.size()
        || std::any_of(values.cbegin(), values.cend(),
                       [](const QVariant &v) { return !v.isValid(); }))
        return std::nullopt;
    return values;
}

} // namespace

const QStringList &ActionHandler::actions()
{
    static const QStringList list = {u"sync"_s,   u"backfill"_s,     u"sweep"_s,  u"resync"_s,
                                     u"diff"_s,   u"repair"_s,       u"pause"_s,  u"resume"_s,
                                     u"cancel"_s, u"cancel_drift"_s, u"explain"_s};
    return list;
}

QStringList ActionHandler::options(const QString &action)
{
    // "force" stays accepted wherever it always was (every action before cancel and explain),
    // so no client that sent it gets a 400 now.
    if (action == u"sync" || action == u"sweep" || action == u"resync")
        return {u"force"_s, u"dry_run"_s};
    if (action == u"backfill")
        return {u"force"_s, u"no_gate"_s, u"dry_run"_s, u"key_from"_s, u"key_to"_s};
    if (action == u"diff")
        return {u"force"_s, u"key_from"_s, u"key_to"_s};
    if (action == u"repair")
        return {u"force"_s, u"dry_run"_s, u"keys"_s};
    if (action == u"pause" || action == u"resume")
        return {u"force"_s};
    if (action == u"explain")
        return {u"key"_s};
    return {};
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
    const QStringList valid = options(action);
    for (auto it = o.begin(); it != o.end(); ++it) {
        if (!valid.contains(it.key())) {
            reply(HttpResponse::error(
                    400,
                    u"'%1' is not an option of %2 (options: %3)"_s.arg(
                            it.key(), action, valid.isEmpty() ? u"none"_s : valid.join(u", "_s))));
            return std::nullopt;
        }
        const bool flag = it.key() == u"force" || it.key() == u"no_gate" || it.key() == u"dry_run";
        if (flag && !it.value().isBool()) {
            reply(HttpResponse::error(400, u"'%1' must be true or false"_s.arg(it.key())));
            return std::nullopt;
        }
    }
    b.force = o.value(u"force"_s).toBool();
    b.noGate = o.value(u"no_gate"_s).toBool();
    b.dryRun = o.value(u"dry_run"_s).toBool();
    for (const QString &field : {u"key_from"_s, u"key_to"_s, u"key"_s}) {
        if (!o.contains(field))
            continue;
        const std::optional<QVariantList> values = typedList(o.value(field));
        if (!values) {
            reply(HttpResponse::error(400,
                                      u"'%1' must be a list of typed values, e.g. %2"_s.arg(
                                              field, kTypedListExample)));
            return std::nullopt;
        }
        (field == u"key_from" ? b.keyFrom : field == u"key_to" ? b.keyTo : b.key) = *values;
    }
    if (o.contains(u"keys"_s)) {
        const QJsonValue keys = o.value(u"keys"_s);
        if (!keys.isArray()) {
            reply(HttpResponse::error(
                    400,
                    u"'keys' must be a list of keys, each a list of typed values, e.g. [%1]"_s.arg(
                            kTypedListExample)));
            return std::nullopt;
        }
        const QJsonArray list = keys.toArray();
        for (qsizetype i = 0; i < list.size(); ++i) {
            const std::optional<QVariantList> key = typedList(list.at(i));
            if (!key) {
                reply(HttpResponse::error(
                        400,
                        u"'keys[%1]' must be a list of typed values, e.g. %2"_s.arg(
                                QString::number(i), kTypedListExample)));
                return std::nullopt;
            }
            b.keys << *key;
        }
    }
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
        acceptedWithoutRun(mapping, action, reply);
        return;
    }
    if (action == u"cancel") {
        m_engine.cancel(mapping);
        acceptedWithoutRun(mapping, action, reply);
        return;
    }
    if (action == u"cancel_drift") {
        m_engine.cancelDrift(mapping);
        acceptedWithoutRun(mapping, action, reply);
        return;
    }
    if (action == u"explain") {
        if (b->key.isEmpty()) {
            reply(HttpResponse::error(
                    400,
                    u"'key' is required: the key to explain, a list of typed values, "
                    "e.g. {\"key\": %1}"_s.arg(kTypedListExample)));
            return;
        }
        queueDriftWork(RunRegistry::Kind::DriftExplain, m_engine.explainDriftKey(mapping, b->key),
                       mapping, action, reply);
        return;
    }
    if (action == u"diff") {
        queueDriftWork(RunRegistry::Kind::DriftCheck,
                       m_engine.checkDrift(mapping, DriftCheckOptions{b->keyFrom, b->keyTo}),
                       mapping, action, reply);
        return;
    }
    if (action == u"repair") {
        DriftRepairOptions options;
        options.execute = !b->dryRun;
        options.force = b->force;
        options.keys = b->keys;
        queueRepair(mapping, options, reply);
        return;
    }
    OperationOptions options;
    options.force = b->force;
    options.noGate = b->noGate;
    options.dryRun = b->dryRun;
    options.keyFrom = b->keyFrom;
    options.keyTo = b->keyTo;
    queueOperation(mapping, action, *operationFromName(action), options, reply);
}

void ActionHandler::queueDriftWork(RunRegistry::Kind kind, quint64 engineId, const QString &mapping,
                                   const QString &action, const HttpReply &reply)
{
    if (engineId == 0) {
        reply(HttpResponse::error(409, kStopping));
        return;
    }
    accepted(m_runs.add(kind, engineId, mapping, action), mapping, action, reply);
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
        accepted(m_runs.add(RunRegistry::Kind::Operation, id, mapping, action, options.dryRun),
                 mapping, action, reply);
    };
    // A dry run is the pre-flight itself: it changes nothing, so it needs none.
    const bool destructive = kind == OperationKind::Sweep || kind == OperationKind::Resync;
    if (!destructive || options.force || options.dryRun) {
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

void ActionHandler::queueRepair(const QString &mapping, const DriftRepairOptions &options,
                                const HttpReply &reply)
{
    auto queue = [this, mapping, options, reply] {
        const quint64 id = m_engine.repairDrift(mapping, options);
        if (id == 0) {
            reply(HttpResponse::error(409, kStopping));
            return;
        }
        accepted(m_runs.add(RunRegistry::Kind::DriftRepair, id, mapping, u"repair"_s,
                            !options.execute),
                 mapping, u"repair"_s, reply);
    };
    if (options.force || !options.execute) {
        queue();
        return;
    }
    // The pre-flight is the same repair (the same keys) as a dry run.
    DriftRepairOptions dry = options;
    dry.execute = false;
    const quint64 dryId = m_engine.repairDrift(mapping, dry);
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

void ActionHandler::acceptedWithoutRun(const QString &mapping, const QString &action,
                                       const HttpReply &reply) const
{
    reply(HttpResponse::json(202,
                             QJsonObject{{u"mapping"_s, mapping},
                                         {u"action"_s, action},
                                         {u"run"_s, QJsonValue::Null}}));
}

} // namespace tidemark::service
