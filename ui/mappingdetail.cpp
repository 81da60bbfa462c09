#include "mappingdetail.h"

#include "displayformat.h"
#include "mappingcells.h"
#include "mappingsmodel.h"
#include "metricscharts.h"
#include "runhistorymodel.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QStyle>
#include <QTableView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace tidemark {

MappingDetail::MappingDetail(QWidget *parent)
    : QWidget(parent), m_runs(new RunHistoryModel(this))
{
    setObjectName(u"mappingDetail"_s);
    setAccessibleName(tr("Mapping details"));

    m_title = new QLabel(this);
    m_title->setObjectName(u"detailTitle"_s);
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.15);
    m_title->setFont(titleFont);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_summary = new QLabel(this);
    m_summary->setObjectName(u"detailSummary"_s);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);

    // validate's warnings stay in view while the mapping runs: the operator reads what to do
    // (add an index, set lookback_s) without running validate.
    m_warnings = new QLabel(this);
    m_warnings->setObjectName(u"detailWarnings"_s);
    m_warnings->setAccessibleName(tr("Warnings about this mapping"));
    m_warnings->setWordWrap(true);
    m_warnings->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_warnings->setFrameShape(QFrame::StyledPanel);
    m_warnings->setMargin(4);
    m_warnings->setStyleSheet(u"QLabel { background: #fdf6d8; color: #4a3b05; }"_s);

    m_capture = new QLabel(this);
    m_capture->setObjectName(u"detailCapture"_s);
    m_capture->setAccessibleName(tr("Change capture"));
    m_capture->setWordWrap(true);
    m_capture->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_capture->setVisible(false);

    m_progress = new QProgressBar(this);
    m_progress->setObjectName(u"operationProgress"_s);
    m_progress->setAccessibleName(tr("Operation progress"));
    m_progress->setTextVisible(true);
    m_progress->setMinimumWidth(360);
    m_cancel = new QPushButton(style()->standardIcon(QStyle::SP_BrowserStop), tr("Cancel"), this);
    m_cancel->setObjectName(u"detailCancelButton"_s);
    m_cancel->setAccessibleName(tr("Cancel the running operation"));
    m_cancel->setToolTip(tr("Stop after the batch in hand; that batch is rolled back and the "
                            "checkpoint stays consistent."));
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        if (!m_mapping.isEmpty())
            Q_EMIT cancelRequested(m_mapping);
    });
    m_progressRow = new QWidget(this);
    auto *progressLayout = new QHBoxLayout(m_progressRow);
    progressLayout->setContentsMargins(0, 0, 0, 0);
    progressLayout->addWidget(m_progress, 1);
    progressLayout->addWidget(m_cancel);

    m_charts = new MetricsCharts(this);

    m_runsView = new QTableView(this);
    m_runsView->setObjectName(u"runHistory"_s);
    m_runsView->setAccessibleName(tr("Recent runs"));
    m_runsView->setModel(m_runs);
    m_runsView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_runsView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_runsView->setWordWrap(false);
    m_runsView->setAlternatingRowColors(true);
    // Kind, start, duration, rows and result must fit without eliding; the reason takes
    // the rest.
    m_runsView->setMinimumWidth(430);
    m_runsView->verticalHeader()->hide();
    m_runsView->verticalHeader()->setDefaultSectionSize(
            m_runsView->fontMetrics().height() + 6);
    QHeaderView *header = m_runsView->horizontalHeader();
    // Sized to the rows whenever they change: ResizeToContents alone measured only the rows
    // there were at first and clipped a later "sweep" to "s...".
    header->setSectionResizeMode(QHeaderView::Interactive);
    header->setStretchLastSection(true);
    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(m_runs, signal, m_runsView, &QTableView::resizeColumnsToContents);
    connect(m_runs, &QAbstractItemModel::modelReset, m_runsView,
            &QTableView::resizeColumnsToContents);
    header->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    header->setHighlightSections(false);

    auto *runsBox = new QWidget(this);
    auto *runsLayout = new QVBoxLayout(runsBox);
    runsLayout->setContentsMargins(0, 0, 0, 0);
    auto *runsTitle = new QLabel(tr("<b>Recent runs</b> (newest first)"), runsBox);
    runsLayout->addWidget(runsTitle);
    runsLayout->addWidget(m_runsView);

    auto *split = new QSplitter(Qt::Horizontal, this);
    split->setObjectName(u"detailSplitter"_s);
    split->setChildrenCollapsible(false);
    split->addWidget(m_charts);
    split->addWidget(runsBox);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 4, 6, 4);
    layout->addWidget(m_title);
    layout->addWidget(m_summary);
    layout->addWidget(m_capture);
    layout->addWidget(m_warnings);
    layout->addWidget(m_progressRow);
    layout->addWidget(split, 1);

    clearMapping();
}

void MappingDetail::clearMapping()
{
    m_mapping.clear();
    m_estimate.reset();
    m_title->setText(tr("No mapping selected"));
    m_summary->setText(tr("Select a row above to see its backlog, lag and throughput over time "
                          "and its recent runs."));
    m_progressRow->setVisible(false);
    m_warnings->clear();
    m_capture->setVisible(false);
    m_warnings->setVisible(false);
    m_charts->clear();
    m_runs->setHistory({});
    m_shownSamples = -1;
    m_lastSampleAt = {};
}

void MappingDetail::showMapping(const MappingStatus &s, const QList<MetricsSample> &samples)
{
    if (s.name != m_mapping) {
        m_estimate.reset();
        m_mapping = s.name;
        m_shownSamples = -1;
        m_runs->setHistory({});
    }
    m_title->setText(u"%1: %2 → %3"_s.arg(s.name, s.source, s.mirror));
    QStringList summary;
    summary << tr("State: %1").arg(mappingStateName(s.state));
    // Which instance runs it, when more than one runs the project (run/mappinghold.h).
    if (s.holder)
        summary << (s.holder->self ? tr("run by this instance")
                                   : tr("run by instance %1").arg(s.holder->instance));
    summary << tr("source %1 rows, mirror %2 rows")
                       .arg(display::count(s.sourceRows), display::count(s.mirrorRows));
    summary << tr("backlog %1").arg(display::count(s.backlog));
    summary << tr("lag %1").arg(display::lag(s));
    if (s.hasCursor && !s.capture)
        summary << tr("checkpoint %1").arg(MappingsModel::checkpointText(s.checkpoint));
    m_summary->setText(summary.join(u" · "_s));
    m_summary->setToolTip(s.lastError);
    const QString capture = cells::captureText(s);
    m_capture->setVisible(!capture.isEmpty());
    m_capture->setText(capture);
    m_warnings->setVisible(!s.warnings.isEmpty());
    m_warnings->setText(s.warnings.isEmpty() ? QString() : MappingsModel::warningsList(s.warnings));

    m_estimate.update(s);
    m_progressRow->setVisible(m_estimate.running());
    if (m_estimate.running()) {
        const int percent = m_estimate.percent();
        if (percent < 0) {
            m_progress->setRange(0, 0);   // busy indicator: the total is not known
        } else {
            m_progress->setRange(0, 100);
            m_progress->setValue(percent);
        }
        m_progress->setFormat(m_estimate.text() + (percent >= 0 ? u" (%p%)"_s : QString()));
        // A busy bar does not draw its text in every style; the tooltip always has it.
        m_progress->setToolTip(m_estimate.text());
    }

    // Redraw the charts only when a sample was added (once a second at most), not on every
    // snapshot.
    const QDateTime newest = samples.isEmpty() ? QDateTime() : samples.constLast().at;
    if (samples.size() != m_shownSamples || newest != m_lastSampleAt) {
        m_charts->setSamples(samples, s.lagInSeconds);
        m_shownSamples = samples.size();
        m_lastSampleAt = newest;
    }
    m_runs->setHistory(s.history);
}

QString MappingDetail::progressText() const
{
    return m_estimate.text();
}

} // namespace tidemark
