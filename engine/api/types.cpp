#include "api/types.h"

using namespace Qt::StringLiterals;

namespace tidemark {

QString mappingStateName(MappingState state)
{
    switch (state) {
    case MappingState::Idle: return u"idle"_s;
    case MappingState::Running: return u"running"_s;
    case MappingState::Waiting: return u"waiting"_s;
    case MappingState::Paused: return u"paused"_s;
    case MappingState::Error: return u"error"_s;
    case MappingState::Standby: return u"standby"_s;
    }
    return {};
}

QString connectionStateName(ConnectionState state)
{
    switch (state) {
    case ConnectionState::NeverConnected: return u"never connected"_s;
    case ConnectionState::Connected: return u"connected"_s;
    case ConnectionState::Disconnected: return u"disconnected"_s;
    case ConnectionState::Reconnecting: return u"reconnecting"_s;
    }
    return {};
}

MappingStatus MappingStatus::initial(const MappingConfig &mapping)
{
    MappingStatus s;
    s.name = mapping.name;
    s.source = mapping.source.connection + u':' + mapping.source.table;
    s.mirror = mapping.mirror.connection + u':' + mapping.mirror.table;
    s.hasCursor = mapping.hasCursor();
    return s;
}

void MappingStatus::apply(const StatusMeasurement &m)
{
    if (m.tableCounts) {
        sourceRows = m.sourceRows;
        mirrorRows = m.mirrorRows;
        nullCursorRows = m.nullCursorRows;
        rowsCountedAt = m.countedAt;
    }
    backlog = m.backlog;
    orphans = m.orphans;
    orphansMeasuredAt = m.orphansMeasuredAt;
    drift = m.drift;
    capture = m.capture;
    checkpoint = m.checkpoint;
    lag = cursorLag(m.sourceNewestCursor, checkpoint.cursor, &lagInSeconds);
    if (capture && capture->installed) {
        // A captured mapping trails by the age of its oldest change not applied yet.
        lag = capture->oldestPendingAgeS.value_or(0.0);
        lagInSeconds = true;
    }
    if (!lastRun)
        lastRun = m.lastRun;
}

} // namespace tidemark
