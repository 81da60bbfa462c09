#include "tcpproxy.h"

#include <QHostAddress>
#include <QPointer>
#include <QRandomGenerator>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

#include <list>

using namespace Qt::StringLiterals;

namespace tidemark::test {

// Everything here runs in the proxy thread.
class ProxyWorker : public QObject
{
public:
    ProxyWorker(QString host, quint16 port, std::shared_ptr<TcpProxy::Stats> stats)
        : m_host(std::move(host))
        , m_port(port)
        , m_stats(std::move(stats))
    {
        m_dropTimer.setSingleShot(true);
        connect(&m_dropTimer, &QTimer::timeout, this, [this] {
            dropAll();
            armRandomDrop();
        });
    }

    ~ProxyWorker() override
    {
        m_dropTimer.stop();
        for (Pair &p : m_pairs)
            closePair(p, false);
    }

    QString listen()
    {
        m_server = new QTcpServer(this);
        if (!m_server->listen(QHostAddress::LocalHost, 0))
            return m_server->errorString();
        connect(m_server, &QTcpServer::newConnection, this, &ProxyWorker::accept);
        return {};
    }
    quint16 port() const { return m_server ? m_server->serverPort() : 0; }

    void dropAll()
    {
        m_stats->dropEvents.fetch_add(1);
        for (Pair &p : m_pairs)
            closePair(p, true);
        m_pairs.clear();
    }

    void startRandomDrops(quint32 seed, int minMs, int maxMs)
    {
        m_rng.seed(seed);
        m_minMs = minMs;
        m_maxMs = std::max(minMs + 1, maxMs);
        armRandomDrop();
    }
    void stopRandomDrops() { m_dropTimer.stop(); }

    void setPaused(bool paused)
    {
        m_paused = paused;
        if (!paused)
            for (Pair &p : m_pairs)
                pump(p);
    }

private:
    // One client connection and its connection to the target. Both sockets are children of
    // this worker, deleted with deleteLater when the pair closes.
    struct Pair
    {
        QPointer<QTcpSocket> client;
        QPointer<QTcpSocket> upstream;
        bool upstreamReady = false;
        bool closed = false;
    };

    void armRandomDrop() { m_dropTimer.start(int(m_rng.bounded(m_minMs, m_maxMs))); }

    void accept()
    {
        while (QTcpSocket *client = m_server->nextPendingConnection()) {
            m_stats->accepted.fetch_add(1);
            m_stats->open.fetch_add(1);
            Pair &p = m_pairs.emplace_back();
            p.client = client;
            p.upstream = new QTcpSocket(this);
            Pair *pair = &p;   // std::list: stable until erased, and erased only with closePair
            connect(p.upstream, &QTcpSocket::connected, this, [this, pair] {
                pair->upstreamReady = true;
                pump(*pair);
            });
            connect(client, &QTcpSocket::readyRead, this, [this, pair] { pump(*pair); });
            connect(p.upstream, &QTcpSocket::readyRead, this, [this, pair] { pump(*pair); });
            // Either side closing (or failing to connect) closes the other: the engine must
            // see the server go away, and the server must see the engine go away.
            connect(client, &QTcpSocket::disconnected, this, [this, pair] { finish(pair); });
            connect(p.upstream, &QTcpSocket::disconnected, this, [this, pair] { finish(pair); });
            connect(client, &QTcpSocket::errorOccurred, this, [this, pair] { finish(pair); });
            connect(p.upstream, &QTcpSocket::errorOccurred, this, [this, pair] { finish(pair); });
            p.upstream->connectToHost(m_host, m_port);
        }
    }

    void pump(Pair &p)
    {
        if (m_paused || p.closed || !p.upstreamReady || !p.client || !p.upstream)
            return;
        if (p.client->bytesAvailable() > 0)
            p.upstream->write(p.client->readAll());
        if (p.upstream->bytesAvailable() > 0)
            p.client->write(p.upstream->readAll());
    }

    // A side went away by itself: forward what is left, then close the other side.
    void finish(Pair *pair)
    {
        if (pair->closed)
            return;
        if (!m_paused && pair->upstreamReady && pair->client && pair->upstream) {
            pump(*pair);
            pair->client->flush();
            pair->upstream->flush();
        }
        closePair(*pair, false);
        m_pairs.remove_if([](const Pair &p) { return p.closed; });
    }

    void closePair(Pair &p, bool dropped)
    {
        if (p.closed)
            return;
        p.closed = true;
        m_stats->open.fetch_sub(1);
        if (dropped)
            m_stats->dropped.fetch_add(1);
        for (QTcpSocket *s : {p.client.data(), p.upstream.data()}) {
            if (!s)
                continue;
            s->disconnect(this);
            // abort(): a reset, not a polite FIN, like a connection a network lost.
            s->abort();
            s->deleteLater();
        }
    }

    QString m_host;
    quint16 m_port;
    std::shared_ptr<TcpProxy::Stats> m_stats;
    QTcpServer *m_server = nullptr;
    std::list<Pair> m_pairs;
    bool m_paused = false;
    QTimer m_dropTimer{this};
    QRandomGenerator m_rng;
    int m_minMs = 1000;
    int m_maxMs = 2000;
};

TcpProxy::TcpProxy(QString targetHost, quint16 targetPort)
    : m_targetHost(std::move(targetHost))
    , m_targetPort(targetPort)
    , m_thread(startWorkerThread(u"test-tcpproxy"_s))
{
    m_worker = new ProxyWorker(m_targetHost, m_targetPort, m_stats);
    m_worker->moveToThread(m_thread.get());
}

TcpProxy::~TcpProxy()
{
    // Deleted in its own thread, where its sockets live: the deferred delete is delivered
    // before m_thread (destroyed next) has quit, at the latest as the thread finishes.
    m_worker->deleteLater();
}

bool TcpProxy::listen()
{
    QString error;
    quint16 port = 0;
    QMetaObject::invokeMethod(
            m_worker,
            [&] {
                error = m_worker->listen();
                port = m_worker->port();
            },
            Qt::BlockingQueuedConnection);
    m_error = error;
    m_port = port;
    return error.isEmpty();
}

void TcpProxy::dropAll()
{
    QMetaObject::invokeMethod(m_worker, [w = m_worker] { w->dropAll(); },
                              Qt::BlockingQueuedConnection);
}

void TcpProxy::startRandomDrops(quint32 seed, int minMs, int maxMs)
{
    QMetaObject::invokeMethod(
            m_worker, [w = m_worker, seed, minMs, maxMs] { w->startRandomDrops(seed, minMs, maxMs); },
            Qt::BlockingQueuedConnection);
}

void TcpProxy::stopRandomDrops()
{
    QMetaObject::invokeMethod(m_worker, [w = m_worker] { w->stopRandomDrops(); },
                              Qt::BlockingQueuedConnection);
}

void TcpProxy::setPaused(bool paused)
{
    QMetaObject::invokeMethod(m_worker, [w = m_worker, paused] { w->setPaused(paused); },
                              Qt::BlockingQueuedConnection);
}

} // namespace tidemark::test
