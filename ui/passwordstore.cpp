#include "passwordstore.h"

#include "db/dbconnection.h"
#include "log/logging.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QInputDialog>
#include <QLineEdit>
#include <QSet>
#include <QTimer>

#ifdef TIDEMARK_HAVE_KEYCHAIN
#include <qt6keychain/keychain.h>
#endif

#include <memory>

using namespace Qt::StringLiterals;

namespace tidemark {

namespace {

// The keychain entry's service; the key is PasswordStore::identity().
const QString KeychainService = u"Tidemark"_s;

#ifdef TIDEMARK_HAVE_KEYCHAIN
// QtKeychain's own text is often just "Unknown error" (no D-Bus session, for one); the code
// says more, and the user needs to know what to fix.
QString keychainErrorText(QKeychain::Error code, const QString &text)
{
    QString what;
    switch (code) {
    case QKeychain::NoBackendAvailable:
    case QKeychain::NotImplemented:
        what = QCoreApplication::translate(
                "tidemark::PasswordStore",
                "no keychain service is available (on Linux: a Secret Service such as GNOME "
                "Keyring or KWallet, reached over the D-Bus session bus)");
        break;
    case QKeychain::AccessDeniedByUser:
        what = QCoreApplication::translate("tidemark::PasswordStore",
                                           "access was denied at the keychain's prompt");
        break;
    case QKeychain::AccessDenied:
        what = QCoreApplication::translate("tidemark::PasswordStore",
                                           "the keychain denied access (is it locked?)");
        break;
    case QKeychain::CouldNotDeleteEntry:
        what = QCoreApplication::translate("tidemark::PasswordStore",
                                           "the old entry could not be removed");
        break;
    default:
        what = QCoreApplication::translate(
                "tidemark::PasswordStore",
                "the keychain service did not work (on Linux it needs a D-Bus session bus and a "
                "Secret Service such as GNOME Keyring or KWallet)");
        break;
    }
    if (!text.isEmpty() && text != u"Unknown error"_s)
        what += u": "_s + text;
    return what;
}

// Runs `job` and calls `done(ok, error)` exactly once: when it finishes, or after `timeoutMs`
// if it never does (a locked keyring waiting for a user who is not at the screen).
template<typename Done>
void runKeychainJob(QKeychain::Job *job, int timeoutMs, QObject *context, Done done)
{
    auto answered = std::make_shared<bool>(false);
    QTimer::singleShot(timeoutMs, context, [answered, done, timeoutMs] {
        if (*answered)
            return;
        *answered = true;
        done(false,
             QCoreApplication::translate("tidemark::PasswordStore",
                                         "the keychain did not answer within %1 s")
                     .arg(timeoutMs / 1000));
    });
    QObject::connect(job, &QKeychain::Job::finished, context, [answered, done](QKeychain::Job *j) {
        if (*answered)
            return;
        *answered = true;
        if (j->error() == QKeychain::NoError)
            done(true, QString());
        else if (j->error() == QKeychain::EntryNotFound)
            done(false,
                 QCoreApplication::translate(
                         "tidemark::PasswordStore",
                         "no password is stored in the keychain for this connection"));
        else
            done(false, keychainErrorText(j->error(), j->errorString()));
    });
    // Never the "insecure fallback": it writes the password in plain text into QSettings.
    job->setInsecureFallback(false);
    job->start();
}
#endif

std::optional<QString> askWithDialog(const ConnectionConfig &connection, const QString &why,
                                     QWidget *parent)
{
    QString label = connection.describe() + u"\n\n"_s;
    if (!why.isEmpty())
        label += why + u"\n\n"_s;
    label += QCoreApplication::translate(
            "tidemark::PasswordStore",
            "The password is kept in memory until Tidemark quits; it is not saved anywhere. "
            "Leave it empty if the server needs none.");
    bool ok = false;
    const QString password = QInputDialog::getText(
            parent,
            QCoreApplication::translate("tidemark::PasswordStore", "Password for %1")
                    .arg(connection.name),
            label, QLineEdit::Password, QString(), &ok);
    if (!ok)
        return std::nullopt;
    return password;
}

} // namespace

PasswordStore::PasswordStore(QObject *parent)
    : QObject(parent)
    , m_asker(askWithDialog)
{
}

PasswordStore::~PasswordStore()
{
    if (m_installed)
        DbConnection::setPasswordProvider({});
}

void PasswordStore::install()
{
    // `this` outlives every engine: the application destroys the engine first, and the
    // destructor above removes the provider before the store goes.
    DbConnection::setPasswordProvider(
            [this](const ConnectionConfig &connection) { return provide(connection); });
    m_installed = true;
}

QString PasswordStore::identity(const ConnectionConfig &c)
{
    QString host = c.host.contains(u':') ? u'[' + c.host + u']' : c.host;
    return driverKindName(c.driver) + u"://"_s + c.user + u'@' + host + u':'
            + QString::number(c.port) + u'/' + c.database;
}

void PasswordStore::remember(const ConnectionConfig &connection, const QString &password)
{
    rememberSecret(identity(connection), password);
}

void PasswordStore::rememberSecret(const QString &identity, const QString &secret)
{
    QMutexLocker lock(&m_mutex);
    m_passwords.insert(identity, secret);
}

void PasswordStore::forget(const ConnectionConfig &connection)
{
    QMutexLocker lock(&m_mutex);
    m_passwords.remove(identity(connection));
}

std::optional<QString> PasswordStore::remembered(const ConnectionConfig &connection) const
{
    return rememberedSecret(identity(connection));
}

std::optional<QString> PasswordStore::rememberedSecret(const QString &identity) const
{
    QMutexLocker lock(&m_mutex);
    const auto it = m_passwords.constFind(identity);
    if (it == m_passwords.constEnd())
        return std::nullopt;
    return *it;
}

QString PasswordStore::provide(const ConnectionConfig &connection) const
{
    return remembered(connection).value_or(QString());
}

bool PasswordStore::keychainSupported()
{
#ifdef TIDEMARK_HAVE_KEYCHAIN
    return true;
#else
    return false;
#endif
}

QString PasswordStore::keychainUnsupportedReason()
{
    if (keychainSupported())
        return {};
    return tr("This Tidemark was built without QtKeychain (Debian: qtkeychain-qt6-dev), so it "
              "cannot use the system keychain. Use an environment variable, or enter the "
              "password when the project opens.");
}

void PasswordStore::writeToKeychain(const ConnectionConfig &connection, const QString &password)
{
    writeSecretToKeychain(identity(connection), password);
}

void PasswordStore::writeSecretToKeychain(const QString &id, const QString &password)
{
    rememberSecret(id, password);
#ifdef TIDEMARK_HAVE_KEYCHAIN
    auto *job = new QKeychain::WritePasswordJob(KeychainService, this);
    job->setKey(id);
    job->setTextData(password);
    runKeychainJob(job, m_keychainTimeoutMs, this, [this, id](bool ok, const QString &error) {
        auto log = logger("ui.passwords");
        if (ok)
            log->info("stored the password for {} in the system keychain", id);
        else
            log->warn("could not store the password for {} in the system keychain: {}; it is "
                      "kept in memory until Tidemark quits",
                      id, error);
        Q_EMIT keychainWritten(
                id, ok,
                ok ? QString()
                   : tr("The system keychain could not store the password: %1").arg(error));
    });
#else
    // Queued, like a real job's answer, so callers handle one code path.
    QMetaObject::invokeMethod(
            this,
            [this, id] { Q_EMIT keychainWritten(id, false, keychainUnsupportedReason()); },
            Qt::QueuedConnection);
#endif
}

void PasswordStore::readFromKeychain(const ConnectionConfig &connection)
{
    readSecretFromKeychain(identity(connection));
}

void PasswordStore::readSecretFromKeychain(const QString &id)
{
#ifdef TIDEMARK_HAVE_KEYCHAIN
    auto *job = new QKeychain::ReadPasswordJob(KeychainService, this);
    job->setKey(id);
    // The job deletes itself after `finished`; read its text in the handler, before that.
    QObject::connect(job, &QKeychain::Job::finished, this, [this, id](QKeychain::Job *j) {
        if (j->error() == QKeychain::NoError)
            rememberSecret(id, static_cast<QKeychain::ReadPasswordJob *>(j)->textData());
    });
    runKeychainJob(job, m_keychainTimeoutMs, this, [this, id](bool ok, const QString &error) {
        if (!ok)
            logger("ui.passwords")->warn("could not read the password for {} from the system "
                                         "keychain: {}",
                                         id, error);
        Q_EMIT keychainRead(
                id, ok,
                ok ? QString()
                   : tr("The system keychain could not give the password: %1").arg(error));
    });
#else
    QMetaObject::invokeMethod(
            this, [this, id] { Q_EMIT keychainRead(id, false, keychainUnsupportedReason()); },
            Qt::QueuedConnection);
#endif
}

PasswordStore::KeychainAnswer PasswordStore::readKeychainAndWait(const ConnectionConfig &connection)
{
    KeychainAnswer answer;
    QEventLoop loop;
    const QString id = identity(connection);
    const auto handler = connect(this, &PasswordStore::keychainRead, &loop,
                                 [&answer, &loop, id](const QString &which, bool ok,
                                                      const QString &error) {
                                     if (which != id)
                                         return;
                                     answer = {ok, error};
                                     loop.quit();
                                 });
    readFromKeychain(connection);
    loop.exec();
    disconnect(handler);
    return answer;
}

void PasswordStore::prepare(const Project &project, QWidget *parent)
{
    QSet<QString> done;
    for (const ConnectionConfig &c : project.connections) {
        if (c.driver == DriverKind::Sqlite)
            continue;
        const QString id = identity(c);
        if (done.contains(id))
            continue;
        done.insert(id);
        if (!c.passwordEnv.isEmpty() && qEnvironmentVariableIsSet(c.passwordEnv.toUtf8().constData()))
            continue;
        if (remembered(c))
            continue;
        QString why;
        if (c.passwordKeychain) {
            const KeychainAnswer answer = readKeychainAndWait(c);
            if (answer.ok)
                continue;
            why = answer.error + u'.';
        } else if (!c.passwordEnv.isEmpty()) {
            why = tr("The environment variable %1 that should hold the password is not set.")
                          .arg(c.passwordEnv);
        }
        if (const std::optional<QString> password = m_asker(c, why, parent))
            remember(c, *password);
        else
            logger("ui.passwords")->warn("no password given for {}; connecting without one",
                                         c.describe());
    }
}

} // namespace tidemark
