#pragma once
// Where the monitor keeps database passwords: the operating system's keychain when the user
// asks for it (QtKeychain), otherwise the named environment variable, otherwise a prompt when a
// project opens, kept in this process's memory only. A password is never written to the
// project file, QSettings or the log.
//
// The engine's worker threads ask through DbConnection's password provider. That call must not
// wait for the GUI (STYLE.md: the engine never waits for a GUI answer) and keychain jobs are
// asynchronous, so the store is filled before an engine starts (prepare()) and the provider
// only reads memory, under a mutex.

#include "project/projectconfig.h"

#include <QHash>
#include <QMutex>
#include <QObject>

#include <functional>
#include <optional>

class QWidget;

namespace tidemark {

class PasswordStore : public QObject
{
    Q_OBJECT
public:
    explicit PasswordStore(QObject *parent = nullptr);
    // Stops being the provider if it was installed: the provider must not outlive the store.
    ~PasswordStore() override;

    // Makes this store DbConnection's password provider (process-wide).
    void install();

    // The server account a password belongs to: "postgres://tidemark@db.example:5432/mirror".
    // Not the connection's name: renaming a connection, or another project on the same server,
    // keeps finding the password.
    static QString identity(const ConnectionConfig &connection);

    // In memory only, until the process ends.
    void remember(const ConnectionConfig &connection, const QString &password);
    void forget(const ConnectionConfig &connection);
    std::optional<QString> remembered(const ConnectionConfig &connection) const;

    // What a worker's DbConnection gets: the remembered password or a null QString. Thread-safe;
    // never blocks on the GUI.
    QString provide(const ConnectionConfig &connection) const;

    // Built with QtKeychain? Without it the keychain choice is disabled, and this says why.
    static bool keychainSupported();
    static QString keychainUnsupportedReason();

    // Asynchronous; answered by keychainWritten / keychainRead. A written password is also
    // remembered in memory, so it works for this session even when the keychain refuses it.
    // A read password is remembered. A keychain that does not answer in `timeoutMs` counts as
    // failed (a locked keyring waiting for a user who is not there).
    void writeToKeychain(const ConnectionConfig &connection, const QString &password);
    void readFromKeychain(const ConnectionConfig &connection);
    void setKeychainTimeoutMs(int ms) { m_keychainTimeoutMs = ms; }

    // Asks the user for a password; nullopt when cancelled. `why` says why we ask (an unset
    // variable, a keychain error). The default shows a password dialog; tests replace it.
    using Asker = std::function<std::optional<QString>(const ConnectionConfig &connection,
                                                       const QString &why, QWidget *parent)>;
    void setAsker(Asker asker) { m_asker = std::move(asker); }

    // Before an engine starts on `project`: makes every server connection's password available
    // to the provider. For each: the environment variable when it is set; a password already in
    // memory; the keychain (password_keychain), waited for here; otherwise, or when the keychain
    // fails, the user is asked. A cancelled prompt leaves it without a password, and the
    // connection fails with the server's own message. Runs on the GUI thread.
    void prepare(const Project &project, QWidget *parent);

    // The same for a secret that is not a database password (the token of a service the
    // monitor attaches to), under an identity of the caller's choosing ("tidemark-serve:URL").
    void rememberSecret(const QString &identity, const QString &secret);
    std::optional<QString> rememberedSecret(const QString &identity) const;
    void writeSecretToKeychain(const QString &identity, const QString &secret);
    void readSecretFromKeychain(const QString &identity);

Q_SIGNALS:
    void keychainWritten(const QString &identity, bool ok, const QString &error);
    void keychainRead(const QString &identity, bool ok, const QString &error);

private:
    struct KeychainAnswer
    {
        bool ok = false;
        QString error;
    };
    KeychainAnswer readKeychainAndWait(const ConnectionConfig &connection);

    mutable QMutex m_mutex;
    QHash<QString, QString> m_passwords; // by identity(); guarded by m_mutex
    Asker m_asker;
    int m_keychainTimeoutMs = 15000;
    bool m_installed = false;
};

} // namespace tidemark
