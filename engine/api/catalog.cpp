#include "api/catalog.h"

#include "db/dberror.h"
#include "db/dbconnection.h"
#include "log/logging.h"
#include "sync/checkpointstore.h"

#include <QSqlQuery>
#include <QThread>

#include <algorithm>
#include <exception>
#include <tuple>

using namespace Qt::StringLiterals;

namespace tidemark {

namespace {

QString tablesQuery(DriverKind kind)
{
    switch (kind) {
    case DriverKind::Sqlite:
        return u"SELECT name FROM sqlite_master WHERE type IN ('table', 'view')"
               " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"_s;
    case DriverKind::Postgres:
        // Visible through search_path: exactly the names describeTable() resolves. Partitions
        // are left out; a mapping reads the partitioned parent.
        return u"SELECT c.relname FROM pg_catalog.pg_class c"
               " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
               " WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND NOT c.relispartition"
               " AND pg_catalog.pg_table_is_visible(c.oid)"
               " AND n.nspname NOT IN ('pg_catalog', 'information_schema')"_s;
    case DriverKind::MariaDb:
        return u"SELECT table_name FROM information_schema.tables"
               " WHERE table_schema = DATABASE()"_s;
    case DriverKind::ClickHouse:
        return u"SELECT name FROM system.tables WHERE database = currentDatabase()"_s;
    }
    return {};
}

QString simplifiedName(const QString &name)
{
    QString out;
    for (const QChar c : name) {
        if (c.isLetterOrNumber())
            out += c.toLower();
    }
    return out;
}

// How much a column's name says "changes on every update". 0: says nothing (or the opposite).
int cursorNameScore(const QString &name)
{
    const QString n = simplifiedName(name);
    // A creation or start time never moves on update; a soft-delete time moves only on delete.
    for (const QString &never : {u"creat"_s, u"insert"_s, u"added"_s, u"start"_s, u"birth"_s,
                                 u"expir"_s, u"delet"_s})
        if (n.contains(never))
            return 0;
    for (const QString &strong : {u"updat"_s, u"modif"_s, u"chang"_s, u"mtime"_s, u"edited"_s})
        if (n.contains(strong))
            return 3;
    if (n.endsWith(u"version"_s) || n == u"rowver"_s || n.contains(u"revision"_s)
        || n == u"rev"_s || n.endsWith(u"seq"_s) || n.contains(u"sequence"_s))
        return 3;
    if (n == u"ts"_s || n.contains(u"timestamp"_s) || n.contains(u"lastsync"_s))
        return 1;
    return 0;
}

bool isTimeClass(ValueClass c)
{
    return c == ValueClass::Timestamp || c == ValueClass::TimestampTz;
}

} // namespace

QStringList listTables(DbConnection &conn)
{
    QStringList tables;
    QSqlQuery q = conn.exec(tablesQuery(conn.config().driver));
    while (q.next())
        tables << q.value(0).toString();
    tables.removeAll(CheckpointStore::tableName());
    std::sort(tables.begin(), tables.end(), [](const QString &a, const QString &b) {
        const int c = a.compare(b, Qt::CaseInsensitive);
        return c != 0 ? c < 0 : a < b;
    });
    return tables;
}

QStringList suggestKey(const TableSchema &schema)
{
    return schema.primaryKey;
}

CursorSuggestion suggestCursor(const TableSchema &schema)
{
    const QStringList key = suggestKey(schema);
    const ColumnInfo *best = nullptr;
    std::tuple<int, int, int> bestRank{0, 0, 0};
    for (const ColumnInfo &c : schema.columns) {
        if (key.contains(c.name))
            continue;
        const int nameScore = cursorNameScore(c.name);
        int classRank = 0;
        if (isTimeClass(c.valueClass))
            classRank = 3;
        else if (c.valueClass == ValueClass::Integer)
            classRank = 2;
        // SQLite has no time type: a timestamp is usually TEXT in ISO form, which orders
        // correctly. Only a name that clearly says "modified" makes a text column a candidate.
        else if (c.valueClass == ValueClass::Text && schema.sourceKind == DriverKind::Sqlite
                 && nameScore >= 3)
            classRank = 1;
        if (classRank == 0 || nameScore == 0)
            continue;
        // An integer needs a name that says version/sequence: a quantity also only grows
        // sometimes, and would silently miss updates.
        if (c.valueClass == ValueClass::Integer && nameScore < 3)
            continue;
        const std::tuple<int, int, int> rank{nameScore, c.nullable ? 0 : 1, classRank};
        if (!best || rank > bestRank) {
            best = &c;
            bestRank = rank;
        }
    }
    if (!best)
        return {};
    QString what;
    if (isTimeClass(best->valueClass))
        what = u"a timestamp"_s;
    else if (best->valueClass == ValueClass::Integer)
        what = u"an integer"_s;
    else
        what = u"a text column (SQLite keeps times as text)"_s;
    const QString named = cursorNameScore(best->name) >= 3
            ? (best->valueClass == ValueClass::Integer ? u" named like a version number"_s
                                                       : u" named like a modification time"_s)
            : u" named like a timestamp"_s;
    const QString nulls = best->nullable
            ? u"; it allows NULL, and rows with a NULL cursor are only copied by a backfill"_s
            : u", NOT NULL"_s;
    return {best->name, what + named + nulls};
}

CatalogReader::CatalogReader(QObject *parent)
    : QObject(parent)
{
    qRegisterMetaType<CatalogTables>();
    qRegisterMetaType<CatalogTable>();
}

CatalogReader::~CatalogReader() = default; // m_threads' deleters wait for each thread

void CatalogReader::reapThreads()
{
    std::erase_if(m_threads, [](const WorkerThread &t) { return t->isFinished(); });
}

template<typename Work>
void CatalogReader::run(const QString &what, Work work)
{
    reapThreads();
    WorkerThread thread(QThread::create(std::move(work)));
    thread->setObjectName(u"tidemark-catalog-"_s + what);
    thread->start();
    m_threads.push_back(std::move(thread));
}

void CatalogReader::requestTables(const ConnectionConfig &connection)
{
    const quint64 generation = ++m_tablesGeneration;
    m_tablesPending = true;
    // `this` outlives the thread (the destructor waits for it), so the queued call is safe.
    run(u"tables"_s, [this, connection, generation] {
        CatalogTables result;
        result.connection = connection.name;
        try {
            DbConnection conn(connection, u"catalog"_s);
            conn.open();
            result.tables = listTables(conn);
        } catch (const DbError &e) {
            result.error = e.message();
        } catch (const std::exception &e) {
            result.error = connection.describe() + u": "_s + QString::fromLocal8Bit(e.what());
        }
        if (!result.error.isEmpty())
            logger("api.catalog")->warn("could not list the tables of {}: {}",
                                        connection.describe(), result.error);
        QMetaObject::invokeMethod(
                this,
                [this, generation, result] {
                    if (generation != m_tablesGeneration)
                        return;
                    m_tablesPending = false;
                    Q_EMIT tablesRead(result);
                },
                Qt::QueuedConnection);
    });
}

void CatalogReader::requestTable(const ConnectionConfig &connection, const QString &table)
{
    const quint64 generation = ++m_tableGeneration;
    m_tablePending = true;
    run(u"table"_s, [this, connection, table, generation] {
        CatalogTable result;
        result.connection = connection.name;
        result.schema.table = table;
        try {
            DbConnection conn(connection, u"catalog"_s);
            conn.open();
            result.schema = conn.dialect().describeTable(conn, table);
            result.schema.table = table;
        } catch (const DbError &e) {
            result.error = e.message();
        } catch (const std::exception &e) {
            result.error = connection.describe() + u": "_s + QString::fromLocal8Bit(e.what());
        }
        if (!result.error.isEmpty())
            logger("api.catalog")->warn("could not read table '{}' of {}: {}", table,
                                        connection.describe(), result.error);
        QMetaObject::invokeMethod(
                this,
                [this, generation, result] {
                    if (generation != m_tableGeneration)
                        return;
                    m_tablePending = false;
                    Q_EMIT tableRead(result);
                },
                Qt::QueuedConnection);
    });
}

} // namespace tidemark
