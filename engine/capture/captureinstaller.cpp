#include "capture/captureinstaller.h"

#include "capture/capturepass.h"
#include "capture/capturesql.h"
#include "db/dbconnection.h"
#include "db/dberror.h"
#include "log/logging.h"

#include <QSqlQuery>

using namespace Qt::StringLiterals;

namespace tidemark {

namespace {

std::unique_ptr<CaptureSql> sqlFor(const DbConnection &source)
{
    return CaptureSql::create(source.config().driver);
}

std::unique_ptr<CaptureSql> sqlFor(const MappingContext &ctx)
{
    return sqlFor(ctx.source);
}

QList<ColumnInfo> keyColumns(const ResolvedMapping &m)
{
    QList<ColumnInfo> key;
    for (const QString &k : m.key) {
        const ColumnInfo *c = m.sourceSchema.column(k);
        key << (c ? *c : ColumnInfo{k, {}, ValueClass::Text});
    }
    return key;
}

} // namespace

QStringList captureProblems(const ResolvedMapping &m, DbConnection &source)
{
    QStringList problems;
    for (const ColumnInfo &c : keyColumns(m)) {
        const QString why = capture::keyColumnProblem(c);
        if (!why.isEmpty())
            problems << u"key column '%1' (%2) cannot be captured: %3"_s.arg(c.name,
                                                                           c.declaredType, why);
    }
    const std::unique_ptr<CaptureSql> sql = sqlFor(source);
    const QString server = sql->serverProblem(source);
    if (!server.isEmpty())
        problems << server + u" (%1)"_s.arg(source.describe());
    if (sql->tracksIdentity()) {
        // Without the table's identity a TRUNCATE, which runs no triggers here, could never
        // be noticed: capture would lose those deletes silently.
        try {
            sql->tableIdentity(source, m.config.source.table);
        } catch (const DbError &e) {
            if (e.isTransient())
                throw;
            problems << e.message();
        }
    }
    return problems;
}

QString missingCapture(const ResolvedMapping &m, DbConnection &source)
{
    const std::unique_ptr<CaptureSql> sql = sqlFor(source);
    const QString table = m.config.source.table;
    if (!sql->logExists(source))
        return u"the change log '%1' is missing in %2"_s.arg(capture::logTable(),
                                                            source.describe());
    const int n = sql->installedTriggers(source, table);
    if (n < sql->triggersPerTable()) {
        const QString why = n > 0 ? sql->incompleteTriggers(source, table) : QString();
        return u"%1 of the %2 capture triggers on table '%3' exist in %4"_s.arg(n)
                .arg(sql->triggersPerTable())
                .arg(table, source.describe())
                + (why.isEmpty() ? QString() : u": "_s + why);
    }
    if (!sql->upgradeLog(source).isEmpty())
        return u"the change log's tables in %1 were created by an older version of Tidemark and"
               " lack what detects a TRUNCATE of table '%2'"_s.arg(source.describe(), table);
    return {};
}

QString incompleteCapture(const ResolvedMapping &m, DbConnection &source)
{
    const std::unique_ptr<CaptureSql> sql = sqlFor(source);
    if (!sql->logExists(source) || sql->installedTriggers(source, m.config.source.table) == 0)
        return {};
    return missingCapture(m, source);
}

QStringList cascadingForeignKeys(DbConnection &source, const QString &table)
{
    if (source.config().driver != DriverKind::MariaDb)
        return {};
    QSqlQuery q = source.exec(
            u"SELECT CONSTRAINT_NAME, TABLE_NAME, DELETE_RULE, UPDATE_RULE FROM"
            " information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE()"
            " AND REFERENCED_TABLE_NAME = ? AND (DELETE_RULE IN ('CASCADE', 'SET NULL',"
            " 'SET DEFAULT') OR UPDATE_RULE IN ('CASCADE', 'SET NULL', 'SET DEFAULT'))"_s,
            {table});
    QStringList out;
    while (q.next())
        out << u"foreign key '%1' on table '%2' (ON DELETE %3, ON UPDATE %4)"_s.arg(
                q.value(0).toString(), q.value(1).toString(), q.value(2).toString(),
                q.value(3).toString());
    // The captured table's own cascades change it without its triggers when the parent
    // changes: the same gap, seen from the child.
    QSqlQuery own = source.exec(
            u"SELECT CONSTRAINT_NAME, REFERENCED_TABLE_NAME, DELETE_RULE, UPDATE_RULE FROM"
            " information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE()"
            " AND TABLE_NAME = ? AND (DELETE_RULE IN ('CASCADE', 'SET NULL', 'SET DEFAULT') OR"
            " UPDATE_RULE IN ('CASCADE', 'SET NULL', 'SET DEFAULT'))"_s,
            {table});
    while (own.next())
        out << u"foreign key '%1' from this table to '%2' (ON DELETE %3, ON UPDATE %4)"_s.arg(
                own.value(0).toString(), own.value(1).toString(), own.value(2).toString(),
                own.value(3).toString());
    return out;
}

CapturePlan planCaptureInstall(MappingContext &ctx)
{
    const std::unique_ptr<CaptureSql> sql = sqlFor(ctx);
    CapturePlan plan;
    plan.statements << sql->createLog();
    plan.statements << sql->upgradeLog(ctx.source);
    plan.statements << sql->createTriggers(ctx.source, ctx.sourceTable(), keyColumns(ctx.mapping));
    plan.consumer = captureConsumerId(ctx);
    return plan;
}

CapturePlan planCaptureRemoval(MappingContext &ctx)
{
    const std::unique_ptr<CaptureSql> sql = sqlFor(ctx);
    CapturePlan plan;
    plan.consumer = captureConsumerId(ctx);
    plan.statements << sql->dropTriggers(ctx.source, ctx.sourceTable());
    if (!sql->logExists(ctx.source))
        return plan;
    const int here = sql->installedTriggers(ctx.source, ctx.sourceTable());
    const int elsewhere = sql->captureTriggersAnywhere(ctx.source) - here;
    if (elsewhere <= 0) {
        plan.dropsLog = true;
        plan.statements << sql->dropLog();
    } else {
        // Other tables keep capturing: only this table's rows and consumers leave the log.
        const Dialect &d = ctx.source.dialect();
        const QString table = ctx.sourceTable();
        QString literal = table;
        literal.replace(u'\'', u"''"_s);
        if (ctx.source.config().driver == DriverKind::MariaDb)
            literal.replace(u'\\', u"\\\\"_s);
        plan.statements << u"DELETE FROM "_s + d.quote(capture::logTable()) + u" WHERE tbl = '"_s
                        + literal + u'\''
                        << u"DELETE FROM "_s + d.quote(capture::consumersTable())
                        + u" WHERE tbl = '"_s + literal + u'\'';
    }
    return plan;
}

void applyCapturePlan(MappingContext &ctx, const CapturePlan &plan, bool install)
{
    auto log = logger("capture.install");
    const bool transactional = ctx.source.config().driver != DriverKind::MariaDb;
    std::optional<Transaction> tx;
    if (transactional)
        tx.emplace(ctx.source);
    for (const QString &statement : plan.statements)
        ctx.source.exec(statement);
    if (install) {
        // From now on retention keeps what this mapping has not applied.
        ctx.source.exec(sqlFor(ctx)->registerConsumer(), {plan.consumer, ctx.sourceTable()});
    }
    if (tx)
        tx->commit();
    log->info("mapping '{}': {} capture on table '{}' in {}", ctx.mapping.name(),
              install ? "installed" : "removed", ctx.sourceTable(), ctx.source.describe());
}

} // namespace tidemark
