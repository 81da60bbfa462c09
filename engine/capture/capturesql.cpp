#include "capture/capturesql.h"

#include "capture/capturesql_internal.h"
#include "db/dbconnection.h"

#include <QCryptographicHash>

using namespace Qt::StringLiterals;

namespace tidemark {

namespace capture {

QString logTable()
{
    return u"_tidemark_changes"_s;
}

QString sequencerTable()
{
    return u"_tidemark_sequencer"_s;
}

QString consumersTable()
{
    return u"_tidemark_capture_consumers"_s;
}

QString triggerBaseName(const QString &table)
{
    const QByteArray digest = QCryptographicHash::hash(table.toUtf8(), QCryptographicHash::Sha1);
    return u"_tidemark_cap_"_s + QString::fromLatin1(digest.toHex().left(12));
}

QString truncateOp()
{
    return u"T"_s;
}

QString keyColumnProblem(const ColumnInfo &column)
{
    switch (column.valueClass) {
    case ValueClass::Integer:
    case ValueClass::Decimal:
    case ValueClass::Text:
    case ValueClass::Date:
    case ValueClass::Timestamp:
    case ValueClass::Time:
    case ValueClass::Unknown: return {};
    case ValueClass::Real: return u"a floating-point key has no exact text form"_s;
    case ValueClass::Blob: return u"a binary key cannot travel through the log as text"_s;
    case ValueClass::Boolean: return u"a boolean key is not supported by capture"_s;
    case ValueClass::TimestampTz:
        return u"a key with a time zone is written as text in the changing session's zone"_s;
    case ValueClass::Json: return u"a JSON key has no canonical text form"_s;
    }
    return {};
}

QString hexText(const QString &text)
{
    return QString::fromLatin1(text.toUtf8().toHex());
}

} // namespace capture

CaptureSql::~CaptureSql() = default;

bool CaptureSql::logExists(DbConnection &conn) const
{
    return conn.dialect().tableExists(conn, capture::logTable());
}

QString CaptureSql::purgeThroughIds(const Dialect &d, int limit)
{
    const QString log = d.quote(capture::logTable());
    return u"DELETE FROM "_s + log + u" WHERE id IN (SELECT id FROM "_s + log
            + u" WHERE tbl = ? AND seq <= ? ORDER BY seq LIMIT %1)"_s.arg(limit);
}

QString CaptureSql::insertConsumerUnlessPresent(const Dialect &d)
{
    return u"INSERT INTO "_s + d.quote(capture::consumersTable())
            + u" (consumer, tbl, applied_seq) VALUES (?, ?, 0) ON CONFLICT (consumer) DO"
              " NOTHING"_s;
}

QString CaptureSql::script(const QStringList &statements)
{
    QString out;
    for (const QString &s : statements)
        out += s + u";\n"_s;
    return out;
}

std::unique_ptr<CaptureSql> CaptureSql::create(DriverKind kind)
{
    switch (kind) {
    case DriverKind::Sqlite: return capture::makeSqliteCaptureSql();
    case DriverKind::Postgres: return capture::makePostgresCaptureSql();
    case DriverKind::MariaDb: return capture::makeMariaDbCaptureSql();
    case DriverKind::ClickHouse: break;   // a mirror only: the loader refuses it as a source
    }
    return nullptr;
}

} // namespace tidemark
