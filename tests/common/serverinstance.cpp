#include "serverinstance.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QProcess>

#include <csignal>

using namespace Qt::StringLiterals;

namespace tidemark::test {

namespace {

int g_instances = 0;

// Undoes bash's printf %q: backslash escapes, and $'...' for control characters.
QString unquoteShell(const QString &value)
{
    QString in = value;
    bool ansi = false;
    if (in.startsWith(u"$'"_s) && in.endsWith(u'\'')) {
        in = in.mid(2, in.size() - 3);
        ansi = true;
    }
    QString out;
    for (qsizetype i = 0; i < in.size(); ++i) {
        if (in.at(i) == u'\\' && i + 1 < in.size()) {
            const QChar next = in.at(++i);
            if (ansi && next == u'n')
                out += u'\n';
            else if (ansi && next == u't')
                out += u'\t';
            else
                out += next;
        } else {
            out += in.at(i);
        }
    }
    return out;
}

QString prefixFor(DriverKind kind)
{
    switch (kind) {
    case DriverKind::Postgres: return u"TIDEMARK_PG_"_s;
    case DriverKind::ClickHouse: return u"TIDEMARK_CH_"_s;
    case DriverKind::MariaDb:
    case DriverKind::Sqlite: break;
    }
    return u"TIDEMARK_MARIA_"_s;
}

int frozenSlot(DriverKind kind)
{
    return kind == DriverKind::Postgres ? 0 : kind == DriverKind::ClickHouse ? 2 : 1;
}

} // namespace

ServerInstance::ServerInstance()
    : m_id(++g_instances)
{
}

ServerInstance::~ServerInstance()
{
    if (!m_started)
        return;
    // A frozen server ignores SIGTERM until it runs again; the script would wait and kill it.
    thaw(DriverKind::Postgres);
    thaw(DriverKind::MariaDb);
    thaw(DriverKind::ClickHouse);
    if (!run({u"stop"_s, m_path}))
        qWarning("could not stop the fault-test servers in %s: %s", qPrintable(m_path),
                 qPrintable(m_error));
}

QString ServerInstance::scriptPath()
{
    const QString fromEnv = qEnvironmentVariable("TIDEMARK_TESTSERVERS_SCRIPT");
    if (!fromEnv.isEmpty())
        return fromEnv;
#ifdef TIDEMARK_TESTSERVERS_SCRIPT
    return QStringLiteral(TIDEMARK_TESTSERVERS_SCRIPT);
#else
    return {};
#endif
}

bool ServerInstance::run(const QStringList &args, int timeoutMs)
{
    QProcess p;
    p.setProgram(u"bash"_s);
    p.setArguments(QStringList{scriptPath()} + args);
    p.start();
    if (!p.waitForStarted(10000) || !p.waitForFinished(timeoutMs)) {
        m_error = u"testservers.sh %1: did not run or finish: %2"_s.arg(args.join(u' '),
                                                                        p.errorString());
        p.kill();
        p.waitForFinished(5000);
        return false;
    }
    if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        m_error = u"testservers.sh %1 failed (exit %2):\n%3"_s.arg(args.join(u' '))
                          .arg(p.exitCode())
                          .arg(QString::fromUtf8(p.readAllStandardError()));
        return false;
    }
    return true;
}

bool ServerInstance::start()
{
    const QString script = scriptPath();
    if (script.isEmpty() || !QFileInfo(script).isFile()) {
        m_error = u"scripts/testservers.sh not found (TIDEMARK_TESTSERVERS_SCRIPT='%1')"_s.arg(
                script);
        return false;
    }
    m_dir = std::make_unique<QTemporaryDir>();
    if (!m_dir->isValid()) {
        m_error = u"cannot create a temporary folder: "_s + m_dir->errorString();
        return false;
    }
    // As root the servers run as `postgres` and `mysql`, who must get through QTemporaryDir's
    // private (0700) folder to their own subfolders.
    QFile::setPermissions(m_dir->path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner
                                                 | QFile::ReadGroup | QFile::ExeGroup
                                                 | QFile::ReadOther | QFile::ExeOther);
    m_path = m_dir->filePath(u"servers"_s);   // `start` wants a new or empty folder
    m_started = true;   // from here on the destructor stops whatever did start
    if (!run({u"start"_s, m_path}))
        return false;

    QFile envFile(m_path + u"/env.sh"_s);
    if (!envFile.open(QIODevice::ReadOnly)) {
        m_error = u"cannot read %1: %2"_s.arg(envFile.fileName(), envFile.errorString());
        return false;
    }
    for (const QByteArray &raw : envFile.readAll().split('\n')) {
        const QString line = QString::fromUtf8(raw).trimmed();
        if (!line.startsWith(u"export "_s))
            continue;
        const QString assignment = line.mid(7);
        const qsizetype eq = assignment.indexOf(u'=');
        if (eq > 0)
            m_env.insert(assignment.left(eq), unquoteShell(assignment.mid(eq + 1)));
    }
    for (DriverKind kind : {DriverKind::Postgres, DriverKind::MariaDb, DriverKind::ClickHouse}) {
        const QString password = env(prefixFor(kind) + u"PASSWORD"_s);
        if (env(prefixFor(kind) + u"PORT"_s).isEmpty() || password.isEmpty()) {
            m_error = u"%1 has no %2 server in it"_s.arg(envFile.fileName(), driverKindName(kind));
            return false;
        }
        qputenv(passwordEnv(kind).toUtf8().constData(), password.toUtf8());
    }
    return true;
}

ConnectionConfig ServerInstance::connection(DriverKind kind, const QString &name) const
{
    const QString prefix = prefixFor(kind);
    ConnectionConfig c;
    c.name = name;
    c.driver = kind;
    c.host = env(prefix + u"HOST"_s);
    c.port = env(prefix + u"PORT"_s).toInt();
    c.user = env(prefix + u"USER"_s);
    c.database = env(prefix + u"DATABASE"_s);
    c.passwordEnv = passwordEnv(kind);
    return c;
}

quint16 ServerInstance::port(DriverKind kind) const
{
    return quint16(env(prefixFor(kind) + u"PORT"_s).toUInt());
}

QString ServerInstance::passwordEnv(DriverKind kind) const
{
    return u"TIDEMARK_FAULT_%1_%2_%3PASSWORD"_s.arg(QCoreApplication::applicationPid())
            .arg(m_id)
            .arg(prefixFor(kind).mid(9));   // "PG_" / "MARIA_" / "CH_"
}

bool ServerInstance::pgStop(const QString &mode)
{
    return run({u"pg-stop"_s, m_path, mode});
}

bool ServerInstance::pgStart()
{
    return run({u"pg-start"_s, m_path});
}

bool ServerInstance::mariaStop(const QString &mode)
{
    return run({u"maria-stop"_s, m_path, mode});
}

bool ServerInstance::mariaStart()
{
    return run({u"maria-start"_s, m_path});
}

bool ServerInstance::chStop(const QString &mode)
{
    return run({u"ch-stop"_s, m_path, mode});
}

bool ServerInstance::chStart()
{
    return run({u"ch-start"_s, m_path});
}

bool ServerInstance::stopServer(DriverKind kind)
{
    switch (kind) {
    case DriverKind::Postgres: return pgStop();
    case DriverKind::ClickHouse: return chStop();
    case DriverKind::MariaDb:
    case DriverKind::Sqlite: break;
    }
    return mariaStop();
}

bool ServerInstance::startServer(DriverKind kind)
{
    switch (kind) {
    case DriverKind::Postgres: return pgStart();
    case DriverKind::ClickHouse: return chStart();
    case DriverKind::MariaDb:
    case DriverKind::Sqlite: break;
    }
    return mariaStart();
}

qint64 ServerInstance::pid(DriverKind kind) const
{
    const QString file = kind == DriverKind::Postgres
            ? env(u"TIDEMARK_PG_DATADIR"_s) + u"/postmaster.pid"_s
            : env(prefixFor(kind) + u"PIDFILE"_s);
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    const qint64 pid = f.readLine().trimmed().toLongLong();
    return pid > 0 && ::kill(pid_t(pid), 0) == 0 ? pid : 0;
}

bool ServerInstance::freeze(DriverKind kind)
{
    const qint64 p = pid(kind);
    if (p <= 0) {
        m_error = u"%1 is not running: nothing to freeze"_s.arg(driverKindName(kind));
        return false;
    }
    // The postmaster leads its own process group (pg_ctl starts it in a new session), and its
    // backends are in it: freezing only the postmaster would leave open sessions answering.
    const pid_t target = kind == DriverKind::Postgres ? -pid_t(p) : pid_t(p);
    if (::kill(target, SIGSTOP) != 0) {
        m_error = u"SIGSTOP to %1 failed"_s.arg(p);
        return false;
    }
    m_frozen[frozenSlot(kind)] = true;
    return true;
}

bool ServerInstance::thaw(DriverKind kind)
{
    bool &frozen = m_frozen[frozenSlot(kind)];
    if (!frozen)
        return true;
    const qint64 p = pid(kind);
    const pid_t target = kind == DriverKind::Postgres ? -pid_t(p) : pid_t(p);
    if (p <= 0 || ::kill(target, SIGCONT) != 0) {
        m_error = u"SIGCONT to %1 failed"_s.arg(p);
        return false;
    }
    frozen = false;
    return true;
}

QString ServerInstance::logTail(DriverKind kind, int lines) const
{
    QFile f(env(prefixFor(kind) + u"LOG"_s));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    const QList<QByteArray> all = f.readAll().split('\n');
    QStringList tail;
    for (qsizetype i = std::max<qsizetype>(0, all.size() - lines); i < all.size(); ++i)
        tail << QString::fromUtf8(all.at(i));
    return tail.join(u'\n');
}

} // namespace tidemark::test
