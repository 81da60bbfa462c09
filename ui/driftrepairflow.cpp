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
    Q_EMIT messagePosted(mapping, u"Preparing the repair's statements…"_s);
}

void DriftRepairFlow::runRepair(const QString &mapping, const DriftRepairOptions &options)
{
    if (!m_engine || mapping.isEmpty())
        return;
    DriftRepairOptions run = options;
    run.execute = true;
    if (m_engine->repairDrift(mapping, run) == 0)
        return;
    Q_EMIT messagePosted(mapping, u"Repairing…"_s);
    Q_EMIT repairStarted(mapping);
}

void DriftRepairFlow::handleRepaired(quint64 requestId, const DriftRepairResult &result)
{
    const bool preview = m_previews.remove(requestId);
    if (!preview)
        Q_EMIT repairFinished(result.mapping);
    if (preview && result.result == u"refused") {
        // As PreflightFlow does for a sweep: the reason, and the choice to force it.
        Q_EMIT messagePosted(result.mapping, u"Repair refused: %1"_s.arg(result.error));
        // What the operator confirms now is the forced repair.
        DriftRepairResult forced = result;
        forced.options.force = true;
        Q_EMIT previewFinished(forced);
        return;
    }
    if (!result.ok()) {
        Q_EMIT messagePosted(result.mapping, u"Repair %1: %2"_s.arg(result.result, result.error));
        return;
    }
    if (preview) {
        if (result.differences == 0) {
            Q_EMIT messagePosted(result.mapping, u"Nothing to repair."_s);
            return;
        }
        Q_EMIT messagePosted(
                result.mapping,
                u"Repair of %1 differences prepared; waiting for confirmation."_s.arg(
                        QLocale().toString(result.differences)));
        Q_EMIT previewFinished(result);
        return;
    }
    Q_EMIT messagePosted(
            result.mapping,
            u"Repaired: %1 deleted, %2 updated, %3 inserted%4. Checking again…"_s.arg(
                    QLocale().toString(result.counts.deleted),
                    QLocale().toString(result.counts.updated),
                    QLocale().toString(result.counts.inserted),
                    result.counts.alreadyEqual > 0
                            ? u", %1 already equal"_s.arg(
                                      QLocale().toString(result.counts.alreadyEqual))
                            : QString()));
}

void DriftRepairFlow::confirmRepair(const DriftRepairResult &preview)
{
    auto *dialog = new QDialog(m_view);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(u"Repair %1"_s.arg(preview.mapping));
    dialog->setWindowModality(Qt::WindowModal);
    auto *layout = new QVBoxLayout(dialog);
    const bool refused = preview.result == u"refused";
    auto *intro = new QLabel(
            refused ? u"The repair was refused: %1\nRun it anyway (force)?"_s.arg(preview.error)
                    : u"These statements make the mirror equal to the source for %1 "
                      u"differences. Each row is read again from the source when it is applied, "
                      u"so rows the sync fixes meanwhile are left alone."_s.arg(
                              QLocale().toString(preview.differences)),
            dialog);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    if (!refused) {
        auto *sql = new QPlainTextEdit(dialog);
        sql->setReadOnly(true);
        sql->setLineWrapMode(QPlainTextEdit::NoWrap);
        QString text = preview.statements.join(u'\n');
        if (preview.statementsTruncated)
            text += u"\n-- … more statements not shown"_s;
        sql->setPlainText(text);
        sql->setMinimumSize(640, 240);
        layout->addWidget(sql, 1);
    }
    auto *box = new QDialogButtonBox(QDialogButtonBox::Cancel, dialog);
    box->addButton(refused ? u"Repair anyway"_s : u"Run repair"_s, QDialogButtonBox::AcceptRole);
    connect(box, &QDialogButtonBox::accepted, dialog, &QDialog::accept);
    connect(box, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
    layout->addWidget(box);
    const QString mapping = preview.mapping;
    const DriftRepairOptions options = preview.options;
    // open(), not exec(): the engine's signals keep arriving while the operator reads.
    connect(dialog, &QDialog::accepted, this,
            [this, mapping, options] { runRepair(mapping, options); });
    connect(dialog, &QDialog::rejected, this,
            [this, mapping] { Q_EMIT messagePosted(mapping, u"Repair not run."_s); });
    dialog->open();
}

} // namespace tidemark
