#include "projecteditor.h"

#include "connectioneditor.h"
#include "formproblems.h"
#include "mappingeditor.h"
#include "project/projectloader.h"

#include <QCoreApplication>
#include <QDialogButtonBox>
#include <QDir>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace tidemark {

namespace {

// A list with Add / Edit / Remove beside it.
// `what` names the objects ("addConnection"); `whatText` is what the buttons' accessible names
// read ("Add Connection").
QListWidget *listWithButtons(QWidget *parent, QGroupBox *box, const QString &what,
                             const QString &whatText, QPushButton **add, QPushButton **edit,
                             QPushButton **remove)
{
    auto *layout = new QHBoxLayout(box);
    auto *list = new QListWidget(parent);
    list->setObjectName(what + u"List"_s);
    list->setAccessibleName(box->title());
    layout->addWidget(list, 1);
    auto *buttons = new QVBoxLayout;
    *add = new QPushButton(QCoreApplication::translate("tidemark::ProjectEditor", "&Add…"), parent);
    *edit = new QPushButton(QCoreApplication::translate("tidemark::ProjectEditor", "&Edit…"),
                            parent);
    *remove = new QPushButton(QCoreApplication::translate("tidemark::ProjectEditor", "&Remove"),
                              parent);
    (*add)->setAccessibleName(
            QCoreApplication::translate("tidemark::ProjectEditor", "Add %1").arg(whatText));
    (*edit)->setAccessibleName(
            QCoreApplication::translate("tidemark::ProjectEditor", "Edit %1").arg(whatText));
    (*remove)->setAccessibleName(
            QCoreApplication::translate("tidemark::ProjectEditor", "Remove %1").arg(whatText));
    for (QPushButton *b : {*add, *edit, *remove})
        buttons->addWidget(b);
    (*add)->setObjectName(u"add"_s + what);
    (*edit)->setObjectName(u"edit"_s + what);
    (*remove)->setObjectName(u"remove"_s + what);
    buttons->addStretch(1);
    layout->addLayout(buttons);
    return list;
}

} // namespace

ProjectEditor::ProjectEditor(const Project &project, PasswordStore *store, QWidget *parent)
    : QDialog(parent)
    , m_project(project)
    , m_store(store)
{
    setObjectName(u"projectEditor"_s);
    setWindowTitle(tr("Edit project"));
    auto *layout = new QVBoxLayout(this);
    m_path = new QLabel(this);
    m_path->setObjectName(u"pathLabel"_s);
    m_path->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_path);

    QPushButton *addConnection = nullptr, *editConnection = nullptr, *removeConnection = nullptr;
    auto *connectionsBox = new QGroupBox(tr("Connections"), this);
    m_connections = listWithButtons(this, connectionsBox, u"Connection"_s, tr("Connection"),
                                    &addConnection, &editConnection, &removeConnection);
    layout->addWidget(connectionsBox);
    QPushButton *addMapping = nullptr, *editMapping = nullptr, *removeMapping = nullptr;
    auto *mappingsBox = new QGroupBox(tr("Mappings"), this);
    m_mappings = listWithButtons(this, mappingsBox, u"Mapping"_s, tr("Mapping"), &addMapping,
                                 &editMapping, &removeMapping);
    layout->addWidget(mappingsBox);

    m_error = newProblemLabel(this);
    layout->addWidget(m_error);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    layout->addWidget(m_buttons);

    const auto currentConnection = [this] {
        const QListWidgetItem *item = m_connections->currentItem();
        return item ? item->data(Qt::UserRole).toString() : QString();
    };
    connect(addConnection, &QPushButton::clicked, this, [this] { this->editConnection({}); });
    connect(editConnection, &QPushButton::clicked, this, [this, currentConnection] {
        if (const QString name = currentConnection(); !name.isEmpty())
            this->editConnection(name);
    });
    connect(m_connections, &QListWidget::itemActivated, this, [this](QListWidgetItem *item) {
        this->editConnection(item->data(Qt::UserRole).toString());
    });
    connect(removeConnection, &QPushButton::clicked, this, [this, currentConnection] {
        if (const QString name = currentConnection(); !name.isEmpty())
            this->removeConnection(name);
    });
    connect(addMapping, &QPushButton::clicked, this, [this] { this->editMapping(-1); });
    connect(editMapping, &QPushButton::clicked, this, [this] {
        if (m_mappings->currentRow() >= 0)
            this->editMapping(m_mappings->currentRow());
    });
    connect(m_mappings, &QListWidget::itemActivated, this,
            [this] { this->editMapping(m_mappings->currentRow()); });
    connect(removeMapping, &QPushButton::clicked, this, [this] {
        if (m_mappings->currentRow() >= 0)
            this->removeMapping(m_mappings->currentRow());
    });
    connect(m_buttons, &QDialogButtonBox::accepted, this, &ProjectEditor::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &ProjectEditor::reject);
    resize(620, 520);
    refresh();
}

ProjectEditor::~ProjectEditor() = default;

void ProjectEditor::refresh()
{
    m_path->setText(m_project.filePath.isEmpty() ? tr("New project (not saved yet)")
                                                 : tr("Project file: %1").arg(m_project.filePath));
    const int connectionRow = m_connections->currentRow();
    m_connections->clear();
    for (const ConnectionConfig &c : std::as_const(m_project.connections)) {
        auto *item = new QListWidgetItem(c.describe().mid(QStringLiteral("connection ").size()),
                                         m_connections);
        item->setData(Qt::UserRole, c.name);
    }
    m_connections->setCurrentRow(std::min(connectionRow, m_connections->count() - 1));
    const int mappingRow = m_mappings->currentRow();
    m_mappings->clear();
    for (const MappingConfig &m : std::as_const(m_project.mappings))
        m_mappings->addItem(u"%1: %2.%3 → %4.%5%6"_s.arg(
                m.name, m.source.connection, m.source.table, m.mirror.connection, m.mirror.table,
                m.hasCursor() ? u' ' + tr("(cursor %1)").arg(m.cursorColumn) : QString()));
    m_mappings->setCurrentRow(std::min(mappingRow, m_mappings->count() - 1));
}

void ProjectEditor::showProblem(const QString &text)
{
    m_error->setText(text);
    m_error->setVisible(!text.isEmpty());
}

ConnectionEditor *ProjectEditor::editConnection(const QString &name)
{
    const ConnectionConfig original = m_project.connections.value(name);
    auto *editor = new ConnectionEditor(original, m_project.connections.keys(), m_project.folder,
                                        m_store, this);
    editor->setAttribute(Qt::WA_DeleteOnClose);
    connect(editor, &QDialog::accepted, this, [this, editor, name] {
        const ConnectionConfig edited = editor->connection();
        if (!name.isEmpty() && name != edited.name) {
            m_project.connections.remove(name);
            // A rename carries the mappings along; they would otherwise point at nothing.
            for (MappingConfig &m : m_project.mappings) {
                if (m.source.connection == name)
                    m.source.connection = edited.name;
                if (m.mirror.connection == name)
                    m.mirror.connection = edited.name;
            }
        }
        m_project.connections.insert(edited.name, edited);
        showProblem({});
        refresh();
        Q_EMIT projectEdited();
    });
    editor->open();
    return editor;
}

MappingEditor *ProjectEditor::editMapping(int index)
{
    if (m_project.connections.isEmpty()) {
        showProblem(tr("Add a connection first: a mapping reads from one and writes to another."));
        return nullptr;
    }
    auto *editor = new MappingEditor(m_project, index, this);
    editor->setAttribute(Qt::WA_DeleteOnClose);
    connect(editor, &QDialog::accepted, this, [this, editor, index] {
        const MappingConfig edited = editor->mapping();
        if (index >= 0 && index < m_project.mappings.size())
            m_project.mappings[index] = edited;
        else
            m_project.mappings.append(edited);
        showProblem({});
        refresh();
        Q_EMIT projectEdited();
    });
    editor->open();
    return editor;
}

bool ProjectEditor::removeConnection(const QString &name)
{
    QStringList users;
    for (const MappingConfig &m : std::as_const(m_project.mappings)) {
        if (m.source.connection == name || m.mirror.connection == name)
            users << m.name;
    }
    if (!users.isEmpty()) {
        showProblem(tr("Connection '%1' is used by mapping(s) %2; remove or change them first.")
                            .arg(name, users.join(u", "_s)));
        return false;
    }
    m_project.connections.remove(name);
    showProblem({});
    refresh();
    Q_EMIT projectEdited();
    return true;
}

void ProjectEditor::removeMapping(int index)
{
    if (index < 0 || index >= m_project.mappings.size())
        return;
    m_project.mappings.removeAt(index);
    showProblem({});
    refresh();
    Q_EMIT projectEdited();
}

QStringList ProjectEditor::validate()
{
    const QString path = m_project.filePath.isEmpty()
            ? (m_project.folder.isEmpty() ? QDir::currentPath() : m_project.folder)
                    + u"/tidemark.json"_s
            : m_project.filePath;
    const ProjectLoadResult loaded =
            ProjectLoader::loadBytes(ProjectLoader::toJson(m_project), path);
    QStringList problems;
    for (const ProjectError &e : loaded.errors)
        problems << (e.where.isEmpty() ? e.message : e.where + u": "_s + e.message);
    showProblem(problems.join(u'\n'));
    return problems;
}

void ProjectEditor::accept()
{
    if (!validate().isEmpty())
        return;
    QDialog::accept();
}

} // namespace tidemark
