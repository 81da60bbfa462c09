#pragma once
// Each mapping is run by one instance at a time: a `sync --watch`, a `serve`, the GUI's
// embedded engine, or a one-shot command. The instance that runs it holds a lock in the
// mapping's MIRROR database (never a coordinator of our own), taken through the mirror dialect
// (db/dialect_hold.cpp):
//  - PostgreSQL, MariaDB: a session lock on the connection the mapping writes through. The lock
//    ends with the session, however the session ends (the process killed, the network gone,
//    the server restarted), and every write of the mapping goes through that same session, so
//    a write can never commit after the hold was lost: the session it would commit in is gone.
//  - SQLite: flock() on a lock file beside the mirror database file ("<file>-hold-<hash>"); the
//    kernel drops it when the process dies. The file also names the holder.
//  - ClickHouse: a lease row in `_tidemark_holds` that expires unless renewed (see
//    mappinghold.cpp for the race window, and how renewal and expiry bound it).
// An instance that does not hold a mapping stands by and asks again on the mapping's schedule.
// `_tidemark_holds` names each mapping's holder (instance and since) for `status`.
//
// One MappingHold per mapping and thread: it is used from the thread that owns `mirror`.

#include "project/projectconfig.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QString>

#include <optional>

namespace tidemark {

class DbConnection;

// Who runs a mapping.
struct MappingHolder
{
    QString instance;   // "host:pid" unless the instance was named (--instance)
    QDateTime since;    // when it took the hold; invalid when unknown
    bool self = false;  // this instance

    bool operator==(const MappingHolder &) const = default;
};

// "hostname:pid": unique among the instances running at one time.
QString defaultInstanceName();

// "held by instance 'host:42' since 2026-12-07T15:00:00Z"
QString describeHolder(const MappingHolder &holder);

class MappingHold
{
public:
    static QString tableName();   // "_tidemark_holds"

    // `leaseS`: how long a lease lasts without renewal (ClickHouse); the engine uses two of
    // the mapping's intervals, so a dead holder's mappings move on within about two intervals.
    MappingHold(const MappingConfig &mapping, const ConnectionConfig &mirror, QString instance,
                int leaseS);
    ~MappingHold();   // closes a lock file; a session lock goes with its session
    MappingHold(const MappingHold &) = delete;
    MappingHold &operator=(const MappingHold &) = delete;

    // Takes the hold, or confirms that this instance still has it (renewing a lease), on
    // `mirror`: this thread's open connection to the mapping's mirror, the one it writes
    // through. Returns the holder as it is now (`self` when this instance holds it). Throws
    // DbError when the mirror cannot be asked.
    MappingHolder ensure(DbConnection &mirror);
    // For passes that run longer than a lease: renews a lease when a third of it has passed
    // since the last renewal. Returns false when the hold is lost (another instance took it):
    // the caller must stop writing. Session and file locks need no renewal. Throws DbError.
    bool renewIfDue(DbConnection &mirror);
    // The session the hold was taken on has ended (its connection was closed or lost): a
    // session lock ended with it.
    void sessionEnded();
    // Gives the hold up (unlocks, closes the lock file, lets the lease expire now), so another
    // instance can take the mapping at once. `mirror` may be null or closed. Never throws.
    void release(DbConnection *mirror);

    bool held() const { return m_held; }
    const QString &instance() const { return m_instance; }
    const QString &identity() const { return m_identity; }

    // Who holds `mapping` now, read without taking it (for `status`): nullopt when no instance
    // does. `ownInstance` marks the holder as `self`. Throws DbError.
    static std::optional<MappingHolder> read(DbConnection &mirror, const MappingConfig &mapping,
                                             const QString &ownInstance);

private:
    struct Row
    {
        QString instance;
        QString token;
        QDateTime since;
        qint64 expiresMs = 0;
    };
    MappingHolder ensureSessionLock(DbConnection &mirror);
    MappingHolder ensureFileLock(DbConnection &mirror);
    MappingHolder ensureLease(DbConnection &mirror);
    void ensureTable(DbConnection &mirror);
    void writeRow(DbConnection &mirror, const QDateTime &since, qint64 expiresMs);
    static std::optional<Row> readRow(DbConnection &mirror, const QString &mapping);
    static QString lockFilePath(const ConnectionConfig &mirror, const QString &identity);
    static QString identityOf(const MappingConfig &mapping, const ConnectionConfig &mirror);
    MappingHolder self() const { return {m_instance, m_since, true}; }
    void noteLost(const QString &why);

    QString m_mapping;
    ConnectionConfig m_mirror;
    QString m_instance;
    QString m_identity;
    QString m_token;          // this hold's own mark in a lease row
    int m_leaseS;
    bool m_held = false;
    QDateTime m_since;
    bool m_tableReady = false;
    int m_fd = -1;            // the flocked lock file (SQLite)
    QElapsedTimer m_renewed;  // since the lease was last renewed
};

} // namespace tidemark
