#include "db/dialect_sqlite.h"

#include "db/dbconnection.h"
#include "db/identifier.h"

#include <QSqlQuery>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace tidemark {

QString SqliteDialect::qtDriverName() const
{
    return u"QSQLITE"_s;
}

QString SqliteDialect::quote(const QString &identifier) const
{
    return quoteIdentifierWith(identifier, u'"');
}

QString SqliteDialect::upsert(const QString &table, const QStringList &columns,
                              const QStringList &keyColumns, int rowCount,
                              const QStringList &placeholders) const
{
    return insertOnConflict(table, columns, keyColumns, rowCount, placeholders);
}

QString SqliteDialect::cursorLowerBound(const ColumnInfo &, const QVariant &checkpointCursor,
                                        qint64 amount) const
{
    const int type = checkpointCursor.metaType().id();
    const bool numeric = type == QMetaType::LongLong || type == QMetaType::Int
            || type == QMetaType::Double || type == QMetaType::ULongLong;
    if (numeric)
        return u"(? - "_s + QString::number(amount) + u')';
    // A text timestamp. strftime() answers NULL for text it cannot parse; a NULL bound would
    // re-read nothing, so fall back to '' (below every text): re-read everything rather than
    // miss a late row. Its output uses a space separator; compared with an ISO 'T' value of the
    // same day it sorts lower, which again only widens the window.
    return u"COALESCE(strftime('%Y-%m-%d %H:%M:%f', ?, '-"_s + QString::number(amount)
            + u" seconds'), '')"_s;
}

QString SqliteDialect::keyIn(const QStringList &keyColumns, int keyCount) const
{
    if (keyColumns.size() == 1)
        return Dialect::keyIn(keyColumns, keyCount);
    // SQLite accepts a row value on the left of IN only with a subquery on the right.
    QString tuple = u"("_s;
    for (qsizetype i = 0; i < keyColumns.size(); ++i)
        tuple += i == 0 ? u"?"_s : u", ?"_s;
    tuple += u')';
    QStringList tuples;
    tuples.reserve(keyCount);
    for (int i = 0; i < keyCount; ++i)
        tuples << tuple;
    return u"("_s + columnList(keyColumns) + u") IN (VALUES "_s + tuples.join(u", "_s) + u')';
}

ValueClass SqliteDialect::classify(const QString &declaredType)
{
    const QString t = declaredType.toUpper();
    if (t.contains(u"BOOL"))
        return ValueClass::Boolean;
    if (t.contains(u"TIMESTAMP") || t.contains(u"DATETIME"))
        return t.contains(u"TIME ZONE") || t.contains(u"TZ") ? ValueClass::TimestampTz
                                                             : ValueClass::Timestamp;
    if (t.startsWith(u"DATE"))
        return ValueClass::Date;
    if (t.startsWith(u"TIME"))
        return ValueClass::Time;
    if (t.contains(u"JSON"))
        return ValueClass::Json;
    // Before the TEXT rule: "DECIMAL TEXT" (what prepare declares for exact decimals) is a
    // decimal kept as text.
    if (t.contains(u"DEC") || t.contains(u"NUMERIC"))
        return ValueClass::Decimal;
    // SQLite's own affinity rules, in its order (https://sqlite.org/datatype3.html 3.1).
    if (t.contains(u"INT"))
        return ValueClass::Integer;
    if (t.contains(u"CHAR") || t.contains(u"CLOB") || t.contains(u"TEXT"))
        return ValueClass::Text;
    if (t.contains(u"BLOB") || t.isEmpty())
        return ValueClass::Blob;
    if (t.contains(u"REAL") || t.contains(u"FLOA") || t.contains(u"DOUB"))
        return ValueClass::Real;
    return ValueClass::Unknown;
}

TableSchema SqliteDialect::describeTable(DbConnection &conn, const QString &table) const
{
    TableSchema schema;
    schema.table = table;
    schema.sourceKind = DriverKind::Sqlite;
    // The table-valued pragma takes the name as a bound value: no quoting involved.
    QSqlQuery q = conn.exec(u"SELECT name, type, \"notnull\", pk FROM pragma_table_info(?) "
                            "ORDER BY cid"_s,
                            {table});
    QList<std::pair<int, QString>> pk;
    while (q.next()) {
        ColumnInfo c;
        c.name = q.value(0).toString();
        c.declaredType = q.value(1).toString();
        c.valueClass = classify(c.declaredType);
        c.nullable = q.value(2).toInt() == 0;
        c.precision = -1;
        schema.columns << c;
        if (const int pos = q.value(3).toInt(); pos > 0)
            pk.append({pos, c.name});
    }
    std::sort(pk.begin(), pk.end());
    for (const auto &entry : pk)
        schema.primaryKey << entry.second;
    return schema;
}

namespace {

QString sqliteTypeFor(const ColumnInfo &c, DriverKind sourceKind)
{
    if (sourceKind == DriverKind::Sqlite)
        return c.declaredType;   // same engine: the declared type means the same thing
    switch (c.valueClass) {
    case ValueClass::Integer: return u"INTEGER"_s;
    case ValueClass::Boolean: return u"BOOLEAN"_s;
    case ValueClass::Real: return u"REAL"_s;
    case ValueClass::Blob: return u"BLOB"_s;
    // Decimals, dates, times and JSON are declared with TEXT in the name, which gives them TEXT
    // affinity: a column declared plain DECIMAL, DATE or JSON gets NUMERIC affinity, which turns
    // "12.50" into 12.5 and 123.4500000000000000001 into a double. The first word keeps the
    // class for classify().
    case ValueClass::Decimal: return u"DECIMAL TEXT"_s;
    case ValueClass::Timestamp: return u"TIMESTAMP TEXT"_s;
    case ValueClass::TimestampTz: return u"TIMESTAMPTZ TEXT"_s;
    case ValueClass::Date: return u"DATE TEXT"_s;
    case ValueClass::Time: return u"TIME TEXT"_s;
    case ValueClass::Json: return u"JSON TEXT"_s;
    case ValueClass::Text:
    case ValueClass::Unknown: break;
    }
    return u"TEXT"_s;
}

} // namespace

QString SqliteDialect::createMirrorTable(const QString &table, const TableSchema &source,
                                         const QStringList &columns,
                                         const QStringList &key) const
{
    QStringList defs;
    for (const QString &name : columns) {
        const ColumnInfo *c = source.column(name);
        Q_ASSERT(c);
        QString def = quote(name);
        const QString type = sqliteTypeFor(*c, source.sourceKind);
        if (!type.isEmpty())
            def += u' ' + type;
        if (!c->nullable || key.contains(name))
            def += u" NOT NULL"_s;
        defs << def;
    }
    defs << u"PRIMARY KEY ("_s + columnList(key) + u')';
    return u"CREATE TABLE "_s + quote(table) + u" (\n  "_s + defs.join(u",\n  "_s) + u"\n)"_s;
}

void SqliteDialect::configureSession(DbConnection &) const
{
    // Busy timeout is a connect option (QSQLITE_BUSY_TIMEOUT); SQLite keeps no time zone.
}

QString SqliteDialect::createStateTable(const QString &table) const
{
    return u"CREATE TABLE IF NOT EXISTS "_s + quote(table)
            + u" (mapping TEXT PRIMARY KEY, cursor_value TEXT, key_value TEXT, checkpoint_at TEXT,"
              " last_kind TEXT, last_started_at TEXT, last_finished_at TEXT,"
              " last_rows_written INTEGER, last_rows_deleted INTEGER, last_result TEXT,"
              " last_error TEXT, last_note TEXT, orphans INTEGER, orphans_at TEXT)"_s;
}

QString SqliteDialect::beginTransaction() const
{
    return u"BEGIN IMMEDIATE"_s;
}

} // namespace tidemark
