#include "sync/resolvedmapping.h"

#include "db/dbconnection.h"

using namespace Qt::StringLiterals;

namespace tidemark {

QVariantList ResolvedMapping::keyOf(const QVariantList &row) const
{
    QVariantList key;
    key.reserve(keyIndexes.size());
    for (int i : keyIndexes)
        key << row.at(i);
    return key;
}

QVariantList ResolvedMapping::cursorKeyOf(const QVariantList &row) const
{
    QVariantList values{row.at(cursorIndex)};
    for (int i : keyIndexes)
        values << row.at(i);
    return values;
}

QStringList ResolvedMapping::cursorKeyColumns() const
{
    return QStringList{config.cursorColumn} + key;
}

namespace {

bool isTimestampClass(ValueClass c)
{
    return c == ValueClass::Timestamp || c == ValueClass::TimestampTz || c == ValueClass::Date
            || c == ValueClass::Text;
}

} // namespace

std::optional<ResolvedMapping> resolveMapping(const MappingConfig &config, DbConnection &source,
                                              DbConnection *mirror, const QString &projectFile,
                                              QList<ProjectError> &errors,
                                              bool requireMirrorTable)
{
    const qsizetype errorsBefore = errors.size();
    const QString where = u"mapping '%1'"_s.arg(config.name);
    auto fail = [&](const QString &message) {
        errors.append(ProjectError{projectFile, where, message});
    };

    ResolvedMapping m;
    m.config = config;
    m.sourceSchema = source.dialect().describeTable(source, config.source.table);
    if (!m.sourceSchema.exists()) {
        fail(u"source table '%1' does not exist in %2"_s.arg(config.source.table,
                                                            source.describe()));
        return std::nullopt;
    }

    m.key = config.key.isEmpty() ? m.sourceSchema.primaryKey : config.key;
    if (m.key.isEmpty())
        fail(u"source table '%1' has no primary key; name the key columns in \"key\""_s.arg(
                config.source.table));
    m.columns = config.columns.isEmpty() ? m.sourceSchema.columnNames() : config.columns;
    for (const QString &k : m.key)
        if (!m.columns.contains(k))
            m.columns.prepend(k);   // a key is always carried, even if "columns" left it out
    for (const QString &c : m.columns)
        if (!m.sourceSchema.column(c))
            fail(u"column '%1' is not in source table '%2' (its columns: %3)"_s.arg(
                    c, config.source.table, m.sourceSchema.columnNames().join(u", "_s)));
    if (config.hasCursor()) {
        const ColumnInfo *cursor = m.sourceSchema.column(config.cursorColumn);
        if (!cursor)
            fail(u"cursor column '%1' is not in source table '%2'"_s.arg(config.cursorColumn,
                                                                       config.source.table));
        else {
            if (!m.columns.contains(config.cursorColumn))
                m.columns.append(config.cursorColumn);
            m.timestampCursor = isTimestampClass(cursor->valueClass);
        }
    }
    if (errors.size() > errorsBefore)
        return std::nullopt;

    for (const QString &k : m.key)
        m.keyIndexes << int(m.columns.indexOf(k));
    if (config.hasCursor())
        m.cursorIndex = int(m.columns.indexOf(config.cursorColumn));

    if (mirror)
        m.mirrorSchema = mirror->dialect().describeTable(*mirror, config.mirror.table);
    if (!m.mirrorSchema.exists()) {
        if (requireMirrorTable && mirror)
            fail(u"mirror table '%1' does not exist in %2; run `tidemark-cli prepare` to create "
                 "it"_s.arg(config.mirror.table, mirror->describe()));
    } else {
        for (const QString &c : m.columns) {
            const ColumnInfo *mc = m.mirrorSchema.column(c);
            if (!mc) {
                fail(u"column '%1' is missing from mirror table '%2' in %3"_s.arg(
                        c, config.mirror.table, mirror->describe()));
                continue;
            }
            const QString loss = mirror->dialect().lossReason(*m.sourceSchema.column(c), *mc);
            if (!loss.isEmpty())
                fail(u"mirror table '%1': %2"_s.arg(config.mirror.table, loss));
        }
        QStringList mirrorKey = m.mirrorSchema.primaryKey;
        QStringList wanted = m.key;
        mirrorKey.sort();
        wanted.sort();
        if (mirrorKey != wanted)
            fail(u"mirror table '%1' must have the primary key (%2) for upserts; it has (%3)"_s.arg(
                    config.mirror.table, m.key.join(u", "_s),
                    m.mirrorSchema.primaryKey.join(u", "_s)));
    }
    if (errors.size() > errorsBefore)
        return std::nullopt;
    return m;
}

} // namespace tidemark
