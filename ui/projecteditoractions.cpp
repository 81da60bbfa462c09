#include "projecteditoractions.h"

#include "filemenu.h"

#include "projecteditor.h"
#include "project/projectloader.h"
#include "recentprojects.h"

#include <QAction>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMainWindow>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QSaveFile>
#include <QStatusBar>

using namespace Qt::StringLiterals;

namespace tidemark {

ProjectEditorActions::ProjectEditorActions(QMainWindow *window, PasswordStore *store)
    : QObject(window)
    , m_window(window)
    , m_store(store)
{
    m_chooseSaveFile = [this](const QString &suggested) {
        return QFileDialog::getSaveFileName(m_window, tr("Save project as"), suggested,
                                            tr("Tidemark projects (*.json)"));
    };
    install();
    updateActions();
}

ProjectEditorActions::~ProjectEditorActions() = default;

void ProjectEditorActions::install()
{
    const auto newAction = [this](const QString &text, const QString &objectName,
                                  const QKeySequence &shortcut, const QString &statusTip) {
        auto *action = new QAction(text, this);
        action->setObjectName(objectName);
        action->setShortcut(shortcut);
        action->setStatusTip(statusTip);
        return action;
    };
    m_newAction = newAction(tr("&New project…"), u"newProjectAction"_s, QKeySequence::New,
                            tr("Start a project file with its connections and mappings"));
    connect(m_newAction, &QAction::triggered, this, &ProjectEditorActions::handleNew);
    m_editAction = newAction(tr("&Edit project…"), u"editProjectAction"_s,
                             QKeySequence(Qt::CTRL | Qt::Key_E),
                             tr("Edit the project's connections and mappings"));
    connect(m_editAction, &QAction::triggered, this, &ProjectEditorActions::openEditor);
    m_saveAction = newAction(tr("&Save project"), u"saveProjectAction"_s, QKeySequence::Save,
                             tr("Write the edited project and restart the engine on it"));
    connect(m_saveAction, &QAction::triggered, this, &ProjectEditorActions::handleSave);
    m_saveAsAction =
            newAction(tr("Save project &as…"), u"saveProjectAsAction"_s, QKeySequence::SaveAs,
                      tr("Write the project to another file and open that one"));
    connect(m_saveAsAction, &QAction::triggered, this, &ProjectEditorActions::handleSaveAs);

    m_recentMenu = new QMenu(tr("Open &recent"), m_window);
    m_recentMenu->setObjectName(u"recentProjectsMenu"_s);
    connect(m_recentMenu, &QMenu::aboutToShow, this, &ProjectEditorActions::rebuildRecentMenu);
    rebuildRecentMenu();

    // After the window's own Open…, before whatever follows it (Quit).
    const FileMenuSlot slot = fileMenuAfterOpen(m_window);
    QMenu *file = slot.menu;
    QAction *before = slot.before;
    file->insertMenu(before, m_recentMenu);
    file->insertSeparator(before);
    file->insertActions(before, {m_newAction, m_editAction, m_saveAction, m_saveAsAction});
}

void ProjectEditorActions::rebuildRecentMenu()
{
    m_recentMenu->clear();
    const QStringList paths = RecentProjects::paths();
    for (qsizetype i = 0; i < paths.size(); ++i) {
        const QString path = paths.at(i);
        QAction *a = m_recentMenu->addAction(
                u"&%1 %2"_s.arg(QString::number(i + 1), QDir::toNativeSeparators(path)));
        connect(a, &QAction::triggered, this, [this, path] { Q_EMIT openProjectRequested(path); });
    }
    if (paths.isEmpty()) {
        m_recentMenu->addAction(tr("No recent projects"))->setEnabled(false);
        return;
    }
    m_recentMenu->addSeparator();
    connect(m_recentMenu->addAction(tr("&Clear the list")), &QAction::triggered, this,
            [] { RecentProjects::clear(); });
}

void ProjectEditorActions::updateActions()
{
    m_editAction->setEnabled(m_project.has_value());
    m_saveAction->setEnabled(m_project.has_value() && m_modified);
    m_saveAsAction->setEnabled(m_project.has_value());
}

void ProjectEditorActions::setProject(const Project &project)
{
    m_project = project;
    m_modified = false;
    if (!project.filePath.isEmpty())
        RecentProjects::add(project.filePath);
    rebuildRecentMenu();
    updateActions();
}

void ProjectEditorActions::clearProject()
{
    m_project.reset();
    m_modified = false;
    updateActions();
}

void ProjectEditorActions::applyEdit(const Project &edited)
{
    if (m_project && *m_project == edited)
        return;
    m_project = edited;
    m_modified = true;
    updateActions();
    if (m_window->statusBar())
        m_window->statusBar()->showMessage(
                tr("The project has unsaved changes: File > Save project applies them."), 10000);
}

ProjectEditor *ProjectEditorActions::openEditor()
{
    if (!m_project)
        return nullptr;
    auto *editor = new ProjectEditor(*m_project, m_store, m_window);
    editor->setAttribute(Qt::WA_DeleteOnClose);
    connect(editor, &QDialog::accepted, this, [this, editor] {
        applyEdit(editor->project());
        // A new project has no file yet: Save As is the only way on.
        if (m_project && m_project->filePath.isEmpty())
            handleSaveAs();
    });
    editor->open();
    return editor;
}

void ProjectEditorActions::handleNew()
{
    Project project;
    project.folder = QDir::homePath();
    m_project = project;
    m_modified = true;
    updateActions();
    openEditor();
}

QStringList ProjectEditorActions::saveTo(const QString &path)
{
    if (!m_project)
        return {tr("no project to save")};
    const QFileInfo info(path);
    Project project = *m_project;
    project.filePath = QDir::cleanPath(info.absoluteFilePath());
    // SQLite paths stay where they are; toJson writes them relative to the new folder when
    // they are inside it.
    project.folder = QDir::cleanPath(info.absolutePath());
    const QByteArray json = ProjectLoader::toJson(project);
    const ProjectLoadResult check = ProjectLoader::loadBytes(json, project.filePath);
    QStringList problems;
    for (const ProjectError &e : check.errors)
        problems << e.toString();
    if (!problems.isEmpty())
        return problems;
    // QSaveFile: a crash or a full disk halfway leaves the old file, not half a project.
    QSaveFile file(project.filePath);
    if (!file.open(QIODevice::WriteOnly) || file.write(json) != json.size() || !file.commit())
        return {tr("%1: cannot write the project file: %2")
                        .arg(project.filePath, file.errorString())};
    m_project = *check.project;
    m_modified = false;
    RecentProjects::add(project.filePath);
    updateActions();
    Q_EMIT openProjectRequested(project.filePath);
    return {};
}

void ProjectEditorActions::handleSave()
{
    if (!m_project)
        return;
    if (m_project->filePath.isEmpty()) {
        handleSaveAs();
        return;
    }
    report(tr("Project not saved"), saveTo(m_project->filePath));
}

void ProjectEditorActions::handleSaveAs()
{
    if (!m_project)
        return;
    const QString suggested = m_project->filePath.isEmpty()
            ? QDir(m_project->folder).filePath(u"tidemark.json"_s)
            : m_project->filePath;
    const QString path = m_chooseSaveFile(suggested);
    if (path.isEmpty())
        return;
    report(tr("Project not saved"), saveTo(path));
}

void ProjectEditorActions::report(const QString &title, const QStringList &problems)
{
    if (problems.isEmpty())
        return;
    auto *box = new QMessageBox(QMessageBox::Critical, title, tr("The project was not saved:"),
                                QMessageBox::Ok, m_window);
    box->setObjectName(u"saveErrors"_s);
    box->setInformativeText(u"• "_s + problems.join(u"\n• "_s));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

} // namespace tidemark
