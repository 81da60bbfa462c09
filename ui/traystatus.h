#pragma once
// The system-tray side of the monitor: an icon whose colour follows the worst state of the
// mappings and connections, and a notification when a mapping enters error or a connection has
// been lost for longer than a threshold. The decisions are made here without a tray, so they
// are tested on the offscreen platform; the QSystemTrayIcon is created only where one exists.

#include "api/drifttypes.h"
#include "api/types.h"

#include <QDateTime>
#include <QHash>
#include <QIcon>
#include <QObject>
#include <QSet>
#include <QTimer>

class QSystemTrayIcon;

namespace tidemark {

class TrayStatus : public QObject
{
    Q_OBJECT
public:
    enum class Level { NoProject, Ok, Warning, Error };
    Q_ENUM(Level)

    // A connection lost for less than this is routine (a server restart, a network blip the
    // reconnect absorbs); a notification for each would teach the operator to ignore them.
    static constexpr int DefaultLostThresholdS = 60;

    explicit TrayStatus(QObject *parent = nullptr);
    ~TrayStatus() override;

    void setMappings(const QList<MappingStatus> &mappings);
    void setConnections(const QList<ConnectionStatus> &connections);
    // A drift check finished (the engine's driftChecked). Only a scheduled check that found
    // rows with reason "drift" turns the icon amber: the operator who pressed Check now is
    // looking at the answer already, and the tray is for what happens while nobody looks. A
    // later check of the whole key range that finds none (after a repair, say) clears it.
    void handleDriftChecked(const DriftCheckResult &result);
    void clear();

    void setLostThresholdS(int seconds) { m_lostThresholdS = seconds; }
    // The clock (tests pin it); invalid: the real one.
    void setNow(const QDateTime &now) { m_now = now; }
    // Looks again at connections that are down (the timer does this every few seconds).
    void checkConnections();

    Level level() const { return m_level; }
    QString toolTip() const { return m_toolTip; }
    static QIcon iconFor(Level level);
    static QColor colorFor(Level level);
    // The tray icon, or null where the platform has no tray.
    QSystemTrayIcon *trayIcon() const { return m_tray; }

Q_SIGNALS:
    void levelChanged(tidemark::TrayStatus::Level level);
    // Emitted for every notification; shown as a tray balloon where there is a tray.
    void notified(const QString &title, const QString &message);
    // The tray icon was clicked: the window should come to the front.
    void activated();

private:
    void update();
    void notify(const QString &title, const QString &message);
    QDateTime now() const;

    QList<MappingStatus> m_mappings;
    QList<ConnectionStatus> m_connections;
    bool m_haveProject = false;
    QHash<QString, MappingState> m_lastStates;   // to see a mapping enter error
    QSet<QString> m_notifiedLost;                // connections already notified this outage
    QSet<QString> m_driftFound;                  // mappings a scheduled check found drift in
    int m_lostThresholdS = DefaultLostThresholdS;
    QDateTime m_now;
    Level m_level = Level::NoProject;
    QString m_toolTip;
    QSystemTrayIcon *m_tray = nullptr;
    QTimer m_checkTimer;
};

} // namespace tidemark
