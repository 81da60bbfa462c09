#include "driftsegmentmap.h"

#include "drift/keytext.h"

#include <QHelpEvent>
#include <QLocale>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

using namespace Qt::StringLiterals;

namespace tidemark {

namespace {

constexpr int kStripHeight = 26;
// A segment narrower than this could not be seen, let alone hovered: a single red row among a
// million equal ones must still show.
constexpr int kMinSegmentWidth = 6;

QString bound(const QVariantList &key, const QString &open)
{
    return key.isEmpty() ? open : keyText(key);
}

} // namespace

DriftSegmentMap::DriftSegmentMap(QWidget *parent)
    : QWidget(parent)
{
    setMouseTracking(true);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    setAccessibleName(tr("Drift segment map"));
}

void DriftSegmentMap::setSummary(const DriftSummary &summary)
{
    m_summary = summary;
    m_checked = true;
    update();
}

void DriftSegmentMap::clear()
{
    m_summary = {};
    m_checked = false;
    update();
}

QColor DriftSegmentMap::equalColor() { return QColor(0x4c, 0xaf, 0x50); }
QColor DriftSegmentMap::differentColor() { return QColor(0xd3, 0x2f, 0x2f); }
QColor DriftSegmentMap::uncheckedColor() { return QColor(0xbd, 0xbd, 0xbd); }

QSize DriftSegmentMap::sizeHint() const { return {480, kStripHeight}; }
QSize DriftSegmentMap::minimumSizeHint() const { return {120, kStripHeight}; }

QList<QRect> DriftSegmentMap::layoutSegments() const
{
    QList<QRect> rects;
    const QList<DriftSegment> &segs = m_summary.segments;
    if (segs.isEmpty())
        return rects;
    const int width = std::max(1, this->width() - 1);
    const int height = this->height() - 1;
    // Each segment gets the minimum, and the rest of the width by its rows.
    qint64 total = 0;
    for (const DriftSegment &s : segs)
        total += std::max<qint64>(1, std::max(s.sourceRows, s.mirrorRows));
    const int spare = std::max(0, width - kMinSegmentWidth * int(segs.size()));
    const bool fits = kMinSegmentWidth * segs.size() <= width;
    double x = 0;
    for (const DriftSegment &s : segs) {
        const qint64 rows = std::max<qint64>(1, std::max(s.sourceRows, s.mirrorRows));
        const double w = fits ? kMinSegmentWidth + double(spare) * double(rows) / double(total)
                              : double(width) / double(segs.size());
        rects << QRect(int(x), 0, std::max(1, int(x + w) - int(x)), height);
        x += w;
    }
    return rects;
}

QRect DriftSegmentMap::segmentRect(int index) const
{
    const QList<QRect> rects = layoutSegments();
    return index >= 0 && index < rects.size() ? rects.at(index) : QRect();
}

int DriftSegmentMap::segmentAt(const QPoint &pos) const
{
    const QList<QRect> rects = layoutSegments();
    for (int i = 0; i < rects.size(); ++i)
        if (pos.x() >= rects.at(i).left() && pos.x() <= rects.at(i).right())
            return i;
    return -1;
}

QString DriftSegmentMap::segmentText(int index) const
{
    if (index < 0 || index >= m_summary.segments.size())
        return {};
    const DriftSegment &s = m_summary.segments.at(index);
    const QLocale locale;
    return tr("Keys %1%2 … %3]\nsource %4 rows, mirror %5 rows\n%6")
            .arg(s.range.loInclusive || s.range.lo.isEmpty() ? u"["_s : u"("_s,
                 bound(s.range.lo, tr("start")), bound(s.range.hi, tr("end")),
                 locale.toString(s.sourceRows), locale.toString(s.mirrorRows),
                 s.equal() ? tr("equal") : tr("different: some rows in this range differ"));
}

void DriftSegmentMap::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    const QRect all = rect().adjusted(0, 0, -1, -1);
    if (!m_checked || m_summary.segments.isEmpty()) {
        p.fillRect(all, uncheckedColor());
        p.setPen(palette().color(QPalette::Text));
        p.drawText(all, Qt::AlignCenter,
                   m_checked ? tr("no rows on either side") : tr("not checked yet"));
        return;
    }
    const QList<QRect> rects = layoutSegments();
    for (int i = 0; i < rects.size(); ++i)
        p.fillRect(rects.at(i),
                   m_summary.segments.at(i).equal() ? equalColor() : differentColor());
    // Borders between segments, so two neighbours of one colour still read as two.
    p.setPen(palette().color(QPalette::Base));
    for (int i = 1; i < rects.size(); ++i)
        p.drawLine(rects.at(i).topLeft(), rects.at(i).bottomLeft());
    p.setPen(palette().color(QPalette::Mid));
    p.drawRect(all);
}

bool DriftSegmentMap::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const int index = segmentAt(help->pos());
        if (index >= 0)
            QToolTip::showText(help->globalPos(), segmentText(index), this,
                               segmentRect(index));
        else
            QToolTip::hideText();
        return true;
    }
    return QWidget::event(event);
}

void DriftSegmentMap::mouseReleaseEvent(QMouseEvent *event)
{
    const int index = segmentAt(event->position().toPoint());
    if (index >= 0)
        Q_EMIT segmentClicked(index);
}

} // namespace tidemark
