#pragma once
// The runs clients asked for through the API, by the id the 202 answer gave them, so that
// `GET /api/v1/runs/ID` can say how each ended. The engine's own ids are not used: operations
// and drift work are numbered separately there, and a request that joins one already queued
// gets that one's id, so two clients would see one id for two requests.

#include "api/engine.h"

#include <QDateTime>
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
    static constexpr int kKeep = 500; // finished runs kept; the oldest go first

    explicit RunRegistry(Engine &engine, QObject *parent = nullptr);

    // Records a run the engine accepted under `engineId` (from request(), checkDrift() or
    // repairDrift()); returns the run's id in the API.
    enum class Kind { Operation, DriftCheck, DriftRepair };
    quint64 add(Kind kind, quint64 engineId, const QString &mapping, const QString &action);

    std::optional<QJsonObject> find(quint64 id) const;
    // The newest `n` runs, newest first.
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
    };
    void finish(Kind kind, quint64 engineId, const QString &result, const QString &error,
                const QJsonObject &detail);
    static QJsonObject toJson(const Run &run);

    quint64 m_lastId = 0;
    QMap<quint64, Run> m_runs;                           // by API id
    QMap<QPair<int, quint64>, QList<quint64>> m_waiting; // (kind, engine id) -> API ids
    std::function<void()> m_changed;
};

} // namespace tidemark::service
