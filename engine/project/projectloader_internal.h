#pragma once
// What the files of the project loader share: projectloader.cpp (reading the file, JSON paths
// and messages, the generic field checks), projectloader_connections.cpp (the "connections"
// object, and which connections open the same database), projectloader_mappings.cpp (the
// "mappings" array) and projectloader_write.cpp (toJson). Internal to them; nothing else
// includes it.

#include "project/projectconfig.h"

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

namespace tidemark::projectfile {

// JSON numbers are doubles: past 2^53 whole numbers are no longer exact, so a larger lookback
// would not be the number the user wrote.
constexpr qint64 kMaxExactInteger = (qint64(1) << 53) - 1;

// ---------------------------------------------------------------------------------------------
// Paths, values and messages (projectloader.cpp)

QString quote(const QString &s);
QString quoteList(const QStringList &items);
QByteArray jsonText(const QJsonValue &value);
QString childPath(const QString &parent, const QString &key);
QString indexPath(const QString &parent, qsizetype index);
QString typeName(const QJsonValue &value);
bool isWholeNumber(double d);
QString numberText(double d);
QString suggestion(const QString &word, const QStringList &candidates);

// ---------------------------------------------------------------------------------------------
// Which connections open the same database (projectloader_connections.cpp)

QString canonicalSqlitePath(const QString &path);
int effectivePort(const ConnectionConfig &c);
bool sameDatabase(const ConnectionConfig &a, const ConnectionConfig &b);
bool sameTableName(DriverKind driver, const QString &a, const QString &b);

// ---------------------------------------------------------------------------------------------
// Validation: every problem is collected, each at the JSON path of its culprit. The generic
// field checks are in projectloader.cpp, the connections and the mappings in files of their
// own.

enum class Need { Optional, Required };

class Validator
{
public:
    Validator(QString file, QString folder);

    QList<ProjectError> errors() const { return m_errors; }

    void validate(const QJsonObject &root, Project &project);

private:
    struct MirrorUse
    {
        qsizetype index;
        QString name;
        TableRef mirror;
        DeletePolicy deletes;
    };

    void fail(const QString &where, const QString &message);
    void checkKeys(const QJsonObject &object, const QString &path, const QStringList &allowed,
                   const QString &what, const QStringList &notApplicable = {});
    std::optional<QJsonValue> field(const QJsonObject &object, const QString &path,
                                    const QString &key, QJsonValue::Type type,
                                    const QString &expected, Need need, const QString &hint = {});
    bool checkName(const QString &value, const QString &where);
    std::optional<QString> string(const QJsonObject &object, const QString &path,
                                  const QString &key, Need need, const QString &hint = {});
    std::optional<QString> name(const QJsonObject &object, const QString &path, const QString &key,
                                Need need, const QString &hint = {});
    std::optional<qint64> integer(const QJsonObject &object, const QString &path,
                                  const QString &key, qint64 min, qint64 max, const QString &range);

    // projectloader_connections.cpp
    void readConnections(const QJsonObject &root, Project &project);
    std::optional<ConnectionConfig> readConnection(const QString &connectionName,
                                                   const QJsonObject &original, const QString &path);

    // projectloader_mappings.cpp
    void readMappings(const QJsonObject &root, Project &project);
    std::optional<TableRef> readTableRef(const QJsonObject &mapping, const QString &mappingPath,
                                         const QString &key);
    std::optional<QStringList> columnList(const QJsonObject &mapping, const QString &mappingPath,
                                          const QString &key, const QString &whenEmpty);
    MappingConfig readMapping(const QJsonObject &object, const QString &path);
    void readCursor(const QJsonObject &object, const QString &path,
                    const std::optional<QStringList> &columns, MappingConfig &m);
    void readLookback(const QJsonObject &object, const QString &path, MappingConfig &m);
    void checkNotOntoItself(const TableRef &source, const TableRef &mirror, const QString &path);
    void checkSharedMirrors(const QList<MirrorUse> &uses);

    QString m_file;
    QString m_folder;
    QList<ProjectError> m_errors;
    QStringList m_connectionNames; // every key in "connections", valid or not
    // Connections whose driver and database fields are sound, for the onto-itself checks.
    QMap<QString, ConnectionConfig> m_identities;
};

} // namespace tidemark::projectfile
