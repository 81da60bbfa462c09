#include "project/projectloader.h"
#include "project/projectloader_internal.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>

#include <algorithm>
#include <cmath>
#include <utility>

namespace tidemark {

using namespace Qt::StringLiterals;

namespace projectfile {

namespace {

const QStringList kTopLevelKeys = {u"tidemark"_s, u"connections"_s, u"mappings"_s};

} // namespace

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

// ---------------------------------------------------------------------------------------------
// Validation: the checks every field goes through (connections and mappings: files of their own)

Validator::Validator(QString file, QString folder)
    : m_file(std::move(file))
    , m_folder(std::move(folder))
{
}

void Validator::validate(const QJsonObject &root, Project &project)
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

void Validator::fail(const QString &where, const QString &message)
{
    m_errors.append(ProjectError{m_file, where, message});
}

// An unknown key is an error, not ignored: "batchrows" for "batch_rows" would otherwise
// silently run with the default. `notApplicable` are keys valid elsewhere (a server field
// in a sqlite connection).
void Validator::checkKeys(const QJsonObject &object, const QString &path,
                          const QStringList &allowed, const QString &what,
                          const QStringList &notApplicable)
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
std::optional<QJsonValue> Validator::field(const QJsonObject &object, const QString &path,
                                           const QString &key, QJsonValue::Type type,
                                           const QString &expected, Need need,
                                           const QString &hint)
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
bool Validator::checkName(const QString &value, const QString &where)
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

std::optional<QString> Validator::string(const QJsonObject &object, const QString &path,
                                         const QString &key, Need need, const QString &hint)
{
    const auto value = field(object, path, key, QJsonValue::String, u"a string"_s, need, hint);
    if (!value)
        return std::nullopt;
    return value->toString();
}

std::optional<QString> Validator::name(const QJsonObject &object, const QString &path,
                                       const QString &key, Need need, const QString &hint)
{
    auto value = string(object, path, key, need, hint);
    if (value && !checkName(*value, childPath(path, key)))
        return std::nullopt;
    return value;
}

std::optional<qint64> Validator::integer(const QJsonObject &object, const QString &path,
                                         const QString &key, qint64 min, qint64 max,
                                         const QString &range)
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

} // namespace projectfile

using namespace projectfile;

namespace {

// A project file is a few kilobytes. Anything this large is the wrong file (a database dump
// passed to --project), and parsing it would only stall the CLI before the same error.
constexpr qint64 kMaxFileBytes = qint64(16) * 1024 * 1024;

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

} // namespace tidemark
