#pragma once
// The window's File menu, for the parts of the application that add entries to it from outside
// MainWindow (the project editor's actions, Attach to service).

class QAction;
class QMainWindow;
class QMenu;

namespace tidemark {

struct FileMenuSlot
{
    QMenu *menu = nullptr;
    QAction *before = nullptr;   // insert before this: what follows Open… (null: at the end)
};

// `window`'s File menu (the QMenu named "fileMenu", made when missing) and the place after its
// Open… action.
FileMenuSlot fileMenuAfterOpen(QMainWindow *window);

} // namespace tidemark
