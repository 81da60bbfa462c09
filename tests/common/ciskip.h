#pragma once
// A test that needs part of the build or the machine which CI always has (QtKeychain, libpq):
// under TIDEMARK_REQUIRE_SERVERS=1 (CI) its absence is a broken set-up and fails the test;
// elsewhere the test is skipped with the reason.

#include <QTest>

#define TIDEMARK_REQUIRED_OR_SKIP(condition, why)                                                  \
    do {                                                                                           \
        if (!(condition)) {                                                                        \
            if (qEnvironmentVariable("TIDEMARK_REQUIRE_SERVERS") == QLatin1String("1"))            \
                QFAIL(why " (CI installs it: scripts/install-deps.sh)");                           \
            QSKIP(why);                                                                            \
        }                                                                                          \
    } while (false)
