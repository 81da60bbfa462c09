#include "drift/repair.h"

#include "db/dbconnection.h"
#include "db/dberror.h"
#include "drift/columnrules.h"
#include "drift/sqlliteral.h"
#include "sync/keylookup.h"
#include "sync/mirrorwriter.h"

using namespace Qt::StringLiterals;

namespace tidemark {

namespace {

const ColumnInfo &mirrorColumn(const ResolvedMapping &m, const QString &name)
{
    static const ColumnInfo unknown;
    const ColumnInfo *c = m.mirrorSchema.column(name);
    return c ? *c : unknown;
}

QString whereKey(const Dialect &d, const ResolvedMapping &m, const QVariantList &key)
{
    QStringList parts;
    for (qsizetype i = 0; i < m.key.size(); ++i)
        parts << d.quote(m.key.at(i)) + u" = "_s
                        + sqlLiteral(d, mirrorColumn(m, m.key.at(i)), key.at(i));
    return parts.join(u" AND "_s);
}

QString statementFor(const Dialect &d, const ResolvedMapping &m, const QString &table,
                     const RowDifference &diff)
{
    const QString t = d.quote(table);
    switch (diff.kind) {
    case DiffKind::Extra:
        return u"DELETE FROM "_s + t + u" WHERE "_s + whereKey(d, m, diff.key) + u';';
    case DiffKind::Changed: {
        QStringList sets;
        for (const QString &c : diff.columns)
            sets << d.quote(c) + u" = "_s
                            + sqlLiteral(d, mirrorColumn(m, c),
                                         diff.source.value(m.columns.indexOf(c)));
        return u"UPDATE "_s + t + u" SET "_s + sets.join(u", "_s) + u" WHERE "_s
                + whereKey(d, m, diff.key) + u';';
    }
    case DiffKind::Missing: break;
    }
    QStringList values;
    for (qsizetype i = 0; i < m.columns.size(); ++i)
        values << sqlLiteral(d, mirrorColumn(m, m.columns.at(i)), diff.source.value(i));
    return u"INSERT INTO "_s + t + u" ("_s + d.columnList(m.columns) + u") VALUES ("_s
            + values.join(u", "_s) + u");"_s;
}

} // namespace

RepairResult repair(MappingContext &ctx, DiffRun &diff, const RepairOptions &options,
                    const std::function<void(const QString &)> &statement)
{
    const ResolvedMapping &m = ctx.mapping;
    const Dialect &md = ctx.mirror.dialect();
    RepairResult result;

    // The safety rule, on the whole tables (a diff bounded to a key range counts only its part).
    const qint64 deletes = diff.extra;
    if (deletes > 0 && !options.force) {
        const qint64 sourceRows =
                ctx.source.scalar(u"SELECT COUNT(*) FROM "_s + ctx.source.dialect().quote(ctx.sourceTable()))
                        .toLongLong();
        const qint64 mirrorRows =
                ctx.mirror.scalar(u"SELECT COUNT(*) FROM "_s + md.readSource(ctx.mirrorTable())).toLongLong();
        if (sourceRows == 0) {
            result.refused = true;
            result.refusal = u"the source table '%1' is empty and the repair would delete %2 mirror "
                             "rows; an empty source is more often a broken connection or a "
                             "truncated table than a real \"delete everything\" (--force to repair "
                             "anyway)"_s.arg(ctx.sourceTable())
                                     .arg(deletes);
        } else if (double(deletes) > m.config.maxSweepFraction * double(mirrorRows)) {
            result.refused = true;
            result.refusal = u"the repair would delete %1 of %2 mirror rows (%3%), more than "
                             "max_sweep_fraction %4 (--force to repair anyway)"_s.arg(deletes)
                                     .arg(mirrorRows)
                                     .arg(100.0 * double(deletes) / double(std::max<qint64>(1, mirrorRows)), 0, 'f', 1)
                                     .arg(m.config.maxSweepFraction);
        }
        if (result.refused)
            return result;
    }

    if (!options.execute) {
        for (DiffKind kind : {DiffKind::Extra, DiffKind::Changed, DiffKind::Missing}) {
            qint64 after = 0;
            for (;;) {
                const QList<RowDifference> batch = diff.store->read(after, 1000, &after, kind);
                if (batch.isEmpty())
                    break;
                for (const RowDifference &d : batch) {
                    if (statement)
                        statement(statementFor(md, m, ctx.mirrorTable(), d));
                    ++result.statements;
                }
            }
        }
        return result;
    }

    const ColumnRules rules = columnRules(m, ctx.source.dialect(), md);
    MirrorWriter writer(ctx.mirror, m.mirrorSchema, ctx.mirrorTable(), m.columns, m.key);
    const TableCodec keyCodec(md, m.mirrorSchema, m.key);
    QList<QVariantList> touched;
    qint64 done = 0;
    for (DiffKind kind : {DiffKind::Extra, DiffKind::Changed, DiffKind::Missing}) {
        qint64 after = 0;
        for (;;) {
            ctx.checkCancelled();
            const QList<RowDifference> batch =
                    diff.store->read(after, options.batchRows, &after, kind);
            if (batch.isEmpty())
                break;
            QList<QVariantList> keys;
            for (const RowDifference &d : batch)
                keys << d.key;
            Transaction tx(ctx.mirror);
            if (const QString lock = md.forUpdate(); !lock.isEmpty()) {
                QVariantList binds;
                for (const QVariantList &k : keys)
                    binds << keyCodec.toDriver(k);
                ctx.mirror.exec(u"SELECT 1 FROM "_s
                                        + md.readSourceWhere(ctx.mirrorTable(),
                                                             md.keyIn(m.key, int(keys.size())))
                                        + lock,
                                binds);
            }
            const QHash<QString, QVariantList> sourceRows = fetchRowsByKeys(
                    ctx.source, m.sourceSchema, ctx.sourceTable(), m.columns, m.key, keys);
            const QHash<QString, QVariantList> mirrorRows = fetchRowsByKeys(
                    ctx.mirror, m.mirrorSchema, ctx.mirrorTable(), m.columns, m.key, keys);
            QList<QVariantList> upserts, removals;
            for (const RowDifference &d : batch) {
                const QString id = keyIdentity(d.key);
                const QVariantList s = sourceRows.value(id);
                const QVariantList mi = mirrorRows.value(id);
                const bool sawMirror = !d.mirror.isEmpty();
                if (sawMirror != !mi.isEmpty()
                    || (sawMirror && !rules.differingColumns(m, d.mirror, mi).isEmpty()))
                    ++result.changedSinceDiff;
                if (s.isEmpty()) {
                    if (mi.isEmpty())
                        ++result.alreadyEqual;
                    else
                        removals << d.key;
                } else if (mi.isEmpty() || !rules.differingColumns(m, s, mi).isEmpty()) {
                    upserts << s;
                    (mi.isEmpty() ? result.inserted : result.updated) += 1;
                } else {
                    ++result.alreadyEqual;
                }
            }
            if (!removals.isEmpty())
                result.deleted += writer.deleteKeys(removals);
            if (!upserts.isEmpty())
                writer.upsert(upserts);
            tx.commit();
            touched << keys;
            done += batch.size();
            ctx.report(Progress{u"repair"_s, done, diff.differences()});
        }
    }

    // Compare every touched key once more.
    for (qsizetype start = 0; start < touched.size(); start += 1000) {
        const QList<QVariantList> keys = touched.mid(start, 1000);
        const QHash<QString, QVariantList> s = fetchRowsByKeys(
                ctx.source, m.sourceSchema, ctx.sourceTable(), m.columns, m.key, keys);
        const QHash<QString, QVariantList> mi = fetchRowsByKeys(
                ctx.mirror, m.mirrorSchema, ctx.mirrorTable(), m.columns, m.key, keys);
        for (const QVariantList &k : keys) {
            const QString id = keyIdentity(k);
            const QVariantList a = s.value(id), b = mi.value(id);
            if (a.isEmpty() != b.isEmpty()
                || (!a.isEmpty() && !rules.differingColumns(m, a, b).isEmpty()))
                ++result.stillDiffering;
        }
    }
    return result;
}

} // namespace tidemark
