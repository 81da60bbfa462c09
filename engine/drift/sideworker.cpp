#include "drift/sideworker.h"

#include "db/dbconnection.h"
#include "db/dberror.h"

namespace tidemark {

SideWorker::SideWorker(ConnectionConfig config, QString purpose,
                       std::function<void(DbConnection &)> setup)
    : m_config(std::move(config))
    , m_purpose(std::move(purpose))
    , m_setup(std::move(setup))
{
    m_thread.reset(QThread::create([this] { loop(); }));
    m_thread->start();
}

SideWorker::~SideWorker()
{
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
        m_changed.notify_all();
    }
    m_thread->wait();
}

void SideWorker::post(Job job)
{
    std::lock_guard lock(m_mutex);
    m_jobs.push_back(std::move(job));
    m_changed.notify_all();
}

void SideWorker::loop()
{
    std::unique_ptr<DbConnection> conn;
    std::exception_ptr openError;
    for (;;) {
        Job job;
        {
            std::unique_lock lock(m_mutex);
            m_changed.wait(lock, [this] { return m_stop || !m_jobs.empty(); });
            if (m_jobs.empty())
                break;   // stopping, and nothing left
            job = std::move(m_jobs.front());
            m_jobs.pop_front();
        }
        if (!conn && !openError) {
            try {
                conn = std::make_unique<DbConnection>(m_config, m_purpose);
                conn->open();
                if (m_setup)
                    m_setup(*conn);
            } catch (...) {
                conn.reset();
                openError = std::current_exception();
            }
        }
        job(conn.get(), openError);
    }
    if (conn)
        conn->quiet();
}

} // namespace tidemark
