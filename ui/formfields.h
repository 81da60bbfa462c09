#pragma once
// Building blocks for the editor dialogs' forms, so every field is named the same way: the
// object name tests find it by, and the accessible name a screen reader announces.

#include <QString>

class QSpinBox;
class QWidget;

namespace tidemark {

// Names `widget` and gives it `toolTip` when there is one; returns it, so creation, naming and
// assignment stay one statement.
template<typename Widget>
Widget *namedField(Widget *widget, const QString &objectName, const QString &accessibleName,
                   const QString &toolTip = QString())
{
    widget->setObjectName(objectName);
    widget->setAccessibleName(accessibleName);
    if (!toolTip.isEmpty())
        widget->setToolTip(toolTip);
    return widget;
}

// A named spin box over [min, max] with a unit suffix (may be empty).
QSpinBox *newSpinBox(QWidget *parent, const QString &objectName, const QString &accessibleName,
                     int min, int max, const QString &suffix, const QString &toolTip = QString());

} // namespace tidemark
