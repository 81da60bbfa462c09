// What each dialect's catalog tells about a cursor column: is it the leading column of an
// index, and does anything in the database move it when a row is updated? validate turns the
// answers into warnings (sync/cursorwarnings.h). Kept apart from the dialect files, which are
// about reading and writing rows.

#include "db/dbconnection.h"
#include "db/dialect_mariadb.h"
#include "db/dialect_postgres.h"
#include "db/dialect_sqlite.h"

#include <QRegularExpression>
#include <QSqlQuery>

using namespace Qt::StringLiterals;

namespace tidemark {

namespace {

// Does `code` (a trigger's body) name `column` as a word of its own? `updated_at` is not
// mentioned by `updated_at_old`; the case is ignored, as every dialect here ignores it in
// unquoted column names.
bool mentions(const QString &code, const QString &column)
{
    const QRegularExpression word(u"(?<![\\w$])"_s + QRegularExpression::escape(column)
                                          + u"(?![\\w$])"_s,
                                  QRegularExpression::CaseInsensitiveOption
                                          | QRegularExpression::UseUnicodePropertiesOption);
    return word.match(code).hasMatch();
}

// QMYSQL returns information_schema text with a binary collation as QByteArray.
QString catalogText(const QVariant &v)
{
    return v.metaType().id() == QMetaType::QByteArray ? QString::fromUtf8(v.toByteArray())
                                                      : v.toString();
}

} // namespace

// --- SQLite -------------------------------------------------------------------------------

bool SqliteDialect::hasIndexLeadingWith(DbConnection &conn, const QString &table,
                                        const QString &column) const
{
    // An INTEGER PRIMARY KEY is the rowid itself: the table is ordered by it.
    const TableSchema schema = describeTable(conn, table);
    if (schema.primaryKey == QStringList{column} && schema.column(column)
        && schema.column(column)->declaredType.compare(u"INTEGER"_s, Qt::CaseInsensitive) == 0)
        return true;
    QSqlQuery q = conn.exec(u"SELECT ii.name FROM pragma_index_list(?) AS il,"
                            " pragma_index_info(il.name) AS ii WHERE ii.seqno = 0"_s,
                            {table});
    while (q.next())
        if (q.value(0).toString().compare(column, Qt::CaseInsensitive) == 0)
            return true;
    return false;
}

QStringList SqliteDialect::cursorUpdaters(DbConnection &conn, const QString &table,
                                          const QString &column) const
{
    // SQLite keeps only the trigger's text: the event is in the part before BEGIN
    // ("CREATE TRIGGER t AFTER UPDATE OF u ON items BEGIN ... END").
    static const QRegularExpression begin(u"\\bBEGIN\\b"_s,
                                          QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression update(u"\\bUPDATE\\b"_s,
                                           QRegularExpression::CaseInsensitiveOption);
    QStringList updaters;
    QSqlQuery q = conn.exec(u"SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
                            " AND tbl_name = ? COLLATE NOCASE ORDER BY name"_s,
                            {table});
    while (q.next()) {
        const QString sql = q.value(1).toString();
        const qsizetype bodyAt = sql.indexOf(begin);
        if (bodyAt < 0)
            continue;
        if (sql.left(bodyAt).contains(update) && mentions(sql.mid(bodyAt), column))
            updaters << u"trigger "_s + q.value(0).toString();
    }
    return updaters;
}

// --- PostgreSQL ---------------------------------------------------------------------------
// The table is found as describeTable finds it: the name bound, quoted by the server, and
// looked up through the session's search_path.

bool PostgresDialect::hasIndexLeadingWith(DbConnection &conn, const QString &table,
                                          const QString &column) const
{
    QSqlQuery q = conn.exec(
            u"SELECT a.attname FROM pg_catalog.pg_index i"
            " JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]"
            " WHERE i.indrelid = pg_catalog.to_regclass(pg_catalog.quote_ident(CAST(? AS text)))"_s,
            {table});
    while (q.next())
        if (q.value(0).toString() == column)
            return true;
    return false;
}

QStringList PostgresDialect::cursorUpdaters(DbConnection &conn, const QString &table,
                                            const QString &column) const
{
    // tgtype bit 4 (16) is TRIGGER_TYPE_UPDATE; internal triggers are the ones behind foreign
    // keys, which never set a column of this table.
    QStringList updaters;
    QSqlQuery q = conn.exec(
            u"SELECT t.tgname, p.prosrc FROM pg_catalog.pg_trigger t"
            " JOIN pg_catalog.pg_proc p ON p.oid = t.tgfoid"
            " WHERE t.tgrelid = pg_catalog.to_regclass(pg_catalog.quote_ident(CAST(? AS text)))"
            " AND NOT t.tgisinternal AND (t.tgtype & 16) <> 0 ORDER BY t.tgname"_s,
            {table});
    while (q.next())
        if (mentions(q.value(1).toString(), column))
            updaters << u"trigger "_s + q.value(0).toString();
    return updaters;
}

// --- MariaDB ------------------------------------------------------------------------------
// information_schema may compare table names without regard to case; only the exact name
// counts (describeTable does the same). Column names are compared without case, as MariaDB
// does.

bool MariaDbDialect::hasIndexLeadingWith(DbConnection &conn, const QString &table,
                                         const QString &column) const
{
    QSqlQuery q = conn.exec(u"SELECT TABLE_NAME, COLUMN_NAME FROM information_schema.STATISTICS"
                            " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?"
                            " AND SEQ_IN_INDEX = 1"_s,
                            {table});
    while (q.next())
        if (catalogText(q.value(0)) == table
            && catalogText(q.value(1)).compare(column, Qt::CaseInsensitive) == 0)
            return true;
    return false;
}

QStringList MariaDbDialect::cursorUpdaters(DbConnection &conn, const QString &table,
                                           const QString &column) const
{
    QStringList updaters;
    // EXTRA reads "on update current_timestamp()" (MariaDB) or "... on update CURRENT_TIMESTAMP"
    // (MySQL), with the precision when the column has one.
    QSqlQuery c = conn.exec(u"SELECT TABLE_NAME, COLUMN_NAME, EXTRA FROM information_schema.COLUMNS"
                            " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?"_s,
                            {table});
    while (c.next())
        if (catalogText(c.value(0)) == table
            && catalogText(c.value(1)).compare(column, Qt::CaseInsensitive) == 0
            && catalogText(c.value(2)).contains(u"on update"_s, Qt::CaseInsensitive))
            updaters << u"ON UPDATE CURRENT_TIMESTAMP"_s;
    QSqlQuery t = conn.exec(u"SELECT EVENT_OBJECT_TABLE, TRIGGER_NAME, ACTION_STATEMENT"
                            " FROM information_schema.TRIGGERS"
                            " WHERE EVENT_OBJECT_SCHEMA = DATABASE() AND EVENT_OBJECT_TABLE = ?"
                            " AND EVENT_MANIPULATION = 'UPDATE' ORDER BY TRIGGER_NAME"_s,
                            {table});
    while (t.next())
        if (catalogText(t.value(0)) == table && mentions(catalogText(t.value(2)), column))
            updaters << u"trigger "_s + catalogText(t.value(1));
    return updaters;
}

} // namespace tidemark
