#pragma once
// The connections dock: each connection's state in words and colour, how long it has been so,
// the countdown to the next attempt, the last error, and Reconnect now.

#include <QDockWidget>
#include <QTimer>

class QAction;
class QPushButton;
class QTableView;

namespace tidemark {

class ConnectionsModel;

class ConnectionsPanel : public QDockWidget
{
    Q_OBJECT
public:
    explicit ConnectionsPanel(ConnectionsModel *model, QWidget *parent = nullptr);

    QTableView *tableView() const { return m_table; }
    QPushButton *reconnectButton() const { return m_reconnectButton; }
    QAction *reconnectAction() const { return m_reconnectAction; }
    // The selected connection; empty when none.
    QString selectedConnection() const;
    void selectConnection(const QString &name);

Q_SIGNALS:
    // Reconnect now: the selected connection, or every one that is down when none is selected.
    void reconnectRequested(const QString &connection);

private:
    void updateButton();
    void handleReconnectTriggered();

    ConnectionsModel *m_model = nullptr;
    QTableView *m_table = nullptr;
    QPushButton *m_reconnectButton = nullptr;
    QAction *m_reconnectAction = nullptr;
    QTimer m_countdownTimer;
};

} // namespace tidemark
