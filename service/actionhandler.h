#pragma once
// POST /api/v1/mappings/NAME/ACTION: the operator's requests, under the CLI's rules.
//
// A destructive action (sweep, resync, repair) is refused for safety exactly where the CLI
// exits 3: the engine first runs its dry run (the pre-flight the monitor shows before asking
// to confirm), and a refusal is answered 409 with its reason, nothing changed. Otherwise the
// real run is queued and answered 202 with the run's id (GET /api/v1/runs/ID tells how it
// ended). `{"force": true}` in the body skips the pre-flight and passes the refusal, as
// --force does; it is never read from the URL. The engine's own refusal still guards the
// real run: what changed between the pre-flight and the run is caught there, and the run
// ends "refused".
//
// Options a client may give in the body, per action (an unknown one is 400 listing them):
// "dry_run" (sync, backfill, sweep, resync, repair) queues the dry run itself, the count a
// monitor shows before asking to confirm, with no pre-flight of its own; "key_from"/"key_to"
// (backfill, diff) bound the key range, "keys" (repair) picks the differences to repair, and
// "key" (explain, required) is the key to explain, all as typed lists (db/valuecodec.h).
// cancel and cancel_drift answer 202 with "run": null, like pause: nothing to follow.

#include "httptypes.h"
#include "runregistry.h"

#include "api/engine.h"

#include <QHash>
#include <QObject>

namespace tidemark::service {

class ActionHandler final : public QObject
{
public:
    static const QStringList &actions(); // sync, backfill, sweep, resync, diff, repair, ...
    // The body options `action` accepts.
    static QStringList options(const QString &action);

    ActionHandler(Engine &engine, RunRegistry &runs, QObject *parent = nullptr);

    void handle(const QString &mapping, const QString &action, const QByteArray &body,
                const HttpReply &reply);

private:
    struct Body
    {
        bool force = false;
        bool noGate = false;
        bool dryRun = false;
        QVariantList keyFrom;
        QVariantList keyTo;
        QList<QVariantList> keys;
        QVariantList key;
    };
    std::optional<Body> parseBody(const QString &action, const QByteArray &body,
                                  const HttpReply &reply) const;
    void queueOperation(const QString &mapping, const QString &action, OperationKind kind,
                        const OperationOptions &options, const HttpReply &reply);
    void queueRepair(const QString &mapping, const DriftRepairOptions &options,
                     const HttpReply &reply);
    void queueDriftWork(RunRegistry::Kind kind, quint64 engineId, const QString &mapping,
                        const QString &action, const HttpReply &reply);
    void accepted(quint64 runId, const QString &mapping, const QString &action,
                  const HttpReply &reply) const;
    void acceptedWithoutRun(const QString &mapping, const QString &action,
                            const HttpReply &reply) const;

    Engine &m_engine;
    RunRegistry &m_runs;
    // Pre-flights waiting for the engine's answer, by the engine's id of the dry run.
    QHash<quint64, std::function<void(const OperationResult &)>> m_operationPreflights;
    QHash<quint64, std::function<void(const DriftRepairResult &)>> m_repairPreflights;
};

} // namespace tidemark::service
