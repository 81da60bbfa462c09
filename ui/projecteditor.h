#pragma once
// The project editor: the project's connections and mappings, each added, edited (in the
// connection and mapping editors) or removed. It edits a copy; the caller takes project()
// when the dialog is accepted, and only a project the loader accepts can be accepted.

#include "project/projectconfig.h"

#include <QDialog>
#include <QPointer>

class QDialogButtonBox;
class QLabel;
class QListWidget;
class QPushButton;

namespace tidemark {

class ConnectionEditor;
class MappingEditor;
class PasswordStore;

class ProjectEditor : public QDialog
{
    Q_OBJECT
public:
    ProjectEditor(const Project &project, PasswordStore *store, QWidget *parent = nullptr);
    ~ProjectEditor() override;

    const Project &project() const { return m_project; }

    // Open the sub-editors window-modally (no nested event loop); their result is applied when
    // they are accepted. Empty name / -1: a new one.
    ConnectionEditor *editConnection(const QString &name);
    MappingEditor *editMapping(int index);
    // Refused, with the reason shown, when a mapping still uses the connection.
    bool removeConnection(const QString &name);
    void removeMapping(int index);

    // Problems the loader finds in the whole project ("where: message"); empty when it loads.
    QStringList validate();
    void accept() override;

Q_SIGNALS:
    void projectEdited();

private:
    void refresh();
    void showProblem(const QString &text);

    Project m_project;
    PasswordStore *m_store;
    QListWidget *m_connections = nullptr;
    QListWidget *m_mappings = nullptr;
    QLabel *m_path = nullptr;
    QLabel *m_error = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
};

} // namespace tidemark
