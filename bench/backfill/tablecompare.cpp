#include "tablecompare.h"

#include "benchdb.h"

#include <QSqlError>
#include <QSqlQuery>

#include <stdexcept>

using namespace Qt::StringLiterals;

namespace tidemark::bench {

namespace {

constexpr qint64 kChunkRows = 50'000;
constexpr int kMaxExamples = 5;
const QString kNull = u"<NULL>"_s;

// Each database's text for the six columns, aliased so that ORDER BY id means the key column:
// PostgreSQL resolves a bare ORDER BY name to an output column first, and an unaliased
// "id::text" is named id, which would sort the keys as text ("10" before "2"). Text, not
// QVariant: QPSQL turns numeric into a double and timestamps into millisecond QDateTimes, which
// would hide exactly the losses this check is for.
QString selectList(const QString &dialect)
{
    if (dialect == u"postgres")
        return u"id::text AS c0, qty::text AS c1, amount::text AS c2, label AS c3, "
               "created_at::text AS c4, active::text AS c5"_s;
    if (dialect == u"mariadb")
        return u"CAST(id AS CHAR) AS c0, CAST(qty AS CHAR) AS c1, CAST(amount AS CHAR) AS c2, "
               "label AS c3, CAST(created_at AS CHAR) AS c4, CAST(active AS CHAR) AS c5"_s;
    // SQLite's NUMERIC affinity stores amounts as REAL or INTEGER; printf gives the two
    // decimals back (a REAL holds 12 significant digits exactly enough to round correctly).
    return u"CAST(id AS TEXT) AS c0, CAST(qty AS TEXT) AS c1, "
           "CASE typeof(amount) WHEN 'real' THEN printf('%.2f', amount) "
           "ELSE CAST(amount AS TEXT) END AS c2, label AS c3, CAST(created_at AS TEXT) AS c4, "
           "CAST(active AS TEXT) AS c5"_s;
}

QString canonicalDecimal(QString s)
{
    if (s.startsWith(u'+'))
        s.remove(0, 1);
    if (s.contains(u'.')) {
        while (s.endsWith(u'0'))
            s.chop(1);
        if (s.endsWith(u'.'))
            s.chop(1);
    }
    if (s == u"-0")
        s = u"0"_s;
    return s;
}

// "2021-03-04 05:06:07.5" (PostgreSQL trims trailing zeros) and "2021-03-04T05:06:07.500000"
// become "2021-03-04 05:06:07.500000"; a "+00"/"+00:00"/"Z" zone suffix is dropped, any other
// is kept and will then differ.
QString canonicalTimestamp(QString s)
{
    s.replace(u'T', u' ');
    for (const QString &utc : {u"+00:00"_s, u"+00"_s, u"Z"_s})
        if (s.endsWith(utc)) {
            s.chop(utc.size());
            break;
        }
    QString fraction;
    QString rest;
    const qsizetype dot = s.indexOf(u'.', 19);
    if (dot < 0) {
        rest = s.mid(19);
        s.truncate(19);
    } else {
        qsizetype end = dot + 1;
        while (end < s.size() && s.at(end).isDigit())
            ++end;
        fraction = s.mid(dot + 1, end - dot - 1);
        rest = s.mid(end);
        s.truncate(dot);
    }
    return s + u'.' + fraction.leftJustified(6, u'0') + rest;
}

QString canonicalBool(const QString &s)
{
    if (s == u"t" || s == u"true" || s == u"1")
        return u"1"_s;
    if (s == u"f" || s == u"false" || s == u"0")
        return u"0"_s;
    return s;
}

QStringList readCanonical(const QSqlQuery &q)
{
    QStringList row;
    for (int i = 0; i < 6; ++i) {
        const QVariant v = q.value(i);
        if (v.isNull()) {
            row << kNull;
            continue;
        }
        const QString s = v.toString();
        switch (i) {
        case 2: row << canonicalDecimal(s); break;
        case 4: row << canonicalTimestamp(s); break;
        case 5: row << canonicalBool(s); break;
        default: row << s; break;
        }
    }
    return row;
}

QSqlQuery rangeQuery(TableSide &side, qint64 from, qint64 to)
{
    QSqlQuery q(side.db);
    q.setForwardOnly(true);
    const QString sql = u"SELECT "_s + selectList(side.dialect) + u" FROM "_s
            + quoteName(side.dialect, side.table) + u" WHERE id BETWEEN "_s + QString::number(from)
            + u" AND "_s + QString::number(to) + u" ORDER BY id"_s;
    if (!q.exec(sql))
        throw std::runtime_error(u"compare: %1: %2"_s.arg(sql, q.lastError().text()).toStdString());
    return q;
}

// Reads the next row or nothing; a read that ends with an error is an error, never the end.
bool nextRow(QSqlQuery &q, QStringList &row)
{
    if (q.next()) {
        row = readCanonical(q);
        return true;
    }
    if (q.lastError().isValid())
        throw std::runtime_error(
                u"compare: read failed: %1"_s.arg(q.lastError().text()).toStdString());
    return false;
}

} // namespace

CompareResult compareTables(TableSide source, TableSide mirror)
{
    CompareResult result;
    result.sourceRows = countRows(source.db, quoteName(source.dialect, source.table));
    result.mirrorRows = countRows(mirror.db, quoteName(mirror.dialect, mirror.table));

    QSqlQuery bounds(source.db);
    if (!bounds.exec(u"SELECT MIN(id), MAX(id) FROM "_s + quoteName(source.dialect, source.table))
        || !bounds.next())
        throw std::runtime_error("compare: cannot read the source's key range");
    const qint64 lo = bounds.value(0).toLongLong();
    const qint64 hi = bounds.value(1).toLongLong();

    auto note = [&](const QString &what) {
        ++result.differentRows;
        if (result.examples.size() < kMaxExamples)
            result.examples << what;
    };
    qint64 compared = 0;
    for (qint64 from = lo; result.sourceRows > 0 && from <= hi; from += kChunkRows) {
        const qint64 to = std::min(hi, from + kChunkRows - 1);
        QSqlQuery s = rangeQuery(source, from, to);
        QSqlQuery m = rangeQuery(mirror, from, to);
        QStringList sr, mr;
        bool haveS = nextRow(s, sr);
        bool haveM = nextRow(m, mr);
        // A merge over the two key-ordered streams: a key on one side only is a difference.
        while (haveS || haveM) {
            const qint64 sk = haveS ? sr.first().toLongLong() : 0;
            const qint64 mk = haveM ? mr.first().toLongLong() : 0;
            if (haveS && (!haveM || sk < mk)) {
                note(u"key %1: missing from the mirror"_s.arg(sk));
                haveS = nextRow(s, sr);
            } else if (haveM && (!haveS || mk < sk)) {
                note(u"key %1: in the mirror only"_s.arg(mk));
                haveM = nextRow(m, mr);
            } else {
                ++compared;
                if (sr != mr)
                    note(u"key %1: source (%2) mirror (%3)"_s.arg(sk).arg(sr.join(u", "_s),
                                                                          mr.join(u", "_s)));
                haveS = nextRow(s, sr);
                haveM = nextRow(m, mr);
            }
        }
    }
    if (result.mirrorRows != result.sourceRows)
        note(u"row counts differ: source %1, mirror %2"_s.arg(result.sourceRows)
                     .arg(result.mirrorRows));
    result.equal = result.differentRows == 0 && compared == result.sourceRows;
    return result;
}

} // namespace tidemark::bench
