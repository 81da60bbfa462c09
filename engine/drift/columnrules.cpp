#include "drift/columnrules.h"

#include "db/dberror.h"
#include "db/dialect.h"

using namespace Qt::StringLiterals;

namespace tidemark {

ColumnRules columnRules(const ResolvedMapping &m, const Dialect &sd, const Dialect &md)
{
    ColumnRules r;
    for (qsizetype i = 0; i < m.columns.size(); ++i) {
        const QString &name = m.columns.at(i);
        const ColumnInfo *s = m.sourceSchema.column(name);
        const ColumnInfo *mc = m.mirrorSchema.column(name);
        if (!s || !mc)
            throw DbError(DbError::Kind::Permanent,
                          u"mapping '%1': column '%2' is missing from the %3 table"_s.arg(
                                  m.name(), name, s ? u"mirror"_s : u"source"_s));
        const ValueClass cls = comparisonClass(s, mc);
        r.source << hashRule(cls, s);
        r.mirror << hashRule(cls, mc);
        if (sd.hashPayload(*s, r.source.last()).isEmpty()
            || md.hashPayload(*mc, r.mirror.last()).isEmpty())
            r.clientColumns << int(i);
    }
    for (int k : m.keyIndexes)
        r.keyClasses << r.source.at(k).valueClass;
    return r;
}

QStringList ColumnRules::differingColumns(const ResolvedMapping &m, const QVariantList &a,
                                          const QVariantList &b) const
{
    QStringList out;
    for (qsizetype i = 0; i < m.columns.size(); ++i) {
        QByteArray x, y;
        appendEncoded(x, a.value(i), source.at(i));
        appendEncoded(y, b.value(i), mirror.at(i));
        if (x != y)
            out << m.columns.at(i);
    }
    return out;
}

} // namespace tidemark
