#pragma once
// What the monitor says about operations: results in the status bar, and the questions it asks
// before a destructive operation (the pre-flight) and after a refusal.

#include "api/types.h"

#include <QString>

namespace tidemark {

// What a dry run found, to be confirmed before the real run.
struct Preflight
{
    QString mapping;
    OperationKind kind = OperationKind::Sweep;
    OperationOptions options;     // of the real run (dryRun false)
    qint64 rowsToDelete = 0;
    qint64 rowsToWrite = 0;
    QString note;                 // the engine's note on the dry run
    bool skipped = false;         // the dry run said there is nothing to do
};

namespace operationtext {

// "sweep orphans on", "backfill", ...: for "Tidemark refused to %1 'orders'".
QString verb(OperationKind kind);
// One status-bar line for a finished operation.
QString describeResult(const QString &mapping, const OperationResult &result);
// Builds the pre-flight from a dry run's result.
Preflight preflightFrom(const QString &mapping, OperationKind kind, const OperationResult &dryRun);
// "keys 100 to 200", "keys from 100", "keys up to eu, 7", "every key": a key range (canonical
// values, empty for an open end) in questions and messages.
QString keyRangeText(const QVariantList &from, const QVariantList &to);
// What a backfill over part of the key range does, and what it leaves alone (the checkpoint).
QString partialBackfillText();
// The confirmation's headline and its details.
QString preflightQuestion(const Preflight &preflight);
QString preflightDetails(const Preflight &preflight);

} // namespace operationtext
} // namespace tidemark
