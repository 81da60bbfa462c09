// tidemark-cli: the engine headless, for scripts, servers and CI.
#include "clicommands.h"

#include <QCoreApplication>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("tidemark"));
    QCoreApplication::setOrganizationName(QStringLiteral("Tidemark"));
    QTextStream out(stdout);
    QTextStream err(stderr);
    QStringList args = QCoreApplication::arguments();
    args.removeFirst();
    const int code = tidemark::cli::run(args, out, err);
    out.flush();
    err.flush();
    return code;
}
