#include "httptypes.h"

#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace tidemark::service {

QByteArray HttpRequest::header(const QByteArray &name) const
{
    for (const auto &[key, value] : headers)
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    return {};
}

HttpResponse HttpResponse::json(int status, const QJsonObject &document)
{
    return HttpResponse{status,
                        "application/json",
                        QJsonDocument(document).toJson(QJsonDocument::Compact) + '\n',
                        {}};
}

HttpResponse HttpResponse::error(int status, const QString &message)
{
    return json(status, QJsonObject{{u"error"_s, message}});
}

HttpResponse HttpResponse::text(int status, const QByteArray &contentType, const QByteArray &body)
{
    return HttpResponse{status, contentType, body, {}};
}

} // namespace tidemark::service
