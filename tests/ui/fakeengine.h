#pragma once
// An Engine whose snapshots the test sets and which records every request, so widget tests run
// without databases or engine threads (in the spirit of ownCloud's FakeFolder).

#include "api/engine.h"

#include <QList>
#include <QPair>
#include <QStandardPaths>
#include <QStringList>

namespace tidemark::test {

class FakeEngine final : public Engine
{
public:
    struct Request
    {
        quint64 id = 0;
        QString mapping;
        OperationKind kind = OperationKind::Sync;
        OperationOptions options;
    };

    using Engine::Engine;

    void start() override { ++startCount; }
    void stop() override { ++stopCount; }
    QList<MappingStatus> mappings() const override { return m_mappings; }
    QList<ConnectionStatus> connections() const override { return m_connections; }

    quint64 request(const QString &mapping, OperationKind kind,
                    const OperationOptions &options = {}) override
    {
        const quint64 id = ++m_lastId;
        requests.append(Request{id, mapping, kind, options});
        return id;
    }
    void cancel(const QString &mapping) override { cancels.append(mapping); }
    void setPaused(const QString &mapping, bool paused) override
    {
        pauses.append({mapping, paused});
    }
    void reconnect(const QString &connection) override { reconnects.append(connection); }

    quint64 checkDrift(const QString &mapping, const DriftCheckOptions &options = {}) override
    {
        const quint64 id = ++m_lastId;
        driftChecks.append({id, mapping, options});
        return id;
    }
    quint64 repairDrift(const QString &mapping, const DriftRepairOptions &options) override
    {
        const quint64 id = ++m_lastId;
        driftRepairs.append({id, mapping, options});
        return id;
    }
    quint64 explainDriftKey(const QString &mapping, const QVariantList &key) override
    {
        const quint64 id = ++m_lastId;
        driftExplains.append({id, mapping, key});
        return id;
    }
    quint64 exportDrift(const QString &mapping, DriftExportFormat format,
                        const QString &path) override
    {
        const quint64 id = ++m_lastId;
        driftExports.append({id, mapping, format, path});
        return id;
    }
    void cancelDrift(const QString &mapping) override { driftCancels.append(mapping); }

    // What the test does in the engine's place.
    void publish(const QList<MappingStatus> &mappings)
    {
        m_mappings = mappings;
        Q_EMIT statusChanged(m_mappings);
    }
    void publishConnections(const QList<ConnectionStatus> &connections)
    {
        m_connections = connections;
        Q_EMIT connectionsChanged(m_connections);
    }
    void finish(quint64 requestId, const QString &mapping, const OperationResult &result)
    {
        Q_EMIT operationFinished(requestId, mapping, result);
    }

    void finishCheck(quint64 id, const DriftCheckResult &r) { Q_EMIT driftChecked(id, r); }
    void finishRepair(quint64 id, const DriftRepairResult &r) { Q_EMIT driftRepaired(id, r); }
    void finishExplain(quint64 id, const DriftExplainResult &r) { Q_EMIT driftExplained(id, r); }
    void finishExport(quint64 id, const DriftExportResult &r) { Q_EMIT driftExported(id, r); }
    void progressDrift(const QString &mapping, const Progress &p)
    {
        Q_EMIT driftProgressed(mapping, p);
    }

    struct DriftCheck
    {
        quint64 id = 0;
        QString mapping;
        DriftCheckOptions options;
    };
    struct DriftRepair
    {
        quint64 id = 0;
        QString mapping;
        DriftRepairOptions options;
    };
    struct DriftExplain
    {
        quint64 id = 0;
        QString mapping;
        QVariantList key;
    };
    struct DriftExport
    {
        quint64 id = 0;
        QString mapping;
        DriftExportFormat format = DriftExportFormat::Html;
        QString path;
    };
    QList<DriftCheck> driftChecks;
    QList<DriftRepair> driftRepairs;
    QList<DriftExplain> driftExplains;
    QList<DriftExport> driftExports;
    QStringList driftCancels;

    QList<Request> requests;
    QStringList reconnects;
    QStringList cancels;
    QList<QPair<QString, bool>> pauses;
    int startCount = 0;
    int stopCount = 0;

private:
    QList<MappingStatus> m_mappings;
    QList<ConnectionStatus> m_connections;
    quint64 m_lastId = 0;
};

inline MappingStatus makeStatus(const QString &name, qint64 backlog = 0,
                                MappingState state = MappingState::Idle)
{
    MappingStatus s;
    s.name = name;
    s.source = u"src:" + name;
    s.mirror = u"mirror:" + name;
    s.state = state;
    s.backlog = backlog;
    s.sourceRows = 1000;
    s.mirrorRows = 1000 - backlog;
    s.hasCursor = true;
    return s;
}

// makeStatus() once the mapping has connected: the engine has reported its key, one integer
// column id, which key ranges are read against.
inline MappingStatus makeKeyedStatus(const QString &name)
{
    MappingStatus s = makeStatus(name);
    s.keyColumns = {ColumnInfo{QStringLiteral("id"), QStringLiteral("INTEGER"), ValueClass::Integer}};
    return s;
}

inline ConnectionStatus makeConnection(const QString &name,
                                       ConnectionState state = ConnectionState::Connected)
{
    ConnectionStatus c;
    c.name = name;
    c.description = u"sqlite " + name + u".db";
    c.state = state;
    c.since = QDateTime::currentDateTimeUtc().addSecs(-30);
    return c;
}

inline OperationResult makeResult(const QString &kind, const QString &result,
                                  const QString &error = {})
{
    OperationResult r;
    r.run.kind = kind;
    r.run.result = result;
    r.run.error = error;
    r.run.startedAt = QDateTime::currentDateTimeUtc().addSecs(-2);
    r.run.finishedAt = QDateTime::currentDateTimeUtc();
    return r;
}

// A check of `mapping` (columns id, name, total; key id) over keys 1..400 in four segments, the
// second of which differs: one missing row (backlog), one extra (orphan), one changed (drift).
inline DriftCheckResult makeDriftResult(const QString &mapping)
{
    using namespace Qt::StringLiterals;
    DriftCheckResult r;
    r.mapping = mapping;
    r.result = u"ok"_s;
    r.columns = QStringList{u"id"_s, u"name"_s, u"total"_s};
    r.keyColumns = QStringList{u"id"_s};
    DriftSummary &s = r.summary;
    s.checkedAt = QDateTime::currentDateTimeUtc().addSecs(-60);
    s.sourceRows = 400;
    s.mirrorRows = 400;
    s.missing = 1;
    s.extra = 1;
    s.changed = 1;
    s.driftRows = 1;
    s.durationMs = 1200;
    for (int i = 0; i < 4; ++i) {
        DriftSegment seg;
        seg.range.lo = QVariantList{i * 100};
        seg.range.hi = QVariantList{(i + 1) * 100};
        seg.range.loInclusive = i == 0;
        seg.sourceRows = seg.mirrorRows = 100;
        seg.sourceSum = seg.mirrorSum = quint64(1000 + i);
        if (i == 1)
            seg.mirrorSum = 7;
        s.segments << seg;
    }
    RowDifference missing;
    missing.kind = DiffKind::Missing;
    missing.reason = DiffReason::Backlog;
    missing.key = QVariantList{120};
    missing.source = QVariantList{120, u"anna"_s, u"10.00"_s};
    RowDifference changed;
    changed.kind = DiffKind::Changed;
    changed.reason = DiffReason::Drift;
    changed.key = QVariantList{150};
    changed.columns = QStringList{u"total"_s};
    changed.source = QVariantList{150, u"bert"_s, u"10.50"_s};
    changed.mirror = QVariantList{150, u"bert"_s, u"10.49"_s};
    RowDifference extra;
    extra.kind = DiffKind::Extra;
    extra.reason = DiffReason::Orphan;
    extra.key = QVariantList{199};
    extra.mirror = QVariantList{199, u"carl"_s, u"3.00"_s};
    r.rows = {missing, changed, extra};
    DriftSummary older = s;
    older.checkedAt = s.checkedAt.addSecs(-3600);
    older.missing = older.extra = older.changed = older.driftRows = 0;
    older.segments[1].mirrorSum = older.segments[1].sourceSum;
    r.history = {s, older};
    return r;
}

} // namespace tidemark::test
