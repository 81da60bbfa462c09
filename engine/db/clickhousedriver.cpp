#include "db/clickhousedriver.h"

#include "db/clickhousetext.h"

#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlField>
#include <QSqlRecord>
#include <QSqlResult>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <mutex>

using namespace Qt::StringLiterals;

namespace tidemark {

namespace {

// The server's error text: "Code: 60, e.displayText() = DB::Exception: Table x doesn't exist.,
// e.what() = DB::Exception" -> code "60" and the message in the middle.
QSqlError serverError(const QByteArray &body, int status)
{
    const QString text = QString::fromUtf8(body).trimmed();
    static const QRegularExpression re(
            u"^Code: (\\d+), e\\.displayText\\(\\) = (?:DB::Exception: )?(.*?)(?:, e\\.what\\(\\) = .*)?$"_s,
            QRegularExpression::DotMatchesEverythingOption);
    const QRegularExpressionMatch m = re.match(text);
    if (!m.hasMatch())
        return QSqlError(u"HTTP %1: %2"_s.arg(status).arg(text.left(2000)), {},
                         QSqlError::StatementError);
    return QSqlError(m.captured(2), {}, QSqlError::StatementError, m.captured(1));
}

} // namespace

// Lives in its own thread with the network manager; run() is called there through a blocking
// queued call, so the waiting connection thread delivers no events meanwhile.
class ClickHouseHttp : public QObject
{
public:
    ClickHouseHttp()
    {
        m_thread.setObjectName(u"tidemark-clickhouse-http"_s);
        moveToThread(&m_thread);
        m_thread.start();
    }
    ~ClickHouseHttp() override
    {
        // The manager belongs to the thread: deleted there before it stops.
        QMetaObject::invokeMethod(this, [this] { m_nam.reset(); }, Qt::BlockingQueuedConnection);
        m_thread.quit();
        m_thread.wait();
    }

    ClickHouseDriver::Reply post(const QNetworkRequest &request, const QByteArray &body,
                                 int timeoutMs)
    {
        ClickHouseDriver::Reply reply;
        QMetaObject::invokeMethod(
                this, [&] { reply = run(request, body, timeoutMs); },
                Qt::BlockingQueuedConnection);
        return reply;
    }

private:
    ClickHouseDriver::Reply run(const QNetworkRequest &request, const QByteArray &body,
                                int timeoutMs)
    {
        if (!m_nam)
            m_nam = std::make_unique<QNetworkAccessManager>();
        // A kept-alive connection that the server closed while we were idle fails before any
        // answer: sent once more on a new connection. Sending a statement twice is harmless
        // here (a mirror write carries its version; DDL is IF NOT EXISTS).
        for (int attempt = 0;; ++attempt) {
            QNetworkReply *r = m_nam->post(request, body);
            QEventLoop loop;
            QTimer timer;
            timer.setSingleShot(true);
            bool timedOut = false;
            QObject::connect(r, &QNetworkReply::finished, &loop, &QEventLoop::quit);
            QObject::connect(&timer, &QTimer::timeout, &loop, [&] {
                timedOut = true;
                loop.quit();
            });
            timer.start(timeoutMs);
            if (!r->isFinished())
                loop.exec();
            if (!r->isFinished())
                r->abort();
            ClickHouseDriver::Reply out;
            const QVariant status = r->attribute(QNetworkRequest::HttpStatusCodeAttribute);
            out.body = r->readAll();
            const QNetworkReply::NetworkError error = r->error();
            const QString errorText = r->errorString();
            r->deleteLater();
            if (timedOut) {
                out.error = QSqlError(
                        u"the server did not answer within %1 s; the request was aborted (is "
                        "the server stopped or overloaded?)"_s.arg(timeoutMs / 1000.0),
                        {}, QSqlError::ConnectionError);
            } else if (status.isValid() && status.toInt() != 200) {
                out.error = serverError(out.body, status.toInt());
            } else if (error != QNetworkReply::NoError) {
                if (error == QNetworkReply::RemoteHostClosedError && attempt == 0
                    && !status.isValid())
                    continue;
                out.error = QSqlError(errorText, {}, QSqlError::ConnectionError);
            }
            return out;
        }
    }

    QThread m_thread;
    std::unique_ptr<QNetworkAccessManager> m_nam;
};

namespace {

class ClickHouseResult : public QSqlResult
{
public:
    explicit ClickHouseResult(const ClickHouseDriver *driver)
        : QSqlResult(driver)
        , m_driver(driver)
    {
    }

protected:
    bool prepare(const QString &query) override
    {
        setQuery(query);
        return true;
    }
    bool exec() override
    {
        QString error;
        const std::optional<QString> sql = clickhouse::substitute(lastQuery(), boundValues(), error);
        if (!sql) {
            setLastError(QSqlError(error, {}, QSqlError::StatementError));
            return false;
        }
        return run(*sql);
    }
    bool reset(const QString &query) override
    {
        setQuery(query);
        return run(query);
    }
    QVariant data(int i) override { return m_rows.value(at()).value(i); }
    bool isNull(int i) override { return data(i).isNull(); }
    bool fetch(int i) override
    {
        if (i < 0 || i >= m_rows.size())
            return false;
        setAt(i);
        return true;
    }
    bool fetchFirst() override { return fetch(0); }
    bool fetchLast() override { return fetch(int(m_rows.size()) - 1); }
    int size() override { return isSelect() ? int(m_rows.size()) : -1; }
    int numRowsAffected() override { return -1; }
    QSqlRecord record() const override
    {
        QSqlRecord r;
        for (qsizetype c = 0; c < m_names.size(); ++c)
            r.append(QSqlField(m_names.at(c), clickhouse::metaTypeFor(m_types.at(c))));
        return r;
    }

private:
    bool run(const QString &sql)
    {
        m_rows.clear();
        m_names.clear();
        m_types.clear();
        setAt(QSql::BeforeFirstRow);
        setActive(false);
        const bool rows = clickhouse::returnsRows(sql);
        const ClickHouseDriver::Reply reply = m_driver->post(sql.toUtf8(), {}, rows);
        if (reply.error.isValid()) {
            setLastError(reply.error);
            return false;
        }
        setSelect(rows);
        if (rows) {
            QString error;
            std::optional<clickhouse::ResultSet> set = clickhouse::parseTsv(reply.body, error);
            if (!set) {
                setLastError(QSqlError(error, {}, QSqlError::StatementError));
                return false;
            }
            m_names = std::move(set->names);
            m_types = std::move(set->types);
            m_rows = std::move(set->rows);
        }
        setActive(true);
        return true;
    }

    const ClickHouseDriver *m_driver;
    QStringList m_names;
    QStringList m_types;
    QList<QVariantList> m_rows;
};

} // namespace

QString ClickHouseDriver::driverName()
{
    return u"TIDEMARK_CLICKHOUSE"_s;
}

void ClickHouseDriver::registerDriver()
{
    static std::once_flag once;
    std::call_once(once, [] {
        QSqlDatabase::registerSqlDriver(driverName(), new QSqlDriverCreator<ClickHouseDriver>);
    });
}

ClickHouseDriver::ClickHouseDriver(QObject *parent)
    : QSqlDriver(parent)
{
}

ClickHouseDriver::~ClickHouseDriver() = default;

bool ClickHouseDriver::hasFeature(DriverFeature feature) const
{
    switch (feature) {
    case Transactions:   // accepted as no-ops: see ClickHouseDialect
    case QuerySize:
    case Unicode: return true;
    default: return false;
    }
}

bool ClickHouseDriver::open(const QString &db, const QString &user, const QString &password,
                            const QString &host, int port, const QString &connOpts)
{
    close();
    for (const QString &option : connOpts.split(u';', Qt::SkipEmptyParts)) {
        const QString name = option.section(u'=', 0, 0).trimmed();
        const int value = option.section(u'=', 1).trimmed().toInt();
        if (name == u"TIDEMARK_STATEMENT_TIMEOUT_S" && value > 0)
            m_statementTimeoutS = value;
        else if (name == u"TIDEMARK_CONNECT_TIMEOUT_S" && value > 0)
            m_connectTimeoutS = value;
    }
    m_url = QUrl();
    m_url.setScheme(u"http"_s);
    m_url.setHost(host);
    m_url.setPort(port > 0 ? port : 8123);
    m_url.setPath(u"/"_s);
    m_user = user.isEmpty() ? QByteArray("default") : user.toUtf8();
    m_password = password.toUtf8();
    m_database = db;
    m_http = std::make_unique<ClickHouseHttp>();
    // Checks the address, the credentials and the database at once.
    const Reply reply = post("SELECT 1", {}, false);
    if (reply.error.isValid()) {
        setLastError(QSqlError(reply.error.databaseText(), {}, QSqlError::ConnectionError,
                               reply.error.nativeErrorCode()));
        setOpenError(true);
        m_http.reset();
        return false;
    }
    setOpen(true);
    setOpenError(false);
    return true;
}

void ClickHouseDriver::close()
{
    m_http.reset();
    if (isOpen())
        setOpen(false);
    setOpenError(false);
}

QSqlResult *ClickHouseDriver::createResult() const
{
    return new ClickHouseResult(this);
}

ClickHouseDriver::Reply ClickHouseDriver::post(const QByteArray &query, const QByteArray &data,
                                               bool rows) const
{
    if (!m_http) {
        Reply r;
        r.error = QSqlError(u"connection not open"_s, {}, QSqlError::ConnectionError);
        return r;
    }
    // Written out by hand: every value fully percent-encoded, since the server reads a '+'
    // in the query string as a space.
    QByteArray params = "max_execution_time=" + QByteArray::number(m_statementTimeoutS);
    if (!m_database.isEmpty())
        params += "&database=" + QUrl::toPercentEncoding(m_database);
    if (rows)
        params += "&default_format=TabSeparatedWithNamesAndTypes";
    if (!data.isNull())
        params += "&query=" + QUrl::toPercentEncoding(QString::fromUtf8(query));
    QUrl url = m_url;
    url.setQuery(QString::fromLatin1(params), QUrl::StrictMode);
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("text/plain; charset=utf-8"));
    request.setRawHeader("X-ClickHouse-User", m_user);
    request.setRawHeader("X-ClickHouse-Key", m_password);
    // Beyond statement_timeout_s, where the server stops a slow statement itself: half the
    // timeout, 1 to 5 s, as for the other drivers' watchdog.
    const int timeoutMs =
            m_statementTimeoutS * 1000 + std::clamp(m_statementTimeoutS * 500, 1000, 5000);
    return m_http->post(request, data.isNull() ? query : data, timeoutMs);
}

} // namespace tidemark
