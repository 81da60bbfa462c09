#pragma once
// Immutable configuration values read from a project file (SPEC.md, "Project file").
// Nothing outside engine/project reads JSON; everything else works on these types.

#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

namespace tidemark {

// ClickHouse may only be a mirror (projectloader refuses it as a source).
enum class DriverKind { Sqlite, Postgres, MariaDb, ClickHouse };

// "sqlite", "postgres", "mariadb" ("mysql" is an alias); nullopt for anything else.
std::optional<DriverKind> driverKindFromName(const QString &name);
QString driverKindName(DriverKind kind);
// The port a server connection uses when the project file gives none (0 for SQLite).
int defaultPort(DriverKind kind);

struct ConnectionConfig
{
    QString name; // the key in "connections"
    DriverKind driver = DriverKind::Sqlite;
    QString database; // SQLite: an absolute path (resolved against the project folder)
    QString host;
    int port = 0; // 0: the driver's default
    QString user;
    QString passwordEnv; // the environment variable that holds the password
    bool passwordKeychain = false;
    QString options; // driver connect options, "k=v;k=v"
    // Servers only. How long connecting may take, and how long one statement may run before
    // the server cancels it (and, for a server that stopped answering, before Tidemark closes
    // the socket). One hung statement must not hold a mapping for minutes.
    int connectTimeoutS = 10;
    int statementTimeoutS = 120;

    // A human name for messages: "connection 'pg' (postgres tidemark@127.0.0.1:5432/mirror)",
    // "connection 'src' (sqlite /abs/path/source.db)". Never includes a password.
    QString describe() const;

    bool operator==(const ConnectionConfig &) const = default;
};

struct TableRef
{
    QString connection;
    QString table;

    bool operator==(const TableRef &) const = default;
};

enum class DeletePolicy { Sweep, None };

// How changes are found in the source: by the cursor column (or full keyset passes without
// one), or by triggers into a change log (SPEC "capture": "triggers"; engine/capture).
enum class CaptureMode { None, Triggers };

struct MappingConfig
{
    QString name;
    TableRef source;
    TableRef mirror;
    QStringList key;      // empty: the source table's primary key
    QStringList columns;  // empty: every column of the source table
    QString cursorColumn; // empty: no cursor, keyset passes only
    DeletePolicy deletes = DeletePolicy::Sweep;
    int intervalS = 5;
    int batchRows = 1000;
    // Timestamp cursor: seconds; integer cursor: cursor units (SPEC "lookback_s").
    qint64 lookback = 30;
    double maxSweepFraction = 0.5;
    // How often the engine sweeps orphans on its own ("deletes": "sweep" only); 0: only when
    // an operator asks. Without scheduled sweeps, deletes in the source never reach the mirror.
    int sweepIntervalS = 60;
    // How often the engine compares source and mirror on its own (SPEC "verify_interval_s");
    // 0: only when an operator asks.
    int verifyIntervalS = 0;
    CaptureMode capture = CaptureMode::None;

    bool hasCursor() const { return !cursorColumn.isEmpty(); }
    bool captured() const { return capture == CaptureMode::Triggers; }

    bool operator==(const MappingConfig &) const = default;
};

struct Project
{
    QString filePath; // absolute path of the project file
    QString folder;   // the folder relative SQLite paths are resolved against
    QMap<QString, ConnectionConfig> connections;
    QList<MappingConfig> mappings;

    const MappingConfig *mapping(const QString &name) const;
    const ConnectionConfig &connection(const QString &name) const; // must exist (validated)

    // Field by field; a project that survives ProjectLoader::toJson and back compares equal.
    bool operator==(const Project &) const = default;
};

// One problem found in a project. `where` is the JSON path ("mappings[0].source.table") or
// a connection/table name for live checks; line/column are set for malformed JSON.
struct ProjectError
{
    QString file;
    QString where;
    QString message;
    int line = 0;
    int column = 0;

    // "tidemark.json: mappings[0].key: column 'idd' is not in table 'orders'"
    QString toString() const;
};

} // namespace tidemark
