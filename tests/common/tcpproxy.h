#pragma once
// A TCP forwarder for fault tests: it sits between the engine and a database server on
// loopback and breaks the path on command. A dropped connection is aborted on both sides (the
// engine reads a reset in the middle of whatever it was doing, like a NAT table that forgot
// it); a paused proxy stops moving bytes but keeps the sockets (a server that stopped
// answering, without stopping the server).
//
// The sockets live in the proxy's own thread; every public call is thread-safe and returns
// once the proxy thread has done what it asks, so a test can say "drop now" and then assert.

#include "run/workerthread.h"

#include <QString>

#include <atomic>
#include <memory>

namespace tidemark::test {

class ProxyWorker;

class TcpProxy
{
public:
    TcpProxy(QString targetHost, quint16 targetPort);
    ~TcpProxy();
    TcpProxy(const TcpProxy &) = delete;
    TcpProxy &operator=(const TcpProxy &) = delete;

    // Listens on 127.0.0.1 on a free port; false (with error()) when it cannot.
    bool listen();
    quint16 port() const { return m_port; }
    QString error() const { return m_error; }

    // Aborts every connection open now; new ones are accepted as usual.
    void dropAll();
    // From now on aborts every open connection at random moments, waiting between `minMs` and
    // `maxMs` each time, drawn from `seed` (a failing run can be repeated with its seed).
    void startRandomDrops(quint32 seed, int minMs, int maxMs);
    void stopRandomDrops();
    // Paused: accepted connections stay open but no byte moves in either direction (new ones
    // are accepted and wait too). Resuming forwards whatever queued up meanwhile.
    void setPaused(bool paused);

    int connectionsAccepted() const { return m_stats->accepted.load(); }
    int connectionsDropped() const { return m_stats->dropped.load(); }
    int dropEvents() const { return m_stats->dropEvents.load(); }
    int openConnections() const { return m_stats->open.load(); }

    struct Stats
    {
        std::atomic<int> accepted{0};
        std::atomic<int> dropped{0};     // connections aborted by the proxy
        std::atomic<int> dropEvents{0};  // dropAll() calls and random drop moments
        std::atomic<int> open{0};
    };

private:
    QString m_targetHost;
    quint16 m_targetPort;
    quint16 m_port = 0;
    QString m_error;
    std::shared_ptr<Stats> m_stats = std::make_shared<Stats>();
    WorkerThread m_thread;
    // Lives in m_thread; deleted there (its sockets belong to that thread) before m_thread
    // has quit.
    ProxyWorker *m_worker = nullptr;
};

} // namespace tidemark::test
