#pragma once
// Runs one mapping's operations on its own thread, with its own database connections (opened
// and removed in that thread). One slow or hanging mapping therefore never stalls another.
// It talks to the engine only through queued signals carrying values.

#include "api/types.h"
#include "project/projectconfig.h"
#include "run/countbudget.h"
#include "run/mappinghold.h"
#include "run/workerconnections.h"
#include "sync/statusprobe.h"

#include <QObject>

#include <atomic>
#include <memory>

namespace tidemark {

class DbError;

class MappingWorker : public QObject
{
    Q_OBJECT
public:
    // `prepareMissing`: create a missing mirror table and state table before the first run.
    // `instance` names this instance in the mapping's hold (run/mappinghold.h): an operation
    // runs only while this instance holds the mapping.
    MappingWorker(Project project, QString mapping, std::shared_ptr<std::atomic<bool>> cancel,
                  bool prepareMissing, QString instance = defaultInstanceName());
    ~MappingWorker() override;

    // Invoked through QMetaObject::invokeMethod in the worker thread.
    Q_INVOKABLE void runOperation(quint64 requestId, tidemark::OperationKind kind,
                                  tidemark::OperationOptions options);
    // A full measurement, table counts included.
    Q_INVOKABLE void measure();
    // One reconnect attempt on `connection` (opens it, or checks an open one with a trivial
    // statement) for the engine's connection monitor; reports through connectionObserved.
    Q_INVOKABLE void probe(const QString &connection);
    // Gives up the hold and closes the connections in this thread; call before the thread is
    // stopped.
    Q_INVOKABLE void shutdown();

Q_SIGNALS:
    void operationStarted(quint64 requestId, const QString &mapping, tidemark::OperationKind kind);
    void progressed(const QString &mapping, const tidemark::Progress &progress);
    void operationFinished(quint64 requestId, const QString &mapping,
                           const tidemark::OperationResult &result);
    void measured(const QString &mapping, const tidemark::StatusMeasurement &measurement);
    void measureFailed(const QString &mapping, const QString &error, bool transient);
    // The mapping checked out against the live catalog, with these warnings (possibly none)
    // and its effective key columns as the source declares them.
    void checked(const QString &mapping, const QStringList &warnings,
                 const QList<tidemark::ColumnInfo> &key);
    // `transient` (when !up): a retry may help; otherwise an operator must act.
    void connectionObserved(const QString &connection, bool up, const QString &error,
                            bool transient);
    // Who holds the mapping, as the last attempt to take or renew the hold found it.
    void holderObserved(const QString &mapping, const tidemark::MappingHolder &holder);

private:
    // Opens connections and resolves the mapping (preparing the mirror when `prepare`).
    // Throws DbError.
    MappingContext &context();
    void observeFailure(const QString &connection, const QString &error);
    void observeSuccess();
    bool usesConnection(const QString &connection) const;
    // Closes the connections (reopened on next use); a session lock ends with them.
    void forgetConnections();
    // Takes or renews the hold; false, having told the engine who holds it, when another
    // instance does. Throws DbError.
    bool holdMapping(MappingContext &ctx);
    // From the passes' progress: renews a lease in a long pass, and cancels the pass when the
    // lease is lost (it must not write on).
    void renewDuringPass();
    // With or without the whole-table counts, as m_countBudget says after a run.
    void measureWith(MeasureScope scope);

    Project m_project;           // before m_connections, which refers to it
    QString m_mapping;
    std::shared_ptr<std::atomic<bool>> m_cancel;
    bool m_prepareMissing;
    WorkerConnections m_connections;   // created and destroyed in this thread
    MappingHold m_hold;                // used in this thread
    std::optional<MappingHolder> m_lastHolder;
    CountBudget m_countBudget;
};

} // namespace tidemark

Q_DECLARE_METATYPE(tidemark::StatusMeasurement)
Q_DECLARE_METATYPE(tidemark::MappingHolder)
