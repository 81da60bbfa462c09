#include "formfields.h"

#include <QSpinBox>

namespace tidemark {

QSpinBox *newSpinBox(QWidget *parent, const QString &objectName, const QString &accessibleName,
                     int min, int max, const QString &suffix, const QString &toolTip)
{
    auto *spin = namedField(new QSpinBox(parent), objectName, accessibleName, toolTip);
    spin->setRange(min, max);
    spin->setSuffix(suffix);
    return spin;
}

} // namespace tidemark
