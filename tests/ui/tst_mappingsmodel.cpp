// MappingsModel: snapshots diffed into row-level signals, values shown as an operator reads them.

#include "fakeengine.h"
#include "mappingsmodel.h"

#include <QAbstractItemModelTester>
#include <QBrush>
#include <QLocale>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace tidemark;
using tidemark::test::makeStatus;

class TestMappingsModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void modelTesterAcrossSnapshots();
    void changingOneBacklogSignalsOnlyThatRow();
    void unchangedSnapshotSignalsNothing();
    void appearingAndGoingMappingsInsertAndRemove();
    void displayedValues_data();
    void displayedValues();
    void numbersAreRightAligned();
    void headersExplainEachColumn();
    void rowsInTroubleStandOutAndSayWhy();
    void mappingNameRoleOnEveryColumn();
    void warningsMarkTheName();
    void sortRoleKeepsNumbersNumeric();

private:
    static QString display(const MappingsModel &model, int row, int column)
    {
        return model.index(row, column).data(Qt::DisplayRole).toString();
    }
};

void TestMappingsModel::modelTesterAcrossSnapshots()
{
    MappingsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);

    model.setMappings({makeStatus(u"a"_s), makeStatus(u"b"_s), makeStatus(u"c"_s)});
    QCOMPARE(model.rowCount(), 3);

    QList<MappingStatus> changed = model.mappings();
    changed[1].backlog = 42;
    changed[2].state = MappingState::Error;
    changed[2].lastError = u"connection refused"_s;
    model.setMappings(changed);
    QCOMPARE(model.rowCount(), 3);

    // Remove the middle one, add two around the rest.
    model.setMappings({makeStatus(u"d"_s), changed[0], changed[2], makeStatus(u"e"_s)});
    QCOMPARE(model.rowCount(), 4);

    // Remove two non-adjacent rows at once.
    model.setMappings({changed[0], makeStatus(u"e"_s)});
    QCOMPARE(model.rowCount(), 2);

    model.setMappings({});
    QCOMPARE(model.rowCount(), 0);

    model.setMappings({makeStatus(u"x"_s)});
    model.clear();
    QCOMPARE(model.rowCount(), 0);
}

void TestMappingsModel::changingOneBacklogSignalsOnlyThatRow()
{
    MappingsModel model;
    QList<MappingStatus> snapshot{makeStatus(u"orders"_s, 0), makeStatus(u"customers"_s, 5),
                                  makeStatus(u"items"_s, 7)};
    model.setMappings(snapshot);

    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);

    snapshot[1].backlog = 500;
    model.setMappings(snapshot);

    QCOMPARE(reset.count(), 0);
    QCOMPARE(inserted.count(), 0);
    QCOMPARE(removed.count(), 0);
    QCOMPARE(changed.count(), 1);
    const auto topLeft = changed.at(0).at(0).value<QModelIndex>();
    const auto bottomRight = changed.at(0).at(1).value<QModelIndex>();
    const int row = model.rowOf(u"customers"_s);
    QCOMPARE(topLeft.row(), row);
    QCOMPARE(bottomRight.row(), row);
    QVERIFY(topLeft.column() <= MappingsModel::BacklogColumn);
    QVERIFY(bottomRight.column() >= MappingsModel::BacklogColumn);
    QCOMPARE(display(model, row, MappingsModel::BacklogColumn), QLocale().toString(500));
}

void TestMappingsModel::unchangedSnapshotSignalsNothing()
{
    MappingsModel model;
    const QList<MappingStatus> snapshot{makeStatus(u"a"_s), makeStatus(u"b"_s)};
    model.setMappings(snapshot);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    model.setMappings(snapshot);
    QCOMPARE(changed.count(), 0);
    QCOMPARE(reset.count(), 0);
}

void TestMappingsModel::appearingAndGoingMappingsInsertAndRemove()
{
    MappingsModel model;
    model.setMappings({makeStatus(u"a"_s), makeStatus(u"b"_s), makeStatus(u"c"_s)});

    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);

    model.setMappings({makeStatus(u"a"_s), makeStatus(u"c"_s), makeStatus(u"d"_s)});
    QCOMPARE(reset.count(), 0);
    QCOMPARE(removed.count(), 1);
    QCOMPARE(removed.at(0).at(1).toInt(), 1);   // "b" was row 1
    QCOMPARE(removed.at(0).at(2).toInt(), 1);
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(inserted.at(0).at(1).toInt(), 2);  // "d" appended after "a", "c"
    QCOMPARE(model.rowOf(u"a"_s), 0);
    QCOMPARE(model.rowOf(u"c"_s), 1);
    QCOMPARE(model.rowOf(u"d"_s), 2);
    QCOMPARE(model.rowOf(u"b"_s), -1);
}

void TestMappingsModel::displayedValues_data()
{
    QTest::addColumn<MappingStatus>("status");
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("expected");

    const QString unknown = u"—"_s;
    MappingStatus s = makeStatus(u"orders"_s, 1234);
    s.source = u"src:orders"_s;
    s.mirror = u"pg:orders"_s;
    s.orphans = 3;
    s.nullCursorRows = 2;
    s.rowsPerSecond = 1500;
    s.lastRun = RunRecord{};
    s.lastError = u"first line\nsecond line"_s;

    QTest::newRow("name") << s << int(MappingsModel::NameColumn) << u"orders"_s;
    QTest::newRow("route") << s << int(MappingsModel::RouteColumn) << u"src:orders → pg:orders"_s;
    QTest::newRow("backlog") << s << int(MappingsModel::BacklogColumn)
                             << QLocale().toString(1234);
    QTest::newRow("orphans") << s << int(MappingsModel::OrphansColumn) << QLocale().toString(3);
    QTest::newRow("null cursor") << s << int(MappingsModel::NullCursorColumn)
                                 << QLocale().toString(2);
    QTest::newRow("rows/s") << s << int(MappingsModel::RowsPerSecondColumn)
                            << QLocale().toString(1500.0, 'f', 0);
    QTest::newRow("error shows its first line") << s << int(MappingsModel::LastErrorColumn)
                                                << u"first line"_s;
    QTest::newRow("idle") << s << int(MappingsModel::StateColumn) << u"Idle"_s;

    MappingStatus unknownStatus = makeStatus(u"fresh"_s, -1);
    unknownStatus.orphans.reset();
    unknownStatus.hasCursor = false;
    QTest::newRow("backlog unknown") << unknownStatus << int(MappingsModel::BacklogColumn)
                                     << unknown;
    QTest::newRow("orphans unknown") << unknownStatus << int(MappingsModel::OrphansColumn)
                                     << unknown;
    QTest::newRow("null cursor without cursor") << unknownStatus
                                                << int(MappingsModel::NullCursorColumn) << unknown;
    QTest::newRow("never synced") << unknownStatus << int(MappingsModel::LastSyncColumn)
                                  << unknown;
    QTest::newRow("no run yet, no rate") << unknownStatus
                                         << int(MappingsModel::RowsPerSecondColumn) << unknown;
    MappingStatus quiet = makeStatus(u"quiet"_s);
    quiet.lastRun = RunRecord{};
    QTest::newRow("ran, wrote nothing") << quiet << int(MappingsModel::RowsPerSecondColumn)
                                        << QLocale().toString(0.0, 'f', 0);
    QTest::newRow("no error") << unknownStatus << int(MappingsModel::LastErrorColumn) << QString();

    MappingStatus synced = makeStatus(u"synced"_s);
    synced.lastSyncAt = QDateTime(QDate::currentDate(), QTime(10, 15, 2));
    QTest::newRow("synced today shows the time") << synced << int(MappingsModel::LastSyncColumn)
                                                 << u"10:15:02"_s;

    MappingStatus running = makeStatus(u"running"_s, 10, MappingState::Running);
    running.operation = u"backfill"_s;
    running.progress.rowsDone = 250;
    running.progress.rowsTotal = 1000;
    QTest::newRow("running with progress") << running << int(MappingsModel::StateColumn)
                                           << u"Running: backfill 25%"_s;

    QTest::newRow("waiting") << makeStatus(u"w"_s, 1, MappingState::Waiting)
                             << int(MappingsModel::StateColumn) << u"Waiting"_s;
    QTest::newRow("error") << makeStatus(u"e"_s, 1, MappingState::Error)
                           << int(MappingsModel::StateColumn) << u"Error"_s;
    QTest::newRow("paused") << makeStatus(u"p"_s, 1, MappingState::Paused)
                            << int(MappingsModel::StateColumn) << u"Paused"_s;
}

void TestMappingsModel::displayedValues()
{
    QFETCH(MappingStatus, status);
    QFETCH(int, column);
    QFETCH(QString, expected);

    MappingsModel model;
    model.setMappings({status});
    QCOMPARE(display(model, 0, column), expected);
}

void TestMappingsModel::numbersAreRightAligned()
{
    MappingsModel model;
    model.setMappings({makeStatus(u"a"_s, 10)});
    for (int column : {MappingsModel::BacklogColumn, MappingsModel::OrphansColumn,
                       MappingsModel::NullCursorColumn, MappingsModel::RowsPerSecondColumn}) {
        const auto alignment = Qt::Alignment(model.index(0, column).data(Qt::TextAlignmentRole).toInt());
        QVERIFY2(alignment & Qt::AlignRight, qPrintable(QString::number(column)));
    }
    const auto nameAlignment =
            Qt::Alignment(model.index(0, MappingsModel::NameColumn).data(Qt::TextAlignmentRole).toInt());
    QVERIFY(!(nameAlignment & Qt::AlignRight));
}

void TestMappingsModel::headersExplainEachColumn()
{
    MappingsModel model;
    for (int column = 0; column < model.columnCount(); ++column) {
        QVERIFY(!model.headerData(column, Qt::Horizontal).toString().isEmpty());
        QVERIFY2(model.headerData(column, Qt::Horizontal, Qt::ToolTipRole).toString().size() > 20,
                 qPrintable(model.headerData(column, Qt::Horizontal).toString()));
    }
    QCOMPARE(model.headerData(MappingsModel::BacklogColumn, Qt::Horizontal).toString(),
             u"Backlog"_s);
    QCOMPARE(model.headerData(MappingsModel::BacklogColumn, Qt::Horizontal, Qt::ToolTipRole)
                     .toString(),
             u"Source rows past the checkpoint: what the next sync must write."_s);
    QCOMPARE(model.headerData(MappingsModel::RouteColumn, Qt::Horizontal).toString(),
             u"Source → Mirror"_s);
}

void TestMappingsModel::rowsInTroubleStandOutAndSayWhy()
{
    MappingsModel model;
    MappingStatus broken = makeStatus(u"broken"_s, 5, MappingState::Error);
    broken.lastError = u"no such table: orders"_s;
    model.setMappings({makeStatus(u"fine"_s), broken,
                       makeStatus(u"unreachable"_s, 1, MappingState::Waiting)});

    const QModelIndex fine = model.index(0, MappingsModel::BacklogColumn);
    QVERIFY(!fine.data(Qt::BackgroundRole).isValid());
    QCOMPARE(fine.data(MappingsModel::InTroubleRole).toBool(), false);

    for (int row : {1, 2}) {
        for (int column = 0; column < model.columnCount(); ++column) {
            const QModelIndex index = model.index(row, column);
            QVERIFY(index.data(Qt::BackgroundRole).value<QBrush>().style() != Qt::NoBrush);
            QVERIFY(index.data(Qt::ForegroundRole).isValid());
            QVERIFY(index.data(MappingsModel::InTroubleRole).toBool());
        }
    }
    // Not colour alone: the text says it, and the error is one hover away.
    QCOMPARE(display(model, 1, MappingsModel::StateColumn), u"Error"_s);
    QVERIFY(model.index(1, MappingsModel::StateColumn).data(Qt::ToolTipRole).toString()
                    .contains(u"no such table: orders"_s));
    QCOMPARE(display(model, 2, MappingsModel::StateColumn), u"Waiting"_s);

    // A state change repaints the whole row (its colours change).
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QList<MappingStatus> next = model.mappings();
    next[1].state = MappingState::Idle;
    model.setMappings(next);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(changed.at(0).at(0).value<QModelIndex>().column(), 0);
    QCOMPARE(changed.at(0).at(1).value<QModelIndex>().column(), model.columnCount() - 1);
}

void TestMappingsModel::mappingNameRoleOnEveryColumn()
{
    MappingsModel model;
    model.setMappings({makeStatus(u"orders"_s), makeStatus(u"items"_s)});
    for (int column = 0; column < model.columnCount(); ++column)
        QCOMPARE(model.index(1, column).data(MappingsModel::MappingNameRole).toString(),
                 u"items"_s);
    QVERIFY(model.roleNames().value(MappingsModel::MappingNameRole) == "mappingName");
}

void TestMappingsModel::warningsMarkTheName()
{
    MappingsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    MappingStatus warned = makeStatus(u"orders"_s);
    warned.warnings = {u"source table 'orders' has no index whose first column is cursor "
                       u"column 'updated_at'"_s,
                       u"nothing in src moves cursor column 'updated_at'"_s};
    model.setMappings({warned, makeStatus(u"items"_s)});

    const QModelIndex name = model.index(0, MappingsModel::NameColumn);
    QVERIFY(name.data(Qt::DecorationRole).isValid());
    const QString tip = name.data(Qt::ToolTipRole).toString();
    QVERIFY2(tip.contains(u"Warnings:\n• source table 'orders' has no index"_s), qPrintable(tip));
    QVERIFY2(tip.contains(u"\n• nothing in src moves"_s), qPrintable(tip));
    // A warning is no trouble: no colour, and the State still says what the mapping does.
    QVERIFY(!model.index(0, MappingsModel::StateColumn).data(Qt::BackgroundRole).isValid());
    QVERIFY(!model.index(1, MappingsModel::NameColumn).data(Qt::DecorationRole).isValid());

    // Warnings that go repaint the name.
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    warned.warnings.clear();
    model.setMappings({warned, makeStatus(u"items"_s)});
    QCOMPARE(changed.count(), 1);
    QCOMPARE(changed.at(0).at(0).value<QModelIndex>().column(), int(MappingsModel::NameColumn));
    QVERIFY(!name.data(Qt::DecorationRole).isValid());
}

void TestMappingsModel::sortRoleKeepsNumbersNumeric()
{
    MappingsModel model;
    model.setMappings({makeStatus(u"a"_s, 9), makeStatus(u"b"_s, 10), makeStatus(u"c"_s, -1)});
    const auto backlog = [&](int row) {
        return model.index(row, MappingsModel::BacklogColumn).data(MappingsModel::SortRole)
                .toLongLong();
    };
    QVERIFY(backlog(0) < backlog(1));   // 9 < 10, not "10" < "9"
    QCOMPARE(backlog(2), -1);           // unknown sorts before every measured value
}

QTEST_MAIN(TestMappingsModel)
#include "tst_mappingsmodel.moc"
