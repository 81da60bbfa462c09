#pragma once
// File > Attach to service: the monitor watching a `tidemark-cli serve` instead of running an
// engine of its own. The dialog takes the service's address and its token; the token may be
// kept in the system keychain (never in QSettings or the log), so the next attach to the same
// address needs only the address. Plain http to a host that is not loopback is allowed but
// warned about, in the dialog and for as long as the monitor stays attached.

#include "api/remoteengine.h"

#include <QDialog>
#include <QPointer>
#include <QUrl>

#include <optional>

class QAction;
class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QMainWindow;
class QPushButton;

namespace tidemark {

class PasswordStore;


struct ServiceAttachment
{
    QUrl url;
    QString token;              // empty: the one kept for this address
    bool keepInKeychain = false;
};

class ServiceAttachDialog : public QDialog
{
    Q_OBJECT
public:
    ServiceAttachDialog(const QStringList &recentUrls, QWidget *parent = nullptr);

    // What the operator entered; nullopt while the address is not valid.
    std::optional<ServiceAttachment> attachment() const;

    QComboBox *urlField() const { return m_url; }
    QLineEdit *tokenField() const { return m_token; }
    QCheckBox *keychainCheck() const { return m_keychain; }
    QLabel *warningLabel() const { return m_warning; }
    QLabel *problemLabel() const { return m_problem; }

private:
    void update();

    QComboBox *m_url = nullptr;
    QLineEdit *m_token = nullptr;
    QCheckBox *m_keychain = nullptr;
    QLabel *m_warning = nullptr;
    QLabel *m_problem = nullptr;
    QPushButton *m_attachButton = nullptr;
};

class ServiceAttachActions : public QObject
{
    Q_OBJECT
public:
    // Adds "Attach to service…" to `window`'s File menu, after Open. `store` is not owned.
    ServiceAttachActions(QMainWindow *window, PasswordStore *store);

    QAction *attachAction() const { return m_attachAction; }

    // The keychain entry of a service's token: "tidemark-serve:http://host:8457".
    static QString tokenIdentity(const QUrl &url);
    static QStringList recentUrls();

    // Finds the token (the one given, else the one kept in memory or the keychain for this
    // address), keeps it when asked, and emits attachRequested; says what is missing otherwise.
    void attach(const ServiceAttachment &attachment);

    // The engine now shown (null: a project, or nothing). Its link is shown in the status bar.
    void setEngine(RemoteEngine *engine);
    QLabel *linkLabel() const { return m_linkLabel; }
    // The status bar's text for the link, as shown.
    static QString linkText(const RemoteEngine &engine);

Q_SIGNALS:
    void attachRequested(const QUrl &url, const QString &token);

protected:
    // The dialog; tests replace it. nullopt: cancelled.
    virtual std::optional<ServiceAttachment> askForService();
    virtual void showProblem(const QString &text);

private:
    void updateLink();

    QMainWindow *m_window;
    PasswordStore *m_store;
    QAction *m_attachAction = nullptr;
    QLabel *m_linkLabel = nullptr;
    QPointer<RemoteEngine> m_engine;
};

} // namespace tidemark
