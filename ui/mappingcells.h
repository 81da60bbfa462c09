#pragma once
// How one mapping's status reads in the mappings table's cells and tooltips: counts, times,
// rates, state, warnings, checkpoint and runs. Free functions, so the model (mappingsmodel)
// keeps to rows, roles and updates.

#include "api/types.h"

#include <QDateTime>
#include <QString>

namespace tidemark::cells {

QString formatCount(qint64 value);
QString formatTime(const QDateTime &when);
QString formatRate(const MappingStatus &s);
QString capitalised(QString text);
QString stateText(const MappingStatus &s);
QString stateToolTip(const MappingStatus &s);
int stateSeverityRank(MappingState state);
QString warningsText(const MappingStatus &s);
// A captured mapping's change log, for the detail pane: installed or not, pending and applied
// changes, the log's size and the sequencer. Empty for mappings without capture.
QString captureText(const MappingStatus &s);
QString checkpointToolTip(const Checkpoint &cp);
QString nextRunText(const MappingStatus &s);
QString lastRunText(const RunRecord &run);
bool isNumericColumn(int column);

} // namespace tidemark::cells
