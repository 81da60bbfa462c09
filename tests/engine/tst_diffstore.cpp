// The drift spill file: differences come back exactly as they went in (every value's type, a
// typed NULL apart from a missing value), in order, by kind, page by page.
#include "drift/diffstore.h"

#include <QTest>

#include <cmath>
#include <limits>

using namespace Qt::StringLiterals;
using namespace tidemark;

class TestDiffStore : public QObject
{
    Q_OBJECT

private slots:
    void valuesComeBackExactly();
    void readsInOrderByKindAndPage();
};

void TestDiffStore::valuesComeBackExactly()
{
    DiffStore store;
    RowDifference d;
    d.kind = DiffKind::Changed;
    d.reason = DiffReason::Backlog;
    d.key = {qlonglong(-7), u"ä 'a' \"b\""_s};
    d.columns = {u"amount"_s, u"blob"_s};
    d.source = {QVariant::fromValue(std::numeric_limits<quint64>::max()), -0.0,
                std::nextafter(0.1, 1.0), QByteArray("a\0b", 3), QString(u"x\u0000y"_s),
                QVariant(QMetaType::fromType<QString>()), QVariant(), true, u""_s};
    d.mirror = {qlonglong(1), 0.0, 0.1, QByteArray("a\0", 2), u"x"_s, u""_s, u"<null>"_s,
                false, QVariant(QMetaType::fromType<QString>())};
    store.add(d);
    QCOMPARE(store.size(), qint64(1));
    QCOMPARE(store.count(DiffKind::Changed), qint64(1));
    const QList<RowDifference> back = store.read(0, 10);
    QCOMPARE(back.size(), 1);
    const RowDifference &r = back.first();
    QCOMPARE(r.kind, d.kind);
    QCOMPARE(r.reason, d.reason);
    QCOMPARE(r.columns, d.columns);
    for (const auto &[got, want] : {std::pair{r.key, d.key}, std::pair{r.source, d.source},
                                    std::pair{r.mirror, d.mirror}}) {
        QCOMPARE(got.size(), want.size());
        for (qsizetype i = 0; i < want.size(); ++i) {
            QCOMPARE(got.at(i).metaType(), want.at(i).metaType());
            QCOMPARE(got.at(i).isNull(), want.at(i).isNull());
            if (want.at(i).metaType().id() == QMetaType::Double)
                QCOMPARE(std::bit_cast<quint64>(got.at(i).toDouble()),
                         std::bit_cast<quint64>(want.at(i).toDouble()));   // -0.0 stays -0.0
            else
                QCOMPARE(got.at(i), want.at(i));
        }
    }
}

void TestDiffStore::readsInOrderByKindAndPage()
{
    DiffStore store;
    constexpr int kRows = 1234;   // more than one buffer
    for (int i = 0; i < kRows; ++i) {
        RowDifference d;
        d.kind = i % 3 == 0 ? DiffKind::Missing : DiffKind::Changed;
        d.key = {qlonglong(i)};
        store.add(d);
    }
    QCOMPARE(store.count(DiffKind::Missing), qint64((kRows + 2) / 3));
    qint64 after = 0;
    int next = 0;
    for (;;) {
        const QList<RowDifference> page = store.read(after, 100, &after);
        if (page.isEmpty())
            break;
        for (const RowDifference &d : page)
            QCOMPARE(d.key.first().toLongLong(), qlonglong(next++));
    }
    QCOMPARE(next, kRows);
    after = 0;
    const QList<RowDifference> missing = store.read(after, kRows, &after, DiffKind::Missing);
    QCOMPARE(missing.size(), (kRows + 2) / 3);
    QCOMPARE(missing.at(1).key.first().toLongLong(), qlonglong(3));
}

QTEST_GUILESS_MAIN(TestDiffStore)
#include "tst_diffstore.moc"
