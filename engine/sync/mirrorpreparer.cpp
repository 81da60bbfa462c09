#include "sync/mirrorpreparer.h"

#include "db/dbconnection.h"
#include "log/logging.h"
#include "sync/checkpointstore.h"

using namespace Qt::StringLiterals;

namespace tidemark {

PrepareResult prepareMirror(MappingContext &ctx)
{
    const ResolvedMapping &m = ctx.mapping;
    auto log = logger("sync.prepare");
    PrepareResult r;
    CheckpointStore store(ctx.mirror);
    if (!store.exists()) {
        store.ensureTable();
        r.createdStateTable = true;
        log->info("created state table '{}' in {}", CheckpointStore::tableName(),
                  ctx.mirror.describe());
    } else if (!store.captureTableExists()) {
        // A mirror prepared before trigger capture existed gets its capture table now.
        store.ensureTable();
    }
    const Dialect &md = ctx.mirror.dialect();
    if (!md.tableExists(ctx.mirror, ctx.mirrorTable())) {
        r.createStatement = md.createMirrorTable(ctx.mirrorTable(), m.sourceSchema, m.columns,
                                                 m.key);
        ctx.mirror.exec(r.createStatement);
        r.createdMirrorTable = true;
        log->info("mapping '{}': created mirror table '{}' in {}", m.name(), ctx.mirrorTable(),
                  ctx.mirror.describe());
    }
    return r;
}

} // namespace tidemark
