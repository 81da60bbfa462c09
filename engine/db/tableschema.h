#pragma once
// What catalog introspection tells about a table.

#include <QList>
#include <QString>
#include <QStringList>

#include "project/projectconfig.h"

namespace tidemark {

// A portable classification of a column's type; each dialect maps its own types onto it and
// back when it creates a mirror table.
enum class ValueClass {
    Integer,     // any integer width
    Decimal,     // exact numeric with precision/scale
    Real,        // binary floating point
    Text,
    Blob,
    Boolean,
    Date,
    Timestamp,   // without time zone
    TimestampTz, // with time zone
    Time,
    Json,
    Unknown,
};

struct ColumnInfo
{
    QString name;
    QString declaredType;        // as the catalog reports it, e.g. "numeric(30,10)"
    ValueClass valueClass = ValueClass::Unknown;
    bool nullable = true;
    int precision = 0;           // Decimal: digits; Timestamp/Time: fractional digits (-1 unknown)
    int scale = 0;
};

struct TableSchema
{
    QString table;
    DriverKind sourceKind = DriverKind::Sqlite;   // the dialect that read this schema
    QList<ColumnInfo> columns;
    QStringList primaryKey;      // in key order; empty when the table has none

    bool exists() const { return !columns.isEmpty(); }
    const ColumnInfo *column(const QString &name) const
    {
        for (const ColumnInfo &c : columns)
            if (c.name == name)
                return &c;
        return nullptr;
    }
    QStringList columnNames() const
    {
        QStringList names;
        for (const ColumnInfo &c : columns)
            names << c.name;
        return names;
    }
};

} // namespace tidemark
