#include "backfillconfirmation.h"

#include "keyrangeedit.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QPushButton>
#include <QStyle>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace tidemark {

BackfillConfirmation::BackfillConfirmation(const Preflight &preflight,
                                           const QList<ColumnInfo> &key, QWidget *parent)
    : QDialog(parent), m_preflight(preflight)
{
    setObjectName(u"preflightConfirmation"_s);
    setWindowTitle(tr("Confirm %1").arg(operationName(preflight.kind)));
    setWindowModality(Qt::WindowModal);

    auto *icon = new QLabel(this);
    icon->setPixmap(style()->standardIcon(QStyle::SP_MessageBoxQuestion).pixmap(32, 32));
    m_question = new QLabel(operationtext::preflightQuestion(preflight), this);
    m_question->setObjectName(u"preflightQuestion"_s);
    m_question->setWordWrap(true);
    QFont bold = m_question->font();
    bold.setBold(true);
    m_question->setFont(bold);
    auto *details = new QLabel(operationtext::preflightDetails(preflight), this);
    details->setObjectName(u"preflightDetails"_s);
    details->setWordWrap(true);

    m_range = new KeyRangeEdit(Qt::Vertical, this);
    m_range->setKey(preflight.mapping, key);
    m_range->setRange(preflight.options.keyFrom, preflight.options.keyTo);
    m_partialNote = new QLabel(operationtext::partialBackfillText(), this);
    m_partialNote->setObjectName(u"partialBackfillNote"_s);
    m_partialNote->setWordWrap(true);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_run = buttons->addButton(tr("Run backfill"), QDialogButtonBox::AcceptRole);
    m_run->setObjectName(u"runBackfillButton"_s);
    buttons->button(QDialogButtonBox::Cancel)->setDefault(true);
    connect(buttons, &QDialogButtonBox::accepted, this, &BackfillConfirmation::handleRunClicked);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_range, &KeyRangeEdit::rangeChanged, this,
            &BackfillConfirmation::handleRangeChanged);

    auto *head = new QHBoxLayout;
    head->addWidget(icon, 0, Qt::AlignTop);
    auto *text = new QVBoxLayout;
    text->addWidget(m_question);
    text->addWidget(details);
    head->addLayout(text, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(head);
    layout->addSpacing(6);
    layout->addWidget(m_range);
    layout->addWidget(m_partialNote);
    layout->addStretch(1);
    layout->addWidget(buttons);
    setMinimumWidth(640);
    handleRangeChanged();
}

bool BackfillConfirmation::rangeIsCounted() const
{
    return m_range->keyFrom() == m_preflight.options.keyFrom
            && m_range->keyTo() == m_preflight.options.keyTo;
}

void BackfillConfirmation::handleRangeChanged()
{
    const bool partial = m_range->isValid() && !m_range->isEmpty();
    m_partialNote->setVisible(partial);
    m_run->setEnabled(m_range->isValid());
    // The counts above are the dry run's: a range they were not counted for is counted first.
    m_run->setText(rangeIsCounted() ? tr("Run backfill") : tr("Count rows in range"));
    adjustSize();
}

void BackfillConfirmation::handleRunClicked()
{
    if (!m_range->isValid())
        return;
    if (rangeIsCounted()) {
        accept();
        Q_EMIT runRequested(m_preflight);
        return;
    }
    OperationOptions options = m_preflight.options;
    options.keyFrom = m_range->keyFrom();
    options.keyTo = m_range->keyTo();
    options.dryRun = true;
    // Counted afresh, gate included: a partial pass skips the gate anyway, and a range
    // cleared back to the whole table is judged again rather than forced by an old answer.
    options.noGate = false;
    accept();
    Q_EMIT recountRequested(m_preflight.mapping, options);
}

} // namespace tidemark
