#include "mappingcells.h"

#include "displayformat.h"
#include "mappingsmodel.h"

#include <QCoreApplication>
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
        return QCoreApplication::translate("tidemark::cells",
                                           "Capture by triggers: not installed. %1")
                .arg(c.problem.isEmpty() ? QCoreApplication::translate("tidemark::cells",
                                                                       "Run Prepare to install it.")
                                         : c.problem);
    QStringList parts;
    parts << QCoreApplication::translate("tidemark::cells", "Capture by triggers: installed");
    parts << QCoreApplication::translate("tidemark::cells", "%1 changes pending")
                     .arg(display::count(c.pending));
    if (c.sequencer)
        parts << QCoreApplication::translate("tidemark::cells", "%1 not yet numbered")
                         .arg(display::count(c.unnumbered));
    parts << (c.appliedSeq
                      ? QCoreApplication::translate("tidemark::cells", "applied up to #%1")
                                .arg(*c.appliedSeq)
                      : QCoreApplication::translate(
                              "tidemark::cells", "nothing applied yet (the first sync backfills)"));
    if (c.oldestPendingAgeS)
        parts << QCoreApplication::translate("tidemark::cells", "oldest pending %1 s old")
                         .arg(*c.oldestPendingAgeS, 0, 'f', 1);
    parts << QCoreApplication::translate("tidemark::cells", "log %1 rows")
                     .arg(display::count(c.logRows));
    parts << (c.sequencer ? QCoreApplication::translate("tidemark::cells",
                                                        "sequencer runs with each sync")
                          : QCoreApplication::translate("tidemark::cells",
                                                        "numbered by the triggers (SQLite)"));
    // The engine's own sentence, like `problem` above: it names the table and the command.
    if (!c.attention.isEmpty())
        parts << c.attention;
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
            text += u' '
                    + QCoreApplication::translate("tidemark::cells", "(%1 rows)")
                              .arg(QLocale().toString(s.progress.rowsDone));
        }
    }
    return text;
}

QString stateToolTip(const MappingStatus &s)
{
    switch (s.state) {
    case MappingState::Idle:
        if (s.nextRunAt.isValid())
            return QCoreApplication::translate("tidemark::cells", "Idle. Next sync at %1.")
                    .arg(formatTime(s.nextRunAt));
        return QCoreApplication::translate("tidemark::cells", "Idle.");
    case MappingState::Running:
        if (!s.progress.phase.isEmpty())
            return QCoreApplication::translate("tidemark::cells", "Running %1: %2 rows done.")
                    .arg(s.progress.phase, QLocale().toString(s.progress.rowsDone));
        return QCoreApplication::translate("tidemark::cells", "Running %1.").arg(s.operation);
    case MappingState::Waiting: {
        const QString error = s.lastError.isEmpty() ? QString() : u"\n"_s + s.lastError;
        return s.nextRunAt.isValid()
                ? QCoreApplication::translate(
                          "tidemark::cells",
                          "Waiting: an endpoint is unreachable; next attempt at %1.%2")
                          .arg(formatTime(s.nextRunAt), error)
                : QCoreApplication::translate("tidemark::cells",
                                              "Waiting: an endpoint is unreachable.%1")
                          .arg(error);
    }
    case MappingState::Paused:
        return QCoreApplication::translate("tidemark::cells",
                                           "Paused: no scheduled syncs until resumed.");
    case MappingState::Error:
        return QCoreApplication::translate("tidemark::cells", "Error: %1")
                .arg(s.lastError.isEmpty()
                             ? QCoreApplication::translate("tidemark::cells", "(no message)")
                             : s.lastError);
    case MappingState::Standby:
        return QCoreApplication::translate("tidemark::cells",
                                           "Standby: %1; this instance takes over when it is gone.")
                .arg(s.holder ? describeHolder(*s.holder)
                              : QCoreApplication::translate("tidemark::cells",
                                                            "another instance holds it"));
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
        return QCoreApplication::translate("tidemark::cells",
                                           "none (the next sync starts from the beginning)");
    QStringList key;
    for (const QVariant &part : cp.key)
        key << part.toString();
    return QCoreApplication::translate("tidemark::cells", "cursor %1, key (%2)")
            .arg(cp.cursor.toString(), key.join(u", "_s));
}

QString nextRunText(const MappingStatus &s)
{
    if (s.state == MappingState::Paused)
        return QCoreApplication::translate("tidemark::cells", "paused");
    if (s.state == MappingState::Running)
        return QCoreApplication::translate("tidemark::cells", "running");
    if (!s.nextRunAt.isValid())
        return MappingsModel::unknownText();
    return display::countdown(s.nextRunAt);
}

QString lastRunText(const RunRecord &run)
{
    // Whole sentences, with and without the deleted rows, rather than pieces appended.
    const QLocale locale;
    const QString finished = formatTime(run.finishedAt);
    const QString written = locale.toString(run.rowsWritten);
    const QString seconds = locale.toString(run.durationS(), 'f', 1);
    QString text = run.rowsDeleted > 0
            ? QCoreApplication::translate(
                      "tidemark::cells",
                      "Last run: %1 %2 at %3, %4 rows written, %5 deleted in %6 s")
                      .arg(run.kind, run.result, finished, written,
                           locale.toString(run.rowsDeleted), seconds)
            : QCoreApplication::translate("tidemark::cells",
                                          "Last run: %1 %2 at %3, %4 rows written in %5 s")
                      .arg(run.kind, run.result, finished, written, seconds);
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
