#pragma once
// The value snapshots and requests of drift checks through the facade (SPEC.md "Drift"). A
// DiffRun keeps its differences in a spill file owned by the thread that ran it; what crosses
// to the GUI is a copy of its counts, its segments and its first rows, never the run itself.

#include "drift/difference.h"
#include "drift/driftresults.h"
#include "drift/explain.h"
#include "drift/repair.h"
#include "sync/mappingcontext.h"

#include <QDateTime>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <QVariantList>

namespace tidemark {

struct DriftCheckOptions
{
    // Bound the key range (canonical key values, both inclusive); empty: open.
    QVariantList keyFrom;
    QVariantList keyTo;
};

struct DriftRepairOptions
{
    bool execute = false;            // false: only the statements it would run
    bool force = false;              // pass the large-delete refusal
    QList<QVariantList> keys;        // only these differences; empty: every one
};

enum class DriftExportFormat { Html, Csv };

// What finished; "ok", "error", "cancelled", or for a repair also "refused".
struct DriftCheckResult
{
    // Rows a snapshot carries at most: the first ones in key order. The view lists these; a
    // larger drift is exported (the export reads the whole spill file in the engine).
    static constexpr int kMaxRows = 2000;

    QString mapping;
    bool scheduled = false;          // started by verify_interval_s, not by an operator
    QString result;
    QString error;
    DriftSummary summary;            // counts, top-level segments, key range, when, how long
    QStringList columns;             // the mapping's columns: the order of each row's values
    QStringList keyColumns;
    QList<RowDifference> rows;
    bool truncated = false;          // there were more than `rows`
    QList<DriftSummary> history;     // the recent checks, newest first (this one included)

    bool ok() const { return result == u"ok"; }
};

struct DriftRepairResult
{
    QString mapping;
    DriftRepairOptions options;
    QString result;
    QString error;                   // or the refusal
    qint64 differences = 0;          // the differences the repair was for
    QStringList statements;          // dry run: what it would run (at most kMaxStatements)
    bool statementsTruncated = false;
    RepairResult counts;
    static constexpr int kMaxStatements = 5000;

    bool ok() const { return result == u"ok"; }
};

struct DriftExplainResult
{
    QString mapping;
    QString result;
    QString error;
    QStringList columns;
    Explanation explanation;
    QString text;                    // explain's text form, for the operator

    bool ok() const { return result == u"ok"; }
};

struct DriftExportResult
{
    QString mapping;
    QString path;
    DriftExportFormat format = DriftExportFormat::Html;
    QString error;                   // empty: written
};

} // namespace tidemark

Q_DECLARE_METATYPE(tidemark::DriftCheckResult)
Q_DECLARE_METATYPE(tidemark::DriftRepairResult)
Q_DECLARE_METATYPE(tidemark::DriftExplainResult)
Q_DECLARE_METATYPE(tidemark::DriftExportResult)
Q_DECLARE_METATYPE(tidemark::DriftCheckOptions)
Q_DECLARE_METATYPE(tidemark::DriftRepairOptions)
