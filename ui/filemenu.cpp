#include "filemenu.h"

#include <QAction>
#include <QCoreApplication>
#include <QMainWindow>
#include <QMenu>
#include <QMenuBar>

using namespace Qt::StringLiterals;

namespace tidemark {

FileMenuSlot fileMenuAfterOpen(QMainWindow *window)
{
    FileMenuSlot slot;
    slot.menu = window->findChild<QMenu *>(u"fileMenu"_s);
    if (!slot.menu) {
        slot.menu = window->menuBar()->addMenu(
                QCoreApplication::translate("tidemark::MainWindow", "&File"));
        slot.menu->setObjectName(u"fileMenu"_s);
    }
    const QList<QAction *> existing = slot.menu->actions();
    for (qsizetype i = 0; i + 1 < existing.size(); ++i) {
        if (existing.at(i)->objectName() == u"openAction"_s) {
            slot.before = existing.at(i + 1);
            break;
        }
    }
    return slot;
}

} // namespace tidemark
