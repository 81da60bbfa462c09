#include "mappingcells.h"

#include "displayformat.h"
#include "mappingsmodel.h"

#include <QLocale>

using namespace Qt::StringLiterals;

namespace tidemark::cells {

QString formatCount(qint64 value)
{
    return display::count(value);
}

QString captureText(const MappingStatus &s)
{
    if (!s.capture)
        return {};
    const CaptureStatus &c = *s.capture;
    if (!c.installed)
        return u"Capture by triggers: not installed. %1"_s.arg(
                c.problem.isEmpty() ? u"Run Prepare to install it."_s : c.problem);
    QStringList parts;
    parts << u"Capture by triggers: installed"_s;
    parts << u"%1 changes pending"_s.arg(display::count(c.pending));
    if (c.sequencer)
        parts << u"%1 not yet numbered"_s.arg(display::count(c.unnumbered));
    parts << (c.appliedSeq ? u"applied up to #%1"_s.arg(*c.appliedSeq)
                           : u"nothing applied yet (the first sync backfills)"_s);
    if (c.oldestPendingAgeS)
        parts << u"oldest pending %1 s old"_s.arg(*c.oldestPendingAgeS, 0, 'f', 1);
    parts << u"log %1 rows"_s.arg(display::count(c.logRows));
    parts << (c.sequencer ? u"sequencer runs with each sync"_s
                          : u"numbered by the triggers (SQLite)"_s);
    return parts.join(u" · "_s);
}

QString formatTime(const QDateTime &when)
{
    return display::time(when);
}

QString formatRate(const MappingStatus &s)
{
    // Before any run has finished the engine has measured nothing; a 0 then would read as
    // "stalled".
    if (!s.lastRun)
        return MappingsModel::unknownText();
    return display::rate(s.rowsPerSecond);
}

QString capitalised(QString text)
{
    if (!text.isEmpty())
        text[0] = text.at(0).toUpper();
    return text;
}

QString stateText(const MappingStatus &s)
{
    QString text = capitalised(mappingStateName(s.state));
    if (s.state == MappingState::Running && !s.operation.isEmpty()) {
        text += u": "_s + s.operation;
        if (s.progress.rowsTotal > 0) {
            const qint64 percent =
                    std::clamp<qint64>(s.progress.rowsDone * 100 / s.progress.rowsTotal, 0, 100);
            text += u" %1%"_s.arg(percent);
        } else if (s.progress.rowsDone > 0) {
            text += u" (%1 rows)"_s.arg(QLocale().toString(s.progress.rowsDone));
        }
    }
    return text;
}

QString stateToolTip(const MappingStatus &s)
{
    switch (s.state) {
    case MappingState::Idle:
        if (s.nextRunAt.isValid())
            return u"Idle. Next sync at %1."_s.arg(formatTime(s.nextRunAt));
        return u"Idle."_s;
    case MappingState::Running:
        if (!s.progress.phase.isEmpty())
            return u"Running %1: %2 rows done."_s.arg(s.progress.phase,
                                                      QLocale().toString(s.progress.rowsDone));
        return u"Running %1."_s.arg(s.operation);
    case MappingState::Waiting:
        return u"Waiting: an endpoint is unreachable%1.%2"_s.arg(
                s.nextRunAt.isValid() ? u"; next attempt at %1"_s.arg(formatTime(s.nextRunAt))
                                      : QString(),
                s.lastError.isEmpty() ? QString() : u"\n"_s + s.lastError);
    case MappingState::Paused:
        return u"Paused: no scheduled syncs until resumed."_s;
    case MappingState::Error:
        return u"Error: %1"_s.arg(s.lastError.isEmpty() ? u"(no message)"_s : s.lastError);
    case MappingState::Standby:
        return u"Standby: %1; this instance takes over when it is gone."_s.arg(
                s.holder ? describeHolder(*s.holder) : u"another instance holds it"_s);
    }
    return {};
}

// Lower sorts first: with an ascending sort, mappings in trouble come to the top.
int stateSeverityRank(MappingState state)
{
    switch (state) {
    case MappingState::Error: return 0;
    case MappingState::Waiting: return 1;
    case MappingState::Running: return 2;
    case MappingState::Paused: return 3;
    case MappingState::Standby: return 4;
    case MappingState::Idle: return 5;
    }
    return 6;
}

// "\n\nWarnings:\n• ..." for the Name tooltip, empty without warnings.
QString warningsText(const MappingStatus &s)
{
    if (s.warnings.isEmpty())
        return {};
    return u"\n\n"_s + MappingsModel::warningsList(s.warnings);
}

QString checkpointToolTip(const Checkpoint &cp)
{
    if (cp.isNull())
        return u"none (the next sync starts from the beginning)"_s;
    QStringList key;
    for (const QVariant &part : cp.key)
        key << part.toString();
    return u"cursor %1, key (%2)"_s.arg(cp.cursor.toString(), key.join(u", "_s));
}

QString nextRunText(const MappingStatus &s)
{
    if (s.state == MappingState::Paused)
        return u"paused"_s;
    if (s.state == MappingState::Running)
        return u"running"_s;
    if (!s.nextRunAt.isValid())
        return MappingsModel::unknownText();
    return display::countdown(s.nextRunAt);
}

QString lastRunText(const RunRecord &run)
{
    QString text = u"Last run: %1 %2 at %3, %4 rows written"_s.arg(
            run.kind, run.result, formatTime(run.finishedAt), QLocale().toString(run.rowsWritten));
    if (run.rowsDeleted > 0)
        text += u", %1 deleted"_s.arg(QLocale().toString(run.rowsDeleted));
    text += u" in %1 s"_s.arg(QLocale().toString(run.durationS(), 'f', 1));
    if (!run.note.isEmpty())
        text += u" (%1)"_s.arg(run.note);
    return text;
}

bool isNumericColumn(int column)
{
    return column == MappingsModel::BacklogColumn || column == MappingsModel::OrphansColumn
            || column == MappingsModel::NullCursorColumn || column == MappingsModel::LagColumn
            || column == MappingsModel::RowsPerSecondColumn;
}

} // namespace tidemark::cells
