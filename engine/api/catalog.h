#pragma once
// What the mapping editor needs from a source database's catalog: its tables, one table's
// columns (through the dialect's own introspection, the same the engine validates with), and
// suggestions for the key and the cursor column.
//
// The reads block, so the GUI runs them through CatalogReader, which opens, uses and removes a
// connection in a thread of its own for every request.

#include "db/tableschema.h"
#include "project/projectconfig.h"
#include "run/workerthread.h"

#include <QMetaType>
#include <QObject>
#include <QStringList>

#include <vector>

namespace tidemark {

class DbConnection;

// The tables and views a mapping can read, sorted, without Tidemark's own state table.
// PostgreSQL: those visible through the session's search_path (how the engine resolves an
// unqualified name); MariaDB: those of the connection's database. Throws DbError.
QStringList listTables(DbConnection &conn);

struct CursorSuggestion
{
    QString column;  // empty: no column looks like a cursor
    QString reason;  // "a timestamp named like a modification time, NOT NULL"
};

// The source table's primary key; empty when it has none (the user must choose one).
QStringList suggestKey(const TableSchema &schema);

// A column whose value grows on every insert and update: a timestamp or an integer named like
// updated_at / modified / version. NOT NULL is preferred (rows with a NULL cursor are only
// found by backfills). Key columns and creation times are never suggested: an id or a
// created_at does not change when a row is updated, so updates would never reach the mirror.
CursorSuggestion suggestCursor(const TableSchema &schema);

struct CatalogTables
{
    QString connection;
    QStringList tables;
    QString error; // set when the read failed; `tables` is then empty
};

struct CatalogTable
{
    QString connection;
    TableSchema schema; // !exists() with `error` empty: no such table
    QString error;
};

class CatalogReader : public QObject
{
    Q_OBJECT
public:
    explicit CatalogReader(QObject *parent = nullptr);
    ~CatalogReader() override; // waits for reads still running

    // Each request runs in its own thread and answers with the signal below. A newer request
    // of the same kind supersedes an older one: the older result is dropped, so a slow answer
    // for a table the user has left never overwrites the one now shown.
    void requestTables(const ConnectionConfig &connection);
    void requestTable(const ConnectionConfig &connection, const QString &table);
    bool isBusy() const { return m_tablesPending || m_tablePending; }

Q_SIGNALS:
    void tablesRead(const tidemark::CatalogTables &result);
    void tableRead(const tidemark::CatalogTable &result);

private:
    template<typename Work>
    void run(const QString &what, Work work);
    void reapThreads();

    std::vector<WorkerThread> m_threads; // finished ones are reaped on the next request
    quint64 m_tablesGeneration = 0;
    quint64 m_tableGeneration = 0;
    bool m_tablesPending = false;
    bool m_tablePending = false;
};

} // namespace tidemark

Q_DECLARE_METATYPE(tidemark::CatalogTables)
Q_DECLARE_METATYPE(tidemark::CatalogTable)
