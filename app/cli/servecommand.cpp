// tidemark-cli serve: the embedded engine headless, as sync --watch runs it, with the HTTP API
// (service/) in front of it, until SIGINT/SIGTERM.
#include "clisupport.h"

#include "service.h"
#include "tokenfile.h"

#include "api/embeddedengine.h"
#include "db/connectionset.h"

#include <QCoreApplication>
#include <QSocketNotifier>
#include <QStandardPaths>

using namespace Qt::StringLiterals;

namespace tidemark::cli {

namespace {

constexpr quint16 kDefaultPort = 8457;

// "127.0.0.1:8457", "localhost:8457", "[::1]:8457", "0.0.0.0:8457", or a host alone.
bool parseListen(const QString &text, service::ServeOptions &options, QTextStream &err)
{
    if (text.isEmpty())
        return true;
    QString host = text;
    QString port;
    if (text.startsWith(u'[')) {
        const qsizetype close = text.indexOf(u']');
        host = text.mid(1, close - 1);
        if (close > 0 && text.mid(close + 1).startsWith(u':'))
            port = text.mid(close + 2);
    } else if (text.count(u':') == 1) {
        host = text.section(u':', 0, 0);
        port = text.section(u':', 1);
    }
    if (host == u"localhost")
        options.address = QHostAddress(QHostAddress::LocalHost);
    else if (!options.address.setAddress(host)) {
        err << "tidemark-cli: --listen '" << text
            << "': the host must be an IP address or localhost (HOST:PORT)\n";
        return false;
    }
    if (!port.isEmpty()) {
        bool ok = false;
        const uint n = port.toUInt(&ok);
        if (!ok || n > 65535) {
            err << "tidemark-cli: --listen '" << text << "': '" << port
                << "' is not a port (0-65535)\n";
            return false;
        }
        options.port = quint16(n);
    }
    return true;
}

QString defaultTokenFile()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + u"/serve.token"_s;
}

} // namespace

int runServe(const Options &o, QTextStream &out, QTextStream &err)
{
    service::ServeOptions options;
    options.port = kDefaultPort;
    if (!parseListen(o.listen, options, err))
        return ExitError;
    options.insecureRemote = o.insecureRemote;
    options.tlsCert = o.tlsCert;
    options.tlsKey = o.tlsKey;

    const std::optional<Project> project = loadProject(o, err);
    if (!project)
        return ExitError;
    if (!checkBeforeStart(*project, o, err))
        return ExitError;

    const QString tokenPath = o.tokenFile.isEmpty() ? defaultTokenFile() : o.tokenFile;
    QString tokenError;
    const std::optional<service::TokenFile> token =
            service::TokenFile::loadOrCreate(tokenPath, &tokenError);
    if (!token) {
        err << "tidemark-cli: " << tokenError << '\n';
        return ExitError;
    }
    options.token = token->token;

    Project selected = *project;
    if (!o.mapping.isEmpty())
        selected.mappings.removeIf([&](const MappingConfig &m) { return m.name != o.mapping; });

    installStopSignals();
    EngineOptions engineOptions;
    engineOptions.prepareMissing = false;
    engineOptions.instance = instanceName(o);   // its name in the mappings' holds
    EmbeddedEngine engine(selected, engineOptions);
    service::Service http(engine, options);
    QString listenError;
    if (!http.listen(&listenError)) {
        err << "tidemark-cli: " << listenError << '\n';
        return ExitError;
    }
    if (token->created)
        out << "created the token file " << tokenPath << "; the token (shown this once) is:\n"
            << token->token << '\n';
    else
        out << "token: from " << tokenPath << '\n';
    const QString host = options.address.protocol() == QAbstractSocket::IPv6Protocol
            ? u'[' + options.address.toString() + u']'
            : options.address.toString();
    out << "listening on " << (http.tls() ? "https" : "http") << "://" << host << ':' << http.port()
        << "; serving " << selected.mappings.size() << " mappings of " << project->filePath
        << " as instance '" << engine.instance() << '\''
        << "; Ctrl-C stops\n";
    out.flush();

    QSocketNotifier notifier(stopSignalFd(), QSocketNotifier::Read);
    QObject::connect(&notifier, &QSocketNotifier::activated, &engine, [&] {
        notifier.setEnabled(false);
        out << "stopping: finishing or rolling back the batch in hand\n";
        out.flush();
        // No new connections while the engine stops; /readyz says so to those still open.
        http.setReady(false);
        http.close();
        engine.stop();
        QCoreApplication::quit();
    });
    QObject::connect(&engine, &Engine::operationFinished, &engine,
                     [&](quint64, const QString &mapping, const OperationResult &r) {
                         if (!r.ok()) {
                             err << QDateTime::currentDateTimeUtc().toString(Qt::ISODate) << ' '
                                 << resultLine(mapping, r) << '\n';
                             err.flush();
                         }
                     });
    engine.start();
    if (stopFlag().load())
        return ExitOk;
    http.setReady(true);
    QCoreApplication::exec();
    out << "stopped cleanly\n";
    return ExitOk;
}

} // namespace tidemark::cli
