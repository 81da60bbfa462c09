#pragma once
// The benchmark table's rows. Every value of row `id` is a pure function of (seed, id), so any
// subset of the table (the single-row loop's first 100,000 rows, say) holds exactly the rows the
// full table holds, and two runs with the same seed build byte-identical tables.

#include <QByteArray>
#include <QString>
#include <QVariant>

#include <cstdint>
#include <optional>

namespace tidemark::bench {

// One row of bench table. std::nullopt is SQL NULL; about one value in ten is NULL in every
// non-key column.
struct BenchRow
{
    qint64 id = 0;
    std::optional<qint32> qty;
    std::optional<QString> amount;    // numeric(12,2) as exact text, e.g. "-1234567.05"
    std::optional<QString> label;     // up to 32 characters, some outside ASCII
    std::optional<QString> createdAt; // "YYYY-MM-DD HH:MM:SS.ffffff", UTC, no zone
    std::optional<bool> active;
};

class RowGenerator
{
public:
    explicit RowGenerator(quint64 seed)
        : m_seed(seed)
    {
    }

    // Keys are 1..rows, with no gaps: the row count of the key range (1, n) is n.
    BenchRow row(qint64 id) const;

    // The row in PostgreSQL's COPY text format, which MariaDB's LOAD DATA reads unchanged
    // (tab separated, \N for NULL, booleans as 1/0), ending in a newline. The generator never
    // produces tabs, newlines or backslashes, so no value needs escaping.
    static void appendTsv(const BenchRow &row, QByteArray &out);

private:
    quint64 m_seed;
};

// The table's definition in one dialect. `sqlite`, `postgres` or `mariadb`.
QString createTableSql(const QString &dialect, const QString &table);

} // namespace tidemark::bench
