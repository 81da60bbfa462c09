#pragma once
// The throwaway PostgreSQL and MariaDB servers that ./test.sh starts (scripts/testservers.sh)
// are found through TIDEMARK_PG_* and TIDEMARK_MARIA_* variables. Under
// TIDEMARK_REQUIRE_SERVERS=1 (CI) a test that cannot reach its server fails; elsewhere it is
// skipped with a message that says how to start the servers.

#include "project/projectconfig.h"

#include <QString>
#include <QTest>

#include <optional>

namespace tidemark::test {

// A connection named `name` to the test server of `kind`; nullopt when its variables are unset.
// SQLite has no server: nullopt.
std::optional<ConnectionConfig> serverConnection(DriverKind kind, const QString &name);

bool serversRequired();   // TIDEMARK_REQUIRE_SERVERS=1

QString howToStartServers();

} // namespace tidemark::test

// In a test function: declares `var` as the ConnectionConfig for `kind`, or fails / skips.
#define TIDEMARK_SERVER_OR_SKIP(kind, name, var)                                                  \
    const std::optional<tidemark::ConnectionConfig> var##_opt =                                     \
            tidemark::test::serverConnection(kind, name);                                           \
    if (!var##_opt) {                                                                               \
        if (tidemark::test::serversRequired())                                                      \
            QFAIL(qPrintable(QStringLiteral("no %1 test server (TIDEMARK_REQUIRE_SERVERS=1): %2")   \
                                     .arg(tidemark::driverKindName(kind),                           \
                                          tidemark::test::howToStartServers())));                   \
        QSKIP(qPrintable(QStringLiteral("no %1 test server: %2")                                    \
                                 .arg(tidemark::driverKindName(kind),                               \
                                      tidemark::test::howToStartServers())));                       \
    }                                                                                               \
    const tidemark::ConnectionConfig &var = *var##_opt
