// Where passwords come from: memory (entered at connect time), the named environment variable,
// the system keychain, and a prompt when none of them has it. On a machine without a Secret
// Service (this CI) the keychain must fail with a clear message and fall back to memory.
#include "passwordstore.h"

#include <QApplication>
#include <QSignalSpy>
#include <QTest>

#include "../common/ciskip.h"

using namespace Qt::StringLiterals;
using namespace tidemark;

namespace {

ConnectionConfig server(const QString &name, const QString &user)
{
    ConnectionConfig c;
    c.name = name;
    c.driver = DriverKind::Postgres;
    c.host = u"db.example"_s;
    c.port = 5432;
    c.database = u"mirror"_s;
    c.user = user;
    return c;
}

struct Asked
{
    QString connection;
    QString why;
};

} // namespace

class TestPasswordStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void rememberedByServerAccountNotByName();
    void providerReadsMemoryOnly();
    void prepareAsksOnlyWhenNothingElseHasIt();
    void cancelledPromptLeavesNoPassword();
    void keychainFailureIsClearAndFallsBackToMemory();
    void prepareFallsBackFromKeychainToPrompt();
};

void TestPasswordStore::rememberedByServerAccountNotByName()
{
    PasswordStore store;
    store.remember(server(u"pg"_s, u"alice"_s), u"pw-a"_s);
    // Renamed connection, same account: found. Another user on the same server: not.
    QCOMPARE(store.remembered(server(u"renamed"_s, u"alice"_s)), std::optional(u"pw-a"_s));
    QCOMPARE(store.remembered(server(u"pg"_s, u"bob"_s)), std::nullopt);
    store.forget(server(u"pg"_s, u"alice"_s));
    QCOMPARE(store.remembered(server(u"pg"_s, u"alice"_s)), std::nullopt);
    QVERIFY(PasswordStore::identity(server(u"pg"_s, u"alice"_s)).startsWith(u"postgres://alice@"_s));
}

void TestPasswordStore::providerReadsMemoryOnly()
{
    PasswordStore store;
    // An empty answer is remembered too: a server that needs no password is not asked again.
    store.remember(server(u"pg"_s, u"alice"_s), QString(u""_s));
    QCOMPARE(store.remembered(server(u"pg"_s, u"alice"_s)), std::optional(QString()));
    QVERIFY(store.provide(server(u"x"_s, u"nobody"_s)).isNull());
}

void TestPasswordStore::prepareAsksOnlyWhenNothingElseHasIt()
{
    PasswordStore store;
    QList<Asked> asked;
    store.setAsker([&asked](const ConnectionConfig &c, const QString &why, QWidget *) {
        asked.append({c.name, why});
        return std::optional<QString>(u"typed-"_s + c.name);
    });
    qputenv("TIDEMARK_TEST_SET_PASSWORD", "from-env");
    qunsetenv("TIDEMARK_TEST_UNSET_PASSWORD");

    Project project;
    ConnectionConfig env = server(u"env"_s, u"e"_s);
    env.passwordEnv = u"TIDEMARK_TEST_SET_PASSWORD"_s;
    ConnectionConfig unset = server(u"unset"_s, u"u"_s);
    unset.passwordEnv = u"TIDEMARK_TEST_UNSET_PASSWORD"_s;
    ConnectionConfig ask = server(u"ask"_s, u"a"_s);
    ConnectionConfig known = server(u"known"_s, u"k"_s);
    store.remember(known, u"already"_s);
    ConnectionConfig sqlite;
    sqlite.name = u"file"_s;
    sqlite.database = u"/tmp/x.db"_s;
    for (const ConnectionConfig &c : {env, unset, ask, known, sqlite})
        project.connections.insert(c.name, c);

    store.prepare(project, nullptr);
    qunsetenv("TIDEMARK_TEST_SET_PASSWORD");

    QCOMPARE(asked.size(), 2);
    QCOMPARE(asked.at(0).connection, u"ask"_s);
    QVERIFY(asked.at(0).why.isEmpty());
    QCOMPARE(asked.at(1).connection, u"unset"_s);
    QVERIFY2(asked.at(1).why.contains(u"TIDEMARK_TEST_UNSET_PASSWORD"_s)
                     && asked.at(1).why.contains(u"is not set"_s),
             qPrintable(asked.at(1).why));
    QCOMPARE(store.provide(ask), u"typed-ask"_s);
    QCOMPARE(store.provide(known), u"already"_s);
    QVERIFY(store.provide(env).isNull()); // DbConnection reads the variable itself
}

void TestPasswordStore::cancelledPromptLeavesNoPassword()
{
    PasswordStore store;
    store.setAsker([](const ConnectionConfig &, const QString &, QWidget *) {
        return std::optional<QString>();
    });
    Project project;
    project.connections.insert(u"pg"_s, server(u"pg"_s, u"alice"_s));
    store.prepare(project, nullptr);
    QCOMPARE(store.remembered(server(u"pg"_s, u"alice"_s)), std::nullopt);
}

void TestPasswordStore::keychainFailureIsClearAndFallsBackToMemory()
{
    if (!PasswordStore::keychainSupported())
        QVERIFY(!PasswordStore::keychainUnsupportedReason().isEmpty());
    TIDEMARK_REQUIRED_OR_SKIP(PasswordStore::keychainSupported(),
                              "built without QtKeychain: the keychain choice is disabled instead");
    PasswordStore store;
    store.setKeychainTimeoutMs(5000);
    const ConnectionConfig c = server(u"pg"_s, u"keychain-test"_s);
    QSignalSpy written(&store, &PasswordStore::keychainWritten);
    store.writeToKeychain(c, u"kc-secret"_s);
    QVERIFY(written.wait(10000));
    const bool ok = written.constFirst().at(1).toBool();
    const QString error = written.constFirst().at(2).toString();
    // Either way the password works for this session.
    QCOMPARE(store.provide(c), u"kc-secret"_s);
    if (ok)
        QSKIP("this machine has a working Secret Service; the error path is not reachable");
    QVERIFY2(error.startsWith(u"The system keychain could not store the password: "_s),
             qPrintable(error));
    QVERIFY(!error.contains(u"kc-secret"_s));
    qInfo("keychain error as the user sees it: %s", qPrintable(error));

    QSignalSpy read(&store, &PasswordStore::keychainRead);
    store.readFromKeychain(c);
    QVERIFY(read.wait(10000));
    QVERIFY(!read.constFirst().at(1).toBool());
    QVERIFY(read.constFirst().at(2).toString().contains(u"keychain"_s));
}

void TestPasswordStore::prepareFallsBackFromKeychainToPrompt()
{
    TIDEMARK_REQUIRED_OR_SKIP(PasswordStore::keychainSupported(), "built without QtKeychain");
    PasswordStore store;
    store.setKeychainTimeoutMs(5000);
    QList<Asked> asked;
    store.setAsker([&asked](const ConnectionConfig &c, const QString &why, QWidget *) {
        asked.append({c.name, why});
        return std::optional(u"typed"_s);
    });
    ConnectionConfig c = server(u"kc"_s, u"never-stored-user"_s);
    c.passwordKeychain = true;
    Project project;
    project.connections.insert(c.name, c);
    store.prepare(project, nullptr);
    if (asked.isEmpty())
        QSKIP("this machine's keychain answered");
    QCOMPARE(asked.size(), 1);
    QVERIFY2(asked.constFirst().why.contains(u"keychain"_s), qPrintable(asked.constFirst().why));
    QCOMPARE(store.provide(c), u"typed"_s);
}

QTEST_MAIN(TestPasswordStore)
#include "tst_passwordstore.moc"
