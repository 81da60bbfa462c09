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

#include "db/tableschema.h"

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

// Are a source value and a mirror value the same datum? Handles NULL, integer widths, booleans
// as 0/1, and text/bytes; doubles compare as SQL does (-0 = 0, and NaN equals NaN here). `valueClass` is the column's class: for Decimal, Timestamp and Time
// columns, texts are compared as the datum they spell ("1.50" = "1.5",
// "2026-11-21T10:15:00.000Z" = "2026-11-21 10:15:00"), which values read from SQLite (carried
// exactly as stored) need. For Text columns nothing is relaxed: "1.50" and "1.5" differ there.
bool sameValue(const QVariant &source, const QVariant &mirror,
               ValueClass valueClass = ValueClass::Unknown);

// Orders two values of one column if they are comparable, else nullopt. With a Decimal class,
// decimal texts are ordered as numbers ("9" < "10"); with a Timestamp class, as instants.
std::optional<int> compareValues(const QVariant &a, const QVariant &b,
                                 ValueClass valueClass = ValueClass::Unknown);

// The canonical text of a Decimal or Timestamp/Time value given in any of the spellings the
// dialects produce or SQLite may hold; nullopt when `text` is not such a value.
std::optional<QString> normalizedDecimal(const QString &text);
std::optional<QString> normalizedTemporal(const QString &text);

} // namespace tidemark
