#pragma once
// The key range of one drift check as a strip of segments, each as wide as its share of the
// rows: green where source and mirror agree, red where they differ, grey where nothing was
// checked. A tooltip gives a segment's key range and both sides' counts. The strip shows one
// check; the Drift view steps it through the recent ones.

#include "api/drifttypes.h"

#include <QWidget>

namespace tidemark {

class DriftSegmentMap : public QWidget
{
    Q_OBJECT
public:
    explicit DriftSegmentMap(QWidget *parent = nullptr);

    void setSummary(const DriftSummary &summary);
    void clear();   // nothing checked: one grey strip
    const DriftSummary &summary() const { return m_summary; }
    bool checked() const { return m_checked; }

    // The segment under `pos`, -1 for none (tests and tooltips).
    int segmentAt(const QPoint &pos) const;
    // "keys 100 … 200: source 100 rows, mirror 100 rows: equal"
    QString segmentText(int index) const;
    QRect segmentRect(int index) const;
    static QColor equalColor();
    static QColor differentColor();
    static QColor uncheckedColor();

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

Q_SIGNALS:
    // A segment was clicked: the view filters its list to that key range.
    void segmentClicked(int index);

protected:
    void paintEvent(QPaintEvent *event) override;
    bool event(QEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;

private:
    QList<QRect> layoutSegments() const;

    DriftSummary m_summary;
    bool m_checked = false;
};

} // namespace tidemark
