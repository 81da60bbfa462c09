#include "sync/mappingcontext.h"

#include "db/dberror.h"

using namespace Qt::StringLiterals;

namespace tidemark {

void MappingContext::checkCancelled() const
{
    if (cancel && cancel->load(std::memory_order_relaxed))
        throw DbError(DbError::Kind::Cancelled,
                      u"mapping '%1': cancelled; the batch in hand was rolled back"_s.arg(
                              mapping.name()));
}

} // namespace tidemark
