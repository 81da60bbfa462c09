#pragma once
// What the log view shows of the LogModel: lines at or above a level, lines containing a
// search text, and optionally only the lines about one mapping.
//
// The ring buffer holds spdlog records (time, level, logger, message) and no mapping field;
// the engine writes every line about a mapping as "mapping 'NAME': ...", so "only this
// mapping" matches the quoted name in the message text.

#include <QSortFilterProxyModel>

namespace tidemark {

class LogFilterModel : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit LogFilterModel(QObject *parent = nullptr);

    // spdlog::level::level_enum as int; lines below it are hidden (0: trace, show all).
    void setMinimumLevel(int level);
    int minimumLevel() const { return m_minimumLevel; }
    // Case-insensitive, anywhere in the line (time, level, logger and message).
    void setSearchText(const QString &text);
    QString searchText() const { return m_search; }
    // Empty: every mapping.
    void setMapping(const QString &mapping);
    QString mapping() const { return m_mapping; }

    static bool mentionsMapping(const QString &message, const QString &mapping);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    int m_minimumLevel = 0;
    QString m_search;
    QString m_mapping;
};

} // namespace tidemark
