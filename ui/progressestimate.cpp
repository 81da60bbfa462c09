#include "progressestimate.h"

#include "displayformat.h"

#include <QCoreApplication>
#include <QLocale>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace tidemark {

void ProgressEstimate::reset()
{
    m_running = false;
    m_operation.clear();
    m_phase.clear();
    m_rowsDone = 0;
    m_rowsTotal = -1;
    m_points.clear();
}

void ProgressEstimate::update(const MappingStatus &status, const QDateTime &now)
{
    const bool running = status.state == MappingState::Running && !status.operation.isEmpty();
    if (!running) {
        reset();
        return;
    }
    // A new operation, or a new phase whose count starts again from zero (a resync's sweep,
    // then its backfill): the old points would give a negative rate.
    if (!m_running || status.operation != m_operation || status.progress.phase != m_phase
        || status.progress.rowsDone < m_rowsDone) {
        reset();
        m_running = true;
        m_operation = status.operation;
        m_phase = status.progress.phase;
    }
    m_rowsDone = status.progress.rowsDone;
    m_rowsTotal = status.progress.rowsTotal;
    if (m_points.empty() || m_points.back().rows != m_rowsDone || m_points.back().at.msecsTo(now) > 1000)
        m_points.push_back(Point{now, m_rowsDone});
    // Keep one point older than the window, so the window is always covered.
    while (m_points.size() > 2 && m_points.at(1).at.msecsTo(now) > WindowMs)
        m_points.pop_front();
}

std::optional<double> ProgressEstimate::rate() const
{
    if (m_points.size() < 2)
        return std::nullopt;
    const Point &first = m_points.front();
    const Point &last = m_points.back();
    const qint64 ms = first.at.msecsTo(last.at);
    if (ms < 200)
        return std::nullopt;
    return double(last.rows - first.rows) * 1000.0 / double(ms);
}

std::optional<double> ProgressEstimate::secondsLeft() const
{
    const std::optional<double> r = rate();
    if (!r || *r <= 0 || m_rowsTotal < 0)
        return std::nullopt;
    return double(std::max<qint64>(0, m_rowsTotal - m_rowsDone)) / *r;
}

int ProgressEstimate::percent() const
{
    if (m_rowsTotal <= 0)
        return -1;
    return int(std::clamp<qint64>(m_rowsDone * 100 / m_rowsTotal, 0, 100));
}

QString ProgressEstimate::text() const
{
    if (!m_running)
        return {};
    QStringList parts;
    const QString phase = m_phase.isEmpty() ? m_operation : m_phase;
    if (m_rowsTotal >= 0)
        parts << QCoreApplication::translate("tidemark::ProgressEstimate", "%1: %2 of %3 rows")
                         .arg(phase, QLocale().toString(m_rowsDone),
                              QLocale().toString(m_rowsTotal));
    else
        parts << QCoreApplication::translate("tidemark::ProgressEstimate", "%1: %2 rows")
                         .arg(phase, QLocale().toString(m_rowsDone));
    if (const std::optional<double> r = rate())
        parts << QCoreApplication::translate("tidemark::ProgressEstimate", "%1 rows/s")
                         .arg(display::rate(*r));
    if (const std::optional<double> left = secondsLeft())
        parts << QCoreApplication::translate("tidemark::ProgressEstimate", "%1 left")
                         .arg(display::duration(*left));
    return parts.join(u" · "_s);
}

} // namespace tidemark
