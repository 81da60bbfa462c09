// The "connections" object of a project file, and which connections open the same database
// (the mappings' checks against mirroring a table onto itself ask that).
#include "project/projectloader_internal.h"

#include <QDir>
#include <QFileInfo>

#include <algorithm>

namespace tidemark::projectfile {

using namespace Qt::StringLiterals;

namespace {

const QStringList kSqliteKeys = {u"driver"_s, u"database"_s, u"options"_s};
const QStringList kServerKeys = {u"driver"_s,
                                 u"host"_s,
                                 u"port"_s,
                                 u"database"_s,
                                 u"user"_s,
                                 u"password_env"_s,
                                 u"password_keychain"_s,
                                 u"options"_s,
                                 u"connect_timeout_s"_s,
                                 u"statement_timeout_s"_s};
const QStringList kDriverNames = {u"sqlite"_s, u"postgres"_s, u"mariadb"_s, u"mysql"_s,
                                  u"clickhouse"_s};

const QString kPasswordAdvice =
        u"use \"password_env\" (the name of an environment variable that holds the password) or "
        u"\"password_keychain\": true instead"_s;

// SQLite folds only ASCII letters when it compares identifiers.
QString asciiLower(const QString &s)
{
    QString out = s;
    for (QChar &c : out) {
        if (c.unicode() >= u'A' && c.unicode() <= u'Z')
            c = QChar(c.unicode() + (u'a' - u'A'));
    }
    return out;
}

// One server under its loopback names, so "localhost" vs "127.0.0.1" cannot hide a mirror
// onto itself.
QString normalizedHost(const QString &host)
{
    QString h = host.toLower();
    if (h == u"localhost"_s || h == u"127.0.0.1"_s || h == u"::1"_s || h == u"[::1]"_s)
        return u"localhost"_s;
    return h;
}

bool isEnvVarName(const QString &name)
{
    if (name.isEmpty() || name.front().isDigit())
        return false;
    return std::all_of(name.cbegin(), name.cend(), [](QChar c) {
        return (c.unicode() < 128 && c.isLetterOrNumber()) || c == u'_';
    });
}

bool optionsHoldPassword(const QString &options)
{
    const QStringList parts = options.split(u';');
    return std::any_of(parts.cbegin(), parts.cend(), [](const QString &part) {
        return part.section(u'=', 0, 0).trimmed().compare(u"password"_s, Qt::CaseInsensitive) == 0;
    });
}

} // namespace

// Compares the files, not the spellings: "data/x.db", "./data/../data/x.db" and a symlink to it
// are one database, and mirroring it onto itself would read and overwrite the same rows.
// Only reads metadata; a file that does not exist yet (prepare creates it) still compares by
// its canonical folder.
QString canonicalSqlitePath(const QString &path)
{
    const QFileInfo info(path);
    QString canonical = info.canonicalFilePath();
    if (!canonical.isEmpty())
        return canonical;
    const QString folder = QFileInfo(info.absolutePath()).canonicalFilePath();
    if (!folder.isEmpty())
        return folder + u'/' + info.fileName();
    return QDir::cleanPath(info.absoluteFilePath());
}

int effectivePort(const ConnectionConfig &c)
{
    if (c.port != 0)
        return c.port;
    return defaultPort(c.driver);
}

bool sameDatabase(const ConnectionConfig &a, const ConnectionConfig &b)
{
    if (a.name == b.name)
        return true;
    if (a.driver != b.driver)
        return false;
    if (a.driver == DriverKind::Sqlite)
        return canonicalSqlitePath(a.database) == canonicalSqlitePath(b.database);
    return normalizedHost(a.host) == normalizedHost(b.host) && effectivePort(a) == effectivePort(b)
            && a.database == b.database;
}

bool sameTableName(DriverKind driver, const QString &a, const QString &b)
{
    // SQLite table names are case-insensitive even when quoted; PostgreSQL's quoted names and
    // MariaDB's on Linux (lower_case_table_names=0) are not.
    return driver == DriverKind::Sqlite ? asciiLower(a) == asciiLower(b) : a == b;
}

void Validator::readConnections(const QJsonObject &root, Project &project)
{
    const auto value = field(root, {}, u"connections"_s, QJsonValue::Object,
                             u"an object of named connections"_s, Need::Required,
                             u" (an object of named connections)"_s);
    if (!value)
        return;
    const QJsonObject connections = value->toObject();
    if (connections.isEmpty())
        fail(u"connections"_s, u"at least one connection is required"_s);
    for (auto it = connections.constBegin(); it != connections.constEnd(); ++it) {
        const QString path = childPath(u"connections"_s, it.key());
        // Known even when invalid, so a mapping that uses it is not also told that it does
        // not exist.
        m_connectionNames.append(it.key());
        if (!checkName(it.key(), path))
            continue;
        if (!it->isObject()) {
            fail(path, u"must be an object, not "_s + typeName(*it));
            continue;
        }
        if (auto connection = readConnection(it.key(), it->toObject(), path))
            project.connections.insert(it.key(), *connection);
    }
}

std::optional<ConnectionConfig> Validator::readConnection(const QString &connectionName,
                                                          const QJsonObject &original,
                                                          const QString &path)
{
    const qsizetype errorsBefore = m_errors.size();
    QJsonObject object = original;
    ConnectionConfig c;
    c.name = connectionName;

    std::optional<DriverKind> driver;
    if (const auto driverName = string(object, path, u"driver"_s, Need::Required,
                                       u" (one of sqlite, postgres, mariadb, clickhouse)"_s)) {
        driver = driverKindFromName(*driverName);
        if (!driver)
            fail(childPath(path, u"driver"_s),
                 u"unknown driver "_s + quote(*driverName)
                         + suggestion(*driverName, kDriverNames)
                         + u" (known: sqlite, postgres, mariadb, clickhouse; mysql is an alias of "
                           u"mariadb)"_s);
    }
    // Names the field and never its value: the message ends up in logs and terminals.
    if (object.contains(u"password"_s)) {
        fail(childPath(path, u"password"_s),
             u"a plaintext password does not belong in the project file; "_s + kPasswordAdvice);
        object.remove(u"password"_s); // not "unknown field" as well
    }

    if (!driver) {
        // Without a known driver only the union of fields can be judged.
        QStringList all = kServerKeys;
        all.append(kSqliteKeys);
        all.removeDuplicates();
        checkKeys(object, path, all, u"a connection"_s);
        return std::nullopt;
    }
    c.driver = *driver;

    if (const auto options = string(object, path, u"options"_s, Need::Optional)) {
        if (optionsHoldPassword(*options))
            fail(childPath(path, u"options"_s),
                 u"must not hold a password; "_s + kPasswordAdvice);
        else
            c.options = *options;
    }

    // The fields that say which database this is. When they are sound, the connection can
    // be compared for a mirror onto itself even if another of its fields is wrong.
    qsizetype identityErrors = 0;
    if (c.driver == DriverKind::Sqlite) {
        checkKeys(object, path, kSqliteKeys, u"a sqlite connection"_s, kServerKeys);
        identityErrors = m_errors.size();
        if (const auto database = name(object, path, u"database"_s, Need::Required,
                                       u" (the SQLite file)"_s)) {
            if (*database == u":memory:"_s || database->startsWith(u"file::memory:"_s))
                fail(childPath(path, u"database"_s),
                     u"an in-memory database cannot be part of a project: it vanishes with its "
                     u"connection, so every run would see a new, empty table; give a file path"_s);
            else
                c.database = QDir::cleanPath(QDir(m_folder).absoluteFilePath(*database));
        }
        identityErrors = m_errors.size() - identityErrors;
    } else {
        const QString what = u"a "_s + driverKindName(c.driver) + u" connection"_s;
        checkKeys(object, path, kServerKeys, what, kSqliteKeys);
        identityErrors = m_errors.size();
        c.host = name(object, path, u"host"_s, Need::Required).value_or(QString());
        c.database = name(object, path, u"database"_s, Need::Required).value_or(QString());
        c.port = int(
                integer(object, path, u"port"_s, 1, 65535, u"from 1 to 65535"_s).value_or(0));
        identityErrors = m_errors.size() - identityErrors;
        c.user = string(object, path, u"user"_s, Need::Optional).value_or(QString());
        if (const auto env = string(object, path, u"password_env"_s, Need::Optional)) {
            // The value is not repeated: a user who misread the field may have put the
            // password itself here.
            if (!isEnvVarName(*env))
                fail(childPath(path, u"password_env"_s),
                     u"must be the name of an environment variable (letters, digits and '_', "
                     u"not starting with a digit) that holds the password, not the password"_s);
            else
                c.passwordEnv = *env;
        }
        if (const auto keychain = field(object, path, u"password_keychain"_s, QJsonValue::Bool,
                                        u"true or false"_s, Need::Optional))
            c.passwordKeychain = keychain->toBool();
        if (const auto t = integer(object, path, u"connect_timeout_s"_s, 1, 600,
                                   u"of seconds from 1 to 600"_s))
            c.connectTimeoutS = int(*t);
        if (const auto t = integer(object, path, u"statement_timeout_s"_s, 1, 86400,
                                   u"of seconds from 1 to 86400 (a day)"_s))
            c.statementTimeoutS = int(*t);
        if (c.passwordKeychain && !c.passwordEnv.isEmpty())
            fail(childPath(path, u"password_keychain"_s),
                 u"give either \"password_env\" or \"password_keychain\": true, not both; it "
                 u"would be unclear which password is used"_s);
    }
    if (identityErrors == 0)
        m_identities.insert(c.name, c);
    if (m_errors.size() != errorsBefore)
        return std::nullopt;
    return c;
}

} // namespace tidemark::projectfile
