#include "db/mariadbnative.h"

#include "db/dbconnection.h"
#include "db/dberror.h"
#include "db/mariadbclient.h"

#include <atomic>

#ifdef TIDEMARK_HAVE_MARIADB_CLIENT
#include <mysql.h>

#include <cstring>
#include <memory>
#include <vector>
#endif

using namespace Qt::StringLiterals;

namespace tidemark::mariadbnative {

namespace {
std::atomic<bool> g_enabled{true};
} // namespace

void setEnabled(bool enabled)
{
    g_enabled = enabled;
}

#ifdef TIDEMARK_HAVE_MARIADB_CLIENT

namespace {

// The prepared statements of one session, closed before the session ends
// (DbConnection::nativeState() is reset before the driver closes the connection).
class Statements
{
public:
    ~Statements()
    {
        for (auto &[sql, stmt] : m_kept)
            mysql_stmt_close(stmt);
    }
    MYSQL_STMT *find(const QString &sql) const
    {
        for (const auto &[text, stmt] : m_kept)
            if (text == sql)
                return stmt;
        return nullptr;
    }
    void keep(const QString &sql, MYSQL_STMT *stmt)
    {
        constexpr size_t kKept = 4;
        if (m_kept.size() >= kKept) {
            mysql_stmt_close(m_kept.front().second);
            m_kept.erase(m_kept.begin());
        }
        m_kept.emplace_back(sql, stmt);
    }
    void forget(MYSQL_STMT *stmt)
    {
        for (auto it = m_kept.begin(); it != m_kept.end(); ++it)
            if (it->second == stmt) {
                mysql_stmt_close(stmt);
                m_kept.erase(it);
                return;
            }
    }

private:
    std::vector<std::pair<QString, MYSQL_STMT *>> m_kept;
};

QSqlError statementError(MYSQL_STMT *stmt, const QString &what)
{
    const unsigned int code = mysql_stmt_errno(stmt);
    return QSqlError(u"QMYSQL: "_s + what, QString::fromUtf8(mysql_stmt_error(stmt)),
                     code >= 2000 && code < 3000 ? QSqlError::ConnectionError
                                                 : QSqlError::StatementError,
                     code ? QString::number(code) : QString());
}

enum class Kind { Null, Signed, Unsigned, Double, Text, Bytes, Other };

Kind kindOf(const QVariant &v)
{
    if (!v.isValid() || v.isNull())
        return Kind::Null;
    switch (v.metaType().id()) {
    case QMetaType::LongLong:
    case QMetaType::Int:
    case QMetaType::Bool: return Kind::Signed;
    case QMetaType::ULongLong:
    case QMetaType::UInt: return Kind::Unsigned;
    case QMetaType::Double:
    case QMetaType::Float: return Kind::Double;
    case QMetaType::QString: return Kind::Text;
    case QMetaType::QByteArray: return Kind::Bytes;
    default: return Kind::Other;
    }
}

} // namespace

// Column-wise arrays for one bulk execution: per column an indicator per row (NULL or not) and
// either a number per row or a pointer and length per row into `bytes`, whose pointers are set
// once it is complete.
struct Batch
{
    size_t rows = 0;
    size_t width = 0;
    std::vector<MYSQL_BIND> binds;
    std::vector<std::vector<char>> indicators;
    std::vector<std::vector<long long>> numbers;   // doubles too, bit for bit
    std::vector<std::vector<char *>> pointers;
    std::vector<std::vector<unsigned long>> lengths;
    std::vector<std::vector<qsizetype>> offsets;
    QByteArray bytes;
};

void BatchDeleter::operator()(Batch *batch) const
{
    delete batch;
}

namespace {

// Appends `s` as UTF-8 without a copy of it first: most values (decimals, timestamps, names)
// are ASCII, written byte by byte; the rest through QString's encoder. No reference to the
// string is taken (its reference count is shared with the reader thread that made it).
void appendUtf8(QByteArray &out, const QString &s)
{
    const QChar *c = s.constData();
    const qsizetype n = s.size();
    qsizetype i = 0;
    while (i < n && c[i].unicode() < 0x80)
        ++i;
    if (i < n) {
        out += s.toUtf8();
        return;
    }
    const qsizetype at = out.size();
    out.resize(at + n);
    char *dst = out.data() + at;
    for (i = 0; i < n; ++i)
        dst[i] = char(c[i].unicode());
}

bool fill(Batch &a, const QList<QVariantList> &rows, size_t width)
{
    const size_t n = size_t(rows.size());
    a.binds.assign(width, MYSQL_BIND{});
    a.indicators.resize(width);
    a.numbers.resize(width);
    a.pointers.resize(width);
    a.lengths.resize(width);
    a.offsets.resize(width);
    a.bytes.clear();
    a.bytes.reserve(qsizetype(n * width * 12));   // a guess; grows if short
    for (size_t c = 0; c < width; ++c) {
        // One type per column: the first non-NULL value's; an unsigned column may hold
        // signed values that are not negative.
        Kind kind = Kind::Null;
        for (size_t r = 0; r < n; ++r) {
            const Kind k = kindOf(rows.at(qsizetype(r)).at(qsizetype(c)));
            if (k == Kind::Other)
                return false;
            if (k == Kind::Null || k == kind)
                continue;
            if (kind == Kind::Null)
                kind = k;
            else if (kind == Kind::Signed && k == Kind::Unsigned)
                kind = Kind::Unsigned;
            else if (!(kind == Kind::Unsigned && k == Kind::Signed))
                return false;
        }
        std::vector<char> &indicator = a.indicators[c];
        indicator.assign(n, STMT_INDICATOR_NONE);
        MYSQL_BIND &bind = a.binds[c];
        bind.u.indicator = indicator.data();
        switch (kind) {
        case Kind::Signed:
        case Kind::Unsigned:
        case Kind::Double: {
            std::vector<long long> &numbers = a.numbers[c];
            numbers.assign(n, 0);
            for (size_t r = 0; r < n; ++r) {
                const QVariant &v = rows.at(qsizetype(r)).at(qsizetype(c));
                if (kindOf(v) == Kind::Null) {
                    indicator[r] = STMT_INDICATOR_NULL;
                } else if (kind == Kind::Double) {
                    const double d = v.toDouble();
                    std::memcpy(&numbers[r], &d, sizeof d);
                } else if (kind == Kind::Unsigned) {
                    if (kindOf(v) == Kind::Signed && v.toLongLong() < 0)
                        return false;
                    const unsigned long long u = v.toULongLong();
                    std::memcpy(&numbers[r], &u, sizeof u);
                } else {
                    numbers[r] = v.toLongLong();
                }
            }
            bind.buffer_type = kind == Kind::Double ? MYSQL_TYPE_DOUBLE : MYSQL_TYPE_LONGLONG;
            bind.is_unsigned = kind == Kind::Unsigned;
            bind.buffer = numbers.data();
            break;
        }
        case Kind::Null:
        case Kind::Text:
        case Kind::Bytes: {
            std::vector<qsizetype> &offsets = a.offsets[c];
            std::vector<unsigned long> &lengths = a.lengths[c];
            offsets.assign(n, 0);
            lengths.assign(n, 0);
            for (size_t r = 0; r < n; ++r) {
                const QVariant &v = rows.at(qsizetype(r)).at(qsizetype(c));
                if (kindOf(v) == Kind::Null) {
                    indicator[r] = STMT_INDICATOR_NULL;
                    continue;
                }
                offsets[r] = a.bytes.size();
                if (kind == Kind::Text)
                    appendUtf8(a.bytes, *static_cast<const QString *>(v.constData()));
                else
                    a.bytes += *static_cast<const QByteArray *>(v.constData());
                lengths[r] = static_cast<unsigned long>(a.bytes.size() - offsets[r]);
            }
            bind.buffer_type = kind == Kind::Bytes ? MYSQL_TYPE_BLOB : MYSQL_TYPE_STRING;
            bind.length = lengths.data();
            break;
        }
        case Kind::Other: return false;
        }
    }
    // Every texts' bytes are in place: point at them (an empty text at a valid address).
    static char empty = 0;
    for (size_t c = 0; c < width; ++c) {
        if (a.binds[c].buffer_type == MYSQL_TYPE_LONGLONG
            || a.binds[c].buffer_type == MYSQL_TYPE_DOUBLE)
            continue;
        std::vector<char *> &pointers = a.pointers[c];
        pointers.assign(n, &empty);
        for (size_t r = 0; r < n; ++r)
            if (a.lengths[c][r] > 0)
                pointers[r] = a.bytes.data() + a.offsets[c][r];
        a.binds[c].buffer = pointers.data();
    }
    return true;
}

bool serverHasBulk(MYSQL *mysql)
{
    unsigned long long capabilities = 0;
    if (mariadb_get_infov(mysql, MARIADB_CONNECTION_EXTENDED_SERVER_CAPABILITIES, &capabilities))
        return false;
    return (capabilities & (MARIADB_CLIENT_STMT_BULK_OPERATIONS >> 32)) != 0;
}

} // namespace

bool available(DbConnection &conn)
{
    if (!g_enabled)
        return false;
    auto *mysql = static_cast<MYSQL *>(mariadbclient::handle(conn));
    return mysql && serverHasBulk(mysql);
}

BatchPtr makeBatch(const QList<QVariantList> &rows)
{
    if (rows.isEmpty())
        return {};
    BatchPtr batch(new Batch);
    batch->rows = size_t(rows.size());
    batch->width = size_t(rows.first().size());
    if (!fill(*batch, rows, batch->width))
        return {};
    return batch;
}

void execute(DbConnection &conn, const QString &sql, const Batch &batch)
{
    auto *mysql = static_cast<MYSQL *>(mariadbclient::handle(conn));
    conn.aboutToRun(sql);
    if (!mysql)
        throw DbError(DbError::Kind::Transient, conn.describe() + u": not connected"_s, sql)
                .onConnection(conn.config().name, true);
    std::shared_ptr<void> &state = conn.nativeState();
    if (!state)
        state = std::make_shared<Statements>();
    auto &kept = *static_cast<Statements *>(state.get());
    MYSQL_STMT *stmt = kept.find(sql);
    if (!stmt) {
        stmt = mysql_stmt_init(mysql);
        if (!stmt)
            throw DbError(DbError::Kind::Transient,
                          conn.describe() + u": out of memory for a prepared statement"_s, sql);
        const QByteArray text = sql.toUtf8();
        if (mysql_stmt_prepare(stmt, text.constData(), static_cast<unsigned long>(text.size()))
            != 0) {
            const QSqlError error = statementError(stmt, u"Unable to prepare statement"_s);
            mysql_stmt_close(stmt);
            throw conn.failure(conn.describe(), error, sql);
        }
        const unsigned long placeholders = mysql_stmt_param_count(stmt);
        if (placeholders != static_cast<unsigned long>(batch.width)) {
            mysql_stmt_close(stmt);
            throw DbError(DbError::Kind::Permanent,
                          conn.describe()
                                  + u": the statement has %1 placeholders for rows of %2 values"_s
                                            .arg(placeholders)
                                            .arg(batch.width),
                          sql);
        }
        kept.keep(sql, stmt);
    }
    unsigned int arraySize = static_cast<unsigned int>(batch.rows);
    // bind_param copies the bind descriptions; the arrays they point to stay the batch's.
    auto *binds = const_cast<MYSQL_BIND *>(batch.binds.data());
    if (mysql_stmt_attr_set(stmt, STMT_ATTR_ARRAY_SIZE, &arraySize) != 0
        || mysql_stmt_bind_param(stmt, binds) != 0 || mysql_stmt_execute(stmt) != 0) {
        const QSqlError error = statementError(stmt, u"Unable to execute statement"_s);
        kept.forget(stmt);   // prepared again next time, in case the failure broke it
        throw conn.failure(conn.describe(), error, sql);
    }
}

#else

struct Batch
{
};

void BatchDeleter::operator()(Batch *batch) const
{
    delete batch;
}

bool available(DbConnection &)
{
    return false;
}

BatchPtr makeBatch(const QList<QVariantList> &)
{
    return {};
}

void execute(DbConnection &, const QString &, const Batch &)
{
}

#endif

} // namespace tidemark::mariadbnative
