#include "run/mappinghold.h"

#include "db/dbconnection.h"
#include "db/dberror.h"
#include "db/dialect_hold.h"
#include "log/logging.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QFile>
#include <QSqlQuery>
#include <QSysInfo>
#include <QThread>
#include <QUuid>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace tidemark {

namespace {

const QStringList kRowColumns{u"mapping"_s, u"instance"_s, u"token"_s, u"since"_s,
                              u"expires_ms"_s};

// After claiming an expired lease, how long to wait before reading back who won. Two instances
// that both found the lease expired have both written their claim by then unless one stalled
// between its read and its write for longer than this; both then read the same newest claim.
constexpr int kLeaseSettleMs = 1000;

QString isoUtc(const QDateTime &t)
{
    return t.isValid() ? t.toUTC().toString(Qt::ISODateWithMs) : QString();
}

QString errnoText()
{
    return QString::fromLocal8Bit(std::strerror(errno));
}

} // namespace

QString defaultInstanceName()
{
    QString host = QSysInfo::machineHostName();
    if (host.isEmpty())
        host = u"localhost"_s;
    return host + u':' + QString::number(QCoreApplication::applicationPid());
}

QString describeHolder(const MappingHolder &holder)
{
    QString text = u"held by instance '"_s + holder.instance + u'\'';
    if (holder.since.isValid())
        text += u" since "_s + isoUtc(holder.since);
    return text;
}

QString MappingHold::tableName()
{
    return u"_tidemark_holds"_s;
}

QString MappingHold::identityOf(const MappingConfig &mapping, const ConnectionConfig &mirror)
{
    // What must never be written by two instances at once: this mapping's rows in this mirror
    // table, and its checkpoint (keyed by the mapping's name). The database is part of it
    // because MariaDB's lock names are server-wide; the host is not, since two instances may
    // reach one server by different names.
    return mirror.database + u'\x1f' + mapping.mirror.table + u'\x1f' + mapping.name;
}

QString MappingHold::lockFilePath(const ConnectionConfig &mirror, const QString &identity)
{
    const QByteArray digest = QCryptographicHash::hash(identity.toUtf8(),
                                                       QCryptographicHash::Sha256);
    return mirror.database + u"-hold-"_s + QString::fromLatin1(digest.left(8).toHex());
}

MappingHold::MappingHold(const MappingConfig &mapping, const ConnectionConfig &mirror,
                         QString instance, int leaseS)
    : m_mapping(mapping.name)
    , m_mirror(mirror)
    , m_instance(std::move(instance))
    , m_identity(identityOf(mapping, mirror))
    , m_token(QUuid::createUuid().toString(QUuid::WithoutBraces))
    , m_leaseS(std::max(leaseS, 2))
{
}

MappingHold::~MappingHold()
{
    if (m_fd >= 0)
        ::close(m_fd);   // the kernel drops the flock with the last descriptor
}

void MappingHold::noteLost(const QString &why)
{
    if (m_held)
        logger("run.hold")->warn("mapping '{}': instance '{}' lost its hold: {}; it stops "
                                 "writing and stands by",
                                 m_mapping, m_instance, why);
    m_held = false;
}

void MappingHold::sessionEnded()
{
    m_tableReady = false;
    if (m_mirror.driver == DriverKind::Postgres || m_mirror.driver == DriverKind::MariaDb)
        noteLost(u"its connection to the mirror ended"_s);
}

MappingHolder MappingHold::ensure(DbConnection &mirror)
{
    const bool before = m_held;
    MappingHolder holder;
    switch (holdsql::holdKind(mirror.config().driver)) {
    case holdsql::HoldKind::SessionLock: holder = ensureSessionLock(mirror); break;
    case holdsql::HoldKind::FileLock: holder = ensureFileLock(mirror); break;
    case holdsql::HoldKind::Lease: holder = ensureLease(mirror); break;
    }
    if (m_held && !before)
        logger("run.hold")->info("mapping '{}': instance '{}' now holds it (mirror {})",
                                 m_mapping, m_instance, mirror.describe());
    return holder;
}

void MappingHold::ensureTable(DbConnection &mirror)
{
    if (m_tableReady)
        return;
    try {
        mirror.exec(holdsql::createHoldTable(mirror.dialect(), tableName()));
    } catch (const DbError &) {
        // Two holders of different mappings creating it at once: PostgreSQL's CREATE TABLE IF
        // NOT EXISTS can fail for the second one (a duplicate pg_type row). There it is.
        if (!mirror.dialect().tableExists(mirror, tableName()))
            throw;
    }
    m_tableReady = true;
}

void MappingHold::writeRow(DbConnection &mirror, const QDateTime &since, qint64 expiresMs)
{
    ensureTable(mirror);
    mirror.dialect().writeState(mirror, tableName(), kRowColumns,
                                {m_mapping, m_instance, m_token, isoUtc(since),
                                 QString::number(expiresMs)});
}

std::optional<MappingHold::Row> MappingHold::readRow(DbConnection &mirror, const QString &mapping)
{
    const Dialect &d = mirror.dialect();
    if (!d.tableExists(mirror, tableName()))
        return std::nullopt;
    QSqlQuery q = mirror.exec(d.selectState(tableName(), u"mapping"_s, kRowColumns.mid(1)),
                              {mapping});
    if (!q.next() || q.value(0).isNull())   // ClickHouse answers a row of NULLs for none
        return std::nullopt;
    Row row;
    row.instance = q.value(0).toString();
    row.token = q.value(1).toString();
    row.since = QDateTime::fromString(q.value(2).toString(), Qt::ISODateWithMs);
    row.expiresMs = q.value(3).toString().toLongLong();
    return row;
}

MappingHolder MappingHold::ensureSessionLock(DbConnection &mirror)
{
    const DriverKind driver = mirror.config().driver;
    const QVariant key = holdsql::lockKey(driver, m_identity);
    if (m_held) {
        // The server may have ended the session (pg_terminate_backend, KILL) while the driver
        // has not noticed yet; ask, so a standby's takeover is seen before the next pass.
        if (mirror.scalar(holdsql::heldBySession(driver), {key}).toLongLong() == 1)
            return self();
        noteLost(u"the mirror's session no longer holds the lock"_s);
    }
    if (mirror.scalar(holdsql::tryLock(driver), {key}).toLongLong() == 1) {
        m_held = true;
        m_since = QDateTime::currentDateTimeUtc();
        writeRow(mirror, m_since, 0);
        return self();
    }
    const std::optional<Row> row = readRow(mirror, m_mapping);
    if (row && row->token == m_token) {
        // The lock is held by a session of this very hold that the server has not noticed is
        // gone (a connection cut by a firewall or the statement watchdog, whose server side
        // lingers until TCP keepalive): ending it is the only way back, and no other instance
        // can be waiting for it, since the row names this hold's own token. Taken again at the
        // next attempt. (In the moment between another instance taking the lock and naming
        // itself in the row, this could end that instance's session instead: it then loses
        // the hold with its session, which costs it a pass, never a write beside us.)
        const QVariant session = mirror.scalar(holdsql::lockHolderSession(driver), {key});
        if (!session.isNull()) {
            logger("run.hold")->warn("mapping '{}': an old session of instance '{}' (server "
                                     "session {}) still holds the lock; ending it",
                                     m_mapping, m_instance, session.toString());
            mirror.exec(holdsql::endSession(driver).arg(session.toLongLong()));
        }
    }
    return {row ? row->instance : u"(another instance)"_s, row ? row->since : QDateTime(),
            false};
}

MappingHolder MappingHold::ensureFileLock(DbConnection &mirror)
{
    Q_UNUSED(mirror);
    if (m_fd >= 0) {
        m_held = true;
        return self();
    }
    const QString path = lockFilePath(m_mirror, m_identity);
    const QByteArray native = QFile::encodeName(path);
    const int fd = ::open(native.constData(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        throw DbError(DbError::Kind::Permanent,
                      u"mapping '%1': cannot open the hold's lock file '%2' beside the mirror "
                      "database: %3"_s.arg(m_mapping, path, errnoText()));
    // flock() locks belong to the open file description: a second open in this process (another
    // worker) conflicts like another process does, and the kernel drops the lock when the
    // process dies however it dies. (fcntl() record locks would not do: they belong to the
    // process, and closing any descriptor of the file drops them all.)
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) {
        m_fd = fd;
        m_held = true;
        m_since = QDateTime::currentDateTimeUtc();
        const QByteArray text = (m_instance + u'\n' + isoUtc(m_since) + u'\n').toUtf8();
        if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, text.constData(), size_t(text.size()), 0) < 0)
            logger("run.hold")->warn("mapping '{}': cannot name this instance in '{}': {}",
                                     m_mapping, path, errnoText());
        return self();
    }
    const int error = errno;
    ::close(fd);
    if (error != EWOULDBLOCK)
        throw DbError(DbError::Kind::Transient,
                      u"mapping '%1': cannot lock the hold's lock file '%2': %3"_s.arg(
                              m_mapping, path, QString::fromLocal8Bit(std::strerror(error))));
    QFile file(path);
    MappingHolder other{u"(another instance)"_s, {}, false};
    if (file.open(QIODevice::ReadOnly)) {
        const QStringList lines = QString::fromUtf8(file.readAll()).split(u'\n');
        if (!lines.value(0).isEmpty())
            other.instance = lines.value(0);
        other.since = QDateTime::fromString(lines.value(1), Qt::ISODateWithMs);
    }
    return other;
}

// ClickHouse has neither sessions nor transactions, so the hold is a lease: the row
// (mapping, instance, token, since, expires_ms) in `_tidemark_holds`, the newest version of
// which counts (a ReplacingMergeTree read FINAL). Expiry is judged by the server's clock.
//  - The holder renews at the start of every operation (at least once an interval) and, in a
//    pass that runs longer, every third of the lease (renewIfDue from the progress callback).
//  - A standby claims the lease only when it finds it expired (or absent): it writes its own
//    row, waits kLeaseSettleMs and reads back; the newest claim wins.
//  - The race: there is no compare-and-set. Two standbys that both find the lease expired both
//    write a claim; normally both read back after both claims and agree on the newest. If one
//    stalled between its read and its write for longer than the settle time, the other may
//    already have read back its own claim and started a pass: both then believe they hold the
//    lease until the first one's next renewal, which reads the newer claim and stops (cancels
//    the pass in hand after its batch). So the window is at most one renewal period (an
//    interval, or a third of the lease inside a long pass) and needs a stall longer than the
//    settle time at the moment of a takeover. A holder that stalls (a pause longer than the
//    lease) can find its lease taken; it notices at its next renewal, the same bound.
//  - What a double run can do in that window is bounded by how ClickHouse mirrors are written:
//    rows are versioned inserts (the newest version of a key wins), so rows written twice
//    converge, and the checkpoint only ever moves to positions actually read.
MappingHolder MappingHold::ensureLease(DbConnection &mirror)
{
    ensureTable(mirror);
    const qint64 now = mirror.scalar(holdsql::serverClockMs(mirror.config().driver)).toLongLong();
    // ClickHouse 18.16's clock has whole seconds: a lease written just before a second ticks
    // would otherwise last a second less than asked.
    const qint64 leaseMs = qint64(m_leaseS) * 1000 + 999;
    std::optional<Row> row = readRow(mirror, m_mapping);
    if (row && row->token == m_token && row->expiresMs > now) {
        writeRow(mirror, m_since, now + leaseMs);
        m_held = true;
        m_renewed.start();
        return self();
    }
    if (m_held)
        noteLost(row && row->token != m_token
                         ? u"instance '%1' took its lease"_s.arg(row->instance)
                         : u"its lease expired before it was renewed"_s);
    if (row && row->token != m_token && row->expiresMs > now)
        return {row->instance, row->since, false};
    const QDateTime since = QDateTime::fromMSecsSinceEpoch(now, Qt::UTC);
    writeRow(mirror, since, now + leaseMs);
    QThread::msleep(kLeaseSettleMs);
    row = readRow(mirror, m_mapping);
    if (row && row->token == m_token) {
        m_held = true;
        m_since = since;
        m_renewed.start();
        return self();
    }
    return {row ? row->instance : u"(another instance)"_s, row ? row->since : QDateTime(),
            false};
}

bool MappingHold::renewIfDue(DbConnection &mirror)
{
    if (!m_held || holdsql::holdKind(mirror.config().driver) != holdsql::HoldKind::Lease)
        return m_held;
    if (m_renewed.isValid() && m_renewed.elapsed() < qint64(m_leaseS) * 1000 / 3)
        return true;
    return ensure(mirror).self;
}

void MappingHold::release(DbConnection *mirror)
{
    const bool held = m_held;
    m_held = false;
    if (m_fd >= 0) {
        ::close(m_fd);
        m_fd = -1;
    }
    if (!held || !mirror || !mirror->isOpen())
        return;
    try {
        const DriverKind driver = mirror->config().driver;
        switch (holdsql::holdKind(driver)) {
        case holdsql::HoldKind::SessionLock:
            mirror->scalar(holdsql::unlock(driver), {holdsql::lockKey(driver, m_identity)});
            break;
        case holdsql::HoldKind::FileLock: break;
        case holdsql::HoldKind::Lease:
            writeRow(*mirror, m_since, 0);   // expired: a standby takes it at its next try
            break;
        }
        logger("run.hold")->info("mapping '{}': instance '{}' gave up its hold", m_mapping,
                                 m_instance);
    } catch (const DbError &e) {
        // The session ends soon anyway (and its lock with it); a lease runs out.
        logger("run.hold")->warn("mapping '{}': could not release the hold cleanly: {}",
                                 m_mapping, e.message());
    }
}

std::optional<MappingHolder> MappingHold::read(DbConnection &mirror, const MappingConfig &mapping,
                                               const QString &ownInstance)
{
    const QString identity = identityOf(mapping, mirror.config());
    const DriverKind driver = mirror.config().driver;
    auto fromRow = [&](const std::optional<Row> &row) {
        MappingHolder h{row ? row->instance : u"(another instance)"_s,
                        row ? row->since : QDateTime(), false};
        h.self = h.instance == ownInstance;
        return h;
    };
    switch (holdsql::holdKind(driver)) {
    case holdsql::HoldKind::SessionLock:
        if (mirror.scalar(holdsql::isLocked(driver), {holdsql::lockKey(driver, identity)})
                    .toLongLong()
            != 1)
            return std::nullopt;
        return fromRow(readRow(mirror, mapping.name));
    case holdsql::HoldKind::FileLock: {
        // Taking the lock for a moment tells whether anyone has it; a standby that tries in that
        // moment simply tries again at its next interval.
        const QString path = lockFilePath(mirror.config(), identity);
        const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return std::nullopt;   // never taken
        const bool free = ::flock(fd, LOCK_EX | LOCK_NB) == 0;
        ::close(fd);
        if (free)
            return std::nullopt;
        QFile file(path);
        MappingHolder h{u"(another instance)"_s, {}, false};
        if (file.open(QIODevice::ReadOnly)) {
            const QStringList lines = QString::fromUtf8(file.readAll()).split(u'\n');
            if (!lines.value(0).isEmpty())
                h.instance = lines.value(0);
            h.since = QDateTime::fromString(lines.value(1), Qt::ISODateWithMs);
        }
        h.self = h.instance == ownInstance;
        return h;
    }
    case holdsql::HoldKind::Lease: {
        const std::optional<Row> row = readRow(mirror, mapping.name);
        if (!row || row->expiresMs <= mirror.scalar(holdsql::serverClockMs(driver)).toLongLong())
            return std::nullopt;
        return fromRow(row);
    }
    }
    return std::nullopt;
}

} // namespace tidemark
