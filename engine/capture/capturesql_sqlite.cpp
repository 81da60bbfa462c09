// SQLite: one writer at a time, so changes are numbered by the triggers themselves, in commit
// order, from a counter row; no sequencer runs.
#include "capture/capturesql_internal.h"

#include "db/dbconnection.h"

using namespace Qt::StringLiterals;

namespace tidemark::capture {

namespace {

QString textLiteral(const QString &text)
{
    QString out = text;
    return u'\'' + out.replace(u'\'', u"''"_s) + u'\'';
}

// Unix seconds with the clock's fractions, in SQLite's own clock.
const QString kNow = u"((julianday('now') - 2440587.5) * 86400.0)"_s;

class SqliteCaptureSql final : public CaptureSql
{
public:
    QStringList createLog() const override
    {
        // No AUTOINCREMENT: it would leave SQLite's own sqlite_sequence table behind after
        // --remove-capture. Numbers come from the counter row instead, which a purge never
        // resets.
        return {
            u"CREATE TABLE IF NOT EXISTS "_s + m_d->quote(logTable())
                    + u" (id INTEGER PRIMARY KEY, seq INTEGER NOT NULL, tbl TEXT NOT NULL,"
                      " op TEXT NOT NULL, key_value TEXT NOT NULL, at REAL NOT NULL)"_s,
            u"CREATE INDEX IF NOT EXISTS "_s + m_d->quote(logTable() + u"_tbl_seq"_s) + u" ON "_s
                    + m_d->quote(logTable()) + u" (tbl, seq)"_s,
            u"CREATE TABLE IF NOT EXISTS "_s + m_d->quote(sequencerTable())
                    + u" (id INTEGER PRIMARY KEY, last_seq INTEGER NOT NULL, log_id TEXT NOT NULL)"_s,
            u"INSERT INTO "_s + m_d->quote(sequencerTable())
                    + u" (id, last_seq, log_id) VALUES (1, 0, lower(hex(randomblob(16))))"
                      " ON CONFLICT (id) DO NOTHING"_s,
            u"CREATE TABLE IF NOT EXISTS "_s + m_d->quote(consumersTable())
                    + u" (consumer TEXT PRIMARY KEY, tbl TEXT NOT NULL,"
                      " applied_seq INTEGER NOT NULL DEFAULT 0, updated_at REAL)"_s,
        };
    }

    QStringList createTriggers(DbConnection &, const QString &table,
                               const QList<ColumnInfo> &key) const override
    {
        const QString base = triggerBaseName(table);
        const QString t = m_d->quote(table);
        const QString counter = m_d->quote(sequencerTable());
        auto keyArray = [&](const QString &row) -> QString {
            QStringList parts;
            for (const ColumnInfo &c : key)
                parts << u"CAST("_s + row + u'.' + m_d->quote(c.name) + u" AS TEXT)"_s;
            return u"json_array("_s + parts.join(u", "_s) + u')';
        };
        // One writer at a time: the trigger itself hands out the next number, in commit order,
        // and moves the counter in the same transaction. `when` guards both statements.
        auto entry = [&](const QString &op, const QString &row, const QString &when) -> QString {
            const QString where = when.isEmpty() ? QString() : u" AND ("_s + when + u')';
            return u"INSERT INTO "_s + m_d->quote(logTable())
                    + u" (seq, tbl, op, key_value, at) SELECT last_seq + 1, "_s + textLiteral(table)
                    + u", '"_s + op + u"', "_s + keyArray(row) + u", "_s + kNow + u" FROM "_s
                    + counter + u" WHERE id = 1"_s + where + u"; UPDATE "_s + counter
                    + u" SET last_seq = last_seq + 1 WHERE id = 1"_s + where + u';';
        };
        QStringList changed;
        for (const ColumnInfo &c : key)
            changed << u"OLD."_s + m_d->quote(c.name) + u" IS NOT NEW."_s + m_d->quote(c.name)
                            + u" COLLATE BINARY"_s;
        QStringList out;
        for (const QString &suffix : {u"_i"_s, u"_u"_s, u"_d"_s})
            out << u"DROP TRIGGER IF EXISTS "_s + m_d->quote(base + suffix);
        out << u"CREATE TRIGGER "_s + m_d->quote(base + u"_i"_s) + u" AFTER INSERT ON "_s + t
                        + u" BEGIN "_s + entry(u"I"_s, u"NEW"_s, {}) + u" END"_s
            << u"CREATE TRIGGER "_s + m_d->quote(base + u"_u"_s) + u" AFTER UPDATE ON "_s + t
                        + u" BEGIN "_s + entry(u"D"_s, u"OLD"_s, changed.join(u" OR "_s)) + u' '
                        + entry(u"U"_s, u"NEW"_s, {}) + u" END"_s
            << u"CREATE TRIGGER "_s + m_d->quote(base + u"_d"_s) + u" AFTER DELETE ON "_s + t
                        + u" BEGIN "_s + entry(u"D"_s, u"OLD"_s, {}) + u" END"_s;
        return out;
    }

    QStringList dropTriggers(DbConnection &, const QString &table) const override
    {
        const QString base = triggerBaseName(table);
        QStringList out;
        for (const QString &suffix : {u"_i"_s, u"_u"_s, u"_d"_s})
            out << u"DROP TRIGGER IF EXISTS "_s + m_d->quote(base + suffix);
        return out;
    }

    QStringList dropLog() const override
    {
        return {u"DROP TABLE IF EXISTS "_s + m_d->quote(logTable()),
                u"DROP TABLE IF EXISTS "_s + m_d->quote(sequencerTable()),
                u"DROP TABLE IF EXISTS "_s + m_d->quote(consumersTable())};
    }

    int installedTriggers(DbConnection &conn, const QString &table) const override
    {
        const QString base = triggerBaseName(table);
        return conn.scalar(u"SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND"
                           " tbl_name = ? AND name IN (?, ?, ?)"_s,
                           {table, QString(base + u"_i"_s), QString(base + u"_u"_s), QString(base + u"_d"_s)})
                .toInt();
    }
    int triggersPerTable() const override { return 3; }

    int captureTriggersAnywhere(DbConnection &conn) const override
    {
        return conn.scalar(u"SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND"
                           " name LIKE '\\_tidemark\\_cap\\_%' ESCAPE '\\'"_s)
                .toInt();
    }

    bool hasSequencer() const override { return false; }
    QString skipLocked() const override { return {}; }

    QString purgeBatch(int limit) const override { return purgeThroughIds(*m_d, limit); }

    QString registerConsumer() const override { return insertConsumerUnlessPresent(*m_d); }

    QString ageOfOldest() const override { return kNow + u" - min(at)"_s; }

private:
    std::unique_ptr<Dialect> m_d = Dialect::create(DriverKind::Sqlite);
};

} // namespace

std::unique_ptr<CaptureSql> makeSqliteCaptureSql()
{
    return std::make_unique<SqliteCaptureSql>();
}

} // namespace tidemark::capture
