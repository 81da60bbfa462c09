// tidemark-cli diff: the rows that differ between source and mirror, and why (SPEC.md "Drift").
#include "clisupport.h"

#include "db/dberror.h"
#include "drift/diffreport.h"
#include "drift/keytext.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

using namespace Qt::StringLiterals;

namespace tidemark::cli {

namespace {

bool writeFile(const QString &path, const QByteArray &data, QTextStream &err)
{
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(data) != data.size() || !f.commit()) {
        err << "tidemark-cli: cannot write '" << path << "': " << f.errorString() << '\n';
        return false;
    }
    return true;
}

void printText(const ResolvedMapping &m, DiffRun &run, int limit, QTextStream &out)
{
    if (run.equal()) {
        out << m.name() << ": equal (" << run.sourceRows << " rows)\n";
        return;
    }
    out << m.name() << ": " << run.differences() << " differences: " << run.missing
        << " missing, " << run.extra << " extra, " << run.changed << " changed (source "
        << run.sourceRows << " rows, mirror " << run.mirrorRows << ")\n";
    const QList<RowDifference> rows = run.store->read(0, limit + 1);
    for (qsizetype i = 0; i < rows.size() && i < limit; ++i) {
        const RowDifference &d = rows.at(i);
        out << "  " << diffKindName(d.kind) << " [" << keyText(d.key) << "] "
            << diffReasonName(d.reason);
        if (d.kind == DiffKind::Changed)
            out << ": " << d.columns.join(u", "_s);
        out << '\n';
    }
    if (rows.size() > limit)
        out << "  ... " << (run.differences() - limit) << " more (--limit)\n";
    if (run.driftRows > 0)
        out << "  " << run.driftRows
            << " of them nothing scheduled will fix (reason drift): see `tidemark-cli repair`\n";
}

} // namespace

int runDiff(const Options &o, QTextStream &out, QTextStream &err)
{
    CheckedProject checked;
    if (!checked.load(o, err) || !checked.check(o, err))
        return ExitError;
    installStopSignals();
    const QList<ResolvedMapping> &mappings = checked.mappings();

    std::vector<DiffRun> runs;
    runs.reserve(size_t(mappings.size()));
    bool failed = false;
    for (const ResolvedMapping &m : mappings) {
        DiffOptions options;
        if (!keyRange(o, m, options.keyFrom, options.keyTo, err))
            return ExitError;
        MappingContext ctx = checked.context(m, &stopFlag(), progressPrinter(m.name(), err));
        try {
            runs.push_back(Differ(ctx, options).run());
        } catch (const DbError &e) {
            err << m.name() << ": diff failed: " << e.message() << '\n';
            runs.emplace_back();
            failed = true;
            if (e.kind() == DbError::Kind::Cancelled)
                break;
        }
    }

    QList<DiffReportEntry> entries;
    for (size_t i = 0; i < runs.size(); ++i)
        if (runs[i].store)
            entries << DiffReportEntry{&mappings.at(qsizetype(i)), &runs[i]};
    if (o.json) {
        QJsonArray list;
        for (const DiffReportEntry &e : entries)
            list.append(diffJson(*e.mapping, *e.run, o.limit));
        out << QJsonDocument(QJsonObject{{u"mappings"_s, list}}).toJson(QJsonDocument::Indented);
    } else {
        for (const DiffReportEntry &e : entries)
            printText(*e.mapping, *e.run, o.limit, out);
    }
    if (!o.htmlFile.isEmpty()
        && !writeFile(o.htmlFile,
                      diffHtml(entries, o.limit,
                               u"Tidemark drift report: %1"_s.arg(checked.project().filePath)),
                      err))
        failed = true;
    if (!o.csvFile.isEmpty() && !writeFile(o.csvFile, diffCsv(entries, o.limit), err))
        failed = true;
    out.flush();
    err.flush();
    if (failed)
        return ExitError;
    for (const DiffReportEntry &e : entries)
        if (!e.run->equal())
            return ExitDifferences;
    return ExitOk;
}

} // namespace tidemark::cli
