// The connection editor: fields in and out, the loader's verdict shown on the field at fault,
// Test connection in the background (SQLite file, real PostgreSQL), and the keychain's failure
// path on a machine without a Secret Service.
//
// With TIDEMARK_SCREENSHOT_DIR set, saves connection-editor.png there (docs/screenshots).
#include "connectioneditor.h"
#include "passwordstore.h"
#include "testservers.h"

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include "../common/ciskip.h"

using namespace Qt::StringLiterals;
using namespace tidemark;

namespace {

ConnectionConfig pgConfig()
{
    ConnectionConfig c;
    c.name = u"pg"_s;
    c.driver = DriverKind::Postgres;
    c.host = u"127.0.0.1"_s;
    c.port = 5432;
    c.database = u"mirror"_s;
    c.user = u"tidemark"_s;
    c.passwordEnv = u"TIDEMARK_PG_PASSWORD"_s;
    c.options = u"sslmode=prefer"_s;
    return c;
}

template<typename T>
T *child(QWidget *parent, const char *name)
{
    T *w = parent->findChild<T *>(QString::fromLatin1(name));
    if (!w)
        qFatal("no child %s", name);
    return w;
}

} // namespace

class TestConnectionEditor : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void fieldsRoundTrip();
    void sqliteDisablesServerFields();
    void invalidFieldIsNamed_data();
    void invalidFieldIsNamed();
    void keychainChoiceFollowsTheBuild();
    void testSqliteInBackground();
    void testMissingFileShowsExactError();
    void testPostgresWithTypedPassword();
    void keychainFailureKeepsDialogOpenThenFallsBack();

private:
    QTemporaryDir m_dir;
    PasswordStore m_store;
};

void TestConnectionEditor::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_store.install();
    m_store.setKeychainTimeoutMs(5000);
    auto db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"setup"_s);
    db.setDatabaseName(m_dir.filePath(u"source.db"_s));
    QVERIFY(db.open());
    QVERIFY(QSqlQuery(db).exec(u"CREATE TABLE t (id INTEGER PRIMARY KEY)"_s));
    db.close();
    db = QSqlDatabase();
    QSqlDatabase::removeDatabase(u"setup"_s);
}

void TestConnectionEditor::fieldsRoundTrip()
{
    const ConnectionConfig pg = pgConfig();
    ConnectionEditor editor(pg, {u"pg"_s, u"src"_s}, m_dir.path(), &m_store);
    QCOMPARE(editor.connection(), pg);
    QCOMPARE(editor.passwordSource(), ConnectionEditor::PasswordSource::Environment);
    QVERIFY(editor.validate().isEmpty());
    QCOMPARE(child<QSpinBox>(&editor, "portSpin")->value(), 5432);
}

void TestConnectionEditor::sqliteDisablesServerFields()
{
    ConnectionConfig c;
    c.name = u"src"_s;
    c.driver = DriverKind::Sqlite;
    c.database = m_dir.filePath(u"source.db"_s);
    ConnectionEditor editor(c, {}, m_dir.path(), &m_store);
    // Shown relative to the project folder, as the file stores it; read back absolute.
    QCOMPARE(child<QLineEdit>(&editor, "databaseEdit")->text(), u"source.db"_s);
    QCOMPARE(editor.connection().database, c.database);
    QVERIFY(!child<QLineEdit>(&editor, "hostEdit")->isEnabled());
    QVERIFY(!child<QLineEdit>(&editor, "passwordEdit")->isEnabled());
    QVERIFY(child<QPushButton>(&editor, "browseButton")->isVisibleTo(&editor));
}

void TestConnectionEditor::invalidFieldIsNamed_data()
{
    QTest::addColumn<QString>("widget");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("expected");
    QTest::newRow("empty host") << u"hostEdit"_s << QString() << u"Host: must not be empty"_s;
    QTest::newRow("empty database") << u"databaseEdit"_s << QString()
                                    << u"Database: must not be empty"_s;
    QTest::newRow("password as variable name")
            << u"envNameEdit"_s << u"hunter2!"_s
            << u"Environment variable: must be the name of an environment variable"_s;
    QTest::newRow("no variable named") << u"envNameEdit"_s << QString()
                                       << u"Environment variable: name the environment"_s;
    QTest::newRow("password in options") << u"optionsEdit"_s << u"password=hunter2"_s
                                         << u"Options: must not hold a password"_s;
    QTest::newRow("name taken") << u"nameEdit"_s << u"src"_s
                                << u"Name: another connection of this project"_s;
    QTest::newRow("no name") << u"nameEdit"_s << QString() << u"Name: give the connection"_s;
}

void TestConnectionEditor::invalidFieldIsNamed()
{
    QFETCH(QString, widget);
    QFETCH(QString, value);
    QFETCH(QString, expected);
    ConnectionEditor editor(pgConfig(), {u"pg"_s, u"src"_s}, m_dir.path(), &m_store);
    editor.show();
    editor.findChild<QLineEdit *>(widget)->setText(value);
    QSignalSpy accepted(&editor, &QDialog::accepted);
    editor.accept();
    QCOMPARE(accepted.size(), 0);
    const QStringList problems = editor.validate();
    QVERIFY2(!problems.isEmpty() && problems.constFirst().startsWith(expected),
             qPrintable(problems.join(u" | "_s)));
    auto *error = child<QLabel>(&editor, "errorLabel");
    QVERIFY(error->isVisible());
    QVERIFY(error->text().startsWith(expected));
    // Never echoes what might be a password.
    if (value.contains(u"hunter2"_s))
        QVERIFY2(!error->text().contains(u"hunter2"_s), qPrintable(error->text()));
}

void TestConnectionEditor::keychainChoiceFollowsTheBuild()
{
    ConnectionEditor editor(pgConfig(), {}, m_dir.path(), &m_store);
    auto *keychain = child<QRadioButton>(&editor, "keychainRadio");
    QCOMPARE(keychain->isEnabled(), PasswordStore::keychainSupported());
    if (!PasswordStore::keychainSupported())
        QVERIFY(keychain->toolTip().contains(u"QtKeychain"_s));
}

void TestConnectionEditor::testSqliteInBackground()
{
    ConnectionConfig c;
    c.name = u"src"_s;
    c.driver = DriverKind::Sqlite;
    c.database = m_dir.filePath(u"source.db"_s);
    ConnectionEditor editor(c, {}, m_dir.path(), &m_store);
    QSignalSpy finished(&editor, &ConnectionEditor::testFinished);
    QTest::mouseClick(child<QPushButton>(&editor, "testButton"), Qt::LeftButton);
    // The click returned before the answer: the test runs off the GUI thread.
    QVERIFY(editor.isTesting());
    QVERIFY(!child<QPushButton>(&editor, "testButton")->isEnabled());
    QVERIFY(finished.wait(10000));
    QVERIFY(finished.constFirst().constFirst().value<ConnectionTestResult>().ok);
    QVERIFY2(editor.testResultText().startsWith(u"✔ Connected: SQLite 3."_s),
             qPrintable(editor.testResultText()));
    QVERIFY(child<QPushButton>(&editor, "testButton")->isEnabled());
}

void TestConnectionEditor::testMissingFileShowsExactError()
{
    ConnectionConfig c;
    c.name = u"src"_s;
    c.driver = DriverKind::Sqlite;
    c.database = m_dir.filePath(u"missing.db"_s);
    ConnectionEditor editor(c, {}, m_dir.path(), &m_store);
    QSignalSpy finished(&editor, &ConnectionEditor::testFinished);
    editor.startTest();
    QVERIFY(finished.wait(10000));
    QVERIFY2(editor.testResultText().contains(u"missing.db' does not exist"_s),
             qPrintable(editor.testResultText()));
}

void TestConnectionEditor::testPostgresWithTypedPassword()
{
    TIDEMARK_SERVER_OR_SKIP(DriverKind::Postgres, u"pg"_s, server);
    ConnectionConfig c = server;
    c.name = u"mirror_pg"_s;
    c.passwordEnv.clear();
    c.options = u"sslmode=prefer;application_name=tidemark"_s;
    const QString password = qEnvironmentVariable(server.passwordEnv.toUtf8().constData());
    ConnectionEditor editor(c, {u"src"_s}, m_dir.path(), &m_store);
    editor.show();
    QCOMPARE(editor.passwordSource(), ConnectionEditor::PasswordSource::Ask);
    child<QLineEdit>(&editor, "passwordEdit")->setText(password);
    QSignalSpy finished(&editor, &ConnectionEditor::testFinished);
    editor.startTest();
    QVERIFY(finished.wait(20000));
    const auto result = finished.constFirst().constFirst().value<ConnectionTestResult>();
    QVERIFY2(result.ok, qPrintable(result.error));
    QVERIFY2(editor.testResultText().contains(u"PostgreSQL"_s), qPrintable(editor.testResultText()));
    QVERIFY(result.tls != TlsState::NotApplicable);
    // Kept in memory for this session: the engine's connections will find it.
    QCOMPARE(m_store.remembered(c), std::optional(password));

    if (const QString dir = qEnvironmentVariable("TIDEMARK_SCREENSHOT_DIR"); !dir.isEmpty()) {
        child<QLineEdit>(&editor, "passwordEdit")->setText(u"correct horse"_s);
        editor.resize(editor.sizeHint().expandedTo(QSize(600, 0)));
        QTest::qWait(50);
        QVERIFY(editor.grab().save(QDir(dir).filePath(u"connection-editor.png"_s)));
    }
    m_store.forget(c);
}

void TestConnectionEditor::keychainFailureKeepsDialogOpenThenFallsBack()
{
    TIDEMARK_REQUIRED_OR_SKIP(PasswordStore::keychainSupported(), "built without QtKeychain");
    ConnectionConfig c = pgConfig();
    c.user = u"keychain-user"_s;
    ConnectionEditor editor(c, {}, m_dir.path(), &m_store);
    editor.show();
    child<QRadioButton>(&editor, "keychainRadio")->setChecked(true);
    child<QLineEdit>(&editor, "passwordEdit")->setText(u"kc-pass"_s);
    QSignalSpy accepted(&editor, &QDialog::accepted);
    QSignalSpy written(&m_store, &PasswordStore::keychainWritten);
    editor.accept();
    QVERIFY(written.wait(10000));
    if (written.constFirst().at(1).toBool())
        QSKIP("this machine has a working keychain");
    QCOMPARE(accepted.size(), 0);
    const QString error = child<QLabel>(&editor, "errorLabel")->text();
    QVERIFY2(error.contains(u"keychain could not store the password"_s), qPrintable(error));
    QVERIFY(error.contains(u"kept in memory"_s));
    QCOMPARE(m_store.remembered(editor.connection()), std::optional(u"kc-pass"_s));
    editor.accept(); // the user read it and keeps the in-memory password
    QCOMPARE(accepted.size(), 1);
    QVERIFY(editor.connection().passwordKeychain);
    m_store.forget(editor.connection());
}

QTEST_MAIN(TestConnectionEditor)
#include "tst_connectioneditor.moc"
