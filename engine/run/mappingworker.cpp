#include "run/mappingworker.h"

#include "db/dberror.h"
#include "log/logging.h"
#include "sync/checkpointstore.h"
#include "sync/mirrorpreparer.h"
#include "sync/projectchecker.h"

#include <QDateTime>

using namespace Qt::StringLiterals;

namespace tidemark {

MappingWorker::MappingWorker(Project project, QString mapping,
                             std::shared_ptr<std::atomic<bool>> cancel, bool prepareMissing)
    : m_project(std::move(project))
    , m_mapping(std::move(mapping))
    , m_cancel(std::move(cancel))
    , m_prepareMissing(prepareMissing)
    , m_connections(m_project, u"worker:"_s + m_mapping, m_cancel.get(),
                    [this](const Progress &p) { Q_EMIT progressed(m_mapping, p); })
{
}

MappingWorker::~MappingWorker() = default;

void MappingWorker::shutdown()
{
    m_connections.forget();
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
        m_connections.forget();
        Q_EMIT connectionObserved(connection, false, e.message(), e.isTransient());
    }
}

void MappingWorker::runOperation(quint64 requestId, OperationKind kind, OperationOptions options)
{
    Q_EMIT operationStarted(requestId, m_mapping, kind);
    OperationResult result;
    try {
        MappingContext &ctx = context();
        result = tidemark::runOperation(kind, ctx, options);
        if (result.connectionLost) {
            observeFailure(result.connection, result.run.error);
            m_connections.forget();   // reconnect on the next attempt
        } else if (result.transient) {
            m_connections.forget();   // a timed-out statement may leave the session unusable
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
        m_connections.forget();
    }
    if (result.run.result == u"ok" || result.run.result == u"skipped"
        || result.run.result == u"refused")
        observeSuccess();
    m_connections.quiet();
    Q_EMIT operationFinished(requestId, m_mapping, result);
    if (result.connectionLost)
        return;   // measuring would only fail again; the reconnect attempt will tell
    measure();
}

void MappingWorker::measure()
{
    try {
        MappingContext &ctx = context();
        Q_EMIT measured(m_mapping, measureStatus(ctx));
        m_connections.quiet();
    } catch (const DbError &e) {
        Q_EMIT measureFailed(m_mapping, e.message(), e.isTransient());
        if (e.connectionLost() && !e.connection().isEmpty())
            observeFailure(e.connection(), e.message());
        if (e.isTransient())
            m_connections.forget();
        else
            m_connections.quiet();
    }
}

} // namespace tidemark
