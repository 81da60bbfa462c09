#pragma once
// Each database's part of mapping holds (run/mappinghold.h): how a mirror database holds one
// instance's claim on a mapping, the SQL of its lock, the table that names the holder, and the
// server's clock. Kept beside the dialects, one switch per question, so every driver kind
// answers each of them (-Wswitch).

#include "project/projectconfig.h"

#include <QString>
#include <QVariant>

namespace tidemark {

class Dialect;

namespace holdsql {

//  - SessionLock: a lock that belongs to the session that took it and goes when the session
//    ends, however it ends (PostgreSQL's advisory locks, MariaDB's GET_LOCK);
//  - FileLock: flock() on a file beside the database file (SQLite), which the kernel drops
//    when the process dies;
//  - Lease: a row in the hold table with an expiry the holder renews (ClickHouse, which has
//    neither sessions nor transactions).
enum class HoldKind { SessionLock, FileLock, Lease };
HoldKind holdKind(DriverKind driver);

// The lock's key for a hold's identity text (what the statements below bind): PostgreSQL a
// 64-bit integer hashed from it, MariaDB a lock name of at most 64 characters.
QVariant lockKey(DriverKind driver, const QString &identity);

// SessionLock SQL, each with one `?` for the key and one row of one value: take the lock
// without waiting (1 taken, 0 or NULL held by another session); whether this session holds it
// (1 when it does); release it; whether any session holds it (1 when one does), without taking
// it, for `status`. Empty for the other kinds.
QString tryLock(DriverKind driver);
QString heldBySession(DriverKind driver);
QString unlock(DriverKind driver);
QString isLocked(DriverKind driver);
// One row, one value: the server's id for the session that holds the lock (NULL when none),
// and the statement that ends that session, with `%1` for the id. For a session of this
// instance's own that the server has not noticed is gone (see MappingHold).
QString lockHolderSession(DriverKind driver);
QString endSession(DriverKind driver);

// The table that names each mapping's holder (mapping, instance, token, since, expires_ms);
// for a Lease it is the hold itself. Read and written through Dialect::selectState() and
// writeState().
QString createHoldTable(const Dialect &dialect, const QString &table);

// One value: the server's clock in milliseconds since the epoch. A lease's expiry is read
// against the server's clock, so instances whose clocks disagree still agree about it.
QString serverClockMs(DriverKind driver);

} // namespace holdsql

} // namespace tidemark
