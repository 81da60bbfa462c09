#pragma once
// The capture sequencer: numbers committed change-log rows in commit order, so that a consumer
// that reads `seq > checkpoint` in order never passes a change that commits later.
//
// A row is numbered only once it is visible, that is committed; one sequencer transaction at a
// time (PostgreSQL's advisory lock, and in every dialect the counter row's FOR UPDATE) hands
// out numbers above every number before it, and its rows commit together. So the numbered
// rows a reader sees are always a prefix of the numbering, whatever commits meanwhile. Within
// one step rows are numbered in id order: two changes of one key were logged in the order
// their transactions took the row's lock, so id order is their commit order.
//
// SQLite needs none of this (CaptureSql::hasSequencer): its triggers number each change as they
// log it, one writer at a time.

#include <QList>

#include <functional>

namespace tidemark {

class DbConnection;
class CaptureSql;

class Sequencer
{
public:
    Sequencer(DbConnection &source, const CaptureSql &sql);

    // Numbers up to `maxRows` unnumbered committed rows in one transaction. Returns how many.
    qint64 step(int maxRows = 10000);
    // Steps until a step numbers fewer than `maxRows` (everything committed before the call is
    // numbered when it returns). Returns how many in all.
    qint64 numberAll(int maxRows = 10000);
    // The last number handed out, 0 before any.
    qint64 lastNumber();
    // The log's identity (CaptureSql: the counter row's log_id).
    QString logId();

    // Test hook: called inside the step's transaction after the rows were picked and locked,
    // before they are numbered, with their ids.
    using PickedHook = std::function<void(const QList<qint64> &ids)>;
    void setPickedHook(PickedHook hook) { m_picked = std::move(hook); }

private:
    DbConnection &m_source;
    const CaptureSql &m_sql;
    PickedHook m_picked;
};

} // namespace tidemark
