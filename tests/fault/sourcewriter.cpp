#include "sourcewriter.h"

#include "db/dberror.h"
#include "db/dbconnection.h"

#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QSqlQuery>

#include <memory>

using namespace Qt::StringLiterals;

namespace tidemark::test {

namespace {

// Transactions per second: each carries rowsPerSecond / kTicksPerSecond writes, so 1,000 rows a
// second are 20 transactions of three statements, not 1,000 round trips.
constexpr int kTicksPerSecond = 20;

QString placeholders(qsizetype n)
{
    QStringList marks(n, u"?"_s);
    return marks.join(u", "_s);
}

} // namespace

SourceWriter::SourceWriter(ConnectionConfig connection, QString table, Options options)
    : m_connection(std::move(connection))
    , m_table(std::move(table))
    , m_options(options)
{
    setObjectName(u"test-source-writer"_s);
    // A frozen or stopped server must not hold the writer (or stop()) for minutes.
    m_connection.connectTimeoutS = 3;
    m_connection.statementTimeoutS = 10;
}

SourceWriter::~SourceWriter()
{
    stop();
}

void SourceWriter::stop()
{
    m_stop.store(true);
    wait();
}

QString SourceWriter::lastError() const
{
    QMutexLocker lock(&m_errorMutex);
    return m_lastError;
}

void SourceWriter::run()
{
    QRandomGenerator rng(m_options.seed);
    const int perTick = std::max(1, m_options.rowsPerSecond / kTicksPerSecond);
    const qint64 tickMs = std::max<qint64>(1, qint64(perTick) * 1000 / std::max(1, m_options.rowsPerSecond));
    const QString t = m_connection.driver == DriverKind::MariaDb ? u'`' + m_table + u'`'
                                                                 : u'"' + m_table + u'"';
    std::unique_ptr<DbConnection> conn;
    qint64 nextId = -1;
    qint64 version = -1;
    QElapsedTimer clock;
    clock.start();
    qint64 tick = 0;

    while (!m_stop.load()) {
        // Paced by the clock, not by sleeping a fixed time after each transaction: a slow
        // transaction is caught up, and the rate is what the test asked for.
        const qint64 due = tick * tickMs;
        if (clock.elapsed() < due) {
            QThread::msleep(std::min<qint64>(due - clock.elapsed(), 50));
            continue;
        }
        ++tick;
        try {
            if (!conn) {
                conn = std::make_unique<DbConnection>(m_connection, u"fault-writer"_s);
                conn->open();
                // The ids and versions to continue from: what the table holds, plus a margin
                // for a transaction that may have committed as the connection went away.
                QSqlQuery q = conn->exec(u"SELECT COALESCE(MAX(id), 0), COALESCE(MAX(version), 0) "
                                         "FROM "_s + t);
                q.next();
                nextId = std::max(nextId, q.value(0).toLongLong() + 1);
                version = std::max(version, q.value(1).toLongLong() + 1);
            }
            QVariantList inserts, updates, deletes;
            QList<qint64> insertIds;
            for (int i = 0; i < perTick; ++i) {
                const int dice = int(rng.bounded(100));
                if (dice < m_options.insertPercent)
                    insertIds << nextId++;
                else if (dice < m_options.insertPercent + m_options.updatePercent)
                    updates << qint64(1 + rng.bounded(quint64(nextId - 1)));
                else if (m_options.deletePercent > 0)
                    deletes << qint64(1 + rng.bounded(quint64(nextId - 1)));
                else
                    updates << qint64(1 + rng.bounded(quint64(nextId - 1)));
            }
            conn->begin();
            qint64 ins = 0, upd = 0, del = 0;
            if (!insertIds.isEmpty()) {
                QStringList rows;
                for (qint64 id : std::as_const(insertIds)) {
                    rows << u"(?, ?, ?)"_s;
                    inserts << id << u"new %1"_s.arg(id) << version++;
                }
                ins = conn->exec(u"INSERT INTO "_s + t + u" (id, v, version) VALUES "_s
                                 + rows.join(u", "_s), inserts)
                              .numRowsAffected();
            }
            if (!updates.isEmpty()) {
                // One version for the statement: several rows share a cursor value, which is
                // what the checkpoint's key part is for.
                const qint64 v = version++;
                QVariantList binds{u"upd %1"_s.arg(v), v};
                binds += updates;
                upd = conn->exec(u"UPDATE "_s + t + u" SET v = ?, version = ? WHERE id IN ("_s
                                 + placeholders(updates.size()) + u')',
                                 binds)
                              .numRowsAffected();
            }
            if (!deletes.isEmpty())
                del = conn->exec(u"DELETE FROM "_s + t + u" WHERE id IN ("_s
                                 + placeholders(deletes.size()) + u')',
                                 deletes)
                              .numRowsAffected();
            conn->commit();
            inserted += ins;
            updated += upd;
            deleted += del;
            ++transactions;
        } catch (const DbError &e) {
            ++errors;
            {
                QMutexLocker lock(&m_errorMutex);
                m_lastError = e.message();
            }
            if (conn)
                conn->rollback();
            conn.reset();
            // Ids and versions are taken again from the table after reconnecting; skipping
            // ahead as well keeps an insert that did commit from being repeated.
            nextId += perTick;
            version += perTick + 1;
            QThread::msleep(200);
            // The rate resumes from now: no burst of the writes the outage held back.
            tick = clock.elapsed() / tickMs;
        }
    }
}

} // namespace tidemark::test
