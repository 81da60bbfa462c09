#include "quitonsignal.h"

#include <QCoreApplication>
#include <QSocketNotifier>

#include <csignal>
#include <unistd.h>

namespace tidemark::app {

namespace {

int g_signalPipe[2] = {-1, -1};

extern "C" void handleTerminationSignal(int)
{
    if (g_signalPipe[1] >= 0) {
        const char c = 1;
        [[maybe_unused]] const ssize_t n = ::write(g_signalPipe[1], &c, 1);
    }
}

} // namespace

void quitOnTerminationSignals(QObject *context)
{
    if (g_signalPipe[0] >= 0 || ::pipe(g_signalPipe) != 0)
        return;
    auto *notifier = new QSocketNotifier(g_signalPipe[0], QSocketNotifier::Read, context);
    QObject::connect(notifier, &QSocketNotifier::activated, context, [] {
        char c = 0;
        [[maybe_unused]] const ssize_t n = ::read(g_signalPipe[0], &c, 1);
        QCoreApplication::quit();
    });
    struct sigaction sa = {};
    sa.sa_handler = handleTerminationSignal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGINT, &sa, nullptr);
}

} // namespace tidemark::app
