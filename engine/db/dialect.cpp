#include "db/dialect.h"

#include "db/dbconnection.h"
#include "db/dberror.h"
#include "db/dialect_clickhouse.h"
#include "db/dialect_mariadb.h"
#include "db/dialect_postgres.h"
#include "db/dialect_sqlite.h"
#include "db/tablecodec.h"
#include "db/valuecodec.h"

#include <QSqlQuery>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace tidemark {

QString Dialect::createCaptureStateTable(const QString &table) const
{
    // Spelled so that SQLite, PostgreSQL and MariaDB all take it as it is.
    return u"CREATE TABLE IF NOT EXISTS "_s + quote(table)
            + u" (mapping VARCHAR(255) NOT NULL PRIMARY KEY, applied_seq BIGINT NOT NULL,"
              " log_id VARCHAR(64) NOT NULL, applied_at VARCHAR(40))"_s;
}

Dialect::~Dialect() = default;

QStringList Dialect::quoteAll(const QStringList &identifiers) const
{
    QStringList quoted;
    quoted.reserve(identifiers.size());
    for (const QString &id : identifiers)
        quoted << quote(id);
    return quoted;
}

QString Dialect::columnList(const QStringList &identifiers) const
{
    return quoteAll(identifiers).join(u", "_s);
}

namespace {

QString placeholders(qsizetype n)
{
    QString s;
    s.reserve(n * 3);
    for (qsizetype i = 0; i < n; ++i)
        s += i == 0 ? u"?"_s : u", ?"_s;
    return s;
}

} // namespace

QString Dialect::rowGreaterThan(const QStringList &columns) const
{
    if (columns.size() == 1)
        return quote(columns.first()) + u" > ?"_s;
    return u"("_s + columnList(columns) + u") > ("_s + placeholders(columns.size()) + u")"_s;
}

QString Dialect::rowLessOrEqual(const QStringList &columns) const
{
    if (columns.size() == 1)
        return quote(columns.first()) + u" <= ?"_s;
    return u"("_s + columnList(columns) + u") <= ("_s + placeholders(columns.size()) + u")"_s;
}

QVariantList Dialect::bindRowValues(const QVariantList &values) const
{
    return values;
}

QString Dialect::keyIn(const QStringList &keyColumns, int keyCount) const
{
    Q_ASSERT(keyCount > 0);
    if (keyColumns.size() == 1)
        return quote(keyColumns.first()) + u" IN ("_s + placeholders(keyCount) + u')';
    const QString tuple = u"("_s + placeholders(keyColumns.size()) + u')';
    QStringList tuples;
    tuples.reserve(keyCount);
    for (int i = 0; i < keyCount; ++i)
        tuples << tuple;
    return u"("_s + columnList(keyColumns) + u") IN ("_s + tuples.join(u", "_s) + u')';
}

QString Dialect::valuesRow(qsizetype columnCount, const QStringList &placeholders)
{
    Q_ASSERT(placeholders.isEmpty() || placeholders.size() == columnCount);
    QString row = u"("_s;
    for (qsizetype i = 0; i < columnCount; ++i) {
        if (i > 0)
            row += u", "_s;
        row += placeholders.isEmpty() ? u"?"_s : placeholders.at(i);
    }
    row += u')';
    return row;
}

QString Dialect::insertValues(const QString &table, const QStringList &columns, int rowCount,
                              const QStringList &placeholders) const
{
    const QString row = valuesRow(columns.size(), placeholders);
    QStringList rows;
    rows.reserve(rowCount);
    for (int i = 0; i < rowCount; ++i)
        rows << row;
    return u"INSERT INTO "_s + quote(table) + u" ("_s + columnList(columns) + u") VALUES "_s
            + rows.join(u", "_s);
}

QString Dialect::insertOnConflict(const QString &table, const QStringList &columns,
                                  const QStringList &keyColumns, int rowCount,
                                  const QStringList &placeholders) const
{
    QString sql = insertValues(table, columns, rowCount, placeholders) + u" ON CONFLICT ("_s
            + columnList(keyColumns) + u") DO "_s;
    QStringList sets;
    for (const QString &c : columns)
        if (!keyColumns.contains(c))
            sets << quote(c) + u" = excluded."_s + quote(c);
    sql += sets.isEmpty() ? u"NOTHING"_s : u"UPDATE SET "_s + sets.join(u", "_s);
    return sql;
}

QString Dialect::selectExpression(const ColumnInfo &column) const
{
    return quote(column.name);
}

QVariant Dialect::toCanonical(const ColumnInfo &, const QVariant &driverValue) const
{
    return fromDriver(driverValue);
}

QVariant Dialect::fromCanonical(const ColumnInfo &, const QVariant &canonical) const
{
    return canonical;
}

QString Dialect::placeholder(const ColumnInfo &) const
{
    return u"?"_s;
}

bool Dialect::bulkUpsert(DbConnection &, const TableCodec &, const QString &, const QStringList &,
                         const QList<QVariantList> &, bool) const
{
    return false;
}

QSqlError Dialect::finishStatement(DbConnection &) const
{
    return {};
}

bool Dialect::appendLiteral(QString &, const QVariant &) const
{
    return false;
}

QString Dialect::upsertValues(const QString &, const QStringList &, const QStringList &,
                              const QString &) const
{
    throw DbError(DbError::Kind::Permanent,
                  u"the %1 dialect writes no literal statements"_s.arg(driverKindName(kind())));
}

QString Dialect::limit(int rows) const
{
    return u" LIMIT "_s + QString::number(rows);
}

bool Dialect::tableExists(DbConnection &conn, const QString &table) const
{
    return describeTable(conn, table).exists();
}

QString Dialect::lossReason(const ColumnInfo &source, const ColumnInfo &mirror) const
{
    // SQLite keeps whatever it is given in a column without a strict type, so only the
    // affinities that convert values on the way in can lose anything.
    const ValueClass s = source.valueClass;
    const ValueClass m = mirror.valueClass;
    if (s == m || s == ValueClass::Unknown || m == ValueClass::Unknown || m == ValueClass::Blob)
        return {};
    if (m == ValueClass::Text && s != ValueClass::Blob)
        return {};
    if ((m == ValueClass::Integer || m == ValueClass::Boolean)
        && (s == ValueClass::Integer || s == ValueClass::Boolean))
        return {};
    if (m == ValueClass::Real && (s == ValueClass::Integer || s == ValueClass::Decimal))
        return u"mirror column '%1' is %2 (binary floating point); source column '%3' (%4) "
               "would lose exactness"_s
                .arg(mirror.name, mirror.declaredType, source.name, source.declaredType);
    if (m == ValueClass::Integer && (s == ValueClass::Real || s == ValueClass::Decimal))
        return u"mirror column '%1' is %2; fractions in source column '%3' (%4) would be lost"_s
                .arg(mirror.name, mirror.declaredType, source.name, source.declaredType);
    return {};
}

qint64 Dialect::deleteKeys(DbConnection &conn, const QString &table, const TableSchema &schema,
                           const QStringList &keyColumns, const QList<QVariantList> &keys) const
{
    const TableCodec codec(*this, schema, keyColumns);
    const int perChunk = std::max(1, std::min(500, maxBindValues() / int(keyColumns.size())));
    qint64 deleted = 0;
    for (qsizetype start = 0; start < keys.size(); start += perChunk) {
        const qsizetype n = std::min<qsizetype>(perChunk, keys.size() - start);
        QVariantList binds;
        for (qsizetype i = start; i < start + n; ++i)
            binds << codec.toDriver(keyColumns, keys.at(i));
        QSqlQuery q = conn.exec(u"DELETE FROM "_s + quote(table) + u" WHERE "_s
                                        + keyIn(keyColumns, int(n)),
                                binds);
        deleted += std::max(0, q.numRowsAffected());
    }
    return deleted;
}

qint64 Dialect::deleteAllRows(DbConnection &conn, const QString &table, const QStringList &) const
{
    QSqlQuery q = conn.exec(u"DELETE FROM "_s + quote(table));
    return std::max(0, q.numRowsAffected());
}

void Dialect::writeState(DbConnection &conn, const QString &table, const QStringList &columns,
                         const QVariantList &values) const
{
    conn.exec(upsert(table, columns, {columns.first()}, 1), values);
}

QString Dialect::selectState(const QString &table, const QString &keyColumn,
                             const QStringList &columns) const
{
    return u"SELECT "_s + columnList(columns) + u" FROM "_s + quote(table) + u" WHERE "_s
            + quote(keyColumn) + u" = ?"_s;
}

std::unique_ptr<Dialect> Dialect::create(DriverKind kind)
{
    switch (kind) {
    case DriverKind::Sqlite:
        return std::make_unique<SqliteDialect>();
    case DriverKind::Postgres:
        return std::make_unique<PostgresDialect>();
    case DriverKind::MariaDb:
        return std::make_unique<MariaDbDialect>();
    case DriverKind::ClickHouse:
        return std::make_unique<ClickHouseDialect>();
    }
    throw DbError(DbError::Kind::Permanent,
                  u"the %1 driver is not available in this build yet"_s.arg(driverKindName(kind)));
}

} // namespace tidemark
