#pragma once
// MariaDB (and MySQL, its "mysql" alias) through Qt's QMYSQL driver.
//
// What QMYSQL does to values, and why this dialect reads and binds the way it does:
//  - DATETIME/TIMESTAMP come back as QDateTime with milliseconds: microseconds are lost, so they
//    are selected through DATE_FORMAT(..., '%f').
//  - DECIMAL comes back as a double (the default numerical precision policy): selected as text.
//  - DATE comes back as QDate and TIME as text: both selected as text.
//  - Text columns with a binary collation (utf8mb4_bin, utf8mb4_nopad_bin, and the JSON alias)
//    come back as QByteArray, because the driver looks at the BINARY flag only: made text again.
//  - BIT comes back as an empty string: selected as an unsigned integer.
//  - DOUBLE is exact (the server prints the shortest text that reads back as the same double),
//    but MariaDB stores -0 as 0 and rejects NaN and Infinity.
// Under strict mode the server rejects bad values with an error, except that it cuts extra
// fractional seconds, rounds extra decimal digits and drops the time of a DATE with only a note;
// fromCanonical() refuses those values itself, so nothing is ever changed without an error.

#include "db/dialect.h"

namespace tidemark {

class MariaDbDialect final : public Dialect
{
public:
    DriverKind kind() const override { return DriverKind::MariaDb; }
    QString qtDriverName() const override;
    QString quote(const QString &identifier) const override;

    QString rowGreaterThan(const QStringList &columns) const override;
    QString rowLessOrEqual(const QStringList &columns) const override;
    QVariantList bindRowValues(const QVariantList &values) const override;

    QString upsert(const QString &table, const QStringList &columns, const QStringList &keyColumns,
                   int rowCount, const QStringList &placeholders = {}) const override;
    bool writesLiterals() const override { return true; }
    bool bulkUpsert(DbConnection &conn, const TableCodec &codec, const QString &table,
                    const QStringList &keyColumns, const QList<QVariantList> &rows,
                    bool keysAbsent = false) const override;
    bool appendLiteral(QString &sql, const QVariant &driverValue) const override;
    QString upsertValues(const QString &table, const QStringList &columns,
                         const QStringList &keyColumns, const QString &valuesList) const override;

    QString selectExpression(const ColumnInfo &column) const override;
    QVariant toCanonical(const ColumnInfo &column, const QVariant &driverValue) const override;
    QVariant fromCanonical(const ColumnInfo &column, const QVariant &canonical) const override;

    int maxBindValues() const override { return 65535; }
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
    bool startStatement(DbConnection &conn, const QByteArray &sql,
                        QSqlError &error) const override;
    QSqlError finishStatement(DbConnection &conn) const override;
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
    bool expandsRowComparisons() const override { return true; }

    // information_schema's DATA_TYPE and COLUMN_TYPE to a value class. `isJson`: the column
    // carries MariaDB's json_valid() check (JSON is an alias of LONGTEXT there).
    static ValueClass classify(const QString &dataType, const QString &columnType, bool isJson);

    // The QMYSQL connect options for a connection whose project file gives `projectOptions`
    // (DbConnection::open): timeouts first so the project's win; reconnect always off.
    static QString connectOptions(const ConnectionConfig &config);

private:
    QString expandRowComparison(const QStringList &columns, bool lessOrEqual) const;
};

} // namespace tidemark
