// The Drift tab (issue 11) on a fake engine: the segment map and its history, the list of
// differences with its filters, the side-by-side rows with the explain, Check now with
// progress and Cancel, repairs that show their statements before they run, export, and the
// Drift column of the mappings table.

#include "driftdiffmodel.h"
#include "driftsegmentmap.h"
#include "driftview.h"
#include "fakeengine.h"
#include "keyrangeedit.h"
#include "mainwindow.h"
#include "mappingsmodel.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTest>
#include <QToolButton>

#include <algorithm>

using namespace Qt::StringLiterals;
using namespace tidemark;
using tidemark::test::FakeEngine;
using tidemark::test::makeDriftResult;
using tidemark::test::makeKeyedStatus;
using tidemark::test::makeStatus;

namespace {

// Answers the confirmation and the file chooser at once, as an operator would.
class TestableDriftView : public DriftView
{
public:
    using DriftView::DriftView;
    bool confirm = true;
    QList<DriftRepairResult> previews;
    QString exportPath = u"/tmp/drift.html"_s;

protected:
    void confirmRepair(const DriftRepairResult &preview) override
    {
        previews << preview;
        if (confirm)
            runRepair(preview.options);
    }
    QString chooseExportPath(DriftExportFormat) override { return exportPath; }
};

// The Drift tab showing `mapping`, whose key the engine has reported (one integer column).
struct KeyedView
{
    explicit KeyedView(const QString &mapping = u"orders"_s)
    {
        view.setEngine(&engine);
        view.showMapping(makeKeyedStatus(mapping));
    }
    KeyRangeEdit *range() const { return view.keyRange(); }

    FakeEngine engine;
    TestableDriftView view;
};

int rowOfKey(const DriftView &view, int key)
{
    QAbstractItemModel *m = view.diffView()->model();
    for (int row = 0; row < m->rowCount(); ++row)
        if (m->index(row, DriftDiffModel::KeyColumn).data().toString() == QString::number(key))
            return row;
    return -1;
}

} // namespace

class TestDriftView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void checkNowShowsProgressThenTheResult();
    void segmentMapColoursAndSteps();
    void filtersByKindReasonAndKey();
    void sideBySideMarksChangedCellsAndExplains();
    void repairShowsStatementsBeforeRunning();
    void exportIsRequestedFromTheEngine();
    void driftColumnInTheMappingsTable();
    void driftColumnSaysCheckingWhileACheckRuns();
    void mainWindowHasADriftTab();
    void keyRangeBoundsCheckNow();
    void keyRangeErrorsNameTheFieldAndDisableCheckNow();
    void keyRangeOfACompositeKey();
};

void TestDriftView::checkNowShowsProgressThenTheResult()
{
    FakeEngine engine;
    TestableDriftView view;
    view.setEngine(&engine);
    view.showMapping(makeStatus(u"orders"_s));
    QVERIFY(view.checkButton()->isEnabled());
    QVERIFY(!view.repairAllButton()->isEnabled());   // nothing checked yet
    view.checkButton()->click();
    QCOMPARE(engine.driftChecks.size(), 1);
    QCOMPARE(engine.driftChecks.first().mapping, u"orders"_s);
    QVERIFY(!view.checkButton()->isEnabled());
    QVERIFY(!view.progressBar()->isHidden());

    engine.progressDrift(u"orders"_s, Progress{u"diff: comparing"_s, 100, 400});
    QCOMPARE(view.progressBar()->value(), 25);
    QVERIFY(view.progressBar()->format().contains(u"100 of 400"_s));
    view.cancelButton()->click();
    QCOMPARE(engine.driftCancels, QStringList{u"orders"_s});

    // Another mapping's result does not replace this one's.
    engine.finishCheck(99, makeDriftResult(u"items"_s));
    QCOMPARE(view.diffModel()->rowCount(), 0);

    engine.finishCheck(engine.driftChecks.first().id, makeDriftResult(u"orders"_s));
    QVERIFY(view.progressBar()->isHidden());
    QCOMPARE(view.diffModel()->rowCount(), 3);
    QVERIFY(view.summaryLabel()->text().contains(u"3 differences"_s));
    QVERIFY(view.repairAllButton()->isEnabled());
    QVERIFY(view.exportCsvButton()->isEnabled());
    QAbstractItemModelTester modelTester(view.diffModel());
    QAbstractItemModelTester filterTester(view.diffFilter());
}

void TestDriftView::segmentMapColoursAndSteps()
{
    FakeEngine engine;
    TestableDriftView view;
    view.resize(900, 600);
    view.setEngine(&engine);
    // Before any check: grey, and the history says so.
    view.showMapping(makeStatus(u"orders"_s));
    QVERIFY(!view.segmentMap()->checked());
    QCOMPARE(view.historyLabel()->text(), u"Not checked yet"_s);

    engine.finishCheck(0, makeDriftResult(u"orders"_s));
    DriftSegmentMap *map = view.segmentMap();
    QCOMPARE(map->summary().segments.size(), 4);
    QVERIFY(map->segmentText(0).contains(u"equal"_s));
    QVERIFY(map->segmentText(1).contains(u"different"_s));
    QVERIFY(map->segmentText(1).contains(u"100"_s));   // the key range and counts
    // Equal rows, equal widths; every segment can be hovered.
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    for (int i = 0; i < 4; ++i)
        QCOMPARE(map->segmentAt(map->segmentRect(i).center()), i);
    QVERIFY(qAbs(map->segmentRect(0).width() - map->segmentRect(3).width()) <= 1);

    // Step to the older check (equal everywhere) and back.
    QVERIFY(view.historyLabel()->text().startsWith(u"Check 1 of 2"_s));
    QVERIFY(view.olderButton()->isEnabled());
    QVERIFY(!view.newerButton()->isEnabled());
    view.olderButton()->click();
    QCOMPARE(view.historyIndex(), 1);
    QVERIFY(map->segmentText(1).contains(u"equal"_s));
    QVERIFY(view.historyLabel()->text().contains(u"equal"_s));
    view.newerButton()->click();
    QCOMPARE(view.historyIndex(), 0);

    // Clicking a segment lists only its keys.
    QTest::mouseClick(map, Qt::LeftButton, {}, map->segmentRect(0).center());
    QCOMPARE(view.diffView()->model()->rowCount(), 0);   // keys 0..100: no differences
    QTest::mouseClick(map, Qt::LeftButton, {}, map->segmentRect(1).center());
    QCOMPARE(view.diffView()->model()->rowCount(), 3);
}

void TestDriftView::filtersByKindReasonAndKey()
{
    FakeEngine engine;
    TestableDriftView view;
    view.setEngine(&engine);
    view.showMapping(makeStatus(u"orders"_s));
    engine.finishCheck(0, makeDriftResult(u"orders"_s));
    QAbstractItemModel *shown = view.diffView()->model();
    QCOMPARE(shown->rowCount(), 3);
    view.kindFilter()->setCurrentIndex(view.kindFilter()->findText(u"extra"_s));
    QCOMPARE(shown->rowCount(), 1);
    QCOMPARE(shown->index(0, DriftDiffModel::KeyColumn).data().toString(), u"199"_s);
    view.kindFilter()->setCurrentIndex(0);
    view.reasonFilter()->setCurrentIndex(view.reasonFilter()->findText(u"drift"_s));
    QCOMPARE(shown->rowCount(), 1);
    QCOMPARE(shown->index(0, DriftDiffModel::KindColumn).data().toString(), u"changed"_s);
    view.reasonFilter()->setCurrentIndex(0);
    view.keySearch()->setText(u"12"_s);
    QCOMPARE(shown->rowCount(), 1);
    QCOMPARE(shown->index(0, DriftDiffModel::KeyColumn).data().toString(), u"120"_s);
    view.keySearch()->clear();
    QCOMPARE(shown->rowCount(), 3);
}

void TestDriftView::sideBySideMarksChangedCellsAndExplains()
{
    FakeEngine engine;
    TestableDriftView view;
    view.setEngine(&engine);
    view.showMapping(makeStatus(u"orders"_s));
    engine.finishCheck(0, makeDriftResult(u"orders"_s));
    const int row = rowOfKey(view, 150);
    QVERIFY(row >= 0);
    view.diffView()->selectRow(row);
    QTableWidget *side = view.sideBySide();
    QCOMPARE(side->rowCount(), 3);
    QCOMPARE(side->item(2, 0)->text(), u"total"_s);
    QCOMPARE(side->item(2, 1)->text(), u"10.50"_s);
    QCOMPARE(side->item(2, 2)->text(), u"10.49"_s);
    QVERIFY(side->item(2, 2)->font().bold());
    QVERIFY(!side->item(1, 2)->font().bold());   // name is equal on both sides
    QCOMPARE(engine.driftExplains.size(), 1 + (row == 0 ? 0 : 1));   // the first row was selected
    QCOMPARE(engine.driftExplains.last().key, QVariantList{150});

    DriftExplainResult e;
    e.mapping = u"orders"_s;
    e.result = u"ok"_s;
    e.explanation.key = {150};
    e.explanation.kind = DiffKind::Changed;
    e.explanation.reason = DiffReason::Drift;
    e.explanation.position = u"behind the checkpoint"_s;
    e.explanation.verdict = u"nothing scheduled will fix it: repair"_s;
    // An answer for an older selection is ignored.
    engine.finishExplain(engine.driftExplains.last().id + 100, e);
    QVERIFY(!view.explainLabel()->text().contains(u"behind"_s));
    engine.finishExplain(engine.driftExplains.last().id, e);
    QVERIFY(view.explainLabel()->text().contains(u"behind the checkpoint"_s));
    QVERIFY(view.explainLabel()->text().contains(u"repair"_s));

    // A missing row: the mirror side says there is none.
    view.diffView()->selectRow(rowOfKey(view, 120));
    QCOMPARE(side->item(0, 2)->text(), u"(no row)"_s);
}

void TestDriftView::repairShowsStatementsBeforeRunning()
{
    FakeEngine engine;
    TestableDriftView view;
    view.setEngine(&engine);
    view.showMapping(makeStatus(u"orders"_s));
    engine.finishCheck(0, makeDriftResult(u"orders"_s));
    view.diffView()->selectRow(rowOfKey(view, 150));
    QVERIFY(view.repairSelectedButton()->isEnabled());
    view.repairSelectedButton()->click();
    QCOMPARE(engine.driftRepairs.size(), 1);
    QVERIFY(!engine.driftRepairs.first().options.execute);   // a dry run first
    QCOMPARE(engine.driftRepairs.first().options.keys, (QList<QVariantList>{{150}}));

    DriftRepairResult preview;
    preview.mapping = u"orders"_s;
    preview.result = u"ok"_s;
    preview.options = engine.driftRepairs.first().options;
    preview.differences = 1;
    preview.statements = {u"UPDATE \"orders\" SET \"total\" = '10.50' WHERE \"id\" = 150;"_s};
    view.confirm = false;
    engine.finishRepair(engine.driftRepairs.first().id, preview);
    QCOMPARE(view.previews.size(), 1);
    QCOMPARE(view.previews.first().statements, preview.statements);
    QCOMPARE(engine.driftRepairs.size(), 1);   // not confirmed: nothing runs

    view.confirm = true;
    view.repairAllButton()->click();
    QCOMPARE(engine.driftRepairs.size(), 2);
    QVERIFY(engine.driftRepairs.at(1).options.keys.isEmpty());
    preview.options = engine.driftRepairs.at(1).options;
    preview.differences = 3;
    engine.finishRepair(engine.driftRepairs.at(1).id, preview);
    QCOMPARE(engine.driftRepairs.size(), 3);
    QVERIFY(engine.driftRepairs.at(2).options.execute);
    QVERIFY(engine.driftRepairs.at(2).options.keys.isEmpty());

    DriftRepairResult done = preview;
    done.options = engine.driftRepairs.at(2).options;
    done.counts.updated = 1;
    done.counts.inserted = 1;
    done.counts.deleted = 1;
    engine.finishRepair(engine.driftRepairs.at(2).id, done);
    QVERIFY(view.messageLabel()->text().contains(u"1 deleted, 1 updated, 1 inserted"_s));

    // A refused dry run is offered again with force.
    view.repairAllButton()->click();
    DriftRepairResult refused;
    refused.mapping = u"orders"_s;
    refused.result = u"refused"_s;
    refused.error = u"would delete 80% of the mirror table"_s;
    refused.options = engine.driftRepairs.last().options;
    engine.finishRepair(engine.driftRepairs.last().id, refused);
    QVERIFY(engine.driftRepairs.last().options.execute);
    QVERIFY(engine.driftRepairs.last().options.force);
}

void TestDriftView::exportIsRequestedFromTheEngine()
{
    FakeEngine engine;
    TestableDriftView view;
    view.setEngine(&engine);
    view.showMapping(makeStatus(u"orders"_s));
    engine.finishCheck(0, makeDriftResult(u"orders"_s));
    view.exportHtmlButton()->click();
    QCOMPARE(engine.driftExports.size(), 1);
    QCOMPARE(engine.driftExports.first().format, DriftExportFormat::Html);
    QCOMPARE(engine.driftExports.first().path, view.exportPath);
    DriftExportResult r;
    r.mapping = u"orders"_s;
    r.path = view.exportPath;
    engine.finishExport(engine.driftExports.first().id, r);
    QVERIFY(view.messageLabel()->text().contains(view.exportPath));
    view.exportPath = u"/tmp/drift.csv"_s;
    view.exportCsvButton()->click();
    QCOMPARE(engine.driftExports.last().format, DriftExportFormat::Csv);
}

void TestDriftView::driftColumnInTheMappingsTable()
{
    MappingsModel model;
    QAbstractItemModelTester tester(&model);
    MappingStatus unchecked = makeStatus(u"a"_s);
    MappingStatus drifted = makeStatus(u"b"_s);
    drifted.drift = makeDriftResult(u"b"_s).summary;
    drifted.drift->checkedAt = QDateTime::currentDateTimeUtc().addSecs(-120);
    MappingStatus equal = makeStatus(u"c"_s);
    DriftSummary clean;
    clean.checkedAt = QDateTime::currentDateTimeUtc().addSecs(-30);
    clean.sourceRows = clean.mirrorRows = 10;
    equal.drift = clean;
    model.setMappings({unchecked, drifted, equal});
    const int col = MappingsModel::DriftColumn;
    QCOMPARE(model.headerData(col, Qt::Horizontal).toString(), u"Drift"_s);
    QCOMPARE(model.index(0, col).data().toString(), MappingsModel::unknownText());
    const QString text = model.index(1, col).data().toString();
    QVERIFY2(text.startsWith(u"3 differences (1 drift)"_s), qPrintable(text));
    QVERIFY2(text.contains(u"ago"_s), qPrintable(text));
    QVERIFY(model.index(2, col).data().toString().startsWith(u"equal"_s));
    // Red for drift, green for equal: different colours.
    QVERIFY(model.index(1, col).data(Qt::BackgroundRole).isValid());
    QVERIFY(model.index(1, col).data(Qt::BackgroundRole)
            != model.index(2, col).data(Qt::BackgroundRole));
    QVERIFY(!model.index(0, col).data(Qt::BackgroundRole).isValid());
    QVERIFY(model.index(1, col).data(Qt::ToolTipRole).toString().contains(u"drift"_s));
    // Sorting by differences puts the unmeasured first and the drifted last.
    QVERIFY(model.index(0, col).data(MappingsModel::SortRole).toLongLong()
            < model.index(1, col).data(MappingsModel::SortRole).toLongLong());
}

void TestDriftView::mainWindowHasADriftTab()
{
    FakeEngine engine;
    MainWindow window(&engine);
    MappingStatus s = makeStatus(u"orders"_s);
    s.drift = makeDriftResult(u"orders"_s).summary;
    engine.publish({s});
    window.selectMapping(u"orders"_s);
    QTabWidget *tabs = window.detailTabs();
    QVERIFY(tabs);
    QCOMPARE(tabs->tabText(1), u"Drift"_s);
    QCOMPARE(window.driftView()->mapping(), u"orders"_s);
    // The status probe's latest check shows before any check in this session.
    QVERIFY(window.driftView()->segmentMap()->checked());
    QVERIFY(window.driftView()->summaryLabel()->text().contains(u"Check now to list them"_s));
    tabs->setCurrentIndex(1);
    window.driftView()->checkButton()->click();
    QCOMPARE(engine.driftChecks.size(), 1);
}

void TestDriftView::driftColumnSaysCheckingWhileACheckRuns()
{
    FakeEngine engine;
    MainWindow window(&engine);
    MappingStatus s = makeStatus(u"orders"_s);
    s.drift = makeDriftResult(u"orders"_s).summary;
    engine.publish({s, makeStatus(u"items"_s)});
    MappingsModel *model = window.mappingsModel();
    QAbstractItemModelTester tester(model);
    const auto cell = [&](const QString &name) -> QString {
        return model->index(model->rowOf(name), MappingsModel::DriftColumn).data().toString();
    };
    QVERIFY(cell(u"orders"_s).startsWith(u"3 differences"_s));
    QSignalSpy changed(model, &QAbstractItemModel::dataChanged);

    // A check runs (scheduled or not, the facade reports its progress): no total known yet,
    // then a percentage. The other mapping's cell is left alone.
    engine.progressDrift(u"orders"_s, Progress{u"diff: comparing"_s, 0, -1});
    QCOMPARE(cell(u"orders"_s), u"checking…"_s);
    QVERIFY(std::any_of(changed.cbegin(), changed.cend(), [&](const QList<QVariant> &args) {
        const auto index = args.at(0).value<QModelIndex>();
        return index.row() == model->rowOf(u"orders"_s)
                && index.column() == MappingsModel::DriftColumn;
    }));
    engine.progressDrift(u"orders"_s, Progress{u"diff: comparing"_s, 100, 400});
    QCOMPARE(cell(u"orders"_s), u"checking… 25%"_s);
    QCOMPARE(cell(u"items"_s), MappingsModel::unknownText());
    // Snapshots meanwhile do not wipe it.
    engine.publish({s, makeStatus(u"items"_s)});
    QCOMPARE(cell(u"orders"_s), u"checking… 25%"_s);

    // It finishes: the counts again, from the new snapshot.
    DriftCheckResult done = makeDriftResult(u"orders"_s);
    done.summary.missing = done.summary.extra = done.summary.changed = done.summary.driftRows = 0;
    s.drift = done.summary;
    engine.publish({s, makeStatus(u"items"_s)});
    engine.finishCheck(0, done);
    QVERIFY2(cell(u"orders"_s).startsWith(u"equal"_s), qPrintable(cell(u"orders"_s)));

    // A cancelled or failed check ends it too; a repair says so.
    engine.progressDrift(u"orders"_s, Progress{u"repair"_s, 5, 10});
    QCOMPARE(cell(u"orders"_s), u"repairing… 50%"_s);
    DriftRepairResult repaired;
    repaired.mapping = u"orders"_s;
    repaired.result = u"ok"_s;
    engine.finishRepair(7, repaired);
    QVERIFY(cell(u"orders"_s).startsWith(u"equal"_s));
    engine.progressDrift(u"orders"_s, Progress{u"diff: comparing"_s, 1, 4});
    DriftCheckResult cancelled;
    cancelled.mapping = u"orders"_s;
    cancelled.result = u"cancelled"_s;
    engine.finishCheck(8, cancelled);
    QVERIFY(cell(u"orders"_s).startsWith(u"equal"_s));
}

void TestDriftView::keyRangeBoundsCheckNow()
{
    KeyedView t;
    FakeEngine &engine = t.engine;
    TestableDriftView &view = t.view;
    KeyRangeEdit *range = t.range();
    // The placeholders say how to write a key and what empty means.
    QVERIFY(range->fromField()->placeholderText().contains(u"comma-separated"_s));
    QVERIFY(range->fromField()->placeholderText().contains(u"JSON array"_s));
    QVERIFY(range->fromField()->placeholderText().contains(u"empty"_s));
    QVERIFY(range->toField()->placeholderText().contains(u"empty"_s));

    // Empty: every row.
    view.checkButton()->click();
    QCOMPARE(engine.driftChecks.size(), 1);
    QVERIFY(engine.driftChecks.last().options.keyFrom.isEmpty());
    QVERIFY(engine.driftChecks.last().options.keyTo.isEmpty());
    engine.finishCheck(engine.driftChecks.last().id, makeDriftResult(u"orders"_s));

    // Both ends, read in the key column's type; a JSON array reads the same.
    QTest::keyClicks(range->fromField(), u"100"_s);
    QTest::keyClicks(range->toField(), u"[200]"_s);
    QVERIFY(range->isValid());
    QVERIFY(range->errorLabel()->isHidden());
    view.checkButton()->click();
    QCOMPARE(engine.driftChecks.size(), 2);
    QCOMPARE(engine.driftChecks.last().options.keyFrom, QVariantList{qlonglong(100)});
    QCOMPARE(engine.driftChecks.last().options.keyTo, QVariantList{qlonglong(200)});
    QVERIFY2(view.messageLabel()->text().contains(u"keys 100 to 200"_s),
             qPrintable(view.messageLabel()->text()));

    // The result says which part it covered.
    DriftCheckResult partial = makeDriftResult(u"orders"_s);
    partial.summary.keyFrom = QVariantList{100};
    partial.summary.keyTo = QVariantList{200};
    partial.history.first() = partial.summary;
    engine.finishCheck(engine.driftChecks.last().id, partial);
    QVERIFY2(view.summaryLabel()->text().contains(u"keys 100 to 200"_s),
             qPrintable(view.summaryLabel()->text()));

    // An open end.
    range->toField()->clear();
    view.checkButton()->click();
    QCOMPARE(engine.driftChecks.last().options.keyFrom, QVariantList{qlonglong(100)});
    QVERIFY(engine.driftChecks.last().options.keyTo.isEmpty());
    engine.finishCheck(engine.driftChecks.last().id, makeDriftResult(u"orders"_s));

    // Another mapping, another key: the range starts empty again.
    view.showMapping(makeKeyedStatus(u"items"_s));
    QVERIFY(range->fromField()->text().isEmpty());
    QVERIFY(range->isEmpty());
}

void TestDriftView::keyRangeErrorsNameTheFieldAndDisableCheckNow()
{
    KeyedView t;
    FakeEngine &engine = t.engine;
    TestableDriftView &view = t.view;
    KeyRangeEdit *range = t.range();
    QVERIFY(view.checkButton()->isEnabled());

    QTest::keyClicks(range->fromField(), u"abc"_s);
    QVERIFY(!range->isValid());
    QVERIFY(!view.checkButton()->isEnabled());
    QVERIFY(!range->errorLabel()->isHidden());
    const QString error = range->errorLabel()->text();
    QVERIFY2(error.startsWith(u"From: "_s), qPrintable(error));
    QVERIFY2(error.contains(u"'id'"_s) && error.contains(u"'abc' is not an integer"_s),
             qPrintable(error));
    // The To field has a problem of its own: both are named.
    QTest::keyClicks(range->toField(), u"[1, 2]"_s);
    QVERIFY2(range->errorLabel()->text().contains(u"To: "_s), qPrintable(range->errorLabel()->text()));
    QVERIFY(range->errorLabel()->text().contains(u"gives 2 value(s)"_s));

    // Mapping > Check for drift gets past the disabled button: it says why nothing runs.
    view.checkNow();
    QVERIFY(engine.driftChecks.isEmpty());
    QVERIFY2(view.messageLabel()->text().contains(u"key range"_s),
             qPrintable(view.messageLabel()->text()));

    // Fixed: the error goes, Check now comes back.
    range->fromField()->setText(u"5"_s);
    range->toField()->setText(u"9"_s);
    QVERIFY(range->isValid());
    QVERIFY(range->errorLabel()->isHidden());
    QVERIFY(view.checkButton()->isEnabled());

    // Before the mapping connected the engine has not told its key: a range cannot be read
    // yet, and the error says so.
    view.showMapping(makeStatus(u"items"_s));
    QTest::keyClicks(range->fromField(), u"5"_s);
    QVERIFY(!view.checkButton()->isEnabled());
    QVERIFY2(range->errorLabel()->text().contains(u"not known yet"_s),
             qPrintable(range->errorLabel()->text()));
    // Once it has, the same text reads.
    view.showMapping(makeKeyedStatus(u"items"_s));
    QVERIFY(range->isValid());
    QVERIFY(view.checkButton()->isEnabled());
}

void TestDriftView::keyRangeOfACompositeKey()
{
    KeyRangeEdit range;
    range.setKey(u"order lines"_s, {ColumnInfo{u"order_id"_s, u"INTEGER"_s, ValueClass::Integer},
                                     ColumnInfo{u"region"_s, u"TEXT"_s, ValueClass::Text}});
    range.fromField()->setText(u"7, eu"_s);
    range.toField()->setText(u"[9, \"a,b\"]"_s);
    QVERIFY2(range.isValid(), qPrintable(range.error()));
    QCOMPARE(range.keyFrom(), (QVariantList{qlonglong(7), u"eu"_s}));
    QCOMPARE(range.keyTo(), (QVariantList{qlonglong(9), u"a,b"_s}));
    // Filled back from values, as an operator could type them again.
    range.setRange(range.keyTo(), {});
    QCOMPARE(range.fromField()->text(), u"[9,\"a,b\"]"_s);
    QVERIFY(range.isValid());
    QCOMPARE(range.keyFrom(), (QVariantList{qlonglong(9), u"a,b"_s}));
    range.fromField()->setText(u"7"_s);
    QVERIFY(!range.isValid());
    QVERIFY2(range.error().contains(u"has 2 column(s)"_s), qPrintable(range.error()));
}

QTEST_MAIN(TestDriftView)
#include "tst_driftview.moc"
