#pragma once
// A QtSql driver for ClickHouse's HTTP interface ("TIDEMARK_CLICKHOUSE"), so DbConnection,
// exec(), scalar() and QSqlQuery work for a ClickHouse mirror as for the other databases.
//
// Each statement is one HTTP POST through QNetworkAccessManager. The connection's thread (a
// mapping's worker) must not run an event loop of its own while it waits: a nested loop would
// deliver the worker's queued requests in the middle of a statement. So every driver owns a
// small thread ("tidemark-clickhouse-http") that holds the network manager and runs the
// request, while the caller waits on it (Qt::BlockingQueuedConnection) with no events
// delivered to it. A statement that gets no answer within the connection's statement timeout
// plus a grace period is aborted there and fails as a lost connection, like the statement
// watchdog does for the socket-based drivers; the server is also asked to stop on its own
// after statement_timeout_s (max_execution_time).
//
// Bound values are written into the statement as exact literals (db/clickhousetext.h).
// Transactions are accepted and do nothing: ClickHouse has none (see ClickHouseDialect).
//
// Connect options (DbConnection::open sets them): TIDEMARK_STATEMENT_TIMEOUT_S,
// TIDEMARK_CONNECT_TIMEOUT_S.

#include <QByteArray>
#include <QSqlDriver>
#include <QSqlError>
#include <QUrl>

#include <memory>

namespace tidemark {

class ClickHouseHttp;

class ClickHouseDriver : public QSqlDriver
{
    Q_OBJECT
public:
    static QString driverName();   // "TIDEMARK_CLICKHOUSE"
    // Registers the driver with QtSql once per process.
    static void registerDriver();

    explicit ClickHouseDriver(QObject *parent = nullptr);
    ~ClickHouseDriver() override;

    bool hasFeature(DriverFeature feature) const override;
    bool open(const QString &db, const QString &user, const QString &password,
              const QString &host, int port, const QString &connOpts) override;
    void close() override;
    QSqlResult *createResult() const override;
    bool beginTransaction() override { return true; }
    bool commitTransaction() override { return true; }
    bool rollbackTransaction() override { return true; }

    struct Reply
    {
        QByteArray body;
        QSqlError error;   // invalid when the server answered 200
    };
    // Runs one statement. `query` is the statement; `data`, when given, is sent as the POST
    // body after it (an INSERT ... FORMAT RowBinary's rows) and the statement goes in the URL.
    // `rows`: ask for TabSeparatedWithNamesAndTypes output.
    Reply post(const QByteArray &query, const QByteArray &data, bool rows) const;

private:
    QUrl m_url;
    QByteArray m_user;
    QByteArray m_password;
    QString m_database;
    int m_statementTimeoutS = 300;
    int m_connectTimeoutS = 10;
    std::unique_ptr<ClickHouseHttp> m_http;
};

} // namespace tidemark
