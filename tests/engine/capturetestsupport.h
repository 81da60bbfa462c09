#pragma once
// What the trigger-capture tests share (tst_capture, tst_capture_truncate): the pairings they
// run on, a captured mapping over a small table, the source's catalog as far as capture is
// concerned, and the clean-up that removes capture again when a test ends.

#include "db/dberror.h"
#include "pairfixture.h"

#include <QJsonObject>
#include <QTest>

namespace capturetest {

using tidemark::test::PairColumn;
using tidemark::test::PairFixture;
using tidemark::test::Side;

// Fails the test with the pairing and the database's message when `...` throws DbError.
#define PAIR_TRY(f, ...)                                                                           \
    try {                                                                                          \
        __VA_ARGS__;                                                                               \
    } catch (const tidemark::DbError &e) {                                                         \
        QFAIL(qPrintable(f.pairing() + QStringLiteral(": ") + e.message()                          \
                         + (e.detail().isEmpty()                                                   \
                                    ? QString()                                                    \
                                    : QStringLiteral("\n  in: ") + e.detail().left(400))));        \
    }

// The source kinds capture supports.
extern const QList<tidemark::DriverKind> kKinds;

// _data rows (columns sourceKind, mirrorKind): every source into every mirror, ClickHouse
// included; each source into a SQLite mirror (what is about the source alone); the source
// kinds with more than one writer at a time into a SQLite mirror; one source kind into every
// mirror kind.
void pairings();
void sources();
void serverSources();
void sourceIntoEveryMirror(tidemark::DriverKind source);

// id (integer key), txt, amount.
extern const QList<PairColumn> kColumns;
QVariantList row(qlonglong id, const QString &txt = {});

struct Setup
{
    QString src;
    QString mir;
    QString mapping;
};

// A source table with `rows` rows and a captured mapping onto a mirror table, prepared.
// `adjust`, when given, changes the mapping before it is prepared.
Setup captured(PairFixture &f, int rows, int batchRows = 50,
               const std::function<void(tidemark::MappingConfig &)> &adjust = {});

QString q(PairFixture &f, Side side, const QString &name);
void exec(PairFixture &f, const QString &sql, const QVariantList &binds = {});
tidemark::OperationResult sync(PairFixture &f, const Setup &s);
// The log rows of the mapping's source table.
qint64 logRows(PairFixture &f, const Setup &s);
// Rows of `table` on `side`.
qint64 count(PairFixture &f, Side side, const QString &table);
// The ids (kColumns' key) of `table` on `side`, in order, joined by commas.
QString ids(PairFixture &f, Side side, const QString &table);
void truncate(PairFixture &f, const Setup &s);

// tidemark-cli (TIDEMARK_CLI) on the fixture's project, written to its file first.
struct CliRun
{
    int exitCode = -1;
    QString out; // standard output
    QString err; // standard error
    QString all() const { return out + err; }
};
CliRun cli(PairFixture &f, const QStringList &args);
// `status --json`'s entry for the mapping ({"output": ...} when there is none).
QJsonObject cliStatus(PairFixture &f, const QString &mapping);

// The source's catalog as far as this test's table and trigger capture are concerned: the
// table's columns, every trigger on it, and every capture object in the database.
QStringList catalog(PairFixture &f, const QString &table);

void removeCapture(PairFixture &f, const Setup &s);

// Removes the mapping's capture when a test ends, passed or failed, so the next test (and the
// next run) starts without triggers or a log left behind.
struct CaptureCleanup
{
    PairFixture &f;
    Setup s;
    ~CaptureCleanup();
};

// What a run that crashed before its cleanup left in the shared test database: a log with no
// triggers writing to it, and (PostgreSQL) trigger functions whose tables are gone.
void dropLeftovers(PairFixture &f);

} // namespace capturetest
