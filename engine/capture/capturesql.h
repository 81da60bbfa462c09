#pragma once
// Trigger capture's SQL for one source dialect (SPEC.md "capture"): the change log, the
// triggers that write it in the changing transaction, the sequencer's numbering, retention and
// removal. Everything that differs between SQLite, PostgreSQL and MariaDB is here; the
// installer, the sequencer and the consumer (capture/*.h) are written once against it.
//
// The objects, in the source database (one set per database, shared by its captured tables):
//  - the change log  _tidemark_changes(id, seq, tbl, op, key_value, at): one row per changed
//    row; `op` is 'I', 'U' or 'D' (a delete's row is its tombstone); `key_value` the key as a
//    JSON array of texts; `seq` NULL until the sequencer numbers the row after it committed.
//    PostgreSQL also logs each TRUNCATE of a captured table, by a statement trigger, as one
//    row with `op` 'T' and an empty key ("[]"): every row of the table went at that point;
//  - _tidemark_sequencer: one counter row, the last number handed out (never reset, so a
//    purged log cannot make numbers repeat), locked by the sequencer's transaction, and the
//    log's identity (a random id made when the log is created): a mirror's capture checkpoint
//    names the log it counts in, so a log removed and installed again, which numbers from 1
//    again, is never read from an old checkpoint;
//  - _tidemark_capture_consumers(consumer, tbl, applied_seq): how far each mapping that reads
//    the log has applied it, for retention; on MariaDB also `table_identity`, the source
//    table's identity the mapping's mirror was last reconciled with (capture/tableidentity.h);
//  - per captured table, triggers named after a hash of the table's name.

#include "db/dialect.h"
#include "db/tableschema.h"
#include "project/projectconfig.h"

#include <QString>
#include <QStringList>

#include <memory>

namespace tidemark {

class DbConnection;

namespace capture {

QString logTable();        // "_tidemark_changes"
QString sequencerTable();  // "_tidemark_sequencer"
QString consumersTable();  // "_tidemark_capture_consumers"
// "_tidemark_cap_" + 12 hex digits of the table name's SHA-1: a name that is a plain
// identifier in every dialect, whatever characters the table's own name has.
QString triggerBaseName(const QString &table);
// The log's `op` for a TRUNCATE of the table ("T"); its key_value is "[]".
QString truncateOp();

// Can this key column's value be carried through the log as text and read back exactly?
// Empty when it can, else why not (validate reports it). Floating point, binary, boolean and
// zoned timestamps (whose text depends on the writing session's time zone) cannot.
QString keyColumnProblem(const ColumnInfo &column);

} // namespace capture

class CaptureSql
{
public:
    virtual ~CaptureSql();

    // CREATE ... IF NOT EXISTS for the log, its indexes, the counter and the consumers table.
    virtual QStringList createLog() const = 0;
    // The triggers (and on PostgreSQL their function) for `table` with key `key`; replaces
    // ours if they exist, never touches the table's other triggers.
    // `conn` is asked where the log lives (PostgreSQL qualifies it with the current schema, so
    // a writer with another search_path still finds it).
    virtual QStringList createTriggers(DbConnection &conn, const QString &table,
                                       const QList<ColumnInfo> &key) const = 0;
    virtual QStringList dropTriggers(DbConnection &conn, const QString &table) const = 0;
    // DROP of everything createLog() made.
    virtual QStringList dropLog() const = 0;
    // What a log that an older version of Tidemark created lacks, as the statements that add
    // it (prepare runs them after createLog()); empty when it lacks nothing or does not exist.
    // The capture is incomplete until they ran (missingCapture()).
    virtual QStringList upgradeLog(DbConnection &) const { return {}; }

    // How many of the triggers createTriggers() makes for `table` exist (complete when it
    // equals triggersPerTable()), and how many of ours exist on any table.
    virtual int installedTriggers(DbConnection &conn, const QString &table) const = 0;
    virtual int triggersPerTable() const = 0;
    virtual int captureTriggersAnywhere(DbConnection &conn) const = 0;
    // Why the table's triggers are incomplete, when there is more to say than their count
    // (PostgreSQL: the TRUNCATE trigger that installs from before it existed lack).
    virtual QString incompleteTriggers(DbConnection &, const QString &) const { return {}; }

    // Where the database runs no trigger for a TRUNCATE (MariaDB), capture instead notices that
    // the table is no longer the one the mirror was reconciled with (capture/tableidentity.h).
    // tracksIdentity() says whether this dialect does; tableIdentity() reads the identity
    // (MariaDB: InnoDB's table id, which TRUNCATE, OPTIMIZE and rebuilding ALTERs change), and
    // throws DbError (Permanent) saying why it cannot (a missing privilege, not InnoDB).
    virtual bool tracksIdentity() const { return false; }
    virtual QString tableIdentity(DbConnection &, const QString &) const { return {}; }
    bool logExists(DbConnection &conn) const;

    // Whether a sequencer numbers the rows after they commit. SQLite's triggers number them
    // as they write them: one writer at a time makes that commit order already.
    virtual bool hasSequencer() const { return true; }
    // Inside the sequencer's transaction, before it picks rows: serialises sequencers across
    // processes (PostgreSQL: a transaction advisory lock). The counter row's FOR UPDATE follows
    // in every dialect.
    virtual void lockSequencer(DbConnection &) const {}
    // Statements before the sequencer's BEGIN (MariaDB: READ COMMITTED, so its locking reads
    // take no gap locks that would stall the application's inserts).
    virtual QStringList beforeSequencerTransaction() const { return {}; }
    // " FOR UPDATE SKIP LOCKED" where supported.
    virtual QString skipLocked() const { return QStringLiteral(" FOR UPDATE SKIP LOCKED"); }
    // Retention: deletes at most `limit` log rows of `tbl` with sequence <= ? (binds: tbl,
    // bound).
    virtual QString purgeBatch(int limit) const = 0;
    // Inserts the consumer row (consumer, tbl, 0) unless it exists.
    virtual QString registerConsumer() const = 0;
    // Seconds from the oldest of the log rows matched by `where` to now, in the database's
    // own clock (the one that wrote `at`).
    virtual QString ageOfOldest() const = 0;
    // Where a sequencer is missing on an old server: empty when capture can run here.
    virtual QString serverProblem(DbConnection &) const { return {}; }

    // For the dry run's printout: the statements joined as a script.
    static QString script(const QStringList &statements);

    static std::unique_ptr<CaptureSql> create(DriverKind kind);

protected:
    // The shapes PostgreSQL and SQLite share: a purge through an id subquery (neither has
    // DELETE ... LIMIT), and INSERT ... ON CONFLICT DO NOTHING.
    static QString purgeThroughIds(const Dialect &d, int limit);
    static QString insertConsumerUnlessPresent(const Dialect &d);
};

} // namespace tidemark
