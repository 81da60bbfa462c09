#include "preflightflow.h"

#include "backfillconfirmation.h"
#include "mappingsmodel.h"

#include <QAbstractButton>
#include <QDialog>
#include <QMessageBox>
#include <QWidget>

#include <optional>

using namespace Qt::StringLiterals;

namespace tidemark {

namespace {

bool needsPreflight(OperationKind kind)
{
    return kind == OperationKind::Sweep || kind == OperationKind::Backfill
            || kind == OperationKind::Resync;
}

} // namespace

PreflightFlow::PreflightFlow(const MappingsModel *model, QWidget *window)
    : QObject(window), m_model(model), m_window(window)
{
}

void PreflightFlow::setEngine(Engine *engine)
{
    m_engine = engine;
    // Ids are per engine; a result from the old one can no longer arrive.
    m_pending.clear();
}

void PreflightFlow::request(const QString &mapping, OperationKind kind)
{
    // Destructive operations ask first: the same request as a dry run, whose counts the
    // operator confirms (see handlePreflightFinished()).
    OperationOptions options;
    options.dryRun = needsPreflight(kind);
    sendRequest(mapping, kind, options);
}

void PreflightFlow::sendRequest(const QString &mapping, OperationKind kind,
                                const OperationOptions &options)
{
    if (!m_engine || !m_model->mapping(mapping))
        return;
    const quint64 id = m_engine->request(mapping, kind, options);
    if (id == 0) {
        // The engine turned it down at once (stopping, or the mapping is gone); it has
        // logged why, and no result will follow.
        Q_EMIT messagePosted(tr("%1: %2 not accepted by the engine; see the log")
                                     .arg(mapping, operationName(kind)));
        return;
    }
    m_pending.insert(id, PendingRequest{mapping, kind, options});
    // Whole sentences for each kind of request, so a translator never gets a " (forced)" piece.
    const QString what = options.hasKeyRange()
            ? tr("%1 of %2")
                      .arg(operationName(kind),
                           operationtext::keyRangeText(options.keyFrom, options.keyTo))
            : operationName(kind);
    Q_EMIT messagePosted(
            options.dryRun          ? tr("%1: %2 pre-flight (dry run) requested").arg(mapping, what)
                    : options.force ? tr("%1: %2 (forced) requested").arg(mapping, what)
                                    : tr("%1: %2 requested").arg(mapping, what));
}

void PreflightFlow::handleOperationFinished(quint64 requestId, const QString &mapping,
                                            const OperationResult &result)
{
    const std::optional<PendingRequest> pending = m_pending.contains(requestId)
            ? std::optional<PendingRequest>(m_pending.take(requestId))
            : std::nullopt;

    if (pending && pending->options.dryRun) {
        handlePreflightFinished(*pending, result);
        return;
    }

    // Routine scheduled passes finish every few seconds; showing each would wipe the result
    // of what the operator asked for before it could be read. They are in the log; failures
    // and refusals of any pass still show here.
    if (pending || !result.ok())
        Q_EMIT messagePosted(operationtext::describeResult(mapping, result));

    // Only what the operator asked for here is offered again with force: a scheduled pass
    // that is refused must not pop up a dialog every interval. A forced request that is still
    // refused is not offered again either.
    if (!result.refused() || !pending || pending->options.force)
        return;
    ForcedRetry retry;
    retry.mapping = mapping;
    retry.kind = pending->kind;
    retry.options = pending->options;
    retry.reason = result.run.error.isEmpty() ? result.run.note : result.run.error;
    Q_EMIT operationRefused(retry);
}

void PreflightFlow::askToForce(const ForcedRetry &retry)
{
    auto *box = new QMessageBox(
            QMessageBox::Warning, tr("Operation refused"),
            tr("Tidemark refused to %1 '%2'.").arg(operationtext::verb(retry.kind), retry.mapping),
            QMessageBox::Yes | QMessageBox::No, m_window);
    box->setObjectName(u"forceConfirmation"_s);
    box->setAttribute(Qt::WA_DeleteOnClose);
    QString question = u"%1\n\n"_s.arg(retry.reason);
    if (retry.kind == OperationKind::Sweep)
        question += tr("Sweep anyway? This deletes every mirror row whose key is not in the "
                       "source table.");
    else
        question += tr("Run it anyway?");
    box->setInformativeText(question);
    box->setDefaultButton(QMessageBox::No);
    // open(), not exec(): no nested event loop while engine signals keep arriving, and the
    // engine has long moved on; a Yes is simply a new request.
    connect(box, &QMessageBox::finished, this, [this, box, retry] {
        if (box->standardButton(box->clickedButton()) == QMessageBox::Yes)
            retryForced(retry);
    });
    box->open();
}

void PreflightFlow::retryForced(const ForcedRetry &retry)
{
    OperationOptions options = retry.options;
    options.force = true;
    // A refused pre-flight is answered with the real operation: the operator has read why.
    options.dryRun = false;
    sendRequest(retry.mapping, retry.kind, options);
}

void PreflightFlow::handlePreflightFinished(const PendingRequest &pending,
                                            const OperationResult &result)
{
    // A dry run is not refused itself; it says (refusal) that the real run would be.
    if (result.refused() || !result.refusal.isEmpty()) {
        Q_EMIT messagePosted(operationtext::describeResult(pending.mapping, result));
        ForcedRetry retry;
        retry.mapping = pending.mapping;
        retry.kind = pending.kind;
        retry.options = pending.options;
        retry.reason = !result.refusal.isEmpty() ? result.refusal
                : result.run.error.isEmpty()     ? result.run.note
                                                 : result.run.error;
        Q_EMIT operationRefused(retry);
        return;
    }
    if (!result.ok()) {
        Q_EMIT messagePosted(
                tr("%1: %2 pre-flight failed, nothing was changed: %3")
                        .arg(pending.mapping, operationName(pending.kind),
                             result.run.error.isEmpty() ? result.run.note : result.run.error));
        return;
    }
    Preflight preflight = operationtext::preflightFrom(pending.mapping, pending.kind, result);
    OperationOptions real = pending.options;
    real.dryRun = false;
    real.noGate = real.noGate || preflight.options.noGate;
    preflight.options = real;
    Q_EMIT messagePosted(tr("%1: %2 pre-flight done; waiting for confirmation")
                                 .arg(pending.mapping, operationName(pending.kind)));
    Q_EMIT preflightFinished(preflight);
}

void PreflightFlow::confirmOperation(const Preflight &preflight)
{
    if (preflight.kind == OperationKind::Backfill) {
        confirmBackfill(preflight);
        return;
    }
    const bool deletes = preflight.rowsToDelete > 0;
    auto *box = new QMessageBox(deletes ? QMessageBox::Warning : QMessageBox::Question,
                                tr("Confirm %1").arg(operationName(preflight.kind)),
                                operationtext::preflightQuestion(preflight),
                                QMessageBox::Yes | QMessageBox::No, m_window);
    box->setObjectName(u"preflightConfirmation"_s);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setInformativeText(operationtext::preflightDetails(preflight));
    box->setDefaultButton(QMessageBox::No);
    if (QAbstractButton *yes = box->button(QMessageBox::Yes))
        yes->setText(tr("Run %1").arg(operationName(preflight.kind)));
    // open(), not exec(): snapshots keep arriving while the operator reads.
    connect(box, &QMessageBox::finished, this, [this, box, preflight] {
        if (box->standardButton(box->clickedButton()) == QMessageBox::Yes)
            runConfirmed(preflight);
        else
            Q_EMIT messagePosted(
                    tr("%1: %2 not run").arg(preflight.mapping, operationName(preflight.kind)));
    });
    box->open();
}

void PreflightFlow::confirmBackfill(const Preflight &preflight)
{
    const MappingStatus *status = m_model->mapping(preflight.mapping);
    auto *dialog = new BackfillConfirmation(
            preflight, status ? status->keyColumns : QList<ColumnInfo>{}, m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &BackfillConfirmation::runRequested, this, &PreflightFlow::runConfirmed);
    // A changed key range is counted before anything is written: a new pre-flight, whose
    // answer comes back here as a new question.
    connect(dialog, &BackfillConfirmation::recountRequested, this,
            [this](const QString &mapping, const OperationOptions &options) {
                sendRequest(mapping, OperationKind::Backfill, options);
            });
    connect(dialog, &QDialog::rejected, this, [this, preflight] {
        Q_EMIT messagePosted(
                tr("%1: %2 not run").arg(preflight.mapping, operationName(preflight.kind)));
    });
    dialog->open();
}

void PreflightFlow::runConfirmed(const Preflight &preflight)
{
    OperationOptions options = preflight.options;
    options.dryRun = false;
    sendRequest(preflight.mapping, preflight.kind, options);
}

} // namespace tidemark
