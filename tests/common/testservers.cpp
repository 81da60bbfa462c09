#include "testservers.h"

using namespace Qt::StringLiterals;

namespace tidemark::test {

std::optional<ConnectionConfig> serverConnection(DriverKind kind, const QString &name)
{
    QString prefix;
    switch (kind) {
    case DriverKind::Postgres: prefix = u"TIDEMARK_PG_"_s; break;
    case DriverKind::MariaDb: prefix = u"TIDEMARK_MARIA_"_s; break;
    case DriverKind::ClickHouse: prefix = u"TIDEMARK_CH_"_s; break;
    case DriverKind::Sqlite: return std::nullopt;
    }
    auto var = [&](const char *suffix) {
        return qEnvironmentVariable((prefix + QLatin1StringView(suffix)).toUtf8().constData());
    };
    if (var("HOST").isEmpty() || var("PORT").isEmpty())
        return std::nullopt;
    ConnectionConfig c;
    c.name = name;
    c.driver = kind;
    c.host = var("HOST");
    c.port = var("PORT").toInt();
    c.user = var("USER");
    c.database = var("DATABASE");
    c.passwordEnv = prefix + u"PASSWORD"_s;
    return c;
}

bool serversRequired()
{
    return qEnvironmentVariable("TIDEMARK_REQUIRE_SERVERS") == u"1";
}

QString howToStartServers()
{
    return u"run the tests through ./test.sh, which starts throwaway servers on loopback "
           "(scripts/testservers.sh start DIR; then source DIR/env.sh)"_s;
}

} // namespace tidemark::test
