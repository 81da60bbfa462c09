#include "singlerowloop.h"

#include "benchdb.h"

#include <QSqlError>
#include <QSqlQuery>

#include <cstdio>
#include <stdexcept>

using namespace Qt::StringLiterals;

namespace tidemark::bench {

int runSingleRowLoop(const QString &source, const QString &targetDialect, const QString &target,
                     qint64 rows)
{
    try {
        const std::optional<Server> pg = serverFromEnvironment(u"postgres"_s);
        const std::optional<Server> out = serverFromEnvironment(targetDialect);
        if (!pg || !out)
            throw std::runtime_error("TIDEMARK_PG_* or TIDEMARK_MARIA_* is not set");
        // Two connections: a forward-only QPSQL read streams rows in single-row mode, and any
        // other statement on the same connection would end that stream early.
        QSqlDatabase readDb = openConnection(u"loop-read"_s, pg);
        QSqlDatabase writeDb = openConnection(u"loop-write"_s, out);

        QSqlQuery read(readDb);
        read.setForwardOnly(true);
        // numeric and timestamp as text: QPSQL would hand them over as a double and a
        // millisecond QDateTime, and the baseline must carry the same exact values as the engine.
        if (!read.exec(u"SELECT id, qty, amount::text, label, created_at::text, active FROM "_s
                       + quoteName(u"postgres"_s, source) + u" WHERE id <= "_s
                       + QString::number(rows) + u" ORDER BY id"_s))
            throw std::runtime_error(read.lastError().text().toStdString());

        if (!writeDb.transaction())
            throw std::runtime_error(writeDb.lastError().text().toStdString());
        QSqlQuery insert(writeDb);
        // MariaDB reads the decimal and timestamp texts into its columns by itself.
        const bool maria = targetDialect == u"mariadb";
        if (!insert.prepare(u"INSERT INTO "_s + quoteName(targetDialect, target)
                            + u" (id, qty, amount, label, created_at, active) VALUES "_s
                            + (maria ? u"(?, ?, ?, ?, ?, ?)"_s
                                     : u"(?, ?, CAST(? AS numeric), ?, CAST(? AS timestamp), ?)"_s)))
            throw std::runtime_error(insert.lastError().text().toStdString());
        qint64 copied = 0;
        while (read.next()) {
            for (int i = 0; i < 6; ++i)
                insert.bindValue(i, read.value(i));
            if (!insert.exec())
                throw std::runtime_error(insert.lastError().text().toStdString());
            ++copied;
        }
        if (read.lastError().isValid())
            throw std::runtime_error(read.lastError().text().toStdString());
        if (!writeDb.commit())
            throw std::runtime_error(writeDb.lastError().text().toStdString());
        std::printf("single-row loop: copied %lld rows\n", static_cast<long long>(copied));
        return 0;
    } catch (const std::exception &e) {
        std::fprintf(stderr, "single-row loop: %s\n", e.what());
        return 1;
    }
}

} // namespace tidemark::bench
