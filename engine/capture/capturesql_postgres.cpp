// PostgreSQL: a trigger function per captured table, run by a row trigger for INSERT, UPDATE
// and DELETE and by a statement trigger for TRUNCATE; a bigserial log, and a sequencer that
// holds a transaction advisory lock while it numbers.
#include "capture/capturesql_internal.h"

#include "db/dbconnection.h"

using namespace Qt::StringLiterals;

namespace tidemark::capture {

namespace {

// The advisory lock's key: any constant of our own ("tidemark" in ASCII).
constexpr qint64 kSequencerLock = 0x746964656d61726bLL;

// An E'' string: backslashes and quotes escaped, read the same whatever
// standard_conforming_strings is in the session that compiles the function.
QString escapeString(const QString &text)
{
    QString out = text;
    out.replace(u'\\', u"\\\\"_s).replace(u'\'', u"''"_s);
    return u"E'"_s + out + u'\'';
}

class PostgresCaptureSql final : public CaptureSql
{
public:
    QStringList createLog() const override
    {
        const QString log = m_d->quote(logTable());
        return {
            u"CREATE TABLE IF NOT EXISTS "_s + log
                    + u" (id bigserial PRIMARY KEY, seq bigint, tbl text NOT NULL,"
                      " op char(1) NOT NULL, key_value text NOT NULL,"
                      " at timestamptz NOT NULL DEFAULT clock_timestamp())"_s,
            // The sequencer's pick reads only the unnumbered rows; the consumer reads one
            // table's rows by number.
            u"CREATE INDEX IF NOT EXISTS "_s + m_d->quote(logTable() + u"_unnumbered"_s) + u" ON "_s
                    + log + u" (id) WHERE seq IS NULL"_s,
            u"CREATE INDEX IF NOT EXISTS "_s + m_d->quote(logTable() + u"_tbl_seq"_s) + u" ON "_s
                    + log + u" (tbl, seq)"_s,
            u"CREATE TABLE IF NOT EXISTS "_s + m_d->quote(sequencerTable())
                    + u" (id int PRIMARY KEY, last_seq bigint NOT NULL, log_id text NOT NULL)"_s,
            u"INSERT INTO "_s + m_d->quote(sequencerTable())
                    + u" (id, last_seq, log_id) VALUES (1, 0, gen_random_uuid()::text)"
                      " ON CONFLICT (id) DO NOTHING"_s,
            u"CREATE TABLE IF NOT EXISTS "_s + m_d->quote(consumersTable())
                    + u" (consumer text PRIMARY KEY, tbl text NOT NULL,"
                      " applied_seq bigint NOT NULL DEFAULT 0,"
                      " updated_at timestamptz NOT NULL DEFAULT clock_timestamp())"_s,
        };
    }

    QStringList createTriggers(DbConnection &conn, const QString &table,
                               const QList<ColumnInfo> &key) const override
    {
        const QString schema = m_d->quote(conn.scalar(u"SELECT current_schema()"_s).toString());
        const QString name = triggerBaseName(table);
        const QString log = schema + u'.' + m_d->quote(logTable());
        auto keyArray = [&](const QString &row) -> QString {
            QStringList parts;
            for (const ColumnInfo &c : key)
                parts << row + u'.' + m_d->quote(c.name) + u"::text"_s;
            return u"json_build_array("_s + parts.join(u", "_s) + u")::text"_s;
        };
        auto entry = [&](const QString &op, const QString &row) -> QString {
            return u"INSERT INTO "_s + log + u" (tbl, op, key_value) VALUES ("_s
                    + escapeString(table) + u", '"_s + op + u"', "_s + keyArray(row) + u");"_s;
        };
        QStringList oldKey, newKey;
        for (const ColumnInfo &c : key) {
            oldKey << u"OLD."_s + m_d->quote(c.name);
            newKey << u"NEW."_s + m_d->quote(c.name);
        }
        const QString function = schema + u'.' + m_d->quote(name);
        // TRUNCATE runs no row triggers: its statement trigger logs one entry with an empty
        // key, in the truncating transaction (a rolled-back TRUNCATE leaves none). TRUNCATE
        // waits for every transaction that wrote the table and holds back every later writer
        // until it commits, so its entry's id lies after every change it removed and before
        // every change made after it, which is the order the sequencer numbers them in.
        const QString truncateEntry = u"INSERT INTO "_s + log + u" (tbl, op, key_value) VALUES ("_s
                + escapeString(table) + u", '"_s + truncateOp() + u"', '[]');"_s;
        const QString body =
                u"BEGIN\n"
                "  IF TG_OP = 'TRUNCATE' THEN\n    "_s + truncateEntry
                + u"\n  ELSIF TG_OP = 'INSERT' THEN\n    "_s + entry(u"I"_s, u"NEW"_s)
                + u"\n  ELSIF TG_OP = 'UPDATE' THEN\n"
                  "    IF ROW("_s + oldKey.join(u", "_s) + u") IS DISTINCT FROM ROW("_s
                + newKey.join(u", "_s) + u") THEN\n      "_s + entry(u"D"_s, u"OLD"_s)
                + u"\n    END IF;\n    "_s + entry(u"U"_s, u"NEW"_s)
                + u"\n  ELSE\n    "_s + entry(u"D"_s, u"OLD"_s)
                + u"\n  END IF;\n  RETURN NULL;\nEND"_s;
        return {
            u"CREATE OR REPLACE FUNCTION "_s + function
                    + u"() RETURNS trigger LANGUAGE plpgsql AS $tidemark$\n"_s + body
                    + u"\n$tidemark$"_s,
            u"DROP TRIGGER IF EXISTS "_s + m_d->quote(name) + u" ON "_s + m_d->quote(table),
            u"CREATE TRIGGER "_s + m_d->quote(name) + u" AFTER INSERT OR UPDATE OR DELETE ON "_s
                    + m_d->quote(table) + u" FOR EACH ROW EXECUTE FUNCTION "_s + function
                    + u"()"_s,
            u"DROP TRIGGER IF EXISTS "_s + m_d->quote(truncateTrigger(table)) + u" ON "_s
                    + m_d->quote(table),
            u"CREATE TRIGGER "_s + m_d->quote(truncateTrigger(table)) + u" AFTER TRUNCATE ON "_s
                    + m_d->quote(table) + u" FOR EACH STATEMENT EXECUTE FUNCTION "_s + function
                    + u"()"_s,
        };
    }

    QStringList dropTriggers(DbConnection &, const QString &table) const override
    {
        // Both triggers before the function they run.
        const QString name = m_d->quote(triggerBaseName(table));
        return {u"DROP TRIGGER IF EXISTS "_s + name + u" ON "_s + m_d->quote(table),
                u"DROP TRIGGER IF EXISTS "_s + m_d->quote(truncateTrigger(table)) + u" ON "_s
                        + m_d->quote(table),
                u"DROP FUNCTION IF EXISTS "_s + name + u"()"_s};
    }

    QStringList dropLog() const override
    {
        return {u"DROP TABLE IF EXISTS "_s + m_d->quote(logTable()) + u", "_s
                + m_d->quote(sequencerTable()) + u", "_s + m_d->quote(consumersTable())};
    }

    int installedTriggers(DbConnection &conn, const QString &table) const override
    {
        // The row trigger and the TRUNCATE trigger; their function cannot be dropped while
        // either uses it.
        return conn.scalar(u"SELECT count(*) FROM pg_trigger WHERE tgname IN (?, ?) AND"
                           " NOT tgisinternal AND tgrelid = ?::regclass"_s,
                           {triggerBaseName(table), truncateTrigger(table), m_d->quote(table)})
                .toInt();
    }
    int triggersPerTable() const override { return 2; }

    QString incompleteTriggers(DbConnection &conn, const QString &table) const override
    {
        const bool truncate = conn.scalar(u"SELECT count(*) FROM pg_trigger WHERE tgname = ? AND"
                                          " NOT tgisinternal AND tgrelid = ?::regclass"_s,
                                          {truncateTrigger(table), m_d->quote(table)})
                                      .toInt()
                > 0;
        if (truncate)
            return {};
        return u"the TRUNCATE trigger '%1' is missing (capture installed by a version of"
               " Tidemark that did not capture TRUNCATE), so a TRUNCATE of the table would never"
               " reach the mirror"_s.arg(truncateTrigger(table));
    }

    int captureTriggersAnywhere(DbConnection &conn) const override
    {
        return conn.scalar(u"SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal AND"
                           " tgname LIKE '\\_tidemark\\_cap\\_%'"_s)
                .toInt();
    }

    void lockSequencer(DbConnection &conn) const override
    {
        conn.exec(u"SELECT pg_advisory_xact_lock(%1)"_s.arg(kSequencerLock));
    }

    QString purgeBatch(int limit) const override { return purgeThroughIds(*m_d, limit); }

    QString registerConsumer() const override { return insertConsumerUnlessPresent(*m_d); }

    QString ageOfOldest() const override
    {
        return u"extract(epoch FROM clock_timestamp() - min(at))"_s;
    }

private:
    // Trigger names are per table: the row trigger has the base name, this one a suffix.
    static QString truncateTrigger(const QString &table)
    {
        return triggerBaseName(table) + u"_t"_s;
    }

    std::unique_ptr<Dialect> m_d = Dialect::create(DriverKind::Postgres);
};

} // namespace

std::unique_ptr<CaptureSql> makePostgresCaptureSql()
{
    return std::make_unique<PostgresCaptureSql>();
}

} // namespace tidemark::capture
