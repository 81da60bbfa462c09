#pragma once
// A key range as an operator types it: "from" and "to", each the key's values separated by
// commas or a JSON array (`42`, `eu, 1000`, `["a,b", 7]`), empty for an open end. The text is
// read against the mapping's key columns with the engine's own parser (drift/keytext), so
// what the monitor accepts is what `tidemark-cli --key-from/--key-to` accepts. A field that
// does not read shows why beneath the fields, naming the field, and isValid() turns false so
// the action that uses the range can be disabled.
//
// Used by the Drift tab (Check now) and the backfill confirmation (a partial backfill).

#include "db/tableschema.h"

#include <QVariantList>
#include <QWidget>

class QLabel;
class QLineEdit;

namespace tidemark {

class KeyRangeEdit : public QWidget
{
    Q_OBJECT
public:
    // Horizontal: "Key range [from] to [to]" on one line (the Drift tab); vertical: one line
    // each, for a dialog too narrow for both placeholders side by side.
    explicit KeyRangeEdit(Qt::Orientation orientation = Qt::Horizontal, QWidget *parent = nullptr);

    // The mapping whose key the text is read against (MappingStatus::keyColumns). The text
    // stays and is read again; empty `key`: not known yet (the mapping has not connected).
    void setKey(const QString &mapping, const QList<ColumnInfo> &key);
    // Fills the fields from canonical key values (empty: open), as the operator could type
    // them.
    void setRange(const QVariantList &from, const QVariantList &to);
    void clear();

    // Both fields empty or readable.
    bool isValid() const { return m_error.isEmpty(); }
    bool isEmpty() const;
    // Canonical key values; empty for an open end or while not valid.
    QVariantList keyFrom() const { return m_from; }
    QVariantList keyTo() const { return m_to; }
    // "from: key column 'id': 'x' is not an integer"; empty while valid.
    QString error() const { return m_error; }

    QLineEdit *fromField() const { return m_fromField; }
    QLineEdit *toField() const { return m_toField; }
    QLabel *errorLabel() const { return m_errorLabel; }

Q_SIGNALS:
    // The text of either field changed (and was read again).
    void rangeChanged();

private:
    void revalidate();

    QString m_mapping;
    QList<ColumnInfo> m_key;
    QVariantList m_from;
    QVariantList m_to;
    QString m_error;
    QLineEdit *m_fromField = nullptr;
    QLineEdit *m_toField = nullptr;
    QLabel *m_errorLabel = nullptr;
};

} // namespace tidemark
