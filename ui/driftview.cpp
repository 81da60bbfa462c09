#include "driftview.h"

#include "displayformat.h"
#include "driftdiffmodel.h"
#include "driftrepairflow.h"
#include "driftsegmentmap.h"
#include "keyrangeedit.h"
#include "operationtext.h"
#include "drift/keytext.h"

#include <QComboBox>
#include <QCoreApplication>
#include <QFileDialog>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QTableView>
#include <QTableWidget>
#include <QToolButton>

using namespace Qt::StringLiterals;

namespace tidemark {

namespace {

QString valueText(const QVariant &v)
{
    if (v.isNull())
        return u"NULL"_s;
    if (v.typeId() == QMetaType::QByteArray)
        return u"0x"_s + QString::fromLatin1(v.toByteArray().toHex());
    return v.toString();
}

QString countsText(const DriftSummary &s)
{
    if (s.differences() == 0)
        return QCoreApplication::translate("tidemark::DriftView", "equal (%1 rows)")
                .arg(QLocale().toString(s.sourceRows));
    return QCoreApplication::translate(
                   "tidemark::DriftView",
                   "%1 differences: %2 missing, %3 extra, %4 changed; %5 by reason drift "
                   "(source %6 rows, mirror %7)")
            .arg(QLocale().toString(s.differences()), QLocale().toString(s.missing),
                 QLocale().toString(s.extra), QLocale().toString(s.changed),
                 QLocale().toString(s.driftRows), QLocale().toString(s.sourceRows),
                 QLocale().toString(s.mirrorRows));
}

} // namespace

DriftView::DriftView(QWidget *parent)
    : QWidget(parent)
    , m_model(new DriftDiffModel(this))
    , m_filter(new DriftDiffFilter(this))
    , m_repairFlow(new DriftRepairFlow(this))
{
    connect(m_repairFlow, &DriftRepairFlow::messagePosted, this,
            [this](const QString &mapping, const QString &text) {
                if (mapping == m_mapping)
                    m_message->setText(text);
            });
    // Through the view's own hook, which tests override to answer at once.
    connect(m_repairFlow, &DriftRepairFlow::previewFinished, this,
            [this](const DriftRepairResult &preview) {
                if (preview.mapping == m_mapping)
                    confirmRepair(preview);
            });
    connect(m_repairFlow, &DriftRepairFlow::repairStarted, this,
            &DriftView::handleRepairStarted);
    connect(m_repairFlow, &DriftRepairFlow::repairFinished, this,
            &DriftView::handleRepairFinished);
    createWidgets();
    clearMapping();
}

void DriftView::setEngine(Engine *engine)
{
    if (m_engine)
        disconnect(m_engine, nullptr, this, nullptr);
    m_engine = engine;
    m_results.clear();
    m_checking.clear();
    m_repairFlow->setEngine(engine);
    m_progressOf.clear();
    m_explainId = 0;
    if (engine) {
        connect(engine, &Engine::driftChecked, this, &DriftView::handleChecked);
        connect(engine, &Engine::driftProgressed, this, &DriftView::handleProgress);
        connect(engine, &Engine::driftRepaired, m_repairFlow, &DriftRepairFlow::handleRepaired);
        connect(engine, &Engine::driftExplained, this, &DriftView::handleExplained);
        connect(engine, &Engine::driftExported, this, &DriftView::handleExported);
    }
    clearMapping();
}

void DriftView::clearMapping()
{
    m_mapping.clear();
    m_status = {};
    m_range->clear();
    m_range->setKey({}, {});
    m_title->setText(tr("Drift"));
    m_summary->setText(tr("Select a mapping to see where its mirror differs from its source."));
    m_model->setRows({});
    m_map->clear();
    m_message->clear();
    showSideBySide(nullptr);
    updateProgress();
    updateButtons();
}

void DriftView::showMapping(const MappingStatus &status)
{
    const bool other = status.name != m_mapping;
    const bool newSummary = !other
            && (status.drift.has_value() != m_status.drift.has_value()
                || (status.drift && status.drift->checkedAt != m_status.drift->checkedAt));
    m_status = status;
    if (other)
        m_range->clear();   // another mapping, another key
    m_range->setKey(status.name, status.keyColumns);
    if (!other && !newSummary)
        return;
    if (!other) {
        // The status probe reads back the check this view already shows (from the mirror's
        // drift table, a moment later): reloading would drop the operator's selection.
        const auto it = m_results.constFind(m_mapping);
        if (it != m_results.cend() && status.drift
            && std::abs(it->summary.checkedAt.secsTo(status.drift->checkedAt)) <= 1)
            return;
    }
    m_mapping = status.name;
    if (other) {
        m_message->clear();
        m_estimate.reset();
        m_historyIndex = 0;
        m_showingSegment = false;
        m_filter->setRange(std::nullopt);
        m_allKeys->setVisible(false);
    }
    m_title->setText(tr("Drift: %1").arg(m_mapping));
    showResult();
    updateProgress();
}

QList<DriftSummary> DriftView::historyOf() const
{
    const auto it = m_results.constFind(m_mapping);
    if (it != m_results.cend() && !it->history.isEmpty())
        return it->history;
    // No check in this session: the status probe read the latest from the mirror's drift table.
    if (m_status.drift)
        return {*m_status.drift};
    return {};
}

void DriftView::showResult()
{
    const auto it = m_results.constFind(m_mapping);
    const bool haveRows = it != m_results.cend();
    m_model->setRows(haveRows ? it->rows : QList<RowDifference>{});
    const QList<DriftSummary> history = historyOf();
    if (history.isEmpty()) {
        m_summary->setText(tr("No check has run yet. Check now compares every row; "
                              "verify_interval_s in the project file schedules checks."));
    } else {
        const DriftSummary &latest = history.first();
        const QString range = latest.keyFrom.isEmpty() && latest.keyTo.isEmpty()
                ? QString()
                : QString(operationtext::keyRangeText(latest.keyFrom, latest.keyTo) + u", "_s);
        QString text =
                tr("Latest check %1 (%2%3): %4.")
                        .arg(display::time(latest.checkedAt), range,
                             display::duration(latest.durationMs / 1000.0), countsText(latest));
        if (haveRows && it->truncated)
            text += u' '
                    + tr("The list shows the first %1; Export writes them all.")
                              .arg(QLocale().toString(it->rows.size()));
        else if (!haveRows && latest.differences() > 0)
            text += u' ' + tr("Check now to list them.");
        m_summary->setText(text);
    }
    if (m_list->model()->rowCount() > 0)
        m_list->selectRow(0);
    else
        showSideBySide(nullptr);
    showHistory(std::min<int>(m_historyIndex, std::max<int>(0, int(history.size()) - 1)));
    updateButtons();
}

void DriftView::showHistory(int index)
{
    const QList<DriftSummary> history = historyOf();
    if (history.isEmpty()) {
        m_historyIndex = 0;
        m_map->clear();
        m_historyLabel->setText(tr("Not checked yet"));
    } else {
        m_historyIndex = std::clamp<int>(index, 0, int(history.size()) - 1);
        const DriftSummary &s = history.at(m_historyIndex);
        m_map->setSummary(s);
        m_historyLabel->setText(
                tr("Check %1 of %2 · %3 · %4")
                        .arg(QString::number(m_historyIndex + 1), QString::number(history.size()),
                             display::time(s.checkedAt),
                             s.differences() == 0
                                     ? tr("equal")
                                     : tr("%1 differences")
                                               .arg(QLocale().toString(s.differences()))));
    }
    m_older->setEnabled(m_historyIndex + 1 < history.size());
    m_newer->setEnabled(m_historyIndex > 0);
}

void DriftView::applyFilters()
{
    const int kind = m_kind->currentData().toInt();
    const int reason = m_reason->currentData().toInt();
    m_filter->setKind(kind < 0 ? std::nullopt : std::optional<DiffKind>(DiffKind(kind)));
    m_filter->setReason(reason < 0 ? std::nullopt
                                   : std::optional<DiffReason>(DiffReason(reason)));
    m_filter->setKeySearch(m_search->text());
    updateButtons();
}

void DriftView::handleSegmentClicked(int index)
{
    if (index < 0 || index >= m_map->summary().segments.size())
        return;
    m_showingSegment = true;
    m_filter->setRange(m_map->summary().segments.at(index).range);
    m_allKeys->setVisible(true);
}

QList<QVariantList> DriftView::selectedKeys() const
{
    QList<QVariantList> keys;
    for (const QModelIndex &proxy : m_list->selectionModel()->selectedRows()) {
        if (const RowDifference *d = m_model->difference(m_filter->mapToSource(proxy)))
            keys << d->key;
    }
    return keys;
}

void DriftView::handleSelectionChanged()
{
    const QModelIndexList rows = m_list->selectionModel()->selectedRows();
    const RowDifference *d =
            rows.isEmpty() ? nullptr : m_model->difference(m_filter->mapToSource(rows.first()));
    showSideBySide(d);
    if (d && m_engine) {
        m_explainId = m_engine->explainDriftKey(m_mapping, d->key);
        m_explain->setText(tr("Explaining key %1…").arg(keyText(d->key)));
    }
    updateButtons();
}

void DriftView::showSideBySide(const RowDifference *d)
{
    m_side->setRowCount(0);
    if (!d) {
        m_explain->setText(tr("Select a difference to see its source and mirror rows side by "
                              "side, and what the sync will do about it."));
        return;
    }
    const auto it = m_results.constFind(m_mapping);
    const QStringList columns = it != m_results.cend() ? it->columns : QStringList{};
    m_side->setRowCount(int(columns.size()));
    const QColor changed(0xfd, 0xdc, 0xdc);
    const QColor absent(0xee, 0xee, 0xee);
    for (int i = 0; i < columns.size(); ++i) {
        const QString &name = columns.at(i);
        const bool differs = d->kind == DiffKind::Changed && d->columns.contains(name);
        auto *nameItem = new QTableWidgetItem(name);
        auto *source = new QTableWidgetItem(d->source.isEmpty() ? tr("(no row)")
                                                                : valueText(d->source.value(i)));
        auto *mirror = new QTableWidgetItem(d->mirror.isEmpty() ? tr("(no row)")
                                                                : valueText(d->mirror.value(i)));
        if (d->source.isEmpty())
            source->setBackground(absent);
        if (d->mirror.isEmpty())
            mirror->setBackground(absent);
        if (differs) {
            QFont bold = nameItem->font();
            bold.setBold(true);
            for (QTableWidgetItem *item : {nameItem, source, mirror}) {
                item->setBackground(changed);
                item->setFont(bold);
            }
            nameItem->setToolTip(tr("This column differs."));
        }
        m_side->setItem(i, 0, nameItem);
        m_side->setItem(i, 1, source);
        m_side->setItem(i, 2, mirror);
    }
}

void DriftView::handleExplained(quint64 id, const DriftExplainResult &result)
{
    if (id != m_explainId || result.mapping != m_mapping)
        return;
    if (!result.ok()) {
        m_explain->setText(tr("Could not explain the key: %1").arg(result.error));
        return;
    }
    const Explanation &e = result.explanation;
    if (e.equal) {
        m_explain->setText(tr("Key %1 is equal now on both sides (the sync or a repair fixed it "
                              "since the check).")
                                   .arg(keyText(e.key)));
        return;
    }
    m_explain->setText(tr("<b>%1, reason %2.</b> Against the checkpoint: %3.<br>%4")
                               .arg(diffKindName(e.kind).toHtmlEscaped(),
                                    diffReasonName(e.reason).toHtmlEscaped(),
                                    e.position.toHtmlEscaped(), e.verdict.toHtmlEscaped()));
}

void DriftView::checkNow()
{
    if (!m_engine || m_mapping.isEmpty())
        return;
    // Mapping > Check for drift gets here with the button disabled too: say why nothing runs.
    if (!m_range->isValid()) {
        m_message->setText(
                tr("Check not started: the key range does not read. %1").arg(m_range->error()));
        return;
    }
    DriftCheckOptions options;
    options.keyFrom = m_range->keyFrom();
    options.keyTo = m_range->keyTo();
    const quint64 id = m_engine->checkDrift(m_mapping, options);
    if (id == 0)
        return;
    m_checking.insert(m_mapping, id);
    m_progressOf.insert(m_mapping, Progress{u"diff"_s, 0, -1});
    m_estimate.reset();
    m_message->setText(m_range->isEmpty() ? tr("Checking…")
                                          : tr("Checking %1…")
                                                    .arg(operationtext::keyRangeText(
                                                            options.keyFrom, options.keyTo)));
    updateProgress();
    updateButtons();
}

void DriftView::handleCancelClicked()
{
    if (m_engine && !m_mapping.isEmpty())
        m_engine->cancelDrift(m_mapping);
}

void DriftView::handleProgress(const QString &mapping, const Progress &progress)
{
    m_progressOf.insert(mapping, progress);
    if (mapping == m_mapping)
        updateProgress();
}

void DriftView::updateProgress()
{
    const bool busy = !m_mapping.isEmpty()
            && (m_checking.contains(m_mapping) || m_progressOf.contains(m_mapping));
    m_progress->setVisible(busy);
    m_cancel->setVisible(busy);
    if (!busy) {
        m_estimate.reset();
        return;
    }
    // The estimate reads a mapping snapshot: feed it one that carries the drift progress.
    MappingStatus s;
    s.name = m_mapping;
    s.state = MappingState::Running;
    const Progress p = m_progressOf.value(m_mapping);
    s.operation = u"check"_s;
    s.progress = p;
    m_estimate.update(s);
    const int percent = m_estimate.percent();
    m_progress->setRange(0, percent < 0 ? 0 : 100);
    if (percent >= 0)
        m_progress->setValue(percent);
    m_progress->setFormat(m_estimate.text().isEmpty() ? tr("checking…") : m_estimate.text());
}

void DriftView::handleChecked(quint64 id, const DriftCheckResult &result)
{
    if (m_checking.value(result.mapping) == id || id == 0 || result.scheduled
        || !m_checking.contains(result.mapping)) {
        m_checking.remove(result.mapping);
        m_progressOf.remove(result.mapping);
    }
    if (result.ok()) {
        m_results.insert(result.mapping, result);
    }
    if (result.mapping != m_mapping)
        return;
    if (result.ok()) {
        m_message->setText(result.scheduled ? tr("Scheduled check done.") : tr("Check done."));
        m_historyIndex = 0;
        showResult();
    } else {
        m_message->setText(result.result == u"cancelled"
                                   ? tr("Check cancelled.")
                                   : tr("Check failed: %1").arg(result.error));
    }
    updateProgress();
    updateButtons();
}

void DriftView::requestRepair(bool selectedOnly)
{
    DriftRepairOptions options;
    if (selectedOnly) {
        options.keys = selectedKeys();
        if (options.keys.isEmpty())
            return;
    }
    m_repairFlow->request(m_mapping, options);
}

void DriftView::runRepair(const DriftRepairOptions &options)
{
    m_repairFlow->runRepair(m_mapping, options);
}

void DriftView::confirmRepair(const DriftRepairResult &preview)
{
    m_repairFlow->confirmRepair(preview);
}

void DriftView::handleRepairStarted(const QString &mapping)
{
    m_progressOf.insert(mapping, Progress{u"repair"_s, 0, -1});
    if (mapping == m_mapping)
        updateProgress();
}

void DriftView::handleRepairFinished(const QString &mapping)
{
    m_progressOf.remove(mapping);
    if (mapping == m_mapping)
        updateProgress();
}

QString DriftView::chooseExportPath(DriftExportFormat format)
{
    const bool html = format == DriftExportFormat::Html;
    return QFileDialog::getSaveFileName(
            this, html ? tr("Export drift report") : tr("Export differences"),
            u"%1-drift.%2"_s.arg(m_mapping, html ? u"html"_s : u"csv"_s),
            html ? tr("HTML (*.html)") : tr("CSV (*.csv)"));
}

void DriftView::requestExport(DriftExportFormat format)
{
    if (!m_engine || m_mapping.isEmpty())
        return;
    const QString path = chooseExportPath(format);
    if (path.isEmpty())
        return;
    if (m_engine->exportDrift(m_mapping, format, path) != 0)
        m_message->setText(tr("Exporting…"));
}

void DriftView::handleExported(quint64, const DriftExportResult &result)
{
    if (result.mapping != m_mapping)
        return;
    m_message->setText(result.error.isEmpty() ? tr("Exported to %1.").arg(result.path)
                                              : tr("Export failed: %1").arg(result.error));
}

void DriftView::updateButtons()
{
    const bool have = m_engine && !m_mapping.isEmpty();
    const bool busy = have && m_checking.contains(m_mapping);
    const auto it = m_results.constFind(m_mapping);
    const bool haveResult = have && it != m_results.cend();
    const bool differs = haveResult && it->summary.differences() > 0;
    m_check->setEnabled(have && !busy && m_range->isValid());
    m_repairAll->setEnabled(differs && !busy);
    m_repairSelected->setEnabled(differs && !busy
                                 && m_list->selectionModel()->hasSelection());
    m_exportHtml->setEnabled(haveResult);
    m_exportCsv->setEnabled(haveResult);
    m_kind->setEnabled(haveResult);
    m_reason->setEnabled(haveResult);
    m_search->setEnabled(haveResult);
}

} // namespace tidemark
