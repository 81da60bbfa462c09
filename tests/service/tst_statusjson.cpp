// The status document both ways (engine/api/statusjson.h): a snapshot with every field set
// survives encode + decode unchanged (the monitor attached to `serve` rebuilds its snapshots
// from it), the CLI's form is what `status --json` always printed, and a malformed document
// is refused with the field at fault.

#include "api/statusjson.h"

#include <QJsonArray>
#include <QTest>

using namespace tidemark;
using namespace Qt::StringLiterals;

namespace {

QDateTime at(int secs)
{
    return QDateTime(QDate(2026, 11, 21), QTime(10, 15, 0, 123), Qt::UTC).addSecs(secs);
}

RunRecord run(const QString &kind, int secs)
{
    RunRecord r;
    r.kind = kind;
    r.startedAt = at(secs);
    r.finishedAt = at(secs + 2);
    r.rowsWritten = 12;
    r.rowsDeleted = 3;
    r.result = u"error"_s;
    r.error = u"mirror \"pg\": connection refused"_s;
    r.note = u"in-sync gate: counts match, skipped"_s;
    return r;
}

MappingStatus fullStatus()
{
    MappingStatus s;
    s.name = u"order lines"_s;
    s.source = u"src:order lines"_s;
    s.mirror = u"pg:order_lines"_s;
    s.state = MappingState::Running;
    s.operation = u"backfill"_s;
    s.progress = Progress{u"backfill"_s, 4200, 10000};
    s.sourceRows = 10000;
    s.mirrorRows = 9998;
    s.backlog = 2;
    s.nullCursorRows = 5;
    s.orphans = 7;
    s.orphansMeasuredAt = at(-60);
    s.rowsCountedAt = at(-5);
    // Types that print alike but are not alike: an integer and a text "7".
    s.checkpoint.cursor = QVariant(QDateTime(QDate(2026, 11, 21), QTime(10, 15, 0, 123), Qt::UTC));
    s.checkpoint.key = {QVariant(qlonglong(1042)), QVariant(u"7"_s)};
    s.lastRun = run(u"sync"_s, 0);
    s.lastSyncAt = at(-5);
    s.rowsPerSecond = 12.75;
    s.lastError = u"a lost connection"_s;
    s.nextRunAt = at(3);
    s.hasCursor = true;
    s.lag = 1.5;
    s.lagInSeconds = true;
    s.warnings = {u"cursor column 'updated_at' is nullable"_s};
    ColumnInfo k1{u"order_id"_s, u"bigint"_s, ValueClass::Integer, false, 0, 0};
    ColumnInfo k2{u"line_no"_s, u"numeric(10,2)"_s, ValueClass::Decimal, true, 10, 2};
    s.keyColumns = {k1, k2};
    DriftSummary d;
    d.checkedAt = at(-30);
    d.sourceRows = 10000;
    d.mirrorRows = 9998;
    d.missing = 2;
    d.extra = 1;
    d.changed = 4;
    d.driftRows = 3;
    d.durationMs = 812;
    d.keyFrom = {QVariant(qlonglong(1))};
    d.keyTo = {QVariant(qlonglong(500))};
    DriftSegment seg;
    seg.range = KeyRange{{QVariant(qlonglong(1))}, {QVariant(qlonglong(250))}, true};
    seg.sourceRows = 250;
    seg.mirrorRows = 249;
    seg.sourceSum = 18'000'000'000'000'000'001ull; // past 2^53: must not travel as a double
    seg.mirrorSum = 42;
    d.segments = {seg};
    s.drift = d;
    CaptureStatus c;
    c.installed = true;
    c.problem = u"sequencer late"_s;
    c.attention = u"source table 't' was truncated or created anew"_s;
    c.unnumbered = 4;
    c.pending = 9;
    c.logRows = 100;
    c.appliedSeq = 77;
    c.oldestPendingAgeS = 2.25;
    c.sequencer = false;
    s.capture = c;
    s.history = {run(u"sync"_s, -20), run(u"backfill"_s, -10)};
    return s;
}

ConnectionStatus fullConnection()
{
    ConnectionStatus c;
    c.name = u"pg"_s;
    c.description = u"postgres 127.0.0.1:5432/db"_s;
    c.state = ConnectionState::Reconnecting;
    c.lastError = u"connection refused"_s;
    c.lastErrorAt = at(-2);
    c.nextAttemptAt = at(4);
    c.since = at(-2);
    c.attempts = 3;
    c.mappings = {u"orders"_s, u"order lines"_s};
    return c;
}

void compareRuns(const RunRecord &a, const RunRecord &b)
{
    QCOMPARE(a.kind, b.kind);
    QCOMPARE(a.startedAt, b.startedAt);
    QCOMPARE(a.finishedAt, b.finishedAt);
    QCOMPARE(a.rowsWritten, b.rowsWritten);
    QCOMPARE(a.rowsDeleted, b.rowsDeleted);
    QCOMPARE(a.result, b.result);
    QCOMPARE(a.error, b.error);
    QCOMPARE(a.note, b.note);
}

} // namespace

class TestStatusJson : public QObject
{
    Q_OBJECT
private slots:
    void mappingRoundTripsEveryField();
    void emptySnapshotRoundTrips();
    void connectionRoundTripsEveryField();
    void cliFormIsTheStatusJsonDocument();
    void malformedIsRefusedWithTheField_data();
    void malformedIsRefusedWithTheField();
};

void TestStatusJson::mappingRoundTripsEveryField()
{
    const MappingStatus s = fullStatus();
    const QJsonObject doc =
            statusjson::encodeDocument({s}, {fullConnection()}, statusjson::Detail::Full);
    QString error;
    const std::optional<statusjson::Document> back = statusjson::decodeDocument(doc, &error);
    QVERIFY2(back, qPrintable(error));
    QCOMPARE(back->mappings.size(), 1);
    const MappingStatus &d = back->mappings.first();
    QCOMPARE(d.name, s.name);
    QCOMPARE(d.source, s.source);
    QCOMPARE(d.mirror, s.mirror);
    QCOMPARE(d.state, s.state);
    QCOMPARE(d.operation, s.operation);
    QCOMPARE(d.progress.phase, s.progress.phase);
    QCOMPARE(d.progress.rowsDone, s.progress.rowsDone);
    QCOMPARE(d.progress.rowsTotal, s.progress.rowsTotal);
    QCOMPARE(d.sourceRows, s.sourceRows);
    QCOMPARE(d.mirrorRows, s.mirrorRows);
    QCOMPARE(d.backlog, s.backlog);
    QCOMPARE(d.nullCursorRows, s.nullCursorRows);
    QCOMPARE(d.orphans, s.orphans);
    QCOMPARE(d.orphansMeasuredAt, s.orphansMeasuredAt);
    QCOMPARE(d.rowsCountedAt, s.rowsCountedAt);
    QCOMPARE(d.checkpoint.cursor, s.checkpoint.cursor);
    QCOMPARE(d.checkpoint.key, s.checkpoint.key);
    QCOMPARE(d.checkpoint.key.at(0).typeId(), s.checkpoint.key.at(0).typeId());
    QCOMPARE(d.checkpoint.key.at(1).typeId(), s.checkpoint.key.at(1).typeId());
    QVERIFY(d.lastRun);
    compareRuns(*d.lastRun, *s.lastRun);
    QCOMPARE(d.lastSyncAt, s.lastSyncAt);
    QCOMPARE(d.rowsPerSecond, s.rowsPerSecond);
    QCOMPARE(d.lastError, s.lastError);
    QCOMPARE(d.nextRunAt, s.nextRunAt);
    QCOMPARE(d.hasCursor, s.hasCursor);
    QCOMPARE(d.lag, s.lag);
    QCOMPARE(d.lagInSeconds, s.lagInSeconds);
    QCOMPARE(d.warnings, s.warnings);
    QCOMPARE(d.keyColumns.size(), s.keyColumns.size());
    for (qsizetype i = 0; i < s.keyColumns.size(); ++i) {
        QCOMPARE(d.keyColumns[i].name, s.keyColumns[i].name);
        QCOMPARE(d.keyColumns[i].declaredType, s.keyColumns[i].declaredType);
        QCOMPARE(d.keyColumns[i].valueClass, s.keyColumns[i].valueClass);
        QCOMPARE(d.keyColumns[i].nullable, s.keyColumns[i].nullable);
        QCOMPARE(d.keyColumns[i].precision, s.keyColumns[i].precision);
        QCOMPARE(d.keyColumns[i].scale, s.keyColumns[i].scale);
    }
    QVERIFY(d.drift);
    QCOMPARE(d.drift->checkedAt, s.drift->checkedAt);
    QCOMPARE(d.drift->sourceRows, s.drift->sourceRows);
    QCOMPARE(d.drift->mirrorRows, s.drift->mirrorRows);
    QCOMPARE(d.drift->missing, s.drift->missing);
    QCOMPARE(d.drift->extra, s.drift->extra);
    QCOMPARE(d.drift->changed, s.drift->changed);
    QCOMPARE(d.drift->driftRows, s.drift->driftRows);
    QCOMPARE(d.drift->durationMs, s.drift->durationMs);
    QCOMPARE(d.drift->keyFrom, s.drift->keyFrom);
    QCOMPARE(d.drift->keyTo, s.drift->keyTo);
    QCOMPARE(d.drift->segments.size(), 1);
    QCOMPARE(d.drift->segments[0].range, s.drift->segments[0].range);
    QCOMPARE(d.drift->segments[0].sourceRows, s.drift->segments[0].sourceRows);
    QCOMPARE(d.drift->segments[0].mirrorRows, s.drift->segments[0].mirrorRows);
    QCOMPARE(d.drift->segments[0].sourceSum, s.drift->segments[0].sourceSum);
    QCOMPARE(d.drift->segments[0].mirrorSum, s.drift->segments[0].mirrorSum);
    QVERIFY(d.capture);
    QCOMPARE(d.capture->installed, s.capture->installed);
    QCOMPARE(d.capture->problem, s.capture->problem);
    QCOMPARE(d.capture->attention, s.capture->attention);
    QCOMPARE(d.capture->unnumbered, s.capture->unnumbered);
    QCOMPARE(d.capture->pending, s.capture->pending);
    QCOMPARE(d.capture->logRows, s.capture->logRows);
    QCOMPARE(d.capture->appliedSeq, s.capture->appliedSeq);
    QCOMPARE(d.capture->oldestPendingAgeS, s.capture->oldestPendingAgeS);
    QCOMPARE(d.capture->sequencer, s.capture->sequencer);
    QCOMPARE(d.history.size(), s.history.size());
    for (qsizetype i = 0; i < s.history.size(); ++i)
        compareRuns(d.history[i], s.history[i]);
    // And encoding the decoded snapshot gives the same document: nothing was dropped.
    QCOMPARE(statusjson::encodeMapping(d, statusjson::Detail::Full),
             statusjson::encodeMapping(s, statusjson::Detail::Full));
}

void TestStatusJson::emptySnapshotRoundTrips()
{
    // Nothing measured yet: -1 counts, no orphans, no checkpoint, no runs.
    MappingStatus s;
    s.name = u"fresh"_s;
    s.state = MappingState::Waiting;
    QString error;
    const std::optional<MappingStatus> d = statusjson::decodeMapping(
            statusjson::encodeMapping(s, statusjson::Detail::Full), &error);
    QVERIFY2(d, qPrintable(error));
    QCOMPARE(d->sourceRows, -1);
    QCOMPARE(d->mirrorRows, -1);
    QCOMPARE(d->backlog, -1);
    QVERIFY(!d->orphans);
    QVERIFY(d->checkpoint.isNull());
    QVERIFY(d->checkpoint.key.isEmpty());
    QVERIFY(!d->lastRun);
    QVERIFY(!d->lag);
    QVERIFY(!d->drift);
    QVERIFY(!d->capture);
    QCOMPARE(d->progress.rowsTotal, -1);
    QCOMPARE(d->hasCursor, false);
    QCOMPARE(d->state, MappingState::Waiting);
}

void TestStatusJson::connectionRoundTripsEveryField()
{
    const ConnectionStatus c = fullConnection();
    QString error;
    const std::optional<ConnectionStatus> d =
            statusjson::decodeConnection(statusjson::encodeConnection(c), &error);
    QVERIFY2(d, qPrintable(error));
    QCOMPARE(d->name, c.name);
    QCOMPARE(d->description, c.description);
    QCOMPARE(d->state, c.state);
    QCOMPARE(d->lastError, c.lastError);
    QCOMPARE(d->lastErrorAt, c.lastErrorAt);
    QCOMPARE(d->nextAttemptAt, c.nextAttemptAt);
    QCOMPARE(d->since, c.since);
    QCOMPARE(d->attempts, c.attempts);
    QCOMPARE(d->mappings, c.mappings);
}

void TestStatusJson::cliFormIsTheStatusJsonDocument()
{
    // `status --json` prints exactly these keys (SPEC.md "status --json" and its extensions);
    // the service's Full form adds keys but changes none of them.
    const MappingStatus s = fullStatus();
    const QJsonObject cli = statusjson::encodeMapping(s, statusjson::Detail::Cli);
    QStringList expected{u"backlog"_s,
                         u"capture"_s,
                         u"checkpoint"_s,
                         u"drift"_s,
                         u"last_error"_s,
                         u"last_run"_s,
                         u"lag"_s,
                         u"lag_unit"_s,
                         u"mirror"_s,
                         u"mirror_rows"_s,
                         u"name"_s,
                         u"next_run_at"_s,
                         u"null_cursor_rows"_s,
                         u"orphans"_s,
                         u"orphans_measured_at"_s,
                         u"rows_counted_at"_s,
                         u"rows_per_second"_s,
                         u"source"_s,
                         u"source_rows"_s,
                         u"state"_s,
                         u"warnings"_s};
    expected.sort();
    QCOMPARE(cli.keys(), expected); // QJsonObject keeps its keys sorted
    QCOMPARE(cli.value(u"checkpoint"_s).toObject().value(u"key"_s).toArray(),
             (QJsonArray{1042, u"7"_s}));
    QCOMPARE(cli.value(u"last_run"_s).toObject().value(u"finished_at"_s).toString(),
             u"2026-11-21T10:15:02.123Z"_s);
    QVERIFY(!cli.value(u"drift"_s).toObject().contains(u"segments"_s));
    QVERIFY(!cli.value(u"capture"_s).toObject().contains(u"sequencer"_s));
    const QJsonObject full = statusjson::encodeMapping(s, statusjson::Detail::Full);
    for (const QString &key : cli.keys()) {
        if (key == u"drift" || key == u"capture") {
            const QJsonObject c = cli.value(key).toObject();
            const QJsonObject f = full.value(key).toObject();
            for (const QString &k : c.keys())
                QVERIFY2(f.value(k) == c.value(k), qPrintable(key + u'.' + k));
        } else {
            QVERIFY2(full.value(key) == cli.value(key), qPrintable(key));
        }
    }
}

void TestStatusJson::malformedIsRefusedWithTheField_data()
{
    QTest::addColumn<QString>("field");
    QTest::addColumn<QJsonValue>("value");
    QTest::addColumn<QString>("expected");
    QTest::newRow("state") << u"state"_s << QJsonValue(u"sleeping"_s)
                           << u"mappings[0].state: 'sleeping' is not a mapping state"_s;
    QTest::newRow("count") << u"backlog"_s << QJsonValue(u"many"_s)
                           << u"mappings[0].backlog: expected a number"_s;
    QTest::newRow("time") << u"next_run_at"_s << QJsonValue(u"tomorrow"_s)
                          << u"mappings[0].next_run_at: 'tomorrow' is not an ISO 8601 time"_s;
    QTest::newRow("history") << u"history"_s << QJsonValue(QJsonArray{QJsonObject{}})
                             << u"mappings[0].history[0].kind: expected text"_s;
}

void TestStatusJson::malformedIsRefusedWithTheField()
{
    QFETCH(QString, field);
    QFETCH(QJsonValue, value);
    QFETCH(QString, expected);
    QJsonObject m = statusjson::encodeMapping(fullStatus(), statusjson::Detail::Full);
    m[field] = value;
    QString error;
    QVERIFY(!statusjson::decodeDocument(QJsonObject{{u"mappings"_s, QJsonArray{m}}}, &error));
    QCOMPARE(error, expected);
}

QTEST_GUILESS_MAIN(TestStatusJson)
#include "tst_statusjson.moc"
