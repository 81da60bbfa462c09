#include "drift/diffstore.h"

#include "db/dberror.h"

#include <QDataStream>
#include <QSqlError>
#include <QSqlQuery>

#include <atomic>

using namespace Qt::StringLiterals;

namespace tidemark {

namespace {

constexpr int kBufferRows = 500;

// A difference's key, columns and rows as one blob: QDataStream keeps every value's type (and
// a typed NULL) exactly, at a fraction of what JSON costs per row.
QByteArray pack(const RowDifference &d)
{
    QByteArray bytes;
    QDataStream out(&bytes, QIODevice::WriteOnly);
    out.setVersion(QDataStream::Qt_6_4);
    out << d.key << d.columns << d.source << d.mirror;
    return bytes;
}

void unpack(const QByteArray &bytes, RowDifference &d)
{
    QDataStream in(bytes);
    in.setVersion(QDataStream::Qt_6_4);
    in >> d.key >> d.columns >> d.source >> d.mirror;
}

DbError storeError(const QString &what, const QSqlError &e)
{
    return DbError(DbError::Kind::Permanent, u"drift spill file: "_s + what, e.text());
}

} // namespace

DiffStore::DiffStore()
{
    static std::atomic<int> serial{0};
    if (!m_dir.isValid())
        throw DbError(DbError::Kind::Permanent,
                      u"cannot create a temporary folder for the drift spill file: "_s
                              + m_dir.errorString());
    m_name = u"tidemark-diffstore-%1"_s.arg(++serial);
    m_db = QSqlDatabase::addDatabase(u"QSQLITE"_s, m_name);
    m_db.setDatabaseName(m_dir.filePath(u"differences.db"_s));
    if (!m_db.open())
        throw storeError(u"cannot open"_s, m_db.lastError());
    QSqlQuery q(m_db);
    for (const QString &sql :
         {u"PRAGMA journal_mode = OFF"_s, u"PRAGMA synchronous = OFF"_s,
          u"CREATE TABLE diffs (seq INTEGER PRIMARY KEY, kind INTEGER, reason INTEGER,"
          " body BLOB)"_s,
          u"CREATE INDEX diffs_kind ON diffs (kind, seq)"_s})
        if (!q.exec(sql))
            throw storeError(sql, q.lastError());
}

DiffStore::~DiffStore()
{
    m_db.close();
    m_db = QSqlDatabase();
    QSqlDatabase::removeDatabase(m_name);
}

void DiffStore::add(const RowDifference &d)
{
    m_buffer << d;
    ++m_size;
    ++m_counts[int(d.kind)];
    if (m_buffer.size() >= kBufferRows)
        flush();
}

void DiffStore::flush()
{
    if (m_buffer.isEmpty())
        return;
    m_db.transaction();
    QSqlQuery q(m_db);
    q.prepare(u"INSERT INTO diffs (kind, reason, body) VALUES (?, ?, ?)"_s);
    for (const RowDifference &d : std::as_const(m_buffer)) {
        q.bindValue(0, int(d.kind));
        q.bindValue(1, int(d.reason));
        q.bindValue(2, pack(d));
        if (!q.exec()) {
            m_db.rollback();
            throw storeError(u"cannot write"_s, q.lastError());
        }
    }
    m_db.commit();
    m_buffer.clear();
}

QList<RowDifference> DiffStore::read(qint64 afterSeq, int limit, qint64 *lastSeq,
                                     std::optional<DiffKind> kind)
{
    flush();
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    q.prepare(u"SELECT seq, kind, reason, body FROM diffs"
              " WHERE seq > ?"_s
              + (kind ? u" AND kind = ?"_s : QString()) + u" ORDER BY seq LIMIT ?"_s);
    int i = 0;
    q.bindValue(i++, afterSeq);
    if (kind)
        q.bindValue(i++, int(*kind));
    q.bindValue(i++, limit);
    if (!q.exec())
        throw storeError(u"cannot read"_s, q.lastError());
    QList<RowDifference> out;
    while (q.next()) {
        RowDifference d;
        d.kind = DiffKind(q.value(1).toInt());
        d.reason = DiffReason(q.value(2).toInt());
        unpack(q.value(3).toByteArray(), d);
        out << d;
        if (lastSeq)
            *lastSeq = q.value(0).toLongLong();
    }
    return out;
}

} // namespace tidemark
