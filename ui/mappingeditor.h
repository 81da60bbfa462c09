#pragma once
// The mapping editor: pick a source table from the source connection's catalog, see its
// columns, choose which are copied and which form the key (the primary key is suggested), pick
// a cursor column (one named like updated_at / version is suggested), name the mirror table and
// tune the schedule. The catalog is read in the background (CatalogReader); a mapping the
// project loader would reject cannot be accepted, and the dialog names the field at fault.

#include "api/catalog.h"
#include "project/projectconfig.h"

#include <QDialog>

class QComboBox;
class QDialogButtonBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QSpinBox;
class QTableView;

namespace tidemark {

class CatalogColumnsModel;

class MappingEditor : public QDialog
{
    Q_OBJECT
public:
    // Edits `project.mappings[index]`, or a new mapping when `index` is -1. The project gives
    // the connections to choose from and the other mappings the loader checks against.
    MappingEditor(const Project &project, int index, QWidget *parent = nullptr);
    ~MappingEditor() override;

    MappingConfig mapping() const;

    // Problems the project loader (and the catalog) find, each "Field: message"; empty when
    // the mapping can be saved. Shown in the dialog with the field at fault focused.
    QStringList validate();

    CatalogColumnsModel *columnsModel() const { return m_model; }
    // True while the catalog is being read (tests wait for it).
    bool isReadingCatalog() const { return m_catalog->isBusy(); }
    QString catalogStatus() const;

    void accept() override;

Q_SIGNALS:
    void tablesLoaded();
    void tableLoaded();

private:
    void buildForm();
    void handleSourceConnectionChanged();
    void handleTableChosen();
    void handleTablesRead(const tidemark::CatalogTables &result);
    void handleTableRead(const tidemark::CatalogTable &result);
    void setCursorChoices(const QStringList &columns, const QString &current);
    void updateCursorHint();
    QWidget *fieldWidget(const QString &path) const;

    Project m_project;
    int m_index;
    MappingConfig m_original;
    CatalogReader *m_catalog;
    CatalogColumnsModel *m_model;
    QString m_loadedTable;      // the table whose schema the model shows
    QString m_followedMirror;   // the mirror name last filled in from the source table
    CursorSuggestion m_suggestion;

    QLineEdit *m_name = nullptr;
    QComboBox *m_sourceConnection = nullptr;
    QComboBox *m_sourceTable = nullptr;
    QLabel *m_catalogStatus = nullptr;
    QTableView *m_columns = nullptr;
    QComboBox *m_cursor = nullptr;
    QLabel *m_cursorHint = nullptr;
    QComboBox *m_mirrorConnection = nullptr;
    QLineEdit *m_mirrorTable = nullptr;
    QComboBox *m_deletes = nullptr;
    QSpinBox *m_interval = nullptr;
    QSpinBox *m_batchRows = nullptr;
    QSpinBox *m_lookback = nullptr;
    QDoubleSpinBox *m_maxSweepFraction = nullptr;
    QSpinBox *m_sweepInterval = nullptr;
    QLabel *m_error = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
};

} // namespace tidemark
