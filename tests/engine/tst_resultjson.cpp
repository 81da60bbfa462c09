// The engine's results both ways (engine/api/resultjson.h): a remote engine rebuilds what the
// service's runs and drift endpoints send, so every field of every result must survive
// encode + decode with its values' types intact (an int64 past 2^53, a decimal as text, a
// timestamp with microseconds, a blob, a NULL, unicode), and a malformed document is refused
// with the field at fault.

#include "api/resultjson.h"
#include "api/statusjson.h"
#include "db/valuecodec.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace tidemark;
using namespace Qt::StringLiterals;

namespace {

QDateTime at(int secs)
{
    return QDateTime(QDate(2026, 11, 21), QTime(10, 15, 0, 123), Qt::UTC).addSecs(secs);
}

// The typed NULL the value codec decodes a NULL to.
QVariant sqlNull()
{
    return QVariant(QMetaType::fromType<QString>());
}

QVariantList trickyKey()
{
    return {QVariant(qlonglong(9007199254740993LL)), QVariant(u"Grüße 🌊 \"q\""_s)};
}

QVariantList trickyRow()
{
    return {QVariant(qlonglong(9007199254740993LL)),
            QVariant(qulonglong(18446744073709551615ULL)),
            QVariant(u"12345678901234567890.000000001"_s), // a decimal, as text
            QVariant(u"2026-11-21 10:15:00.123456"_s),     // a timestamp with microseconds
            QVariant(at(0)),
            QVariant(QByteArray("\x00\xff\x01 blob", 9)),
            QVariant(QByteArray("")),
            sqlNull(),
            QVariant(-0.0),
            QVariant(true),
            QVariant(u"Grüße 🌊"_s)};
}

// Same values with the same types: the typed encoding is exact, and the types must match too.
void compareValues(const QVariantList &a, const QVariantList &b)
{
    QCOMPARE(a.size(), b.size());
    for (qsizetype i = 0; i < a.size(); ++i) {
        QCOMPARE(a[i].metaType(), b[i].metaType());
        QCOMPARE(encodeTypedValue(a[i]), encodeTypedValue(b[i]));
    }
}

DriftSummary summary(int secs)
{
    DriftSummary d;
    d.checkedAt = at(secs);
    d.sourceRows = 4000000000123LL; // counts are JSON numbers: exact below 2^53
    d.mirrorRows = 41;
    d.missing = 2;
    d.extra = 1;
    d.changed = 3;
    d.driftRows = 4;
    d.durationMs = 1234;
    d.keyFrom = trickyKey();
    d.keyTo = {QVariant(qlonglong(-5))};
    DriftSegment s;
    s.range = KeyRange{{QVariant(qlonglong(1))}, {QVariant(qlonglong(100))}, true};
    s.sourceRows = 100;
    s.mirrorRows = 99;
    s.sourceSum = 18446744073709551615ULL;
    s.mirrorSum = 1;
    d.segments << s;
    return d;
}

void compareSummaries(const DriftSummary &a, const DriftSummary &b)
{
    QCOMPARE(statusjson::encodeDriftSummary(a), statusjson::encodeDriftSummary(b));
    QCOMPARE(a.checkedAt, b.checkedAt);
    QCOMPARE(a.sourceRows, b.sourceRows);
    QCOMPARE(a.segments.size(), b.segments.size());
    QCOMPARE(a.segments[0].sourceSum, b.segments[0].sourceSum);
    compareValues(a.keyFrom, b.keyFrom);
    compareValues(a.keyTo, b.keyTo);
}

// Through text, as the wire carries it.
QJsonObject viaText(const QJsonObject &o)
{
    return QJsonDocument::fromJson(QJsonDocument(o).toJson(QJsonDocument::Compact)).object();
}

} // namespace

class TestResultJson : public QObject
{
    Q_OBJECT
private slots:
    void progressRoundTrips();
    void operationResultRoundTrips();
    void checkRoundTrips();
    void repairRoundTrips();
    void explainRoundTrips();
    void failedCheckRoundTrips();
    void malformedIsRefusedWithTheField_data();
    void malformedIsRefusedWithTheField();
};

void TestResultJson::progressRoundTrips()
{
    const Progress p{u"diff: comparing"_s, 9007199254740992LL, -1};
    const QJsonObject o = resultjson::encodeProgress(p);
    QCOMPARE(o.value(u"rows_total"_s).toDouble(), -1.0);
    QString error;
    const std::optional<Progress> back = resultjson::decodeProgress(viaText(o), &error);
    QVERIFY2(back, qPrintable(error));
    QCOMPARE(back->phase, p.phase);
    QCOMPARE(back->rowsDone, p.rowsDone);
    QCOMPARE(back->rowsTotal, -1);
}

void TestResultJson::operationResultRoundTrips()
{
    OperationResult r;
    r.run.kind = u"sweep"_s;
    r.run.startedAt = at(0);
    r.run.finishedAt = at(3);
    r.run.result = u"ok"_s;
    r.run.note = u"7 orphan rows (dry run, nothing deleted)"_s;
    r.orphansFound = 7;
    r.transient = true;
    r.connectionLost = true;
    r.connection = u"mirror ü"_s;
    r.refusal = u"would delete 90% of the mirror (max_sweep_fraction 0.5)"_s;
    r.wouldWrite = 3;
    r.wouldDelete = 7;
    r.dryRun = true;
    const QJsonObject o = resultjson::encodeOperationResult(r);
    QCOMPARE(o.value(u"run"_s).toObject(), statusjson::encodeRun(r.run));
    QString error;
    const std::optional<OperationResult> back =
            resultjson::decodeOperationResult(viaText(o), &error);
    QVERIFY2(back, qPrintable(error));
    QCOMPARE(resultjson::encodeOperationResult(*back), o);
    QCOMPARE(back->run.startedAt, r.run.startedAt);
    QCOMPARE(back->orphansFound, 7);
    QCOMPARE(back->connection, r.connection);
    QCOMPARE(back->wouldDelete, 7);
    QVERIFY(back->dryRun && back->transient && back->connectionLost);

    // Unknown orphans and no connection stay unknown and empty.
    const std::optional<OperationResult> plain = resultjson::decodeOperationResult(
            viaText(resultjson::encodeOperationResult(OperationResult{})), &error);
    QVERIFY2(plain, qPrintable(error));
    QCOMPARE(plain->orphansFound, -1);
    QVERIFY(plain->connection.isEmpty() && plain->refusal.isEmpty() && !plain->dryRun);
}

void TestResultJson::checkRoundTrips()
{
    DriftCheckResult r;
    r.mapping = u"order lines"_s;
    r.scheduled = true;
    r.result = u"ok"_s;
    r.summary = summary(0);
    r.columns = {u"id"_s,    u"big"_s,     u"amount"_s, u"ts"_s,   u"dt"_s,    u"blob"_s,
                 u"empty"_s, u"nothing"_s, u"real"_s,   u"flag"_s, u"name ü"_s};
    r.keyColumns = {u"id"_s, u"name ü"_s};
    RowDifference changed;
    changed.kind = DiffKind::Changed;
    changed.reason = DiffReason::NullCursor;
    changed.key = trickyKey();
    changed.source = trickyRow();
    changed.mirror = trickyRow();
    changed.mirror[2] = u"1.5"_s;
    changed.columns = {u"amount"_s};
    RowDifference missing;
    missing.kind = DiffKind::Missing;
    missing.reason = DiffReason::Backlog;
    missing.key = {QVariant(qlonglong(1))};
    missing.source = trickyRow();
    RowDifference extra;
    extra.kind = DiffKind::Extra;
    extra.reason = DiffReason::Orphan;
    extra.key = {sqlNull()};
    extra.mirror = trickyRow();
    r.rows = {changed, missing, extra};
    r.truncated = true;
    r.history = {summary(0), summary(-3600)};

    const QJsonObject o = resultjson::encodeCheck(r);
    QCOMPARE(o.value(u"summary"_s).toObject(), statusjson::encodeDriftSummary(r.summary));
    QString error;
    const std::optional<DriftCheckResult> back = resultjson::decodeCheck(viaText(o), &error);
    QVERIFY2(back, qPrintable(error));
    QCOMPARE(resultjson::encodeCheck(*back), o);
    QCOMPARE(back->mapping, r.mapping);
    QVERIFY(back->scheduled && back->truncated && back->ok());
    QVERIFY(back->error.isEmpty());
    QCOMPARE(back->columns, r.columns);
    QCOMPARE(back->keyColumns, r.keyColumns);
    compareSummaries(back->summary, r.summary);
    QCOMPARE(back->history.size(), 2);
    compareSummaries(back->history[1], r.history[1]);
    QCOMPARE(back->rows.size(), 3);
    for (qsizetype i = 0; i < r.rows.size(); ++i) {
        QCOMPARE(back->rows[i].kind, r.rows[i].kind);
        QCOMPARE(back->rows[i].reason, r.rows[i].reason);
        QCOMPARE(back->rows[i].columns, r.rows[i].columns);
        compareValues(back->rows[i].key, r.rows[i].key);
        compareValues(back->rows[i].source, r.rows[i].source);
        compareValues(back->rows[i].mirror, r.rows[i].mirror);
    }
    // The values that a double would not carry.
    QCOMPARE(back->rows[0].key[0].toLongLong(), 9007199254740993LL);
    QCOMPARE(back->rows[0].source[1].toULongLong(), 18446744073709551615ULL);
    QCOMPARE(back->rows[0].source[5].toByteArray(), QByteArray("\x00\xff\x01 blob", 9));
    QVERIFY(back->rows[2].key[0].isNull());
}

void TestResultJson::repairRoundTrips()
{
    DriftRepairResult r;
    r.mapping = u"orders"_s;
    r.options.execute = false;
    r.options.force = true;
    r.options.keys = {trickyKey(), {QVariant(QByteArray("\x01\x02", 2))}};
    r.result = u"refused"_s;
    r.error = u"would delete 90%"_s;
    r.differences = 4000000000123LL;
    r.statements = {u"DELETE FROM \"orders\" WHERE id = 9007199254740993;"_s,
                    u"UPDATE t SET name = 'Grüße' WHERE id = 1;"_s};
    r.statementsTruncated = true;
    r.counts.deleted = 1;
    r.counts.updated = 2;
    r.counts.inserted = 3;
    r.counts.alreadyEqual = 4;
    r.counts.changedSinceDiff = 5;
    r.counts.stillDiffering = 6;
    r.counts.statements = 7;
    r.counts.refused = true;
    r.counts.refusal = u"would delete 90%"_s;
    const QJsonObject o = resultjson::encodeRepair(r);
    QString error;
    const std::optional<DriftRepairResult> back = resultjson::decodeRepair(viaText(o), &error);
    QVERIFY2(back, qPrintable(error));
    QCOMPARE(resultjson::encodeRepair(*back), o);
    QCOMPARE(back->differences, r.differences);
    QCOMPARE(back->statements, r.statements);
    QVERIFY(back->statementsTruncated && back->options.force && !back->options.execute);
    QCOMPARE(back->options.keys.size(), 2);
    compareValues(back->options.keys[0], r.options.keys[0]);
    compareValues(back->options.keys[1], r.options.keys[1]);
    QCOMPARE(back->counts.changedSinceDiff, 5);
    QCOMPARE(back->counts.stillDiffering, 6);
    QCOMPARE(back->counts.statements, 7);
    QVERIFY(back->counts.refused);
    QCOMPARE(back->counts.refusal, r.counts.refusal);
}

void TestResultJson::explainRoundTrips()
{
    DriftExplainResult r;
    r.mapping = u"orders"_s;
    r.result = u"ok"_s;
    r.columns = {u"id"_s, u"ts"_s};
    r.explanation.key = trickyKey();
    r.explanation.source = trickyRow();
    r.explanation.mirror = {};
    r.explanation.checkpoint.cursor = u"2026-11-21 10:15:00.000001"_s;
    r.explanation.checkpoint.key = {QVariant(qlonglong(9007199254740993LL))};
    r.explanation.equal = false;
    r.explanation.kind = DiffKind::Missing;
    r.explanation.reason = DiffReason::Backlog;
    r.explanation.columns = {u"ts"_s};
    r.explanation.position = u"past the checkpoint"_s;
    r.explanation.verdict = u"the next sync writes it"_s;
    r.text = u"key (9007199254740993, 'Grüße 🌊')\nmissing"_s;
    const QJsonObject o = resultjson::encodeExplain(r);
    QString error;
    const std::optional<DriftExplainResult> back = resultjson::decodeExplain(viaText(o), &error);
    QVERIFY2(back, qPrintable(error));
    QCOMPARE(resultjson::encodeExplain(*back), o);
    const Explanation &e = back->explanation;
    compareValues(e.key, r.explanation.key);
    compareValues(e.source, r.explanation.source);
    QVERIFY(e.mirror.isEmpty());
    QCOMPARE(e.checkpoint.cursor.metaType(), QMetaType::fromType<QString>());
    QCOMPARE(e.checkpoint.cursor.toString(), u"2026-11-21 10:15:00.000001"_s);
    compareValues(e.checkpoint.key, r.explanation.checkpoint.key);
    QCOMPARE(e.kind, DiffKind::Missing);
    QCOMPARE(e.reason, DiffReason::Backlog);
    QCOMPARE(e.position, r.explanation.position);
    QCOMPARE(e.verdict, r.explanation.verdict);
    QCOMPARE(back->text, r.text);

    // No checkpoint yet: the cursor stays invalid, not a typed NULL.
    DriftExplainResult none;
    none.mapping = u"orders"_s;
    none.result = u"error"_s;
    none.error = u"no such key"_s;
    const std::optional<DriftExplainResult> noneBack =
            resultjson::decodeExplain(viaText(resultjson::encodeExplain(none)), &error);
    QVERIFY2(noneBack, qPrintable(error));
    QVERIFY(!noneBack->explanation.checkpoint.cursor.isValid());
    QCOMPARE(noneBack->error, none.error);
}

void TestResultJson::failedCheckRoundTrips()
{
    // A check that failed at once has an empty summary, whose checked_at statusjson writes as
    // "": the monitor must still learn that it failed, and why.
    DriftCheckResult r;
    r.mapping = u"orders"_s;
    r.result = u"error"_s;
    r.error = u"source \"src\": connection refused"_s;
    QString error;
    const std::optional<DriftCheckResult> back =
            resultjson::decodeCheck(viaText(resultjson::encodeCheck(r)), &error);
    QVERIFY2(back, qPrintable(error));
    QCOMPARE(back->result, r.result);
    QCOMPARE(back->error, r.error);
    QVERIFY(!back->summary.checkedAt.isValid());
}

void TestResultJson::malformedIsRefusedWithTheField_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("field");

    DriftCheckResult check;
    check.mapping = u"orders"_s;
    check.result = u"ok"_s;
    RowDifference row;
    row.key = {QVariant(qlonglong(1))};
    check.rows = {row, row};
    QJsonObject badKind = resultjson::encodeCheck(check);
    QJsonArray rows = badKind.value(u"rows"_s).toArray();
    QJsonObject second = rows[1].toObject();
    second[u"kind"_s] = u"gone"_s;
    rows[1] = second;
    badKind[u"rows"_s] = rows;
    QTest::newRow("a row's kind") << u"check"_s << QJsonDocument(badKind).toJson()
                                  << u"check.rows[1].kind"_s;

    QJsonObject badKey = resultjson::encodeCheck(check);
    rows = badKey.value(u"rows"_s).toArray();
    second = rows[1].toObject();
    second[u"key"_s] = QJsonArray{QJsonObject{{u"t"_s, u"int"_s}, {u"v"_s, u"seven"_s}}};
    rows[1] = second;
    badKey[u"rows"_s] = rows;
    QTest::newRow("a row's key") << u"check"_s << QJsonDocument(badKey).toJson()
                                 << u"check.rows[1].key"_s;

    QJsonObject badSum = resultjson::encodeCheck(check);
    QJsonObject s = statusjson::encodeDriftSummary(summary(0));
    QJsonArray segments = s.value(u"segments"_s).toArray();
    QJsonObject seg = segments[0].toObject();
    seg[u"source_sum"_s] = 12;
    segments[0] = seg;
    s[u"segments"_s] = segments;
    badSum[u"summary"_s] = s;
    QTest::newRow("a summary's segment") << u"check"_s << QJsonDocument(badSum).toJson()
                                         << u"check.summary.segments[0].source_sum"_s;

    DriftRepairResult repair;
    repair.mapping = u"orders"_s;
    repair.result = u"ok"_s;
    QJsonObject badKeys = resultjson::encodeRepair(repair);
    badKeys[u"options"_s] = QJsonObject{{u"execute"_s, true}, {u"keys"_s, QJsonArray{7}}};
    QTest::newRow("repair keys") << u"repair"_s << QJsonDocument(badKeys).toJson()
                                 << u"repair.options.keys[0]"_s;
    QJsonObject badCount = resultjson::encodeRepair(repair);
    QJsonObject counts = badCount.value(u"counts"_s).toObject();
    counts[u"refused"_s] = u"yes"_s;
    badCount[u"counts"_s] = counts;
    QTest::newRow("repair counts")
            << u"repair"_s << QJsonDocument(badCount).toJson() << u"repair.counts.refused"_s;

    QJsonObject badRun = resultjson::encodeOperationResult(OperationResult{});
    badRun[u"would_delete"_s] = u"many"_s;
    QTest::newRow("would_delete") << u"operation"_s << QJsonDocument(badRun).toJson()
                                  << u"result.would_delete"_s;
    QJsonObject noKind = resultjson::encodeOperationResult(OperationResult{});
    QJsonObject run = noKind.value(u"run"_s).toObject();
    run.remove(u"kind"_s);
    noKind[u"run"_s] = run;
    QTest::newRow("the run's kind")
            << u"operation"_s << QJsonDocument(noKind).toJson() << u"result.run.kind"_s;

    DriftExplainResult explain;
    explain.mapping = u"orders"_s;
    explain.result = u"ok"_s;
    QJsonObject badCursor = resultjson::encodeExplain(explain);
    QJsonObject x = badCursor.value(u"explanation"_s).toObject();
    x[u"checkpoint"_s] = QJsonObject{{u"cursor"_s, QJsonObject{{u"t"_s, u"what"_s}}}};
    badCursor[u"explanation"_s] = x;
    QTest::newRow("explain cursor") << u"explain"_s << QJsonDocument(badCursor).toJson()
                                    << u"explain.explanation.checkpoint.cursor"_s;

    QTest::newRow("progress") << u"progress"_s
                              << QByteArray(R"({"phase": "x", "rows_done": "lots"})")
                              << u"progress.rows_done"_s;
}

void TestResultJson::malformedIsRefusedWithTheField()
{
    QFETCH(QString, type);
    QFETCH(QByteArray, json);
    QFETCH(QString, field);
    const QJsonObject o = QJsonDocument::fromJson(json).object();
    QString error;
    bool decoded = true;
    if (type == u"check")
        decoded = resultjson::decodeCheck(o, &error).has_value();
    else if (type == u"repair")
        decoded = resultjson::decodeRepair(o, &error).has_value();
    else if (type == u"operation")
        decoded = resultjson::decodeOperationResult(o, &error).has_value();
    else if (type == u"explain")
        decoded = resultjson::decodeExplain(o, &error).has_value();
    else
        decoded = resultjson::decodeProgress(o, &error).has_value();
    QVERIFY2(!decoded, "a malformed document was accepted");
    QVERIFY2(error.startsWith(field + u':'), qPrintable(error));
}

QTEST_GUILESS_MAIN(TestResultJson)
#include "tst_resultjson.moc"
