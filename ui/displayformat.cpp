#include "displayformat.h"

#include "api/types.h"

#include <QCoreApplication>
#include <QLocale>

#include <cmath>

using namespace Qt::StringLiterals;

namespace tidemark::display {

QString unknown()
{
    return u"—"_s;
}

QString count(qint64 value)
{
    return value < 0 ? unknown() : QLocale().toString(value);
}

QString time(const QDateTime &when)
{
    if (!when.isValid())
        return unknown();
    const QDateTime local = when.toLocalTime();
    // Today's times need no date; an operator scanning a column reads "10:15:02" faster.
    if (local.date() == QDate::currentDate())
        return local.time().toString(u"HH:mm:ss"_s);
    return QLocale().toString(local, QLocale::ShortFormat);
}

QString duration(double seconds)
{
    if (!std::isfinite(seconds))
        return unknown();
    const bool negative = seconds < 0;
    const qint64 s = qint64(std::llround(std::fabs(seconds)));
    QString text;
    if (s < 60)
        text = QCoreApplication::translate("tidemark::display", "%1 s").arg(s);
    else if (s < 3600)
        text = QCoreApplication::translate("tidemark::display", "%1 min").arg(s / 60);
    else if (s < 86400) {
        const qint64 minutes = (s % 3600) / 60;
        text = minutes ? QCoreApplication::translate("tidemark::display", "%1 h %2 min")
                                 .arg(s / 3600)
                                 .arg(minutes)
                       : QCoreApplication::translate("tidemark::display", "%1 h").arg(s / 3600);
    } else {
        const qint64 hours = (s % 86400) / 3600;
        text = hours ? QCoreApplication::translate("tidemark::display", "%1 d %2 h")
                               .arg(s / 86400)
                               .arg(hours)
                     : QCoreApplication::translate("tidemark::display", "%1 d").arg(s / 86400);
    }
    return negative ? u"−"_s + text : text;
}

QString countdown(const QDateTime &when, const QDateTime &now)
{
    if (!when.isValid())
        return {};
    const qint64 ms = now.msecsTo(when);
    if (ms <= 500)
        return QCoreApplication::translate("tidemark::display", "now");
    // Rounded up: "in 0 s" while something is still ahead would read as a stuck timer.
    return QCoreApplication::translate("tidemark::display", "in %1")
            .arg(duration(std::ceil(double(ms) / 1000.0)));
}

QString lag(const std::optional<double> &value, bool inSeconds)
{
    if (!value)
        return unknown();
    if (inSeconds)
        return duration(qMax(0.0, *value));
    const double v = *value;
    return QLocale().toString(v, 'f', v == std::floor(v) ? 0 : 1);
}

QString lag(const MappingStatus &status)
{
    return lag(status.lag, status.lagInSeconds);
}

QString rate(double rowsPerSecond)
{
    const double r = qMax(0.0, rowsPerSecond);
    return QLocale().toString(r, 'f', r > 0 && r < 10 ? 1 : 0);
}

} // namespace tidemark::display
