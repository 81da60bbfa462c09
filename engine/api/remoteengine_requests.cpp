// RemoteEngine's requests (api/remoteengine.h): what the facade asks for, posted to the
// service, and the answers turned back into the facade's results. The polling and the link
// are remoteengine.cpp.

#include "api/remoteengine.h"

#include "api/resultjson.h"
#include "db/valuecodec.h"
#include "log/logging.h"

#include <QJsonArray>
#include <QSaveFile>

using namespace Qt::StringLiterals;

namespace tidemark {

namespace {

std::shared_ptr<spdlog::logger> log() { return logger("remote"); }

// A backfill's or a check's key range, in the typed form the service reads.
void addKeyRange(QJsonObject &body, const QVariantList &from, const QVariantList &to)
{
    if (!from.isEmpty())
        body[u"key_from"_s] = encodeTypedList(from);
    if (!to.isEmpty())
        body[u"key_to"_s] = encodeTypedList(to);
}

} // namespace

// --- answers ------------------------------------------------------------------------------

void RemoteEngine::finishRun(const Pending &p, const QJsonObject &run)
{
    const QJsonObject outcome = run.value(u"outcome"_s).toObject();
    if (outcome.isEmpty()) {
        failRun(p, run.value(u"error"_s).toString().isEmpty()
                           ? u"the service gave no outcome for the run"_s
                           : run.value(u"error"_s).toString());
        return;
    }
    QString error;
    switch (p.kind) {
    case RunKind::Operation:
        if (const auto r = resultjson::decodeOperationResult(outcome, &error)) {
            Q_EMIT operationFinished(p.localId, p.mapping, *r);
            return;
        }
        break;
    case RunKind::Check:
        if (auto r = resultjson::decodeCheck(outcome, &error)) {
            if (r->ok())
                m_driftSeen.insert(p.mapping, r->summary.checkedAt);
            Q_EMIT driftChecked(p.localId, *r);
            return;
        }
        break;
    case RunKind::Repair:
        if (const auto r = resultjson::decodeRepair(outcome, &error)) {
            Q_EMIT driftRepaired(p.localId, *r);
            return;
        }
        break;
    case RunKind::Explain:
        if (const auto r = resultjson::decodeExplain(outcome, &error)) {
            Q_EMIT driftExplained(p.localId, *r);
            return;
        }
        break;
    }
    failRun(p, u"the service's answer could not be read: %1"_s.arg(error));
}

void RemoteEngine::failRun(const Pending &p, const QString &error, bool refused)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    switch (p.kind) {
    case RunKind::Operation: {
        OperationResult r;
        r.run.kind = operationName(p.operation);
        r.run.startedAt = now;
        r.run.finishedAt = now;
        r.run.result = refused ? u"refused"_s : u"error"_s;
        r.run.error = error;
        if (refused)
            r.refusal = error;
        Q_EMIT operationFinished(p.localId, p.mapping, r);
        return;
    }
    case RunKind::Check: {
        DriftCheckResult r;
        r.mapping = p.mapping;
        r.result = u"error"_s;
        r.error = error;
        Q_EMIT driftChecked(p.localId, r);
        return;
    }
    case RunKind::Repair: {
        DriftRepairResult r;
        r.mapping = p.mapping;
        r.options = p.repairOptions;
        r.result = refused ? u"refused"_s : u"error"_s;
        r.error = error;
        r.counts.refused = refused;
        if (refused)
            r.counts.refusal = error;
        Q_EMIT driftRepaired(p.localId, r);
        return;
    }
    case RunKind::Explain: {
        DriftExplainResult r;
        r.mapping = p.mapping;
        r.result = u"error"_s;
        r.error = error;
        Q_EMIT driftExplained(p.localId, r);
        return;
    }
    }
}


// --- requests -----------------------------------------------------------------------------

quint64 RemoteEngine::postRun(const QString &mapping, const QString &action,
                              const QJsonObject &body, Pending pending)
{
    if (!m_running || !knows(mapping))
        return 0;
    pending.localId = ++m_nextId;
    pending.mapping = mapping;
    send("POST", mappingPath(mapping, action), body, [this, pending](const Answer &a) {
        if (a.status == 202) {
            const QJsonValue run = a.json().value(u"run"_s);
            if (run.isDouble()) {
                m_pending.insert(quint64(run.toDouble()), pending);
                return;
            }
            failRun(pending, u"the service took the request but named no run"_s);
            return;
        }
        if (a.status == 409) {
            failRun(pending, a.errorText(), true);
            return;
        }
        failRun(pending, a.status == 0
                                 ? u"the service did not take the request: %1"_s.arg(
                                           a.networkError)
                                 : u"the service refused the request (%1): %2"_s.arg(a.status).arg(
                                           a.errorText()));
    });
    return pending.localId;
}

void RemoteEngine::postFireAndForget(const QString &path, const QJsonObject &body,
                                     const QString &what)
{
    if (!m_running)
        return;
    send("POST", path, body, [this, what](const Answer &a) {
        if (a.status == 202) {
            // The status shows the effect; ask for it now rather than at the next tick.
            pollStatus();
            return;
        }
        log()->warn("{} was not done by the service at {}: {}", what, m_url.toString(),
                    a.errorText());
    });
}

quint64 RemoteEngine::request(const QString &mapping, OperationKind kind,
                              const OperationOptions &options)
{
    QJsonObject body;
    if (options.force)
        body[u"force"_s] = true;
    if (options.noGate)
        body[u"no_gate"_s] = true;
    if (options.dryRun)
        body[u"dry_run"_s] = true;
    addKeyRange(body, options.keyFrom, options.keyTo);
    Pending p;
    p.kind = RunKind::Operation;
    p.operation = kind;
    p.dryRun = options.dryRun;
    return postRun(mapping, operationName(kind), body, p);
}

void RemoteEngine::cancel(const QString &mapping)
{
    postFireAndForget(mappingPath(mapping, u"cancel"_s), {}, u"cancel of '%1'"_s.arg(mapping));
}

void RemoteEngine::setPaused(const QString &mapping, bool paused)
{
    const QString action = paused ? u"pause"_s : u"resume"_s;
    QStringList names;
    if (mapping.isEmpty()) {
        for (const MappingStatus &m : std::as_const(m_mappings))
            names.append(m.name);
    } else {
        names.append(mapping);
    }
    for (const QString &name : std::as_const(names))
        postFireAndForget(mappingPath(name, action), {}, u"%1 of '%2'"_s.arg(action, name));
}

void RemoteEngine::reconnect(const QString &connection)
{
    if (!m_running)
        return;
    if (connection == serviceConnectionName() || (connection.isEmpty() && m_link != Link::Up)) {
        // The link itself: try now instead of at the back-off's next attempt.
        m_delayMs = 0;
        pollStatus();
        if (!connection.isEmpty())
            return;
    }
    const QString path = connection.isEmpty()
            ? u"/api/v1/connections/reconnect"_s
            : u"/api/v1/connections/"_s + QString::fromLatin1(QUrl::toPercentEncoding(connection))
                    + u"/reconnect"_s;
    postFireAndForget(path, {},
                      connection.isEmpty() ? u"reconnect"_s
                                           : u"reconnect of '%1'"_s.arg(connection));
}

quint64 RemoteEngine::checkDrift(const QString &mapping, const DriftCheckOptions &options)
{
    QJsonObject body;
    addKeyRange(body, options.keyFrom, options.keyTo);
    Pending p;
    p.kind = RunKind::Check;
    return postRun(mapping, u"diff"_s, body, p);
}

quint64 RemoteEngine::repairDrift(const QString &mapping, const DriftRepairOptions &options)
{
    QJsonObject body{{u"dry_run"_s, !options.execute}};
    if (options.force)
        body[u"force"_s] = true;
    if (!options.keys.isEmpty()) {
        QJsonArray keys;
        for (const QVariantList &key : options.keys)
            keys.append(encodeTypedList(key));
        body[u"keys"_s] = keys;
    }
    Pending p;
    p.kind = RunKind::Repair;
    p.dryRun = !options.execute;
    p.repairOptions = options;
    return postRun(mapping, u"repair"_s, body, p);
}

quint64 RemoteEngine::explainDriftKey(const QString &mapping, const QVariantList &key)
{
    Pending p;
    p.kind = RunKind::Explain;
    return postRun(mapping, u"explain"_s, QJsonObject{{u"key"_s, encodeTypedList(key)}}, p);
}

quint64 RemoteEngine::exportDrift(const QString &mapping, DriftExportFormat format,
                                  const QString &path)
{
    if (!m_running || !knows(mapping))
        return 0;
    const quint64 id = ++m_nextId;
    const QString name = format == DriftExportFormat::Csv ? u"csv"_s : u"html"_s;
    send("GET", mappingPath(mapping, u"drift/export?format="_s + name), {},
         [this, id, mapping, format, path](const Answer &a) {
             DriftExportResult r;
             r.mapping = mapping;
             r.path = path;
             r.format = format;
             if (a.status != 200) {
                 r.error = u"the service did not export: %1"_s.arg(a.errorText());
             } else {
                 // Written whole or not at all: a half-written report is worse than none.
                 QSaveFile file(path);
                 if (!file.open(QIODevice::WriteOnly) || file.write(a.body) != a.body.size()
                     || !file.commit())
                     r.error = u"could not write %1: %2"_s.arg(path, file.errorString());
             }
             Q_EMIT driftExported(id, r);
         });
    return id;
}

void RemoteEngine::cancelDrift(const QString &mapping)
{
    postFireAndForget(mappingPath(mapping, u"cancel_drift"_s), {},
                      u"cancel of the drift work of '%1'"_s.arg(mapping));
}

} // namespace tidemark
