#include "project/projectloader.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QJsonValue>

#include <algorithm>
#include <cmath>
#include <utility>

namespace tidemark {

using namespace Qt::StringLiterals;

namespace {

// A project file is a few kilobytes. Anything this large is the wrong file (a database dump
// passed to --project), and parsing it would only stall the CLI before the same error.
constexpr qint64 kMaxFileBytes = qint64(16) * 1024 * 1024;

// QTimer takes int milliseconds: a week (604'800'000 ms) keeps intervalS * 1000 far from INT_MAX.
constexpr int kMaxIntervalS = 7 * 24 * 3600;
constexpr int kMaxBatchRows = 1'000'000;
// JSON numbers are doubles: past 2^53 whole numbers are no longer exact, so a larger lookback
// would not be the number the user wrote.
constexpr qint64 kMaxExactInteger = (qint64(1) << 53) - 1;

constexpr int kDefaultPostgresPort = 5432;
constexpr int kDefaultMariaDbPort = 3306;

// toJson writes a short object on one line (as SPEC.md does), a longer one a field per line.
constexpr qsizetype kLineWidth = 100;

const QStringList kTopLevelKeys = {u"tidemark"_s, u"connections"_s, u"mappings"_s};
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
const QStringList kMappingKeys = {u"name"_s,       u"source"_s,     u"mirror"_s,
                                  u"key"_s,        u"columns"_s,    u"cursor"_s,
                                  u"deletes"_s,    u"interval_s"_s, u"batch_rows"_s,
                                  u"lookback_s"_s, u"lookback"_s,   u"max_sweep_fraction"_s,
                                  u"sweep_interval_s"_s, u"verify_interval_s"_s};
const QStringList kTableRefKeys = {u"connection"_s, u"table"_s};
const QStringList kCursorKeys = {u"column"_s};
const QStringList kDriverNames = {u"sqlite"_s, u"postgres"_s, u"mariadb"_s, u"mysql"_s};

const QString kPasswordAdvice =
        u"use \"password_env\" (the name of an environment variable that holds the password) or "
        u"\"password_keychain\": true instead"_s;

// ---------------------------------------------------------------------------------------------
// Small helpers for paths, values and messages

QString quote(const QString &s)
{
    return u'\'' + s + u'\'';
}

QString quoteList(const QStringList &items)
{
    QStringList quoted;
    quoted.reserve(items.size());
    for (const QString &item : items)
        quoted.append(quote(item));
    return quoted.join(u", "_s);
}

// The value as JSON text, escaped by Qt's own writer.
QByteArray jsonText(const QJsonValue &value)
{
    const QByteArray array = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return array.mid(1, array.size() - 2);
}

bool isPlainKey(const QString &key)
{
    if (key.isEmpty() || key.front().isDigit())
        return false;
    return std::all_of(key.cbegin(), key.cend(), [](QChar c) {
        return (c.unicode() < 128 && c.isLetterOrNumber()) || c == u'_' || c == u'-';
    });
}

// "connections.pg.driver"; a key that is not a plain word is bracketed, so a connection named
// "a.b" reads connections["a.b"].driver and not as a nested path.
QString childPath(const QString &parent, const QString &key)
{
    if (!isPlainKey(key))
        return parent + u'[' + QString::fromUtf8(jsonText(QJsonValue(key))) + u']';
    return parent.isEmpty() ? key : parent + u'.' + key;
}

QString indexPath(const QString &parent, qsizetype index)
{
    return parent + u'[' + QString::number(index) + u']';
}

QString typeName(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null: return u"null"_s;
    case QJsonValue::Bool: return u"a boolean"_s;
    case QJsonValue::Double: return u"a number"_s;
    case QJsonValue::String: return u"a string"_s;
    case QJsonValue::Array: return u"an array"_s;
    case QJsonValue::Object: return u"an object"_s;
    case QJsonValue::Undefined: break;
    }
    return u"missing"_s;
}

bool isWholeNumber(double d)
{
    return std::isfinite(d) && d == std::trunc(d) && std::abs(d) <= double(kMaxExactInteger);
}

QString numberText(double d)
{
    return isWholeNumber(d) ? QString::number(qint64(d)) : QString::number(d, 'g', 12);
}

int editDistance(const QString &a, const QString &b)
{
    QList<int> row(b.size() + 1);
    for (qsizetype j = 0; j <= b.size(); ++j)
        row[j] = int(j);
    for (qsizetype i = 1; i <= a.size(); ++i) {
        int diagonal = row[0];
        row[0] = int(i);
        for (qsizetype j = 1; j <= b.size(); ++j) {
            const int above = row[j];
            const int cost = a.at(i - 1) == b.at(j - 1) ? 0 : 1;
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + cost});
            diagonal = above;
        }
    }
    return row[b.size()];
}

// "; did you mean 'batch_rows'?" for a typo. A typo ("batchrows", "batchRows", "intervall_s")
// is one or two edits away; anything further is a different word, and suggesting a field for
// it would mislead more than help.
QString suggestion(const QString &word, const QStringList &candidates)
{
    QString best;
    int bestDistance = 3;
    for (const QString &candidate : candidates) {
        const int d = editDistance(word.toLower(), candidate);
        if (d < bestDistance && d < candidate.size()) {
            best = candidate;
            bestDistance = d;
        }
    }
    return best.isEmpty() ? QString() : u"; did you mean "_s + quote(best) + u'?';
}

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

// One server under its loopback names, so "localhost" vs "127.0.0.1" cannot hide a mirror
// onto itself.
QString normalizedHost(const QString &host)
{
    QString h = host.toLower();
    if (h == u"localhost"_s || h == u"127.0.0.1"_s || h == u"::1"_s || h == u"[::1]"_s)
        return u"localhost"_s;
    return h;
}

int effectivePort(const ConnectionConfig &c)
{
    if (c.port != 0)
        return c.port;
    return c.driver == DriverKind::Postgres ? kDefaultPostgresPort : kDefaultMariaDbPort;
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

QString decodeJsonString(const QByteArray &quoted)
{
    if (!quoted.contains('\\'))
        return QString::fromUtf8(quoted.mid(1, quoted.size() - 2));
    return QJsonDocument::fromJson('[' + quoted + ']').array().at(0).toString();
}

// QJsonDocument keeps only the last of two equal keys, silently: a second "pg" connection or a
// repeated "batch_rows" would vanish without a word. This walks the (already valid) JSON text
// and reports every repeated key with its path.
QList<std::pair<QString, QString>> findDuplicateKeys(const QByteArray &json)
{
    struct Frame
    {
        bool object = false;
        QString path;
        QHash<QString, int> keyLines;
        QString key;
        qsizetype index = 0;
        bool expectKey = true;
    };
    QList<Frame> stack;
    QList<std::pair<QString, QString>> found;
    int line = 1;
    const auto valuePath = [&stack]() -> QString {
        if (stack.isEmpty())
            return {};
        const Frame &f = stack.constLast();
        return f.object ? childPath(f.path, f.key) : indexPath(f.path, f.index);
    };
    for (qsizetype i = 0; i < json.size(); ++i) {
        switch (json.at(i)) {
        case '\n': ++line; break;
        case '{':
        case '[': {
            Frame frame;
            frame.object = json.at(i) == '{';
            frame.path = valuePath();
            stack.append(frame);
            break;
        }
        case '}':
        case ']':
            if (!stack.isEmpty())
                stack.removeLast();
            break;
        case ',':
            if (!stack.isEmpty()) {
                Frame &f = stack.last();
                if (f.object)
                    f.expectKey = true;
                else
                    ++f.index;
            }
            break;
        case ':':
            if (!stack.isEmpty())
                stack.last().expectKey = false;
            break;
        case '"': {
            const qsizetype start = i;
            for (++i; i < json.size() && json.at(i) != '"'; ++i) {
                if (json.at(i) == '\\')
                    ++i;
                else if (json.at(i) == '\n')
                    ++line;
            }
            if (stack.isEmpty() || !stack.constLast().object || !stack.constLast().expectKey)
                break;
            Frame &f = stack.last();
            f.key = decodeJsonString(json.mid(start, i - start + 1));
            f.expectKey = false;
            const auto seen = f.keyLines.constFind(f.key);
            if (seen == f.keyLines.constEnd()) {
                f.keyLines.insert(f.key, line);
                break;
            }
            found.append(
                    {childPath(f.path, f.key),
                     u"field "_s + quote(f.key) + u" appears more than once (lines "_s
                             + QString::number(*seen) + u" and "_s + QString::number(line)
                             + u"); JSON keeps only the last one, so remove or rename the other"_s});
            break;
        }
        default: break;
        }
    }
    return found;
}

// Line and column (1-based, in characters) of a parse error, as an editor shows them.
std::pair<int, int> errorPosition(const QByteArray &data, const QJsonParseError &error)
{
    qsizetype offset = std::clamp<qsizetype>(error.offset, 0, data.size());
    // Qt reports a bad literal ("tru") and an unexpected end of file past the whitespace that
    // follows the culprit, which can be the next line or the blank end of the file; point at
    // the end of the culprit instead.
    if (error.error == QJsonParseError::IllegalValue || offset == data.size()) {
        while (offset > 0 && QByteArrayView(" \t\r\n").contains(data.at(offset - 1)))
            --offset;
    }
    int line = 1;
    qsizetype lineStart = 0;
    for (qsizetype i = 0; i < offset; ++i) {
        if (data.at(i) == '\n') {
            ++line;
            lineStart = i + 1;
        }
    }
    if (lineStart == 0 && data.startsWith("\xEF\xBB\xBF"))
        lineStart = 3; // a UTF-8 byte order mark is invisible in an editor
    int column = 1;
    for (qsizetype i = lineStart; i < offset; ++i) {
        if ((uchar(data.at(i)) & 0xC0) != 0x80) // count characters, not UTF-8 bytes
            ++column;
    }
    return {line, column};
}

// ---------------------------------------------------------------------------------------------
// Validation: every problem is collected, each at the JSON path of its culprit.

enum class Need { Optional, Required };

class Validator
{
public:
    Validator(QString file, QString folder)
        : m_file(std::move(file))
        , m_folder(std::move(folder))
    {
    }

    QList<ProjectError> errors() const { return m_errors; }

    void validate(const QJsonObject &root, Project &project)
    {
        const QJsonValue version = root.value(u"tidemark"_s);
        if (version.isUndefined()) {
            fail(u"tidemark"_s,
                 u"required field 'tidemark' is missing; a project file starts "
                 u"with \"tidemark\": 1"_s);
        } else if (!version.isDouble()) {
            fail(u"tidemark"_s, u"must be the number 1, not "_s + typeName(version));
        } else if (version.toDouble() != 1) {
            // A newer format may mean anything by its other fields; judging them by version 1's
            // rules would only bury this one error under wrong ones.
            fail(u"tidemark"_s,
                 u"unsupported version "_s + numberText(version.toDouble())
                         + u": this Tidemark reads version 1 project files"_s);
            return;
        }
        checkKeys(root, {}, kTopLevelKeys, u"the top level"_s);
        readConnections(root, project);
        readMappings(root, project);
    }

private:
    void fail(const QString &where, const QString &message)
    {
        m_errors.append(ProjectError{m_file, where, message});
    }

    // An unknown key is an error, not ignored: "batchrows" for "batch_rows" would otherwise
    // silently run with the default. `notApplicable` are keys valid elsewhere (a server field
    // in a sqlite connection).
    void checkKeys(const QJsonObject &object, const QString &path, const QStringList &allowed,
                   const QString &what, const QStringList &notApplicable = {})
    {
        for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
            const QString key = it.key();
            if (allowed.contains(key))
                continue;
            const QString allowedText = u" (allowed: "_s + allowed.join(u", "_s) + u')';
            if (notApplicable.contains(key))
                fail(childPath(path, key),
                     u"field "_s + quote(key) + u" does not apply to "_s + what + allowedText);
            else
                fail(childPath(path, key),
                     u"unknown field "_s + quote(key) + u" in "_s + what + suggestion(key, allowed)
                             + allowedText);
        }
    }

    // The value of `key` if present and of `type`; a missing required field or a wrong type
    // is reported (`expected` says what was wanted: "a string").
    std::optional<QJsonValue> field(const QJsonObject &object, const QString &path,
                                    const QString &key, QJsonValue::Type type,
                                    const QString &expected, Need need, const QString &hint = {})
    {
        const QJsonValue value = object.value(key);
        if (value.isUndefined()) {
            if (need == Need::Required)
                fail(childPath(path, key),
                     u"required field "_s + quote(key) + u" is missing"_s + hint);
            return std::nullopt;
        }
        if (value.type() != type) {
            fail(childPath(path, key), u"must be "_s + expected + u", not "_s + typeName(value));
            return std::nullopt;
        }
        return value;
    }

    // A name used verbatim in SQL (quoted): any character but NUL, which no database accepts
    // in an identifier and which would truncate it in C APIs.
    bool checkName(const QString &value, const QString &where)
    {
        if (value.isEmpty()) {
            fail(where, u"must not be empty"_s);
            return false;
        }
        if (value.contains(QChar(0))) {
            fail(where, u"must not contain a NUL character"_s);
            return false;
        }
        return true;
    }

    std::optional<QString> string(const QJsonObject &object, const QString &path,
                                  const QString &key, Need need, const QString &hint = {})
    {
        const auto value = field(object, path, key, QJsonValue::String, u"a string"_s, need, hint);
        if (!value)
            return std::nullopt;
        return value->toString();
    }

    std::optional<QString> name(const QJsonObject &object, const QString &path, const QString &key,
                                Need need, const QString &hint = {})
    {
        auto value = string(object, path, key, need, hint);
        if (value && !checkName(*value, childPath(path, key)))
            return std::nullopt;
        return value;
    }

    std::optional<qint64> integer(const QJsonObject &object, const QString &path,
                                  const QString &key, qint64 min, qint64 max, const QString &range)
    {
        const auto value = field(object, path, key, QJsonValue::Double,
                                 u"a whole number "_s + range, Need::Optional);
        if (!value)
            return std::nullopt;
        const double d = value->toDouble();
        if (!isWholeNumber(d) || d < double(min) || d > double(max)) {
            fail(childPath(path, key),
                 u"must be a whole number "_s + range + u", not "_s + numberText(d));
            return std::nullopt;
        }
        return qint64(d);
    }

    void readConnections(const QJsonObject &root, Project &project)
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

    std::optional<ConnectionConfig> readConnection(const QString &connectionName,
                                                   const QJsonObject &original, const QString &path)
    {
        const qsizetype errorsBefore = m_errors.size();
        QJsonObject object = original;
        ConnectionConfig c;
        c.name = connectionName;

        std::optional<DriverKind> driver;
        if (const auto driverName = string(object, path, u"driver"_s, Need::Required,
                                           u" (one of sqlite, postgres, mariadb)"_s)) {
            driver = driverKindFromName(*driverName);
            if (!driver)
                fail(childPath(path, u"driver"_s),
                     u"unknown driver "_s + quote(*driverName)
                             + suggestion(*driverName, kDriverNames)
                             + u" (known: sqlite, postgres, mariadb; mysql is an alias of mariadb)"_s);
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

    void readMappings(const QJsonObject &root, Project &project)
    {
        const auto value =
                field(root, {}, u"mappings"_s, QJsonValue::Array, u"an array of mappings"_s,
                      Need::Required, u" (an array of mappings)"_s);
        if (!value)
            return;
        const QJsonArray mappings = value->toArray();
        if (mappings.isEmpty())
            fail(u"mappings"_s,
                 u"at least one mapping is required; a project without mappings "
                 u"has nothing to sync"_s);
        QHash<QString, qsizetype> firstIndexByName;
        QList<MirrorUse> mirrorUses; // also of mappings with errors, so all is reported at once
        for (qsizetype i = 0; i < mappings.size(); ++i) {
            const QString path = indexPath(u"mappings"_s, i);
            if (!mappings.at(i).isObject()) {
                fail(path, u"must be an object, not "_s + typeName(mappings.at(i)));
                continue;
            }
            const QJsonObject object = mappings.at(i).toObject();
            const qsizetype errorsBefore = m_errors.size();
            const auto mappingName = name(object, path, u"name"_s, Need::Required);
            if (mappingName) {
                // The name identifies the mapping's checkpoint and --mapping; two of them would
                // share one checkpoint and each resume from the other's position.
                const auto first = firstIndexByName.constFind(*mappingName);
                if (first != firstIndexByName.constEnd())
                    fail(childPath(path, u"name"_s),
                         u"duplicate mapping name "_s + quote(*mappingName) + u": "_s
                                 + indexPath(u"mappings"_s, *first) + u" and "_s + path
                                 + u" both use it"_s);
                else
                    firstIndexByName.insert(*mappingName, i);
            }
            MappingConfig mapping = readMapping(object, path);
            mapping.name = mappingName.value_or(QString());
            if (mapping.mirror.connection.isEmpty())
                continue; // no usable mirror reference (reported)
            mirrorUses.append({i, mapping.name, mapping.mirror, mapping.deletes});
            if (m_errors.size() == errorsBefore)
                project.mappings.append(mapping);
        }
        checkSharedMirrors(mirrorUses);
    }

    std::optional<TableRef> readTableRef(const QJsonObject &mapping, const QString &mappingPath,
                                         const QString &key)
    {
        const auto value =
                field(mapping, mappingPath, key, QJsonValue::Object,
                      u"an object like {\"connection\": \"src\", \"table\": \"orders\"}"_s,
                      Need::Required);
        if (!value)
            return std::nullopt;
        const QString path = childPath(mappingPath, key);
        const QJsonObject object = value->toObject();
        checkKeys(object, path, kTableRefKeys, u"a table reference"_s);
        const auto connection = name(object, path, u"connection"_s, Need::Required);
        const auto table = name(object, path, u"table"_s, Need::Required);
        if (connection && !m_connectionNames.contains(*connection)) {
            fail(childPath(path, u"connection"_s),
                 u"unknown connection "_s + quote(*connection)
                         + suggestion(*connection, m_connectionNames)
                         + (m_connectionNames.isEmpty()
                                    ? u" (no connections are defined)"_s
                                    : QString(u" (defined: "_s + quoteList(m_connectionNames)
                                              + u')')));
            return std::nullopt;
        }
        if (!connection || !table)
            return std::nullopt;
        return TableRef{*connection, *table};
    }

    // An array of column names: each a non-empty name, none twice.
    std::optional<QStringList> columnList(const QJsonObject &mapping, const QString &mappingPath,
                                          const QString &key, const QString &whenEmpty)
    {
        const auto value = field(mapping, mappingPath, key, QJsonValue::Array,
                                 u"an array of column names"_s, Need::Optional);
        if (!value)
            return std::nullopt;
        const QString path = childPath(mappingPath, key);
        const QJsonArray array = value->toArray();
        if (array.isEmpty()) {
            fail(path, u"must list at least one column; "_s + whenEmpty);
            return std::nullopt;
        }
        QStringList columns;
        bool ok = true;
        for (qsizetype j = 0; j < array.size(); ++j) {
            const QString itemPath = indexPath(path, j);
            if (!array.at(j).isString()) {
                fail(itemPath, u"must be a column name (a string), not "_s + typeName(array.at(j)));
                ok = false;
                continue;
            }
            const QString column = array.at(j).toString();
            if (!checkName(column, itemPath)) {
                ok = false;
                continue;
            }
            if (const qsizetype first = columns.indexOf(column); first >= 0) {
                fail(itemPath,
                     u"column "_s + quote(column) + u" is listed twice (also at "_s
                             + indexPath(key, first) + u')');
                ok = false;
            }
            columns.append(column);
        }
        if (!ok)
            return std::nullopt;
        return columns;
    }

    MappingConfig readMapping(const QJsonObject &object, const QString &path)
    {
        MappingConfig m;
        checkKeys(object, path, kMappingKeys, u"a mapping"_s);
        const auto source = readTableRef(object, path, u"source"_s);
        const auto mirror = readTableRef(object, path, u"mirror"_s);
        const auto key = columnList(object, path, u"key"_s,
                                    u"leave \"key\" out to use the source table's primary key"_s);
        const auto columns = columnList(object, path, u"columns"_s,
                                        u"leave \"columns\" out to copy every column"_s);
        if (source)
            m.source = *source;
        if (mirror)
            m.mirror = *mirror;
        m.key = key.value_or(QStringList());
        m.columns = columns.value_or(QStringList());
        if (key && columns) {
            for (const QString &k : *key) {
                if (!columns->contains(k))
                    fail(childPath(path, u"columns"_s),
                         u"must include the key column "_s + quote(k)
                                 + u": rows are matched by their key, so the mirror needs it"_s);
            }
        }

        readCursor(object, path, columns, m);

        if (const auto deletes = string(object, path, u"deletes"_s, Need::Optional)) {
            if (*deletes == u"sweep"_s)
                m.deletes = DeletePolicy::Sweep;
            else if (*deletes == u"none"_s)
                m.deletes = DeletePolicy::None;
            else
                fail(childPath(path, u"deletes"_s),
                     u"must be \"sweep\" or \"none\", not "_s + quote(*deletes));
        }
        // Whole seconds: a sub-second interval would hammer the source with count queries, and
        // the field is an int everywhere downstream.
        if (const auto interval = integer(object, path, u"interval_s"_s, 1, kMaxIntervalS,
                                          u"of seconds from 1 to 604800 (a week)"_s))
            m.intervalS = int(*interval);
        if (const auto batch = integer(object, path, u"batch_rows"_s, 1, kMaxBatchRows,
                                       u"from 1 to 1000000"_s))
            m.batchRows = int(*batch);
        readLookback(object, path, m);
        // 0: sweeps run only when asked for. Otherwise deletes reach the mirror on this schedule.
        if (const auto sweep = integer(object, path, u"sweep_interval_s"_s, 0, kMaxIntervalS,
                                       u"of seconds from 0 (only on request) to 604800"_s))
            m.sweepIntervalS = int(*sweep);
        // 0: drift checks run only when asked for. A check reads both whole tables (in
        // checksummed segments), so it is scheduled apart from, and far less often than, syncs.
        if (const auto verify = integer(object, path, u"verify_interval_s"_s, 0, kMaxIntervalS,
                                        u"of seconds from 0 (only on request) to 604800"_s))
            m.verifyIntervalS = int(*verify);
        if (const auto fraction = field(object, path, u"max_sweep_fraction"_s, QJsonValue::Double,
                                        u"a number"_s, Need::Optional)) {
            const double d = fraction->toDouble();
            if (d > 0 && d <= 1)
                m.maxSweepFraction = d;
            else
                fail(childPath(path, u"max_sweep_fraction"_s),
                     u"must be more than 0 and at most 1 (the share of the mirror table a sweep "
                     u"may delete; 0.5 is half), not "_s
                             + numberText(d));
        }
        if (source && mirror)
            checkNotOntoItself(*source, *mirror, path);
        return m;
    }

    void readCursor(const QJsonObject &object, const QString &path,
                    const std::optional<QStringList> &columns, MappingConfig &m)
    {
        const QJsonValue value = object.value(u"cursor"_s);
        QString columnPath = childPath(path, u"cursor"_s);
        std::optional<QString> column;
        if (value.isString()) {
            // "cursor": "updated_at" is accepted as shorthand for {"column": "updated_at"}.
            column = value.toString();
            if (!checkName(*column, columnPath))
                column.reset();
        } else if (value.isObject()) {
            checkKeys(value.toObject(), columnPath, kCursorKeys, u"a cursor"_s);
            column = name(value.toObject(), columnPath, u"column"_s, Need::Required);
            columnPath = childPath(columnPath, u"column"_s);
        } else if (!value.isUndefined()) {
            fail(columnPath,
                 u"must be an object like {\"column\": \"updated_at\"} or a column "
                 u"name, not "_s
                         + typeName(value));
        }
        if (!column)
            return;
        if (columns && !columns->contains(*column)) {
            fail(columnPath,
                 u"cursor column "_s + quote(*column)
                         + u" is not in \"columns\"; the incremental pass reads it with "
                           u"the rows, so list it there too"_s);
            return;
        }
        m.cursorColumn = *column;
    }

    void readLookback(const QJsonObject &object, const QString &path, MappingConfig &m)
    {
        // "lookback" reads better for an integer cursor, where the unit is cursor steps.
        const bool seconds = object.contains(u"lookback_s"_s);
        const bool alias = object.contains(u"lookback"_s);
        if (seconds && alias) {
            fail(childPath(path, u"lookback"_s),
                 u"give either \"lookback_s\" or its alias \"lookback\", not both"_s);
            return;
        }
        const QString key = alias ? u"lookback"_s : u"lookback_s"_s;
        if (const auto lookback =
                    integer(object, path, key, 0, kMaxExactInteger, u"of 0 or more"_s))
            m.lookback = *lookback;
    }

    void checkNotOntoItself(const TableRef &source, const TableRef &mirror, const QString &path)
    {
        // A connection whose database is not known was reported already.
        if (!m_identities.contains(source.connection) || !m_identities.contains(mirror.connection))
            return;
        const ConnectionConfig &a = m_identities[source.connection];
        const ConnectionConfig &b = m_identities[mirror.connection];
        if (!sameDatabase(a, b) || !sameTableName(a.driver, source.table, mirror.table))
            return;
        const QString where = childPath(path, u"mirror"_s);
        if (a.name == b.name)
            fail(where,
                 u"would mirror a table onto itself: source and mirror are both table "_s
                         + quote(source.table) + u" of connection "_s + quote(a.name));
        else
            fail(where,
                 u"would mirror a table onto itself: connections "_s + quote(a.name) + u" and "_s
                         + quote(b.name) + u" open the same database ("_s
                         + (a.driver == DriverKind::Sqlite
                                    ? canonicalSqlitePath(a.database)
                                    : QString(a.host + u':' + QString::number(effectivePort(a))
                                              + u'/' + a.database))
                         + u") and both name table "_s + quote(source.table)
                         + (source.table == mirror.table
                                    ? QString()
                                    : QString(u" (as "_s + quote(mirror.table)
                                              + u"; SQLite table names ignore case)"_s)));
    }

    struct MirrorUse
    {
        qsizetype index;
        QString name;
        TableRef mirror;
        DeletePolicy deletes;
    };

    // Two mappings that write one mirror table undo each other: each one's orphan sweep deletes
    // the rows the other copied, since their keys are not in its own source.
    void checkSharedMirrors(const QList<MirrorUse> &uses)
    {
        for (qsizetype j = 1; j < uses.size(); ++j) {
            const MirrorUse &later = uses.at(j);
            for (qsizetype i = 0; i < j; ++i) {
                const MirrorUse &earlier = uses.at(i);
                if (!m_identities.contains(earlier.mirror.connection)
                    || !m_identities.contains(later.mirror.connection))
                    continue;
                const ConnectionConfig &a = m_identities[earlier.mirror.connection];
                const ConnectionConfig &b = m_identities[later.mirror.connection];
                if (!sameDatabase(a, b)
                    || !sameTableName(a.driver, earlier.mirror.table, later.mirror.table))
                    continue;
                if (earlier.deletes == DeletePolicy::None && later.deletes == DeletePolicy::None)
                    continue;
                const QString earlierPath = indexPath(u"mappings"_s, earlier.index);
                fail(childPath(indexPath(u"mappings"_s, later.index), u"mirror"_s),
                     u"table "_s + quote(later.mirror.table) + u" is also the mirror of "_s
                             + (earlier.name.isEmpty() ? earlierPath
                                                       : QString(earlierPath + u" ("_s
                                                                 + quote(earlier.name) + u')'))
                             + u", and each mapping's orphan sweep would delete the other's rows; "
                               u"set \"deletes\": \"none\" on both to merge sources on purpose"_s);
                break;
            }
        }
    }

    QString m_file;
    QString m_folder;
    QList<ProjectError> m_errors;
    QStringList m_connectionNames; // every key in "connections", valid or not
    // Connections whose driver and database fields are sound, for the onto-itself checks.
    QMap<QString, ConnectionConfig> m_identities;
};

// ---------------------------------------------------------------------------------------------
// Writing: SPEC.md's layout and field order (QJsonDocument would sort the keys, putting
// "tidemark" last and "name" in the middle of a mapping).

using Fields = QList<std::pair<QString, QByteArray>>; // key, value already as JSON text

QByteArray text(const QString &s)
{
    return jsonText(QJsonValue(s));
}

// `indent`: the indentation of the line the value starts on; `column`: where it starts.
QByteArray renderObject(const Fields &fields, qsizetype indent, qsizetype column, bool oneLine)
{
    if (fields.isEmpty())
        return "{}";
    if (oneLine) {
        QByteArray line = "{ ";
        for (qsizetype i = 0; i < fields.size(); ++i)
            line += (i ? ", " : "") + text(fields.at(i).first) + ": " + fields.at(i).second;
        line += " }";
        if (column + line.size() <= kLineWidth && !line.contains('\n'))
            return line;
    }
    const QByteArray pad(indent + 2, ' ');
    QByteArray out = "{\n";
    for (qsizetype i = 0; i < fields.size(); ++i)
        out += pad + text(fields.at(i).first) + ": " + fields.at(i).second
                + (i + 1 < fields.size() ? ",\n" : "\n");
    return out + QByteArray(indent, ' ') + '}';
}

QByteArray renderArray(const QList<QByteArray> &items, qsizetype indent, qsizetype column,
                       bool oneLine)
{
    if (items.isEmpty())
        return "[]";
    if (oneLine) {
        QByteArray line = '[' + items.join(", ") + ']';
        if (column + line.size() <= kLineWidth && !line.contains('\n'))
            return line;
    }
    const QByteArray pad(indent + 2, ' ');
    return "[\n" + pad + items.join(",\n" + pad) + '\n' + QByteArray(indent, ' ') + ']';
}

// Where a field's value starts on a line indented by `indent`.
qsizetype valueColumn(qsizetype indent, const QString &key)
{
    return indent + text(key).size() + 2;
}

QByteArray renderStringArray(const QStringList &values, qsizetype indent, const QString &key)
{
    QList<QByteArray> items;
    for (const QString &v : values)
        items.append(text(v));
    return renderArray(items, indent, valueColumn(indent, key), true);
}

QString relativeDatabasePath(const QString &database, const QString &folder)
{
    if (folder.isEmpty())
        return database;
    const QString clean = QDir::cleanPath(folder);
    const QString prefix = clean.endsWith(u'/') ? clean : clean + u'/';
    if (!database.startsWith(prefix))
        return database;
    const QString relative = QDir(clean).relativeFilePath(database);
    // A file really named ":memory:" must not read back as the in-memory database.
    return relative.startsWith(u':') ? u"./"_s + relative : relative;
}

QByteArray renderConnection(const ConnectionConfig &c, const QString &folder, qsizetype indent)
{
    Fields f{{u"driver"_s, text(driverKindName(c.driver))}};
    if (c.driver == DriverKind::Sqlite) {
        f.append({u"database"_s, text(relativeDatabasePath(c.database, folder))});
    } else {
        f.append({u"host"_s, text(c.host)});
        if (c.port != 0)
            f.append({u"port"_s, jsonText(c.port)});
        f.append({u"database"_s, text(c.database)});
        if (!c.user.isEmpty())
            f.append({u"user"_s, text(c.user)});
        if (!c.passwordEnv.isEmpty())
            f.append({u"password_env"_s, text(c.passwordEnv)});
        if (c.passwordKeychain)
            f.append({u"password_keychain"_s, "true"});
        if (c.connectTimeoutS != ConnectionConfig().connectTimeoutS)
            f.append({u"connect_timeout_s"_s, jsonText(c.connectTimeoutS)});
        if (c.statementTimeoutS != ConnectionConfig().statementTimeoutS)
            f.append({u"statement_timeout_s"_s, jsonText(c.statementTimeoutS)});
    }
    if (!c.options.isEmpty())
        f.append({u"options"_s, text(c.options)});
    return renderObject(f, indent, valueColumn(indent, c.name), true);
}

QByteArray renderMapping(const MappingConfig &m, qsizetype indent)
{
    const qsizetype inner = indent + 2;
    const auto ref = [inner](const TableRef &r, const QString &key) {
        return renderObject({{u"connection"_s, text(r.connection)}, {u"table"_s, text(r.table)}},
                            inner, valueColumn(inner, key), true);
    };
    // Tuning fields are written even at their defaults, as SPEC.md shows them, so a user who
    // opens the file sees what can be tuned.
    Fields f{{u"name"_s, text(m.name)},
             {u"source"_s, ref(m.source, u"source"_s)},
             {u"mirror"_s, ref(m.mirror, u"mirror"_s)}};
    if (!m.key.isEmpty())
        f.append({u"key"_s, renderStringArray(m.key, inner, u"key"_s)});
    if (!m.columns.isEmpty())
        f.append({u"columns"_s, renderStringArray(m.columns, inner, u"columns"_s)});
    if (m.hasCursor())
        f.append({u"cursor"_s,
                  renderObject({{u"column"_s, text(m.cursorColumn)}}, inner,
                               valueColumn(inner, u"cursor"_s), true)});
    f.append({u"deletes"_s, text(m.deletes == DeletePolicy::Sweep ? u"sweep"_s : u"none"_s)});
    f.append({u"interval_s"_s, jsonText(m.intervalS)});
    f.append({u"batch_rows"_s, jsonText(m.batchRows)});
    f.append({u"lookback_s"_s, jsonText(m.lookback)});
    f.append({u"max_sweep_fraction"_s, jsonText(m.maxSweepFraction)});
    if (m.sweepIntervalS != MappingConfig().sweepIntervalS)
        f.append({u"sweep_interval_s"_s, jsonText(m.sweepIntervalS)});
    if (m.verifyIntervalS != MappingConfig().verifyIntervalS)
        f.append({u"verify_interval_s"_s, jsonText(m.verifyIntervalS)});
    return renderObject(f, indent, indent, false);
}

ProjectLoadResult failure(ProjectError error)
{
    ProjectLoadResult result;
    result.errors.append(std::move(error));
    return result;
}

} // namespace

ProjectLoadResult ProjectLoader::loadFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return failure({path, {}, u"cannot read the project file: "_s + file.errorString()});
    // Bounded read rather than size(): a pipe or /dev/stdin reports size 0.
    const QByteArray data = file.read(kMaxFileBytes + 1);
    if (file.error() != QFileDevice::NoError)
        return failure({path, {}, u"cannot read the project file: "_s + file.errorString()});
    if (data.size() > kMaxFileBytes)
        return failure({path,
                        {},
                        u"is larger than 16 MiB, far too large for a project file; "
                        u"is this the right file?"_s});
    return loadBytes(data, path);
}

ProjectLoadResult ProjectLoader::loadBytes(const QByteArray &json, const QString &path)
{
    const QString file = path.isEmpty() ? u"(unsaved project)"_s : path;
    Project project;
    if (path.isEmpty()) {
        project.folder = QDir::currentPath();
    } else {
        const QFileInfo info(path);
        project.filePath = QDir::cleanPath(info.absoluteFilePath());
        project.folder = QDir::cleanPath(info.absolutePath());
    }

    if (json.trimmed().isEmpty())
        return failure({file,
                        {},
                        u"the file is empty; a project file is a JSON object that "
                        u"starts with { \"tidemark\": 1"_s});
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        const auto [line, column] = errorPosition(json, parseError);
        return failure({file, {}, u"malformed JSON: "_s + parseError.errorString(), line, column});
    }
    if (!document.isObject())
        return failure({file,
                        {},
                        u"the top level must be a JSON object "
                        u"({ \"tidemark\": 1, \"connections\": ..., \"mappings\": ... })"_s});

    ProjectLoadResult result;
    for (const auto &[where, message] : findDuplicateKeys(json))
        result.errors.append(ProjectError{file, where, message});
    Validator validator(file, project.folder);
    validator.validate(document.object(), project);
    result.errors.append(validator.errors());
    if (result.errors.isEmpty())
        result.project = std::move(project);
    return result;
}

QByteArray ProjectLoader::toJson(const Project &project)
{
    Fields connections;
    for (const ConnectionConfig &c : project.connections)
        connections.append({c.name, renderConnection(c, project.folder, 4)});
    QList<QByteArray> mappings;
    for (const MappingConfig &m : project.mappings)
        mappings.append(renderMapping(m, 4));
    const Fields top{{u"tidemark"_s, "1"},
                     {u"connections"_s, renderObject(connections, 2, 2, false)},
                     {u"mappings"_s, renderArray(mappings, 2, 2, false)}};
    return renderObject(top, 0, 0, false) + '\n';
}

} // namespace tidemark
