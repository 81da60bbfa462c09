#include "tokenfile.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace tidemark::service {

namespace {

QString systemError()
{
    return QString::fromLocal8Bit(std::strerror(errno));
}

} // namespace

std::optional<TokenFile> TokenFile::loadOrCreate(const QString &path, QString *error)
{
    const QByteArray native = QFile::encodeName(path);
    struct stat st
    {};
    if (::stat(native.constData(), &st) != 0) {
        if (errno != ENOENT) {
            *error = u"token file %1: %2"_s.arg(path, systemError());
            return std::nullopt;
        }
        // 32 random bytes from the system's generator, as hex: 256 bits, safe in a header.
        QByteArray raw(32, Qt::Uninitialized);
        QRandomGenerator::system()->generate(reinterpret_cast<quint32 *>(raw.data()),
                                             reinterpret_cast<quint32 *>(raw.data() + raw.size()));
        const QByteArray token = raw.toHex();
        QDir().mkpath(QFileInfo(path).absolutePath());
        // O_EXCL with the mode given at creation: the file is never readable by others, not
        // even for the moment between a create and a chmod.
        const int fd = ::open(native.constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0) {
            *error = u"token file %1: cannot create it: %2"_s.arg(path, systemError());
            return std::nullopt;
        }
        const QByteArray line = token + '\n';
        const bool written = ::write(fd, line.constData(), size_t(line.size())) == line.size();
        ::close(fd);
        if (!written) {
            *error = u"token file %1: cannot write it: %2"_s.arg(path, systemError());
            return std::nullopt;
        }
        return TokenFile{token, true};
    }
    if (!S_ISREG(st.st_mode)) {
        *error = u"token file %1 is not a regular file"_s.arg(path);
        return std::nullopt;
    }
    if (st.st_mode & (S_IRWXG | S_IRWXO)) {
        *error = u"token file %1 has group or world access (mode %2); it must be readable by its "
                 "owner only: chmod 600 %1"_s.arg(path)
                         .arg(st.st_mode & 0777, 4, 8, QChar(u'0'));
        return std::nullopt;
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = u"token file %1: %2"_s.arg(path, file.errorString());
        return std::nullopt;
    }
    const QByteArray token = file.readAll().trimmed();
    if (token.size() < 16 || token.contains(' ') || token.contains('\n')) {
        *error = u"token file %1 must hold one token of at least 16 characters on one line"_s.arg(
                path);
        return std::nullopt;
    }
    return TokenFile{token, false};
}

bool constantTimeEquals(const QByteArray &a, const QByteArray &b)
{
    if (a.size() != b.size())
        return false;
    unsigned char diff = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(a.at(i) ^ b.at(i));
    return diff == 0;
}

} // namespace tidemark::service
