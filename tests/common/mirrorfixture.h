#pragma once
// A source and a mirror database in a temporary folder with a project over them; operations
// run in the calling thread through the same code the CLI uses; compare() says whether the
// mirror equals the source row for row.

#include "db/connectionset.h"
#include "project/projectconfig.h"
#include "sync/operations.h"
#include "sync/statusprobe.h"

#include <QSqlDatabase>
#include <QTemporaryDir>

#include <atomic>
#include <memory>

namespace tidemark::test {

class MirrorFixture
{
public:
    MirrorFixture();
    ~MirrorFixture();

    QString sourcePath() const { return m_sourcePath; }
    QString mirrorPath() const { return m_mirrorPath; }
    QString folder() const { return m_dir.path(); }
    Project &project() { return m_project; }

    // Adds a mapping over connections "src" and "mirror" and returns it for tweaking.
    MappingConfig &addMapping(const QString &name, const QString &sourceTable,
                              const QString &mirrorTable, const QString &cursor = {});

    // SQL on the source / mirror from the test thread (own connections). Fails the test on error.
    void source(const QString &sql, const QVariantList &binds = {});
    void mirror(const QString &sql, const QVariantList &binds = {});
    QVariant sourceScalar(const QString &sql, const QVariantList &binds = {});
    QVariant mirrorScalar(const QString &sql, const QVariantList &binds = {});
    QSqlDatabase &sourceDb() { return m_src; }

    // Runs an operation for `mapping` in this thread; the connection set is kept between runs
    // (like a worker's) unless reset(). Fails the test if the project does not check out.
    OperationResult run(OperationKind kind, const QString &mapping,
                        const OperationOptions &options = {});
    StatusMeasurement status(const QString &mapping, MeasureScope scope = MeasureScope::Full);
    Checkpoint checkpoint(const QString &mapping);

    // The engine's connection to "mirror"/"src" (opened on demand), for statement hooks.
    DbConnection &engineConnection(const QString &name);
    void reset();   // drop the engine's connections (hooks go with them)
    std::atomic<bool> &cancelFlag() { return m_cancel; }

    // Empty when the mirror table equals the source table row for row (by key), else a
    // description of the first differences.
    QString compare(const QString &mapping);
    // Every source row at or before the checkpoint (by the source's ordering) is in the mirror
    // with the same values: the checkpoint never passed an unwritten row.
    QString checkpointCovered(const QString &mapping);

private:
    QTemporaryDir m_dir;
    QString m_sourcePath;
    QString m_mirrorPath;
    Project m_project;
    QSqlDatabase m_src;
    QSqlDatabase m_mir;
    std::unique_ptr<ConnectionSet> m_connections;
    std::atomic<bool> m_cancel{false};
};

} // namespace tidemark::test
