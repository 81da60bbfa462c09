#pragma once
// A writer on its own thread and connection that inserts, updates and deletes rows of
// t(id INTEGER PRIMARY KEY, v TEXT, ts TEXT) while the engine reads, bumping ts on every write
// the way an application's "updated_at" moves.

#include <QAtomicInteger>
#include <QDateTime>
#include <QRandomGenerator>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>

#include <atomic>

class WriterThread : public QThread
{
public:
    explicit WriterThread(QString path)
        : m_path(std::move(path))
    {
        setObjectName(QStringLiteral("test-writer"));
    }

    std::atomic<bool> stop{false};
    QAtomicInteger<int> inserts, updates, deletes, errors;

protected:
    void run() override
    {
        const QString name = QStringLiteral("writer-%1").arg(quintptr(this));
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
            db.setDatabaseName(m_path);
            db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=10000"));
            if (!db.open()) {
                errors.fetchAndAddRelaxed(1);
                return;
            }
            QRandomGenerator rng(42);
            int nextId = 100000;
            quint64 tick = 0;
            while (!stop.load()) {
                db.transaction();
                for (int i = 0; i < 5; ++i) {
                    QSqlQuery q(db);
                    // A strictly growing cursor with a millisecond clock and a sequence, so
                    // ties happen only when the writer wants them (every 4th write repeats).
                    const QString ts = QDateTime::currentDateTimeUtc().toString(
                                               QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"))
                            + QStringLiteral("-%1").arg(tick / 4, 10, 10, QLatin1Char('0'));
                    ++tick;
                    const int dice = rng.bounded(100);
                    bool ok;
                    if (dice < 30) {
                        q.prepare(QStringLiteral("INSERT INTO t VALUES (?, ?, ?)"));
                        q.addBindValue(nextId++);
                        q.addBindValue(QStringLiteral("new"));
                        q.addBindValue(ts);
                        ok = q.exec();
                        inserts.fetchAndAddRelaxed(1);
                    } else if (dice < 85) {
                        q.prepare(QStringLiteral("UPDATE t SET v = v || '+', ts = ? WHERE id = ?"));
                        q.addBindValue(ts);
                        q.addBindValue(1 + rng.bounded(nextId - 1));
                        ok = q.exec();
                        updates.fetchAndAddRelaxed(1);
                    } else {
                        q.prepare(QStringLiteral("DELETE FROM t WHERE id = ?"));
                        q.addBindValue(1 + rng.bounded(nextId - 1));
                        ok = q.exec();
                        deletes.fetchAndAddRelaxed(1);
                    }
                    if (!ok)
                        errors.fetchAndAddRelaxed(1);
                }
                db.commit();
                QThread::usleep(500);
            }
            db.close();
        }
        QSqlDatabase::removeDatabase(name);
    }

private:
    QString m_path;
};
