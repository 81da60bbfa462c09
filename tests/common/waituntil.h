#pragma once
// Waits, processing events, until a condition holds: for tests that watch an engine, a child
// process or a server change state.

#include <QElapsedTimer>
#include <QTest>

namespace tidemark::test {

// Returns whether `done()` held within `timeoutMs`.
template<typename Pred>
bool waitUntil(Pred done, int timeoutMs, int stepMs = 100)
{
    QElapsedTimer t;
    t.start();
    while (!done()) {
        if (t.elapsed() > timeoutMs)
            return false;
        QTest::qWait(stepMs);
    }
    return true;
}

} // namespace tidemark::test
