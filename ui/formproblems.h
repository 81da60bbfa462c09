#pragma once
// How the project, connection and mapping editors say why they cannot be accepted: one red,
// selectable label under the form, "Field: message" lines, and the first field at fault focused
// so the user lands where the fix goes.

#include <QString>
#include <QStringList>

class QLabel;
class QWidget;

namespace tidemark {

// The colour of a problem (and of a failed connection test) in every editor.
extern const QString FormErrorStyle;

// The problem label: word-wrapped, selectable so the text can be copied into a bug report, and
// hidden until there is a problem to show.
QLabel *newProblemLabel(QWidget *parent);

// Shows `text` in `label` in the problem colour (a progress note may have cleared it) and
// focuses `field` unless it is null.
void showProblem(QLabel *label, const QString &text, QWidget *field);

// The problems one validation pass finds, in the order found.
class FormProblems
{
public:
    // Adds "fieldLabel: message"; the first field added is the one focused.
    void add(const QString &fieldLabel, QWidget *field, const QString &message);
    const QStringList &messages() const { return m_messages; }
    // Shows the problems in `label` with the first field at fault focused, or hides the label
    // when there are none. Returns the messages.
    QStringList show(QLabel *label) const;

private:
    QStringList m_messages;
    QWidget *m_culprit = nullptr;
};

} // namespace tidemark
