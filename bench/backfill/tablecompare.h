#pragma once
// The end-of-run check: are the source table and the mirror equal, row for row and value for
// value? Both sides are read in key order, in key ranges (QMYSQL buffers a whole result, so one
// SELECT of a million rows would hold them all in memory), as each database's own text for the
// value, then brought to one canonical text per column class and compared.

#include <QSqlDatabase>
#include <QString>
#include <QStringList>

namespace tidemark::bench {

struct TableSide
{
    QSqlDatabase db;
    QString dialect; // "sqlite", "postgres", "mariadb"
    QString table;
};

struct CompareResult
{
    bool equal = false;
    qint64 sourceRows = 0;
    qint64 mirrorRows = 0;
    qint64 differentRows = 0;
    QStringList examples; // the first few differences, for the report
};

CompareResult compareTables(TableSide source, TableSide mirror);

} // namespace tidemark::bench
