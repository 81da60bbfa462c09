#pragma once
// When a mapping's worker may count whole tables again (sync/statusprobe.h, MeasureScope).
//
// The engine measures a mapping after every operation. Most of a measurement is cheap (the
// checkpoint, the backlog past it, capture's log counts), but COUNT(*) of the source and the
// mirror reads every row of both tables: at one pass a second on a table of millions of rows
// the worker would spend its time counting, in the very source the mirror is meant to spare,
// and fall behind. So a count that took T is followed by syncs measured without counts for
// 19 T (at most kMaxGapMs): counting takes at most about 5 % of the worker's time, and a small
// table is still counted after every pass. Any other operation (backfill, sweep, resync,
// prepare) counts, since it is rare and changes the tables' sizes most.

#include "api/types.h"

#include <QDateTime>

#include <algorithm>

namespace tidemark {

class CountBudget
{
public:
    static constexpr qint64 kShareDivisor = 19;   // counting : not counting = 1 : 19
    static constexpr qint64 kMaxGapMs = 10 * 60 * 1000;

    // Whether the measurement after `kind`, at `now`, counts the tables.
    bool due(OperationKind kind, const QDateTime &now) const
    {
        return kind != OperationKind::Sync || !m_next.isValid() || now >= m_next;
    }
    // A measurement with counts ended at `now` after `elapsedMs`.
    void counted(const QDateTime &now, qint64 elapsedMs)
    {
        m_next = now.addMSecs(std::min(std::max<qint64>(elapsedMs, 0) * kShareDivisor, kMaxGapMs));
    }
    QDateTime next() const { return m_next; }

private:
    QDateTime m_next;   // invalid: count at the next measurement
};

} // namespace tidemark
