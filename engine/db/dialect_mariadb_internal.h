#pragma once
// What the three files of the MariaDB dialect share: dialect_mariadb.cpp (quoting, SQL shapes,
// session set-up), dialect_mariadb_values.cpp (reading and binding values) and
// dialect_mariadb_catalog.cpp (the catalog, the tables we create, lossReason). Internal to
// them; nothing else includes it.

#include "db/tableschema.h"

#include <QString>
#include <QVariant>

#include <optional>

namespace tidemark::mariadbdialect {

// A text QMYSQL returns: a QByteArray where the column has a binary collation.
QString text(const QVariant &v);

// Declared types (dialect_mariadb_catalog.cpp): the base type and the length in parentheses.
QString baseType(const QString &declared);
qint64 typeLength(const QString &declared);

struct IntRange
{
    bool isUnsigned = false;
    int bits = 64;
};

IntRange integerRange(const ColumnInfo &c);

struct Temporal
{
    QString date;     // "YYYY-MM-DD"
    QString time;     // "HH:MM:SS", empty for a date alone
    QString fraction; // digits after the point, trailing zeros removed
};

// Timestamp texts as sources write them (dialect_mariadb_values.cpp); nullopt when `s` is not
// one.
std::optional<Temporal> parseTimestamp(const QString &s);

} // namespace tidemark::mariadbdialect
