#pragma once
// What happens between Repair selected / Repair all in the Drift tab and the engine changing
// the mirror: the repair is first requested as a dry run, whose statements the operator reads
// and confirms before the real repair goes out; a dry run that says the repair would be refused
// (too many deletes) goes straight to the question whether to force it. As with PreflightFlow
// for sync operations, neither question holds the engine up: a "yes" is simply a new request.
//
// DriftView owns it and does the wiring: the question reaches the operator through the view's
// confirmRepair() (tests answer it at once), and the messages go to the view's message line
// when they are about the mapping it shows.

#include "api/engine.h"

#include <QHash>
#include <QObject>
#include <QPointer>

class QWidget;

namespace tidemark {

class DriftRepairFlow : public QObject
{
    Q_OBJECT
public:
    // `view` owns this object and parents its dialogs.
    explicit DriftRepairFlow(QWidget *view);

    // Forgets the dry runs asked of the engine before: ids are per engine.
    void setEngine(Engine *engine);

    // The operator asked to repair `mapping` (only `options.keys`, or every difference): the
    // dry run that lists the statements.
    void request(const QString &mapping, const DriftRepairOptions &options);
    // The operator confirmed: the same repair, executed.
    void runRepair(const QString &mapping, const DriftRepairOptions &options);

    // Connected to the engine's driftRepaired.
    void handleRepaired(quint64 requestId, const tidemark::DriftRepairResult &result);

    // Opens a window-modal dialog with the statements (or the refusal) without a nested event
    // loop, and calls runRepair() on OK.
    void confirmRepair(const DriftRepairResult &preview);

Q_SIGNALS:
    // A dry run came back with something to repair: the operator is to confirm it. A refused
    // one arrives with options.force set, so what is confirmed is the forced repair.
    void previewFinished(const tidemark::DriftRepairResult &preview);
    // An executed repair was sent, or came back (whatever its result).
    void repairStarted(const QString &mapping);
    void repairFinished(const QString &mapping);
    // A line for the view's message label, about `mapping`.
    void messagePosted(const QString &mapping, const QString &text);

private:
    QWidget *m_view;
    QPointer<Engine> m_engine;
    QHash<quint64, QString> m_previews;   // dry-run repairs in flight, by id
};

} // namespace tidemark
