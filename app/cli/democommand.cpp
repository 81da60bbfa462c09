// tidemark-cli demo: the embedded SQLite demo, and its live writer.
#include "clisupport.h"

#include "demo.h"

#include <QDir>

using namespace Qt::StringLiterals;

namespace tidemark::cli {

int runDemo(const Options &o, QTextStream &out, QTextStream &err)
{
    if (o.dir.isEmpty()) {
        err << "tidemark-cli demo: --dir DIR is required\n";
        return ExitError;
    }
    const QString dir = QDir(o.dir).absolutePath();
    QString error;
    if (!demo::createDemo(dir, o.rows, &error)) {
        err << "tidemark-cli demo: " << error << '\n';
        return ExitError;
    }
    if (!o.write) {
        out << "demo ready in " << dir << "\n  project: " << QDir(dir).filePath(u"tidemark.json"_s)
            << "\n  next: tidemark-cli prepare --project " << QDir(dir).filePath(u"tidemark.json"_s)
            << "\n        tidemark-cli demo --dir " << dir << " --write   (the live writer)\n";
        return ExitOk;
    }
    installStopSignals();
    out << "demo writer: about " << o.rate << " writes/s into " << dir
        << "/source.db until SIGINT/SIGTERM\n";
    out.flush();
    if (!demo::runWriter(dir, o.rate, stopFlag(), out, &error)) {
        err << "tidemark-cli demo writer: " << error << '\n';
        return ExitError;
    }
    return ExitOk;
}

} // namespace tidemark::cli
