#include "driftrepairflow.h"

#include <QDialog>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLocale>
#include <QPlainTextEdit>
#include <QVBoxLayout>
#include <QWidget>

using namespace Qt::StringLiterals;

namespace tidemark {

DriftRepairFlow::DriftRepairFlow(QWidget *view) : QObject(view), m_view(view) {}

void DriftRepairFlow::setEngine(Engine *engine)
{
    m_engine = engine;
    // Ids are per engine; a dry run of the old one can no longer come back.
    m_previews.clear();
}

void DriftRepairFlow::request(const QString &mapping, const DriftRepairOptions &options)
{
    if (!m_engine || mapping.isEmpty())
        return;
    const quint64 id = m_engine->repairDrift(mapping, options);
    if (id == 0)
        return;
    m_previews.insert(id, mapping);
    Q_EMIT messagePosted(mapping, tr("Preparing the repair's statements…"));
}

void DriftRepairFlow::runRepair(const QString &mapping, const DriftRepairOptions &options)
{
    if (!m_engine || mapping.isEmpty())
        return;
    DriftRepairOptions run = options;
    run.execute = true;
    if (m_engine->repairDrift(mapping, run) == 0)
        return;
    Q_EMIT messagePosted(mapping, tr("Repairing…"));
    Q_EMIT repairStarted(mapping);
}

void DriftRepairFlow::handleRepaired(quint64 requestId, const DriftRepairResult &result)
{
    const bool preview = m_previews.remove(requestId);
    if (!preview)
        Q_EMIT repairFinished(result.mapping);
    if (preview && result.result == u"refused") {
        // As PreflightFlow does for a sweep: the reason, and the choice to force it.
        Q_EMIT messagePosted(result.mapping, tr("Repair refused: %1").arg(result.error));
        // What the operator confirms now is the forced repair.
        DriftRepairResult forced = result;
        forced.options.force = true;
        Q_EMIT previewFinished(forced);
        return;
    }
    if (!result.ok()) {
        Q_EMIT messagePosted(result.mapping, tr("Repair %1: %2").arg(result.result, result.error));
        return;
    }
    if (preview) {
        if (result.differences == 0) {
            Q_EMIT messagePosted(result.mapping, tr("Nothing to repair."));
            return;
        }
        Q_EMIT messagePosted(result.mapping,
                             tr("Repair of %1 differences prepared; waiting for confirmation.")
                                     .arg(QLocale().toString(result.differences)));
        Q_EMIT previewFinished(result);
        return;
    }
    // Two whole sentences rather than an optional ", %4 already equal" piece, so a translator
    // never has to translate a fragment.
    const QLocale locale;
    const QString deleted = locale.toString(result.counts.deleted);
    const QString updated = locale.toString(result.counts.updated);
    const QString inserted = locale.toString(result.counts.inserted);
    Q_EMIT messagePosted(
            result.mapping,
            result.counts.alreadyEqual > 0
                    ? tr("Repaired: %1 deleted, %2 updated, %3 inserted, %4 already equal. "
                         "Checking again…")
                              .arg(deleted, updated, inserted,
                                   locale.toString(result.counts.alreadyEqual))
                    : tr("Repaired: %1 deleted, %2 updated, %3 inserted. Checking again…")
                              .arg(deleted, updated, inserted));
}

void DriftRepairFlow::confirmRepair(const DriftRepairResult &preview)
{
    auto *dialog = new QDialog(m_view);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("Repair %1").arg(preview.mapping));
    dialog->setWindowModality(Qt::WindowModal);
    auto *layout = new QVBoxLayout(dialog);
    const bool refused = preview.result == u"refused";
    auto *intro = new QLabel(
            refused ? tr("The repair was refused: %1\nRun it anyway (force)?").arg(preview.error)
                    : tr("These statements make the mirror equal to the source for %1 "
                         "differences. Each row is read again from the source when it is applied, "
                         "so rows the sync fixes meanwhile are left alone.")
                              .arg(QLocale().toString(preview.differences)),
            dialog);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    if (!refused) {
        auto *sql = new QPlainTextEdit(dialog);
        sql->setReadOnly(true);
        sql->setLineWrapMode(QPlainTextEdit::NoWrap);
        QString text = preview.statements.join(u'\n');
        if (preview.statementsTruncated)
            text += u"\n"_s + tr("-- … more statements not shown");
        sql->setPlainText(text);
        sql->setMinimumSize(640, 240);
        layout->addWidget(sql, 1);
    }
    auto *box = new QDialogButtonBox(QDialogButtonBox::Cancel, dialog);
    box->addButton(refused ? tr("Repair anyway") : tr("Run repair"), QDialogButtonBox::AcceptRole);
    connect(box, &QDialogButtonBox::accepted, dialog, &QDialog::accept);
    connect(box, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
    layout->addWidget(box);
    const QString mapping = preview.mapping;
    const DriftRepairOptions options = preview.options;
    // open(), not exec(): the engine's signals keep arriving while the operator reads.
    connect(dialog, &QDialog::accepted, this,
            [this, mapping, options] { runRepair(mapping, options); });
    connect(dialog, &QDialog::rejected, this,
            [this, mapping] { Q_EMIT messagePosted(mapping, tr("Repair not run.")); });
    dialog->open();
}

} // namespace tidemark
