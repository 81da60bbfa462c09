#pragma once
// The runs clients asked for through the API, by the id the 202 answer gave them, so that
// `GET /api/v1/runs/ID` can say how each ended. The engine's own ids are not used: operations
// and drift work are numbered separately there, and a request that joins one already queued
// gets that one's id, so two clients would see one id for two requests.

#include "api/engine.h"

#include <QDateTime>
#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QMap>
#include <QObject>

#include <functional>
#include <optional>

namespace tidemark::service {

class RunRegistry final : public QObject
{
public:
    // Finished runs kept; the oldest go first. Outcomes are kept for the newest kKeepOutcomes
    // runs only: the largest (a drift check's, with up to DriftCheckResult::kMaxRows = 2,000
    // rows, or a dry-run repair's up to 5,000 statements) is a few MB of JSON, so 500 of them
    // could be gigabytes. Older runs keep their record and `detail`, with `outcome` null; a
    // client polls its runs as they finish, long before 50 newer ones have.
    static constexpr int kKeepOutcomes = 50;
    static constexpr int kKeep = 500;

    explicit RunRegistry(Engine &engine, QObject *parent = nullptr);

    // Records a run the engine accepted under `engineId` (from request(), checkDrift(),
    // repairDrift() or explainDriftKey()); returns the run's id in the API.
    enum class Kind { Operation, DriftCheck, DriftRepair, DriftExplain };
    quint64 add(Kind kind, quint64 engineId, const QString &mapping, const QString &action,
                bool dryRun = false);

    std::optional<QJsonObject> find(quint64 id) const;
    // The newest `n` runs, newest first, without their outcomes (GET /api/v1/runs/ID has
    // them): the status document lists runs, and must stay small.
    QJsonArray recent(int n) const;

    // Called whenever a run was added or finished.
    void setChangedHandler(std::function<void()> handler) { m_changed = std::move(handler); }

private:
    struct Run
    {
        quint64 id = 0;
        QString mapping;
        QString action;
        QDateTime requestedAt;
        QDateTime finishedAt; // invalid while queued or running
        QString result;       // "ok", "skipped", "refused", "error", "cancelled"
        QString error;
        QJsonObject detail; // the run record, or the check's / repair's counts
        Kind kind = Kind::Operation;
        bool dryRun = false;
        QJsonObject outcome; // the engine's whole result (api/resultjson.h), once finished
    };
    QList<quint64> m_withOutcome; // finished runs holding an outcome, oldest first
    void finish(Kind kind, quint64 engineId, const QString &result, const QString &error,
                const QJsonObject &detail, const QJsonObject &outcome);
    QJsonObject toJson(const Run &run, bool withOutcome) const;

    quint64 m_lastId = 0;
    QMap<quint64, Run> m_runs;                           // by API id
    QMap<QPair<int, quint64>, QList<quint64>> m_waiting; // (kind, engine id) -> API ids
    std::function<void()> m_changed;
    // The latest drift progress of each mapping whose check or repair runs; dropped when it
    // ends, so a finished run never shows a stale one.
    QHash<QString, Progress> m_driftProgress;
};

} // namespace tidemark::service
