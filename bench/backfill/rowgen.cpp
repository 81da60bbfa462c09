#include "rowgen.h"

#include <QDateTime>
#include <QStringList>

#include <array>

using namespace Qt::StringLiterals;

namespace tidemark::bench {

namespace {

// splitmix64: a good 64-bit mix of (seed, id, stream) without any state shared between rows.
quint64 mix(quint64 x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

class RowRandom
{
public:
    RowRandom(quint64 seed, qint64 id)
        : m_state(mix(seed ^ mix(quint64(id))))
    {
    }
    quint64 next() { return m_state = mix(m_state); }
    quint64 below(quint64 n) { return next() % n; }
    // One value in ten is NULL, drawn per column so NULLs are not correlated across a row.
    bool isNull() { return below(10) == 0; }

private:
    quint64 m_state;
};

// Words for the varchar(32) label, with a few outside ASCII so the text path is exercised with
// multi-byte UTF-8 (the mirror must count characters, not bytes, against the 32 limit).
constexpr std::array kWords = {
        u"north", u"south",    u"harbour", u"tide", u"mark",  u"Zürich", u"straße", u"café",
        u"pier",  u"Ølstykke", u"quay",    u"dock", u"naïve", u"lock",   u"keel",   u"ĳssel",
};

// 2020-01-01T00:00:00Z; timestamps spread over about five years from there.
constexpr qint64 kEpochBase = 1577836800;
constexpr qint64 kSpanSeconds = 5LL * 365 * 24 * 3600;

} // namespace

BenchRow RowGenerator::row(qint64 id) const
{
    RowRandom r(m_seed, id);
    BenchRow row;
    row.id = id;
    if (!r.isNull())
        row.qty = qint32(quint32(r.next()));
    if (!r.isNull()) {
        // Up to the full numeric(12,2) range, but mostly smaller amounts, as money tends to be.
        const qint64 limit = r.below(8) == 0 ? 1'000'000'000'000LL : 10'000'000LL;
        const qint64 cents = qint64(r.below(quint64(2 * limit - 1))) - (limit - 1);
        const qint64 absCents = cents < 0 ? -cents : cents;
        QString text = cents < 0 ? u"-"_s : QString();
        text += QString::number(absCents / 100) + u'.'
                + QString::number(absCents % 100).rightJustified(2, u'0');
        row.amount = text;
    }
    if (!r.isNull()) {
        QStringList words;
        const int count = 1 + int(r.below(3));
        for (int i = 0; i < count; ++i)
            words << QStringView(kWords[r.below(kWords.size())]).toString();
        words << QString::number(r.below(100000));
        row.label = words.join(u' ').left(32);
    }
    if (!r.isNull()) {
        const qint64 seconds = kEpochBase + qint64(r.below(kSpanSeconds));
        // One in five with a whole second or whole millisecond, so a mirror that trims
        // trailing zeros or rounds to milliseconds shows up as a difference in the check.
        qint64 micros = qint64(r.below(1'000'000));
        if (const quint64 pick = r.below(10); pick == 0)
            micros = 0;
        else if (pick == 1)
            micros -= micros % 1000;
        row.createdAt =
                QDateTime::fromSecsSinceEpoch(seconds, Qt::UTC).toString(u"yyyy-MM-dd HH:mm:ss"_s)
                + u'.' + QString::number(micros).rightJustified(6, u'0');
    }
    if (!r.isNull())
        row.active = r.below(2) == 1;
    return row;
}

void RowGenerator::appendTsv(const BenchRow &row, QByteArray &out)
{
    static const QByteArray null = QByteArrayLiteral("\\N");
    out += QByteArray::number(row.id);
    out += '\t';
    out += row.qty ? QByteArray::number(*row.qty) : null;
    out += '\t';
    out += row.amount ? row.amount->toUtf8() : null;
    out += '\t';
    out += row.label ? row.label->toUtf8() : null;
    out += '\t';
    out += row.createdAt ? row.createdAt->toUtf8() : null;
    out += '\t';
    out += row.active ? QByteArray(*row.active ? "1" : "0") : null;
    out += '\n';
}

QString createTableSql(const QString &dialect, const QString &table)
{
    // The same six columns everywhere, in each database's own spelling. SQLite's NUMERIC(12,2)
    // has NUMERIC affinity, so amounts are stored as REAL (or INTEGER for whole amounts): that
    // is what a SQLite application's table looks like, and what the engine must read exactly.
    if (dialect == u"sqlite")
        return u"CREATE TABLE \"%1\" (id INTEGER PRIMARY KEY, qty INTEGER, amount NUMERIC(12,2), "
               "label VARCHAR(32), created_at TIMESTAMP, active BOOLEAN)"_s.arg(table);
    if (dialect == u"postgres")
        return u"CREATE TABLE \"%1\" (id bigint PRIMARY KEY, qty integer, amount numeric(12,2), "
               "label varchar(32), created_at timestamp(6), active boolean)"_s.arg(table);
    return u"CREATE TABLE `%1` (id bigint PRIMARY KEY, qty int, amount decimal(12,2), "
           "label varchar(32), created_at datetime(6), active boolean) "
           "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"_s.arg(table);
}

} // namespace tidemark::bench
