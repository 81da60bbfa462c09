#pragma once
// SIGTERM and SIGINT end the GUI the way closing the window does (QApplication::quit, then the
// engine stops after the batch in hand), instead of killing it mid-batch: a session manager or
// `systemctl --user stop` sends SIGTERM and a log-out must not leave a batch half-written.

class QObject;

namespace tidemark::app {

// Installs the handlers; the signal arrives through a pipe that a QSocketNotifier owned by
// `context` watches on the GUI thread (a signal handler may only write a byte). Call once.
void quitOnTerminationSignals(QObject *context);

} // namespace tidemark::app
