#pragma once
// What happens between the operator's action on a mapping and the engine running it. A
// destructive operation (sweep, backfill, resync) is first requested as a dry run, whose counts
// the operator confirms before the real request goes out; an operation the operator asked for
// that comes back refused is offered again with force. Neither question holds the engine up:
// it has long moved on, and a "yes" is simply a new request.
//
// MainWindow owns it and does the wiring: the questions reach the operator through the
// window's confirmOperation() and askToForce() (tests answer them at once), and the messages
// go to its status bar.

#include "api/engine.h"
#include "operationtext.h"

#include <QHash>
#include <QObject>
#include <QPointer>

class QWidget;

namespace tidemark {

class MappingsModel;

class PreflightFlow : public QObject
{
    Q_OBJECT
public:
    // An operation this window asked for came back refused (a sweep that would delete too
    // much, for one). The engine does not wait for an answer: a "yes" is a new request.
    struct ForcedRetry
    {
        QString mapping;
        OperationKind kind = OperationKind::Sweep;
        OperationOptions options;   // as first requested; retryForced() sets force
        QString reason;             // the engine's refusal, shown to the operator
    };

    // `window` owns this object and parents its message boxes. A request is sent only for a
    // mapping `model` has.
    PreflightFlow(const MappingsModel *model, QWidget *window);

    // Forgets the requests made of the engine before: ids are per engine.
    void setEngine(Engine *engine);

    // The operator asked for `kind` on `mapping`: a dry run first where `kind` is destructive.
    void request(const QString &mapping, OperationKind kind);
    void sendRequest(const QString &mapping, OperationKind kind, const OperationOptions &options);

    // Connected to the engine's operationFinished.
    void handleOperationFinished(quint64 requestId, const QString &mapping,
                                 const tidemark::OperationResult &result);

    // Opens a window-modal message box without a nested event loop and calls runConfirmed()
    // on Yes; for a backfill, a BackfillConfirmation that also offers a key range.
    void confirmOperation(const Preflight &preflight);
    void runConfirmed(const Preflight &preflight);
    // Likewise, retryForced() on Yes.
    void askToForce(const ForcedRetry &retry);
    void retryForced(const ForcedRetry &retry);

Q_SIGNALS:
    // A destructive operation's dry run came back: the operator is to confirm the real run.
    void preflightFinished(const tidemark::Preflight &preflight);
    // An operation this window asked for came back refused: the operator may force it.
    void operationRefused(const tidemark::PreflightFlow::ForcedRetry &retry);
    // A line for the status bar.
    void messagePosted(const QString &text);

private:
    struct PendingRequest
    {
        QString mapping;
        OperationKind kind = OperationKind::Sync;
        OperationOptions options;
    };

    void handlePreflightFinished(const PendingRequest &pending, const OperationResult &result);
    void confirmBackfill(const Preflight &preflight);

    const MappingsModel *m_model;
    QWidget *m_window;
    QPointer<Engine> m_engine;
    // Requests this window made, by id, so a refusal can be retried with the same options.
    QHash<quint64, PendingRequest> m_pending;
};

} // namespace tidemark
