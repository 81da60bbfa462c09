#include "db/tablecodec.h"

using namespace Qt::StringLiterals;

namespace tidemark {

TableCodec::TableCodec(const Dialect &dialect, const TableSchema &schema,
                       const QStringList &columns)
    : m_dialect(dialect)
    , m_names(columns)
{
    for (const QString &name : columns) {
        if (const ColumnInfo *c = schema.column(name)) {
            m_columns << *c;
        } else {
            ColumnInfo unknown;
            unknown.name = name;
            m_columns << unknown;
        }
    }
}

QString TableCodec::selectList() const
{
    QStringList exprs;
    for (const ColumnInfo &c : m_columns)
        exprs << m_dialect.selectExpression(c);
    return exprs.join(u", "_s);
}

QStringList TableCodec::placeholders() const
{
    QStringList p;
    for (const ColumnInfo &c : m_columns)
        p << m_dialect.placeholder(c);
    return p;
}

QVariantList TableCodec::readRow(const QSqlQuery &query) const
{
    QVariantList row;
    row.reserve(m_columns.size());
    for (qsizetype i = 0; i < m_columns.size(); ++i)
        row << m_dialect.toCanonical(m_columns.at(i), query.value(int(i)));
    return row;
}

QVariant TableCodec::toDriver(qsizetype i, const QVariant &canonical) const
{
    return m_dialect.fromCanonical(m_columns.at(i), canonical);
}

QVariantList TableCodec::toDriver(const QVariantList &canonicalRow) const
{
    QVariantList out;
    out.reserve(canonicalRow.size());
    for (qsizetype i = 0; i < canonicalRow.size(); ++i)
        out << toDriver(i, canonicalRow.at(i));
    return out;
}

QVariantList TableCodec::toDriver(const QStringList &names, const QVariantList &canonical) const
{
    Q_ASSERT(names.size() == canonical.size());
    QVariantList out;
    for (qsizetype i = 0; i < names.size(); ++i) {
        const qsizetype at = m_names.indexOf(names.at(i));
        out << (at >= 0 ? toDriver(at, canonical.at(i)) : canonical.at(i));
    }
    return out;
}

} // namespace tidemark
