// MariaDB (10.6 or later) and MySQL 8: three triggers per captured table, an AUTO_INCREMENT
// log, and a sequencer serialised by its counter row's lock, picking with SKIP LOCKED. TRUNCATE
// runs no triggers here: capture notices it by InnoDB's table id instead (tableIdentity()).
#include "capture/capturesql_internal.h"

#include "db/dbconnection.h"
#include "db/dberror.h"

#include <QCryptographicHash>
#include <QRegularExpression>
#include <QSqlQuery>

using namespace Qt::StringLiterals;

namespace tidemark::capture {

namespace {

// A text literal no sql_mode can misread (NO_BACKSLASH_ESCAPES or not): hex bytes.
QString textLiteral(const QString &text)
{
    if (text.isEmpty())
        return u"''"_s;
    return u"CONVERT(X'"_s + hexText(text) + u"' USING utf8mb4)"_s;
}

class MariaDbCaptureSql final : public CaptureSql
{
public:
    QStringList createLog() const override
    {
        const QString bin = u" CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"_s;
        return {
            u"CREATE TABLE IF NOT EXISTS "_s + m_d->quote(logTable())
                    + u" (id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, seq BIGINT NULL,"
                      " tbl VARCHAR(255)"_s + bin + u" NOT NULL, op CHAR(1) NOT NULL,"
                      " key_value TEXT"_s + bin + u" NOT NULL, at DATETIME(6) NOT NULL,"
                      " KEY "_s + m_d->quote(logTable() + u"_tbl_seq"_s) + u" (tbl, seq),"
                      " KEY "_s + m_d->quote(logTable() + u"_seq_id"_s)
                    + u" (seq, id)) ENGINE=InnoDB"_s,
            u"CREATE TABLE IF NOT EXISTS "_s + m_d->quote(sequencerTable())
                    + u" (id INT NOT NULL PRIMARY KEY, last_seq BIGINT NOT NULL,"
                      " log_id VARCHAR(64) NOT NULL) ENGINE=InnoDB"_s,
            u"INSERT INTO "_s + m_d->quote(sequencerTable())
                    + u" (id, last_seq, log_id) VALUES (1, 0, UUID()) ON DUPLICATE KEY UPDATE"
                      " id = id"_s,
            u"CREATE TABLE IF NOT EXISTS "_s + m_d->quote(consumersTable())
                    + u" (consumer VARCHAR(512)"_s + bin + u" NOT NULL PRIMARY KEY,"
                      " tbl VARCHAR(255)"_s + bin + u" NOT NULL,"
                      " applied_seq BIGINT NOT NULL DEFAULT 0, updated_at DATETIME(6) NULL, "_s
                    + identityColumn() + u") ENGINE=InnoDB"_s,
        };
    }

    QStringList upgradeLog(DbConnection &conn) const override
    {
        // Consumers tables from before TRUNCATE was detected have no identity column. Asked
        // of the catalog rather than added with ADD COLUMN IF NOT EXISTS, which MySQL lacks.
        const bool lacking =
                conn.scalar(u"SELECT COUNT(*) FROM information_schema.TABLES t WHERE"
                            " t.TABLE_SCHEMA = DATABASE() AND t.TABLE_NAME = ? AND NOT EXISTS"
                            " (SELECT 1 FROM information_schema.COLUMNS c WHERE c.TABLE_SCHEMA ="
                            " t.TABLE_SCHEMA AND c.TABLE_NAME = t.TABLE_NAME AND c.COLUMN_NAME ="
                            " 'table_identity')"_s,
                            {consumersTable()})
                        .toInt()
                > 0;
        if (!lacking)
            return {};
        return {u"ALTER TABLE "_s + m_d->quote(consumersTable()) + u" ADD COLUMN "_s
                + identityColumn()};
    }

    QStringList createTriggers(DbConnection &, const QString &table,
                               const QList<ColumnInfo> &key) const override
    {
        const QString base = triggerBaseName(table);
        const QString t = m_d->quote(table);
        auto keyArray = [&](const QString &row) -> QString {
            QStringList parts;
            // utf8mb4 whatever the writing session's character set, so no key text is lost.
            for (const ColumnInfo &c : key)
                parts << u"CAST("_s + row + u'.' + m_d->quote(c.name)
                                + u" AS CHAR CHARACTER SET utf8mb4)"_s;
            return u"JSON_ARRAY("_s + parts.join(u", "_s) + u')';
        };
        auto entry = [&](const QString &op, const QString &row) -> QString {
            return u"INSERT INTO "_s + m_d->quote(logTable())
                    + u" (tbl, op, key_value, at) VALUES ("_s + textLiteral(table) + u", '"_s + op
                    + u"', "_s + keyArray(row) + u", UTC_TIMESTAMP(6))"_s;
        };
        // Byte for byte: under a case-insensitive collation 'a' -> 'A' is a new key in a mirror
        // that compares binary, so it must travel as a delete and an insert.
        QStringList same;
        for (const ColumnInfo &c : key)
            same << u"BINARY OLD."_s + m_d->quote(c.name) + u" <=> BINARY NEW."_s
                            + m_d->quote(c.name);
        return {
            u"CREATE OR REPLACE TRIGGER "_s + m_d->quote(base + u"_i"_s) + u" AFTER INSERT ON "_s
                    + t + u" FOR EACH ROW "_s + entry(u"I"_s, u"NEW"_s),
            u"CREATE OR REPLACE TRIGGER "_s + m_d->quote(base + u"_u"_s) + u" AFTER UPDATE ON "_s
                    + t + u" FOR EACH ROW BEGIN IF NOT ("_s + same.join(u" AND "_s) + u") THEN "_s
                    + entry(u"D"_s, u"OLD"_s) + u"; END IF; "_s + entry(u"U"_s, u"NEW"_s)
                    + u"; END"_s,
            u"CREATE OR REPLACE TRIGGER "_s + m_d->quote(base + u"_d"_s) + u" AFTER DELETE ON "_s
                    + t + u" FOR EACH ROW "_s + entry(u"D"_s, u"OLD"_s),
        };
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
        return {u"DROP TABLE IF EXISTS "_s + m_d->quote(logTable()) + u", "_s
                + m_d->quote(sequencerTable()) + u", "_s + m_d->quote(consumersTable())};
    }

    int installedTriggers(DbConnection &conn, const QString &table) const override
    {
        const QString base = triggerBaseName(table);
        return conn.scalar(u"SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE"
                           " TRIGGER_SCHEMA = DATABASE() AND EVENT_OBJECT_TABLE = ? AND"
                           " TRIGGER_NAME IN (?, ?, ?)"_s,
                           {table, QString(base + u"_i"_s), QString(base + u"_u"_s), QString(base + u"_d"_s)})
                .toInt();
    }
    int triggersPerTable() const override { return 3; }

    int captureTriggersAnywhere(DbConnection &conn) const override
    {
        return conn.scalar(u"SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE"
                           " TRIGGER_SCHEMA = DATABASE() AND TRIGGER_NAME LIKE"
                           " '\\_tidemark\\_cap\\_%'"_s)
                .toInt();
    }

    bool tracksIdentity() const override { return true; }

    QString tableIdentity(DbConnection &conn, const QString &table) const override
    {
        // InnoDB gives a table a new id whenever it creates the table anew: TRUNCATE (checked
        // on MariaDB 10.11: a new id every time, while information_schema.TABLES.CREATE_TIME
        // stays as it was, so the creation time cannot tell), OPTIMIZE TABLE, ALTER TABLE
        // with a rebuild, DROP and CREATE. Ids are never handed out twice, a server restart
        // keeps them, and DELETE, instant ALTERs and RENAME leave them alone. The catalog
        // names a table by its file name (`db/t`, characters outside [0-9A-Za-z_] encoded as
        // `@XXXX`), which the server's own `filename` character set spells; a partitioned
        // table has one id per partition (`db/t#P#p0`), all of which count.
        const bool mariadb = conn.scalar(u"SELECT VERSION()"_s)
                                     .toString()
                                     .contains(u"MariaDB"_s, Qt::CaseInsensitive);
        const QString catalog = mariadb ? u"information_schema.INNODB_SYS_TABLES"_s
                                        : u"information_schema.INNODB_TABLES"_s;
        const QString sql =
                u"SELECT COUNT(*), GROUP_CONCAT(t.TABLE_ID ORDER BY t.TABLE_ID SEPARATOR ',') FROM "_s
                + catalog
                + u" t, (SELECT CONCAT(CAST(CONVERT(DATABASE() USING filename) AS BINARY), '/',"
                  " CAST(CONVERT(IF(@@lower_case_table_names = 1, LOWER(?), ?) USING filename)"
                  " AS BINARY)) AS n) k WHERE t.NAME = k.n OR (LEFT(t.NAME, LENGTH(k.n)) = k.n"
                  " AND UPPER(SUBSTRING(t.NAME, LENGTH(k.n) + 1, 3)) = '#P#')"_s;
        QVariantList row;
        try {
            QSqlQuery q = conn.exec(sql, {table, table});
            if (q.next())
                row = {q.value(0), q.value(1)};
        } catch (const DbError &e) {
            if (e.isTransient())
                throw;
            throw DbError(DbError::Kind::Permanent,
                          u"cannot read InnoDB's id of table '%1' from %2 in %3, which is how"
                          " capture notices a TRUNCATE (MariaDB runs no triggers for it): %4."
                          " Grant the connection's user the PROCESS privilege (GRANT PROCESS ON"
                          " *.* TO ...), which that table needs"_s.arg(table, catalog,
                                                                      conn.describe(),
                                                                      e.message()),
                          e.detail());
        }
        if (row.isEmpty() || row.at(0).toInt() == 0) {
            const QString engine = conn.scalar(u"SELECT ENGINE FROM information_schema.TABLES"
                                               " WHERE TABLE_SCHEMA = DATABASE() AND"
                                               " TABLE_NAME = ?"_s,
                                               {table})
                                           .toString();
            throw DbError(DbError::Kind::Permanent,
                          u"table '%1' in %2 is not an InnoDB table (engine %3): capture notices"
                          " a TRUNCATE, which runs no triggers, by InnoDB's table id, so it"
                          " needs an InnoDB table"_s.arg(table, conn.describe(),
                                                         engine.isEmpty() ? u"unknown"_s
                                                                          : engine));
        }
        // Hundreds of partitions would not fit the consumers table's column: their digest does.
        const QString ids = row.at(1).toString();
        if (ids.size() <= 200)
            return u"innodb:"_s + ids;
        return u"innodb-sha1:"_s
                + QString::fromLatin1(
                        QCryptographicHash::hash(ids.toLatin1(), QCryptographicHash::Sha1).toHex());
    }

    QStringList beforeSequencerTransaction() const override
    {
        return {u"SET TRANSACTION ISOLATION LEVEL READ COMMITTED"_s};
    }

    QString purgeBatch(int limit) const override
    {
        return u"DELETE FROM "_s + m_d->quote(logTable())
                + u" WHERE tbl = ? AND seq <= ? ORDER BY seq LIMIT %1"_s.arg(limit);
    }

    QString registerConsumer() const override
    {
        return u"INSERT INTO "_s + m_d->quote(consumersTable())
                + u" (consumer, tbl, applied_seq) VALUES (?, ?, 0)"
                  " ON DUPLICATE KEY UPDATE consumer = consumer"_s;
    }

    QString ageOfOldest() const override
    {
        return u"TIMESTAMPDIFF(MICROSECOND, MIN(at), UTC_TIMESTAMP(6)) / 1000000.0"_s;
    }

    QString serverProblem(DbConnection &conn) const override
    {
        // SKIP LOCKED: MariaDB 10.6, MySQL 8.0.
        const QString version = conn.scalar(u"SELECT VERSION()"_s).toString();
        const QRegularExpressionMatch m =
                QRegularExpression(u"^(\\d+)\\.(\\d+)"_s).match(version);
        if (!m.hasMatch())
            return {};
        const int major = m.captured(1).toInt();
        const int minor = m.captured(2).toInt();
        const bool mariadb = version.contains(u"MariaDB"_s, Qt::CaseInsensitive);
        const bool ok = mariadb ? (major > 10 || (major == 10 && minor >= 6)) : major >= 8;
        if (ok)
            return {};
        return u"server version %1 has no SELECT ... SKIP LOCKED, which the capture sequencer"
               " needs (MariaDB 10.6 or MySQL 8.0 and later)"_s.arg(version);
    }

private:
    // The consumers table's column that holds the table identity a mirror was last reconciled
    // with (capture/tableidentity.h).
    QString identityColumn() const
    {
        return m_d->quote(u"table_identity"_s) + u" VARCHAR(1024) NULL"_s;
    }

    std::unique_ptr<Dialect> m_d = Dialect::create(DriverKind::MariaDb);
};

} // namespace

std::unique_ptr<CaptureSql> makeMariaDbCaptureSql()
{
    return std::make_unique<MariaDbCaptureSql>();
}

} // namespace tidemark::capture
