#pragma once
// Finds every row that differs between a mapping's source and mirror (SPEC.md "Drift").
//
// The key range is cut into segments at real keys read from the larger side's key index (keyset
// "nibbling": the key `step` rows further on, never arithmetic on min and max, which fails for
// sparse, composite, text and unsigned keys). For each segment both sides compute, in SQL and at
// the same time on their own connections, the row count and the sum of the rows' 64-bit hashes
// (drift/rowencoding.h). Equal segments are done. A segment that differs is cut again, about
// `fanout` ways, until it is small (`leafRows`); a small segment is merged: both sides stream
// each row's key and hash (computed in SQL, as for the sums) in key order, and the keys whose
// hashes differ or that one side lacks are the differences. When the first few segments of a
// level (the top one included) all differ, the rest of that level is merged directly:
// checksums only pay where most of a table is equal.
//
// Differing keys go to a spill file (drift/diffstore.h). At the end every one of them is read in
// full from both sides and compared value by value, so a row that was in flight while the segments
// were read, and has since been synced, is not reported; the reason (drift/driftreason.h) is
// decided then, against the checkpoint as it is at the end.

#include "drift/diffstore.h"
#include "drift/tableside.h"
#include "sync/mappingcontext.h"

#include <QDateTime>

#include <memory>

namespace tidemark {

struct DiffOptions
{
    // Bound the key range (canonical key values, both inclusive); empty: open.
    QVariantList keyFrom;
    QVariantList keyTo;
    int leafRows = 4096;   // segments this small are merge-compared
    int fanout = 16;       // how many parts a differing segment is cut into
    int pageRows = 10000;  // keys and hashes per read when merge-comparing
    bool record = true;    // keep the counts and top segments in the mirror's drift table
};

struct SegmentSummary
{
    KeyRange range;
    SegmentChecksum source;
    SegmentChecksum mirror;
    bool equal() const { return source == mirror; }
};

struct DiffRun
{
    QString mapping;
    QDateTime checkedAt;          // when the run started (UTC)
    double durationS = 0;
    qint64 sourceRows = 0;
    qint64 mirrorRows = 0;
    qint64 missing = 0;
    qint64 extra = 0;
    qint64 changed = 0;
    qint64 driftRows = 0;         // differences with reason "drift": nothing scheduled fixes them
    QList<SegmentSummary> segments;   // the top-level segments, in key order
    QVariantList keyFrom, keyTo;
    std::unique_ptr<DiffStore> store; // every difference, in key order
    // What the run cost: rows both sides summed in SQL, rows read and compared in C++,
    // checksum queries.
    qint64 rowsStreamed = 0;
    qint64 checksums = 0;

    qint64 differences() const { return missing + extra + changed; }
    bool equal() const { return differences() == 0; }
};

class Differ
{
public:
    Differ(MappingContext &ctx, DiffOptions options = {});
    ~Differ();
    // Throws DbError (Cancelled when ctx.cancel was set).
    DiffRun run();

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace tidemark
