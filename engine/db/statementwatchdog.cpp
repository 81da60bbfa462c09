#include "db/statementwatchdog.h"

#include "log/logging.h"

#include <QThread>

#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include <sys/socket.h>

namespace tidemark {

namespace {

using Clock = std::chrono::steady_clock;

struct Watch
{
    int socket = -1;
    Clock::time_point deadline;
    QString what;
    const void *thread = nullptr;   // the QThread that armed it
    bool fired = false;
};

} // namespace

struct StatementWatchdog::Private
{
    std::mutex mutex;
    std::condition_variable wake;
    std::map<quint64, Watch> watches;   // guarded by mutex
    quint64 nextToken = 1;              // guarded by mutex
    qint64 fired = 0;                   // guarded by mutex
    bool quit = false;                  // guarded by mutex
    std::thread thread;

    void run()
    {
        std::unique_lock lock(mutex);
        while (!quit) {
            Clock::time_point next = Clock::time_point::max();
            const Clock::time_point now = Clock::now();
            for (auto &[token, w] : watches) {
                if (w.fired)
                    continue;
                if (w.deadline <= now) {
                    // Under the mutex: the owner cannot close (and the OS cannot reuse) the
                    // descriptor until disarm() returns, and disarm() waits for us.
                    ::shutdown(w.socket, SHUT_RDWR);
                    w.fired = true;
                    ++fired;
                    logger("db.connection")
                            ->warn("{}: no answer from the server in time; the connection was "
                                   "closed so the statement fails instead of hanging",
                                   w.what);
                } else {
                    next = std::min(next, w.deadline);
                }
            }
            if (next == Clock::time_point::max())
                wake.wait(lock);
            else
                wake.wait_until(lock, next);
        }
    }
};

StatementWatchdog &StatementWatchdog::instance()
{
    static StatementWatchdog watchdog;
    return watchdog;
}

StatementWatchdog::StatementWatchdog()
    : d(new Private)
{
    d->thread = std::thread([this] { d->run(); });
}

StatementWatchdog::~StatementWatchdog()
{
    {
        std::lock_guard lock(d->mutex);
        d->quit = true;
    }
    d->wake.notify_all();
    d->thread.join();
    delete d;
}

quint64 StatementWatchdog::arm(int socket, std::chrono::milliseconds timeout, const QString &what)
{
    quint64 token;
    {
        std::lock_guard lock(d->mutex);
        token = d->nextToken++;
        d->watches.emplace(token, Watch{socket, Clock::now() + timeout, what,
                                        QThread::currentThread(), false});
    }
    d->wake.notify_all();
    return token;
}

bool StatementWatchdog::disarm(quint64 token)
{
    std::lock_guard lock(d->mutex);
    auto it = d->watches.find(token);
    if (it == d->watches.end())
        return false;
    const bool fired = it->second.fired;
    d->watches.erase(it);
    return fired;
}

int StatementWatchdog::expireThreads(const QList<const void *> &threads)
{
    int n = 0;
    {
        std::lock_guard lock(d->mutex);
        for (auto &[token, w] : d->watches) {
            if (!w.fired && threads.contains(w.thread)) {
                w.deadline = Clock::now();
                ++n;
            }
        }
    }
    d->wake.notify_all();
    return n;
}

qint64 StatementWatchdog::firedCount() const
{
    std::lock_guard lock(d->mutex);
    return d->fired;
}

} // namespace tidemark
