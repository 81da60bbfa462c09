#pragma once
// The one canonical encoding of a row that drift detection hashes and compares. Each dialect's
// hashing SQL (Dialect::hashPayload, and SQLite's registered function) produces exactly these
// bytes for a column, and the C++ encoder here produces them from the canonical values the sync
// reads and writes (db/valuecodec.h). A conversion the sync makes on purpose is therefore never
// a difference, and a real one is never hidden.
//
// A value is encoded as
//   NULL       "N"
//   a class of fixed alphabet (every class but Text, Json, Blob and Unknown), whose payload
//   holds neither ';' nor ':' (which is every payload the databases produce)
//              "V" <payload> ";"
//   otherwise  "V" <payload length in bytes, decimal> ":" <payload>
// and a row is its values' encodings, one after the other, in the mapping's column order. The
// NULL marker, the length prefix and the terminator keep (NULL,'a') != ('a',NULL),
// ('a|b','c') != ('a','b|c') and NULL != '' != '<null>': reading a value's encoding back, the
// first ';' or ':' after the "V" says which form it is. The terminator spares the SQL of the
// numeric and temporal classes computing each payload twice (once for its length), which was
// most of the hashing's cost (docs/BENCHMARKS.md "Drift: diff").
//
// Payloads, by the column's comparison class (HashRule):
//   Integer, Boolean  decimal text: "-12", "18446744073709551615"; booleans "1" / "0"
//   Decimal           scale-normalised plain text: "0.71" (for 0.7100), "0" (for -0), "NaN"
//   Real              16 lowercase hex digits of the IEEE-754 double, big-endian; -0.0 is
//                     encoded as 0.0 (SQL calls them equal, and MariaDB and SQLite cannot keep
//                     the sign), every NaN as "nan"
//   Text, Json        the UTF-8 bytes (case and trailing spaces count; CHAR(n) padding does not)
//   Blob              the bytes
//   Date              "YYYY-MM-DD"
//   Time              microseconds since midnight, decimal text
//   Timestamp(Tz)     UTC microseconds since 1970-01-01, decimal text
//
// The row hash is the first 8 bytes of the MD5 of the row's encoding, big-endian (the SQL gives
// it as a signed or unsigned 64-bit integer of those bits). A segment's checksum is the sum of
// its rows' hashes modulo 2^64 (never XOR: two equal rows would cancel).

#include "db/tableschema.h"

#include <QByteArray>
#include <QVariant>
#include <QVariantList>

namespace tidemark {

// How one column is encoded. Both sides of a mapping use the same class for a column (the
// source column's, see comparisonClass()); `trimPadding` belongs to each side's own column.
struct HashRule
{
    ValueClass valueClass = ValueClass::Text;
    bool trimPadding = false;   // CHAR(n): trailing spaces are padding, not data

    bool operator==(const HashRule &) const = default;
};

// The class both sides of a column are compared in: the source column's, or the mirror's when
// the source cannot say (a SQLite column without a declared type).
ValueClass comparisonClass(const ColumnInfo *source, const ColumnInfo *mirror);
// A column's rule for one side.
HashRule hashRule(ValueClass comparison, const ColumnInfo *column);
// Is this a fixed-length, blank-padded character type ("character(5)", "char(3)", "bpchar")?
bool isPaddedCharType(const QString &declaredType);

// Is the class's payload always digits, signs, '.', '-', hex or a word (the "V" <payload> ";" form)?
bool hasFixedAlphabet(ValueClass c);
// The payload of a non-null canonical value (see above).
QByteArray hashPayload(const QVariant &value, const HashRule &rule);
// Appends the encoding of one value (NULL or not).
void appendEncoded(QByteArray &row, const QVariant &value, const HashRule &rule);
QByteArray encodeRow(const QVariantList &values, const QList<HashRule> &rules);

quint64 rowHash(const QByteArray &encodedRow);
inline quint64 rowHash(const QVariantList &values, const QList<HashRule> &rules)
{
    return rowHash(encodeRow(values, rules));
}

// A row hash or a sum of them as SQL gives it: an integer, or a decimal text of any size and
// sign, reduced modulo 2^64. Nullopt for anything else (a double would have lost digits).
std::optional<quint64> hashValue(const QVariant &value);

// One letter per class, for SQLite's registered hash function (its rules argument), and back.
QChar ruleLetter(const HashRule &rule);
HashRule ruleFromLetter(QChar letter);

// Microseconds since 1970-01-01 00:00 UTC of a canonical timestamp text (or any spelling
// normalizedTemporal accepts); nullopt when it is not one.
std::optional<qint64> timestampMicros(const QString &text);
// Microseconds since midnight of "HH:MM:SS[.ffffff]" (hours may exceed 23); nullopt otherwise.
std::optional<qint64> timeMicros(const QString &text);

} // namespace tidemark
