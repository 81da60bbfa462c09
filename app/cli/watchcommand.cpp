// tidemark-cli sync --watch: the embedded engine, headless, until SIGINT/SIGTERM.
#include "clisupport.h"

#include "api/embeddedengine.h"
#include "db/connectionset.h"

#include <QCoreApplication>
#include <QSocketNotifier>

using namespace Qt::StringLiterals;

namespace tidemark::cli {

int runWatch(const Options &o, QTextStream &out, QTextStream &err)
{
    const std::optional<Project> project = loadProject(o, err);
    if (!project)
        return ExitError;
    if (!checkBeforeStart(*project, o, err))
        return ExitError;
    Project selected = *project;
    if (!o.mapping.isEmpty())
        selected.mappings.removeIf([&](const MappingConfig &m) { return m.name != o.mapping; });

    installStopSignals();
    EngineOptions options;
    options.prepareMissing = false;
    options.instance = instanceName(o);
    EmbeddedEngine engine(selected, options);
    QSocketNotifier notifier(stopSignalFd(), QSocketNotifier::Read);
    QObject::connect(&notifier, &QSocketNotifier::activated, &engine, [&] {
        out << "stopping: finishing or rolling back the batch in hand\n";
        out.flush();
        engine.stop();
        QCoreApplication::quit();
    });
    QObject::connect(&engine, &Engine::operationFinished, &engine,
                     [&](quint64, const QString &mapping, const OperationResult &r) {
                         if (r.run.rowsWritten > 0 || r.run.rowsDeleted > 0 || !r.ok()) {
                             (r.ok() ? out : err)
                                     << QDateTime::currentDateTimeUtc().toString(Qt::ISODate) << ' '
                                     << resultLine(mapping, r) << '\n';
                             out.flush();
                             err.flush();
                         }
                     });
    // Connection changes are what explains skipped runs: print each change of state once.
    QMap<QString, ConnectionState> shown;
    QObject::connect(&engine, &Engine::connectionsChanged, &engine,
                     [&](const QList<ConnectionStatus> &connections) {
                         for (const ConnectionStatus &c : connections) {
                             if (shown.value(c.name, ConnectionState::NeverConnected) == c.state)
                                 continue;
                             shown.insert(c.name, c.state);
                             QTextStream &to = c.state == ConnectionState::Connected ? out : err;
                             to << QDateTime::currentDateTimeUtc().toString(Qt::ISODate)
                                << " connection " << c.name << ": " << connectionStateName(c.state);
                             if (c.state != ConnectionState::Connected && !c.lastError.isEmpty())
                                 to << " (" << c.lastError << ')';
                             if (c.nextAttemptAt.isValid())
                                 to << "; next attempt at "
                                    << c.nextAttemptAt.toString(Qt::ISODateWithMs);
                             if (c.state != ConnectionState::Connected)
                                 to << "; scheduled runs of " << c.mappings.join(u", "_s)
                                    << " are skipped until it is back";
                             to << '\n';
                             to.flush();
                         }
                     });
    // Which mappings this instance runs, and which another instance holds: each change once.
    QMap<QString, QString> holders;
    QObject::connect(&engine, &Engine::statusChanged, &engine,
                     [&](const QList<MappingStatus> &mappings) {
                         for (const MappingStatus &m : mappings) {
                             if (!m.holder)
                                 continue;
                             const QString text = m.holder->self
                                     ? u"this instance runs it"_s
                                     : QString(describeHolder(*m.holder) + u"; standing by"_s);
                             if (holders.value(m.name) == text)
                                 continue;
                             holders.insert(m.name, text);
                             out << QDateTime::currentDateTimeUtc().toString(Qt::ISODate)
                                 << " mapping " << m.name << ": " << text << '\n';
                             out.flush();
                         }
                     });
    out << "watching " << selected.mappings.size() << " mappings of " << project->filePath
        << " as instance '" << engine.instance() << "'; Ctrl-C stops\n";
    out.flush();
    engine.start();
    if (stopFlag().load())
        return ExitOk;
    QCoreApplication::exec();
    out << "stopped cleanly\n";
    return ExitOk;
}

} // namespace tidemark::cli
