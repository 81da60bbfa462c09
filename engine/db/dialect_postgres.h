#pragma once
// PostgreSQL through QPSQL. What the driver does to values, and what this dialect does about it:
//
//  - QPSQL binds every value as an SQL literal: QSqlQuery::prepare() becomes `PREPARE ... AS`
//    and exec() becomes `EXECUTE name ('literal', ...)`. A quoted literal is coerced to the type
//    the server inferred for its parameter (the INSERT target column, the other side of a
//    comparison), so a canonical value bound as text ("12345678901234567890.1234567890",
//    "2026-11-21 10:15:00.123456", "-0", "NaN") arrives exactly; a C++ double would be printed
//    by the driver, and -0.0 printed as the integer literal -0 arrives as +0.
//  - QPSQL reads NUMERIC as double and timestamps as millisecond QDateTime, so those columns
//    are selected as text (see selectExpression) and made canonical here.
//  - bytea comes back byte for byte (QPSQL sets bytea_output=escape and unescapes with libpq);
//    int8 comes back as qulonglong when positive, qlonglong when negative, both exact.

#include "db/dialect.h"

namespace tidemark {

class PostgresDialect final : public Dialect
{
public:
    DriverKind kind() const override { return DriverKind::Postgres; }
    QString qtDriverName() const override;
    QString quote(const QString &identifier) const override;
    QString upsert(const QString &table, const QStringList &columns, const QStringList &keyColumns,
                   int rowCount, const QStringList &placeholders = {}) const override;
    // PostgreSQL's wire protocol counts parameters in 16 bits.
    int maxBindValues() const override { return 65535; }
    // Batches of kMinCopyRows rows or more go through COPY into a staging table (db/pgcopy.h)
    // when the build has libpq; smaller ones are cheaper as one multi-row upsert.
    static constexpr int kMinCopyRows = 32;
    bool bulkUpsert(DbConnection &conn, const TableCodec &codec, const QString &table,
                    const QStringList &keyColumns, const QList<QVariantList> &rows,
                    bool keysAbsent = false) const override;

    QString selectExpression(const ColumnInfo &column) const override;
    QVariant toCanonical(const ColumnInfo &column, const QVariant &driverValue) const override;
    QVariant fromCanonical(const ColumnInfo &column, const QVariant &canonical) const override;

    QString cursorLowerBound(const ColumnInfo &cursor, const QVariant &checkpointCursor,
                             qint64 amount) const override;
    TableSchema describeTable(DbConnection &conn, const QString &table) const override;
    bool hasIndexLeadingWith(DbConnection &conn, const QString &table,
                             const QString &column) const override;
    QStringList cursorUpdaters(DbConnection &conn, const QString &table,
                               const QString &column) const override;
    QString createMirrorTable(const QString &table, const TableSchema &source,
                              const QStringList &columns, const QStringList &key) const override;
    void configureSession(DbConnection &conn) const override;
    int socketDescriptor(DbConnection &conn) const override;
    QString lossReason(const ColumnInfo &source, const ColumnInfo &mirror) const override;
    QString createStateTable(const QString &table) const override;
    QString hashPayload(const ColumnInfo &column, const HashRule &rule) const override;
    QString rowHashExpression(DbConnection &conn, const QList<ColumnInfo> &columns,
                              const QList<HashRule> &rules) const override;
    QString hashSums(const QString &alias) const override;
    QString binaryKeyExpression(DbConnection &conn, const QString &table,
                                const ColumnInfo &column) const override;
    QString createDriftTable(const QString &table) const override;
    QString forUpdate() const override { return QStringLiteral(" FOR UPDATE"); }

    // `typeName` is pg_type.typname of the column's (base) type, e.g. "int8", "timestamptz".
    static ValueClass classify(const QString &typeName);
    // The PostgreSQL type a mirror column gets for a column read by another dialect.
    static QString mirrorTypeFor(const ColumnInfo &column);

    // Canonical text forms (db/valuecodec.h) of PostgreSQL's text output.
    static QString canonicalDecimal(const QString &text);
    static QString canonicalTime(const QString &text);      // trailing fractional zeros off
    static QString canonicalTimestamp(const QString &text); // UTC, no zone suffix
};

} // namespace tidemark
