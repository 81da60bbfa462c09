#include "mappingeditor.h"

#include "catalogcolumnsmodel.h"
#include "formfields.h"
#include "formproblems.h"
#include "project/projectloader.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QTableView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace tidemark {

namespace {

void fillConnections(QComboBox *combo, const Project &project)
{
    for (const ConnectionConfig &c : project.connections)
        combo->addItem(u"%1 (%2)"_s.arg(c.name, driverKindName(c.driver)), c.name);
}

} // namespace

MappingEditor::MappingEditor(const Project &project, int index, QWidget *parent)
    : QDialog(parent)
    , m_project(project)
    , m_index(index < 0 || index >= project.mappings.size() ? int(project.mappings.size()) : index)
    , m_catalog(new CatalogReader(this))
    , m_model(new CatalogColumnsModel(this))
{
    setObjectName(u"mappingEditor"_s);
    if (m_index < m_project.mappings.size()) {
        m_original = m_project.mappings.at(m_index);
    } else if (!m_project.mappings.isEmpty()) {
        // Most projects read every table from one source into one mirror: start from the
        // connections of the last mapping.
        m_original.source.connection = m_project.mappings.constLast().source.connection;
        m_original.mirror.connection = m_project.mappings.constLast().mirror.connection;
    } else {
        // The first two connections in name order; the user picks if that is wrong.
        const QStringList names = m_project.connections.keys();
        if (!names.isEmpty())
            m_original.source.connection = names.constFirst();
        if (names.size() > 1)
            m_original.mirror.connection = names.at(1);
        else if (!names.isEmpty())
            m_original.mirror.connection = names.constFirst();
    }
    setWindowTitle(m_original.name.isEmpty() ? tr("New mapping")
                                             : tr("Mapping %1").arg(m_original.name));
    buildForm();

    m_name->setText(m_original.name);
    m_sourceConnection->setCurrentIndex(m_sourceConnection->findData(m_original.source.connection));
    m_sourceTable->setEditText(m_original.source.table);
    m_mirrorConnection->setCurrentIndex(m_mirrorConnection->findData(m_original.mirror.connection));
    m_mirrorTable->setText(m_original.mirror.table);
    if (m_original.mirror.table == m_original.source.table)
        m_followedMirror = m_original.mirror.table;
    setCursorChoices({}, m_original.cursorColumn);
    m_deletes->setCurrentIndex(m_original.deletes == DeletePolicy::Sweep ? 0 : 1);
    m_interval->setValue(m_original.intervalS);
    m_batchRows->setValue(m_original.batchRows);
    m_lookback->setValue(int(m_original.lookback));
    m_maxSweepFraction->setValue(m_original.maxSweepFraction);
    m_sweepInterval->setValue(m_original.sweepIntervalS);

    connect(m_catalog, &CatalogReader::tablesRead, this, &MappingEditor::handleTablesRead);
    connect(m_catalog, &CatalogReader::tableRead, this, &MappingEditor::handleTableRead);
    connect(m_sourceConnection, &QComboBox::currentIndexChanged, this,
            &MappingEditor::handleSourceConnectionChanged);
    connect(m_sourceTable, &QComboBox::activated, this, &MappingEditor::handleTableChosen);
    connect(m_sourceTable->lineEdit(), &QLineEdit::editingFinished, this,
            &MappingEditor::handleTableChosen);
    connect(m_cursor, &QComboBox::currentTextChanged, this, &MappingEditor::updateCursorHint);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &MappingEditor::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &MappingEditor::reject);

    handleSourceConnectionChanged();
}

MappingEditor::~MappingEditor() = default;

void MappingEditor::buildForm()
{
    auto *layout = new QVBoxLayout(this);
    auto *top = new QFormLayout;
    m_name = namedField(new QLineEdit(this), u"nameEdit"_s, tr("Name"),
                        tr("Identifies the mapping's checkpoint and its row in the monitor"));
    top->addRow(tr("&Name:"), m_name);
    layout->addLayout(top);

    auto *sourceBox = new QGroupBox(tr("Source"), this);
    auto *source = new QVBoxLayout(sourceBox);
    auto *sourceForm = new QFormLayout;
    m_sourceConnection =
            namedField(new QComboBox(this), u"sourceConnectionCombo"_s, tr("Source connection"));
    fillConnections(m_sourceConnection, m_project);
    sourceForm->addRow(tr("&Connection:"), m_sourceConnection);
    m_sourceTable = namedField(new QComboBox(this), u"sourceTableCombo"_s, tr("Source table"),
                               tr("Tables and views of the source connection, from its catalog"));
    m_sourceTable->setEditable(true);
    m_sourceTable->setInsertPolicy(QComboBox::NoInsert);
    sourceForm->addRow(tr("&Table:"), m_sourceTable);
    source->addLayout(sourceForm);
    m_catalogStatus = namedField(new QLabel(this), u"catalogStatus"_s, tr("Catalog status"));
    m_catalogStatus->setWordWrap(true);
    m_catalogStatus->setTextInteractionFlags(Qt::TextSelectableByMouse);
    source->addWidget(m_catalogStatus);
    m_columns = namedField(new QTableView(this), u"columnsView"_s, tr("Columns"));
    m_columns->setModel(m_model);
    m_columns->verticalHeader()->hide();
    m_columns->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_columns->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_columns->horizontalHeader()->setSectionResizeMode(CatalogColumnsModel::NameColumn,
                                                        QHeaderView::Stretch);
    // Compact rows, and room for eight of them: the table is what the user reads here.
    m_columns->verticalHeader()->setDefaultSectionSize(m_columns->fontMetrics().height() + 8);
    m_columns->setMinimumHeight(9 * (m_columns->fontMetrics().height() + 8) + 4);
    source->addWidget(m_columns, 1);
    auto *cursorForm = new QFormLayout;
    m_cursor = namedField(new QComboBox(this), u"cursorCombo"_s, tr("Cursor"),
                          tr("A column whose value grows whenever a row is inserted or updated; "
                             "incremental passes read the rows past the checkpoint by it"));
    m_cursor->setEditable(true);
    m_cursor->setInsertPolicy(QComboBox::NoInsert);
    m_cursor->lineEdit()->setPlaceholderText(tr("none: full keyset passes only"));
    cursorForm->addRow(tr("C&ursor column:"), m_cursor);
    m_cursorHint = new QLabel(this);
    m_cursorHint->setObjectName(u"cursorHint"_s);
    m_cursorHint->setWordWrap(true);
    cursorForm->addRow(QString(), m_cursorHint);
    source->addLayout(cursorForm);
    layout->addWidget(sourceBox, 1);

    auto *mirrorBox = new QGroupBox(tr("Mirror"), this);
    auto *mirror = new QFormLayout(mirrorBox);
    m_mirrorConnection =
            namedField(new QComboBox(this), u"mirrorConnectionCombo"_s, tr("Mirror connection"));
    fillConnections(m_mirrorConnection, m_project);
    mirror->addRow(tr("C&onnection:"), m_mirrorConnection);
    m_mirrorTable = namedField(new QLineEdit(this), u"mirrorTableEdit"_s, tr("Mirror table"),
                               tr("Created from the source's columns when it does not exist yet"));
    mirror->addRow(tr("T&able:"), m_mirrorTable);
    layout->addWidget(mirrorBox);

    auto *tuningBox = new QGroupBox(tr("Schedule and safety"), this);
    auto *tuning = new QFormLayout(tuningBox);
    m_deletes = namedField(new QComboBox(this), u"deletesCombo"_s, tr("Deletes"));
    m_deletes->addItem(tr("Sweep: remove mirror rows whose key is gone from the source"));
    m_deletes->addItem(tr("None: keep rows deleted in the source"));
    tuning->addRow(tr("&Deletes:"), m_deletes);
    m_interval = newSpinBox(this, u"intervalSpin"_s, tr("Sync interval"), 1, 7 * 24 * 3600,
                            tr(" s"), tr("How often the mapping is synced"));
    tuning->addRow(tr("&Sync every:"), m_interval);
    m_batchRows = newSpinBox(this, u"batchRowsSpin"_s, tr("Batch rows"), 1, 1'000'000, tr(" rows"),
                             tr("Rows written per transaction"));
    tuning->addRow(tr("&Batch:"), m_batchRows);
    m_lookback = newSpinBox(
            this, u"lookbackSpin"_s, tr("Lookback"), 0, 30 * 24 * 3600, QString(),
            tr("How far behind the checkpoint each pass looks again, for rows that commit late: "
               "seconds for a timestamp cursor, units for an integer one"));
    tuning->addRow(tr("&Lookback:"), m_lookback);
    m_maxSweepFraction =
            namedField(new QDoubleSpinBox(this), u"maxSweepFractionSpin"_s, tr("Largest sweep"),
                       tr("A sweep that would delete more than this share of the "
                          "mirror table is refused unless forced"));
    m_maxSweepFraction->setRange(0.01, 1.0);
    m_maxSweepFraction->setSingleStep(0.05);
    m_maxSweepFraction->setDecimals(2);
    tuning->addRow(tr("Largest s&weep:"), m_maxSweepFraction);
    m_sweepInterval = newSpinBox(
            this, u"sweepIntervalSpin"_s, tr("Sweep interval"), 0, 7 * 24 * 3600, tr(" s"),
            tr("How often orphans are swept on their own; 0: only on request"));
    m_sweepInterval->setSpecialValueText(tr("only on request"));
    tuning->addRow(tr("S&weep every:"), m_sweepInterval);
    layout->addWidget(tuningBox);

    m_error = newProblemLabel(this);
    m_error->setAccessibleName(tr("Problem"));
    layout->addWidget(m_error);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->setObjectName(u"buttons"_s);
    layout->addWidget(m_buttons);
    resize(680, 860);
}

QString MappingEditor::catalogStatus() const
{
    return m_catalogStatus->text();
}

void MappingEditor::handleSourceConnectionChanged()
{
    const QString name = m_sourceConnection->currentData().toString();
    const auto it = m_project.connections.constFind(name);
    if (it == m_project.connections.constEnd())
        return;
    m_loadedTable.clear();
    m_catalogStatus->setStyleSheet(QString());
    m_catalogStatus->setText(tr("Reading the tables of connection '%1'…").arg(name));
    m_catalog->requestTables(*it);
    if (!m_sourceTable->currentText().trimmed().isEmpty())
        handleTableChosen();
}

void MappingEditor::handleTablesRead(const CatalogTables &result)
{
    const QString current = m_sourceTable->currentText();
    m_sourceTable->clear();
    m_sourceTable->addItems(result.tables);
    m_sourceTable->setEditText(current);
    if (!result.error.isEmpty()) {
        m_catalogStatus->setStyleSheet(FormErrorStyle);
        m_catalogStatus->setText(tr("Could not read the catalog: %1").arg(result.error));
    } else if (!m_catalog->isBusy()) {
        m_catalogStatus->setText(
                tr("%1 tables and views in connection '%2'; choose one.")
                        .arg(QString::number(result.tables.size()), result.connection));
    }
    Q_EMIT tablesLoaded();
}

void MappingEditor::handleTableChosen()
{
    const QString table = m_sourceTable->currentText().trimmed();
    const QString connection = m_sourceConnection->currentData().toString();
    if (table.isEmpty() || table == m_loadedTable || !m_project.connections.contains(connection))
        return;
    const QString mirror = m_mirrorTable->text().trimmed();
    if (mirror.isEmpty() || mirror == m_followedMirror) {
        m_mirrorTable->setText(table);
        m_followedMirror = table;
    }
    m_loadedTable = table;
    m_catalogStatus->setStyleSheet(QString());
    m_catalogStatus->setText(tr("Reading table '%1'…").arg(table));
    m_catalog->requestTable(m_project.connections.value(connection), table);
}

void MappingEditor::handleTableRead(const CatalogTable &result)
{
    const TableSchema &schema = result.schema;
    if (schema.table != m_loadedTable)
        return;
    if (!result.error.isEmpty() || !schema.exists()) {
        m_model->clear();
        setCursorChoices({}, m_cursor->currentText());
        m_catalogStatus->setStyleSheet(FormErrorStyle);
        m_catalogStatus->setText(
                result.error.isEmpty()
                        ? tr("Connection '%1' has no table '%2'.")
                                  .arg(result.connection, schema.table)
                        : tr("Could not read table '%1': %2").arg(schema.table, result.error));
        Q_EMIT tableLoaded();
        return;
    }
    m_suggestion = suggestCursor(schema);
    const bool same = schema.table == m_original.source.table
            && result.connection == m_original.source.connection;
    if (same) {
        // The mapping's own choices stand; the suggestions are only shown.
        m_model->setSchema(schema, m_original.key.isEmpty() ? schema.primaryKey : m_original.key,
                           m_original.columns);
        setCursorChoices(schema.columnNames(), m_original.cursorColumn);
    } else {
        m_model->setSchema(schema, suggestKey(schema), {});
        setCursorChoices(schema.columnNames(), m_suggestion.column);
    }
    m_catalogStatus->setStyleSheet(QString());
    m_catalogStatus->setText(
            tr("'%1': %2 columns; %3.")
                    .arg(schema.table, QString::number(schema.columns.size()),
                         schema.primaryKey.isEmpty()
                                 ? tr("no primary key, so tick the column(s) that identify a row")
                                 : tr("primary key (%1)").arg(schema.primaryKey.join(u", "_s))));
    Q_EMIT tableLoaded();
}

void MappingEditor::setCursorChoices(const QStringList &columns, const QString &current)
{
    m_cursor->blockSignals(true);
    m_cursor->clear();
    m_cursor->addItem(QString());
    m_cursor->addItems(columns);
    m_cursor->setEditText(current);
    m_cursor->blockSignals(false);
    updateCursorHint();
}

void MappingEditor::updateCursorHint()
{
    const QString current = m_cursor->currentText().trimmed();
    if (!m_model->schema().exists()) {
        m_cursorHint->setText(QString());
    } else if (m_suggestion.column.isEmpty()) {
        m_cursorHint->setText(tr("No column looks like a cursor (a timestamp or version that grows "
                                 "on every update). Without one, the mapping is synced by full "
                                 "keyset passes only."));
    } else if (current == m_suggestion.column) {
        m_cursorHint->setText(tr("Suggested: %1 is %2.").arg(current, m_suggestion.reason));
    } else {
        m_cursorHint->setText(
                tr("Suggested: %1, %2.").arg(m_suggestion.column, m_suggestion.reason));
    }
    m_cursorHint->setVisible(!m_cursorHint->text().isEmpty());
    // lookback_s counts seconds behind a time cursor, cursor units behind an integer one.
    const ColumnInfo *cursor = m_model->schema().column(current);
    m_lookback->setSuffix(cursor && cursor->valueClass == ValueClass::Integer ? tr(" units")
                                                                              : tr(" s"));
}

MappingConfig MappingEditor::mapping() const
{
    MappingConfig m = m_original;
    m.name = m_name->text().trimmed();
    m.source = {m_sourceConnection->currentData().toString(),
                m_sourceTable->currentText().trimmed()};
    m.mirror = {m_mirrorConnection->currentData().toString(), m_mirrorTable->text().trimmed()};
    const TableSchema &schema = m_model->schema();
    if (schema.exists() && schema.table == m.source.table) {
        // Written out only where they differ from the defaults, so a column added to the
        // source later is copied too, as "columns" left out promises.
        const QStringList key = m_model->keyColumns();
        m.key = key == schema.primaryKey ? QStringList() : key;
        m.columns = m_model->allCopied() ? QStringList() : m_model->copiedColumns();
    }
    m.cursorColumn = m_cursor->currentText().trimmed();
    m.deletes = m_deletes->currentIndex() == 0 ? DeletePolicy::Sweep : DeletePolicy::None;
    m.intervalS = m_interval->value();
    m.batchRows = m_batchRows->value();
    m.lookback = m_lookback->value();
    m.maxSweepFraction = m_maxSweepFraction->value();
    m.sweepIntervalS = m_sweepInterval->value();
    return m;
}

QWidget *MappingEditor::fieldWidget(const QString &path) const
{
    const QString head = path.section(u'.', 0, 0);
    if (path == u"source.connection"_s)
        return m_sourceConnection;
    if (head == u"source"_s)
        return m_sourceTable;
    if (path == u"mirror.connection"_s)
        return m_mirrorConnection;
    if (head == u"mirror"_s)
        return m_mirrorTable;
    if (head.startsWith(u"key"_s) || head.startsWith(u"columns"_s))
        return m_columns;
    if (head == u"cursor"_s)
        return m_cursor;
    if (head == u"deletes"_s)
        return m_deletes;
    if (head == u"interval_s"_s)
        return m_interval;
    if (head == u"batch_rows"_s)
        return m_batchRows;
    if (head.startsWith(u"lookback"_s))
        return m_lookback;
    if (head == u"max_sweep_fraction"_s)
        return m_maxSweepFraction;
    if (head == u"sweep_interval_s"_s)
        return m_sweepInterval;
    return m_name;
}

QStringList MappingEditor::validate()
{
    const MappingConfig m = mapping();
    FormProblems problems;
    // A problem is named by the field's accessible name, what a screen reader calls it too.
    const auto add = [&](QWidget *field, const QString &message) {
        problems.add(field->accessibleName(), field, message);
    };
    const TableSchema &schema = m_model->schema();
    if (schema.exists() && schema.table == m.source.table && m_model->keyColumns().isEmpty())
        add(m_columns,
            schema.primaryKey.isEmpty()
                    ? tr("the table has no primary key; tick the Key column(s) that identify a row")
                    : tr("tick the Key column(s) rows are matched by"));

    Project probe = m_project;
    if (m_index < probe.mappings.size())
        probe.mappings[m_index] = m;
    else
        probe.mappings.append(m);
    const ProjectLoadResult loaded = ProjectLoader::loadBytes(
            ProjectLoader::toJson(probe), probe.filePath.isEmpty()
                    ? probe.folder + u"/tidemark.json"_s
                    : probe.filePath);
    const QString prefix = u"mappings[%1]"_s.arg(m_index);
    for (const ProjectError &e : loaded.errors) {
        if (e.where != prefix && !e.where.startsWith(prefix + u'.'))
            continue; // another mapping's or a connection's problem: not this dialog's
        add(fieldWidget(e.where.mid(prefix.size() + 1)), e.message);
    }
    return problems.show(m_error);
}

void MappingEditor::accept()
{
    if (!validate().isEmpty())
        return;
    QDialog::accept();
}

} // namespace tidemark
