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
// A segment whose first this many children all differ is read directly from there on.
constexpr int kProbeChildren = 4;

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
        int probed = 0, differing = 0;
        for (const KeyRange &c : children) {
            if (probed == kProbeChildren && differing == kProbeChildren) {
                merge(c);   // most of this segment differs: checksums would only cost
                continue;
            }
            const auto [cs, cm] = checksums(c);
            ++probed;
            if (!(cs == cm))
                ++differing;
            if (cs.rows == s.rows && cm.rows == mi.rows) {
                // The cut did not make the segment smaller (a key that does not read back as
                // stored lands the boundary elsewhere): compare it row by row instead.
                merge(c);
                continue;
            }
            check(c, cs, cm);
        }
    }

    // Reads both sides of `r` in key order and compares them row by row.
    void merge(const KeyRange &r)
    {
        auto s = source, mi = mirror;
        const int page = options.pageRows;
        QList<QVariantList> sRows, mRows;
        qsizetype si = 0, mj = 0;
        QVariantList sAfter, mAfter;
        bool sDone = false, mDone = false;
        auto refill = [&] {
            ctx.checkCancelled();
            const bool needS = si >= sRows.size() && !sDone;
            const bool needM = mj >= mRows.size() && !mDone;
            std::future<QList<QVariantList>> fs, fm;
            if (needS)
                fs = sourceWorker->run([s, r, sAfter, page](DbConnection &) {
                    return s->rows(r, sAfter, page);
                });
            if (needM)
                fm = mirrorWorker->run([mi, r, mAfter, page](DbConnection &) {
                    return mi->rows(r, mAfter, page);
                });
            if (needS)
                fs.wait();
            if (needM)
                fm.wait();
            if (needS) {
                sRows = fs.get();
                si = 0;
                sDone = sRows.size() < page;
                if (!sRows.isEmpty())
                    sAfter = advance(sAfter, sRows, ctx.sourceTable());
                result.rowsStreamed += sRows.size();
                covered += sRows.size();
            }
            if (needM) {
                mRows = fm.get();
                mj = 0;
                mDone = mRows.size() < page;
                if (!mRows.isEmpty())
                    mAfter = advance(mAfter, mRows, ctx.mirrorTable());
                result.rowsStreamed += mRows.size();
            }
        };
        for (;;) {
            if ((si >= sRows.size() && !sDone) || (mj >= mRows.size() && !mDone))
                refill();
            const bool sHas = si < sRows.size();
            const bool mHas = mj < mRows.size();
            if (!sHas && !mHas)
                break;
            if (!mHas) {
                record(DiffKind::Missing, sRows.at(si++), {});
                continue;
            }
            if (!sHas) {
                record(DiffKind::Extra, {}, mRows.at(mj++));
                continue;
            }
            const int c = compareKeys(m.keyOf(sRows.at(si)), m.keyOf(mRows.at(mj)), rules.keyClasses);
            if (c < 0)
                record(DiffKind::Missing, sRows.at(si++), {});
            else if (c > 0)
                record(DiffKind::Extra, {}, mRows.at(mj++));
            else {
                const QVariantList &a = sRows.at(si++);
                const QVariantList &b = mRows.at(mj++);
                if (!differingColumns(a, b).isEmpty())
                    record(DiffKind::Changed, a, b);
            }
        }
        report();
    }

    // The key to continue after, once `rows` were read after `after`. A page that does not
    // start past `after` means a key did not read back as it is stored (QtSql turns the
    // noncharacters U+FFFE and U+FFFF into U+FFFD): paging on would read the same rows forever.
    QVariantList advance(const QVariantList &after, const QList<QVariantList> &rows,
                         const QString &table) const
    {
        if (!after.isEmpty() && compareKeys(m.keyOf(rows.first()), after, rules.keyClasses) <= 0)
            throw DbError(DbError::Kind::Permanent,
                          u"mapping '%1': the key [%2] of table '%3' does not read back as it is "
                          "stored, so its rows cannot be read in key order (text keys with the "
                          "noncharacters U+FFFE or U+FFFF are read as U+FFFD by QtSql)"_s.arg(
                                  m.name(), keyText(m.keyOf(rows.first())), table));
        return m.keyOf(rows.last());
    }

    QStringList differingColumns(const QVariantList &a, const QVariantList &b) const
    {
        return rules.differingColumns(m, a, b);
    }

    void record(DiffKind kind, const QVariantList &sourceRow, const QVariantList &mirrorRow)
    {
        RowDifference diff;
        diff.kind = kind;
        diff.key = m.keyOf(kind == DiffKind::Extra ? mirrorRow : sourceRow);
        diff.source = sourceRow;
        diff.mirror = mirrorRow;
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
    for (const KeyRange &segment : top) {
        const auto [cs, cm] = d->checksums(segment);
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
