#pragma once
// ClickHouse, as a mirror only, through its HTTP interface (db/clickhousedriver.h).
//
// A mirror table is a ReplacingMergeTree(_tidemark_version) ordered by the key, with two more
// columns: _tidemark_version UInt64 and _tidemark_deleted UInt8. A write inserts the rows with
// a new version; a delete inserts a tombstone (the key, _tidemark_deleted = 1, a newer version);
// the server keeps the newest version of each key, at the latest when a query says FINAL. Its
// live rows are therefore  SELECT ... FROM t FINAL WHERE _tidemark_deleted = 0  (readSource()),
// and every read of a mirror table goes through that.
//
// ClickHouse has no transactions: begin and commit do nothing. The checkpoint is written after
// the batch's rows, so a crash between the two leaves rows that the next pass writes again
// with a newer version, which replaces them: a replay changes nothing.
//
// Versions: per table and connection, max(the clock in microseconds, the last version + 1),
// the last one read from the table (max(_tidemark_version)) before the connection's first
// write to it. A later write from this process never gets a smaller version than an earlier
// one, even when the clock steps back; two processes writing one table are ordered by their
// clocks (as two writers of any mirror are ordered by their commits).
//
// Values keep their class in the column's comment ('tidemark:<class>;key=<n>'), since one
// ClickHouse type (String) holds several classes (text, bytes, JSON, timestamps). The type
// mapping is in README.md.

#include "db/dialect.h"

namespace tidemark {

class ClickHouseDialect final : public Dialect
{
public:
    ClickHouseDialect();

    DriverKind kind() const override { return DriverKind::ClickHouse; }
    QString qtDriverName() const override;
    // Backticks, with backslash escapes for a backtick or backslash inside.
    QString quote(const QString &identifier) const override;
    QString upsert(const QString &table, const QStringList &columns,
                   const QStringList &keyColumns, int rowCount,
                   const QStringList &placeholders = {}) const override;
    int maxBindValues() const override { return 20000; }
    QString cursorLowerBound(const ColumnInfo &cursor, const QVariant &checkpointCursor,
                             qint64 amount) const override;
    TableSchema describeTable(DbConnection &conn, const QString &table) const override;
    bool hasIndexLeadingWith(DbConnection &, const QString &, const QString &) const override
    {
        return true;   // a mirror's sorting key; never asked of a source
    }
    QStringList cursorUpdaters(DbConnection &, const QString &, const QString &) const override
    {
        return {};
    }
    QString createMirrorTable(const QString &table, const TableSchema &source,
                              const QStringList &columns, const QStringList &key) const override;
    void configureSession(DbConnection &conn) const override;
    QString createStateTable(const QString &table) const override;
    // Capture's checkpoints go through writeState()/selectState() too: the same layout.
    QString createCaptureStateTable(const QString &table) const override
    {
        return createStateTable(table);
    }
    QString createDriftTable(const QString &table) const override;
    // Every column is hashed in C++ from streamed values (drift/columnrules): no SQL hash.
    QString hashSums(const QString &alias) const override;

    QVariant toCanonical(const ColumnInfo &column, const QVariant &driverValue) const override;
    QVariant fromCanonical(const ColumnInfo &column, const QVariant &canonical) const override;

    QString readSource(const QString &table) const override;
    QString readSourceWhere(const QString &table, const QString &condition) const override;
    bool bulkUpsert(DbConnection &conn, const TableCodec &codec, const QString &table,
                    const QStringList &keyColumns, const QList<QVariantList> &rows,
                    bool keysAbsent = false) const override;
    qint64 deleteKeys(DbConnection &conn, const QString &table, const TableSchema &schema,
                      const QStringList &keyColumns,
                      const QList<QVariantList> &keys) const override;
    // One INSERT ... SELECT of tombstones from the table's own live rows: the keys never leave
    // the server, however many there are.
    qint64 deleteAllRows(DbConnection &conn, const QString &table,
                         const QStringList &keyColumns) const override;
    // The state table keeps one row per (mapping, field), each with its own version, so a
    // write of some fields never needs the others: see createStateTable().
    void writeState(DbConnection &conn, const QString &table, const QStringList &columns,
                    const QVariantList &values) const override;
    QString selectState(const QString &table, const QString &keyColumn,
                        const QStringList &columns) const override;

    // The column type and comment a mirror column of `source` gets ("Nullable(String)",
    // "tidemark:timestamp"). Key columns are never Nullable.
    static QString typeFor(const ColumnInfo &source, bool key);
    static QString className(ValueClass c);
    static ValueClass classFromName(const QString &name);

    // The first of `count` new versions for `table` on this connection (see above).
    static quint64 nextVersions(DbConnection &conn, const QString &table, qint64 count);
};

} // namespace tidemark
