#pragma once
// The File menu's project entries: Open Recent, New project, Edit project, Save and Save As.
// It keeps the project being edited (a copy of the one the engine runs) and, after a save,
// asks the application to open the saved file, which restarts the engine on it.

#include "project/projectconfig.h"

#include <QObject>

#include <functional>
#include <optional>

class QAction;
class QMainWindow;
class QMenu;

namespace tidemark {

class PasswordStore;
class ProjectEditor;

class ProjectEditorActions : public QObject
{
    Q_OBJECT
public:
    // Adds the entries to `window`'s File menu (the QMenu named "fileMenu"), after its Open
    // action. `store` is not owned.
    ProjectEditorActions(QMainWindow *window, PasswordStore *store);
    ~ProjectEditorActions() override;

    // The application opened `project`: it becomes the one edited and the newest recent entry.
    void setProject(const Project &project);
    // The monitor attached to a service instead: there is no local project to edit or save.
    void clearProject();
    const std::optional<Project> &project() const { return m_project; }
    bool isModified() const { return m_modified; }

    // Replaces the edited project (what Edit project's OK does).
    void applyEdit(const Project &edited);
    // Writes the project to `path` (after the loader accepts it) and asks to open it. Returns
    // the problems that prevented it, empty on success.
    QStringList saveTo(const QString &path);

    // The file choosers; tests replace them. Empty: cancelled.
    using FileChooser = std::function<QString(const QString &suggested)>;
    void setSaveFileChooser(FileChooser chooser) { m_chooseSaveFile = std::move(chooser); }

    ProjectEditor *openEditor();

    QAction *newAction() const { return m_newAction; }
    QAction *editAction() const { return m_editAction; }
    QAction *saveAction() const { return m_saveAction; }
    QAction *saveAsAction() const { return m_saveAsAction; }
    QMenu *recentMenu() const { return m_recentMenu; }

Q_SIGNALS:
    // Open (or reopen after a save) this project file; the application loads it and restarts
    // the engine on it.
    void openProjectRequested(const QString &path);

private:
    void install();
    void rebuildRecentMenu();
    void handleNew();
    void handleSave();
    void handleSaveAs();
    void updateActions();
    void report(const QString &title, const QStringList &problems);

    QMainWindow *m_window;
    PasswordStore *m_store;
    std::optional<Project> m_project;
    bool m_modified = false;
    FileChooser m_chooseSaveFile;

    QAction *m_newAction = nullptr;
    QAction *m_editAction = nullptr;
    QAction *m_saveAction = nullptr;
    QAction *m_saveAsAction = nullptr;
    QMenu *m_recentMenu = nullptr;
};

} // namespace tidemark
