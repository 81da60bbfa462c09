#pragma once
// The backfill benchmark's runs: loads the sources, times tidemark-cli and the baselines for
// every pairing, checks the mirrors and prints the report. main.cpp only parses the options.

#include "benchdb.h"
#include "childprocess.h"
#include "measurements.h"

#include <QList>
#include <QString>
#include <QTextStream>

#include <optional>

namespace tidemark::bench {

inline const QString kSqliteTable = QStringLiteral("bench_sqlite");
inline const QString kPgTable = QStringLiteral("bench_pg");
inline const QString kMariaTable = QStringLiteral("bench_maria");

struct Options
{
    qint64 rows = 1'000'000;
    int runs = 3;
    int batchRows = 5000;
    qint64 loopRows = 100'000;
    quint64 seed = 20240603;
    QString cli;
    QString work;
    bool baselines = true;
    bool baselinesIfInstalled = false; // skip a baseline whose tool is missing (ctest)
    bool checkOnly = false;
    bool pgloader = true; // found on PATH
};

struct Pairing
{
    QString id; // used in table and file names
    QString label;
    QString sourceDialect;
    QString sourceTable;
    QString mirrorDialect;
    QString mirrorTable;
};

extern const QList<Pairing> kPairings;

QTextStream &out();
QTextStream &err();

// Throws std::runtime_error: every step that cannot go on ends the run with this message.
[[noreturn]] void fail(const QString &message);

class Bench
{
public:
    Bench(Options o, Server pg, Server maria);

    void loadSources();
    void measureAll();
    bool checkMirrors();
    void report();

private:
    const Server &server(const QString &dialect) const
    {
        return dialect == u"postgres" ? m_pg : m_maria;
    }
    std::optional<Server> endpoint(const QString &dialect) const
    {
        return dialect == u"sqlite" ? std::nullopt : std::optional<Server>(server(dialect));
    }
    void dropTables(const QString &dialect, const QStringList &tables);
    qint64 count(const QString &dialect, const QString &table);
    QString writeProject(const Pairing &p);
    Sample tidemarkRun(const Pairing &p);
    Sample copyPipeRun();
    Sample pgloaderRun(const QString &sourceDialect);
    Sample singleRowLoopRun(const QString &targetDialect);
    Sample checked(const ChildResult &r, const QString &what);
    Measurement &measurement(const QString &name, qint64 rows);

    Options m_o;
    Server m_pg;
    Server m_maria;
    QString m_sqlitePath;
    QString m_log;
    QList<Measurement> m_measurements;
};

} // namespace tidemark::bench
