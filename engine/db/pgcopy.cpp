#include "db/pgcopy.h"

#include "db/dbconnection.h"
#include "db/dberror.h"
#include "db/tablecodec.h"

#include <QAtomicInteger>
#include <QLocale>
#include <QSqlDriver>
#include <QSqlError>

#include <cmath>

#ifdef TIDEMARK_HAVE_LIBPQ
#include <libpq-fe.h>
#endif

using namespace Qt::StringLiterals;

namespace tidemark {

namespace {

// One byte of a text value in COPY's text format: backslash and the characters that end a
// field or a row are escaped.
inline void appendEscapedByte(QByteArray &out, char ch)
{
    switch (ch) {
    case '\\': out += "\\\\"; break;
    case '\t': out += "\\t"; break;
    case '\n': out += "\\n"; break;
    case '\r': out += "\\r"; break;
    default: out += ch;
    }
}

void appendEscaped(QByteArray &out, const QByteArray &utf8)
{
    out.reserve(out.size() + utf8.size() + 8);
    for (const char ch : utf8)
        appendEscapedByte(out, ch);
}

void appendValue(QByteArray &out, const QVariant &v)
{
    if (!v.isValid() || v.isNull()) {
        out += "\\N";
        return;
    }
    switch (v.metaType().id()) {
    case QMetaType::Bool: out += v.toBool() ? 't' : 'f'; return;
    case QMetaType::Int:
    case QMetaType::LongLong:
    case QMetaType::Long:
    case QMetaType::Short: out += QByteArray::number(v.toLongLong()); return;
    case QMetaType::UInt:
    case QMetaType::ULongLong:
    case QMetaType::ULong:
    case QMetaType::UShort: out += QByteArray::number(v.toULongLong()); return;
    case QMetaType::QByteArray:
        // bytea's hex input form; the backslash itself is escaped for COPY.
        out += "\\\\x";
        out += v.toByteArray().toHex();
        return;
    case QMetaType::Double: {
        // The dialect binds doubles as text; should one arrive, keep it exact.
        const double d = v.toDouble();
        if (std::isnan(d))
            out += "NaN";
        else if (std::isinf(d))
            out += d > 0 ? "Infinity" : "-Infinity";
        else
            out += QByteArray::number(d, 'g', QLocale::FloatingPointShortest);
        return;
    }
    case QMetaType::QString: {
        // Most texts are ASCII (decimals, timestamps, names): written straight from the
        // QString, without a UTF-8 copy of each value first.
        const QString &text = *static_cast<const QString *>(v.constData());
        const QChar *c = text.constData();
        const qsizetype n = text.size();
        qsizetype i = 0;
        while (i < n && c[i].unicode() < 0x80)
            ++i;
        if (i < n) {
            appendEscaped(out, text.toUtf8());
            return;
        }
        for (i = 0; i < n; ++i)
            appendEscapedByte(out, char(c[i].unicode()));
        return;
    }
    default: appendEscaped(out, v.toString().toUtf8());
    }
}

} // namespace

void appendCopyRow(QByteArray &out, const QVariantList &driverValues)
{
    for (qsizetype i = 0; i < driverValues.size(); ++i) {
        if (i > 0)
            out += '\t';
        appendValue(out, driverValues.at(i));
    }
    out += '\n';
}

#ifndef TIDEMARK_HAVE_LIBPQ

bool copyUpsertAvailable()
{
    return false;
}

bool copyUpsert(DbConnection &, const TableCodec &, const QString &, const QStringList &,
                const QList<QVariantList> &, bool)
{
    return false;
}

int libpqSocket(DbConnection &)
{
    return -1;
}

#else

bool copyUpsertAvailable()
{
    return true;
}

namespace {

PGconn *pgConnection(DbConnection &conn)
{
    const QSqlDriver *driver = conn.database().driver();
    if (!driver)
        return nullptr;
    const QVariant handle = driver->handle();
    // Qt 6 names the type after the struct behind libpq's typedef ("pg_conn*"); Qt 5 and the
    // documentation say "PGconn*".
    if (!handle.isValid()
        || (qstrcmp(handle.typeName(), "pg_conn*") != 0
            && qstrcmp(handle.typeName(), "PGconn*") != 0))
        return nullptr;
    return *static_cast<PGconn *const *>(handle.constData());
}

// A libpq failure as the QSqlError QPSQL would have made, so DbError classifies it the same
// way (SQLSTATE class 08 and a dead connection are transient).
[[noreturn]] void throwPgError(DbConnection &conn, PGconn *pg, PGresult *result, const QString &sql)
{
    QString code;
    if (result)
        code = QString::fromLatin1(PQresultErrorField(result, PG_DIAG_SQLSTATE));
    const QString text = QString::fromUtf8(PQerrorMessage(pg)).trimmed();
    if (result)
        PQclear(result);
    while (PGresult *rest = PQgetResult(pg))
        PQclear(rest);
    const QSqlError::ErrorType type =
            PQstatus(pg) == CONNECTION_BAD ? QSqlError::ConnectionError : QSqlError::StatementError;
    throw conn.failure(conn.describe() + u" (COPY into a staging table)"_s,
                           QSqlError(u"QPSQL: COPY failed"_s, text, type, code), sql);
}

// Sends `data` in pieces; libpq buffers and flushes as it goes.
void putCopyData(DbConnection &conn, PGconn *pg, const QByteArray &data, const QString &sql)
{
    if (data.isEmpty())
        return;
    if (PQputCopyData(pg, data.constData(), int(data.size())) != 1)
        throwPgError(conn, pg, nullptr, sql);
}

} // namespace

int libpqSocket(DbConnection &conn)
{
    PGconn *pg = pgConnection(conn);
    return pg ? PQsocket(pg) : -1;
}

namespace {

// COPY `rows` into `target` (already quoted) in 1 MB pieces.
void copyRows(DbConnection &conn, PGconn *pg, const TableCodec &codec, const QString &target,
              const QString &columnList, const QList<QVariantList> &rows)
{
    const QString copySql = u"COPY "_s + target + u" ("_s + columnList + u") FROM STDIN"_s;
    PGresult *started = PQexec(pg, copySql.toUtf8().constData());
    if (PQresultStatus(started) != PGRES_COPY_IN)
        throwPgError(conn, pg, started, copySql);
    PQclear(started);
    constexpr qsizetype kChunkBytes = 1024 * 1024;
    QByteArray chunk;
    chunk.reserve(kChunkBytes + 64 * 1024);
    for (const QVariantList &row : rows) {
        // Value by value: no list of driver values per row.
        for (qsizetype i = 0; i < row.size(); ++i) {
            if (i > 0)
                chunk += '\t';
            appendValue(chunk, codec.toDriver(i, row.at(i)));
        }
        chunk += '\n';
        if (chunk.size() >= kChunkBytes) {
            putCopyData(conn, pg, chunk, copySql);
            chunk.clear();
        }
    }
    putCopyData(conn, pg, chunk, copySql);
    if (PQputCopyEnd(pg, nullptr) != 1)
        throwPgError(conn, pg, nullptr, copySql);
    PGresult *done = PQgetResult(pg);
    if (PQresultStatus(done) != PGRES_COMMAND_OK)
        throwPgError(conn, pg, done, copySql);
    PQclear(done);
    while (PGresult *rest = PQgetResult(pg))
        PQclear(rest);
}

} // namespace

bool copyUpsert(DbConnection &conn, const TableCodec &codec, const QString &table,
                const QStringList &keyColumns, const QList<QVariantList> &rows, bool keysAbsent)
{
    PGconn *pg = pgConnection(conn);
    // Only inside an open, healthy transaction with nothing in flight: the staging table is
    // dropped at COMMIT, and libpq refuses a new command while QPSQL still reads a result.
    if (!pg || PQtransactionStatus(pg) != PQTRANS_INTRANS)
        return false;
    if (rows.isEmpty())
        return true;
    conn.watch();   // libpq calls below bypass DbConnection::exec

    const Dialect &d = conn.dialect();
    const QStringList &columns = codec.columns();
    const QString columnList = d.columnList(columns);
    if (keysAbsent) {
        // The caller looked these keys up in this transaction and found none: straight into
        // the table, with no staging table and no conflict handling (a backfill into an empty
        // mirror). Should a key appear meanwhile after all, the COPY fails on the primary key
        // and the batch rolls back; the next attempt finds the key and takes the upsert.
        copyRows(conn, pg, codec, d.quote(table), columnList, rows);
        return true;
    }
    // A staging table of the mirror's column types, dropped by the transaction's COMMIT (or
    // ROLLBACK), so a changed mirror table never meets a stale one. A fresh name for every
    // batch: a second batch in the same transaction needs no TRUNCATE (which costs a new file
    // for the table each time).
    static QAtomicInteger<quint64> batchCounter;
    const QString stage = d.quote(u"tidemark_stage_%1"_s.arg(batchCounter.fetchAndAddRelaxed(1)));
    conn.exec(u"CREATE TEMPORARY TABLE "_s + stage + u" ON COMMIT DROP AS SELECT "_s + columnList
              + u" FROM "_s + d.quote(table) + u" WITH NO DATA"_s);
    copyRows(conn, pg, codec, stage, columnList, rows);

    QStringList sets;
    for (const QString &c : columns)
        if (!keyColumns.contains(c))
            sets << d.quote(c) + u" = EXCLUDED."_s + d.quote(c);
    conn.exec(u"INSERT INTO "_s + d.quote(table) + u" ("_s + columnList + u") SELECT "_s
              + columnList + u" FROM "_s + stage + u" ON CONFLICT ("_s + d.columnList(keyColumns)
              + u") DO "_s
              + (sets.isEmpty() ? u"NOTHING"_s : u"UPDATE SET "_s + sets.join(u", "_s)));
    return true;
}

#endif

} // namespace tidemark
