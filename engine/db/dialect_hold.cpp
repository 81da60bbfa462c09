// Each database's part of mapping holds (run/mappinghold.h). A hold's identity is the mirror
// database, the mirror table and the mapping's name (run/mappinghold.cpp); here it becomes the
// key each database's lock wants.

#include "db/dialect_hold.h"

#include "db/dialect.h"

#include <QCryptographicHash>
#include <QtEndian>

using namespace Qt::StringLiterals;

namespace tidemark::holdsql {

namespace {

QByteArray identityDigest(const QString &identity)
{
    // A prefix of our own, so the same text hashed by another application for its own locks
    // does not land on our keys.
    const QByteArray text = QByteArray("tidemark-hold\x1f") + identity.toUtf8();
    return QCryptographicHash::hash(text, QCryptographicHash::Sha256);
}

} // namespace

HoldKind holdKind(DriverKind driver)
{
    switch (driver) {
    case DriverKind::Postgres:
    case DriverKind::MariaDb: return HoldKind::SessionLock;
    case DriverKind::Sqlite: return HoldKind::FileLock;
    case DriverKind::ClickHouse: return HoldKind::Lease;
    }
    return HoldKind::Lease;
}

// PostgreSQL: a session-level advisory lock on one 64-bit key, the first eight bytes of the
// identity's SHA-256. Advisory locks are per database, so the key needs to be unique only among
// the locks taken in the mirror database. A collision with another mapping of ours needs two
// of 2^64 values to agree (about n^2 / 2^65 for n mappings in one database: 3e-14 for a
// thousand); it would make the two mappings share one hold: never run by two instances at once,
// but one of them standing by while another worker holds the key, which `status` shows.
// Another application's advisory locks collide only if it picks the same random-looking number.
//
// MariaDB: GET_LOCK(name, 0). Lock names are server-wide (not per database) and at most 64
// characters, so the name is always "tidemark-hold:" and 40 hex digits of the identity's
// SHA-256 (54 characters): the identity includes the database, names never run over the limit
// however long the table and mapping names are, and MySQL's case-insensitive comparison of
// names cannot merge two identities that differ only in case. A collision needs two 160-bit
// values to agree.
QVariant lockKey(DriverKind driver, const QString &identity)
{
    switch (driver) {
    case DriverKind::Postgres:
        return qint64(qFromBigEndian<quint64>(identityDigest(identity).constData()));
    case DriverKind::MariaDb:
        return QString(u"tidemark-hold:"_s
                       + QString::fromLatin1(identityDigest(identity).left(20).toHex()));
    case DriverKind::Sqlite:
    case DriverKind::ClickHouse: break;
    }
    return identity;
}

QString tryLock(DriverKind driver)
{
    switch (driver) {
    case DriverKind::Postgres: return u"SELECT pg_try_advisory_lock(CAST(? AS bigint))"_s;
    case DriverKind::MariaDb: return u"SELECT GET_LOCK(?, 0)"_s;
    case DriverKind::Sqlite:
    case DriverKind::ClickHouse: break;
    }
    return {};
}

QString heldBySession(DriverKind driver)
{
    switch (driver) {
    case DriverKind::Postgres:
        // pg_locks shows a bigint advisory key as classid (high 32 bits) and objid (low 32
        // bits) with objsubid 1. Asked at every renewal, so a session the server ended (and its
        // lock with it) is noticed before the next pass, not at its first write.
        return u"SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 1"
               " AND granted AND pid = pg_backend_pid()"
               " AND ((classid::bigint << 32) | objid::bigint) = CAST(? AS bigint)"_s;
    case DriverKind::MariaDb: return u"SELECT COALESCE(IS_USED_LOCK(?) = CONNECTION_ID(), 0)"_s;
    case DriverKind::Sqlite:
    case DriverKind::ClickHouse: break;
    }
    return {};
}

QString unlock(DriverKind driver)
{
    switch (driver) {
    case DriverKind::Postgres: return u"SELECT pg_advisory_unlock(CAST(? AS bigint))"_s;
    case DriverKind::MariaDb: return u"SELECT RELEASE_LOCK(?)"_s;
    case DriverKind::Sqlite:
    case DriverKind::ClickHouse: break;
    }
    return {};
}

QString isLocked(DriverKind driver)
{
    switch (driver) {
    case DriverKind::Postgres:
        return u"SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 1"
               " AND granted AND database = (SELECT oid FROM pg_database"
               " WHERE datname = current_database())"
               " AND ((classid::bigint << 32) | objid::bigint) = CAST(? AS bigint)"_s;
    case DriverKind::MariaDb: return u"SELECT IS_USED_LOCK(?) IS NOT NULL"_s;
    case DriverKind::Sqlite:
    case DriverKind::ClickHouse: break;
    }
    return {};
}

QString lockHolderSession(DriverKind driver)
{
    switch (driver) {
    case DriverKind::Postgres:
        return u"SELECT MIN(pid) FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 1"
               " AND granted AND database = (SELECT oid FROM pg_database"
               " WHERE datname = current_database())"
               " AND ((classid::bigint << 32) | objid::bigint) = CAST(? AS bigint)"_s;
    case DriverKind::MariaDb: return u"SELECT IS_USED_LOCK(?)"_s;
    case DriverKind::Sqlite:
    case DriverKind::ClickHouse: break;
    }
    return {};
}

QString endSession(DriverKind driver)
{
    // Both let a user end sessions of its own user without further privileges.
    switch (driver) {
    case DriverKind::Postgres: return u"SELECT pg_terminate_backend(%1)"_s;
    case DriverKind::MariaDb: return u"KILL CONNECTION %1"_s;
    case DriverKind::Sqlite:
    case DriverKind::ClickHouse: break;
    }
    return {};
}

QString createHoldTable(const Dialect &dialect, const QString &table)
{
    // ClickHouse: the state table's layout (one row per mapping and field, each with a
    // version), which writeState()/selectState() read and write there.
    if (dialect.kind() == DriverKind::ClickHouse)
        return dialect.createStateTable(table);
    // Spelled so that SQLite, PostgreSQL and MariaDB all take it as it is; text columns only,
    // as ClickHouse's layout keeps every value as text.
    return u"CREATE TABLE IF NOT EXISTS "_s + dialect.quote(table)
            + u" (mapping VARCHAR(255) NOT NULL PRIMARY KEY, instance VARCHAR(255),"
              " token VARCHAR(64), since VARCHAR(40), expires_ms VARCHAR(20))"_s;
}

QString serverClockMs(DriverKind driver)
{
    switch (driver) {
    case DriverKind::Postgres:
        return u"SELECT CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS bigint)"_s;
    case DriverKind::MariaDb: return u"SELECT CAST(UNIX_TIMESTAMP(NOW(3)) * 1000 AS SIGNED)"_s;
    case DriverKind::Sqlite:
        return u"SELECT CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)"_s;
    case DriverKind::ClickHouse:
        // Whole seconds: the oldest server we support (18.16) has no now64(). A lease lasts
        // seconds, so a clock in whole seconds only rounds its expiry.
        return u"SELECT toUInt64(now()) * 1000"_s;
    }
    return {};
}

} // namespace tidemark::holdsql
