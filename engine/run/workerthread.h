#pragma once
// Worker threads owned with RAII: destroying the handle quits the thread's event loop and waits
// for it, so no thread outlives the objects it runs (no "don't forget to delete the worker").

#include <QString>
#include <QThread>

#include <memory>

namespace tidemark {

struct ThreadStopper
{
    void operator()(QThread *thread) const
    {
        thread->quit();
        thread->wait();
        delete thread;
    }
};

using WorkerThread = std::unique_ptr<QThread, ThreadStopper>;

inline WorkerThread startWorkerThread(const QString &name)
{
    WorkerThread thread(new QThread);
    thread->setObjectName(name);
    thread->start();
    return thread;
}

} // namespace tidemark
