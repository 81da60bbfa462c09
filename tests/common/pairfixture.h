#pragma once
// A source and a mirror of any two kinds (SQLite files in a temporary folder, or the throwaway
// PostgreSQL / MariaDB test servers), a project over them, operations run in the calling thread
// through the code the CLI uses, and a row-for-row comparison of canonical values.
//
// Unlike MirrorFixture nothing here assumes SQLite: the test's own DDL is written per dialect
// (PairColumn), values are bound in a form each database converts exactly, and every value the
// fixture reads goes through the side's dialect (selectExpression + toCanonical), the same path
// the passes use. A comparison that read raw driver values would hide exactly the losses this
// fixture exists to find (QPSQL reads NUMERIC as double, timestamps to the millisecond).
//
// Several fixtures (and other test programs) share one database on each server, so every table
// gets a name unique to this process and fixture (tableName()), and the destructor drops what it
// created and removes its mappings' rows from the state table.

#include "db/connectionset.h"
#include "db/dbconnection.h"
#include "db/tableschema.h"
#include "project/projectconfig.h"
#include "sync/operations.h"
#include "sync/statusprobe.h"

#include <QTemporaryDir>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>

namespace tidemark::test {

enum class Side { Source, Mirror };

// One column of a test table: its type on each dialect, and the class its values are given in
// (canonical values, db/valuecodec.h).
struct PairColumn
{
    QString name;
    ValueClass valueClass = ValueClass::Text;
    QString sqliteType;
    QString postgresType;
    QString mariadbType;

    QString typeFor(DriverKind kind) const;
};

class PairFixture
{
public:
    // `sourceServer` / `mirrorServer`: the test server's connection for a server kind (see
    // serverConnection()); ignored for SQLite, which gets a file in the temporary folder.
    PairFixture(DriverKind sourceKind, DriverKind mirrorKind,
                const std::optional<ConnectionConfig> &sourceServer,
                const std::optional<ConnectionConfig> &mirrorServer);
    ~PairFixture();
    PairFixture(const PairFixture &) = delete;
    PairFixture &operator=(const PairFixture &) = delete;

    // Empty when both sides are open; else why not, naming the pairing (a dialect that is not
    // built yet, a server that refuses the connection).
    const QString &setupError() const { return m_setupError; }
    QString pairing() const; // "sqlite -> postgres"
    DriverKind kind(Side side) const { return side == Side::Source ? m_sourceKind : m_mirrorKind; }
    Project &project() { return m_project; }

    // A table name unique to this process and fixture, e.g. "tp_4711_3_rt_src". Lower case
    // and plain, so it means the same on every dialect and server configuration.
    QString tableName(const QString &role) const;

    // SQL on either side through the fixture's own DbConnection, opened in this thread.
    // Throws DbError (with the SQL in detail()).
    QSqlQuery exec(Side side, const QString &sql, const QVariantList &binds = {});
    QVariant scalar(Side side, const QString &sql, const QVariantList &binds = {});
    DbConnection &connection(Side side);
    QString quote(Side side, const QString &identifier) const;

    // CREATE TABLE with each column's type for that side; the table is dropped by the
    // destructor (and dropped first if a crashed run left it behind).
    void createTable(Side side, const QString &table, const QList<PairColumn> &columns,
                     const QStringList &key);
    void dropLater(Side side, const QString &table);
    // Inserts rows of canonical values, one statement per row, in one transaction.
    void insertRows(Side side, const QString &table, const QList<PairColumn> &columns,
                    const QList<QVariantList> &rows);
    // UPDATE table SET columns = values WHERE key = keyValue (canonical values).
    void updateRow(Side side, const QString &table, const QList<PairColumn> &columns,
                   const QVariantList &values, const PairColumn &key, const QVariant &keyValue);
    // The placeholder and bound value that store `canonical` exactly in a column of `cls` on
    // `kind` (e.g. PostgreSQL: "CAST(? AS numeric)" with the decimal as text, because QPSQL
    // writes a bound double into the statement as shortest text and -0 arrives as 0).
    static std::pair<QString, QVariant> bindFor(DriverKind kind, ValueClass cls,
                                                const QVariant &canonical);

    // A mapping over "src" and "mirror"; its name is unique too (the state table is shared).
    MappingConfig &addMapping(const QString &role, const QString &sourceTable,
                              const QString &mirrorTable, const QString &cursor = {});
    QString mappingName(const QString &role) const { return tableName(role); }

    // Runs an operation in this thread like MirrorFixture::run; project check failures come
    // back as an "error" result carrying every problem.
    OperationResult run(OperationKind kind, const QString &mapping,
                        const OperationOptions &options = {});
    StatusMeasurement status(const QString &mapping);
    // Runs `body` with the mapping resolved and the engine's connections, in this thread (a
    // diff, a repair, an explain). Throws DbError when the project does not check out.
    void withContext(const QString &mapping, const std::function<void(MappingContext &)> &body);
    Checkpoint checkpoint(const QString &mapping);
    void reset(); // drop the engine's connections

    // Rows of `table` read through the side's dialect, ordered by `key`; `classes`, when
    // given, receives each column's value class as that dialect describes it.
    QList<QVariantList> readCanonical(Side side, const QString &table, const QStringList &columns,
                                      const QStringList &key, QList<ValueClass> *classes = nullptr);

    // Empty when the mirror table holds the source table's rows (by key) with the same
    // canonical values; else the differences, one line per column that differs (pairing, how
    // many rows, and the first keys with both values and their types), then missing and extra
    // keys. "Same" is the engine's own sameValue with the source column's class (what backfill
    // and diff decide by), except that a PostgreSQL mirror, which can hold -0.0, must hold it:
    // sameValue calls -0 and 0 equal because SQLite and MariaDB cannot store the sign.
    // `phase` names the moment in the log ("after backfill").
    QString compare(const QString &mapping, const QString &phase = {});
    // Empty when `table` on `side` reads back as `expected` (canonical values, in key order):
    // the database holds what the test meant and its dialect reads it exactly. Stricter than
    // compare(): canonical texts must match as written and doubles bit for bit; only a flag
    // read as 1/0 instead of true/false passes.
    QString checkRows(Side side, const QString &table, const QStringList &columns,
                      const QStringList &key, const QList<QVariantList> &expected);

    // "12.5 (QString)", "QString of 1048576 chars \"abc...\"": a value with its type, short.
    static QString describeValue(const QVariant &value);
    static QString describeResult(const OperationResult &result);

private:
    ConnectionConfig sideConfig(Side side, DriverKind kind,
                                const std::optional<ConnectionConfig> &server);
    // How diffRows() decides that two values are the same datum.
    struct Sameness
    {
        bool byColumnClass = false;   // sameValue with the column's class (else without)
        bool exactDoubles = false;    // -0.0 differs from 0.0
        bool flagsAsIntegers = false; // true = 1, false = 0
    };
    QString diffRows(const QString &what, const QStringList &columns,
                     const QList<ValueClass> &classes, const QStringList &key,
                     const QList<QVariantList> &left, const QList<QVariantList> &right,
                     const QString &leftName, const QString &rightName, Sameness sameness);
    ConnectionSet &engine();

    DriverKind m_sourceKind;
    DriverKind m_mirrorKind;
    int m_id = 0;
    QTemporaryDir m_dir;
    Project m_project;
    QString m_setupError;
    std::unique_ptr<DbConnection> m_source; // the test's own connections
    std::unique_ptr<DbConnection> m_mirror;
    std::unique_ptr<ConnectionSet> m_engine;  // the engine's, kept between runs like a worker's
    QList<std::pair<Side, QString>> m_tables; // to drop, in creation order
    QStringList m_mappings;                   // to remove from the state table
    std::atomic<bool> m_cancel{false};
};

} // namespace tidemark::test
