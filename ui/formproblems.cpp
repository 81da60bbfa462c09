#include "formproblems.h"

#include <QLabel>

using namespace Qt::StringLiterals;

namespace tidemark {

const QString FormErrorStyle = u"color: #b3261e;"_s;

QLabel *newProblemLabel(QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setObjectName(u"errorLabel"_s);
    label->setWordWrap(true);
    label->setStyleSheet(FormErrorStyle);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->hide();
    return label;
}

void showProblem(QLabel *label, const QString &text, QWidget *field)
{
    label->setText(text);
    label->setStyleSheet(FormErrorStyle);
    label->show();
    if (field)
        field->setFocus();
}

void FormProblems::add(const QString &fieldLabel, QWidget *field, const QString &message)
{
    m_messages << fieldLabel + u": "_s + message;
    if (!m_culprit)
        m_culprit = field;
}

QStringList FormProblems::show(QLabel *label) const
{
    if (m_messages.isEmpty())
        label->hide();
    else
        showProblem(label, m_messages.join(u'\n'), m_culprit);
    return m_messages;
}

} // namespace tidemark
