#include "drift/explain.h"

#include "db/dbconnection.h"
#include "db/valuecodec.h"
#include "drift/columnrules.h"
#include "drift/driftreason.h"
#include "drift/keytext.h"
#include "sync/checkpointstore.h"
#include "sync/keylookup.h"

using namespace Qt::StringLiterals;

namespace tidemark {

namespace {

QJsonValue rowJson(const ResolvedMapping &m, const QVariantList &row)
{
    if (row.isEmpty())
        return QJsonValue::Null;
    QJsonObject o;
    for (qsizetype i = 0; i < m.columns.size(); ++i) {
        const QVariant &v = row.at(i);
        o[m.columns.at(i)] = (!v.isValid() || v.isNull()) ? QJsonValue(QJsonValue::Null)
                                                          : QJsonValue(displayText(v));
    }
    return o;
}

} // namespace

Explanation explainKey(MappingContext &ctx, const QVariantList &key)
{
    const ResolvedMapping &m = ctx.mapping;
    const ColumnRules rules = columnRules(m, ctx.source.dialect(), ctx.mirror.dialect());
    Explanation e;
    e.key = key;
    const QString id = keyIdentity(key);
    e.source = fetchRowsByKeys(ctx.source, m.sourceSchema, ctx.sourceTable(), m.columns, m.key,
                               {key})
                       .value(id);
    e.mirror = fetchRowsByKeys(ctx.mirror, m.mirrorSchema, ctx.mirrorTable(), m.columns, m.key,
                               {key})
                       .value(id);
    e.checkpoint = CheckpointStore(ctx.mirror).load(m.name());
    const ReasonClassifier classifier(m, e.checkpoint);
    e.position = classifier.position(e.source);
    if (e.source.isEmpty() && e.mirror.isEmpty()) {
        e.equal = true;
        e.verdict = u"neither side has this key"_s;
        return e;
    }
    if (e.mirror.isEmpty())
        e.kind = DiffKind::Missing;
    else if (e.source.isEmpty())
        e.kind = DiffKind::Extra;
    else {
        e.columns = rules.differingColumns(m, e.source, e.mirror);
        e.equal = e.columns.isEmpty();
        e.kind = DiffKind::Changed;
    }
    if (e.equal) {
        e.verdict = u"the mirror row equals the source row"_s;
        return e;
    }
    e.reason = classifier.reason(e.kind, e.source);
    e.verdict = ReasonClassifier::verdict(e.kind, e.reason);
    return e;
}

QJsonObject explanationJson(const ResolvedMapping &m, const Explanation &e)
{
    QJsonObject o;
    o[u"mapping"_s] = m.name();
    o[u"key"_s] = keyJson(e.key);
    o[u"source"_s] = rowJson(m, e.source);
    o[u"mirror"_s] = rowJson(m, e.mirror);
    QJsonObject cp;
    if (e.checkpoint.isNull()) {
        cp[u"cursor"_s] = QJsonValue::Null;
        cp[u"key"_s] = QJsonValue::Null;
    } else {
        cp[u"cursor"_s] = displayJson(e.checkpoint.cursor);
        cp[u"key"_s] = keyJson(e.checkpoint.key);
    }
    o[u"checkpoint"_s] = cp;
    o[u"position"_s] = e.position;
    o[u"kind"_s] = e.equal ? u"equal"_s : diffKindName(e.kind);
    o[u"reason"_s] = e.equal ? QJsonValue(QJsonValue::Null) : QJsonValue(diffReasonName(e.reason));
    if (!e.equal && e.kind == DiffKind::Changed)
        o[u"columns"_s] = QJsonArray::fromStringList(e.columns);
    o[u"verdict"_s] = e.verdict;
    return o;
}

QString explanationText(const ResolvedMapping &m, const Explanation &e)
{
    QString out = u"mapping %1, key [%2]\n"_s.arg(m.name(), keyText(e.key));
    auto row = [&](const QString &label, const QVariantList &r) {
        if (r.isEmpty()) {
            out += u"  %1: no row\n"_s.arg(label);
            return;
        }
        out += u"  %1:\n"_s.arg(label);
        for (qsizetype i = 0; i < m.columns.size(); ++i) {
            const bool differs = e.columns.contains(m.columns.at(i));
            out += u"    %1%2 = %3\n"_s.arg(differs ? u"* "_s : QString(), m.columns.at(i),
                                              displayText(r.at(i)));
        }
    };
    row(u"source"_s, e.source);
    row(u"mirror"_s, e.mirror);
    if (e.checkpoint.isNull())
        out += u"  checkpoint: none yet\n"_s;
    else
        out += u"  checkpoint: cursor %1, key [%2]\n"_s.arg(displayText(e.checkpoint.cursor),
                                                            keyText(e.checkpoint.key));
    out += u"  position: %1\n"_s.arg(e.position);
    if (e.equal)
        out += u"  verdict: equal (%1)\n"_s.arg(e.verdict);
    else
        out += u"  verdict: %1, reason %2: %3\n"_s.arg(diffKindName(e.kind),
                                                       diffReasonName(e.reason), e.verdict);
    return out;
}

} // namespace tidemark
