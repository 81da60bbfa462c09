#include "run/mappingworker.h"

#include "db/dberror.h"
#include "log/logging.h"
#include "sync/checkpointstore.h"
#include "sync/mirrorpreparer.h"
#include "sync/projectchecker.h"

#include <QDateTime>
#include <QElapsedTimer>

using namespace Qt::StringLiterals;

namespace tidemark {

namespace {

const MappingConfig &configOf(const Project &project, const QString &mapping)
{
    const MappingConfig *config = project.mapping(mapping);
    Q_ASSERT(config);
    return *config;
}

// A lease lasts two intervals (at least a few seconds): the holder renews it every interval,
// and a standby that asks every interval takes over within about two intervals of the
// holder's death.
int leaseSeconds(const MappingConfig &mapping)
{
    return std::max(2 * mapping.intervalS, 3);
}

} // namespace

MappingWorker::MappingWorker(Project project, QString mapping,
                             std::shared_ptr<std::atomic<bool>> cancel, bool prepareMissing,
                             QString instance)
    : m_project(std::move(project))
    , m_mapping(std::move(mapping))
    , m_cancel(std::move(cancel))
    , m_prepareMissing(prepareMissing)
    , m_connections(m_project, u"worker:"_s + m_mapping, m_cancel.get(),
                    [this](const Progress &p) {
                        renewDuringPass();
                        Q_EMIT progressed(m_mapping, p);
                    })
    , m_hold(configOf(m_project, m_mapping),
             m_project.connections.value(configOf(m_project, m_mapping).mirror.connection),
             std::move(instance), leaseSeconds(configOf(m_project, m_mapping)))
{
}

MappingWorker::~MappingWorker() = default;

void MappingWorker::shutdown()
{
    const MappingConfig *config = m_project.mapping(m_mapping);
    ConnectionSet *connections = m_connections.existing();
    m_hold.release(connections ? connections->peek(config->mirror.connection) : nullptr);
    forgetConnections();
}

void MappingWorker::forgetConnections()
{
    m_connections.forget();
    m_hold.sessionEnded();
}

bool MappingWorker::holdMapping(MappingContext &ctx)
{
    const MappingHolder holder = m_hold.ensure(ctx.mirror);
    if (holder != m_lastHolder) {
        if (!holder.self && (!m_lastHolder || m_lastHolder->instance != holder.instance))
            logger("run.worker")->info("mapping '{}': {}; instance '{}' stands by", m_mapping,
                                       describeHolder(holder), m_hold.instance());
        m_lastHolder = holder;
        Q_EMIT holderObserved(m_mapping, holder);
    }
    return holder.self;
}

void MappingWorker::renewDuringPass()
{
    MappingContext *ctx = m_connections.context();
    if (!ctx || !m_hold.held())
        return;
    try {
        if (m_hold.renewIfDue(ctx->mirror))
            return;
    } catch (const DbError &e) {
        // Could not ask: the pass's own next write meets the same trouble and ends the pass.
        logger("run.worker")->warn("mapping '{}': could not renew the hold: {}", m_mapping,
                                   e.message());
        return;
    }
    m_cancel->store(true);   // lost to another instance: stop after the batch in hand
}

MappingContext &MappingWorker::context()
{
    if (MappingContext *ctx = m_connections.context())
        return *ctx;
    const MappingConfig *config = m_project.mapping(m_mapping);
    Q_ASSERT(config);
    ConnectionSet &connections = m_connections.connections();

    // Open both endpoints first so a failure names the connection and keeps its kind
    // (transient: retry on schedule; permanent: an operator must act).
    for (const auto &[name, create] : {std::pair{config->source.connection, false},
                                       std::pair{config->mirror.connection, m_prepareMissing}}) {
        try {
            connections.get(name, create);
            Q_EMIT connectionObserved(name, true, {}, false);
        } catch (const DbError &e) {
            Q_EMIT connectionObserved(name, false, e.message(), e.isTransient());
            throw;
        }
    }
    DbConnection &source = connections.get(config->source.connection);
    DbConnection &mirror = connections.get(config->mirror.connection);

    ProjectCheck check = checkProject(m_project, connections, m_mapping, !m_prepareMissing);
    if (check.ok() && m_prepareMissing
        && (!check.mappings.first().mirrorSchema.exists() || !CheckpointStore(mirror).exists())) {
        MappingContext setup{check.mappings.first(), source, mirror, m_cancel.get(), {}};
        prepareMirror(setup);
        check = checkProject(m_project, connections, m_mapping, true);
    }
    requireChecked(check);
    const ResolvedMapping &resolved = check.mappings.first();
    QList<ColumnInfo> key;
    for (const QString &column : resolved.key) {
        const ColumnInfo *info = resolved.sourceSchema.column(column);
        key << (info ? *info : ColumnInfo{column, {}, ValueClass::Unknown});
    }
    MappingContext &ctx = m_connections.build(resolved, source, mirror);
    Q_EMIT checked(m_mapping, check.warningsOf(m_mapping), key);
    return ctx;
}

bool MappingWorker::usesConnection(const QString &connection) const
{
    const MappingConfig *config = m_project.mapping(m_mapping);
    return config->source.connection == connection || config->mirror.connection == connection;
}

void MappingWorker::observeFailure(const QString &connection, const QString &error)
{
    if (usesConnection(connection))
        Q_EMIT connectionObserved(connection, false, error, true);
}

void MappingWorker::observeSuccess()
{
    // Whatever another worker saw, these two just worked for this one.
    const MappingConfig *config = m_project.mapping(m_mapping);
    for (const QString &name : {config->source.connection, config->mirror.connection})
        Q_EMIT connectionObserved(name, true, {}, false);
}

void MappingWorker::probe(const QString &connection)
{
    if (!usesConnection(connection))
        return;
    const MappingConfig *config = m_project.mapping(m_mapping);
    try {
        ConnectionSet &connections = m_connections.connections();
        DbConnection *open = connections.peek(connection);
        if (open && open->isOpen()) {
            open->scalar(u"SELECT 1"_s);
            open->quiet();
        } else {
            connections.get(connection,
                            m_prepareMissing && config->mirror.connection == connection);
            connections.quietAll();
        }
        Q_EMIT connectionObserved(connection, true, {}, false);
    } catch (const DbError &e) {
        forgetConnections();
        Q_EMIT connectionObserved(connection, false, e.message(), e.isTransient());
    }
}

void MappingWorker::runOperation(quint64 requestId, OperationKind kind, OperationOptions options)
{
    Q_EMIT operationStarted(requestId, m_mapping, kind);
    OperationResult result;
    result.dryRun = options.dryRun;
    try {
        MappingContext &ctx = context();
        if (!holdMapping(ctx)) {
            // Another instance runs this mapping: stand by, and ask again next time.
            result.run.kind = operationName(kind);
            result.run.startedAt = result.run.finishedAt = QDateTime::currentDateTimeUtc();
            result.run.result = u"skipped"_s;
            result.run.error = describeHolder(*m_lastHolder) + u"; this instance ('"_s
                    + m_hold.instance() + u"') stands by"_s;
            m_connections.quiet();
            Q_EMIT operationFinished(requestId, m_mapping, result);
            return;
        }
        result = tidemark::runOperation(kind, ctx, options);
        if (result.connectionLost) {
            observeFailure(result.connection, result.run.error);
            forgetConnections();   // reconnect on the next attempt
        } else if (result.transient) {
            forgetConnections();   // a timed-out statement may leave the session unusable
        } else if (result.run.result == u"error") {
            m_connections.forgetCatalog();   // the schema may have changed
        }
    } catch (const DbError &e) {
        result.run.kind = operationName(kind);
        result.run.startedAt = result.run.finishedAt = QDateTime::currentDateTimeUtc();
        result.run.result = u"error"_s;
        result.run.error = e.message();
        result.transient = e.isTransient();
        result.connectionLost = e.connectionLost();
        result.connection = e.connection();
        logger("run.worker")->error("mapping '{}': {} could not start: {}", m_mapping,
                                    result.run.kind, e.message());
        if (e.connectionLost() && !e.connection().isEmpty())
            observeFailure(e.connection(), e.message());
        forgetConnections();
    }
    if (result.run.result == u"ok" || result.run.result == u"skipped"
        || result.run.result == u"refused")
        observeSuccess();
    m_connections.quiet();
    Q_EMIT operationFinished(requestId, m_mapping, result);
    if (result.connectionLost)
        return;   // measuring would only fail again; the reconnect attempt will tell
    measureWith(m_countBudget.due(kind, QDateTime::currentDateTimeUtc())
                        ? MeasureScope::Full
                        : MeasureScope::SkipTableCounts);
}

void MappingWorker::measure()
{
    measureWith(MeasureScope::Full);
}

void MappingWorker::measureWith(MeasureScope scope)
{
    try {
        MappingContext &ctx = context();
        QElapsedTimer clock;
        clock.start();
        const StatusMeasurement m = measureStatus(ctx, scope);
        if (m.tableCounts)
            m_countBudget.counted(QDateTime::currentDateTimeUtc(), clock.elapsed());
        Q_EMIT measured(m_mapping, m);
        m_connections.quiet();
    } catch (const DbError &e) {
        Q_EMIT measureFailed(m_mapping, e.message(), e.isTransient());
        if (e.connectionLost() && !e.connection().isEmpty())
            observeFailure(e.connection(), e.message());
        if (e.isTransient())
            forgetConnections();
        else
            m_connections.quiet();
    }
}

} // namespace tidemark
