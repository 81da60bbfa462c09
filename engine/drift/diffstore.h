#pragma once
// Differences spill to a temporary SQLite file instead of RAM: a diff of a million rows with a
// third of them different keeps its memory to the pages in hand. The store belongs to the
// thread that created it (its connection does); the file goes when the store does.

#include "drift/difference.h"

#include <QSqlDatabase>
#include <QTemporaryDir>

#include <memory>
#include <optional>

namespace tidemark {

class DiffStore
{
public:
    DiffStore();    // throws DbError when the temporary file cannot be made
    ~DiffStore();
    DiffStore(const DiffStore &) = delete;
    DiffStore &operator=(const DiffStore &) = delete;

    void add(const RowDifference &difference);
    qint64 size() const { return m_size; }
    qint64 count(DiffKind kind) const { return m_counts[int(kind)]; }

    // Differences after sequence number `afterSeq` (0: from the first), at most `limit`, in the
    // order they were added; `lastSeq` receives the last one's number. With `kind`, only those.
    QList<RowDifference> read(qint64 afterSeq, int limit, qint64 *lastSeq = nullptr,
                              std::optional<DiffKind> kind = std::nullopt);

private:
    void flush();

    QTemporaryDir m_dir;
    QString m_name;
    QSqlDatabase m_db;
    QList<RowDifference> m_buffer;
    qint64 m_size = 0;
    qint64 m_counts[3] = {0, 0, 0};
};

} // namespace tidemark
