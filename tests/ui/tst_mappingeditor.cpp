// The mapping editor on a real SQLite catalog: tables listed, columns shown, the primary key
// and a cursor suggested, and a mapping the loader would reject refused with the field named.
//
// With TIDEMARK_SCREENSHOT_DIR set, saves mapping-editor.png there (docs/screenshots).
#include "catalogcolumnsmodel.h"
#include "mappingeditor.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace tidemark;

class TestMappingEditor : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void newMappingSuggestsKeyAndCursor();
    void rejectedMappingNamesTheField_data();
    void rejectedMappingNamesTheField();
    void existingMappingKeepsItsChoices();
    void unreadableCatalogSaysWhy();

private:
    void chooseTable(MappingEditor &editor, const QString &table);

    QTemporaryDir m_dir;
    Project m_project;
};

void TestMappingEditor::initTestCase()
{
    QVERIFY(m_dir.isValid());
    const QString source = m_dir.filePath(u"source.db"_s);
    {
        auto db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"setup"_s);
        db.setDatabaseName(source);
        QVERIFY(db.open());
        QSqlQuery q(db);
        for (const QString &sql :
             {u"CREATE TABLE orders (id INTEGER PRIMARY KEY, customer TEXT NOT NULL, total "
              "NUMERIC, status TEXT, created_at TEXT NOT NULL, updated_at TEXT)"_s,
              u"CREATE TABLE \"order lines\" (order_id INTEGER NOT NULL, line_no INTEGER NOT "
              "NULL, sku TEXT, qty INTEGER, version INTEGER NOT NULL, PRIMARY KEY (order_id, "
              "line_no))"_s,
              u"CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)"_s,
              u"CREATE TABLE audit (at TEXT, what TEXT)"_s})
            QVERIFY2(q.exec(sql), qPrintable(q.lastError().text()));
        db.close();
    }
    QSqlDatabase::removeDatabase(u"setup"_s);

    m_project.filePath = m_dir.filePath(u"tidemark.json"_s);
    m_project.folder = m_dir.path();
    ConnectionConfig src;
    src.name = u"src"_s;
    src.database = source;
    ConnectionConfig mirror;
    mirror.name = u"mirror"_s;
    mirror.database = m_dir.filePath(u"mirror.db"_s);
    m_project.connections.insert(src.name, src);
    m_project.connections.insert(mirror.name, mirror);
    MappingConfig existing;
    existing.name = u"customers"_s;
    existing.source = {u"src"_s, u"customers"_s};
    existing.mirror = {u"mirror"_s, u"customers_copy"_s};
    existing.columns = {u"id"_s};
    m_project.mappings.append(existing);
}

void TestMappingEditor::chooseTable(MappingEditor &editor, const QString &table)
{
    auto *combo = editor.findChild<QComboBox *>(u"sourceTableCombo"_s);
    QSignalSpy loaded(&editor, &MappingEditor::tableLoaded);
    combo->setEditText(table);
    Q_EMIT combo->lineEdit()->editingFinished();
    QVERIFY(loaded.wait(10000));
}

void TestMappingEditor::newMappingSuggestsKeyAndCursor()
{
    MappingEditor editor(m_project, -1);
    QAbstractItemModelTester tester(editor.columnsModel(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy tables(&editor, &MappingEditor::tablesLoaded);
    QVERIFY(tables.wait(10000));
    auto *combo = editor.findChild<QComboBox *>(u"sourceTableCombo"_s);
    QStringList listed;
    for (int i = 0; i < combo->count(); ++i)
        listed << combo->itemText(i);
    QCOMPARE(listed, (QStringList{u"audit"_s, u"customers"_s, u"order lines"_s, u"orders"_s}));

    editor.findChild<QLineEdit *>(u"nameEdit"_s)->setText(u"orders"_s);
    chooseTable(editor, u"orders"_s);
    CatalogColumnsModel *model = editor.columnsModel();
    QCOMPARE(model->rowCount(), 6);
    QCOMPARE(model->keyColumns(), QStringList{u"id"_s});
    QVERIFY(model->allCopied());
    QCOMPARE(editor.findChild<QComboBox *>(u"cursorCombo"_s)->currentText(), u"updated_at"_s);
    QVERIFY(editor.findChild<QLabel *>(u"cursorHint"_s)->text().startsWith(u"Suggested"_s));
    QCOMPARE(editor.findChild<QLineEdit *>(u"mirrorTableEdit"_s)->text(), u"orders"_s);

    const MappingConfig m = editor.mapping();
    QCOMPARE(m.source, (TableRef{u"src"_s, u"orders"_s}));
    QCOMPARE(m.mirror, (TableRef{u"mirror"_s, u"orders"_s}));
    QVERIFY(m.key.isEmpty());     // the primary key: left to the default
    QVERIFY(m.columns.isEmpty()); // every column
    QCOMPARE(m.cursorColumn, u"updated_at"_s);
    QVERIFY2(editor.validate().isEmpty(), qPrintable(editor.validate().join(u'\n')));

    // Leaving a column out writes the list; the key stays in it.
    model->setCopied(u"status"_s, false);
    QCOMPARE(editor.mapping().columns,
             (QStringList{u"id"_s, u"customer"_s, u"total"_s, u"created_at"_s, u"updated_at"_s}));
    // The view cannot untick a key column's Copy box: the mirror needs the key.
    QVERIFY(!(model->flags(model->index(0, CatalogColumnsModel::CopyColumn))
              & Qt::ItemIsUserCheckable));

    // A composite key, suggested from the primary key, cursor from a version column.
    chooseTable(editor, u"order lines"_s);
    QCOMPARE(model->keyColumns(), (QStringList{u"order_id"_s, u"line_no"_s}));
    QCOMPARE(editor.findChild<QComboBox *>(u"cursorCombo"_s)->currentText(), u"version"_s);
    // The mirror name followed the source table: the user had not typed one.
    QCOMPARE(editor.findChild<QLineEdit *>(u"mirrorTableEdit"_s)->text(), u"order lines"_s);

    if (const QString dir = qEnvironmentVariable("TIDEMARK_SCREENSHOT_DIR"); !dir.isEmpty()) {
        chooseTable(editor, u"orders"_s);
        model->setCopied(u"status"_s, false);
        editor.show();
        QTest::qWait(50);
        QVERIFY(editor.grab().save(QDir(dir).filePath(u"mapping-editor.png"_s)));
    }
}

void TestMappingEditor::rejectedMappingNamesTheField_data()
{
    QTest::addColumn<QString>("change");
    QTest::addColumn<QString>("expected");
    QTest::newRow("cursor not copied") << u"uncopy-cursor"_s << u"Cursor: cursor column"_s;
    QTest::newRow("no key") << u"no-key"_s << u"Columns: tick the Key column(s)"_s;
    QTest::newRow("duplicate name") << u"dup-name"_s << u"Name: duplicate mapping name"_s;
    QTest::newRow("onto itself") << u"self"_s << u"Mirror table: would mirror a table onto itself"_s;
    QTest::newRow("shared mirror") << u"shared"_s << u"Mirror table: table 'customers_copy'"_s;
    QTest::newRow("no name") << u"no-name"_s << u"Name: "_s;
}

void TestMappingEditor::rejectedMappingNamesTheField()
{
    QFETCH(QString, change);
    QFETCH(QString, expected);
    MappingEditor editor(m_project, -1);
    editor.show();
    editor.findChild<QLineEdit *>(u"nameEdit"_s)->setText(u"orders"_s);
    chooseTable(editor, u"orders"_s);
    if (change == u"uncopy-cursor"_s) {
        editor.columnsModel()->setCopied(u"updated_at"_s, false);
    } else if (change == u"no-key"_s) {
        editor.columnsModel()->setKey(u"id"_s, false);
    } else if (change == u"dup-name"_s) {
        editor.findChild<QLineEdit *>(u"nameEdit"_s)->setText(u"customers"_s);
    } else if (change == u"self"_s) {
        auto *mirror = editor.findChild<QComboBox *>(u"mirrorConnectionCombo"_s);
        mirror->setCurrentIndex(mirror->findData(u"src"_s));
    } else if (change == u"shared"_s) {
        editor.findChild<QLineEdit *>(u"mirrorTableEdit"_s)->setText(u"customers_copy"_s);
    } else if (change == u"no-name"_s) {
        editor.findChild<QLineEdit *>(u"nameEdit"_s)->clear();
    }
    QSignalSpy accepted(&editor, &QDialog::accepted);
    editor.accept();
    QCOMPARE(accepted.size(), 0);
    const QString shown = editor.findChild<QLabel *>(u"errorLabel"_s)->text();
    QVERIFY2(shown.startsWith(expected), qPrintable(shown));
}

void TestMappingEditor::existingMappingKeepsItsChoices()
{
    MappingEditor editor(m_project, 0);
    QSignalSpy loaded(&editor, &MappingEditor::tableLoaded);
    QVERIFY(loaded.wait(10000));
    QCOMPARE(editor.columnsModel()->copiedColumns(), QStringList{u"id"_s});
    QCOMPARE(editor.findChild<QLineEdit *>(u"mirrorTableEdit"_s)->text(), u"customers_copy"_s);
    QCOMPARE(editor.mapping(), m_project.mappings.constFirst());
    QVERIFY(editor.validate().isEmpty());
}

void TestMappingEditor::unreadableCatalogSaysWhy()
{
    Project broken = m_project;
    broken.connections[u"src"_s].database = m_dir.filePath(u"gone.db"_s);
    MappingEditor editor(broken, -1);
    QSignalSpy tables(&editor, &MappingEditor::tablesLoaded);
    QVERIFY(tables.wait(10000));
    QVERIFY2(editor.catalogStatus().contains(u"gone.db' does not exist"_s),
             qPrintable(editor.catalogStatus()));
}

QTEST_MAIN(TestMappingEditor)
#include "tst_mappingeditor.moc"
