#include "sync/mirrorwriter.h"

#include "db/dbconnection.h"
#include "db/dberror.h"
#include "db/valuecodec.h"
#include "sync/keylookup.h"

#include <QSqlQuery>

#include <optional>
#include <utility>

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
// Literal statements: characters of VALUES text per statement, and rows.
constexpr qsizetype kLiteralBudget = 512 * 1024;
constexpr qsizetype kMaxLiteralRows = 1000;

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
    if (rows.isEmpty())
        return;
    const Dialect &d = m_mirror.dialect();
    // A rejected value fails the whole batch (and its checkpoint); say where, since the
    // database's message may name only the column ("Out of range value for column"). Refused
    // while building: the rows up to the one at fault; by the database: the statement's rows;
    // in a dialect's bulk path: all of them.
    auto located = [&](const DbError &e, const Statement &st) {
        const qsizetype last = st.built ? st.next - 1 : std::min(st.next, rows.size() - 1);
        return DbError(e.kind(),
                       u"writing to mirror table '%1' (rows with keys (%2) to (%3)): %4"_s.arg(
                               m_table, keyText(rows.at(st.first)), keyText(rows.at(last)),
                               e.message()),
                       e.detail());
    };
    try {
        if (d.bulkUpsert(m_mirror, m_codec, m_table, m_key, rows, keysAbsent))
            return;
    } catch (const DbError &e) {
        throw located(e, Statement{0, rows.size(), true});
    }
    // A literal statement is sent without waiting for its end (DbConnection::send): the next
    // one is built while the server runs it.
    std::optional<Statement> running;
    auto waitForRunning = [&] {
        if (!running)
            return;
        const Statement ran = *std::exchange(running, std::nullopt);
        try {
            m_mirror.waitSent();
        } catch (const DbError &e) {
            throw located(e, ran);
        }
    };
    Statement st;
    while (st.next < rows.size()) {
        st.first = st.next;
        st.built = false;
        QString sql;
        bool literal = false;
        try {
            literal = d.writesLiterals() && buildLiterals(rows, st, sql);
        } catch (const DbError &e) {
            throw located(e, st);
        }
        waitForRunning();
        try {
            if (literal) {
                m_mirror.send(sql);
                running = st;
            } else {
                writeBound(rows, st);
            }
        } catch (const DbError &e) {
            throw located(e, st);
        }
    }
    waitForRunning();
}

QString MirrorWriter::keyText(const QVariantList &row) const
{
    QStringList parts;
    for (int k : m_keyIndexes)
        parts << displayText(row.at(k));
    return parts.join(u", "_s);
}

void MirrorWriter::writeBound(const QList<QVariantList> &rows, Statement &st)
{
    const Dialect &d = m_mirror.dialect();
    const int maxRows = std::max(
            1, std::min(kMaxRowsPerStatement, d.maxBindValues() / int(m_columns.size())));
    QVariantList binds;
    qsizetype bytes = 0;
    st.next = st.first;
    while (st.next < rows.size() && st.next - st.first < maxRows
           && (st.next == st.first || bytes < kStatementByteBudget)) {
        const QVariantList &row = rows.at(st.next);
        for (qsizetype c = 0; c < row.size(); ++c) {
            binds << m_codec.toDriver(c, row.at(c));
            bytes += approximateBytes(row.at(c));
        }
        ++st.next;
    }
    st.built = true;
    if (m_placeholders.isEmpty())
        m_placeholders = m_codec.placeholders();
    m_mirror.execPrepared(
            d.upsert(m_table, m_columns, m_key, int(st.next - st.first), m_placeholders), binds);
}

bool MirrorWriter::buildLiterals(const QList<QVariantList> &rows, Statement &st, QString &sql)
{
    // One statement of up to kLiteralBudget characters of values (a larger row goes alone);
    // the server's max_allowed_packet (16 MB by default) bounds what it accepts, as it does
    // for bound values. Small enough that a page is several statements, so building one
    // overlaps the server's running of the one before.
    const Dialect &d = m_mirror.dialect();
    QString values;
    values.reserve(kLiteralBudget + kLiteralBudget / 8);
    st.next = st.first;
    while (st.next < rows.size() && st.next - st.first < kMaxLiteralRows
           && (st.next == st.first || values.size() < kLiteralBudget)) {
        const QVariantList &row = rows.at(st.next);
        values += st.next == st.first ? u"("_s : u", ("_s;
        for (qsizetype c = 0; c < row.size(); ++c) {
            if (c > 0)
                values += u',';
            if (!d.appendLiteral(values, m_codec.toDriver(c, row.at(c)))) {
                st.next = st.first;
                return false;   // a value without an exact literal: bind this statement instead
            }
        }
        values += u')';
        ++st.next;
    }
    st.built = true;
    sql = d.upsertValues(m_table, m_columns, m_key, values);
    return true;
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
        const auto it = existing.isEmpty() ? existing.constEnd()
                                           : existing.constFind(keyIdentity(keys.at(r)));
        if (it == existing.constEnd()) {
            ++counts.inserted;
            counts.writtenRows << r;
            if (!existing.isEmpty())
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
    // which the lookup ran. Then every row is written, as it came (no copy of the page).
    if (!write)
        return counts;
    if (existing.isEmpty())
        upsert(rows, true);
    else if (!changed.isEmpty())
        upsert(changed, false);
    return counts;
}

qint64 MirrorWriter::deleteKeys(const QList<QVariantList> &keys)
{
    return m_mirror.dialect().deleteKeys(m_mirror, m_table, m_schema, m_key, keys);
}

qint64 MirrorWriter::deleteAll()
{
    return m_mirror.dialect().deleteAllRows(m_mirror, m_table, m_key);
}

} // namespace tidemark
