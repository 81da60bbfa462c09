#include "keyrangeedit.h"

#include "db/valuecodec.h"
#include "drift/keytext.h"

#include <QGridLayout>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>

#include <tuple>

using namespace Qt::StringLiterals;

namespace tidemark {

namespace {

// What an operator would type for `key`: plain for a single value without a comma, else the
// JSON array (a text value with a comma cannot be told apart from two values otherwise).
QString editableText(const QVariantList &key)
{
    if (key.isEmpty())
        return {};
    if (key.size() == 1) {
        const QString text = displayText(key.first());
        if (!text.contains(u','))
            return text;
    }
    return QString::fromUtf8(QJsonDocument(keyJson(key)).toJson(QJsonDocument::Compact));
}

} // namespace

KeyRangeEdit::KeyRangeEdit(Qt::Orientation orientation, QWidget *parent) : QWidget(parent)
{
    setObjectName(u"keyRangeEdit"_s);
    m_fromField = new QLineEdit(this);
    m_fromField->setObjectName(u"keyFromField"_s);
    m_fromField->setAccessibleName(tr("Key range from"));
    m_fromField->setPlaceholderText(
            tr("from: key values, comma-separated or a JSON array; empty = from the first key"));
    m_fromField->setClearButtonEnabled(true);
    m_toField = new QLineEdit(this);
    m_toField->setObjectName(u"keyToField"_s);
    m_toField->setAccessibleName(tr("Key range to"));
    m_toField->setPlaceholderText(
            tr("to: key values, comma-separated or a JSON array; empty = to the last key"));
    m_toField->setClearButtonEnabled(true);
    m_errorLabel = new QLabel(this);
    m_errorLabel->setObjectName(u"keyRangeError"_s);
    m_errorLabel->setWordWrap(true);
    m_errorLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // Dark red on the window colour: readable on light and dark themes alike.
    m_errorLabel->setStyleSheet(u"color: #b71c1c"_s);
    m_errorLabel->setVisible(false);
    connect(m_fromField, &QLineEdit::textChanged, this, &KeyRangeEdit::revalidate);
    connect(m_toField, &QLineEdit::textChanged, this, &KeyRangeEdit::revalidate);

    auto *layout = new QGridLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    const bool oneLine = orientation == Qt::Horizontal;
    auto *fromLabel = new QLabel(oneLine ? tr("&Key range") : tr("&Key from"), this);
    fromLabel->setBuddy(m_fromField);
    auto *toLabel = new QLabel(oneLine ? tr("to") : tr("Key &to"), this);
    toLabel->setBuddy(m_toField);
    layout->addWidget(fromLabel, 0, 0);
    layout->addWidget(m_fromField, 0, 1);
    if (oneLine) {
        layout->addWidget(toLabel, 0, 2);
        layout->addWidget(m_toField, 0, 3);
        layout->addWidget(m_errorLabel, 1, 1, 1, 3);
        layout->setColumnStretch(3, 1);
    } else {
        layout->addWidget(toLabel, 1, 0);
        layout->addWidget(m_toField, 1, 1);
        layout->addWidget(m_errorLabel, 2, 1);
    }
    layout->setColumnStretch(1, 1);
    revalidate();
}

void KeyRangeEdit::setKey(const QString &mapping, const QList<ColumnInfo> &key)
{
    if (mapping == m_mapping && sameKeyColumns(key, m_key))
        return;
    m_mapping = mapping;
    m_key = key;
    QStringList columns;
    for (const ColumnInfo &c : key)
        columns << (c.declaredType.isEmpty() ? c.name
                                             : u"%1 (%2)"_s.arg(c.name, c.declaredType));
    const QString tip = key.isEmpty()
            ? tr("The key columns are known once the mapping has connected.")
            : tr("The key of %1: %2. Both ends are inclusive; keys are compared in binary order, "
                 "as the check and the backfill walk them.")
                      .arg(mapping, columns.join(u", "_s));
    m_fromField->setToolTip(tip);
    m_toField->setToolTip(tip);
    revalidate();
}

void KeyRangeEdit::setRange(const QVariantList &from, const QVariantList &to)
{
    m_fromField->setText(editableText(from));
    m_toField->setText(editableText(to));
}

void KeyRangeEdit::clear()
{
    m_fromField->clear();
    m_toField->clear();
}

bool KeyRangeEdit::isEmpty() const
{
    return m_fromField->text().trimmed().isEmpty() && m_toField->text().trimmed().isEmpty();
}

void KeyRangeEdit::revalidate()
{
    m_from.clear();
    m_to.clear();
    QStringList errors;
    for (const auto &[field, name, target] :
         {std::tuple{m_fromField, tr("From"), &m_from}, std::tuple{m_toField, tr("To"), &m_to}}) {
        const QString text = field->text();
        if (text.trimmed().isEmpty())
            continue;
        if (m_key.isEmpty()) {
            errors << tr("%1: the key columns of %2 are not known yet (it has not connected); "
                         "leave the range empty for every row.")
                              .arg(name,
                                   m_mapping.isEmpty() ? tr("the mapping")
                                                       : u"'%1'"_s.arg(m_mapping));
            continue;
        }
        QString why;
        if (const std::optional<QVariantList> key = parseKeyText(text, m_mapping, m_key, &why))
            *target = *key;
        else
            errors << u"%1: %2"_s.arg(name, why);
    }
    m_error = errors.join(u'\n');
    if (!m_error.isEmpty()) {
        m_from.clear();
        m_to.clear();
    }
    m_errorLabel->setText(m_error);
    m_errorLabel->setVisible(!m_error.isEmpty());
    Q_EMIT rangeChanged();
}

} // namespace tidemark
