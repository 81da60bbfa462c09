#include "run/driftworker.h"

#include "db/dberror.h"
#include "drift/diffreport.h"
#include "drift/keytext.h"
#include "log/logging.h"
#include "sync/projectchecker.h"

#include <QDateTime>
#include <QSaveFile>

using namespace Qt::StringLiterals;

namespace tidemark {

namespace {

// An export reads the spill file into one document in memory; past this many rows a report is
// too large to open in a browser anyway, and the CLI's `diff --json` is the tool.
constexpr int kExportRows = 100'000;
constexpr int kHistoryShown = 10;

// The differences of `run` whose key is one of `keys`, as a run of their own, so repair()
// touches only the rows the operator chose.
DiffRun selectKeys(DiffRun &run, const QList<QVariantList> &keys)
{
    DiffRun subset;
    subset.mapping = run.mapping;
    subset.checkedAt = run.checkedAt;
    subset.sourceRows = run.sourceRows;
    subset.mirrorRows = run.mirrorRows;
    subset.keyFrom = run.keyFrom;
    subset.keyTo = run.keyTo;
    subset.store = std::make_unique<DiffStore>();
    qint64 after = 0;
    for (;;) {
        const QList<RowDifference> page = run.store->read(after, 1000, &after);
        if (page.isEmpty())
            break;
        for (const RowDifference &d : page) {
            if (!keys.contains(d.key))
                continue;
            subset.store->add(d);
            switch (d.kind) {
            case DiffKind::Missing: ++subset.missing; break;
            case DiffKind::Extra: ++subset.extra; break;
            case DiffKind::Changed: ++subset.changed; break;
            }
            if (d.reason == DiffReason::Drift)
                ++subset.driftRows;
        }
    }
    return subset;
}

} // namespace

DriftSummary driftSummaryOf(const DiffRun &run)
{
    DriftSummary s;
    s.checkedAt = run.checkedAt;
    s.sourceRows = run.sourceRows;
    s.mirrorRows = run.mirrorRows;
    s.missing = run.missing;
    s.extra = run.extra;
    s.changed = run.changed;
    s.driftRows = run.driftRows;
    s.durationMs = qint64(run.durationS * 1000);
    s.keyFrom = run.keyFrom;
    s.keyTo = run.keyTo;
    for (const SegmentSummary &seg : run.segments)
        s.segments << DriftSegment{seg.range, seg.source.rows, seg.mirror.rows, seg.source.sum,
                                   seg.mirror.sum};
    return s;
}

DriftWorker::DriftWorker(Project project, QString mapping,
                         std::shared_ptr<std::atomic<bool>> cancel)
    : m_project(std::move(project))
    , m_mapping(std::move(mapping))
    , m_cancel(std::move(cancel))
    , m_connections(m_project, u"drift:"_s + m_mapping, m_cancel.get(),
                    [this](const Progress &p) { Q_EMIT progressed(m_mapping, p); })
{
}

DriftWorker::~DriftWorker()
{
    // shutdown() ran in the thread; if not, this is only safe because the thread has finished.
    m_last.reset();
    m_connections.forget();
}

void DriftWorker::shutdown()
{
    m_last.reset();
    m_connections.forget();
}

MappingContext &DriftWorker::context()
{
    if (MappingContext *ctx = m_connections.context())
        return *ctx;
    ConnectionSet &connections = m_connections.connections();
    // Never prepares anything: the sync worker creates missing tables; a check of a mirror
    // that does not exist yet fails with checkProject's message, which says so.
    const ProjectCheck check = checkProject(m_project, connections, m_mapping, true);
    requireChecked(check);
    const MappingConfig *config = m_project.mapping(m_mapping);
    return m_connections.build(check.mappings.first(), connections.get(config->source.connection),
                               connections.get(config->mirror.connection));
}

void DriftWorker::failed(const DbError &error, QString &result, QString &message)
{
    const bool cancelled = error.kind() == DbError::Kind::Cancelled;
    result = cancelled ? u"cancelled"_s : u"error"_s;
    message = error.message();
    if (!cancelled) {
        logger("drift.worker")->warn("mapping '{}': drift work failed: {}", m_mapping,
                                     error.message());
        // Reopen next time: the connection may be gone, or the catalog changed under us.
        m_connections.forget();
    }
}

DriftCheckResult DriftWorker::snapshot(MappingContext &ctx, DiffRun &run, bool scheduled)
{
    DriftCheckResult r;
    r.mapping = m_mapping;
    r.scheduled = scheduled;
    r.result = u"ok"_s;
    r.summary = driftSummaryOf(run);
    r.columns = ctx.mapping.columns;
    r.keyColumns = ctx.mapping.key;
    r.rows = run.store->read(0, DriftCheckResult::kMaxRows + 1);
    r.truncated = r.rows.size() > DriftCheckResult::kMaxRows;
    if (r.truncated)
        r.rows.resize(DriftCheckResult::kMaxRows);
    try {
        r.history = DriftResults(ctx.mirror).history(m_mapping, kHistoryShown);
    } catch (const DbError &e) {
        logger("drift.worker")->warn("mapping '{}': cannot read the drift history: {}",
                                     m_mapping, e.message());
    }
    if (r.history.isEmpty() || r.history.first().checkedAt != r.summary.checkedAt)
        r.history.prepend(r.summary);
    return r;
}

void DriftWorker::check(quint64 requestId, const DriftCheckOptions &options, bool scheduled)
{
    Q_ASSERT(QThread::currentThread() == thread());
    DriftCheckResult r;
    try {
        MappingContext &ctx = context();
        DiffOptions o;
        o.keyFrom = options.keyFrom;
        o.keyTo = options.keyTo;
        auto run = std::make_unique<DiffRun>(Differ(ctx, o).run());
        r = snapshot(ctx, *run, scheduled);
        m_last = std::move(run);
        logger("drift.worker")->info(
                "mapping '{}': {} check: {} missing, {} extra, {} changed ({} by reason drift) "
                "in {:.1f} s",
                m_mapping, scheduled ? "scheduled" : "requested", r.summary.missing,
                r.summary.extra, r.summary.changed, r.summary.driftRows,
                r.summary.durationMs / 1000.0);
    } catch (const DbError &e) {
        r.mapping = m_mapping;
        r.scheduled = scheduled;
        failed(e, r.result, r.error);
    }
    m_connections.quiet();
    Q_EMIT checked(requestId, r);
}

void DriftWorker::repair(quint64 requestId, const DriftRepairOptions &options)
{
    Q_ASSERT(QThread::currentThread() == thread());
    DriftRepairResult r;
    r.mapping = m_mapping;
    r.options = options;
    try {
        MappingContext &ctx = context();
        if (!m_last) {
            // Nothing checked in this session: the repair needs the differences first. The
            // view hears of this check as of any other.
            m_last = std::make_unique<DiffRun>(Differ(ctx, {}).run());
            Q_EMIT checked(0, snapshot(ctx, *m_last, false));
        }
        DiffRun chosen;
        DiffRun *target = m_last.get();
        if (!options.keys.isEmpty()) {
            chosen = selectKeys(*m_last, options.keys);
            target = &chosen;
        }
        r.differences = target->differences();
        r.result = u"ok"_s;
        if (!target->equal()) {
            RepairOptions ro;
            ro.execute = options.execute;
            ro.force = options.force;
            r.counts = tidemark::repair(ctx, *target, ro, [&r](const QString &sql) {
                if (r.statements.size() < DriftRepairResult::kMaxStatements)
                    r.statements << sql;
                else
                    r.statementsTruncated = true;
            });
            if (r.counts.refused) {
                r.result = u"refused"_s;
                r.error = r.counts.refusal;
            }
        }
        if (options.execute)
            logger("drift.worker")->info(
                    "mapping '{}': repair {}: {} deleted, {} updated, {} inserted, {} already "
                    "equal",
                    m_mapping, r.result, r.counts.deleted, r.counts.updated, r.counts.inserted,
                    r.counts.alreadyEqual);
    } catch (const DbError &e) {
        failed(e, r.result, r.error);
    }
    m_connections.quiet();
    Q_EMIT repaired(requestId, r);
}

void DriftWorker::explain(quint64 requestId, const QVariantList &key)
{
    Q_ASSERT(QThread::currentThread() == thread());
    DriftExplainResult r;
    r.mapping = m_mapping;
    try {
        MappingContext &ctx = context();
        r.explanation = explainKey(ctx, key);
        r.columns = ctx.mapping.columns;
        r.text = explanationText(ctx.mapping, r.explanation);
        r.result = u"ok"_s;
    } catch (const DbError &e) {
        r.explanation.key = key;
        failed(e, r.result, r.error);
    }
    m_connections.quiet();
    Q_EMIT explained(requestId, r);
}

void DriftWorker::exportReport(quint64 requestId, DriftExportFormat format, const QString &path)
{
    Q_ASSERT(QThread::currentThread() == thread());
    DriftExportResult r;
    r.mapping = m_mapping;
    r.path = path;
    r.format = format;
    if (!m_last || !m_connections.resolved()) {
        r.error = u"no check of mapping '%1' has run since the monitor started: check first"_s.arg(
                m_mapping);
        Q_EMIT exported(requestId, r);
        return;
    }
    try {
        const QList<DiffReportEntry> entries{DiffReportEntry{m_connections.resolved(), m_last.get()}};
        const QByteArray data = format == DriftExportFormat::Html
                ? diffHtml(entries, kExportRows,
                           u"Tidemark drift report: %1"_s.arg(m_mapping))
                : diffCsv(entries, kExportRows);
        QSaveFile f(path);
        if (!f.open(QIODevice::WriteOnly) || f.write(data) != data.size() || !f.commit())
            r.error = u"cannot write '%1': %2"_s.arg(path, f.errorString());
    } catch (const DbError &e) {
        r.error = e.message();
    }
    Q_EMIT exported(requestId, r);
}

} // namespace tidemark
