#pragma once
// The bearer token's file. Created on first start with a random token and mode 0600; refused
// when group or others may read it, as libpq refuses such a .pgpass: a token anyone on the
// machine can read is no secret.

#include <QByteArray>
#include <QString>

#include <optional>

namespace tidemark::service {

struct TokenFile
{
    QByteArray token;
    bool created = false; // this start wrote it: the command prints it, once

    // Reads the token from `path`, creating the file when it is missing. Nullopt with `error`
    // naming the file and what is wrong (permissions, empty, unreadable).
    static std::optional<TokenFile> loadOrCreate(const QString &path, QString *error);
};

// Compares in time that depends only on the lengths, never on where the first difference is:
// a timing side channel would let a client guess the token byte by byte.
bool constantTimeEquals(const QByteArray &a, const QByteArray &b);

} // namespace tidemark::service
