#pragma once
// The table every fault test mirrors: items(id BIGINT PRIMARY KEY, v VARCHAR(64), version
// BIGINT) with `version` as the cursor, on any of the three databases. Seeded rows share each
// version three by three, so the checkpoint's key part matters; SourceWriter gives every write
// a version above all before it.
//
// Every helper opens its own connections and closes them before it returns: a fault test stops
// and restarts servers under it, and a connection kept from before a restart would only report
// the restart again.

#include "project/projectconfig.h"

#include <QString>
#include <QStringList>

namespace tidemark::test {

// CREATE TABLE (dropping an old one) with an index on (version, id), and `seedRows` rows
// inserted by the server itself in one statement. Throws DbError.
void createItemTable(const ConnectionConfig &connection, const QString &table, int seedRows);
// DROP TABLE IF EXISTS, quietly (tear-down).
void dropItemTable(const ConnectionConfig &connection, const QString &table);

// COUNT(*); -1 when the server cannot be reached or the table is not there (yet).
qint64 countRows(const ConnectionConfig &connection, const QString &table);

// A mapping of items tables: key id, cursor version, no lookback (one writer commits its
// versions in order, so no row can commit behind the checkpoint).
MappingConfig itemMapping(const QString &name, const QString &sourceConnection,
                          const QString &sourceTable, const QString &mirrorConnection,
                          const QString &mirrorTable);

struct TableDiff
{
    QString error;              // the comparison itself failed (a server is down)
    qint64 sourceRows = -1;
    qint64 mirrorRows = -1;
    qint64 missing = 0;         // in the source, not in the mirror
    qint64 extra = 0;           // in the mirror, not in the source
    qint64 differing = 0;       // in both, other values
    QStringList examples;       // the first few of each

    bool equal() const
    {
        return error.isEmpty() && missing == 0 && extra == 0 && differing == 0
                && sourceRows == mirrorRows;
    }
    QString describe() const;   // one line for a failure message or a report
};

// Row for row by id: every column compared.
TableDiff compareItems(const ConnectionConfig &source, const QString &sourceTable,
                       const ConnectionConfig &mirror, const QString &mirrorTable);

// "The checkpoint never passed an unwritten row": every source row at or before the mapping's
// checkpoint (version, id) is in the mirror with the same version. Reads the checkpoint, then
// the mirror, then the source: a row the source still has at or before the checkpoint had that
// version before the checkpoint was written, so a later mirror must hold it.
struct CoverageCheck
{
    bool checked = false;       // false: a server was down or no checkpoint yet (`error` says)
    QString error;
    QString violation;          // non-empty: the checkpoint is ahead of the mirror
    qint64 covered = 0;         // source rows at or before the checkpoint
};
CoverageCheck checkpointCovered(const ConnectionConfig &source, const QString &sourceTable,
                                const ConnectionConfig &mirror, const QString &mirrorTable,
                                const QString &mapping);

} // namespace tidemark::test
