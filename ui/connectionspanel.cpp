#include "connectionspanel.h"

#include "connectionsmodel.h"

#include <QAction>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QPushButton>
#include <QStyle>
#include <QTableView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace tidemark {

ConnectionsPanel::ConnectionsPanel(ConnectionsModel *model, QWidget *parent)
    : QDockWidget(tr("Connections"), parent)
    , m_model(model)
    , m_table(new QTableView(this))
{
    setObjectName(u"connectionsDock"_s);
    setAccessibleName(tr("Connections"));
    setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable
                | QDockWidget::DockWidgetClosable);

    m_table->setObjectName(u"connectionsTable"_s);
    m_table->setAccessibleName(tr("Connections"));
    m_table->setAccessibleDescription(
            tr("One row per connection: its state, for how long, the next attempt and the last "
               "error."));
    m_table->setModel(model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->setAlternatingRowColors(true);
    QHeaderView *header = m_table->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::ResizeToContents);
    header->setSectionResizeMode(ConnectionsModel::LastErrorColumn, QHeaderView::Stretch);
    header->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    header->setHighlightSections(false);

    m_reconnectAction = new QAction(style()->standardIcon(QStyle::SP_BrowserReload),
                                    tr("Reconnect &now"), this);
    m_reconnectAction->setObjectName(u"reconnectAction"_s);
    m_reconnectAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R));
    m_reconnectAction->setShortcutContext(Qt::WindowShortcut);
    m_reconnectAction->setToolTip(
            tr("Try the selected connection now instead of waiting for its next attempt (every "
               "connection that is down when none is selected). Ctrl+Shift+R"));
    connect(m_reconnectAction, &QAction::triggered, this,
            &ConnectionsPanel::handleReconnectTriggered);
    m_table->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_table->addAction(m_reconnectAction);

    m_reconnectButton = new QPushButton(m_reconnectAction->icon(), tr("Reconnect now"), this);
    m_reconnectButton->setObjectName(u"reconnectButton"_s);
    m_reconnectButton->setAccessibleName(tr("Reconnect now"));
    m_reconnectButton->setToolTip(m_reconnectAction->toolTip());
    connect(m_reconnectButton, &QPushButton::clicked, m_reconnectAction, &QAction::trigger);

    auto *content = new QWidget(this);
    auto *layout = new QVBoxLayout(content);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_table);
    auto *buttons = new QHBoxLayout;
    buttons->addStretch();
    buttons->addWidget(m_reconnectButton);
    layout->addLayout(buttons);
    setWidget(content);

    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &ConnectionsPanel::updateButton);
    connect(model, &QAbstractItemModel::modelReset, this, &ConnectionsPanel::updateButton);
    connect(model, &QAbstractItemModel::dataChanged, this, &ConnectionsPanel::updateButton);

    // The countdown must move between snapshots: the engine publishes only on changes.
    m_countdownTimer.setInterval(1000);
    connect(&m_countdownTimer, &QTimer::timeout, model, &ConnectionsModel::refreshCountdowns);
    m_countdownTimer.start();
    updateButton();
}

QString ConnectionsPanel::selectedConnection() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    return rows.isEmpty() ? QString()
                          : rows.constFirst().data(ConnectionsModel::ConnectionNameRole).toString();
}

void ConnectionsPanel::selectConnection(const QString &name)
{
    const int row = m_model->rowOf(name);
    if (row < 0) {
        m_table->clearSelection();
        return;
    }
    m_table->selectionModel()->setCurrentIndex(
            m_model->index(row, 0), QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
}

void ConnectionsPanel::updateButton()
{
    const QString selected = selectedConnection();
    bool anyDown = false;
    for (const ConnectionStatus &c : m_model->connections())
        anyDown = anyDown || c.state != ConnectionState::Connected;
    const bool enabled = !selected.isEmpty() || anyDown;
    m_reconnectAction->setEnabled(enabled);
    m_reconnectButton->setEnabled(enabled);
    m_reconnectButton->setText(selected.isEmpty() ? tr("Reconnect all down")
                                                  : tr("Reconnect %1 now").arg(selected));
    m_reconnectButton->setAccessibleName(m_reconnectButton->text());
}

void ConnectionsPanel::handleReconnectTriggered()
{
    Q_EMIT reconnectRequested(selectedConnection());
}

} // namespace tidemark
