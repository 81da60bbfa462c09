#include "serviceattach.h"

#include "filemenu.h"
#include "log/logging.h"
#include "passwordstore.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMainWindow>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QStatusBar>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace tidemark {

namespace {

const QString RecentKey = u"services/recent"_s;
constexpr int MaxRecent = 8;

QString clearTextWarning()
{
    return QCoreApplication::translate(
            "ServiceAttach",
            "Plain http to another machine: the token and every answer cross the network "
            "readable by anyone on the way. Serve with --tls-cert and --tls-key and attach "
            "with https://.");
}

} // namespace

ServiceAttachDialog::ServiceAttachDialog(const QStringList &recentUrls, QWidget *parent)
    : QDialog(parent)
{
    setObjectName(u"serviceAttachDialog"_s);
    setWindowTitle(tr("Attach to service"));

    auto *intro = new QLabel(
            tr("Watch and operate a <tt>tidemark-cli serve</tt> running elsewhere. Its token is "
               "in the service's token file (<tt>--token-file</tt>)."),
            this);
    intro->setWordWrap(true);

    m_url = new QComboBox(this);
    m_url->setObjectName(u"serviceUrlField"_s);
    m_url->setEditable(true);
    m_url->addItems(recentUrls);
    if (recentUrls.isEmpty())
        m_url->setEditText(u"http://127.0.0.1:8457"_s);
    m_url->setMinimumContentsLength(32);

    m_token = new QLineEdit(this);
    m_token->setObjectName(u"serviceTokenField"_s);
    m_token->setEchoMode(QLineEdit::Password);
    m_token->setPlaceholderText(tr("empty: the token kept for this address"));

    m_keychain = new QCheckBox(tr("Keep the token in the system keychain"), this);
    m_keychain->setObjectName(u"serviceKeychainCheck"_s);
    m_keychain->setEnabled(PasswordStore::keychainSupported());
    if (!PasswordStore::keychainSupported())
        m_keychain->setToolTip(PasswordStore::keychainUnsupportedReason());

    m_warning = new QLabel(clearTextWarning(), this);
    m_warning->setObjectName(u"serviceClearTextWarning"_s);
    m_warning->setWordWrap(true);
    m_warning->setStyleSheet(u"color: #9a6700;"_s);

    m_problem = new QLabel(this);
    m_problem->setObjectName(u"serviceUrlProblem"_s);
    m_problem->setWordWrap(true);
    m_problem->setStyleSheet(u"color: #b3261e;"_s);

    auto *form = new QFormLayout;
    form->addRow(tr("&Address:"), m_url);
    form->addRow(tr("&Token:"), m_token);
    form->addRow(QString(), m_keychain);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_attachButton = buttons->addButton(tr("&Attach"), QDialogButtonBox::AcceptRole);
    m_attachButton->setDefault(true);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(form);
    layout->addWidget(m_warning);
    layout->addWidget(m_problem);
    layout->addWidget(buttons);

    connect(m_url, &QComboBox::editTextChanged, this, &ServiceAttachDialog::update);
    update();
}

std::optional<ServiceAttachment> ServiceAttachDialog::attachment() const
{
    const std::optional<QUrl> url = RemoteEngine::parseServiceUrl(m_url->currentText(), nullptr);
    if (!url)
        return std::nullopt;
    return ServiceAttachment{*url, m_token->text().trimmed(),
                             m_keychain->isEnabled() && m_keychain->isChecked()};
}

void ServiceAttachDialog::update()
{
    QString error;
    const std::optional<QUrl> url = RemoteEngine::parseServiceUrl(m_url->currentText(), &error);
    m_problem->setText(url ? QString() : error);
    m_problem->setVisible(!url && !m_url->currentText().trimmed().isEmpty());
    m_warning->setVisible(url && RemoteEngine::sendsInClear(*url));
    m_attachButton->setEnabled(url.has_value());
}

ServiceAttachActions::ServiceAttachActions(QMainWindow *window, PasswordStore *store)
    : QObject(window)
    , m_window(window)
    , m_store(store)
{
    m_attachAction = new QAction(tr("Attach to &service…"), window);
    m_attachAction->setObjectName(u"attachServiceAction"_s);
    m_attachAction->setStatusTip(
            tr("Watch and operate a tidemark-cli serve instead of running the engine here"));
    connect(m_attachAction, &QAction::triggered, this, [this] {
        if (const std::optional<ServiceAttachment> a = askForService())
            attach(*a);
    });

    const FileMenuSlot slot = fileMenuAfterOpen(window);
    QMenu *file = slot.menu;
    QAction *before = slot.before;
    file->insertAction(before, m_attachAction);

    m_linkLabel = new QLabel(window);
    m_linkLabel->setObjectName(u"serviceLinkLabel"_s);
    m_linkLabel->setTextFormat(Qt::PlainText);
    m_linkLabel->hide();
    window->statusBar()->addPermanentWidget(m_linkLabel);
}

QString ServiceAttachActions::tokenIdentity(const QUrl &url)
{
    return u"tidemark-serve:"_s + url.toString(QUrl::RemovePath | QUrl::RemoveQuery);
}

QStringList ServiceAttachActions::recentUrls()
{
    return QSettings().value(RecentKey).toStringList();
}

std::optional<ServiceAttachment> ServiceAttachActions::askForService()
{
    ServiceAttachDialog dialog(recentUrls(), m_window);
    if (dialog.exec() != QDialog::Accepted)
        return std::nullopt;
    return dialog.attachment();
}

void ServiceAttachActions::showProblem(const QString &text)
{
    QMessageBox box(QMessageBox::Warning, tr("Not attached"), text, QMessageBox::Ok, m_window);
    box.setObjectName(u"serviceAttachProblem"_s);
    box.exec();
}

void ServiceAttachActions::attach(const ServiceAttachment &a)
{
    const QString id = tokenIdentity(a.url);
    auto done = [this, a](const QString &token) {
        QStringList recent = recentUrls();
        const QString url = a.url.toString();
        recent.removeAll(url);
        recent.prepend(url);
        QSettings().setValue(RecentKey, recent.mid(0, MaxRecent));
        Q_EMIT attachRequested(a.url, token);
    };
    if (!a.token.isEmpty()) {
        if (m_store) {
            if (a.keepInKeychain)
                m_store->writeSecretToKeychain(id, a.token);
            else
                m_store->rememberSecret(id, a.token);
        }
        done(a.token);
        return;
    }
    if (m_store) {
        if (const std::optional<QString> known = m_store->rememberedSecret(id)) {
            done(*known);
            return;
        }
    }
    if (!m_store || !PasswordStore::keychainSupported()) {
        showProblem(tr("No token for %1: enter the one in the service's token file.")
                            .arg(a.url.toString()));
        return;
    }
    // The keychain answers later; the window stays responsive meanwhile.
    auto connection = std::make_shared<QMetaObject::Connection>();
    *connection = connect(m_store, &PasswordStore::keychainRead, this,
                          [this, id, connection, done, a](const QString &which, bool ok,
                                                          const QString &error) {
                              if (which != id)
                                  return;
                              disconnect(*connection);
                              const std::optional<QString> token = m_store->rememberedSecret(id);
                              if (ok && token) {
                                  done(*token);
                                  return;
                              }
                              showProblem(tr("No token for %1: the keychain has none (%2). "
                                             "Enter the one in the service's token file.")
                                                  .arg(a.url.toString(),
                                                       error.isEmpty() ? tr("no entry") : error));
                          });
    m_store->readSecretFromKeychain(id);
}

void ServiceAttachActions::setEngine(RemoteEngine *engine)
{
    if (m_engine)
        disconnect(m_engine, nullptr, this, nullptr);
    m_engine = engine;
    if (m_engine) {
        connect(m_engine, &RemoteEngine::linkChanged, this, &ServiceAttachActions::updateLink);
        if (RemoteEngine::sendsInClear(m_engine->url()))
            logger("ui.attach")->warn("attached to {} over plain http: the token and the data "
                                      "cross the network unencrypted",
                                      m_engine->url().toString());
    }
    updateLink();
}

QString ServiceAttachActions::linkText(const RemoteEngine &engine)
{
    const QString where = engine.url().authority();
    QString text;
    switch (engine.link()) {
    case RemoteEngine::Link::Connecting: text = tr("Service %1: connecting…").arg(where); break;
    case RemoteEngine::Link::Up: text = tr("Service %1").arg(where); break;
    case RemoteEngine::Link::Down: text = tr("Service %1: not answering").arg(where); break;
    case RemoteEngine::Link::Unauthorized: text = tr("Service %1: token refused").arg(where); break;
    }
    if (RemoteEngine::sendsInClear(engine.url()))
        text = tr("⚠ Unencrypted · %1").arg(text);
    return text;
}

void ServiceAttachActions::updateLink()
{
    if (!m_engine) {
        m_linkLabel->hide();
        return;
    }
    m_linkLabel->setText(linkText(*m_engine));
    QString tip = m_engine->url().toString();
    if (!m_engine->linkError().isEmpty())
        tip += u"\n"_s + m_engine->linkError();
    if (RemoteEngine::sendsInClear(m_engine->url()))
        tip += u"\n\n"_s + clearTextWarning();
    m_linkLabel->setToolTip(tip);
    const bool bad = m_engine->link() == RemoteEngine::Link::Down
            || m_engine->link() == RemoteEngine::Link::Unauthorized
            || RemoteEngine::sendsInClear(m_engine->url());
    m_linkLabel->setStyleSheet(bad ? u"color: #b3261e;"_s : QString());
    m_linkLabel->show();
}

} // namespace tidemark
