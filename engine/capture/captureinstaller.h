#pragma once
// `prepare` for a captured mapping: what it installs in the source (the change log, the
// sequencer's counter, the consumers table and the table's triggers), and what
// `prepare --remove-capture` takes away again. Both are plans first, so `--dry-run` prints
// exactly the statements a real run executes.

#include "sync/mappingcontext.h"

#include <QStringList>

namespace tidemark {

struct CapturePlan
{
    QStringList statements;   // DDL, in order
    QString consumer;         // the consumer id to register (install) or forget (removal)
    bool dropsLog = false;    // removal: no other table's capture remains, so the log goes
};

// Checks that capture can run for the mapping here: key columns whose values travel through
// the log exactly, a server with what the sequencer needs. One message per problem.
QStringList captureProblems(const ResolvedMapping &m, DbConnection &source);
inline QStringList captureProblems(MappingContext &ctx)
{
    return captureProblems(ctx.mapping, ctx.source);
}
// Foreign keys that delete or update rows of the captured table by cascade. MariaDB runs no
// triggers for those rows, so their changes never reach the log; validate warns about them.
QStringList cascadingForeignKeys(DbConnection &source, const QString &table);
// What is missing of the mapping's capture in the source (the log, its triggers): empty when
// complete.
QString missingCapture(const ResolvedMapping &m, DbConnection &source);
// missingCapture() for a table that has some of its capture already (an install by an older
// version of Tidemark, or one cut short): empty when nothing or everything is installed.
QString incompleteCapture(const ResolvedMapping &m, DbConnection &source);

CapturePlan planCaptureInstall(MappingContext &ctx);
CapturePlan planCaptureRemoval(MappingContext &ctx);
// Runs the plan in the source: in one transaction where the database's DDL is transactional
// (PostgreSQL, SQLite), so a failed install leaves nothing half done there.
void applyCapturePlan(MappingContext &ctx, const CapturePlan &plan, bool install);

} // namespace tidemark
