#include "drift/differ.h"

#include "db/dbconnection.h"
#include "db/dberror.h"
#include "drift/columnrules.h"
#include "drift/driftreason.h"
#include "drift/driftresults.h"
#include "drift/keytext.h"
#include "drift/sideworker.h"
#include "sync/checkpointstore.h"
#include "sync/keylookup.h"

#include <QElapsedTimer>

using namespace Qt::StringLiterals;

namespace tidemark {

namespace {

constexpr int kRecheckKeys = 1000;

// Checksums pay only where most segments are equal. Once the first few segments of a level
// have all differed, the rest of that level is merged directly: a merge hashes the same rows a
// checksum would, and a checksum that differs costs a merge on top.
class Probe
{
public:
    static constexpr int kSegments = 4;

    void saw(bool equal)
    {
        ++m_probed;
        if (!equal)
            ++m_differing;
    }
    bool givenUp() const
    {
        return m_gaveUp || (m_probed >= kSegments && m_differing == m_probed);
    }
    void giveUp() { m_gaveUp = true; }

private:
    int m_probed = 0;
    int m_differing = 0;
    bool m_gaveUp = false;
};

} // namespace

struct Differ::Private
{
    MappingContext &ctx;
    DiffOptions options;
    const ResolvedMapping &m;
    ColumnRules rules;
    std::unique_ptr<SideWorker> sourceWorker, mirrorWorker;
    std::shared_ptr<TableSide> source, mirror;
    DiffRun result;
    std::unique_ptr<DiffStore> pending;   // first pass, before the re-check
    qint64 covered = 0;                   // source rows of the segments done, for progress

    Private(MappingContext &c, DiffOptions o)
        : ctx(c)
        , options(std::move(o))
        , m(c.mapping)
    {
    }

    void setUpColumns()
    {
        rules = columnRules(m, ctx.source.dialect(), ctx.mirror.dialect());
    }

    void openSides()
    {
        auto setup = [](DbConnection &c) { c.dialect().prepareHashing(c); };
        sourceWorker = std::make_unique<SideWorker>(ctx.source.config(), u"diff source"_s, setup);
        mirrorWorker = std::make_unique<SideWorker>(ctx.mirror.config(), u"diff mirror"_s, setup);
        const TableSchema ss = m.sourceSchema, ms = m.mirrorSchema;
        const QString st = ctx.sourceTable(), mt = ctx.mirrorTable();
        const QStringList cols = m.columns, key = m.key;
        const QList<int> client = rules.clientColumns;
        auto [s, mi] = both(
                sourceWorker->run([=, sideRules = rules.source](DbConnection &c) {
                    return std::make_shared<TableSide>(c, ss, st, cols, key, sideRules, client);
                }),
                mirrorWorker->run([=, sideRules = rules.mirror](DbConnection &c) {
                    return std::make_shared<TableSide>(c, ms, mt, cols, key, sideRules, client);
                }));
        source = std::move(s);
        mirror = std::move(mi);
    }

    std::pair<SegmentChecksum, SegmentChecksum> checksums(const KeyRange &r)
    {
        ctx.checkCancelled();
        result.checksums += 2;
        auto s = source, mi = mirror;
        return both(sourceWorker->run([s, r](DbConnection &) { return s->checksum(r); }),
                    mirrorWorker->run([mi, r](DbConnection &) { return mi->checksum(r); }));
    }

    // Cuts `r` into about `parts` ranges of equal row counts on the side that has `rows` rows.
    QList<KeyRange> split(const KeyRange &r, bool onSource, qint64 rows, int parts)
    {
        const qint64 step = std::max<qint64>(1, (rows + parts - 1) / parts);
        auto side = onSource ? source : mirror;
        SideWorker &worker = onSource ? *sourceWorker : *mirrorWorker;
        const QList<QVariantList> bounds =
                worker.run([side, r, step, parts](DbConnection &) {
                          QList<QVariantList> out;
                          KeyRange rest = r;
                          for (int i = 0; i < parts - 1; ++i) {
                              const std::optional<QVariantList> k = side->keyAt(rest, step - 1);
                              if (!k)
                                  break;
                              out << *k;
                              rest.lo = *k;
                              rest.loInclusive = false;
                          }
                          return out;
                      })
                        .get();
        QList<KeyRange> children;
        KeyRange current;
        current.lo = r.lo;
        current.loInclusive = r.loInclusive;
        for (const QVariantList &b : bounds) {
            current.hi = b;
            children << current;
            current = KeyRange{b, {}, false};
        }
        current.hi = r.hi;
        children << current;
        return children;
    }

    // Do differences lie all over the table? Checksums of one leaf-sized piece at the start of
    // every fourth top segment say so for the price of a few thousand rows: when each of them
    // differs, most top segments, and most of their children, would differ too, and summing
    // them first would only add a pass over the table to the merge that follows anyway.
    bool differsThroughout(const QList<KeyRange> &top)
    {
        if (top.size() < 2 * Probe::kSegments)
            return false;
        const bool onSource = result.sourceRows >= result.mirrorRows;
        auto side = onSource ? source : mirror;
        SideWorker &worker = onSource ? *sourceWorker : *mirrorWorker;
        const qint64 leaf = options.leafRows;
        for (qsizetype i = 0; i < top.size(); i += top.size() / Probe::kSegments) {
            const KeyRange &segment = top.at(i);
            const std::optional<QVariantList> end =
                    worker.run([side, segment, leaf](DbConnection &) {
                              return side->keyAt(segment, leaf - 1);
                          })
                            .get();
            KeyRange piece = segment;
            if (end)
                piece.hi = *end;
            const auto [cs, cm] = checksums(piece);
            if (cs == cm)
                return false;
        }
        return true;
    }

    void report()
    {
        ctx.report(Progress{u"diff: comparing"_s, std::min(covered, result.sourceRows),
                            result.sourceRows});
    }

    void check(const KeyRange &r, const SegmentChecksum &s, const SegmentChecksum &mi)
    {
        if (s == mi) {
            covered += s.rows;
            report();
            return;
        }
        if (std::max(s.rows, mi.rows) <= options.leafRows) {
            merge(r);
            return;
        }
        const bool onSource = s.rows >= mi.rows;
        const QList<KeyRange> children =
                split(r, onSource, std::max(s.rows, mi.rows), options.fanout);
        Probe probe;
        for (const KeyRange &c : children) {
            if (probe.givenUp()) {
                merge(c);   // most of this segment differs: checksums would only cost
                continue;
            }
            const auto [cs, cm] = checksums(c);
            probe.saw(cs == cm);
            if (cs.rows == s.rows && cm.rows == mi.rows) {
                // The cut did not make the segment smaller (a key that does not read back as
                // stored lands the boundary elsewhere): compare it row by row instead.
                merge(c);
                continue;
            }
            check(c, cs, cm);
        }
    }

    // Reads the keys and row hashes of both sides of `r` in key order, merges them, and records
    // the keys that differ (the re-check reads those rows in full). Returns each side's count
    // and sum over `r`, as a checksum of it would have.
    // One side's stream of keys and hashes during a merge. The next page is asked for as soon
    // as a page arrives, so the database reads it while this thread merges the one in hand.
    struct HashStream
    {
        std::shared_ptr<TableSide> side;
        SideWorker *worker = nullptr;
        QString table;
        QList<KeyHash> rows;
        qsizetype at = 0;
        QVariantList after;
        bool done = false;
        std::future<QList<KeyHash>> next;
        SegmentChecksum sum;

        bool exhausted() const { return at >= rows.size() && !done; }
    };

    void askNext(HashStream &st, const KeyRange &r)
    {
        const int page = options.pageRows;
        st.next = st.worker->run([side = st.side, r, after = st.after, page](DbConnection &) {
            return side->hashes(r, after, page);
        });
    }

    void takeNext(HashStream &st, const KeyRange &r)
    {
        ctx.checkCancelled();
        st.rows = st.next.get();
        st.at = 0;
        st.done = st.rows.size() < options.pageRows;
        if (!st.rows.isEmpty())
            st.after = advance(st.after, st.rows.first().key, st.rows.last().key, st.table);
        if (!st.done)
            askNext(st, r);
        for (const KeyHash &h : std::as_const(st.rows))
            st.sum.sum += h.hash;
        st.sum.rows += st.rows.size();
        result.rowsStreamed += st.rows.size();
    }

    // Reads the keys and row hashes of both sides of `r` in key order, merges them, and records
    // the keys that differ (the re-check reads those rows in full). Returns each side's count
    // and sum over `r`, as a checksum of it would have.
    std::pair<SegmentChecksum, SegmentChecksum> merge(const KeyRange &r)
    {
        HashStream src, mir;
        src.side = source;
        src.worker = sourceWorker.get();
        src.table = ctx.sourceTable();
        mir.side = mirror;
        mir.worker = mirrorWorker.get();
        mir.table = ctx.mirrorTable();
        askNext(src, r);
        askNext(mir, r);
        QList<KeyHash> &sRows = src.rows, &mRows = mir.rows;
        qsizetype &si = src.at, &mj = mir.at;
        auto refill = [&] {
            if (src.exhausted()) {
                takeNext(src, r);
                covered += sRows.size();
            }
            if (mir.exhausted())
                takeNext(mir, r);
        };
        for (;;) {
            if (src.exhausted() || mir.exhausted())
                refill();
            const bool sHas = si < sRows.size();
            const bool mHas = mj < mRows.size();
            if (!sHas && !mHas)
                break;
            if (!mHas) {
                record(DiffKind::Missing, sRows.at(si++).key);
                continue;
            }
            if (!sHas) {
                record(DiffKind::Extra, mRows.at(mj++).key);
                continue;
            }
            const KeyHash &a = sRows.at(si);
            const KeyHash &b = mRows.at(mj);
            const int c = compareKeys(a.key, b.key, rules.keyClasses);
            if (c < 0) {
                record(DiffKind::Missing, a.key);
                ++si;
            } else if (c > 0) {
                record(DiffKind::Extra, b.key);
                ++mj;
            } else {
                if (a.hash != b.hash)
                    record(DiffKind::Changed, a.key);
                ++si;
                ++mj;
            }
        }
        report();
        return {src.sum, mir.sum};
    }

    // The key to continue after, once a page from `first` to `last` was read after `after`. A
    // page that does not start past `after` means a key did not read back as it is stored
    // (QtSql turns the noncharacters U+FFFE and U+FFFF into U+FFFD): paging on would read the
    // same rows forever.
    QVariantList advance(const QVariantList &after, const QVariantList &first,
                         const QVariantList &last, const QString &table) const
    {
        if (!after.isEmpty() && compareKeys(first, after, rules.keyClasses) <= 0)
            throw DbError(DbError::Kind::Permanent,
                          u"mapping '%1': the key [%2] of table '%3' does not read back as it is "
                          "stored, so its rows cannot be read in key order (text keys with the "
                          "noncharacters U+FFFE or U+FFFF are read as U+FFFD by QtSql)"_s.arg(
                                  m.name(), keyText(first), table));
        return last;
    }

    QStringList differingColumns(const QVariantList &a, const QVariantList &b) const
    {
        return rules.differingColumns(m, a, b);
    }

    // A key that differed in the scan; the re-check reads its rows and decides.
    void record(DiffKind kind, const QVariantList &key)
    {
        RowDifference diff;
        diff.kind = kind;
        diff.key = key;
        pending->add(diff);
    }

    // Reads every difference again from both sides; keeps those that still differ, with their
    // reason against the checkpoint as it is now.
    void recheck()
    {
        // Reported before the first re-read: what the scan found is about to be checked again.
        ctx.report(Progress{u"diff: checking differences again"_s, 0, pending->size()});
        const Checkpoint checkpoint = CheckpointStore(ctx.mirror).load(m.name());
        const ReasonClassifier classifier(m, checkpoint);
        auto s = source, mi = mirror;
        qint64 after = 0;
        qint64 done = 0;
        for (;;) {
            ctx.checkCancelled();
            const QList<RowDifference> batch = pending->read(after, kRecheckKeys, &after);
            if (batch.isEmpty())
                break;
            QList<QVariantList> keys;
            for (const RowDifference &d : batch)
                keys << d.key;
            const auto [sRows, mRows] =
                    both(sourceWorker->run([s, keys](DbConnection &) { return s->rowsByKeys(keys); }),
                         mirrorWorker->run([mi, keys](DbConnection &) { return mi->rowsByKeys(keys); }));
            for (const QVariantList &key : keys) {
                const QString id = keyIdentity(key);
                const QVariantList sRow = sRows.value(id);
                const QVariantList mRow = mRows.value(id);
                RowDifference d;
                d.key = key;
                d.source = sRow;
                d.mirror = mRow;
                if (sRow.isEmpty() && mRow.isEmpty())
                    continue;   // deleted on both sides meanwhile
                if (mRow.isEmpty()) {
                    d.kind = DiffKind::Missing;
                } else if (sRow.isEmpty()) {
                    d.kind = DiffKind::Extra;
                } else {
                    d.columns = differingColumns(sRow, mRow);
                    if (d.columns.isEmpty())
                        continue;   // synced since
                    d.kind = DiffKind::Changed;
                }
                d.reason = classifier.reason(d.kind, sRow);
                if (d.reason == DiffReason::Drift)
                    ++result.driftRows;
                result.store->add(d);
            }
            done += batch.size();
            ctx.report(Progress{u"diff: checking differences again"_s, done, pending->size()});
        }
        result.missing = result.store->count(DiffKind::Missing);
        result.extra = result.store->count(DiffKind::Extra);
        result.changed = result.store->count(DiffKind::Changed);
    }
};

Differ::Differ(MappingContext &ctx, DiffOptions options)
    : d(std::make_unique<Private>(ctx, std::move(options)))
{
}

Differ::~Differ() = default;

DiffRun Differ::run()
{
    QElapsedTimer timer;
    timer.start();
    DiffRun &r = d->result;
    r.mapping = d->m.name();
    r.checkedAt = QDateTime::currentDateTimeUtc();
    r.keyFrom = d->options.keyFrom;
    r.keyTo = d->options.keyTo;
    r.store = std::make_unique<DiffStore>();
    d->pending = std::make_unique<DiffStore>();
    d->setUpColumns();
    d->openSides();

    KeyRange whole;
    whole.lo = d->options.keyFrom;
    whole.loInclusive = true;
    whole.hi = d->options.keyTo;
    auto s = d->source, mi = d->mirror;
    const auto [sourceRows, mirrorRows] =
            both(d->sourceWorker->run([s, whole](DbConnection &) { return s->count(whole); }),
                 d->mirrorWorker->run([mi, whole](DbConnection &) { return mi->count(whole); }));
    r.sourceRows = sourceRows;
    r.mirrorRows = mirrorRows;
    d->report();

    const bool onSource = sourceRows >= mirrorRows;
    const qint64 rows = std::max(sourceRows, mirrorRows);
    const QList<KeyRange> top = rows <= d->options.leafRows
            ? QList<KeyRange>{whole}
            : d->split(whole, onSource, rows, d->options.fanout);
    Probe probe;
    if (d->differsThroughout(top))
        probe.giveUp();
    for (const KeyRange &segment : top) {
        if (probe.givenUp()) {
            // The merge's own counts and sums are the segment's checksums, for the drift map.
            const auto [cs, cm] = d->merge(segment);
            r.segments << SegmentSummary{segment, cs, cm};
            continue;
        }
        const auto [cs, cm] = d->checksums(segment);
        probe.saw(cs == cm);
        r.segments << SegmentSummary{segment, cs, cm};
        d->check(segment, cs, cm);
    }
    d->recheck();
    d->pending.reset();
    r.durationS = timer.elapsed() / 1000.0;
    if (d->options.record)
        DriftResults(d->ctx.mirror).record(r);
    return std::move(r);
}

} // namespace tidemark
