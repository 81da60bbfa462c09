#include "sync/pagereader.h"

#include "db/dbconnection.h"
#include "db/dberror.h"
#include "sync/keysetpager.h"

#include <QThread>

#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>

using namespace Qt::StringLiterals;

namespace tidemark {

struct PageReader::Private
{
    ConnectionConfig source;
    TableSchema schema;
    QString table;
    QStringList select;
    QStringList key;
    int pageRows = 0;
    const std::atomic<bool> *cancel = nullptr;
    size_t depth = 2;

    std::mutex mutex;
    std::condition_variable changed;
    std::deque<QList<QVariantList>> pages;   // guarded by mutex
    bool finished = false;                   // guarded by mutex: no more pages will come
    bool stop = false;                       // guarded by mutex: the consumer went away
    std::exception_ptr error;                // guarded by mutex
    std::unique_ptr<QThread> thread;

    bool stopping()
    {
        return stop || (cancel && cancel->load());
    }

    void read()
    {
        try {
            DbConnection conn(source, u"read-ahead"_s);
            conn.open();
            KeysetPager pager(conn, schema, table, select, key, pageRows);
            QList<QVariantList> page;
            for (;;) {
                {
                    std::unique_lock lock(mutex);
                    changed.wait(lock, [this] { return stopping() || pages.size() < depth; });
                    if (stopping())
                        break;
                }
                const bool more = pager.next(page);
                std::lock_guard lock(mutex);
                if (!more)
                    break;
                pages.push_back(std::move(page));
                page = {};
                changed.notify_all();
            }
            conn.quiet();
        } catch (...) {
            std::lock_guard lock(mutex);
            error = std::current_exception();
        }
        std::lock_guard lock(mutex);
        finished = true;
        changed.notify_all();
    }
};

PageReader::PageReader(ConnectionConfig source, TableSchema schema, QString table,
                       QStringList selectColumns, QStringList keyColumns, int pageRows,
                       const std::atomic<bool> *cancel, int depth)
    : d(std::make_unique<Private>())
{
    d->source = std::move(source);
    d->schema = std::move(schema);
    d->table = std::move(table);
    d->select = std::move(selectColumns);
    d->key = std::move(keyColumns);
    d->pageRows = pageRows;
    d->cancel = cancel;
    d->depth = size_t(std::max(1, depth));
    d->thread.reset(QThread::create([p = d.get()] { p->read(); }));
    d->thread->setObjectName(u"tidemark-read-ahead"_s);
    d->thread->start();
}

PageReader::~PageReader()
{
    {
        std::lock_guard lock(d->mutex);
        d->stop = true;
    }
    d->changed.notify_all();
    d->thread->wait();
}

bool PageReader::next(QList<QVariantList> &page)
{
    std::unique_lock lock(d->mutex);
    // The cancel flag is checked by the caller between pages; a wait here ends when the reader
    // delivers, fails or sees the cancel itself.
    d->changed.wait(lock, [this] { return !d->pages.empty() || d->finished; });
    if (!d->pages.empty()) {
        page = std::move(d->pages.front());
        d->pages.pop_front();
        d->changed.notify_all();
        return true;
    }
    if (d->error)
        std::rethrow_exception(d->error);
    if (d->cancel && d->cancel->load())
        throw DbError(DbError::Kind::Cancelled, u"cancelled"_s);
    page.clear();
    return false;
}

} // namespace tidemark
