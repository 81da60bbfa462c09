#include "statusboard.h"

#include "runregistry.h"

#include "api/statusjson.h"

#include <QJsonDocument>
#include <QRandomGenerator>

using namespace Qt::StringLiterals;

namespace tidemark::service {

StatusBoard::StatusBoard(Engine &engine, RunRegistry &runs, QObject *parent)
    : QObject(parent)
    , m_runs(runs)
    , m_mappings(engine.mappings())
    , m_connections(engine.connections())
    , m_epoch(QByteArray::number(QRandomGenerator::system()->generate(), 36))
{
    connect(&engine, &Engine::statusChanged, this, [this](const QList<MappingStatus> &m) {
        m_mappings = m;
        rebuild();
    });
    connect(&engine, &Engine::connectionsChanged, this, [this](const QList<ConnectionStatus> &c) {
        m_connections = c;
        rebuild();
    });
    rebuild();
}

void StatusBoard::rebuild()
{
    QJsonObject document =
            statusjson::encodeDocument(m_mappings, m_connections, statusjson::Detail::Full);
    document[u"runs"_s] = m_runs.recent(kRecentRuns);
    if (m_revision > 0 && document == m_document)
        return;
    m_document = document;
    ++m_revision;
    document[u"revision"_s] = double(m_revision);
    m_body = QJsonDocument(document).toJson(QJsonDocument::Compact) + '\n';
}

} // namespace tidemark::service
