#pragma once
// The text side of ClickHouse's HTTP interface, with no network in it (so it is tested on its
// own): bound values written into a statement as exact literals, and result sets read from the
// TabSeparatedWithNamesAndTypes format into typed QVariants.
//
// ClickHouse 18.16 has no query parameters, so every `?` outside quotes, identifiers and
// comments is replaced by a literal. Results come back as text with a row of column names and
// a row of types; values are typed by those: integers as qlonglong (qulonglong above
// INT64_MAX), floats as double (read exactly: the server prints the shortest text that reads
// back as the same double), Decimal and Date/DateTime as their text, String as the raw bytes
// (QByteArray: a binary column must not pass through UTF-8), \N in a Nullable column as a
// null QVariant.

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>
#include <QVariant>

#include <optional>

namespace tidemark::clickhouse {

// `sql` with each `?` replaced by the literal of the next value; nullopt when the counts of
// placeholders and values differ (`error` says which).
std::optional<QString> substitute(const QString &sql, const QVariantList &values,
                                  QString &error);
// An exact SQL literal: NULL, numbers as written (inf, nan), strings in single quotes with
// backslash escapes, bytes as unhex('...').
QString literal(const QVariant &value);

// Does the statement return rows (SELECT, WITH, SHOW, DESCRIBE, EXISTS)?
bool returnsRows(const QString &sql);

struct ResultSet
{
    QStringList names;
    QStringList types;
    QList<QVariantList> rows;
};
// Parses a TabSeparatedWithNamesAndTypes body; nullopt with `error` on a malformed one.
std::optional<ResultSet> parseTsv(const QByteArray &body, QString &error);

// The QVariant for one unescaped field of a column of ClickHouse type `type`.
QVariant typedValue(const QString &type, const QByteArray &field, bool isNull);
// The QMetaType a column of `type` reads as (for QSqlField and typed NULLs).
QMetaType metaTypeFor(const QString &type);

} // namespace tidemark::clickhouse
