// The "mappings" array of a project file: each mapping's fields, and the checks across
// mappings (one name each; no table mirrored onto itself, none written by two mappings).
#include "project/projectloader_internal.h"

#include <QHash>
#include <QJsonArray>

namespace tidemark::projectfile {

using namespace Qt::StringLiterals;

namespace {

// QTimer takes int milliseconds: a week (604'800'000 ms) keeps intervalS * 1000 far from INT_MAX.
constexpr int kMaxIntervalS = 7 * 24 * 3600;
constexpr int kMaxBatchRows = 1'000'000;

const QStringList kMappingKeys = {u"name"_s,       u"source"_s,     u"mirror"_s,
                                  u"key"_s,        u"columns"_s,    u"cursor"_s,
                                  u"deletes"_s,    u"interval_s"_s, u"batch_rows"_s,
                                  u"lookback_s"_s, u"lookback"_s,   u"max_sweep_fraction"_s,
                                  u"sweep_interval_s"_s, u"verify_interval_s"_s,
                                  u"capture"_s};
const QStringList kTableRefKeys = {u"connection"_s, u"table"_s};
const QStringList kCursorKeys = {u"column"_s};

} // namespace

void Validator::readMappings(const QJsonObject &root, Project &project)
{
    const auto value =
            field(root, {}, u"mappings"_s, QJsonValue::Array, u"an array of mappings"_s,
                  Need::Required, u" (an array of mappings)"_s);
    if (!value)
        return;
    const QJsonArray mappings = value->toArray();
    if (mappings.isEmpty())
        fail(u"mappings"_s,
             u"at least one mapping is required; a project without mappings "
             u"has nothing to sync"_s);
    QHash<QString, qsizetype> firstIndexByName;
    QList<MirrorUse> mirrorUses; // also of mappings with errors, so all is reported at once
    for (qsizetype i = 0; i < mappings.size(); ++i) {
        const QString path = indexPath(u"mappings"_s, i);
        if (!mappings.at(i).isObject()) {
            fail(path, u"must be an object, not "_s + typeName(mappings.at(i)));
            continue;
        }
        const QJsonObject object = mappings.at(i).toObject();
        const qsizetype errorsBefore = m_errors.size();
        const auto mappingName = name(object, path, u"name"_s, Need::Required);
        if (mappingName) {
            // The name identifies the mapping's checkpoint and --mapping; two of them would
            // share one checkpoint and each resume from the other's position.
            const auto first = firstIndexByName.constFind(*mappingName);
            if (first != firstIndexByName.constEnd())
                fail(childPath(path, u"name"_s),
                     u"duplicate mapping name "_s + quote(*mappingName) + u": "_s
                             + indexPath(u"mappings"_s, *first) + u" and "_s + path
                             + u" both use it"_s);
            else
                firstIndexByName.insert(*mappingName, i);
        }
        MappingConfig mapping = readMapping(object, path);
        mapping.name = mappingName.value_or(QString());
        if (mapping.mirror.connection.isEmpty())
            continue; // no usable mirror reference (reported)
        mirrorUses.append({i, mapping.name, mapping.mirror, mapping.deletes});
        if (m_errors.size() == errorsBefore)
            project.mappings.append(mapping);
    }
    checkSharedMirrors(mirrorUses);
}

std::optional<TableRef> Validator::readTableRef(const QJsonObject &mapping,
                                                const QString &mappingPath, const QString &key)
{
    const auto value =
            field(mapping, mappingPath, key, QJsonValue::Object,
                  u"an object like {\"connection\": \"src\", \"table\": \"orders\"}"_s,
                  Need::Required);
    if (!value)
        return std::nullopt;
    const QString path = childPath(mappingPath, key);
    const QJsonObject object = value->toObject();
    checkKeys(object, path, kTableRefKeys, u"a table reference"_s);
    const auto connection = name(object, path, u"connection"_s, Need::Required);
    const auto table = name(object, path, u"table"_s, Need::Required);
    if (connection && !m_connectionNames.contains(*connection)) {
        fail(childPath(path, u"connection"_s),
             u"unknown connection "_s + quote(*connection)
                     + suggestion(*connection, m_connectionNames)
                     + (m_connectionNames.isEmpty()
                                ? u" (no connections are defined)"_s
                                : QString(u" (defined: "_s + quoteList(m_connectionNames)
                                          + u')')));
        return std::nullopt;
    }
    if (!connection || !table)
        return std::nullopt;
    return TableRef{*connection, *table};
}

// An array of column names: each a non-empty name, none twice.
std::optional<QStringList> Validator::columnList(const QJsonObject &mapping,
                                                 const QString &mappingPath, const QString &key,
                                                 const QString &whenEmpty)
{
    const auto value = field(mapping, mappingPath, key, QJsonValue::Array,
                             u"an array of column names"_s, Need::Optional);
    if (!value)
        return std::nullopt;
    const QString path = childPath(mappingPath, key);
    const QJsonArray array = value->toArray();
    if (array.isEmpty()) {
        fail(path, u"must list at least one column; "_s + whenEmpty);
        return std::nullopt;
    }
    QStringList columns;
    bool ok = true;
    for (qsizetype j = 0; j < array.size(); ++j) {
        const QString itemPath = indexPath(path, j);
        if (!array.at(j).isString()) {
            fail(itemPath, u"must be a column name (a string), not "_s + typeName(array.at(j)));
            ok = false;
            continue;
        }
        const QString column = array.at(j).toString();
        if (!checkName(column, itemPath)) {
            ok = false;
            continue;
        }
        if (const qsizetype first = columns.indexOf(column); first >= 0) {
            fail(itemPath,
                 u"column "_s + quote(column) + u" is listed twice (also at "_s
                         + indexPath(key, first) + u')');
            ok = false;
        }
        columns.append(column);
    }
    if (!ok)
        return std::nullopt;
    return columns;
}

MappingConfig Validator::readMapping(const QJsonObject &object, const QString &path)
{
    MappingConfig m;
    checkKeys(object, path, kMappingKeys, u"a mapping"_s);
    const auto source = readTableRef(object, path, u"source"_s);
    const auto mirror = readTableRef(object, path, u"mirror"_s);
    // ClickHouse keeps no order of commits to read changes by, and its rows are versions of
    // rows: it is a mirror only.
    if (source && m_identities.contains(source->connection)
        && m_identities[source->connection].driver == DriverKind::ClickHouse)
        fail(childPath(childPath(path, u"source"_s), u"connection"_s),
             u"connection "_s + quote(source->connection)
                     + u" is a clickhouse connection, which can only be a mirror; read the "
                       u"source from sqlite, postgres or mariadb"_s);
    const auto key = columnList(object, path, u"key"_s,
                                u"leave \"key\" out to use the source table's primary key"_s);
    const auto columns = columnList(object, path, u"columns"_s,
                                    u"leave \"columns\" out to copy every column"_s);
    if (source)
        m.source = *source;
    if (mirror)
        m.mirror = *mirror;
    m.key = key.value_or(QStringList());
    m.columns = columns.value_or(QStringList());
    if (key && columns) {
        for (const QString &k : *key) {
            if (!columns->contains(k))
                fail(childPath(path, u"columns"_s),
                     u"must include the key column "_s + quote(k)
                             + u": rows are matched by their key, so the mirror needs it"_s);
        }
    }

    readCursor(object, path, columns, m);

    if (const auto deletes = string(object, path, u"deletes"_s, Need::Optional)) {
        if (*deletes == u"sweep"_s)
            m.deletes = DeletePolicy::Sweep;
        else if (*deletes == u"none"_s)
            m.deletes = DeletePolicy::None;
        else
            fail(childPath(path, u"deletes"_s),
                 u"must be \"sweep\" or \"none\", not "_s + quote(*deletes));
    }
    if (const auto capture = string(object, path, u"capture"_s, Need::Optional)) {
        if (*capture == u"triggers"_s)
            m.capture = CaptureMode::Triggers;
        else if (*capture != u"none"_s)
            fail(childPath(path, u"capture"_s),
                 u"must be \"triggers\" (or \"none\"), not "_s + quote(*capture));
    }
    // Whole seconds: a sub-second interval would hammer the source with count queries, and
    // the field is an int everywhere downstream.
    if (const auto interval = integer(object, path, u"interval_s"_s, 1, kMaxIntervalS,
                                      u"of seconds from 1 to 604800 (a week)"_s))
        m.intervalS = int(*interval);
    if (const auto batch = integer(object, path, u"batch_rows"_s, 1, kMaxBatchRows,
                                   u"from 1 to 1000000"_s))
        m.batchRows = int(*batch);
    readLookback(object, path, m);
    // 0: sweeps run only when asked for. Otherwise deletes reach the mirror on this schedule.
    // A captured mapping's deletes travel through its change log, so it is swept on a schedule
    // only when the file asks for one (for what triggers cannot see: MariaDB's cascades,
    // TRUNCATE); each sweep reads the whole source table.
    if (m.captured())
        m.sweepIntervalS = 0;
    if (const auto sweep = integer(object, path, u"sweep_interval_s"_s, 0, kMaxIntervalS,
                                   u"of seconds from 0 (only on request) to 604800"_s))
        m.sweepIntervalS = int(*sweep);
    // 0: drift checks run only when asked for. A check reads both whole tables (in
    // checksummed segments), so it is scheduled apart from, and far less often than, syncs.
    if (const auto verify = integer(object, path, u"verify_interval_s"_s, 0, kMaxIntervalS,
                                    u"of seconds from 0 (only on request) to 604800"_s))
        m.verifyIntervalS = int(*verify);
    if (const auto fraction = field(object, path, u"max_sweep_fraction"_s, QJsonValue::Double,
                                    u"a number"_s, Need::Optional)) {
        const double d = fraction->toDouble();
        if (d > 0 && d <= 1)
            m.maxSweepFraction = d;
        else
            fail(childPath(path, u"max_sweep_fraction"_s),
                 u"must be more than 0 and at most 1 (the share of the mirror table a sweep "
                 u"may delete; 0.5 is half), not "_s
                         + numberText(d));
    }
    if (source && mirror)
        checkNotOntoItself(*source, *mirror, path);
    return m;
}

void Validator::readCursor(const QJsonObject &object, const QString &path,
                           const std::optional<QStringList> &columns, MappingConfig &m)
{
    const QJsonValue value = object.value(u"cursor"_s);
    QString columnPath = childPath(path, u"cursor"_s);
    std::optional<QString> column;
    if (value.isString()) {
        // "cursor": "updated_at" is accepted as shorthand for {"column": "updated_at"}.
        column = value.toString();
        if (!checkName(*column, columnPath))
            column.reset();
    } else if (value.isObject()) {
        checkKeys(value.toObject(), columnPath, kCursorKeys, u"a cursor"_s);
        column = name(value.toObject(), columnPath, u"column"_s, Need::Required);
        columnPath = childPath(columnPath, u"column"_s);
    } else if (!value.isUndefined()) {
        fail(columnPath,
             u"must be an object like {\"column\": \"updated_at\"} or a column "
             u"name, not "_s
                     + typeName(value));
    }
    if (!column)
        return;
    if (columns && !columns->contains(*column)) {
        fail(columnPath,
             u"cursor column "_s + quote(*column)
                     + u" is not in \"columns\"; the incremental pass reads it with "
                       u"the rows, so list it there too"_s);
        return;
    }
    m.cursorColumn = *column;
}

void Validator::readLookback(const QJsonObject &object, const QString &path, MappingConfig &m)
{
    // "lookback" reads better for an integer cursor, where the unit is cursor steps.
    const bool seconds = object.contains(u"lookback_s"_s);
    const bool alias = object.contains(u"lookback"_s);
    if (seconds && alias) {
        fail(childPath(path, u"lookback"_s),
             u"give either \"lookback_s\" or its alias \"lookback\", not both"_s);
        return;
    }
    const QString key = alias ? u"lookback"_s : u"lookback_s"_s;
    if (const auto lookback =
                integer(object, path, key, 0, kMaxExactInteger, u"of 0 or more"_s))
        m.lookback = *lookback;
}

void Validator::checkNotOntoItself(const TableRef &source, const TableRef &mirror,
                                   const QString &path)
{
    // A connection whose database is not known was reported already.
    if (!m_identities.contains(source.connection) || !m_identities.contains(mirror.connection))
        return;
    const ConnectionConfig &a = m_identities[source.connection];
    const ConnectionConfig &b = m_identities[mirror.connection];
    if (!sameDatabase(a, b) || !sameTableName(a.driver, source.table, mirror.table))
        return;
    const QString where = childPath(path, u"mirror"_s);
    if (a.name == b.name)
        fail(where,
             u"would mirror a table onto itself: source and mirror are both table "_s
                     + quote(source.table) + u" of connection "_s + quote(a.name));
    else
        fail(where,
             u"would mirror a table onto itself: connections "_s + quote(a.name) + u" and "_s
                     + quote(b.name) + u" open the same database ("_s
                     + (a.driver == DriverKind::Sqlite
                                ? canonicalSqlitePath(a.database)
                                : QString(a.host + u':' + QString::number(effectivePort(a))
                                          + u'/' + a.database))
                     + u") and both name table "_s + quote(source.table)
                     + (source.table == mirror.table
                                ? QString()
                                : QString(u" (as "_s + quote(mirror.table)
                                          + u"; SQLite table names ignore case)"_s)));
}

// Two mappings that write one mirror table undo each other: each one's orphan sweep deletes
// the rows the other copied, since their keys are not in its own source.
void Validator::checkSharedMirrors(const QList<MirrorUse> &uses)
{
    for (qsizetype j = 1; j < uses.size(); ++j) {
        const MirrorUse &later = uses.at(j);
        for (qsizetype i = 0; i < j; ++i) {
            const MirrorUse &earlier = uses.at(i);
            if (!m_identities.contains(earlier.mirror.connection)
                || !m_identities.contains(later.mirror.connection))
                continue;
            const ConnectionConfig &a = m_identities[earlier.mirror.connection];
            const ConnectionConfig &b = m_identities[later.mirror.connection];
            if (!sameDatabase(a, b)
                || !sameTableName(a.driver, earlier.mirror.table, later.mirror.table))
                continue;
            if (earlier.deletes == DeletePolicy::None && later.deletes == DeletePolicy::None)
                continue;
            const QString earlierPath = indexPath(u"mappings"_s, earlier.index);
            fail(childPath(indexPath(u"mappings"_s, later.index), u"mirror"_s),
                 u"table "_s + quote(later.mirror.table) + u" is also the mirror of "_s
                         + (earlier.name.isEmpty() ? earlierPath
                                                   : QString(earlierPath + u" ("_s
                                                             + quote(earlier.name) + u')'))
                         + u", and each mapping's orphan sweep would delete the other's rows; "
                           u"set \"deletes\": \"none\" on both to merge sources on purpose"_s);
            break;
        }
    }
}

} // namespace tidemark::projectfile
