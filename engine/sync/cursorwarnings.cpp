#include "sync/cursorwarnings.h"

#include "db/dbconnection.h"
#include "db/dberror.h"
#include "db/dialect.h"
#include "sync/resolvedmapping.h"

using namespace Qt::StringLiterals;

namespace tidemark {

namespace {

// Whole seconds or coarser: DATE, and timestamps declared without fractional digits (MariaDB
// DATETIME/TIMESTAMP, PostgreSQL timestamp(0)). SQLite declares no precision (-1): unknown.
bool wholeSeconds(const ColumnInfo &c)
{
    if (c.valueClass == ValueClass::Date)
        return true;
    return (c.valueClass == ValueClass::Timestamp || c.valueClass == ValueClass::TimestampTz)
            && c.precision == 0;
}

} // namespace

QList<ProjectError> keyWarnings(const ResolvedMapping &m, const QString &projectFile)
{
    QList<ProjectError> warnings;
    // A primary key cannot hold NULL (SQLite's legacy exception aside, which the mirror's key
    // refuses anyway); a key the project names may. Keyset positions compare with "<" and ">",
    // which are never true for NULL, so such rows are skipped by every pass without a word.
    if (m.config.key.isEmpty() || m.config.key == m.sourceSchema.primaryKey)
        return warnings;
    for (const QString &k : m.key) {
        const ColumnInfo *c = m.sourceSchema.column(k);
        if (c && c->nullable)
            warnings.append(ProjectError{
                    projectFile, u"mapping '%1'"_s.arg(m.name()),
                    u"key column '%1' of source table '%2' allows NULL: a row whose key is "
                    "NULL is never read in key order and cannot be upserted, so it never "
                    "reaches the mirror; declare the column NOT NULL, or name a key that is"_s
                            .arg(k, m.config.source.table)});
    }
    return warnings;
}

QList<ProjectError> cursorWarnings(const ResolvedMapping &m, DbConnection &source,
                                   const QString &projectFile)
{
    QList<ProjectError> warnings;
    if (!m.hasCursor())
        return warnings;
    const ColumnInfo *cursor = m.sourceSchema.column(m.config.cursorColumn);
    if (!cursor)
        return warnings;
    const QString &table = m.config.source.table;
    const QString column = u"cursor column '%1' of source table '%2'"_s.arg(cursor->name, table);
    auto warn = [&](const QString &message) {
        warnings.append(ProjectError{projectFile, u"mapping '%1'"_s.arg(m.name()), message});
    };

    if (cursor->valueClass == ValueClass::Text) {
        warn(u"%1 is text (%2): text compares by characters, not by time (another format or "
             "time zone sorts wrong), and ties and late commits are likely; use a timestamp "
             "with fractional seconds or an integer version column as the cursor, or a "
             "lookback_s that covers your longest transaction"_s.arg(column, cursor->declaredType));
    } else if (m.config.lookback == 0 && wholeSeconds(*cursor)) {
        warn(u"%1 is %2 (whole seconds or coarser) and lookback_s is 0: a row that commits "
             "after a later cursor value was read is missed; set lookback_s to more than your "
             "longest transaction, or use fractional seconds (e.g. DATETIME(6), "
             "timestamp(6))"_s.arg(column, cursor->declaredType));
    } else if (m.config.lookback == 0 && cursor->valueClass == ValueClass::Integer) {
        warn(u"%1 is an integer (%2) and lookback_s is 0: versions handed out before commit "
             "commit out of order, and a row that commits after a higher version was read is "
             "missed; set lookback_s to more versions than are handed out during your longest "
             "transaction"_s.arg(column, cursor->declaredType));
    }

    const Dialect &dialect = source.dialect();
    QStringList indexColumns{cursor->name}; // then the key, for the pass's (cursor, key) order
    for (const QString &k : m.key)
        if (k != cursor->name)
            indexColumns << k;
    try {
        if (!dialect.hasIndexLeadingWith(source, table, cursor->name))
            warn(u"source table '%1' has no index whose first column is cursor column '%2': "
                 "every incremental pass scans the whole table; create one, e.g. "
                 "CREATE INDEX %3 ON %4 (%5)"_s.arg(
                         table, cursor->name, dialect.quote(table + u"_by_"_s + cursor->name),
                         dialect.quote(table), dialect.columnList(indexColumns)));
        if (dialect.cursorUpdaters(source, table, cursor->name).isEmpty()) {
            const QString lookedFor = dialect.kind() == DriverKind::MariaDb
                    ? u"no ON UPDATE CURRENT_TIMESTAMP, no UPDATE trigger mentions it"_s
                    : u"no UPDATE trigger mentions it"_s;
            warn(u"nothing in %1 moves cursor column '%2' of source table '%3' on update (%4): "
                 "the application must set it on every update, or updated rows are never "
                 "synced"_s.arg(source.describe(), cursor->name, table, lookedFor));
        }
    } catch (const DbError &e) {
        if (e.isTransient())
            throw;
        warn(u"could not read the catalog of %1 to check cursor column '%2' of source table "
             "'%3': %4"_s.arg(source.describe(), cursor->name, table, e.message()));
    }
    return warnings;
}

} // namespace tidemark
