#pragma once
// A mapping with everything the passes need resolved against the live catalog: the effective
// key and columns, their positions, and the schemas of both tables.

#include "db/tableschema.h"
#include "project/projectconfig.h"

namespace tidemark {

class DbConnection;

struct ResolvedMapping
{
    MappingConfig config;
    QStringList columns;      // effective columns, key columns included
    QStringList key;          // effective key
    QList<int> keyIndexes;    // positions of key columns in `columns`
    int cursorIndex = -1;     // position of the cursor column in `columns`, -1 without one
    bool timestampCursor = false;  // lookback counts seconds (else cursor units)
    TableSchema sourceSchema;
    TableSchema mirrorSchema; // empty until the mirror table exists

    const QString &name() const { return config.name; }
    bool hasCursor() const { return cursorIndex >= 0; }
    QVariantList keyOf(const QVariantList &row) const;
    // (cursor, key...) of a row, for the incremental ordering.
    QVariantList cursorKeyOf(const QVariantList &row) const;
    QStringList cursorKeyColumns() const;   // cursor column then key columns
};

// Resolves `config` against the source table (and the mirror's, when it exists). Appends a
// ProjectError naming the table or column for every problem; returns nullopt if any.
// `mirror` is null when the mirror database does not exist yet (a SQLite file `prepare` will
// create): the mirror table then counts as missing.
std::optional<ResolvedMapping> resolveMapping(const MappingConfig &config, DbConnection &source,
                                              DbConnection *mirror, const QString &projectFile,
                                              QList<ProjectError> &errors,
                                              bool requireMirrorTable);

} // namespace tidemark
