#pragma once
// Shared by the service tests: a `tidemark-cli serve` child process on a free loopback port,
// and a raw HTTP/1.1 client over QTcpSocket. Raw on purpose: the tests send what a real
// client would never send (half a request, a lying Content-Length, two requests in one
// write), and read exactly what came back, headers included.

#include "../cli/clitestsupport.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QMap>
#include <QRegularExpression>
#include <QSslSocket>
#include <QTcpSocket>
#include <QThread>

namespace servetest {

using namespace Qt::StringLiterals;
using clitest::startCli;

struct HttpResult
{
    int status = 0;                       // 0: no answer
    QMap<QByteArray, QByteArray> headers; // names in lower case
    QByteArray body;
    bool closed = false; // the server closed the connection after it
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
    QByteArray describe() const
    {
        QByteArray h;
        for (auto it = headers.cbegin(); it != headers.cend(); ++it)
            h += it.key() + ": " + it.value() + '\n';
        return "status " + QByteArray::number(status) + '\n' + h + '\n' + body;
    }
};

// One connection. Blocking: the server is another process.
class HttpClient
{
public:
    explicit HttpClient(quint16 port, bool tls = false)
    {
        if (tls) {
            auto *ssl = new QSslSocket;
            ssl->setPeerVerifyMode(QSslSocket::VerifyNone);
            ssl->connectToHostEncrypted(u"127.0.0.1"_s, port);
            m_socket.reset(ssl);
            m_connected = ssl->waitForEncrypted(10000);
        } else {
            m_socket.reset(new QTcpSocket);
            m_socket->connectToHost(QHostAddress::LocalHost, port);
            m_connected = m_socket->waitForConnected(10000);
        }
    }
    bool connected() const { return m_connected; }
    QTcpSocket &socket() { return *m_socket; }

    void send(const QByteArray &bytes)
    {
        m_socket->write(bytes);
        m_socket->flush();
        m_socket->waitForBytesWritten(5000);
    }

    // Reads one response (or what came before the connection closed or `timeoutMs` passed).
    HttpResult read(int timeoutMs = 10000)
    {
        HttpResult r;
        QElapsedTimer t;
        t.start();
        qsizetype headEnd = -1;
        while (true) {
            headEnd = m_buffer.indexOf("\r\n\r\n");
            if (headEnd >= 0) {
                const QList<QByteArray> lines = m_buffer.left(headEnd).split('\n');
                const QList<QByteArray> statusLine = lines.value(0).trimmed().split(' ');
                r.status = statusLine.value(1).toInt();
                r.headers.clear();
                for (qsizetype i = 1; i < lines.size(); ++i) {
                    const qsizetype colon = lines[i].indexOf(':');
                    if (colon > 0)
                        r.headers.insert(lines[i].left(colon).trimmed().toLower(),
                                         lines[i].mid(colon + 1).trimmed());
                }
                const qint64 length = r.headers.value("content-length", "0").toLongLong();
                if (m_buffer.size() >= headEnd + 4 + length) {
                    r.body = m_buffer.mid(headEnd + 4, length);
                    m_buffer.remove(0, headEnd + 4 + length);
                    break;
                }
            }
            if (m_socket->state() != QAbstractSocket::ConnectedState
                && !m_socket->bytesAvailable()) {
                r.closed = true;
                if (headEnd < 0)
                    r.status = 0;
                return r;
            }
            const int left = timeoutMs - int(t.elapsed());
            if (left <= 0)
                return r.status && headEnd >= 0 ? r : HttpResult{};
            if (m_socket->waitForReadyRead(std::min(left, 200)) || m_socket->bytesAvailable())
                m_buffer += m_socket->readAll();
        }
        if (r.headers.value("connection") == "close") {
            m_socket->waitForDisconnected(2000);
            r.closed = m_socket->state() != QAbstractSocket::ConnectedState;
        }
        return r;
    }

    // Waits until the server closes the connection; false after `timeoutMs`.
    bool waitClosed(int timeoutMs)
    {
        QElapsedTimer t;
        t.start();
        while (m_socket->state() == QAbstractSocket::ConnectedState && t.elapsed() < timeoutMs) {
            if (m_socket->waitForReadyRead(100))
                m_buffer += m_socket->readAll();
        }
        return m_socket->state() != QAbstractSocket::ConnectedState;
    }
    QByteArray buffered() const { return m_buffer; }

private:
    std::unique_ptr<QTcpSocket> m_socket;
    QByteArray m_buffer;
    bool m_connected = false;
};

inline QByteArray requestBytes(const QByteArray &method, const QByteArray &path,
                               const QByteArray &token, const QByteArray &body = {},
                               const QList<QByteArray> &extraHeaders = {},
                               const QByteArray &host = "127.0.0.1")
{
    QByteArray r = method + ' ' + path + " HTTP/1.1\r\n";
    if (!host.isEmpty())
        r += "Host: " + host + "\r\n";
    if (!token.isEmpty())
        r += "Authorization: Bearer " + token + "\r\n";
    for (const QByteArray &h : extraHeaders)
        r += h + "\r\n";
    if (!body.isEmpty() || method == "POST")
        r += "Content-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size())
                + "\r\n";
    return r + "\r\n" + body;
}

// One request on a connection of its own.
inline HttpResult exchange(quint16 port, const QByteArray &bytes, int timeoutMs = 10000)
{
    HttpClient c(port);
    if (!c.connected())
        return {};
    c.send(bytes);
    return c.read(timeoutMs);
}

// A running `tidemark-cli serve`: started on a free loopback port (--listen 127.0.0.1:0), its
// port read from the line it prints, its token from the token file. Killed if a failed check
// leaves it running.
class ServeProcess
{
public:
    ServeProcess(const QStringList &args, const QString &home)
        : m_home(home)
    {
        m_tokenFile = QDir(home).filePath(u"serve.token"_s);
        QStringList all = {u"serve"_s, u"--listen"_s, u"127.0.0.1:0"_s};
        if (!args.contains(u"--token-file"_s))
            all << u"--token-file"_s << m_tokenFile;
        m_p = startCli(all + args, home);
    }
    ~ServeProcess()
    {
        if (m_p->state() != QProcess::NotRunning) {
            m_p->kill();
            m_p->waitForFinished(5000);
        }
    }
    QProcess &process() { return *m_p; }

    // Waits for "listening on http://127.0.0.1:PORT" and /readyz 200.
    bool waitReady(int timeoutMs = 30000)
    {
        QElapsedTimer t;
        t.start();
        static const QRegularExpression re(u"listening on https?://[^:]+:(\\d+)"_s);
        while (t.elapsed() < timeoutMs && m_port == 0) {
            if (m_p->state() == QProcess::NotRunning)
                return false;
            m_p->waitForReadyRead(100);
            drain();
            const QRegularExpressionMatch m = re.match(QString::fromUtf8(m_out));
            if (m.hasMatch())
                m_port = quint16(m.captured(1).toUInt());
        }
        if (m_port == 0)
            return false;
        QFile f(m_tokenFile);
        if (f.open(QIODevice::ReadOnly))
            m_token = f.readAll().trimmed();
        while (t.elapsed() < timeoutMs) {
            if (exchange(m_port, requestBytes("GET", "/readyz", {}), 2000).status == 200)
                return true;
            QThread::msleep(100);
        }
        return false;
    }
    quint16 port() const { return m_port; }
    QByteArray token() const { return m_token; }
    QString tokenFile() const { return m_tokenFile; }

    HttpResult get(const QByteArray &path, const QList<QByteArray> &headers = {})
    {
        return exchange(m_port, requestBytes("GET", path, m_token, {}, headers));
    }
    HttpResult post(const QByteArray &path, const QByteArray &body = {})
    {
        return exchange(m_port, requestBytes("POST", path, m_token, body));
    }
    // Polls GET /api/v1/runs/ID until the run finished; its JSON (empty on timeout).
    QJsonObject waitRun(qint64 id, int timeoutMs = 60000)
    {
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < timeoutMs) {
            const HttpResult r = get("/api/v1/runs/" + QByteArray::number(id));
            if (r.status == 200 && r.json().value(u"state"_s).toString() == u"finished")
                return r.json();
            QThread::msleep(100);
        }
        return {};
    }

    QString out()
    {
        drain();
        return QString::fromUtf8(m_out);
    }
    QString err()
    {
        drain();
        return QString::fromUtf8(m_err);
    }
    QString output() { return u"--- stdout ---\n"_s + out() + u"--- stderr ---\n"_s + err(); }

private:
    void drain()
    {
        m_out += m_p->readAllStandardOutput();
        m_err += m_p->readAllStandardError();
    }
    QString m_home;
    QString m_tokenFile;
    std::unique_ptr<QProcess> m_p;
    QByteArray m_out;
    QByteArray m_err;
    quint16 m_port = 0;
    QByteArray m_token;
};

// A demo project (tidemark-cli demo) in `dir`, prepared: "orders" and "order lines".
inline bool makeDemo(const QString &dir, const QString &home, int rows, QString *why)
{
    const clitest::CliResult demo =
            clitest::runCli({u"demo"_s, u"--dir"_s, dir, u"--rows"_s, QString::number(rows)}, home);
    if (demo.exitCode != 0) {
        *why = QString::fromUtf8(demo.describe());
        return false;
    }
    const clitest::CliResult prepare = clitest::runCli(
            {u"prepare"_s, u"--project"_s, QDir(dir).filePath(u"tidemark.json"_s)}, home);
    if (prepare.exitCode != 0) {
        *why = QString::fromUtf8(prepare.describe());
        return false;
    }
    return true;
}

// No scheduled sweep or check while a test counts orphans or differences it made itself.
inline bool quietSchedules(const QString &dir)
{
    QFile f(QDir(dir).filePath(u"tidemark.json"_s));
    if (!f.open(QIODevice::ReadOnly))
        return false;
    QJsonObject project = QJsonDocument::fromJson(f.readAll()).object();
    f.close();
    QJsonArray mappings = project.value(u"mappings"_s).toArray();
    for (QJsonValueRef v : mappings) {
        QJsonObject m = v.toObject();
        m[u"sweep_interval_s"_s] = 86400;
        m[u"verify_interval_s"_s] = 86400;
        v = m;
    }
    project[u"mappings"_s] = mappings;
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    return f.write(QJsonDocument(project).toJson()) > 0;
}

} // namespace servetest
