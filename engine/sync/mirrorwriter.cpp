#include "sync/mirrorwriter.h"

#include "db/dbconnection.h"
#include "db/dberror.h"
#include "db/valuecodec.h"
#include "sync/keylookup.h"

#include <QSqlQuery>

using namespace Qt::StringLiterals;

namespace tidemark {

namespace {

// Rough size of a value as bound: enough to keep one statement's payload bounded when rows
// carry megabyte texts or blobs.
qsizetype approximateBytes(const QVariant &v)
{
    switch (v.metaType().id()) {
    case QMetaType::QString: return v.toString().size() * 2;
    case QMetaType::QByteArray: return v.toByteArray().size();
    default: return 16;
    }
}

constexpr qsizetype kStatementByteBudget = 8 * 1024 * 1024;
constexpr int kMaxRowsPerStatement = 500;

} // namespace

MirrorWriter::MirrorWriter(DbConnection &mirror, const TableSchema &schema, QString table,
                           QStringList columns, QStringList key)
    : m_mirror(mirror)
    , m_schema(schema)
    , m_codec(mirror.dialect(), schema, columns)
    , m_table(std::move(table))
    , m_columns(std::move(columns))
    , m_key(std::move(key))
{
    for (const QString &k : m_key)
        m_keyIndexes << int(m_columns.indexOf(k));
}

void MirrorWriter::upsert(const QList<QVariantList> &rows, bool keysAbsent)
{
    const Dialect &d = m_mirror.dialect();
    if (d.bulkUpsert(m_mirror, m_codec, m_table, m_key, rows, keysAbsent))
        return;
    const int width = int(m_columns.size());
    const int maxRows = std::max(1, std::min(kMaxRowsPerStatement, d.maxBindValues() / width));
    const QStringList placeholders = m_codec.placeholders();
    qsizetype i = 0;
    while (i < rows.size()) {
        QVariantList binds;
        qsizetype bytes = 0;
        int n = 0;
        const qsizetype first = i;
        bool bound = false;
        try {
            while (i < rows.size() && n < maxRows && (n == 0 || bytes < kStatementByteBudget)) {
                const QVariantList &row = rows.at(i);
                for (qsizetype c = 0; c < row.size(); ++c) {
                    binds << m_codec.toDriver(c, row.at(c));
                    bytes += approximateBytes(row.at(c));
                }
                ++i;
                ++n;
            }
            bound = true;
            m_mirror.execPrepared(d.upsert(m_table, m_columns, m_key, n, placeholders), binds);
        } catch (const DbError &e) {
            // A rejected value fails the whole batch (and its checkpoint); say where, since the
            // database's message may name only the column ("Out of range value for column").
            auto keyText = [&](const QVariantList &row) {
                QStringList parts;
                for (int k : m_keyIndexes)
                    parts << displayText(row.at(k));
                return parts.join(u", "_s);
            };
            throw DbError(e.kind(),
                          u"writing to mirror table '%1' (rows with keys (%2) to (%3)): %4"_s.arg(
                                  m_table, keyText(rows.at(first)),
                                  keyText(rows.at(bound ? i - 1 : i)), e.message()),
                          e.detail());
        }
    }
}

WriteCounts MirrorWriter::upsertChanged(const QList<QVariantList> &rows, bool write)
{
    WriteCounts counts;
    QList<QVariantList> keys;
    keys.reserve(rows.size());
    for (const QVariantList &row : rows) {
        QVariantList key;
        for (int k : m_keyIndexes)
            key << row.at(k);
        keys << key;
    }
    const QHash<QString, QVariantList> existing =
            fetchRowsByKeys(m_mirror, m_schema, m_table, m_columns, m_key, keys);
    QList<QVariantList> changed;
    for (qsizetype r = 0; r < rows.size(); ++r) {
        const auto it = existing.constFind(keyIdentity(keys.at(r)));
        if (it == existing.constEnd()) {
            ++counts.inserted;
            counts.writtenRows << r;
            changed << rows.at(r);
            continue;
        }
        bool same = true;
        for (qsizetype c = 0; c < m_columns.size() && same; ++c)
            same = sameValue(rows.at(r).at(c), it->at(c), m_codec.column(c).valueClass);
        if (same) {
            ++counts.unchanged;
        } else {
            ++counts.updated;
            counts.writtenRows << r;
            changed << rows.at(r);
        }
    }
    // Every key of the page missing from the mirror (a backfill into an empty mirror): the
    // dialect may insert without conflict handling. Only inside the caller's transaction, in
    // which the lookup ran.
    if (write && !changed.isEmpty())
        upsert(changed, existing.isEmpty());
    return counts;
}

qint64 MirrorWriter::deleteKeys(const QList<QVariantList> &keys)
{
    const Dialect &d = m_mirror.dialect();
    const int perChunk = std::max(1, std::min(500, d.maxBindValues() / int(m_key.size())));
    qint64 deleted = 0;
    for (qsizetype start = 0; start < keys.size(); start += perChunk) {
        const qsizetype n = std::min<qsizetype>(perChunk, keys.size() - start);
        QVariantList binds;
        for (qsizetype i = start; i < start + n; ++i)
            binds << m_codec.toDriver(m_key, keys.at(i));
        QSqlQuery q = m_mirror.exec(u"DELETE FROM "_s + d.quote(m_table) + u" WHERE "_s
                                            + d.keyIn(m_key, int(n)),
                                    binds);
        deleted += std::max(0, q.numRowsAffected());
    }
    return deleted;
}

} // namespace tidemark
