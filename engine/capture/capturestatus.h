#pragma once
// What `status` says about a captured mapping: row counts from the change log, never
// differences of numbers (the numbering has gaps, and a difference of ids counts rolled-back
// and purged rows too).

#include "sync/mappingcontext.h"

#include <QString>

#include <optional>

namespace tidemark {

struct CaptureStatus
{
    bool installed = false;        // the log and all of the table's triggers exist
    QString problem;               // why not, or why the counts are missing
    qint64 unnumbered = -1;        // log rows of this table the sequencer has not numbered yet
    qint64 pending = -1;           // numbered, not yet applied: the mapping's backlog
    qint64 logRows = -1;           // the table's rows in the log, applied or not
    std::optional<qint64> appliedSeq;        // the capture checkpoint
    std::optional<double> oldestPendingAgeS; // age of the oldest change not yet applied
    bool sequencer = true;         // false where the database needs none (SQLite)
    // What needs an operator although capture is installed: the source table was truncated
    // or created anew since the mirror was reconciled with it (capture/tableidentity.h).
    QString attention;
};

CaptureStatus measureCapture(MappingContext &ctx);

} // namespace tidemark
