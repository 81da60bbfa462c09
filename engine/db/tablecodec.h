#pragma once
// Reads and binds the columns of one table through its dialect's exact value carriage (see
// Dialect::selectExpression / toCanonical / fromCanonical): what comes out of readRow() and goes
// into toDriver() is always the canonical value.

#include "db/dialect.h"
#include "db/tableschema.h"

#include <QSqlQuery>
#include <QStringList>
#include <QVariantList>

namespace tidemark {

class TableCodec
{
public:
    // `columns` in the order rows carry them. A column the schema does not describe is carried
    // as the driver gives it.
    TableCodec(const Dialect &dialect, const TableSchema &schema, const QStringList &columns);

    const QStringList &columns() const { return m_names; }
    const ColumnInfo &column(qsizetype i) const { return m_columns.at(i); }
    QString selectList() const;                  // for SELECT <list> FROM ...
    QStringList placeholders() const;            // for INSERT ... VALUES
    QVariantList readRow(const QSqlQuery &query) const;   // canonical values
    QVariant toDriver(qsizetype i, const QVariant &canonical) const;
    QVariantList toDriver(const QVariantList &canonicalRow) const;
    // For values of a subset of columns (a key, a position): binds them by name.
    QVariantList toDriver(const QStringList &names, const QVariantList &canonical) const;

private:
    const Dialect &m_dialect;
    QStringList m_names;
    QList<ColumnInfo> m_columns;
};

} // namespace tidemark
