#pragma once
// One side of a comparison (the source or the mirror) in a thread of its own, with its own
// connection opened there (QtSql connections belong to the thread that opened them). The differ
// hands both sides the same kind of work at once, so the two databases compute checksums and
// send rows at the same time instead of taking turns.

#include "project/projectconfig.h"

#include <QThread>

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <type_traits>

namespace tidemark {

class DbConnection;

class SideWorker
{
public:
    // `setup` runs once in the thread right after the connection opened (register a hash
    // function, say).
    SideWorker(ConnectionConfig config, QString purpose,
               std::function<void(DbConnection &)> setup = {});
    ~SideWorker();   // finishes the queued work, closes the connection, joins the thread
    SideWorker(const SideWorker &) = delete;
    SideWorker &operator=(const SideWorker &) = delete;

    // Runs `job` in the side's thread. A DbError (or any exception) comes out of the future.
    template <typename F>
    auto run(F job) -> std::future<decltype(job(std::declval<DbConnection &>()))>
    {
        using R = decltype(job(std::declval<DbConnection &>()));
        auto promise = std::make_shared<std::promise<R>>();
        std::future<R> result = promise->get_future();
        post([promise, job = std::move(job)](DbConnection *conn, std::exception_ptr error) mutable {
            try {
                if (error)
                    std::rethrow_exception(error);
                if constexpr (std::is_void_v<R>) {
                    job(*conn);
                    promise->set_value();
                } else {
                    promise->set_value(job(*conn));
                }
            } catch (...) {
                promise->set_exception(std::current_exception());
            }
        });
        return result;
    }

private:
    // A job gets the connection, or null and the error that kept it from opening.
    using Job = std::function<void(DbConnection *, std::exception_ptr)>;
    void post(Job job);
    void loop();

    ConnectionConfig m_config;
    QString m_purpose;
    std::function<void(DbConnection &)> m_setup;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::deque<Job> m_jobs;                                      // guarded by m_mutex
    bool m_stop = false;                                      // guarded by m_mutex
    std::unique_ptr<QThread> m_thread;
};

// Both futures' values, waiting for both even when the first throws (so neither side is left
// working on a job whose caller has gone), then rethrowing the first error.
template <typename A, typename B>
std::pair<A, B> both(std::future<A> a, std::future<B> b)
{
    a.wait();
    b.wait();
    return {a.get(), b.get()};
}

} // namespace tidemark
