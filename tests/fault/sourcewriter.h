#pragma once
// An application writing to an items table (itemtable.h) on its own thread and connection
// while the engine syncs it and the test breaks servers: inserts, updates and deletes at a
// set rate, every write with a version above all before it (the cursor an application's
// "updated_at" would be). A lost connection is not the writer's failure: it counts the error,
// waits a moment and reconnects, so a source restart leaves a gap in the writes, not a dead
// writer. Whether a transaction in flight at the loss committed does not matter: the tests
// compare the source with the mirror, never with what the writer meant to write.

#include "project/projectconfig.h"

#include <QMutex>
#include <QThread>

#include <atomic>

namespace tidemark::test {

class SourceWriter : public QThread
{
public:
    struct Options
    {
        int rowsPerSecond = 200;
        int insertPercent = 40;   // of the writes; the rest after updates and deletes
        int updatePercent = 50;
        int deletePercent = 10;   // 0: inserts and updates only
        quint32 seed = 1;
    };

    SourceWriter(ConnectionConfig connection, QString table, Options options);
    ~SourceWriter() override;   // stops and waits

    void stop();   // finishes the transaction in hand and returns when the thread has ended

    std::atomic<qint64> inserted{0};   // rows the server said it inserted / updated / deleted
    std::atomic<qint64> updated{0};
    std::atomic<qint64> deleted{0};
    std::atomic<qint64> transactions{0};
    std::atomic<qint64> errors{0};     // failed transactions (a server down, a lost connection)
    qint64 written() const { return inserted + updated + deleted; }
    QString lastError() const;

protected:
    void run() override;

private:
    ConnectionConfig m_connection;
    QString m_table;
    Options m_options;
    std::atomic<bool> m_stop{false};
    mutable QMutex m_errorMutex;
    QString m_lastError;   // guarded by m_errorMutex
};

} // namespace tidemark::test
