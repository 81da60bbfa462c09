#pragma once
// One Dialect per database kind: quoting, the SQL shapes the passes need, catalog
// introspection, and session setup. Passes build SQL only through this interface, so adding
// PostgreSQL and MariaDB means adding a dialect, not touching the passes.
//
// Every generated statement uses positional `?` placeholders.

#include "db/tableschema.h"
#include "project/projectconfig.h"

#include <QSqlError>
#include <QString>
#include <QStringList>
#include <QVariant>

#include <memory>

class QSqlDatabase;

namespace tidemark {

class DbConnection;
class TableCodec;
struct HashRule;

class Dialect
{
public:
    virtual ~Dialect();

    virtual DriverKind kind() const = 0;
    virtual QString qtDriverName() const = 0;

    // Quotes an identifier safely (see db/identifier.h). Throws DbError on NUL or empty.
    virtual QString quote(const QString &identifier) const = 0;
    QStringList quoteAll(const QStringList &identifiers) const;
    QString columnList(const QStringList &identifiers) const;   // "a", "b", "c"

    // (c1, c2) > (?, ?) for keyset paging. Dialects whose optimiser cannot use an index for
    // row values expand it to  c1 > ? OR (c1 = ? AND c2 > ?) ; `bindCount` tells how many
    // values the caller binds, and bindRowValues() repeats them in that order.
    virtual QString rowGreaterThan(const QStringList &columns) const;
    virtual QString rowLessOrEqual(const QStringList &columns) const;
    virtual QVariantList bindRowValues(const QVariantList &values) const;

    // Key membership for a page of keys: "k IN (?,?,?)" or "(k1,k2) IN ((?,?),(?,?))".
    virtual QString keyIn(const QStringList &keyColumns, int keyCount) const;

    virtual QString limit(int rows) const;    // " LIMIT n"

    // INSERT ... ON CONFLICT/ON DUPLICATE KEY UPDATE for `rowCount` rows in one statement.
    // `placeholders` (one per column, default "?") lets a dialect cast a bound value.
    virtual QString upsert(const QString &table, const QStringList &columns,
                           const QStringList &keyColumns, int rowCount,
                           const QStringList &placeholders = {}) const = 0;

    // Exact value carriage. Drivers lose precision on the way (QPSQL reads NUMERIC as double and
    // timestamps as millisecond QDateTime; QMYSQL likewise), so each dialect
    //  - selects a column through an expression that loses nothing (selectExpression),
    //  - turns what its driver returned into the canonical value of the column's class
    //    (toCanonical; the forms are listed in db/valuecodec.h),
    //  - turns a canonical value into what it binds for one of its columns (fromCanonical),
    //    with the placeholder that column needs (placeholder, e.g. "CAST(? AS ...)").
    // Passes, comparisons and checkpoints only ever see canonical values.
    virtual QString selectExpression(const ColumnInfo &column) const;
    virtual QVariant toCanonical(const ColumnInfo &column, const QVariant &driverValue) const;
    virtual QVariant fromCanonical(const ColumnInfo &column, const QVariant &canonical) const;
    virtual QString placeholder(const ColumnInfo &column) const;

    // Writes a batch by the dialect's fastest means (PostgreSQL: COPY into a staging table, then
    // one upsert from it). Returns false, having written nothing, when it has none for this
    // batch; MirrorWriter then sends multi-row upserts. `rows` hold canonical values in `codec`
    // column order. `keysAbsent`: the caller found none of the keys in the table within this
    // transaction, so no row can conflict. The base implementation returns false.
    virtual bool bulkUpsert(DbConnection &conn, const TableCodec &codec, const QString &table,
                            const QStringList &keyColumns,
                            const QList<QVariantList> &rows, bool keysAbsent = false) const;

    // The largest number of bound values one statement may carry.
    virtual int maxBindValues() const = 0;

    // Multi-row upserts with the values written into the statement's text instead of bound,
    // for drivers whose binding costs more than the server's parsing: QMYSQL fills a
    // MYSQL_BIND per value and converts each through a QVariant, which was most of a
    // MariaDB mirror's client time. writesLiterals() says whether the dialect does this;
    // appendLiteral() appends a driver value (fromCanonical's result) as an exact literal, or
    // returns false, having appended nothing, for a value it has no exact literal for (the
    // writer then binds that statement's values instead); upsertValues() is upsert() with
    // `valuesList` ("(...), (...)") in place of the placeholder rows.
    virtual bool writesLiterals() const { return false; }
    virtual bool appendLiteral(QString &sql, const QVariant &driverValue) const;
    virtual QString upsertValues(const QString &table, const QStringList &columns,
                                 const QStringList &keyColumns, const QString &valuesList) const;

    // An SQL expression, with one `?` for the checkpoint's cursor value, for "that value minus
    // `amount`": seconds for a timestamp cursor, units for a numeric one. The subtraction and
    // the comparison stay in the source's SQL, so the checkpoint is never reinterpreted by
    // C++. When in doubt the bound must come out lower (re-reading more), never higher.
    virtual QString cursorLowerBound(const ColumnInfo &cursor, const QVariant &checkpointCursor,
                                     qint64 amount) const = 0;

    // Catalog introspection; an empty TableSchema when the table does not exist.
    virtual TableSchema describeTable(DbConnection &conn, const QString &table) const = 0;
    virtual bool tableExists(DbConnection &conn, const QString &table) const;

    // What the catalog tells about a cursor column, for validate's warnings
    // (sync/cursorwarnings.h); each dialect's answers are in db/cursorcatalog.cpp. Throw DbError.
    // Is there an index on `table` whose leading column is `column`? Without one every
    // incremental pass scans the whole table.
    virtual bool hasIndexLeadingWith(DbConnection &conn, const QString &table,
                                     const QString &column) const = 0;
    // What moves `column` when a row of `table` is updated ("ON UPDATE CURRENT_TIMESTAMP",
    // "trigger t_touch"): UPDATE triggers whose text mentions the column, and the column's own
    // update rule where the database has one. Empty when the catalog knows of nothing.
    virtual QStringList cursorUpdaters(DbConnection &conn, const QString &table,
                                       const QString &column) const = 0;

    // CREATE TABLE for a mirror of `source` (source.sourceKind says which dialect read it), keeping
    // `columns` and declaring `key` as the primary key.
    virtual QString createMirrorTable(const QString &table, const TableSchema &source,
                                      const QStringList &columns, const QStringList &key) const = 0;

    // Pins session settings right after connect (UTC, strict mode, timeouts).
    virtual void configureSession(DbConnection &conn) const = 0;
    // The open connection's socket, for the statement watchdog; -1 when it cannot be named
    // (SQLite has none; MariaDB relies on its client read timeout instead).
    virtual int socketDescriptor(DbConnection &) const { return -1; }
    // A statement sent without waiting for its end (DbConnection::send). startStatement()
    // returns false, having sent nothing, where the driver has no such call; otherwise `error`
    // says whether sending failed. finishStatement() waits for the statement's end.
    virtual bool startStatement(DbConnection &, const QByteArray &, QSqlError &) const
    {
        return false;
    }
    virtual QSqlError finishStatement(DbConnection &) const;

    // Does a mirror column of class `mirror` hold every value of `source` exactly?
    // Returns an empty string when it does, else why not (validate reports it).
    virtual QString lossReason(const ColumnInfo &source, const ColumnInfo &mirror) const;

    // The state table that holds checkpoints, in the mirror database.
    virtual QString createStateTable(const QString &table) const = 0;
    // Trigger capture's checkpoints (sync/checkpointstore.h): mapping, applied_seq, log_id,
    // applied_at.
    virtual QString createCaptureStateTable(const QString &table) const;

    // Drift detection (drift/rowencoding.h; each dialect's part is in db/drifthash_*.cpp).
    // The SQL for a column's payload, given its rule, or an empty string when this dialect's
    // SQL cannot produce the payload exactly: the differ then hashes that column in C++ from
    // streamed values. NULL in, NULL out.
    virtual QString hashPayload(const ColumnInfo &column, const HashRule &rule) const;
    // An expression for the row hash of `columns` (each with its rule, every one of which
    // hashPayload() could produce) as a 64-bit integer, signed or unsigned, of the hash's bits;
    // `conn` may be asked how to build it (PostgreSQL hashes text when the database is UTF-8).
    // hashSums() is the select list "count, A, B" over a derived table whose hash column is
    // `alias`, where A * 2^32 + B is the sum of the hashes modulo 2^64; A and B are integers or
    // decimal texts of any size and sign (never doubles), read by drift/rowencoding.h's
    // hashValue().
    virtual QString rowHashExpression(DbConnection &conn, const QList<ColumnInfo> &columns,
                                      const QList<HashRule> &rules) const;
    virtual QString hashSums(const QString &alias) const = 0;
    // Called once on a connection before it hashes (SQLite registers its hash function).
    virtual void prepareHashing(DbConnection &) const {}
    // The statement that opens a transaction, or empty for the driver's own (QSqlDatabase::
    // transaction()). SQLite's is BEGIN IMMEDIATE: see SqliteDialect.
    virtual QString beginTransaction() const { return {}; }
    // An expression that orders and compares the key column in binary order (UTF-8 bytes for
    // text), so that both sides of a mapping agree about which keys lie in a range. May ask
    // the catalog (a column whose collation already is binary keeps its index).
    virtual QString binaryKeyExpression(DbConnection &conn, const QString &table,
                                        const ColumnInfo &column) const;
    // Row comparisons (a, b) > (?, ?) are spelled out (MariaDB, see rowGreaterThan()).
    virtual bool expandsRowComparisons() const { return false; }
    // " FOR UPDATE" where the database locks the rows a SELECT reads (a repair holds them while
    // it re-reads the source); empty where it does not (SQLite locks the whole file on write).
    virtual QString forUpdate() const { return {}; }
    // The table that keeps each drift check's counts and segment checksums, in the mirror.
    virtual QString createDriftTable(const QString &table) const = 0;

    // The table as a FROM item that yields only its live rows, aliased to its own name. Where
    // a table keeps old versions and tombstones beside its rows (a ClickHouse mirror, a
    // ReplacingMergeTree), every read of a mirror table goes through this; elsewhere it is
    // quote(table).
    virtual QString readSource(const QString &table) const { return quote(table); }
    // readSource(table) and " WHERE condition" (nothing for an empty condition), for reads that
    // select some rows: a key lookup, a page, a segment. A ClickHouse mirror puts the condition
    // inside its FINAL subquery, where the key part of it picks the granules to read; outside,
    // the server reads and merges the whole table for every lookup.
    virtual QString readSourceWhere(const QString &table, const QString &condition) const
    {
        return condition.isEmpty() ? readSource(table) : readSource(table) + u" WHERE " + condition;
    }
    // Deletes the rows of `table` whose key is one of `keys` (canonical values in `keyColumns`
    // order; `schema` describes the table, or is empty to bind the values as they are) and
    // returns how many went. The base implementation sends DELETE ... WHERE key IN (...) in
    // chunks; ClickHouse writes tombstones.
    virtual qint64 deleteKeys(DbConnection &conn, const QString &table, const TableSchema &schema,
                              const QStringList &keyColumns, const QList<QVariantList> &keys) const;
    // Deletes every row of `table` in the caller's transaction and returns how many went: a
    // TRUNCATE of a captured source table reaching its mirror. The base implementation is one
    // DELETE (not TRUNCATE, which is not transactional everywhere and would commit the batch
    // before its checkpoint); ClickHouse writes a tombstone for every live key, server-side.
    virtual qint64 deleteAllRows(DbConnection &conn, const QString &table,
                                 const QStringList &keyColumns) const;
    // The state table (sync/checkpointstore.h) by partial rows. writeState() sets `columns`
    // (the first one the key, e.g. "mapping") to `values` for one key and leaves the other
    // columns as they are; selectState() is a SELECT of `columns` for the key bound to its one
    // `?` (at most one row). The base implementations are an upsert and a plain SELECT;
    // ClickHouse keeps one row per (key, column) instead, since it cannot update a row in place.
    virtual void writeState(DbConnection &conn, const QString &table, const QStringList &columns,
                            const QVariantList &values) const;
    virtual QString selectState(const QString &table, const QString &keyColumn,
                                const QStringList &columns) const;

    static std::unique_ptr<Dialect> create(DriverKind kind);

protected:
    // "(?, ?, ?)" or with the given placeholders.
    static QString valuesRow(qsizetype columnCount, const QStringList &placeholders);
    // INSERT INTO table (columns) VALUES (...), ... for `rowCount` rows.
    QString insertValues(const QString &table, const QStringList &columns, int rowCount,
                         const QStringList &placeholders) const;
    // INSERT ... VALUES (...), ... ON CONFLICT (key) DO UPDATE SET c = excluded.c, the form
    // SQLite and PostgreSQL share (DO NOTHING when every column is a key column).
    QString insertOnConflict(const QString &table, const QStringList &columns,
                             const QStringList &keyColumns, int rowCount,
                             const QStringList &placeholders) const;
};

} // namespace tidemark
