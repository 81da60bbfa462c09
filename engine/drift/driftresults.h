#pragma once
// Each drift check's counts and top-level segment checksums, kept in the mirror database
// (table _tidemark_drift, one row per check, the latest few per mapping). `status` reports the
// latest; the next check, and the monitor's segment map, can tell which segments changed since.

#include "drift/tableside.h"

#include <QDateTime>

#include <optional>

namespace tidemark {

class DbConnection;
struct DiffRun;

struct DriftSegment
{
    KeyRange range;
    qint64 sourceRows = 0;
    qint64 mirrorRows = 0;
    quint64 sourceSum = 0;
    quint64 mirrorSum = 0;
    bool equal() const { return sourceRows == mirrorRows && sourceSum == mirrorSum; }
};

struct DriftSummary
{
    QDateTime checkedAt;
    qint64 sourceRows = 0;
    qint64 mirrorRows = 0;
    qint64 missing = 0;
    qint64 extra = 0;
    qint64 changed = 0;
    qint64 driftRows = 0;   // reason "drift"
    qint64 durationMs = 0;
    QVariantList keyFrom, keyTo;
    QList<DriftSegment> segments;
    qint64 differences() const { return missing + extra + changed; }
};

class DriftResults
{
public:
    static QString tableName();        // "_tidemark_drift"
    static constexpr int kKeep = 20;   // checks kept per mapping

    explicit DriftResults(DbConnection &mirror);
    void record(const DiffRun &run);   // creates the table when missing
    // Newest first; empty when no check ran (or the table does not exist).
    QList<DriftSummary> history(const QString &mapping, int count = kKeep);
    std::optional<DriftSummary> latest(const QString &mapping);

private:
    DbConnection &m_mirror;
};

} // namespace tidemark
