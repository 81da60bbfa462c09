#pragma once
// The question before a backfill: what its dry run found, and the key range it covers. Every
// row by default; a range typed here (KeyRangeEdit, as in the Drift tab) makes it a partial
// backfill, which the dialog says never moves the checkpoint. The counts shown are always
// those of the range that would run: a changed range is counted again (a new dry run) before
// "Run backfill" is offered for it.
//
// PreflightFlow opens it with open(), never exec(): snapshots keep arriving while the
// operator reads, and the engine does not wait for the answer.

#include "operationtext.h"

#include "db/tableschema.h"

#include <QDialog>

class QLabel;
class QPushButton;

namespace tidemark {

class KeyRangeEdit;

class BackfillConfirmation : public QDialog
{
    Q_OBJECT
public:
    // `key`: the mapping's key columns (MappingStatus::keyColumns), to read the range against.
    BackfillConfirmation(const Preflight &preflight, const QList<ColumnInfo> &key,
                         QWidget *parent = nullptr);

    const Preflight &preflight() const { return m_preflight; }
    KeyRangeEdit *keyRange() const { return m_range; }
    QLabel *questionLabel() const { return m_question; }
    QLabel *partialNote() const { return m_partialNote; }
    // "Run backfill", or "Count rows in range" while the range differs from the counted one.
    QPushButton *runButton() const { return m_run; }

Q_SIGNALS:
    // The operator confirmed the counted backfill.
    void runRequested(const tidemark::Preflight &preflight);
    // The operator changed the range: count it (a dry run) before anything is written.
    void recountRequested(const QString &mapping, const tidemark::OperationOptions &options);

private:
    void handleRangeChanged();
    void handleRunClicked();
    bool rangeIsCounted() const;

    Preflight m_preflight;
    KeyRangeEdit *m_range = nullptr;
    QLabel *m_question = nullptr;
    QLabel *m_partialNote = nullptr;
    QPushButton *m_run = nullptr;
};

} // namespace tidemark
