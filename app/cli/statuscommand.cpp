// tidemark-cli status: connections, then counts, backlog, orphans and checkpoint per mapping.
#include "clisupport.h"

#include "api/statusjson.h"
#include "api/types.h"
#include "db/connectionset.h"
#include "db/dberror.h"
#include "db/valuecodec.h"
#include "run/mappinghold.h"
#include "sync/statusprobe.h"

#include <QFileInfo>
#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace tidemark::cli {

namespace {

QString cell(qint64 n)
{
    return n < 0 ? u"-"_s : QString::number(n);
}

// "*" marks an orphan count older than five minutes: orphans are counted by sweeps, and a
// count from long ago says little about the mirror now.
QString orphanAge(const MappingStatus &s)
{
    const bool stale = !s.orphansMeasuredAt.isValid()
            || s.orphansMeasuredAt.secsTo(QDateTime::currentDateTimeUtc()) > 300;
    return stale ? u"*"_s : QString();
}

} // namespace

int runStatus(const Options &o, QTextStream &out, QTextStream &err)
{
    const std::optional<Project> project = loadProject(o, err);
    if (!project)
        return ExitError;
    ConnectionSet connections(*project, u"cli"_s);
    // Every connection the selected mappings use is tried first and reported, reachable or
    // not: status must say which endpoint is down instead of refusing to say anything.
    QList<ConnectionStatus> connectionStates;
    QStringList used;
    for (const MappingConfig &m : project->mappings)
        if (o.mapping.isEmpty() || m.name == o.mapping)
            for (const QString &c : {m.source.connection, m.mirror.connection})
                if (!used.contains(c))
                    used << c;
    QMap<QString, QString> down; // connection -> error
    for (const ConnectionConfig &c : project->connections) {
        if (!used.contains(c.name))
            continue;
        ConnectionStatus cs;
        cs.name = c.name;
        cs.description = c.describe();
        for (const MappingConfig &m : project->mappings)
            if (m.source.connection == c.name || m.mirror.connection == c.name)
                cs.mappings << m.name;
        cs.since = QDateTime::currentDateTimeUtc();
        if (c.driver == DriverKind::Sqlite && !QFileInfo::exists(c.database)) {
            // A mirror file `prepare` has not created yet: nothing to connect to, and not an
            // outage (the mapping check below says what is missing).
            connectionStates << cs;
            continue;
        }
        try {
            connections.get(c.name);
            cs.state = ConnectionState::Connected;
        } catch (const DbError &e) {
            cs.state = ConnectionState::Disconnected;
            cs.lastError = e.message();
            cs.lastErrorAt = cs.since;
            down.insert(c.name, e.message());
        }
        connectionStates << cs;
    }
    QList<MappingStatus> statuses;
    bool failed = false;
    for (const MappingConfig &config : project->mappings) {
        if (!o.mapping.isEmpty() && config.name != o.mapping)
            continue;
        MappingStatus s = MappingStatus::initial(config);
        const QString unreachable =
                down.value(config.source.connection, down.value(config.mirror.connection));
        if (!unreachable.isEmpty()) {
            s.state = MappingState::Waiting;
            s.lastError = unreachable;
            failed = true;
            statuses << s;
            continue;
        }
        const ProjectCheck check = checkProject(*project, connections, config.name, false);
        s.warnings = check.warningsOf(config.name);
        printWarnings(check.warnings, err);
        if (!check.ok()) {
            // Exit 2 either way: name everything a sync would trip over too (a mirror that was
            // never prepared), not only what keeps the status from being read.
            const ProjectCheck strict = checkProject(*project, connections, config.name, true);
            const QList<ProjectError> &problems = strict.ok() ? check.errors : strict.errors;
            printErrors(problems, err);
            s.state = check.transient ? MappingState::Waiting : MappingState::Error;
            QStringList messages;
            for (const ProjectError &e : problems)
                messages << e.message;
            s.lastError = messages.join(u"; "_s);
            failed = true;
            statuses << s;
            continue;
        }
        try {
            // Opening does not create a missing mirror file: status only reads.
            const ResolvedMapping &m = check.mappings.first();
            MappingContext ctx{m,
                               connections.get(m.config.source.connection),
                               connections.get(m.config.mirror.connection),
                               nullptr,
                               {}};
            s.apply(measureStatus(ctx));
            // Which instance runs it (nobody: no key); reading never takes the hold.
            s.holder = MappingHold::read(ctx.mirror, m.config, instanceName(o));
            if (s.lastRun && s.lastRun->result == u"error") {
                s.state = MappingState::Error;
                s.lastError = s.lastRun->error;
            }
        } catch (const DbError &e) {
            s.state = e.isTransient() ? MappingState::Waiting : MappingState::Error;
            s.lastError = e.message();
            failed = failed || e.connectionLost(); // not a mirror `prepare` has yet to create
        }
        statuses << s;
    }
    for (auto it = down.cbegin(); it != down.cend(); ++it)
        err << "tidemark-cli status: " << it.value() << '\n';
    const int exitCode = failed ? ExitError : ExitOk;
    if (o.json) {
        out << QJsonDocument(statusjson::encodeDocument(statuses, connectionStates,
                                                        statusjson::Detail::Cli))
                        .toJson(QJsonDocument::Indented);
        return exitCode;
    }
    for (const ConnectionStatus &c : connectionStates) {
        out << "connection " << c.name << ": " << connectionStateName(c.state);
        if (!c.lastError.isEmpty())
            out << " (" << c.lastError << ')';
        out << '\n';
    }
    const QString format = u"%1 %2 %3 %4 %5 %6 %7  %8"_s;
    out << format.arg(u"MAPPING"_s, -16)
                    .arg(u"STATE"_s, -8)
                    .arg(u"SOURCE"_s, 9)
                    .arg(u"MIRROR"_s, 9)
                    .arg(u"BACKLOG"_s, 8)
                    .arg(u"ORPHANS"_s, 8)
                    .arg(u"NULLCUR"_s, 8)
                    .arg(u"CHECKPOINT / LAST RUN"_s)
        << '\n';
    for (const MappingStatus &s : statuses) {
        QString tail =
                s.checkpoint.isNull() ? u"no checkpoint"_s : displayText(s.checkpoint.cursor);
        if (s.capture) {
            const CaptureStatus &c = *s.capture;
            tail = !c.installed ? u"capture not installed"_s
                    : c.appliedSeq ? u"log #%1 (%2 pending, %3 unnumbered, log %4 rows)"_s
                                             .arg(*c.appliedSeq)
                                             .arg(c.pending)
                                             .arg(c.unnumbered)
                                             .arg(c.logRows)
                                   : u"log not applied yet"_s;
            if (!c.attention.isEmpty())
                tail += u" / attention: "_s + c.attention;
        }
        if (s.lastRun)
            tail += u" / %1 %2 at %3"_s.arg(s.lastRun->kind, s.lastRun->result,
                                            s.lastRun->finishedAt.toString(Qt::ISODate));
        if (s.holder)
            tail += u" / run by "_s + s.holder->instance
                    + (s.holder->self ? u" (this instance)"_s : QString());
        if (!s.lastError.isEmpty())
            tail += u" / error: "_s + s.lastError;
        out << format.arg(s.name, -16)
                        .arg(mappingStateName(s.state), -8)
                        .arg(cell(s.sourceRows), 9)
                        .arg(cell(s.mirrorRows), 9)
                        .arg(cell(s.backlog), 8)
                        .arg(s.orphans ? QString::number(*s.orphans) + orphanAge(s) : u"-"_s, 8)
                        .arg(s.hasCursor ? QString::number(s.nullCursorRows) : u"-"_s, 8)
                        .arg(tail)
            << '\n';
    }
    if (std::any_of(statuses.cbegin(), statuses.cend(),
                    [](const MappingStatus &s) { return s.orphans && !orphanAge(s).isEmpty(); }))
        out << "* orphans counted more than five minutes ago; `sweep --dry-run` counts them now\n";
    return exitCode;
}

} // namespace tidemark::cli
