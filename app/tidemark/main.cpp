// tidemark: the desktop sync monitor. Parses arguments, loads the project, runs the engine
// and shows the window; nothing here knows how a mapping is synced.

#include "api/embeddedengine.h"
#include "api/remoteengine.h"
#include "log/logging.h"
#include "mainwindow.h"
#include "passwordstore.h"
#include "projecteditoractions.h"
#include "project/projectloader.h"
#include "quitonsignal.h"
#include "serviceattach.h"

#include <QAction>
#include <QApplication>
#include <QCommandLineParser>
#include <QFile>
#include <QFileInfo>
#include <QIcon>
#include <QMessageBox>
#include <QPainter>
#include <QPixmap>
#include <QSettings>
#include <QTimer>

#include <functional>
#include <memory>
#include <optional>

using namespace Qt::StringLiterals;

namespace {

// The strings a person reads go through QCoreApplication::translate with the context
// "tidemark", so lupdate collects them into resources/translations/tidemark.ts.
QString defaultHint()
{
    return QCoreApplication::translate("tidemark",
                                       "Open a project (File > Open) or run ./run.sh for the demo");
}
// The project opened last, reopened on start when no project is named on the command line.
const QString LastProjectKey = u"session/lastProject"_s;

// The window's icon: the installed theme's (hicolor, from the package) when there is one, else
// the PNG sizes compiled in from resources/icons, so a build run from its folder has it too.
QIcon applicationIcon()
{
    QIcon builtIn;
    for (int size : {16, 22, 24, 32, 48, 64, 128, 256})
        builtIn.addFile(u":/icons/%1x%1/tidemark.png"_s.arg(size), QSize(size, size));
    return QIcon::fromTheme(u"io.github.tidemark.Tidemark"_s, builtIn);
}

// Owns the running engine and swaps it when the operator opens another project or attaches
// to a service.
class ProjectSession
{
public:
    explicit ProjectSession(tidemark::MainWindow &window) : m_window(window) {}
    ~ProjectSession() { close(); }

    ProjectSession(const ProjectSession &) = delete;
    ProjectSession &operator=(const ProjectSession &) = delete;

    // Loads `path` and, when it loads, replaces the running engine with one for it. A file
    // with errors leaves the current project running: a typo in another file should not stop
    // the mirrors being watched.
    void open(const QString &path)
    {
        const QFileInfo info(path);
        tidemark::ProjectLoadResult loaded =
                tidemark::ProjectLoader::loadFile(info.absoluteFilePath());
        if (!loaded.ok()) {
            m_log->error("project '{}' not loaded: {} problem(s)", info.absoluteFilePath(),
                         loaded.errors.size());
            if (!m_engine) {
                m_window.setHint(QCoreApplication::translate("tidemark",
                                                             "%1 could not be loaded.\n\n")
                                         .arg(info.fileName())
                                 + defaultHint());
            }
            showErrors(info, loaded.errors);
            return;
        }

        close();
        if (beforeStart)
            beforeStart(*loaded.project);
        m_log->info("opening project '{}' with {} mapping(s)", info.absoluteFilePath(),
                    loaded.project->mappings.size());
        m_engine = std::make_unique<tidemark::EmbeddedEngine>(std::move(*loaded.project));
        m_engine->start();
        if (onEngine)
            onEngine(nullptr);
        m_window.setEngine(m_engine.get());
        m_window.setWindowTitle(u"Tidemark — "_s + info.fileName());
        QSettings().setValue(LastProjectKey, info.absoluteFilePath());
    }

    // Replaces the running engine with the service at `url`. The service's runs go on; only
    // the view of them changes hands.
    void attach(const QUrl &url, const QString &token)
    {
        close();
        auto remote = std::make_unique<tidemark::RemoteEngine>(url, token);
        tidemark::RemoteEngine *engine = remote.get();
        m_engine = std::move(remote);
        m_engine->start();
        m_window.setEngine(m_engine.get());
        m_window.setWindowTitle(u"Tidemark — "_s + url.toString());
        if (onEngine)
            onEngine(engine);
    }

    // Called with a loaded project before its engine starts (passwords, the project editor).
    std::function<void(const tidemark::Project &)> beforeStart;
    // Called when the engine changed: the remote one, or null for an embedded one.
    std::function<void(tidemark::RemoteEngine *)> onEngine;

    // Stops the engine before it goes: its workers finish or roll back the batch in hand.
    void close()
    {
        if (!m_engine)
            return;
        m_window.setEngine(nullptr);
        m_window.setWindowTitle(u"Tidemark"_s);
        if (onEngine)
            onEngine(nullptr);
        m_engine->stop();
        m_engine.reset();
    }

private:
    void showErrors(const QFileInfo &info, const QList<tidemark::ProjectError> &errors)
    {
        QStringList lines;
        for (const tidemark::ProjectError &error : errors)
            lines << u"• "_s + error.toString();
        const QString text = errors.size() == 1
                ? QCoreApplication::translate("tidemark", "%1 has a problem:").arg(info.fileName())
                : QCoreApplication::translate("tidemark", "%1 has %n problems:", nullptr,
                                              int(errors.size()))
                          .arg(info.fileName());
        QMessageBox box(QMessageBox::Critical,
                        QCoreApplication::translate("tidemark", "Project not loaded"), text,
                        QMessageBox::Ok, &m_window);
        box.setObjectName(u"projectErrors"_s);
        box.setInformativeText(lines.join(u'\n'));
        box.exec();
    }

    tidemark::MainWindow &m_window;
    std::unique_ptr<tidemark::Engine> m_engine;
    std::shared_ptr<spdlog::logger> m_log = tidemark::logger("app.monitor");
};

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    // Before logging starts: the log file's folder is derived from these names.
    QApplication::setApplicationName(u"Tidemark"_s);
    QApplication::setOrganizationName(u"Tidemark"_s);
    QApplication::setApplicationVersion(QString::fromLatin1(TIDEMARK_VERSION));
    // Names the .desktop file, so Wayland compositors and docks show our icon and group our
    // windows (packaging/io.github.tidemark.Tidemark.desktop).
    QGuiApplication::setDesktopFileName(u"io.github.tidemark.Tidemark"_s);
    QApplication::setWindowIcon(applicationIcon());
    tidemark::app::quitOnTerminationSignals(&app);

    QCommandLineParser parser;
    parser.setApplicationDescription(
            QCoreApplication::translate("tidemark", "Tidemark: a sync monitor for database mirrors."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption projectOption({u"p"_s, u"project"_s},
                                           QCoreApplication::translate("tidemark",
                                                                       "The project file to open."),
                                           u"FILE"_s);
    parser.addOption(projectOption);
    const QCommandLineOption attachOption(
            u"attach"_s,
            QCoreApplication::translate("tidemark",
                                        "Attach to the tidemark-cli serve at URL instead of "
                                        "opening a project."),
            u"URL"_s);
    parser.addOption(attachOption);
    const QCommandLineOption tokenFileOption(
            u"token-file"_s,
            QCoreApplication::translate("tidemark",
                                        "With --attach: read the service's token from FILE "
                                        "(else the one kept for the address is used)."),
            u"FILE"_s);
    parser.addOption(tokenFileOption);
    parser.addPositionalArgument(u"project"_s,
                                 QCoreApplication::translate(
                                         "tidemark", "The project file to open (as --project)."),
                                 u"[FILE]"_s);
    // For documentation and visual checks: grab the window after a while and quit.
    QCommandLineOption screenshotOption(u"screenshot"_s,
                                        u"Save a picture of the window to FILE and quit."_s,
                                        u"FILE"_s);
    screenshotOption.setFlags(QCommandLineOption::HiddenFromHelp);
    QCommandLineOption screenshotDelayOption(u"screenshot-after-ms"_s,
                                             u"Wait this long before the screenshot."_s,
                                             u"MS"_s, u"8000"_s);
    screenshotDelayOption.setFlags(QCommandLineOption::HiddenFromHelp);
    QCommandLineOption screenshotSelectOption(u"screenshot-select"_s,
                                              u"Select this mapping before the screenshot."_s,
                                              u"MAPPING"_s);
    screenshotSelectOption.setFlags(QCommandLineOption::HiddenFromHelp);
    QCommandLineOption screenshotWidgetOption(
            u"screenshot-widget"_s,
            u"Grab only the child widget with this object name (logDock, mappingDetail, ...)."_s,
            u"NAME"_s);
    screenshotWidgetOption.setFlags(QCommandLineOption::HiddenFromHelp);
    QCommandLineOption screenshotActionOption(
            u"screenshot-trigger"_s,
            u"Trigger this action (object name, e.g. sweepAction) halfway to the screenshot, "
            u"so its confirmation dialog is in the picture."_s,
            u"ACTION"_s);
    screenshotActionOption.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOption(screenshotOption);
    parser.addOption(screenshotDelayOption);
    parser.addOption(screenshotSelectOption);
    parser.addOption(screenshotWidgetOption);
    parser.addOption(screenshotActionOption);
    parser.process(app);

    tidemark::LogOptions logOptions;
    logOptions.toFile = true;
    tidemark::initLogging(logOptions);

    tidemark::MainWindow window;
    // Declared before the session, so it outlives every engine that asks it for passwords.
    tidemark::PasswordStore passwords;
    passwords.install();
    ProjectSession session(window);
    QObject::connect(&window, &tidemark::MainWindow::openProjectRequested, &window,
                     [&session](const QString &path) { session.open(path); });
    // File > Open recent, New, Edit, Save, Save As; a save reopens the file, restarting the engine.
    auto *projectActions = new tidemark::ProjectEditorActions(&window, &passwords);
    QObject::connect(projectActions, &tidemark::ProjectEditorActions::openProjectRequested,
                     &window, [&session](const QString &path) { session.open(path); });
    session.beforeStart = [&passwords, &window, projectActions](const tidemark::Project &project) {
        passwords.prepare(project, &window);
        projectActions->setProject(project);
    };
    // File > Attach to service: the window shows a `serve` elsewhere instead of a project.
    auto *attachActions = new tidemark::ServiceAttachActions(&window, &passwords);
    QObject::connect(attachActions, &tidemark::ServiceAttachActions::attachRequested, &window,
                     [&session](const QUrl &url, const QString &token) {
                         session.attach(url, token);
                     });
    session.onEngine = [attachActions, projectActions](tidemark::RemoteEngine *remote) {
        attachActions->setEngine(remote);
        if (remote)
            projectActions->clearProject();
    };
    window.show();

    // Armed before the project opens: a project with errors shows a modal message box, and
    // the screenshot must still be taken (the box's own event loop runs the timer).
    std::optional<int> screenshotExit;
    if (parser.isSet(screenshotOption)) {
        const QString file = parser.value(screenshotOption);
        bool ok = false;
        const int delayMs = parser.value(screenshotDelayOption).toInt(&ok);
        const int delay = ok ? delayMs : 8000;
        const QString select = parser.value(screenshotSelectOption);
        const QString widgetName = parser.value(screenshotWidgetOption);
        const QString actionName = parser.value(screenshotActionOption);
        if (!select.isEmpty()) {
            // Early, so the detail pane's charts have samples by the time of the picture.
            QTimer::singleShot(delay / 4, &window, [&window, select] { window.selectMapping(select); });
        }
        if (!actionName.isEmpty()) {
            QTimer::singleShot(delay / 2, &window, [&window, actionName] {
                if (auto *action = window.findChild<QAction *>(actionName))
                    action->trigger();
            });
        }
        QTimer::singleShot(delay, &window, [&window, &screenshotExit, file, widgetName] {
            QWidget *target = widgetName.isEmpty() ? &window : window.findChild<QWidget *>(widgetName);
            QPixmap picture = (target ? target : &window)->grab();
            // A dialog is a window of its own and not in the main window's grab: paint it on
            // top where it stands, as the operator sees it.
            if (target == &window) {
                QPainter painter(&picture);
                for (QWidget *top : QApplication::topLevelWidgets()) {
                    if (top != &window && top->isVisible() && top->isWindow()
                        && top->parentWidget() == &window) {
                        painter.drawPixmap(top->mapToGlobal(QPoint(0, 0))
                                                   - window.mapToGlobal(QPoint(0, 0)),
                                           top->grab());
                    }
                }
            }
            const bool saved = picture.save(file);
            if (!saved)
                tidemark::logger("app.monitor")->error("could not save the screenshot to '{}'",
                                                       file);
            screenshotExit = saved ? 0 : 2;
            QCoreApplication::exit(*screenshotExit);
        });
    }

    QString projectPath = parser.value(projectOption);
    if (projectPath.isEmpty() && !parser.positionalArguments().isEmpty())
        projectPath = parser.positionalArguments().constFirst();
    if (projectPath.isEmpty()) {
        // The operator who quit with a project open expects it back; one since deleted is
        // not an error worth a dialog at start.
        const QString last = QSettings().value(LastProjectKey).toString();
        if (!last.isEmpty() && QFileInfo::exists(last))
            projectPath = last;
    }
    if (parser.isSet(attachOption)) {
        QString error;
        const std::optional<QUrl> url =
                tidemark::RemoteEngine::parseServiceUrl(parser.value(attachOption), &error);
        if (!url) {
            tidemark::logger("app.monitor")->error("--attach: {}", error);
            window.setHint(u"--attach: "_s + error);
        } else {
            tidemark::ServiceAttachment attachment{*url, {}, false};
            if (parser.isSet(tokenFileOption)) {
                // The token never travels on the command line, where `ps` shows it.
                QFile file(parser.value(tokenFileOption));
                if (file.open(QIODevice::ReadOnly))
                    attachment.token = QString::fromUtf8(file.readAll()).trimmed();
                else
                    tidemark::logger("app.monitor")
                            ->error("--token-file {}: {}", file.fileName(), file.errorString());
            }
            attachActions->attach(attachment);
        }
    } else if (!projectPath.isEmpty()) {
        session.open(projectPath);
    }

    // exit() during the message box's loop ends that loop only; a later exec() would run on.
    const int code = screenshotExit ? *screenshotExit : QApplication::exec();
    session.close();
    return code;
}
