// DriftView's widgets: built once and laid out, their signals wired to the view's handlers.
// What the view does with them (results, progress, filters, repairs, export) is in
// driftview.cpp.

#include "driftview.h"

#include "driftdiffmodel.h"
#include "driftsegmentmap.h"
#include "keyrangeedit.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QStyle>
#include <QTableView>
#include <QTableWidget>
#include <QToolButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace tidemark {

void DriftView::createWidgets()
{
    setObjectName(u"driftView"_s);
    setAccessibleName(tr("Drift between source and mirror"));

    m_title = new QLabel(this);
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_summary = new QLabel(this);
    m_summary->setObjectName(u"driftSummary"_s);
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_check =
            new QPushButton(style()->standardIcon(QStyle::SP_BrowserReload), tr("Check now"), this);
    m_check->setObjectName(u"driftCheckButton"_s);
    m_check->setToolTip(tr("Compare source and mirror row by row now, on connections of its own; "
                           "the sync keeps running meanwhile."));
    connect(m_check, &QPushButton::clicked, this, &DriftView::checkNow);
    m_progress = new QProgressBar(this);
    m_progress->setObjectName(u"driftProgress"_s);
    m_progress->setTextVisible(true);
    m_progress->setMinimumWidth(320);
    m_cancel = new QPushButton(style()->standardIcon(QStyle::SP_BrowserStop), tr("Cancel"), this);
    m_cancel->setObjectName(u"driftCancelButton"_s);
    m_cancel->setToolTip(tr("Stop the check or repair in hand. A repair's current batch is rolled "
                            "back."));
    connect(m_cancel, &QPushButton::clicked, this, &DriftView::handleCancelClicked);
    auto *top = new QHBoxLayout;
    top->addWidget(m_title);
    top->addStretch(1);
    top->addWidget(m_progress, 1);
    top->addWidget(m_cancel);
    // What Check now compares: every row, or the part of the key range typed here.
    m_range = new KeyRangeEdit(Qt::Horizontal, this);
    m_range->setObjectName(u"driftKeyRange"_s);
    connect(m_range, &KeyRangeEdit::rangeChanged, this, &DriftView::updateButtons);
    auto *checkRow = new QHBoxLayout;
    checkRow->addWidget(m_range, 1);
    checkRow->addWidget(m_check, 0, Qt::AlignTop);

    m_map = new DriftSegmentMap(this);
    connect(m_map, &DriftSegmentMap::segmentClicked, this, &DriftView::handleSegmentClicked);
    m_older = new QToolButton(this);
    m_older->setArrowType(Qt::LeftArrow);
    m_older->setToolTip(tr("The check before this one"));
    m_older->setAccessibleName(tr("Older check"));
    connect(m_older, &QToolButton::clicked, this, [this] { showHistory(m_historyIndex + 1); });
    m_newer = new QToolButton(this);
    m_newer->setArrowType(Qt::RightArrow);
    m_newer->setToolTip(tr("The check after this one"));
    m_newer->setAccessibleName(tr("Newer check"));
    connect(m_newer, &QToolButton::clicked, this, [this] { showHistory(m_historyIndex - 1); });
    m_historyLabel = new QLabel(this);
    m_historyLabel->setObjectName(u"driftHistoryLabel"_s);
    auto *mapRow = new QHBoxLayout;
    mapRow->addWidget(m_older);
    mapRow->addWidget(m_map, 1);
    mapRow->addWidget(m_newer);
    auto *legend = new QLabel(
            tr("<span style='color:%1'>■</span> equal &nbsp; <span style='color:%2'>■</span> "
               "different &nbsp; <span style='color:%3'>■</span> not checked")
                    .arg(DriftSegmentMap::equalColor().name(),
                         DriftSegmentMap::differentColor().name(),
                         DriftSegmentMap::uncheckedColor().name()),
            this);
    auto *historyRow = new QHBoxLayout;
    historyRow->addWidget(m_historyLabel, 1);
    historyRow->addWidget(legend);

    m_kind = new QComboBox(this);
    m_kind->setObjectName(u"driftKindFilter"_s);
    m_kind->addItem(tr("Every kind"), -1);
    for (DiffKind k : {DiffKind::Missing, DiffKind::Extra, DiffKind::Changed})
        m_kind->addItem(diffKindName(k), int(k));
    m_reason = new QComboBox(this);
    m_reason->setObjectName(u"driftReasonFilter"_s);
    m_reason->addItem(tr("Every reason"), -1);
    for (DiffReason r :
         {DiffReason::Drift, DiffReason::Backlog, DiffReason::Orphan, DiffReason::NullCursor})
        m_reason->addItem(diffReasonName(r), int(r));
    m_search = new QLineEdit(this);
    m_search->setObjectName(u"driftKeySearch"_s);
    m_search->setPlaceholderText(tr("Find key…"));
    m_search->setClearButtonEnabled(true);
    m_allKeys = new QPushButton(tr("Every segment"), this);
    m_allKeys->setToolTip(tr("The list shows one segment's keys (clicked in the map); show all."));
    m_allKeys->setVisible(false);
    connect(m_allKeys, &QPushButton::clicked, this, [this] {
        m_showingSegment = false;
        m_filter->setRange(std::nullopt);
        m_allKeys->setVisible(false);
    });
    connect(m_kind, &QComboBox::currentIndexChanged, this, &DriftView::applyFilters);
    connect(m_reason, &QComboBox::currentIndexChanged, this, &DriftView::applyFilters);
    connect(m_search, &QLineEdit::textChanged, this, &DriftView::applyFilters);
    auto *filterRow = new QHBoxLayout;
    filterRow->addWidget(new QLabel(tr("Show"), this));
    filterRow->addWidget(m_kind);
    filterRow->addWidget(m_reason);
    filterRow->addWidget(m_search, 1);
    filterRow->addWidget(m_allKeys);

    m_filter->setSourceModel(m_model);
    m_list = new QTableView(this);
    m_list->setObjectName(u"driftDifferences"_s);
    m_list->setAccessibleName(tr("Differences"));
    m_list->setModel(m_filter);
    m_list->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_list->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_list->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_list->setWordWrap(false);
    m_list->verticalHeader()->hide();
    m_list->horizontalHeader()->setStretchLastSection(true);
    m_list->setColumnWidth(DriftDiffModel::KeyColumn, 110);
    m_list->setColumnWidth(DriftDiffModel::KindColumn, 80);
    m_list->setColumnWidth(DriftDiffModel::ReasonColumn, 100);
    connect(m_list->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &DriftView::handleSelectionChanged);

    m_side = new QTableWidget(0, 3, this);
    m_side->setObjectName(u"driftSideBySide"_s);
    m_side->setAccessibleName(tr("Selected difference, source beside mirror"));
    m_side->setHorizontalHeaderLabels({tr("Column"), tr("Source"), tr("Mirror")});
    m_side->verticalHeader()->hide();
    m_side->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_side->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_explain = new QLabel(this);
    m_explain->setObjectName(u"driftExplain"_s);
    m_explain->setWordWrap(true);
    m_explain->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_explain->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_explain->setMinimumHeight(m_explain->fontMetrics().lineSpacing() * 3);
    auto *right = new QWidget(this);
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addWidget(m_side, 1);
    rightLayout->addWidget(m_explain);
    auto *split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(m_list);
    split->addWidget(right);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 1);

    m_repairSelected = new QPushButton(tr("Repair selected…"), this);
    m_repairSelected->setObjectName(u"driftRepairSelected"_s);
    m_repairSelected->setToolTip(tr("Shows the statements that make the mirror equal to the source "
                                    "for the selected rows, then asks before running them."));
    connect(m_repairSelected, &QPushButton::clicked, this, [this] { requestRepair(true); });
    m_repairAll = new QPushButton(tr("Repair all…"), this);
    m_repairAll->setObjectName(u"driftRepairAll"_s);
    m_repairAll->setToolTip(tr("Shows the statements for every difference of the latest check, "
                               "then asks before running them."));
    connect(m_repairAll, &QPushButton::clicked, this, [this] { requestRepair(false); });
    m_exportHtml = new QPushButton(tr("Export HTML…"), this);
    m_exportHtml->setObjectName(u"driftExportHtml"_s);
    connect(m_exportHtml, &QPushButton::clicked, this,
            [this] { requestExport(DriftExportFormat::Html); });
    m_exportCsv = new QPushButton(tr("Export CSV…"), this);
    m_exportCsv->setObjectName(u"driftExportCsv"_s);
    connect(m_exportCsv, &QPushButton::clicked, this,
            [this] { requestExport(DriftExportFormat::Csv); });
    m_message = new QLabel(this);
    m_message->setObjectName(u"driftMessage"_s);
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_repairSelected);
    buttons->addWidget(m_repairAll);
    buttons->addWidget(m_message, 1);
    buttons->addWidget(m_exportHtml);
    buttons->addWidget(m_exportCsv);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addLayout(checkRow);
    layout->addWidget(m_summary);
    layout->addLayout(mapRow);
    layout->addLayout(historyRow);
    layout->addLayout(filterRow);
    layout->addWidget(split, 1);
    layout->addLayout(buttons);
}

} // namespace tidemark
