#pragma once
// Carries values exactly: to and from the typed JSON the checkpoint store keeps, and into a
// canonical form used to compare a source value with a mirror value across dialects.
//
// Canonical values, by the column's ValueClass (Dialect::toCanonical produces them,
// Dialect::fromCanonical consumes them; sessions are pinned to UTC):
//   Integer      qlonglong (qulonglong only above INT64_MAX)
//   Decimal      QString, plain notation, no exponent, trailing fractional zeros and a bare
//                '.' removed, "-0" as "0": "123.45", "-0.0000000001", "12345678901234567890";
//                "NaN" / "Infinity" / "-Infinity" where a database has them
//   Real         double (bit-exact; -0.0 and NaN kept)
//   Text, Json   QString exactly as stored
//   Blob         QByteArray (empty is empty, never null)
//   Boolean      bool
//   Date         QString "YYYY-MM-DD"
//   Time         QString "HH:MM:SS[.ffffff]", trailing fractional zeros removed
//   Timestamp,   QString "YYYY-MM-DD HH:MM:SS[.ffffff]" in UTC without a zone suffix, trailing
//   TimestampTz  fractional zeros removed (a '+00:00' suffix is what MariaDB's strict mode
//                rejects; a zone-less UTC text binds correctly into every dialect's columns)
//   NULL         a null QVariant, whatever the class
// SQLite is dynamically typed: its values are carried exactly as stored (its dialect is the
// identity), so SQLite to SQLite stays byte for byte.

#include <QJsonArray>
#include <QJsonValue>
#include <QVariant>
#include <QVariantList>

#include <optional>

namespace tidemark {

// {"t":"int","v":"123"}: the type tag keeps an integer an integer and a text a text, so a
// checkpoint bound back into the source compares exactly as the value that was read.
QJsonValue encodeTypedValue(const QVariant &value);
QVariant decodeTypedValue(const QJsonValue &json);   // invalid QVariant on a malformed value
QJsonArray encodeTypedList(const QVariantList &values);
QVariantList decodeTypedList(const QJsonArray &json);

// A value as a driver returned it, made safe to bind again. QSQLITE returns an empty BLOB as a
// null QByteArray inside a non-null QVariant, and binding a null QByteArray writes SQL NULL: an
// empty value would turn into NULL in the mirror. Every value read from a table passes here.
QVariant fromDriver(const QVariant &value);

// Plain JSON for status output: numbers stay numbers where exact, otherwise text.
QJsonValue displayJson(const QVariant &value);
QString displayText(const QVariant &value);

// Are a source value and a mirror value the same datum? Handles NULL, integer widths,
// text/bytes and numeric text; cross-dialect rules grow with the dialects.
bool sameValue(const QVariant &source, const QVariant &mirror);

// Orders two values of one column if they are comparable (same class), else nullopt.
std::optional<int> compareValues(const QVariant &a, const QVariant &b);

} // namespace tidemark
