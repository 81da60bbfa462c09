#include "drifthandler.h"

#include "api/resultjson.h"

#include <QDir>
#include <QFile>

using namespace Qt::StringLiterals;

namespace tidemark::service {

namespace {

// The engine's words when its drift thread holds no check to export (run/driftworker.cpp).
bool isNoCheck(const QString &error)
{
    return error.startsWith(u"no check of mapping"_s);
}

HttpResponse noCheck(const QString &mapping)
{
    return HttpResponse::error(404,
                               u"no drift check of '%1' since this service started"_s.arg(mapping));
}

} // namespace

DriftHandler::DriftHandler(Engine &engine, QObject *parent)
    : QObject(parent)
    , m_engine(engine)
    , m_folder(QDir::temp().filePath(u"tidemark-serve-XXXXXX"_s))
{
    connect(&engine, &Engine::driftChecked, this,
            [this](quint64, const DriftCheckResult &r) { m_latest.insert(r.mapping, r); });
    connect(&engine, &Engine::driftExported, this, &DriftHandler::handleExported);
}

void DriftHandler::handle(const QString &mapping, const QStringList &rest, const QUrlQuery &query,
                          const HttpReply &reply)
{
    const QList<MappingStatus> mappings = m_engine.mappings();
    if (std::none_of(mappings.cbegin(), mappings.cend(),
                     [&](const MappingStatus &s) { return s.name == mapping; })) {
        reply(HttpResponse::error(404, u"no mapping named '%1' in the project"_s.arg(mapping)));
        return;
    }
    if (rest == QStringList{u"drift"_s}) {
        const auto it = m_latest.constFind(mapping);
        if (it == m_latest.cend()) {
            reply(noCheck(mapping));
            return;
        }
        reply(HttpResponse::json(200, resultjson::encodeCheck(*it)));
        return;
    }
    exportLatest(mapping, query.queryItemValue(u"format"_s), reply);
}

void DriftHandler::exportLatest(const QString &mapping, const QString &format,
                                const HttpReply &reply)
{
    if (format != u"csv" && format != u"html") {
        reply(HttpResponse::error(
                400,
                u"format=%1 is not an export format; use format=csv or format=html"_s.arg(
                        format.isEmpty() ? u"(none)"_s : format)));
        return;
    }
    // Asking the engine would only return the same answer later.
    if (!m_latest.contains(mapping)) {
        reply(noCheck(mapping));
        return;
    }
    if (!m_folder.isValid()) {
        reply(HttpResponse::error(
                500, u"no private folder to export into: %1"_s.arg(m_folder.errorString())));
        return;
    }
    const QString path = m_folder.filePath(u"export-%1.%2"_s.arg(++m_lastFile).arg(format));
    const quint64 id = m_engine.exportDrift(
            mapping, format == u"csv" ? DriftExportFormat::Csv : DriftExportFormat::Html, path);
    if (id == 0) {
        reply(HttpResponse::error(409, u"the engine is stopping; nothing more is queued"_s));
        return;
    }
    m_exports.insert(id, reply);
}

void DriftHandler::handleExported(quint64 requestId, const DriftExportResult &result)
{
    const HttpReply reply = m_exports.take(requestId);
    if (!reply) {
        // Not ours (an export the desktop asked for in-process has no reply here).
        return;
    }
    QFile file(result.path);
    if (!result.error.isEmpty()) {
        file.remove();
        reply(isNoCheck(result.error) ? noCheck(result.mapping)
                                      : HttpResponse::error(409, result.error));
        return;
    }
    if (!file.open(QIODevice::ReadOnly)) {
        reply(HttpResponse::error(
                500, u"cannot read the export '%1': %2"_s.arg(result.path, file.errorString())));
        return;
    }
    const QByteArray bytes = file.readAll();
    file.close();
    file.remove();
    HttpResponse r = HttpResponse::text(200,
                                        result.format == DriftExportFormat::Csv
                                                ? QByteArray("text/csv; charset=utf-8")
                                                : QByteArray("text/html; charset=utf-8"),
                                        bytes);
    r.addHeader("Content-Disposition",
                "attachment; filename=\"drift."
                        + QByteArray(result.format == DriftExportFormat::Csv ? "csv" : "html")
                        + '"');
    reply(r);
}

} // namespace tidemark::service
