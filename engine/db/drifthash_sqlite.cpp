// SQLite's part of drift hashing. SQLite has no MD5, so each connection that hashes gets a
// deterministic function, tidemark_hash(rules, v1, v2, ...), registered through the driver's
// handle: it reads each value as QSQLITE would (integer, real, text, blob, NULL) and encodes it
// with the same C++ encoder the differ uses for streamed rows (drift/rowencoding.h), so the two
// cannot disagree. `rules` holds one letter per value (ruleLetter()).
#include "db/dialect_sqlite.h"

#include "db/dbconnection.h"
#include "db/dberror.h"
#include "drift/rowencoding.h"

#include <QSqlDriver>

#include <sqlite3.h>

using namespace Qt::StringLiterals;

namespace tidemark {

namespace {

QVariant valueOf(sqlite3_value *v)
{
    switch (sqlite3_value_type(v)) {
    case SQLITE_INTEGER: return qlonglong(sqlite3_value_int64(v));
    case SQLITE_FLOAT: return sqlite3_value_double(v);
    case SQLITE_TEXT: {
        const auto *text = reinterpret_cast<const char *>(sqlite3_value_text(v));
        return QString::fromUtf8(text, sqlite3_value_bytes(v));
    }
    case SQLITE_BLOB: {
        const auto *blob = static_cast<const char *>(sqlite3_value_blob(v));
        return QByteArray(blob ? blob : "", sqlite3_value_bytes(v));
    }
    default: return QVariant(QMetaType::fromType<QString>());   // NULL
    }
}

void tidemarkHash(sqlite3_context *context, int argc, sqlite3_value **argv)
{
    if (argc < 1 || sqlite3_value_type(argv[0]) != SQLITE_TEXT) {
        sqlite3_result_error(context, "tidemark_hash: the first argument is the rules text", -1);
        return;
    }
    const QByteArray rules(reinterpret_cast<const char *>(sqlite3_value_text(argv[0])),
                           sqlite3_value_bytes(argv[0]));
    if (rules.size() != argc - 1) {
        sqlite3_result_error(context, "tidemark_hash: one rule letter per value", -1);
        return;
    }
    thread_local QByteArray row;   // keeps its capacity from row to row
    row.resize(0);
    for (int i = 1; i < argc; ++i) {
        const QVariant v = valueOf(argv[i]);
        appendEncoded(row, v, ruleFromLetter(QChar::fromLatin1(rules.at(i - 1))));
    }
    sqlite3_result_int64(context, sqlite3_int64(rowHash(row)));
}

} // namespace

QString SqliteDialect::hashPayload(const ColumnInfo &column, const HashRule &) const
{
    return quote(column.name);   // every class: the registered function encodes it
}

QString SqliteDialect::rowHashExpression(DbConnection &, const QList<ColumnInfo> &columns,
                                         const QList<HashRule> &rules) const
{
    QString letters;
    for (const HashRule &r : rules)
        letters += ruleLetter(r);
    QString sql = u"tidemark_hash('"_s + letters + u'\'';
    for (const ColumnInfo &c : columns)
        sql += u", "_s + quote(c.name);
    return sql + u')';
}

QString SqliteDialect::hashSums(const QString &alias) const
{
    return u"count(*), coalesce(sum(("_s + alias + u" >> 32) & 4294967295), 0), coalesce(sum("_s
            + alias + u" & 4294967295), 0)"_s;
}

void SqliteDialect::prepareHashing(DbConnection &conn) const
{
    const QVariant handle = conn.database().driver()->handle();
    sqlite3 *db = nullptr;
    if (handle.isValid() && qstrcmp(handle.typeName(), "sqlite3*") == 0)
        db = *static_cast<sqlite3 *const *>(handle.data());
    if (!db)
        throw DbError(DbError::Kind::Permanent,
                      conn.describe() + u": the SQLite driver gives no handle to register the hash function on"_s);
    const int rc = sqlite3_create_function_v2(db, "tidemark_hash", -1,
                                              SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr,
                                              tidemarkHash, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK)
        throw DbError(DbError::Kind::Permanent,
                      conn.describe() + u": cannot register tidemark_hash: "_s
                              + QString::fromUtf8(sqlite3_errmsg(db)));
}

QString SqliteDialect::binaryKeyExpression(DbConnection &, const QString &,
                                           const ColumnInfo &column) const
{
    // A column declared COLLATE NOCASE would order 'a' and 'A' together.
    return quote(column.name) + u" COLLATE BINARY"_s;
}

QString SqliteDialect::createDriftTable(const QString &table) const
{
    return u"CREATE TABLE IF NOT EXISTS "_s + quote(table)
            + u" (mapping TEXT NOT NULL, checked_at TEXT NOT NULL, source_rows INTEGER,"
              " mirror_rows INTEGER, missing INTEGER, extra INTEGER, changed INTEGER, drift_rows INTEGER,"
              " duration_ms INTEGER, key_from TEXT, key_to TEXT, segments TEXT,"
              " PRIMARY KEY (mapping, checked_at))"_s;
}

} // namespace tidemark
