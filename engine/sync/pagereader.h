#pragma once
// Reads a table by key in a thread of its own, one page ahead of the caller: while the backfill
// compares and writes page n, page n+1 is read and decoded. Reads and writes of a backfill
// otherwise take turns, and on a server source the wait for the read (and the client's work to
// decode it) was a third of a backfill's time.
//
// The reader opens its own connection to the source in its thread (QtSql connections belong
// to the thread that opened them) and keeps at most `depth` pages in hand, so memory stays
// bounded by the page size. Errors on the reading side come out of next() as the same
// DbError; destroying the reader stops it and waits for its thread.

#include "db/tableschema.h"
#include "project/projectconfig.h"

#include <QList>
#include <QStringList>
#include <QVariantList>

#include <atomic>
#include <memory>

namespace tidemark {

class PageReader
{
public:
    PageReader(ConnectionConfig source, TableSchema schema, QString table,
               QStringList selectColumns, QStringList keyColumns, int pageRows,
               const std::atomic<bool> *cancel, int depth = 2);
    ~PageReader();
    PageReader(const PageReader &) = delete;
    PageReader &operator=(const PageReader &) = delete;

    // The next page in key order; false at the end of the table. Throws DbError.
    bool next(QList<QVariantList> &page);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace tidemark
