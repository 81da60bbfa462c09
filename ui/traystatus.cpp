#include "traystatus.h"

#include "connectionsmodel.h"

#include <QPainter>
#include <QPixmap>
#include <QSystemTrayIcon>

using namespace Qt::StringLiterals;

namespace tidemark {

TrayStatus::TrayStatus(QObject *parent) : QObject(parent)
{
    if (QSystemTrayIcon::isSystemTrayAvailable()) {
        m_tray = new QSystemTrayIcon(this);
        m_tray->setObjectName(u"trayIcon"_s);
        connect(m_tray, &QSystemTrayIcon::activated, this, [this] { Q_EMIT activated(); });
        m_tray->show();
    }
    // Connection outages cross the threshold while no snapshot arrives (nothing changes
    // while a server is down), so they are looked at on a timer too.
    m_checkTimer.setInterval(5000);
    connect(&m_checkTimer, &QTimer::timeout, this, &TrayStatus::checkConnections);
    m_checkTimer.start();
    update();
}

TrayStatus::~TrayStatus() = default;

QDateTime TrayStatus::now() const
{
    return m_now.isValid() ? m_now : QDateTime::currentDateTimeUtc();
}

QColor TrayStatus::colorFor(Level level)
{
    switch (level) {
    case Level::NoProject: return QColor(0x9e, 0x9e, 0x9e);
    case Level::Ok: return QColor(0x2e, 0x9d, 0x4a);
    case Level::Warning: return QColor(0xf0, 0xa0, 0x20);
    case Level::Error: return QColor(0xd3, 0x2f, 0x2f);
    }
    return {};
}

QIcon TrayStatus::iconFor(Level level)
{
    QIcon icon;
    for (int size : {16, 22, 32, 64}) {
        QPixmap pixmap(size, size);
        pixmap.fill(Qt::transparent);
        QPainter painter(&pixmap);
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setPen(QPen(colorFor(level).darker(150), qMax(1.0, size / 16.0)));
        painter.setBrush(colorFor(level));
        const qreal margin = size / 8.0;
        painter.drawEllipse(QRectF(margin, margin, size - 2 * margin, size - 2 * margin));
        painter.end();
        icon.addPixmap(pixmap);
    }
    return icon;
}

void TrayStatus::setMappings(const QList<MappingStatus> &mappings)
{
    m_haveProject = true;
    for (const MappingStatus &s : mappings) {
        const auto it = m_lastStates.constFind(s.name);
        // A mapping seen for the first time already in error was in error before we watched:
        // the window shows it; a notification is for a change.
        if (s.state == MappingState::Error && it != m_lastStates.constEnd()
            && it.value() != MappingState::Error) {
            notify(tr("Tidemark: %1 failed").arg(s.name),
                   s.lastError.isEmpty() ? tr("The mapping entered the error state.")
                                         : s.lastError.section(u'\n', 0, 0));
        }
        m_lastStates.insert(s.name, s.state);
    }
    m_mappings = mappings;
    update();
}

void TrayStatus::setConnections(const QList<ConnectionStatus> &connections)
{
    m_connections = connections;
    checkConnections();
    update();
}

void TrayStatus::handleDriftChecked(const DriftCheckResult &result)
{
    if (!result.ok())
        return;
    const bool wholeRange = result.summary.keyFrom.isEmpty() && result.summary.keyTo.isEmpty();
    if (result.scheduled && result.summary.driftRows > 0)
        m_driftFound.insert(result.mapping);
    else if ((result.scheduled || wholeRange) && result.summary.driftRows == 0)
        m_driftFound.remove(result.mapping);
    else
        return;
    update();
}

void TrayStatus::clear()
{
    m_mappings.clear();
    m_connections.clear();
    m_lastStates.clear();
    m_notifiedLost.clear();
    m_driftFound.clear();
    m_haveProject = false;
    update();
}

void TrayStatus::checkConnections()
{
    const QDateTime current = now();
    for (const ConnectionStatus &c : std::as_const(m_connections)) {
        if (!ConnectionsModel::isDown(c.state)) {
            m_notifiedLost.remove(c.name);   // back up: the next outage is news again
            continue;
        }
        if (m_notifiedLost.contains(c.name) || !c.since.isValid()
            || c.since.secsTo(current) < m_lostThresholdS)
            continue;
        m_notifiedLost.insert(c.name);
        QString text = tr("Lost for %1 s.").arg(c.since.secsTo(current));
        if (!c.lastError.isEmpty())
            text += u" "_s + c.lastError.section(u'\n', 0, 0);
        notify(tr("Tidemark: connection %1 lost").arg(c.name), text);
    }
}

void TrayStatus::update()
{
    Level level = m_haveProject ? Level::Ok : Level::NoProject;
    QStringList problems;
    int errors = 0;
    int waiting = 0;
    int drifted = 0;
    for (const MappingStatus &s : std::as_const(m_mappings)) {
        if (s.state == MappingState::Error)
            ++errors;
        else if (s.state == MappingState::Waiting)
            ++waiting;
        // Differences the sync or sweep will fix on its own (backlog, orphans) are routine;
        // reason "drift" means the mirror is wrong and stays wrong until someone repairs it.
        // Only scheduled checks count (handleDriftChecked()); the snapshot's latest check may
        // be one an operator ran and is reading in the Drift tab.
        if (m_driftFound.contains(s.name))
            ++drifted;
    }
    int down = 0;
    for (const ConnectionStatus &c : std::as_const(m_connections))
        down += ConnectionsModel::isDown(c.state) ? 1 : 0;
    if (errors > 0)
        problems << tr("%n mapping(s) in error", nullptr, errors);
    if (down > 0)
        problems << tr("%n connection(s) down", nullptr, down);
    if (waiting > 0)
        problems << tr("%n mapping(s) waiting", nullptr, waiting);
    if (drifted > 0)
        problems << tr("%n mapping(s) with drift to repair", nullptr, drifted);
    if (errors > 0 || down > 0)
        level = Level::Error;
    else if (waiting > 0 || drifted > 0)
        level = Level::Warning;

    if (!m_haveProject)
        m_toolTip = tr("Tidemark: no project open");
    else if (problems.isEmpty())
        m_toolTip = tr("Tidemark: %n mapping(s), all well", nullptr, int(m_mappings.size()));
    else
        m_toolTip = tr("Tidemark: %1").arg(problems.join(u", "_s));

    const bool changed = level != m_level;
    m_level = level;
    if (m_tray) {
        if (changed || m_tray->icon().isNull())
            m_tray->setIcon(iconFor(level));
        m_tray->setToolTip(m_toolTip);
    }
    if (changed)
        Q_EMIT levelChanged(level);
}

void TrayStatus::notify(const QString &title, const QString &message)
{
    Q_EMIT notified(title, message);
    if (m_tray && QSystemTrayIcon::supportsMessages())
        m_tray->showMessage(title, message, QSystemTrayIcon::Warning, 15000);
}

} // namespace tidemark
