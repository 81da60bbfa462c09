// The File menu's project entries and the project editor: entries installed after Open, save
// (validated, atomic, then reopened), recent projects in QSettings, connection rename and
// removal, and the promise that a password typed in the connection editor is never written to
// the project file, the settings or the log.
#include "connectioneditor.h"
#include "log/logging.h"
#include "log/ringbuffersink.h"
#include "passwordstore.h"
#include "project/projectloader.h"
#include "projecteditor.h"
#include "projecteditoractions.h"
#include "recentprojects.h"

#include <QAction>
#include <QApplication>
#include <QFile>
#include <QLineEdit>
#include <QMainWindow>
#include <QMenuBar>
#include <QRadioButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "../common/ciskip.h"

using namespace Qt::StringLiterals;
using namespace tidemark;

namespace {

const QString Secret = u"Pw-7f3e-never-on-disk"_s;

// Stands in for MainWindow: a File menu holding Open and Quit.
struct Window
{
    Window()
    {
        auto *file = window.menuBar()->addMenu(u"&File"_s);
        file->setObjectName(u"fileMenu"_s);
        auto *open = file->addAction(u"Open"_s);
        open->setObjectName(u"openAction"_s);
        file->addSeparator();
        file->addAction(u"Quit"_s)->setObjectName(u"quitAction"_s);
    }
    QMainWindow window;
};

} // namespace

class TestProjectEditor : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void entriesFollowOpen();
    void saveValidatesWritesAndReopens();
    void invalidProjectIsNotSaved();
    void renameCarriesMappingsAndRemovalIsRefused();
    void passwordNeverReachesFileSettingsOrLog_data();
    void passwordNeverReachesFileSettingsOrLog();

private:
    Project sampleProject() const;

    QTemporaryDir m_dir;
    QTemporaryDir m_config;
};

void TestProjectEditor::initTestCase()
{
    QVERIFY(m_dir.isValid() && m_config.isValid());
    // The settings go to a folder of this test's own, read back below.
    qputenv("XDG_CONFIG_HOME", m_config.path().toUtf8());
    QCoreApplication::setOrganizationName(u"TidemarkTest"_s);
    QCoreApplication::setApplicationName(u"tst_projecteditor"_s);
    LogOptions log;
    log.toFile = false;
    initLogging(log);
    QFile(m_dir.filePath(u"source.db"_s)).open(QIODevice::WriteOnly);
}

Project TestProjectEditor::sampleProject() const
{
    Project p;
    p.folder = m_dir.path();
    p.filePath = m_dir.filePath(u"tidemark.json"_s);
    ConnectionConfig src;
    src.name = u"src"_s;
    src.database = m_dir.filePath(u"source.db"_s);
    ConnectionConfig pg;
    pg.name = u"pg"_s;
    pg.driver = DriverKind::Postgres;
    pg.host = u"127.0.0.1"_s;
    pg.database = u"mirror"_s;
    pg.user = u"tidemark"_s;
    p.connections.insert(src.name, src);
    p.connections.insert(pg.name, pg);
    MappingConfig m;
    m.name = u"orders"_s;
    m.source = {u"src"_s, u"orders"_s};
    m.mirror = {u"pg"_s, u"orders"_s};
    m.cursorColumn = u"updated_at"_s;
    p.mappings.append(m);
    return p;
}

void TestProjectEditor::entriesFollowOpen()
{
    Window w;
    PasswordStore store;
    ProjectEditorActions actions(&w.window, &store);
    const QList<QAction *> file = w.window.findChild<QMenu *>(u"fileMenu"_s)->actions();
    QStringList names;
    for (QAction *a : file)
        names << (a->menu() ? a->menu()->objectName() : a->objectName());
    QCOMPARE(names.mid(0, 7), (QStringList{u"openAction"_s, u"recentProjectsMenu"_s, QString(),
                                           u"newProjectAction"_s, u"editProjectAction"_s,
                                           u"saveProjectAction"_s, u"saveProjectAsAction"_s}));
    QVERIFY(names.contains(u"quitAction"_s));
    QVERIFY(!actions.editAction()->isEnabled());
    QVERIFY(!actions.saveAction()->isEnabled());
}

void TestProjectEditor::saveValidatesWritesAndReopens()
{
    Window w;
    PasswordStore store;
    ProjectEditorActions actions(&w.window, &store);
    RecentProjects::clear();
    Project p = sampleProject();
    actions.setProject(p);
    QCOMPARE(RecentProjects::paths(), QStringList()); // not written yet: not offered
    QVERIFY(actions.editAction()->isEnabled());
    QVERIFY(!actions.saveAction()->isEnabled());

    p.mappings[0].batchRows = 250;
    actions.applyEdit(p);
    QVERIFY(actions.isModified());
    QVERIFY(actions.saveAction()->isEnabled());

    QSignalSpy reopen(&actions, &ProjectEditorActions::openProjectRequested);
    const QString path = m_dir.filePath(u"saved.json"_s);
    QCOMPARE(actions.saveTo(path), QStringList());
    QCOMPARE(reopen.size(), 1);
    QCOMPARE(reopen.constFirst().constFirst().toString(), path);
    QVERIFY(!actions.isModified());
    const ProjectLoadResult loaded = ProjectLoader::loadFile(path);
    QVERIFY(loaded.ok());
    QCOMPARE(loaded.project->mappings.constFirst().batchRows, 250);
    // Relative to the project, as SPEC shows it.
    QVERIFY(ProjectLoader::toJson(*loaded.project).contains("\"database\": \"source.db\""));
    QCOMPARE(RecentProjects::paths().value(0), path);
    QVERIFY(QSettings().value(u"recentProjects"_s).toStringList().contains(path));
}

void TestProjectEditor::invalidProjectIsNotSaved()
{
    Window w;
    PasswordStore store;
    ProjectEditorActions actions(&w.window, &store);
    Project p = sampleProject();
    actions.setProject(p);
    p.mappings[0].mirror = p.mappings[0].source; // onto itself
    actions.applyEdit(p);
    QSignalSpy reopen(&actions, &ProjectEditorActions::openProjectRequested);
    const QString path = m_dir.filePath(u"bad.json"_s);
    const QStringList problems = actions.saveTo(path);
    QCOMPARE(problems.size(), 1);
    QVERIFY2(problems.constFirst().contains(u"mappings[0].mirror: would mirror a table onto itself"_s),
             qPrintable(problems.constFirst()));
    QVERIFY(!QFile::exists(path));
    QCOMPARE(reopen.size(), 0);
}

void TestProjectEditor::renameCarriesMappingsAndRemovalIsRefused()
{
    PasswordStore store;
    ProjectEditor editor(sampleProject(), &store);
    QVERIFY(!editor.removeConnection(u"pg"_s)); // the mapping writes to it
    QVERIFY(editor.validate().isEmpty());

    ConnectionEditor *sub = editor.editConnection(u"pg"_s);
    sub->findChild<QLineEdit *>(u"nameEdit"_s)->setText(u"warehouse"_s);
    sub->accept();
    QVERIFY(editor.project().connections.contains(u"warehouse"_s));
    QVERIFY(!editor.project().connections.contains(u"pg"_s));
    QCOMPARE(editor.project().mappings.constFirst().mirror.connection, u"warehouse"_s);

    editor.removeMapping(0);
    QVERIFY(editor.removeConnection(u"warehouse"_s));
    // A project without mappings does not load: the editor will not accept it.
    QSignalSpy accepted(&editor, &QDialog::accepted);
    editor.accept();
    QCOMPARE(accepted.size(), 0);
}

void TestProjectEditor::passwordNeverReachesFileSettingsOrLog_data()
{
    QTest::addColumn<QString>("source");
    QTest::newRow("asked, in memory") << u"askRadio"_s;
    QTest::newRow("keychain (or its fallback)") << u"keychainRadio"_s;
}

void TestProjectEditor::passwordNeverReachesFileSettingsOrLog()
{
    QFETCH(QString, source);
    Window w;
    PasswordStore store;
    store.setKeychainTimeoutMs(5000);
    ProjectEditorActions actions(&w.window, &store);
    actions.setProject(sampleProject());
    const quint64 logBefore = logRingBuffer()->lastSequence();

    ProjectEditor editor(*actions.project(), &store);
    ConnectionEditor *sub = editor.editConnection(u"pg"_s);
    auto *radio = sub->findChild<QRadioButton *>(source);
    TIDEMARK_REQUIRED_OR_SKIP(radio->isEnabled(), "built without QtKeychain");
    radio->setChecked(true);
    sub->findChild<QLineEdit *>(u"passwordEdit"_s)->setText(Secret);
    QSignalSpy closed(sub, &QDialog::finished);
    sub->accept();
    if (closed.isEmpty()) // the keychain write is under way, or failed and was shown
        QTRY_VERIFY_WITH_TIMEOUT(!sub->isTesting(), 10000);
    if (closed.isEmpty()) {
        QTest::qWait(50);
        sub->accept(); // keep the in-memory password after a keychain failure
    }
    QTRY_COMPARE_WITH_TIMEOUT(closed.size(), 1, 10000);
    QCOMPARE(store.remembered(editor.project().connection(u"pg"_s)), std::optional(Secret));
    actions.applyEdit(editor.project());
    const QString path = m_dir.filePath(u"with-password.json"_s);
    QCOMPARE(actions.saveTo(path), QStringList());
    QSettings().sync();

    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray json = file.readAll();
    QVERIFY(!json.contains(Secret.toUtf8()));
    QVERIFY(!json.contains("\"password\""));
    if (source == u"keychainRadio"_s)
        QVERIFY(json.contains("\"password_keychain\": true"));
    QFile settings(QSettings().fileName());
    QVERIFY2(settings.open(QIODevice::ReadOnly), qPrintable(QSettings().fileName()));
    QVERIFY(!settings.readAll().contains(Secret.toUtf8()));
    for (const LogEntry &e : logRingBuffer()->entriesSince(logBefore))
        QVERIFY2(!e.message.contains(Secret), qPrintable(e.message));
}

QTEST_MAIN(TestProjectEditor)
#include "tst_projecteditor.moc"
