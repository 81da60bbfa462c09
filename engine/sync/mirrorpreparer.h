#pragma once
// `prepare`: creates the mirror table from the source schema when it is missing, and the state
// table. Existing tables are left alone (and checked by the project checker).

#include "sync/mappingcontext.h"

namespace tidemark {

struct PrepareResult
{
    bool createdMirrorTable = false;
    bool createdStateTable = false;
    QString createStatement;   // the CREATE TABLE that ran, for the log
};

PrepareResult prepareMirror(MappingContext &ctx);

} // namespace tidemark
