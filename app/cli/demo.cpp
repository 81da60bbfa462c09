#include "demo.h"

#include "project/projectloader.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>

using namespace Qt::StringLiterals;

// The template lives in a static library: Q_INIT_RESOURCE makes the linker keep it (and must
// be called outside any namespace).
static QByteArray demoProjectTemplate()
{
    Q_INIT_RESOURCE(tidemark_demo);
    QFile file(u":/demo/tidemark.json"_s);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

namespace tidemark::demo {

namespace {

const QStringList kCustomers = {u"Ada Lovelace"_s, u"Grace Hopper"_s, u"Edsger Dijkstra"_s,
                                u"Barbara Liskov"_s, u"Kateřina Nováková"_s, u"Søren Kierkegaard"_s,
                                u"O'Brien & Sons"_s, u"\"Quoted\" Ltd"_s, u"東京商事"_s,
                                u"Zoë 🚀 Rocket Co"_s};
const QStringList kStatus = {u"new"_s, u"paid"_s, u"shipped"_s, u"returned"_s};

QString cursorNow()
{
    // The writer's own clock stamps its rows, as an application would; several rows share one
    // millisecond, which is what the (cursor, key) ordering is for.
    return QDateTime::currentDateTimeUtc().toString(u"yyyy-MM-dd HH:mm:ss.zzz"_s);
}

class Db
{
public:
    Db(const QString &path, const QString &name)
        : m_name(name)
    {
        m_db = QSqlDatabase::addDatabase(u"QSQLITE"_s, name);
        m_db.setDatabaseName(path);
        m_db.setConnectOptions(u"QSQLITE_BUSY_TIMEOUT=5000"_s);
    }
    ~Db()
    {
        m_db.close();
        m_db = QSqlDatabase();
        QSqlDatabase::removeDatabase(m_name);
    }
    bool open(QString *error)
    {
        if (!m_db.open()) {
            *error = m_db.lastError().text();
            return false;
        }
        return true;
    }
    bool exec(const QString &sql, const QVariantList &binds, QString *error)
    {
        QSqlQuery q(m_db);
        if (!q.prepare(sql)) {
            *error = q.lastError().text() + u" in: "_s + sql;
            return false;
        }
        for (const QVariant &v : binds)
            q.addBindValue(v);
        if (!q.exec()) {
            *error = q.lastError().text() + u" in: "_s + sql;
            return false;
        }
        return true;
    }
    QVariant scalar(const QString &sql)
    {
        QSqlQuery q(m_db);
        if (q.exec(sql) && q.next())
            return q.value(0);
        return {};
    }
    QSqlDatabase &db() { return m_db; }

private:
    QString m_name;
    QSqlDatabase m_db;
};

} // namespace

bool createDemo(const QString &dir, int initialRows, QString *error)
{
    if (!QDir().mkpath(dir)) {
        *error = u"cannot create the demo folder '%1'"_s.arg(dir);
        return false;
    }
    const QString sourcePath = QDir(dir).filePath(u"source.db"_s);
    const QString mirrorPath = QDir(dir).filePath(u"mirror.db"_s);
    const QString projectPath = QDir(dir).filePath(u"tidemark.json"_s);
    const bool fresh = !QFileInfo::exists(sourcePath);
    {
        Db source(sourcePath, u"demo-create-source"_s);
        if (!source.open(error))
            return false;
        // WAL lets the engine read while the writer writes.
        if (!source.exec(u"PRAGMA journal_mode=WAL"_s, {}, error))
            return false;
        const QStringList ddl = {
                u"CREATE TABLE IF NOT EXISTS orders (id INTEGER PRIMARY KEY, customer TEXT NOT "
                "NULL, total NUMERIC, status TEXT, note TEXT, updated_at TEXT)"_s,
                u"CREATE INDEX IF NOT EXISTS orders_cursor ON orders (updated_at, id)"_s,
                // A table name with a space and a composite key, to show both work.
                u"CREATE TABLE IF NOT EXISTS \"order lines\" (order_id INTEGER NOT NULL, line_no "
                "INTEGER NOT NULL, sku TEXT, qty INTEGER, version INTEGER NOT NULL, PRIMARY KEY "
                "(order_id, line_no))"_s,
                u"CREATE INDEX IF NOT EXISTS order_lines_cursor ON \"order lines\" (version, "
                "order_id, line_no)"_s,
        };
        for (const QString &sql : ddl)
            if (!source.exec(sql, {}, error))
                return false;
        if (fresh) {
            source.db().transaction();
            auto *rng = QRandomGenerator::global();
            for (int i = 1; i <= initialRows; ++i) {
                const QString when = cursorNow();
                if (!source.exec(u"INSERT INTO orders VALUES (?, ?, ?, ?, ?, ?)"_s,
                                 {i, kCustomers.at(i % kCustomers.size()),
                                  double(rng->bounded(100000)) / 100.0,
                                  kStatus.at(rng->bounded(int(kStatus.size()))),
                                  // A few rows have no cursor yet: incremental passes cannot
                                  // see them, backfills must.
                                  i % 97 == 0 ? QVariant() : QVariant(u"first order"_s),
                                  i % 250 == 0 ? QVariant(QMetaType::fromType<QString>())
                                               : QVariant(when)},
                                 error))
                    return false;
                for (int line = 1; line <= 1 + i % 3; ++line)
                    if (!source.exec(u"INSERT INTO \"order lines\" VALUES (?, ?, ?, ?, ?)"_s,
                                     {i, line, u"SKU-%1"_s.arg(rng->bounded(1000), 4, 10, QChar(u'0')),
                                      rng->bounded(1, 10), i * 10 + line},
                                     error))
                        return false;
            }
            source.db().commit();
        }
    }
    if (!QFileInfo::exists(mirrorPath)) {
        Db mirror(mirrorPath, u"demo-create-mirror"_s);
        if (!mirror.open(error) || !mirror.exec(u"PRAGMA journal_mode=WAL"_s, {}, error))
            return false;
    }
    if (!QFileInfo::exists(projectPath)) {
        // Read first, so a broken build leaves no empty project file behind.
        const QByteArray project = demoProjectTemplate();
        if (project.isEmpty()) {
            *error = u"the demo's project template :/demo/tidemark.json is not in this binary"_s;
            return false;
        }
        QFile f(projectPath);
        if (!f.open(QIODevice::WriteOnly)) {
            *error = u"cannot write '%1': %2"_s.arg(projectPath, f.errorString());
            return false;
        }
        // The project file is resources/demo/tidemark.json, compiled in. "order lines" is
        // captured by triggers (prepare installs them), so the demo shows both ways of finding
        // changes side by side. verify_interval_s: the engine's first scheduled drift check
        // comes 10 s after start, then one every 5 min (orders) and 15 min (order lines), so
        // the Drift tab, its column and the tray show scheduled checks while someone watches
        // the demo. Tests that run the demo under `sync --watch` stop it within seconds,
        // before the first one.
        if (f.write(project) != project.size()) {
            *error = u"cannot write '%1': %2"_s.arg(projectPath, f.errorString());
            return false;
        }
    }
    return true;
}

bool runWriter(const QString &dir, double rowsPerSecond, const std::atomic<bool> &stop,
               QTextStream &out, QString *error)
{
    Db source(QDir(dir).filePath(u"source.db"_s), u"demo-writer"_s);
    if (!source.open(error))
        return false;
    auto *rng = QRandomGenerator::global();
    qint64 version = source.scalar(u"SELECT COALESCE(MAX(version), 0) FROM \"order lines\""_s)
                             .toLongLong();
    qint64 nextId = source.scalar(u"SELECT COALESCE(MAX(id), 0) + 1 FROM orders"_s).toLongLong();
    qint64 inserts = 0, updates = 0, deletes = 0;
    const int tickMs = 100;
    double budget = 0;
    QDateTime lastReport = QDateTime::currentDateTimeUtc();
    while (!stop.load()) {
        budget += rowsPerSecond * tickMs / 1000.0;
        source.db().transaction();
        while (budget >= 1) {
            budget -= 1;
            const int dice = rng->bounded(100);
            const qint64 maxId = nextId - 1;
            const qint64 id = 1 + rng->bounded(std::max<qint64>(1, maxId));
            bool ok = true;
            if (dice < 25) {
                ok = source.exec(u"INSERT INTO orders VALUES (?, ?, ?, ?, ?, ?)"_s,
                                 {nextId, kCustomers.at(rng->bounded(int(kCustomers.size()))),
                                  double(rng->bounded(100000)) / 100.0, kStatus.first(),
                                  u"new order"_s, cursorNow()},
                                 error)
                        && source.exec(u"INSERT INTO \"order lines\" VALUES (?, ?, ?, ?, ?)"_s,
                                       {nextId, 1, u"SKU-0001"_s, 1, ++version}, error);
                ++nextId;
                ++inserts;
            } else if (dice < 90) {
                ok = source.exec(u"UPDATE orders SET status = ?, total = total + 1, updated_at = ? "
                                 "WHERE id = ?"_s,
                                 {kStatus.at(rng->bounded(int(kStatus.size()))), cursorNow(), id},
                                 error)
                        && source.exec(u"UPDATE \"order lines\" SET qty = qty + 1, version = ? "
                                       "WHERE order_id = ?"_s,
                                       {++version, id}, error);
                ++updates;
            } else {
                ok = source.exec(u"DELETE FROM orders WHERE id = ?"_s, {id}, error)
                        && source.exec(u"DELETE FROM \"order lines\" WHERE order_id = ?"_s, {id},
                                       error);
                ++deletes;
            }
            if (!ok) {
                source.db().rollback();
                return false;
            }
        }
        source.db().commit();
        const QDateTime now = QDateTime::currentDateTimeUtc();
        if (lastReport.secsTo(now) >= 10) {
            out << u"demo writer: %1 inserts, %2 updates, %3 deletes so far"_s.arg(inserts)
                            .arg(updates)
                            .arg(deletes)
                << Qt::endl;
            lastReport = now;
        }
        QThread::msleep(tickMs);
    }
    out << u"demo writer stopped: %1 inserts, %2 updates, %3 deletes"_s.arg(inserts)
                    .arg(updates)
                    .arg(deletes)
        << Qt::endl;
    return true;
}

} // namespace tidemark::demo
