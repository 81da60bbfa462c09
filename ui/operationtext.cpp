#include "operationtext.h"

#include "drift/keytext.h"

#include <QLocale>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace tidemark::operationtext {

QString verb(OperationKind kind)
{
    switch (kind) {
    case OperationKind::Prepare: return u"prepare"_s;
    case OperationKind::Sync: return u"sync"_s;
    case OperationKind::Backfill: return u"backfill"_s;
    case OperationKind::Sweep: return u"sweep orphans on"_s;
    case OperationKind::Resync: return u"resync"_s;
    }
    return {};
}

QString describeResult(const QString &mapping, const OperationResult &result)
{
    const RunRecord &run = result.run;
    const QString kind = run.kind.isEmpty() ? u"operation"_s : run.kind;
    const QString reason = run.error.isEmpty() ? run.note : run.error;
    if (result.refused())
        return u"%1: %2 refused: %3"_s.arg(mapping, kind, reason);
    if (run.result == u"skipped")
        return u"%1: %2 skipped: %3"_s.arg(mapping, kind, reason);
    if (run.result == u"cancelled")
        return u"%1: %2 cancelled; the batch in hand was rolled back"_s.arg(mapping, kind);
    if (!result.ok()) {
        QString text = u"%1: %2 failed: %3"_s.arg(mapping, kind, reason);
        if (result.transient)
            text += u" (connection problem; it will be retried)"_s;
        return text;
    }
    const QString seconds = QLocale().toString(run.durationS(), 'f', 1);
    // The engine's note already says what was written and why ("36 rows written in 1
    // batches (...)"); repeating our own count beside it only doubles the line.
    if (!run.note.isEmpty())
        return u"%1: %2 done in %3 s: %4"_s.arg(mapping, kind, seconds, run.note);
    QString text = u"%1: %2 done in %3 s, %4 rows written"_s.arg(
            mapping, kind, seconds, QLocale().toString(run.rowsWritten));
    if (run.rowsDeleted > 0)
        text += u", %1 deleted"_s.arg(QLocale().toString(run.rowsDeleted));
    if (result.orphansFound >= 0 && run.rowsDeleted == 0)
        text += u", %1 orphans found"_s.arg(QLocale().toString(result.orphansFound));
    return text;
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
        return u"every key"_s;
    if (to.isEmpty())
        return u"keys from %1"_s.arg(keyText(from));
    if (from.isEmpty())
        return u"keys up to %1"_s.arg(keyText(to));
    return u"keys %1 to %2"_s.arg(keyText(from), keyText(to));
}

QString partialBackfillText()
{
    return u"A partial backfill walks only this part of the key range (both ends inclusive) and "
           u"writes the rows that are missing from the mirror or differ there. It never moves "
           u"the checkpoint and skips the in-sync gate, which judges the whole table: the syncs "
           u"carry on from where they were."_s;
}

QString preflightQuestion(const Preflight &p)
{
    const QLocale locale;
    switch (p.kind) {
    case OperationKind::Sweep:
        return p.rowsToDelete == 0
                ? u"The sweep would delete no rows from '%1'. Run it anyway?"_s.arg(p.mapping)
                : u"Sweeping '%1' would delete %2 mirror rows. Delete them?"_s.arg(
                          p.mapping, locale.toString(p.rowsToDelete));
    case OperationKind::Backfill:
        if (p.skipped)
            return u"'%1' looks in sync; the backfill would be skipped. Backfill anyway "
                   u"(full pass, no gate)?"_s.arg(p.mapping);
        if (p.options.hasKeyRange())
            return u"Backfilling '%1', %2, would write %3 mirror rows. Go ahead?"_s.arg(
                    p.mapping, keyRangeText(p.options.keyFrom, p.options.keyTo),
                    locale.toString(p.rowsToWrite));
        return u"Backfilling '%1' would write %2 mirror rows. Go ahead?"_s.arg(
                p.mapping, locale.toString(p.rowsToWrite));
    case OperationKind::Resync:
        return u"Resyncing '%1' would delete %2 and write %3 mirror rows. Go ahead?"_s.arg(
                p.mapping, locale.toString(p.rowsToDelete), locale.toString(p.rowsToWrite));
    case OperationKind::Prepare:
    case OperationKind::Sync:
        break;
    }
    return u"Run %1 on '%2'?"_s.arg(operationName(p.kind), p.mapping);
}

QString preflightDetails(const Preflight &p)
{
    QString text;
    switch (p.kind) {
    case OperationKind::Sweep:
        text = u"An orphan sweep deletes every mirror row whose key is gone from the source. "
               u"The count comes from a dry run just now; rows deleted from the source since "
               u"then are deleted too."_s;
        break;
    case OperationKind::Backfill:
        text = p.options.hasKeyRange() ? partialBackfillText()
                                       : u"A backfill walks the whole source in key order and "
                                         u"writes the rows that are missing from the mirror or "
                                         u"differ there."_s;
        break;
    case OperationKind::Resync:
        text = u"A resync sweeps orphans, then backfills."_s;
        break;
    case OperationKind::Prepare:
    case OperationKind::Sync:
        break;
    }
    if (!p.note.isEmpty())
        text += u"\n\nDry run: "_s + p.note;
    return text;
}

} // namespace tidemark::operationtext
