#pragma once
// Runs one mapping's drift checks, repairs and explains in a thread of their own (not the
// mapping's sync worker: a check of a large table reads both whole tables, and a sync must not
// wait behind it), on connections opened and removed in that thread. The Differ opens its own
// side connections besides. The latest check's DiffRun stays here, with its spill file: repairs
// and exports work on it; the GUI gets value snapshots (api/drifttypes.h).

#include "api/drifttypes.h"
#include "drift/differ.h"
#include "project/projectconfig.h"
#include "run/workerconnections.h"

#include <QObject>

#include <atomic>
#include <memory>

namespace tidemark {

class DriftWorker : public QObject
{
    Q_OBJECT
public:
    DriftWorker(Project project, QString mapping, std::shared_ptr<std::atomic<bool>> cancel);
    ~DriftWorker() override;

    // Each runs in the worker's thread (QMetaObject::invokeMethod) and answers with a signal.
    void check(quint64 requestId, const DriftCheckOptions &options, bool scheduled);
    void repair(quint64 requestId, const DriftRepairOptions &options);
    void explain(quint64 requestId, const QVariantList &key);
    void exportReport(quint64 requestId, DriftExportFormat format, const QString &path);
    // Closes the connections and drops the latest run in this thread; call before it stops.
    void shutdown();

Q_SIGNALS:
    void progressed(const QString &mapping, const tidemark::Progress &progress);
    void checked(quint64 requestId, const tidemark::DriftCheckResult &result);
    void repaired(quint64 requestId, const tidemark::DriftRepairResult &result);
    void explained(quint64 requestId, const tidemark::DriftExplainResult &result);
    void exported(quint64 requestId, const tidemark::DriftExportResult &result);

private:
    MappingContext &context();   // throws DbError
    void failed(const DbError &error, QString &result, QString &message);
    DriftCheckResult snapshot(MappingContext &ctx, DiffRun &run, bool scheduled);

    Project m_project;           // before m_connections, which refers to it
    QString m_mapping;
    std::shared_ptr<std::atomic<bool>> m_cancel;
    WorkerConnections m_connections;
    std::unique_ptr<DiffRun> m_last;   // the latest check, with its spill file
};

// The counts and segments of a run, as DriftResults keeps them.
DriftSummary driftSummaryOf(const DiffRun &run);

} // namespace tidemark
