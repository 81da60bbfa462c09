#pragma once
// What the fault tests share: waiting with the event loop running (the engine's snapshots and
// results arrive as queued signals), reading a connection's state from the facade, running a
// request to its end, and waiting until a mirror equals its source.

#include "api/embeddedengine.h"
#include "itemtable.h"
#include "waituntil.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QSignalSpy>
#include <QTest>

#include <optional>

namespace tidemark::test {

using namespace Qt::StringLiterals;

// Short reconnect back-off, so a test measures the engine's behaviour, not its patience; the
// cap is what makes "converges within N s of the server's return" a fair deadline.
inline EngineOptions faultEngineOptions()
{
    EngineOptions o;
    o.reconnectInitialMs = 250;
    o.reconnectMaxMs = 2000;
    return o;
}

// A connection that gives up within seconds: a test's deadlines are tens of seconds.
inline ConnectionConfig withTimeouts(ConnectionConfig c, int connectS = 3, int statementS = 10)
{
    c.connectTimeoutS = connectS;
    c.statementTimeoutS = statementS;
    return c;
}

inline std::optional<ConnectionStatus> connectionStatus(const Engine &engine, const QString &name)
{
    for (const ConnectionStatus &c : engine.connections())
        if (c.name == name)
            return c;
    return std::nullopt;
}

inline std::optional<MappingStatus> mappingStatus(const Engine &engine, const QString &name)
{
    for (const MappingStatus &m : engine.mappings())
        if (m.name == name)
            return m;
    return std::nullopt;
}

inline QString describeConnection(const std::optional<ConnectionStatus> &c)
{
    if (!c)
        return u"(unknown connection)"_s;
    return u"%1: %2, attempts %3, last error '%4', next attempt %5"_s.arg(
            c->name, connectionStateName(c->state))
            .arg(c->attempts)
            .arg(c->lastError, c->nextAttemptAt.toString(Qt::ISODateWithMs));
}

// The mapping's recent runs, one per line, for failure messages and the test log.
inline QString describeHistory(const Engine &engine, const QString &mapping, int last = 12)
{
    const auto m = mappingStatus(engine, mapping);
    if (!m)
        return u"(unknown mapping)"_s;
    QStringList lines;
    for (qsizetype i = std::max<qsizetype>(0, m->history.size() - last); i < m->history.size(); ++i) {
        const RunRecord &r = m->history.at(i);
        lines << u"  %1 %2 %3: %4 rows%5"_s.arg(r.startedAt.toString(u"HH:mm:ss.zzz"_s), r.kind,
                                              r.result)
                         .arg(r.rowsWritten)
                         .arg(r.error.isEmpty() ? QString() : u" (%1)"_s.arg(r.error));
    }
    return u"mapping %1 (state %2, last error '%3'), runs:\n"_s.arg(
                   mapping, mappingStateName(m->state), m->lastError)
            + lines.join(u'\n');
}

// Requests `kind` and waits for its result; nullopt when it did not finish in time (or the
// engine refused the request at once).
inline std::optional<OperationResult> runRequest(EmbeddedEngine &engine, const QString &mapping,
                                                 OperationKind kind, int timeoutMs = 60000)
{
    QSignalSpy finished(&engine, &Engine::operationFinished);
    const quint64 id = engine.request(mapping, kind);
    if (id == 0)
        return std::nullopt;
    std::optional<OperationResult> result;
    waitUntil(
            [&] {
                for (const QList<QVariant> &args : std::as_const(finished))
                    if (args.at(0).toULongLong() == id)
                        result = args.at(2).value<OperationResult>();
                return result.has_value();
            },
            timeoutMs, 50);
    return result;
}

// One mirror under test: where its source and mirror tables are, for the comparisons.
struct ItemPair
{
    QString mapping;
    ConnectionConfig source;
    QString sourceTable;
    ConnectionConfig mirror;
    QString mirrorTable;

    TableDiff compare() const { return compareItems(source, sourceTable, mirror, mirrorTable); }
    CoverageCheck coverage() const
    {
        return checkpointCovered(source, sourceTable, mirror, mirrorTable, mapping);
    }
    qint64 mirrorRows() const { return countRows(mirror, mirrorTable); }

    // Adds both connections (under their names) and the mapping to `project`; returns the
    // mapping for tweaking.
    MappingConfig &addTo(Project &project) const
    {
        project.connections.insert(source.name, source);
        project.connections.insert(mirror.name, mirror);
        project.mappings << itemMapping(mapping, source.name, sourceTable, mirror.name, mirrorTable);
        return project.mappings.last();
    }
};

// A project without connections or mappings, its file (never written) in `folder`.
inline Project emptyProject(const QString &folder, const QString &name)
{
    Project p;
    p.filePath = folder + u'/' + name + u".json"_s;
    p.folder = folder;
    return p;
}

// Waits until the mirror equals the source row for row, with the engine left to its own
// schedule (no operator action): the behaviour under test. Returns the last difference.
inline TableDiff waitConverged(const ItemPair &pair, int timeoutMs)
{
    TableDiff diff;
    waitUntil(
            [&] {
                diff = pair.compare();
                return diff.equal();
            },
            timeoutMs, 500);
    return diff;
}

// Checks the checkpoint invariant now; a violation fails the calling test function.
#define FAULT_CHECK_COVERAGE(pair, when)                                                           \
    do {                                                                                           \
        const tidemark::test::CoverageCheck coverage_ = (pair).coverage();                         \
        QVERIFY2(coverage_.violation.isEmpty(),                                                    \
                 qPrintable(QStringLiteral(when ": ") + coverage_.violation));                      \
    } while (false)

} // namespace tidemark::test
