#pragma once

#include "db/dialect.h"

namespace tidemark {

class SqliteDialect final : public Dialect
{
public:
    DriverKind kind() const override { return DriverKind::Sqlite; }
    QString qtDriverName() const override;
    QString quote(const QString &identifier) const override;
    QString upsert(const QString &table, const QStringList &columns,
                   const QStringList &keyColumns, int rowCount,
                   const QStringList &placeholders = {}) const override;
    int maxBindValues() const override { return 32766; }
    QString cursorLowerBound(const ColumnInfo &cursor, const QVariant &checkpointCursor,
                             qint64 amount) const override;
    QString keyIn(const QStringList &keyColumns, int keyCount) const override;
    TableSchema describeTable(DbConnection &conn, const QString &table) const override;
    bool hasIndexLeadingWith(DbConnection &conn, const QString &table,
                             const QString &column) const override;
    QStringList cursorUpdaters(DbConnection &conn, const QString &table,
                               const QString &column) const override;
    QString createMirrorTable(const QString &table, const TableSchema &source,
                              const QStringList &columns, const QStringList &key) const override;
    void configureSession(DbConnection &conn) const override;
    QString createStateTable(const QString &table) const override;
    QString hashPayload(const ColumnInfo &column, const HashRule &rule) const override;
    QString rowHashExpression(DbConnection &conn, const QList<ColumnInfo> &columns,
                              const QList<HashRule> &rules) const override;
    QString hashSums(const QString &alias) const override;
    QString binaryKeyExpression(DbConnection &conn, const QString &table,
                                const ColumnInfo &column) const override;
    QString createDriftTable(const QString &table) const override;
    void prepareHashing(DbConnection &conn) const override;
    // A deferred BEGIN takes the write lock at the first write. In WAL mode, when another
    // connection committed after this transaction's first read, that upgrade fails at once
    // with "database is locked" (SQLITE_BUSY_SNAPSHOT), without waiting out the busy timeout:
    // a sync beside a drift check or a second process lost its batch that way. IMMEDIATE takes
    // the write lock at BEGIN, where the busy timeout applies; readers are not blocked.
    QString beginTransaction() const override;

    static ValueClass classify(const QString &declaredType);
};

} // namespace tidemark
