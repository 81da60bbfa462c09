#include "connectioneditor.h"

#include "formfields.h"
#include "formproblems.h"
#include "passwordstore.h"
#include "project/projectloader.h"

#include <QButtonGroup>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace tidemark {

namespace {

constexpr int DefaultPostgresPort = 5432;
constexpr int DefaultMariaDbPort = 3306;

const QString OkStyle = u"color: #1e7b34;"_s;

// The database field shows a SQLite file inside the project folder relative to it, as the
// project file stores it.
QString displayedDatabase(const ConnectionConfig &c, const QString &folder)
{
    if (c.driver != DriverKind::Sqlite || folder.isEmpty() || c.database.isEmpty())
        return c.database;
    const QString prefix = QDir::cleanPath(folder) + u'/';
    return c.database.startsWith(prefix) ? QDir(folder).relativeFilePath(c.database) : c.database;
}

} // namespace

ConnectionEditor::ConnectionEditor(const ConnectionConfig &connection,
                                   const QStringList &takenNames, const QString &projectFolder,
                                   PasswordStore *store, QWidget *parent)
    : QDialog(parent)
    , m_original(connection)
    , m_takenNames(takenNames)
    , m_projectFolder(projectFolder)
    , m_store(store)
    , m_test(new ConnectionTest(this))
{
    setObjectName(u"connectionEditor"_s);
    setWindowTitle(connection.name.isEmpty() ? tr("New connection")
                                             : tr("Connection %1").arg(connection.name));
    m_takenNames.removeAll(connection.name);
    buildForm();

    m_name->setText(connection.name);
    m_driver->setCurrentIndex(m_driver->findData(int(connection.driver)));
    m_host->setText(connection.host);
    m_port->setValue(connection.port);
    m_database->setText(displayedDatabase(connection, projectFolder));
    m_user->setText(connection.user);
    m_envName->setText(connection.passwordEnv);
    if (connection.passwordKeychain && PasswordStore::keychainSupported())
        m_keychainRadio->setChecked(true);
    else if (!connection.passwordEnv.isEmpty() || connection.name.isEmpty())
        m_envRadio->setChecked(true);
    else
        m_askRadio->setChecked(true);
    m_options->setText(connection.options);
    m_connectTimeout->setValue(connection.connectTimeoutS);
    m_statementTimeout->setValue(connection.statementTimeoutS);

    updateForDriver();
    updateForPasswordSource();

    connect(m_driver, &QComboBox::currentIndexChanged, this, &ConnectionEditor::updateForDriver);
    connect(m_sourceGroup, &QButtonGroup::idToggled, this,
            &ConnectionEditor::updateForPasswordSource);
    connect(m_envName, &QLineEdit::textChanged, this, &ConnectionEditor::updateEnvironmentHint);
    connect(m_browse, &QPushButton::clicked, this, &ConnectionEditor::browseForDatabase);
    connect(m_testButton, &QPushButton::clicked, this, &ConnectionEditor::startTest);
    connect(m_test, &ConnectionTest::finished, this, &ConnectionEditor::handleTestFinished);
    connect(m_store, &PasswordStore::keychainRead, this, &ConnectionEditor::handleKeychainRead);
    connect(m_store, &PasswordStore::keychainWritten, this,
            &ConnectionEditor::handleKeychainWritten);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &ConnectionEditor::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &ConnectionEditor::reject);
}

ConnectionEditor::~ConnectionEditor() = default;

void ConnectionEditor::buildForm()
{
    auto *layout = new QVBoxLayout(this);

    auto *general = new QFormLayout;
    m_name = namedField(new QLineEdit(this), u"nameEdit"_s, tr("Connection name"),
                        tr("The name mappings use to refer to this connection"));
    general->addRow(tr("&Name:"), m_name);
    m_driver = namedField(new QComboBox(this), u"driverCombo"_s, tr("Driver"));
    m_driver->addItem(u"SQLite"_s, int(DriverKind::Sqlite));
    m_driver->addItem(u"PostgreSQL"_s, int(DriverKind::Postgres));
    m_driver->addItem(u"MariaDB / MySQL"_s, int(DriverKind::MariaDb));
    general->addRow(tr("&Driver:"), m_driver);
    layout->addLayout(general);

    auto *serverBox = new QGroupBox(tr("Database"), this);
    auto *server = new QFormLayout(serverBox);
    m_host = namedField(new QLineEdit(this), u"hostEdit"_s, tr("Host"));
    m_host->setPlaceholderText(u"127.0.0.1"_s);
    server->addRow(tr("&Host:"), m_host);
    m_port = newSpinBox(this, u"portSpin"_s, tr("Port"), 0, 65535, QString());
    server->addRow(tr("&Port:"), m_port);
    m_database = new QLineEdit(this);
    m_database->setObjectName(u"databaseEdit"_s);
    m_browse = namedField(new QPushButton(tr("&Browse…"), this), u"browseButton"_s,
                          tr("Choose the SQLite file"));
    auto *databaseRow = new QHBoxLayout;
    databaseRow->addWidget(m_database, 1);
    databaseRow->addWidget(m_browse);
    m_databaseLabel = new QLabel(tr("Data&base:"), this);
    m_databaseLabel->setBuddy(m_database);
    server->addRow(m_databaseLabel, databaseRow);
    m_user = namedField(new QLineEdit(this), u"userEdit"_s, tr("User"));
    server->addRow(tr("&User:"), m_user);
    layout->addWidget(serverBox);

    auto *passwordBox = new QGroupBox(tr("Password"), this);
    passwordBox->setObjectName(u"passwordBox"_s);
    auto *password = new QFormLayout(passwordBox);
    m_sourceGroup = new QButtonGroup(this);
    m_envRadio = new QRadioButton(tr("From an &environment variable"), this);
    m_envRadio->setObjectName(u"envRadio"_s);
    m_keychainRadio = new QRadioButton(tr("Stored in the system &keychain"), this);
    m_keychainRadio->setObjectName(u"keychainRadio"_s);
    m_askRadio =
            new QRadioButton(tr("&Asked for when the project opens (kept in memory only)"), this);
    m_askRadio->setObjectName(u"askRadio"_s);
    m_sourceGroup->addButton(m_envRadio, int(PasswordSource::Environment));
    m_sourceGroup->addButton(m_keychainRadio, int(PasswordSource::Keychain));
    m_sourceGroup->addButton(m_askRadio, int(PasswordSource::Ask));
    if (!PasswordStore::keychainSupported()) {
        m_keychainRadio->setEnabled(false);
        m_keychainRadio->setToolTip(PasswordStore::keychainUnsupportedReason());
    } else {
        m_keychainRadio->setToolTip(
                tr("The password is kept by the operating system (Secret Service, Keychain, "
                   "Credential Manager); the project file only says \"password_keychain\": true"));
    }
    password->addRow(m_envRadio);
    m_envName = namedField(new QLineEdit(this), u"envNameEdit"_s, tr("Environment variable"),
                           tr("The name of the variable, never the password itself"));
    m_envName->setPlaceholderText(u"TIDEMARK_PG_PASSWORD"_s);
    password->addRow(tr("&Variable:"), m_envName);
    m_envHint = new QLabel(this);
    m_envHint->setObjectName(u"envHint"_s);
    m_envHint->setWordWrap(true);
    password->addRow(QString(), m_envHint);
    password->addRow(m_keychainRadio);
    password->addRow(m_askRadio);
    m_password = namedField(new QLineEdit(this), u"passwordEdit"_s, tr("Password"));
    m_password->setEchoMode(QLineEdit::Password);
    password->addRow(tr("Pass&word:"), m_password);
    m_passwordHint = new QLabel(this);
    m_passwordHint->setObjectName(u"passwordHint"_s);
    m_passwordHint->setWordWrap(true);
    password->addRow(QString(), m_passwordHint);
    layout->addWidget(passwordBox);
    m_serverOnly = {m_host, m_port, m_user, passwordBox};

    auto *advancedBox = new QGroupBox(tr("Options and timeouts"), this);
    auto *advanced = new QFormLayout(advancedBox);
    m_options = namedField(new QLineEdit(this), u"optionsEdit"_s, tr("Driver options"),
                           tr("The Qt SQL driver's connect options, \"key=value;key=value\". "
                              "Never a password: use the password choices above."));
    m_options->setPlaceholderText(u"sslmode=require;application_name=tidemark"_s);
    advanced->addRow(tr("&Options:"), m_options);
    m_connectTimeout = newSpinBox(this, u"connectTimeoutSpin"_s, tr("Connect timeout in seconds"),
                                  1, 600, tr(" s"),
                                  tr("How long connecting may take before the attempt counts as "
                                     "failed and is retried on schedule"));
    advanced->addRow(tr("&Connect timeout:"), m_connectTimeout);
    m_statementTimeout = newSpinBox(
            this, u"statementTimeoutSpin"_s, tr("Statement timeout in seconds"), 1, 86400, tr(" s"),
            tr("How long one statement may run before the server cancels it, so one hung query "
               "cannot hold a mapping"));
    advanced->addRow(tr("&Statement timeout:"), m_statementTimeout);
    layout->addWidget(advancedBox);
    m_serverOnly << m_connectTimeout << m_statementTimeout;

    auto *testRow = new QHBoxLayout;
    m_testButton = new QPushButton(tr("&Test connection"), this);
    m_testButton->setObjectName(u"testButton"_s);
    m_testButton->setToolTip(tr("Connect with these settings (in the background) and show the "
                                "server's version and whether the link is encrypted"));
    testRow->addWidget(m_testButton);
    testRow->addStretch(1);
    layout->addLayout(testRow);
    m_testResult = namedField(new QLabel(this), u"testResult"_s, tr("Test result"));
    m_testResult->setWordWrap(true);
    m_testResult->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_testResult);

    m_error = newProblemLabel(this);
    m_error->setAccessibleName(tr("Problem"));
    layout->addWidget(m_error);

    layout->addStretch(1);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->setObjectName(u"buttons"_s);
    layout->addWidget(m_buttons);
    setMinimumWidth(560);
}

ConnectionConfig ConnectionEditor::connection() const
{
    ConnectionConfig c = m_original; // keeps what the dialog does not show
    c.name = m_name->text().trimmed();
    c.driver = DriverKind(m_driver->currentData().toInt());
    c.options = m_options->text().trimmed();
    const QString database = m_database->text().trimmed();
    if (c.driver == DriverKind::Sqlite) {
        c.database = database.isEmpty() || m_projectFolder.isEmpty()
                ? database
                : QDir::cleanPath(QDir(m_projectFolder).absoluteFilePath(database));
        c.host.clear();
        c.port = 0;
        c.user.clear();
        c.passwordEnv.clear();
        c.passwordKeychain = false;
        c.connectTimeoutS = ConnectionConfig().connectTimeoutS;
        c.statementTimeoutS = ConnectionConfig().statementTimeoutS;
        return c;
    }
    c.database = database;
    c.host = m_host->text().trimmed();
    c.port = m_port->value();
    c.user = m_user->text().trimmed();
    const PasswordSource source = passwordSource();
    c.passwordEnv = source == PasswordSource::Environment ? m_envName->text().trimmed() : QString();
    c.passwordKeychain = source == PasswordSource::Keychain;
    c.connectTimeoutS = m_connectTimeout->value();
    c.statementTimeoutS = m_statementTimeout->value();
    return c;
}

ConnectionEditor::PasswordSource ConnectionEditor::passwordSource() const
{
    return PasswordSource(m_sourceGroup->checkedId());
}

void ConnectionEditor::updateForDriver()
{
    const auto driver = DriverKind(m_driver->currentData().toInt());
    const bool sqlite = driver == DriverKind::Sqlite;
    for (QWidget *w : std::as_const(m_serverOnly))
        w->setEnabled(!sqlite);
    if (!sqlite && !PasswordStore::keychainSupported())
        m_keychainRadio->setEnabled(false);
    m_browse->setVisible(sqlite);
    m_databaseLabel->setText(sqlite ? tr("&File:") : tr("Data&base:"));
    m_database->setAccessibleName(sqlite ? tr("SQLite file") : tr("Database name"));
    m_database->setPlaceholderText(sqlite ? tr("data/source.db (relative to the project file)")
                                          : u"mirror"_s);
    m_port->setSpecialValueText(driver == DriverKind::Postgres
                                        ? tr("default (%1)").arg(DefaultPostgresPort)
                                        : (driver == DriverKind::MariaDb
                                                   ? tr("default (%1)").arg(DefaultMariaDbPort)
                                                   : u"—"_s));
    updateForPasswordSource();
}

void ConnectionEditor::updateForPasswordSource()
{
    const PasswordSource source = passwordSource();
    const bool sqlite = DriverKind(m_driver->currentData().toInt()) == DriverKind::Sqlite;
    m_envName->setEnabled(!sqlite && source == PasswordSource::Environment);
    m_password->setEnabled(!sqlite && source != PasswordSource::Environment);
    switch (source) {
    case PasswordSource::Environment:
        m_password->clear();
        m_password->setPlaceholderText(QString());
        m_passwordHint->setText(QString());
        break;
    case PasswordSource::Keychain:
        m_password->setPlaceholderText(tr("enter to store it; empty keeps the stored one"));
        m_passwordHint->setText(tr("Stored in the system keychain when you press OK. The project "
                                   "file only records that the keychain holds it."));
        break;
    case PasswordSource::Ask:
        m_password->setPlaceholderText(tr("optional: for Test connection and this session"));
        m_passwordHint->setText(tr("Kept in memory until Tidemark quits; you are asked again "
                                   "next time the project opens."));
        break;
    }
    m_passwordHint->setVisible(!m_passwordHint->text().isEmpty());
    updateEnvironmentHint();
}

void ConnectionEditor::updateEnvironmentHint()
{
    const QString name = m_envName->text().trimmed();
    if (passwordSource() != PasswordSource::Environment || name.isEmpty()) {
        m_envHint->clear();
        m_envHint->hide();
        return;
    }
    m_envHint->show();
    if (qEnvironmentVariableIsSet(name.toUtf8().constData())) {
        m_envHint->setText(tr("%1 is set in Tidemark's environment.").arg(name));
        m_envHint->setStyleSheet(OkStyle);
    } else {
        m_envHint->setText(tr("%1 is not set in Tidemark's environment: you will be asked for the "
                              "password when the project opens.")
                                   .arg(name));
        m_envHint->setStyleSheet(QString());
    }
}

ConnectionEditor::Field ConnectionEditor::field(const QString &jsonField, DriverKind driver) const
{
    const QList<Field> fields{
            {u"name"_s, tr("Name"), m_name},
            {u"driver"_s, tr("Driver"), m_driver},
            {u"host"_s, tr("Host"), m_host},
            {u"port"_s, tr("Port"), m_port},
            {u"database"_s, driver == DriverKind::Sqlite ? tr("File") : tr("Database"), m_database},
            {u"user"_s, tr("User"), m_user},
            {u"password_env"_s, tr("Environment variable"), m_envName},
            {u"password_keychain"_s, tr("Password"), m_keychainRadio},
            {u"options"_s, tr("Options"), m_options},
            {u"connect_timeout_s"_s, tr("Connect timeout"), m_connectTimeout},
            {u"statement_timeout_s"_s, tr("Statement timeout"), m_statementTimeout},
    };
    for (const Field &f : fields) {
        if (f.json == jsonField)
            return f;
    }
    return {jsonField, jsonField, m_name}; // a field the dialog does not show: name it as is
}

QStringList ConnectionEditor::validate()
{
    const ConnectionConfig c = connection();
    FormProblems problems;
    const auto add = [&](const QString &jsonField, const QString &message) {
        const Field f = field(jsonField, c.driver);
        problems.add(f.label, f.widget, message);
    };
    if (c.name.isEmpty())
        add(u"name"_s, tr("give the connection a name; mappings refer to it by this name"));
    else if (m_takenNames.contains(c.name))
        add(u"name"_s, tr("another connection of this project is already called '%1'").arg(c.name));
    if (c.driver != DriverKind::Sqlite && passwordSource() == PasswordSource::Environment
        && c.passwordEnv.isEmpty())
        add(u"password_env"_s,
            tr("name the environment variable that holds the password, or "
               "choose another way to give it"));
    if (!c.name.isEmpty()) {
        // The loader is the one judge of what a project file may hold: the dialog asks it
        // instead of repeating its rules.
        Project probe;
        probe.folder = m_projectFolder.isEmpty() ? QDir::currentPath() : m_projectFolder;
        probe.filePath = probe.folder + u"/tidemark.json"_s;
        probe.connections.insert(c.name, c);
        const ProjectLoadResult loaded =
                ProjectLoader::loadBytes(ProjectLoader::toJson(probe), probe.filePath);
        for (const ProjectError &e : loaded.errors) {
            if (!e.where.startsWith(u"connections"_s) || e.where == u"connections"_s)
                continue; // "mappings: at least one mapping is required": not ours
            const QString name = e.where.section(u'.', -1);
            if (name == u"password_env"_s
                && problems.messages().join(u'\n').contains(field(name, c.driver).label))
                continue;
            add(name, e.message);
        }
    }
    return problems.show(m_error);
}

void ConnectionEditor::rememberTypedPassword(const ConnectionConfig &config)
{
    if (config.driver != DriverKind::Sqlite && passwordSource() != PasswordSource::Environment
        && !m_password->text().isEmpty())
        m_store->remember(config, m_password->text());
}

void ConnectionEditor::startTest()
{
    const ConnectionConfig c = connection();
    rememberTypedPassword(c);
    m_testButton->setEnabled(false);
    m_testResult->setStyleSheet(QString());
    m_testResult->setText(tr("Testing %1…").arg(c.describe()));
    if (c.driver != DriverKind::Sqlite && passwordSource() == PasswordSource::Keychain
        && !m_store->remembered(c)) {
        m_waitingForKeychain = true;
        m_store->readFromKeychain(c);
        return;
    }
    m_test->start(c);
}

void ConnectionEditor::handleKeychainRead(const QString &identity, bool ok, const QString &error)
{
    if (!m_waitingForKeychain || identity != PasswordStore::identity(connection()))
        return;
    m_waitingForKeychain = false;
    if (!ok) {
        m_testButton->setEnabled(true);
        m_testResult->setStyleSheet(FormErrorStyle);
        m_testResult->setText(u"✘ "_s
                              + tr("%1. Enter the password above to test with it.").arg(error));
        ConnectionTestResult failed;
        failed.error = error;
        Q_EMIT testFinished(failed);
        return;
    }
    m_test->start(connection());
}

void ConnectionEditor::handleTestFinished(const ConnectionTestResult &result)
{
    m_testButton->setEnabled(true);
    if (result.ok) {
        m_testResult->setStyleSheet(OkStyle);
        m_testResult->setText(u"✔ "_s + tr("Connected: %1").arg(result.summary()));
    } else {
        m_testResult->setStyleSheet(FormErrorStyle);
        m_testResult->setText(u"✘ "_s + result.error);
    }
    Q_EMIT testFinished(result);
}

QString ConnectionEditor::testResultText() const
{
    return m_testResult->text();
}

void ConnectionEditor::browseForDatabase()
{
    const QString path = QFileDialog::getOpenFileName(
            this, tr("SQLite database"), m_projectFolder,
            tr("SQLite databases (*.db *.sqlite *.sqlite3);;All files (*)"));
    if (path.isEmpty())
        return;
    ConnectionConfig c;
    c.driver = DriverKind::Sqlite;
    c.database = path;
    m_database->setText(displayedDatabase(c, m_projectFolder));
}

void ConnectionEditor::accept()
{
    if (m_storing)
        return;
    if (!validate().isEmpty())
        return;
    const ConnectionConfig c = connection();
    const QString typed = m_password->text();
    if (c.driver != DriverKind::Sqlite && passwordSource() == PasswordSource::Keychain
        && !typed.isEmpty() && !m_keychainFailed) {
        m_storing = true;
        m_buttons->setEnabled(false);
        m_error->setStyleSheet(QString());
        m_error->setText(tr("Storing the password in the system keychain…"));
        m_error->show();
        m_store->writeToKeychain(c, typed); // answered in handleKeychainWritten
        return;
    }
    rememberTypedPassword(c);
    QDialog::accept();
}

void ConnectionEditor::handleKeychainWritten(const QString &identity, bool ok,
                                             const QString &error)
{
    if (!m_storing || identity != PasswordStore::identity(connection()))
        return;
    m_storing = false;
    m_buttons->setEnabled(true);
    if (ok) {
        m_error->hide();
        QDialog::accept();
        return;
    }
    // The password is in memory already (writeToKeychain remembers it), so the project still
    // connects this session. The user decides: OK again keeps it so, or another source.
    m_keychainFailed = true;
    showProblem(m_error,
                tr("%1.\nThe password is kept in memory until Tidemark quits. Press OK to keep "
                   "it that way, or choose another way to give the password.")
                        .arg(error),
                m_keychainRadio);
}

} // namespace tidemark
