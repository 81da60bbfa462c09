#include "drift/difference.h"

using namespace Qt::StringLiterals;

namespace tidemark {

QString diffKindName(DiffKind kind)
{
    switch (kind) {
    case DiffKind::Missing: return u"missing"_s;
    case DiffKind::Extra: return u"extra"_s;
    case DiffKind::Changed: break;
    }
    return u"changed"_s;
}

QString diffReasonName(DiffReason reason)
{
    switch (reason) {
    case DiffReason::Backlog: return u"backlog"_s;
    case DiffReason::Orphan: return u"orphan"_s;
    case DiffReason::NullCursor: return u"null_cursor"_s;
    case DiffReason::Drift: break;
    }
    return u"drift"_s;
}

std::optional<DiffKind> diffKindFromName(const QString &name)
{
    for (DiffKind k : {DiffKind::Missing, DiffKind::Extra, DiffKind::Changed})
        if (diffKindName(k) == name)
            return k;
    return std::nullopt;
}

std::optional<DiffReason> diffReasonFromName(const QString &name)
{
    for (DiffReason r : {DiffReason::Backlog, DiffReason::Orphan, DiffReason::NullCursor,
                         DiffReason::Drift})
        if (diffReasonName(r) == name)
            return r;
    return std::nullopt;
}

} // namespace tidemark
