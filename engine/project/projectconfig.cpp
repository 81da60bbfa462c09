#include "project/projectconfig.h"

#include <QtGlobal>

namespace tidemark {

using namespace Qt::StringLiterals;

std::optional<DriverKind> driverKindFromName(const QString &name)
{
    // Exact, lower-case names only: the file format is a contract that scripts generate, and a
    // second accepted spelling would have to be kept working forever.
    if (name == u"sqlite"_s)
        return DriverKind::Sqlite;
    if (name == u"postgres"_s)
        return DriverKind::Postgres;
    if (name == u"mariadb"_s || name == u"mysql"_s)
        return DriverKind::MariaDb;
    if (name == u"clickhouse"_s)
        return DriverKind::ClickHouse;
    return std::nullopt;
}

QString driverKindName(DriverKind kind)
{
    switch (kind) {
    case DriverKind::Sqlite: return u"sqlite"_s;
    case DriverKind::Postgres: return u"postgres"_s;
    case DriverKind::MariaDb: return u"mariadb"_s;
    case DriverKind::ClickHouse: return u"clickhouse"_s;
    }
    Q_UNREACHABLE();
    return {};
}

int defaultPort(DriverKind kind)
{
    switch (kind) {
    case DriverKind::Sqlite: return 0;
    case DriverKind::Postgres: return 5432;
    case DriverKind::MariaDb: return 3306;
    case DriverKind::ClickHouse: return 8123;   // the HTTP interface
    }
    return 0;
}

QString ConnectionConfig::describe() const
{
    QString target;
    if (driver == DriverKind::Sqlite) {
        target = database;
    } else {
        if (!user.isEmpty())
            target += user + u'@';
        // An IPv6 literal needs brackets, or "::1:5432" reads as one address.
        target += host.contains(u':') ? u'[' + host + u']' : host;
        if (port != 0)
            target += u':' + QString::number(port);
        target += u'/' + database;
    }
    // The password (from password_env or the keychain) is deliberately absent: this string
    // goes to logs, error messages and the GUI.
    return u"connection '"_s + name + u"' ("_s + driverKindName(driver) + u' ' + target + u')';
}

const MappingConfig *Project::mapping(const QString &name) const
{
    for (const MappingConfig &m : mappings) {
        if (m.name == name)
            return &m;
    }
    return nullptr;
}

const ConnectionConfig &Project::connection(const QString &name) const
{
    const auto it = connections.constFind(name);
    Q_ASSERT_X(it != connections.constEnd(), "Project::connection",
               "unknown connection name; the loader validates every reference");
    if (it == connections.constEnd()) {
        static const ConnectionConfig empty;
        return empty;
    }
    return *it;
}

QString ProjectError::toString() const
{
    if (line > 0)
        return file + u':' + QString::number(line) + u':' + QString::number(column) + u": "_s
                + message;
    if (where.isEmpty())
        return file + u": "_s + message;
    return file + u": "_s + where + u": "_s + message;
}

} // namespace tidemark
