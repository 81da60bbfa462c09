#include "operationtext.h"

#include "drift/keytext.h"

#include <QCoreApplication>
#include <QLocale>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace tidemark::operationtext {

QString verb(OperationKind kind)
{
    switch (kind) {
    case OperationKind::Prepare:
        return QCoreApplication::translate("tidemark::operationtext", "prepare");
    case OperationKind::Sync: return QCoreApplication::translate("tidemark::operationtext", "sync");
    case OperationKind::Backfill:
        return QCoreApplication::translate("tidemark::operationtext", "backfill");
    case OperationKind::Sweep:
        return QCoreApplication::translate("tidemark::operationtext", "sweep orphans on");
    case OperationKind::Resync:
        return QCoreApplication::translate("tidemark::operationtext", "resync");
    }
    return {};
}

QString describeResult(const QString &mapping, const OperationResult &result)
{
    const RunRecord &run = result.run;
    const QString kind = run.kind.isEmpty()
            ? QCoreApplication::translate("tidemark::operationtext", "operation")
            : run.kind;
    const QString reason = run.error.isEmpty() ? run.note : run.error;
    if (result.refused())
        return QCoreApplication::translate("tidemark::operationtext", "%1: %2 refused: %3")
                .arg(mapping, kind, reason);
    if (run.result == u"skipped")
        return QCoreApplication::translate("tidemark::operationtext", "%1: %2 skipped: %3")
                .arg(mapping, kind, reason);
    if (run.result == u"cancelled")
        return QCoreApplication::translate("tidemark::operationtext",
                                           "%1: %2 cancelled; the batch in hand was rolled back")
                .arg(mapping, kind);
    if (!result.ok()) {
        return (result.transient ? QCoreApplication::translate(
                        "tidemark::operationtext",
                        "%1: %2 failed: %3 (connection problem; it will be retried)")
                                 : QCoreApplication::translate("tidemark::operationtext",
                                                               "%1: %2 failed: %3"))
                .arg(mapping, kind, reason);
    }
    const QString seconds = QLocale().toString(run.durationS(), 'f', 1);
    // The engine's note already says what was written and why ("36 rows written in 1
    // batches (...)"); repeating our own count beside it only doubles the line.
    if (!run.note.isEmpty())
        return QCoreApplication::translate("tidemark::operationtext", "%1: %2 done in %3 s: %4")
                .arg(mapping, kind, seconds, run.note);
    // Whole sentences for each ending, so a translator never gets a ", %1 deleted" fragment.
    const QString written = QLocale().toString(run.rowsWritten);
    if (run.rowsDeleted > 0)
        return QCoreApplication::translate("tidemark::operationtext",
                                           "%1: %2 done in %3 s, %4 rows written, %5 deleted")
                .arg(mapping, kind, seconds, written, QLocale().toString(run.rowsDeleted));
    if (result.orphansFound >= 0)
        return QCoreApplication::translate("tidemark::operationtext",
                                           "%1: %2 done in %3 s, %4 rows written, %5 orphans found")
                .arg(mapping, kind, seconds, written, QLocale().toString(result.orphansFound));
    return QCoreApplication::translate("tidemark::operationtext",
                                       "%1: %2 done in %3 s, %4 rows written")
            .arg(mapping, kind, seconds, written);
}

Preflight preflightFrom(const QString &mapping, OperationKind kind, const OperationResult &dryRun)
{
    Preflight p;
    p.mapping = mapping;
    p.kind = kind;
    // The engine's pre-flight counts: what the real run would write and delete.
    p.rowsToWrite = dryRun.wouldWrite;
    p.rowsToDelete = kind == OperationKind::Backfill ? 0 : dryRun.wouldDelete;
    p.note = dryRun.run.note;
    p.skipped = dryRun.run.result == u"skipped";
    // The in-sync gate skipped the dry run: the operator who confirms wants the pass anyway.
    if (p.skipped && (kind == OperationKind::Backfill || kind == OperationKind::Resync))
        p.options.noGate = true;
    return p;
}

QString keyRangeText(const QVariantList &from, const QVariantList &to)
{
    if (from.isEmpty() && to.isEmpty())
        return QCoreApplication::translate("tidemark::operationtext", "every key");
    if (to.isEmpty())
        return QCoreApplication::translate("tidemark::operationtext", "keys from %1")
                .arg(keyText(from));
    if (from.isEmpty())
        return QCoreApplication::translate("tidemark::operationtext", "keys up to %1")
                .arg(keyText(to));
    return QCoreApplication::translate("tidemark::operationtext", "keys %1 to %2")
            .arg(keyText(from), keyText(to));
}

QString partialBackfillText()
{
    return QCoreApplication::translate(
            "tidemark::operationtext",
            "A partial backfill walks only this part of the key range (both ends inclusive) and "
            "writes the rows that are missing from the mirror or differ there. It never moves "
            "the checkpoint and skips the in-sync gate, which judges the whole table: the syncs "
            "carry on from where they were.");
}

QString preflightQuestion(const Preflight &p)
{
    const QLocale locale;
    switch (p.kind) {
    case OperationKind::Sweep:
        return p.rowsToDelete == 0
                ? QCoreApplication::translate(
                          "tidemark::operationtext",
                          "The sweep would delete no rows from '%1'. Run it anyway?")
                          .arg(p.mapping)
                : QCoreApplication::translate(
                          "tidemark::operationtext",
                          "Sweeping '%1' would delete %2 mirror rows. Delete them?")
                          .arg(p.mapping, locale.toString(p.rowsToDelete));
    case OperationKind::Backfill:
        if (p.skipped)
            return QCoreApplication::translate(
                           "tidemark::operationtext",
                           "'%1' looks in sync; the backfill would be skipped. Backfill anyway "
                           "(full pass, no gate)?")
                    .arg(p.mapping);
        if (p.options.hasKeyRange())
            return QCoreApplication::translate(
                           "tidemark::operationtext",
                           "Backfilling '%1', %2, would write %3 mirror rows. Go ahead?")
                    .arg(p.mapping, keyRangeText(p.options.keyFrom, p.options.keyTo),
                         locale.toString(p.rowsToWrite));
        return QCoreApplication::translate("tidemark::operationtext",
                                           "Backfilling '%1' would write %2 mirror rows. Go ahead?")
                .arg(p.mapping, locale.toString(p.rowsToWrite));
    case OperationKind::Resync:
        return QCoreApplication::translate(
                       "tidemark::operationtext",
                       "Resyncing '%1' would delete %2 and write %3 mirror rows. Go ahead?")
                .arg(p.mapping, locale.toString(p.rowsToDelete), locale.toString(p.rowsToWrite));
    case OperationKind::Prepare:
    case OperationKind::Sync:
        break;
    }
    return QCoreApplication::translate("tidemark::operationtext", "Run %1 on '%2'?")
            .arg(operationName(p.kind), p.mapping);
}

QString preflightDetails(const Preflight &p)
{
    QString text;
    switch (p.kind) {
    case OperationKind::Sweep:
        text = QCoreApplication::translate(
                "tidemark::operationtext",
                "An orphan sweep deletes every mirror row whose key is gone from the source. "
                "The count comes from a dry run just now; rows deleted from the source since "
                "then are deleted too.");
        break;
    case OperationKind::Backfill:
        text = p.options.hasKeyRange()
                ? partialBackfillText()
                : QCoreApplication::translate("tidemark::operationtext",
                                              "A backfill walks the whole source in key order and "
                                              "writes the rows that are missing from the mirror or "
                                              "differ there.");
        break;
    case OperationKind::Resync:
        text = QCoreApplication::translate("tidemark::operationtext",
                                           "A resync sweeps orphans, then backfills.");
        break;
    case OperationKind::Prepare:
    case OperationKind::Sync:
        break;
    }
    if (!p.note.isEmpty())
        text += u"\n\n"_s
                + QCoreApplication::translate("tidemark::operationtext", "Dry run: %1").arg(p.note);
    return text;
}

} // namespace tidemark::operationtext
