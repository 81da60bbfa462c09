#pragma once
// For data-driven tests whose rows are pairings (columns `sourceKind`, `mirrorKind`).

#include "pairfixture.h"
#include "testservers.h"

#include <QTest>

// Declares `f`, the PairFixture of the current row's pairing, or skips / fails the row.
#define PAIR_FIXTURE(f)                                                                            \
    QFETCH(int, sourceKind);                                                                       \
    QFETCH(int, mirrorKind);                                                                       \
    std::optional<ConnectionConfig> f##SourceServer;                                               \
    std::optional<ConnectionConfig> f##MirrorServer;                                               \
    if (DriverKind(sourceKind) != DriverKind::Sqlite) {                                            \
        TIDEMARK_SERVER_OR_SKIP(DriverKind(sourceKind), u"src"_s, server);                         \
        f##SourceServer = server;                                                                  \
    }                                                                                              \
    if (DriverKind(mirrorKind) != DriverKind::Sqlite) {                                            \
        TIDEMARK_SERVER_OR_SKIP(DriverKind(mirrorKind), u"mirror"_s, server);                      \
        f##MirrorServer = server;                                                                  \
    }                                                                                              \
    PairFixture f(DriverKind(sourceKind), DriverKind(mirrorKind), f##SourceServer,                 \
                  f##MirrorServer);                                                                \
    if (!f.setupError().isEmpty())                                                                 \
    QFAIL(qPrintable(f.setupError()))
