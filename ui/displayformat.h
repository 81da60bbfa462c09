#pragma once
// How the monitor writes numbers, times and durations, in one place so the table, the detail
// pane, the connections panel and the tray all say "2 min" the same way.

#include <QDateTime>
#include <QString>

#include <optional>

namespace tidemark {

struct MappingStatus;

namespace display {

// The text shown for a value the engine has not measured yet.
QString unknown();
// "1,204", or unknown() for a negative (unmeasured) count.
QString count(qint64 value);
// "10:15:02" today, a short date and time otherwise, unknown() when invalid.
QString time(const QDateTime &when);
// A span an operator reads at a glance: "0 s", "45 s", "2 min", "1 h 5 min", "3 d 4 h".
// Seconds below a minute, whole minutes below an hour: precision the eye does not need only
// makes a live column flicker.
QString duration(double seconds);
// "in 12 s", "now" (due or overdue), or an empty string for an invalid time.
QString countdown(const QDateTime &when, const QDateTime &now = QDateTime::currentDateTimeUtc());
// "3 s" for a date/time cursor, "1,200" (cursor units) for a numeric one, unknown() when unset.
QString lag(const std::optional<double> &lag, bool inSeconds);
QString lag(const MappingStatus &status);
// Rows per second: one decimal below 10, none above.
QString rate(double rowsPerSecond);

} // namespace display
} // namespace tidemark
