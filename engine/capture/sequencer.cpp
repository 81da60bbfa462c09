#include "capture/sequencer.h"

#include "capture/capturesql.h"
#include "db/dbconnection.h"

#include <QSqlQuery>

using namespace Qt::StringLiterals;

namespace tidemark {

Sequencer::Sequencer(DbConnection &source, const CaptureSql &sql)
    : m_source(source)
    , m_sql(sql)
{
}

qint64 Sequencer::step(int maxRows)
{
    if (!m_sql.hasSequencer())
        return 0;
    const Dialect &d = m_source.dialect();
    const QString log = d.quote(capture::logTable());
    const QString counter = d.quote(capture::sequencerTable());

    for (const QString &s : m_sql.beforeSequencerTransaction())
        m_source.exec(s);
    Transaction tx(m_source);
    m_sql.lockSequencer(m_source);
    // The counter row's lock also serialises sequencers: a second one waits here until the
    // first has committed its numbers.
    const qint64 last = m_source.scalar(u"SELECT last_seq FROM "_s + counter
                                        + u" WHERE id = 1 FOR UPDATE"_s)
                                .toLongLong();
    // Rows an open transaction still holds are invisible (PostgreSQL) or locked (MariaDB,
    // skipped): either way they are numbered by a later step, after they committed.
    QSqlQuery q = m_source.exec(u"SELECT id FROM "_s + log + u" WHERE seq IS NULL ORDER BY id"_s
                                + d.limit(maxRows) + m_sql.skipLocked());
    QList<qint64> ids;
    while (q.next())
        ids << q.value(0).toLongLong();
    q.finish();
    if (m_picked)
        m_picked(ids);
    if (ids.isEmpty())
        return 0;

    // seq = last + (id - first id + 1): above every earlier number, increasing with id. The gaps
    // an id range with skipped rows leaves are harmless: readers count rows, never numbers.
    const qint64 offset = last - ids.first() + 1;
    const qint64 newLast = offset + ids.last();
    for (qsizetype at = 0; at < ids.size(); at += 1000) {
        const QList<qint64> chunk = ids.mid(at, 1000);
        QStringList list;
        for (qint64 id : chunk)
            list << QString::number(id);
        m_source.exec(u"UPDATE "_s + log + u" SET seq = id + ("_s + QString::number(offset)
                      + u") WHERE id IN ("_s + list.join(u',') + u")"_s);
    }
    m_source.exec(u"UPDATE "_s + counter + u" SET last_seq = ? WHERE id = 1"_s, {newLast});
    tx.commit();
    return ids.size();
}

qint64 Sequencer::numberAll(int maxRows)
{
    qint64 total = 0;
    for (;;) {
        const qint64 n = step(maxRows);
        total += n;
        if (n < maxRows)
            return total;
    }
}

QString Sequencer::logId()
{
    return m_source.scalar(u"SELECT log_id FROM "_s
                           + m_source.dialect().quote(capture::sequencerTable())
                           + u" WHERE id = 1"_s)
            .toString();
}

qint64 Sequencer::lastNumber()
{
    const Dialect &d = m_source.dialect();
    return m_source.scalar(u"SELECT last_seq FROM "_s + d.quote(capture::sequencerTable())
                           + u" WHERE id = 1"_s)
            .toLongLong();
}

} // namespace tidemark
