#include "runregistry.h"

#include "api/resultjson.h"
#include "api/statusjson.h"

using namespace Qt::StringLiterals;

namespace tidemark::service {

RunRegistry::RunRegistry(Engine &engine, QObject *parent)
    : QObject(parent)
{
    connect(&engine, &Engine::operationFinished, this,
            [this](quint64 id, const QString &, const OperationResult &r) {
                QJsonObject detail = statusjson::encodeRun(r.run);
                if (r.orphansFound >= 0)
                    detail[u"orphans_found"_s] = double(r.orphansFound);
                finish(Kind::Operation, id, r.run.result,
                       r.refusal.isEmpty() ? r.run.error : r.refusal, detail,
                       resultjson::encodeOperationResult(r));
            });
    connect(&engine, &Engine::driftChecked, this, [this](quint64 id, const DriftCheckResult &r) {
        const QJsonObject detail{{u"missing"_s, double(r.summary.missing)},
                                 {u"extra"_s, double(r.summary.extra)},
                                 {u"changed"_s, double(r.summary.changed)},
                                 {u"drift_rows"_s, double(r.summary.driftRows)},
                                 {u"source_rows"_s, double(r.summary.sourceRows)},
                                 {u"mirror_rows"_s, double(r.summary.mirrorRows)},
                                 {u"duration_ms"_s, double(r.summary.durationMs)}};
        m_driftProgress.remove(r.mapping);
        finish(Kind::DriftCheck, id, r.result, r.error, detail, resultjson::encodeCheck(r));
    });
    connect(&engine, &Engine::driftRepaired, this, [this](quint64 id, const DriftRepairResult &r) {
        const QJsonObject detail{{u"differences"_s, double(r.differences)},
                                 {u"inserted"_s, double(r.counts.inserted)},
                                 {u"updated"_s, double(r.counts.updated)},
                                 {u"deleted"_s, double(r.counts.deleted)},
                                 {u"already_equal"_s, double(r.counts.alreadyEqual)},
                                 {u"still_differing"_s, double(r.counts.stillDiffering)}};
        m_driftProgress.remove(r.mapping);
        finish(Kind::DriftRepair, id, r.result, r.error, detail, resultjson::encodeRepair(r));
    });
    connect(&engine, &Engine::driftExplained, this,
            [this](quint64 id, const DriftExplainResult &r) {
                const QJsonObject detail{{u"equal"_s, r.explanation.equal},
                                         {u"verdict"_s, r.explanation.verdict}};
                finish(Kind::DriftExplain, id, r.result, r.error, detail,
                       resultjson::encodeExplain(r));
            });
    connect(&engine, &Engine::driftProgressed, this,
            [this](const QString &mapping, const Progress &p) { m_driftProgress[mapping] = p; });
}

quint64 RunRegistry::add(Kind kind, quint64 engineId, const QString &mapping, const QString &action,
                         bool dryRun)
{
    Run run;
    run.kind = kind;
    run.dryRun = dryRun;
    run.id = ++m_lastId;
    run.mapping = mapping;
    run.action = action;
    run.requestedAt = QDateTime::currentDateTimeUtc();
    m_runs.insert(run.id, run);
    m_waiting[{int(kind), engineId}].append(run.id);
    // Keep the newest; a run still waiting is never dropped (its answer would be lost).
    for (auto it = m_runs.begin(); it != m_runs.end() && m_runs.size() > kKeep;) {
        if (it->finishedAt.isValid())
            it = m_runs.erase(it);
        else
            ++it;
    }
    if (m_changed)
        m_changed();
    return run.id;
}

void RunRegistry::finish(Kind kind, quint64 engineId, const QString &result, const QString &error,
                         const QJsonObject &detail, const QJsonObject &outcome)
{
    const QList<quint64> ids = m_waiting.take({int(kind), engineId});
    if (ids.isEmpty())
        return; // a scheduled run, or one asked for by nobody through the API
    for (quint64 id : ids) {
        auto it = m_runs.find(id);
        if (it == m_runs.end())
            continue;
        it->finishedAt = QDateTime::currentDateTimeUtc();
        it->result = result;
        it->error = error;
        it->detail = detail;
        it->outcome = outcome;
        m_withOutcome.append(id);
    }
    while (m_withOutcome.size() > kKeepOutcomes) {
        const auto old = m_runs.find(m_withOutcome.takeFirst());
        if (old != m_runs.end())
            old->outcome = {};
    }
    if (m_changed)
        m_changed();
}

QJsonObject RunRegistry::toJson(const Run &run, bool withOutcome) const
{
    const bool pending = !run.finishedAt.isValid();
    const bool drift = run.kind == Kind::DriftCheck || run.kind == Kind::DriftRepair;
    const auto progress = m_driftProgress.constFind(run.mapping);
    QJsonObject o{
            {u"id"_s, double(run.id)},
            {u"mapping"_s, run.mapping},
            {u"action"_s, run.action},
            {u"state"_s, run.finishedAt.isValid() ? u"finished"_s : u"pending"_s},
            {u"requested_at"_s, run.requestedAt.toString(Qt::ISODateWithMs)},
            {u"finished_at"_s,
             run.finishedAt.isValid() ? QJsonValue(run.finishedAt.toString(Qt::ISODateWithMs))
                                      : QJsonValue(QJsonValue::Null)},
            {u"result"_s,
             run.result.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(run.result)},
            {u"error"_s,
             run.error.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(run.error)},
            {u"detail"_s,
             run.detail.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(run.detail)},
            {u"dry_run"_s, run.dryRun},
            // The mapping's drift progress, not this run's own: a check and a repair of one
            // mapping run one at a time, so while this one is pending it is this one's or
            // that of the one before it in the mapping's queue.
            {u"progress"_s,
             pending && drift && progress != m_driftProgress.cend()
                     ? QJsonValue(resultjson::encodeProgress(*progress))
                     : QJsonValue(QJsonValue::Null)},
    };
    if (withOutcome)
        o[u"outcome"_s] = pending || run.outcome.isEmpty() ? QJsonValue(QJsonValue::Null)
                                                           : QJsonValue(run.outcome);
    return o;
}

std::optional<QJsonObject> RunRegistry::find(quint64 id) const
{
    const auto it = m_runs.constFind(id);
    if (it == m_runs.cend())
        return std::nullopt;
    return toJson(*it, true);
}

QJsonArray RunRegistry::recent(int n) const
{
    QJsonArray list;
    for (auto it = m_runs.cend(); it != m_runs.cbegin() && list.size() < n;) {
        --it;
        list.append(toJson(*it, false));
    }
    return list;
}

} // namespace tidemark::service
