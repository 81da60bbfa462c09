#include "db/identifier.h"

#include "db/dberror.h"

using namespace Qt::StringLiterals;

namespace tidemark {

void checkIdentifier(const QString &name)
{
    if (name.isEmpty())
        throw DbError(DbError::Kind::Permanent, u"an empty table or column name cannot be used"_s);
    if (name.contains(QChar(u'\0')))
        throw DbError(DbError::Kind::Permanent,
                      u"the name '%1' contains a NUL character, which no database can quote"_s
                              .arg(QString(name).replace(QChar(u'\0'), u"\\0"_s)));
}

QString quoteIdentifierWith(const QString &name, QChar quote)
{
    checkIdentifier(name);
    QString quoted;
    quoted.reserve(name.size() + 2);
    quoted += quote;
    for (QChar c : name) {
        quoted += c;
        if (c == quote)
            quoted += quote;   // doubling is the only escape every dialect agrees on
    }
    quoted += quote;
    return quoted;
}

} // namespace tidemark
