#pragma once
// A diff's results as the documents people and programs read: the JSON of SPEC.md ("Drift"),
// CSV for spreadsheets, and a self-contained HTML page (a summary per mapping, then the
// differing rows side by side with the changed cells marked). The CLI writes them for `diff`;
// the monitor's Drift view exports the same files.

#include "drift/differ.h"

#include <QJsonObject>

namespace tidemark {

struct DiffReportEntry
{
    const ResolvedMapping *mapping = nullptr;
    DiffRun *run = nullptr;   // its store is read (the store's thread)
};

// One mapping's entry of `diff --json`: counts, and at most `limit` rows (`truncated` says
// whether there were more).
QJsonObject diffJson(const ResolvedMapping &mapping, DiffRun &run, int limit);
// The rows of a diff, at most `limit` per mapping.
QByteArray diffCsv(const QList<DiffReportEntry> &entries, int limit);
QByteArray diffHtml(const QList<DiffReportEntry> &entries, int limit, const QString &title);

} // namespace tidemark
