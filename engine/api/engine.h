#pragma once
// The facade the GUI and the CLI's watch mode use: requests in, value snapshots out. The GUI
// never reaches past it, so a UI test can drive a fake engine, and the remote engine (a `serve`
// elsewhere, api/remoteengine.h) takes the embedded one's place when the monitor is attached.

#include "api/drifttypes.h"
#include "api/types.h"

#include <QObject>

namespace tidemark {

class Engine : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    ~Engine() override;

    virtual void start() = 0;
    // Asks every worker to stop after the batch in hand (rolled back if not committed) and
    // waits for them. Idempotent.
    virtual void stop() = 0;

    virtual QList<MappingStatus> mappings() const = 0;
    virtual QList<ConnectionStatus> connections() const = 0;

    // Queues an operation; returns its request id. With `options.dryRun` a sweep, backfill or
    // resync only counts: the result's rowsDeleted / rowsWritten say how many rows the real
    // operation would delete / write (the pre-flight a GUI shows before asking to confirm). If the same operation (kind and options)
    // is already queued or running for the mapping, the request joins it and the id of that
    // one is returned: two backfill requests run once. Returns 0, and no operationFinished
    // follows, when the mapping is unknown or the engine has stopped.
    virtual quint64 request(const QString &mapping, OperationKind kind,
                            const OperationOptions &options = {}) = 0;
    virtual void cancel(const QString &mapping) = 0;
    // Empty mapping: every mapping.
    virtual void setPaused(const QString &mapping, bool paused) = 0;
    // Tries the connection now instead of at its next scheduled attempt (empty: every
    // connection that is not connected). A success triggers the catch-up of its mappings.
    virtual void reconnect(const QString &connection) = 0;

    // Drift (SPEC.md "Drift"). Each mapping's checks, repairs and explains run one at a time
    // in a drift thread of the mapping's own, on connections of their own, never on the
    // mapping's sync worker: a check of a large table never holds up a sync. Each returns a
    // request id (0: unknown mapping or stopped engine, and no answer follows) and is answered
    // by the matching signal. A check requested while one is queued or running joins it.
    virtual quint64 checkDrift(const QString &mapping, const DriftCheckOptions &options = {}) = 0;
    // Repairs the differences of the mapping's latest check (a check runs first when there is
    // none). The repair re-reads each row at apply time, so a difference the sync fixed since
    // is left alone. An executed repair is followed by a check, so the view shows the result.
    virtual quint64 repairDrift(const QString &mapping, const DriftRepairOptions &options) = 0;
    virtual quint64 explainDriftKey(const QString &mapping, const QVariantList &key) = 0;
    // Writes the latest check's differences (all of them, not only the snapshot's rows).
    virtual quint64 exportDrift(const QString &mapping, DriftExportFormat format,
                                const QString &path) = 0;
    // Cancels the drift work in hand and drops what is queued, for this mapping.
    virtual void cancelDrift(const QString &mapping) = 0;

Q_SIGNALS:
    // Batched: at most a few times a second, with every mapping's current snapshot.
    void statusChanged(const QList<tidemark::MappingStatus> &mappings);
    void connectionsChanged(const QList<tidemark::ConnectionStatus> &connections);
    void operationFinished(quint64 requestId, const QString &mapping,
                           const tidemark::OperationResult &result);
    // At most a few times a second while a check or repair runs.
    void driftProgressed(const QString &mapping, const tidemark::Progress &progress);
    void driftChecked(quint64 requestId, const tidemark::DriftCheckResult &result);
    void driftRepaired(quint64 requestId, const tidemark::DriftRepairResult &result);
    void driftExplained(quint64 requestId, const tidemark::DriftExplainResult &result);
    void driftExported(quint64 requestId, const tidemark::DriftExportResult &result);
};

} // namespace tidemark
