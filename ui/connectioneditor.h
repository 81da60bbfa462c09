#pragma once
// The connection editor: driver, server, database or file, user, where the password comes from
// (environment variable, system keychain, or asked for when the project opens), driver options
// and timeouts, and "Test connection", which runs in a thread of its own and shows the server's
// version and TLS state or the exact error.
//
// A connection that the project loader would reject cannot be accepted: the dialog names the
// field at fault. The password itself never leaves memory unless the user chose the keychain.

#include "api/connectiontest.h"
#include "project/projectconfig.h"

#include <QDialog>

class QButtonGroup;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QRadioButton;
class QSpinBox;

namespace tidemark {

class PasswordStore;

class ConnectionEditor : public QDialog
{
    Q_OBJECT
public:
    enum class PasswordSource { Environment, Keychain, Ask };

    // `connection` is edited (a default-constructed one for a new connection); `takenNames`
    // are the project's other connection names; `projectFolder` resolves a relative SQLite
    // path. `store` is not owned and must outlive the dialog.
    ConnectionEditor(const ConnectionConfig &connection, const QStringList &takenNames,
                     const QString &projectFolder, PasswordStore *store,
                     QWidget *parent = nullptr);
    ~ConnectionEditor() override;

    // The connection as the fields describe it now.
    ConnectionConfig connection() const;
    PasswordSource passwordSource() const;

    // Problems the project loader reports for this connection, each "field: message"; empty
    // when it can be saved. Also shown in the dialog, with the field at fault focused.
    QStringList validate();

    // "Test connection" with the current fields.
    void startTest();
    bool isTesting() const { return m_test->isRunning() || m_waitingForKeychain; }
    QString testResultText() const;

    void accept() override;

Q_SIGNALS:
    void testFinished(const tidemark::ConnectionTestResult &result);

private:
    void buildForm();
    void updateForDriver();
    void updateForPasswordSource();
    void updateEnvironmentHint();
    void handleTestFinished(const tidemark::ConnectionTestResult &result);
    void handleKeychainRead(const QString &identity, bool ok, const QString &error);
    void handleKeychainWritten(const QString &identity, bool ok, const QString &error);
    void browseForDatabase();
    // A field as the project file names it ("password_env"), as a problem names it
    // ("Environment variable") and the widget focused for it.
    struct Field
    {
        QString json;
        QString label;
        QWidget *widget;
    };
    Field field(const QString &jsonField, DriverKind driver) const;
    // Keeps a typed password in memory so the test (and later the engine) can use it.
    void rememberTypedPassword(const ConnectionConfig &config);

    ConnectionConfig m_original;
    QStringList m_takenNames;
    QString m_projectFolder;
    PasswordStore *m_store;
    ConnectionTest *m_test;
    bool m_waitingForKeychain = false; // a test waits for a keychain read
    bool m_storing = false;            // OK waits for a keychain write
    bool m_keychainFailed = false;     // the user saw the failure; OK again accepts

    QLineEdit *m_name = nullptr;
    QComboBox *m_driver = nullptr;
    QLineEdit *m_host = nullptr;
    QSpinBox *m_port = nullptr;
    QLabel *m_databaseLabel = nullptr;
    QLineEdit *m_database = nullptr;
    QPushButton *m_browse = nullptr;
    QLineEdit *m_user = nullptr;
    QButtonGroup *m_sourceGroup = nullptr;
    QRadioButton *m_envRadio = nullptr;
    QRadioButton *m_keychainRadio = nullptr;
    QRadioButton *m_askRadio = nullptr;
    QLineEdit *m_envName = nullptr;
    QLabel *m_envHint = nullptr;
    QLineEdit *m_password = nullptr;
    QLabel *m_passwordHint = nullptr;
    QLineEdit *m_options = nullptr;
    QSpinBox *m_connectTimeout = nullptr;
    QSpinBox *m_statementTimeout = nullptr;
    QPushButton *m_testButton = nullptr;
    QLabel *m_testResult = nullptr;
    QLabel *m_error = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
    QList<QWidget *> m_serverOnly; // disabled for SQLite
};

} // namespace tidemark
