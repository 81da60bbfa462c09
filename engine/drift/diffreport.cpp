#include "drift/diffreport.h"

#include "db/valuecodec.h"
#include "drift/keytext.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::StringLiterals;

// The template lives in a static library: Q_INIT_RESOURCE makes the linker keep it (and must
// be called outside any namespace).
static void initReportResources()
{
    Q_INIT_RESOURCE(tidemark_report);
}

namespace tidemark {

namespace {

QJsonValue cellJson(const QVariant &v)
{
    if (!v.isValid() || v.isNull())
        return QJsonValue::Null;
    return displayText(v);
}

// Up to `limit` differences of the run, and whether there were more.
QList<RowDifference> firstRows(DiffRun &run, int limit, bool *truncated)
{
    QList<RowDifference> rows = run.store ? run.store->read(0, limit + 1) : QList<RowDifference>{};
    *truncated = rows.size() > limit;
    if (*truncated)
        rows.removeLast();
    return rows;
}

QString csvField(const QString &s)
{
    if (s.contains(u',') || s.contains(u'"') || s.contains(u'\n') || s.contains(u'\r'))
        return u'"' + QString(s).replace(u"\""_s, u"\"\""_s) + u'"';
    return s;
}

QString cellText(const QVariant &v)
{
    return (!v.isValid() || v.isNull()) ? u"NULL"_s : displayText(v);
}

QString html(const QString &s)
{
    return s.toHtmlEscaped();
}

// Long values are cut for the page (the CSV and JSON keep them whole).
QString shortCell(const QVariant &v)
{
    const QString t = cellText(v);
    if (t.size() <= 200)
        return html(t);
    return html(t.left(200)) + u"… <span class=more>(%1 characters)</span>"_s.arg(t.size());
}

// The page around the report: resources/report/diffreport.html, with {{title}} and {{body}}.
// The body is put in last, so a title or a cell that happens to read "{{title}}" stays text.
QString reportPage(const QString &title, const QString &body)
{
    initReportResources();
    const QString bodyMark = u"{{body}}"_s;
    QFile file(u":/report/diffreport.html"_s);
    // The template is compiled into the program: without it the build is broken, and a report
    // without its page would pass for a good one.
    if (!file.open(QIODevice::ReadOnly))
        qFatal("the drift report template :/report/diffreport.html is not in this binary");
    const QString page = QString::fromUtf8(file.readAll());
    const qsizetype at = page.indexOf(bodyMark);
    QString head = page.left(at);
    head.replace(u"{{title}}"_s, html(title));
    return head + body + page.mid(at + bodyMark.size());
}

} // namespace

QJsonObject diffJson(const ResolvedMapping &mapping, DiffRun &run, int limit)
{
    QJsonObject o;
    o[u"name"_s] = mapping.name();
    o[u"equal"_s] = run.equal();
    o[u"source_rows"_s] = double(run.sourceRows);
    o[u"mirror_rows"_s] = double(run.mirrorRows);
    o[u"missing"_s] = double(run.missing);
    o[u"extra"_s] = double(run.extra);
    o[u"changed"_s] = double(run.changed);
    bool truncated = false;
    const QList<RowDifference> rows = firstRows(run, limit, &truncated);
    o[u"truncated"_s] = truncated;
    QJsonArray list;
    for (const RowDifference &d : rows) {
        QJsonObject r;
        r[u"kind"_s] = diffKindName(d.kind);
        r[u"key"_s] = keyJson(d.key);
        r[u"reason"_s] = diffReasonName(d.reason);
        if (d.kind == DiffKind::Changed) {
            r[u"columns"_s] = QJsonArray::fromStringList(d.columns);
            QJsonObject s, m;
            for (const QString &c : d.columns) {
                const qsizetype i = mapping.columns.indexOf(c);
                s[c] = cellJson(d.source.value(i));
                m[c] = cellJson(d.mirror.value(i));
            }
            r[u"source"_s] = s;
            r[u"mirror"_s] = m;
        }
        list.append(r);
    }
    o[u"rows"_s] = list;
    if (!run.keyFrom.isEmpty())
        o[u"key_from"_s] = keyJson(run.keyFrom);
    if (!run.keyTo.isEmpty())
        o[u"key_to"_s] = keyJson(run.keyTo);
    o[u"duration_s"_s] = run.durationS;
    return o;
}

QByteArray diffCsv(const QList<DiffReportEntry> &entries, int limit)
{
    QString out = u"mapping,kind,reason,key,column,source,mirror\r\n"_s;
    for (const DiffReportEntry &e : entries) {
        bool truncated = false;
        const QList<RowDifference> rows = firstRows(*e.run, limit, &truncated);
        for (const RowDifference &d : rows) {
            const QString prefix = csvField(e.mapping->name()) + u',' + diffKindName(d.kind) + u','
                    + diffReasonName(d.reason) + u','
                    + csvField(QString::fromUtf8(QJsonDocument(keyJson(d.key)).toJson(
                            QJsonDocument::Compact)))
                    + u',';
            // One line per changed column; a missing or extra row gets one line per column
            // that has a value, so its whole row is there.
            const QStringList columns = d.kind == DiffKind::Changed ? d.columns : e.mapping->columns;
            for (const QString &c : columns) {
                const qsizetype i = e.mapping->columns.indexOf(c);
                const QString s = d.source.isEmpty() ? QString() : cellText(d.source.value(i));
                const QString m = d.mirror.isEmpty() ? QString() : cellText(d.mirror.value(i));
                out += prefix + csvField(c) + u',' + csvField(s) + u',' + csvField(m) + u"\r\n"_s;
            }
        }
    }
    return out.toUtf8();
}

QByteArray diffHtml(const QList<DiffReportEntry> &entries, int limit, const QString &title)
{
    QString out;
    out += u"<table><tr><th>mapping</th><th>result</th><th>source rows</th><th>mirror rows</th>"
           "<th>missing</th><th>extra</th><th>changed</th><th>reason drift</th><th>checked at</th>"
           "</tr>\n"_s;
    for (const DiffReportEntry &e : entries) {
        const DiffRun &r = *e.run;
        out += u"<tr><td>%1</td><td class=%2>%3</td><td>%4</td><td>%5</td><td>%6</td><td>%7</td>"
               "<td>%8</td><td>%9</td><td>%10</td></tr>\n"_s.arg(
                html(e.mapping->name()), r.equal() ? u"equal"_s : u"differs"_s,
                r.equal() ? u"equal"_s : u"%1 differences"_s.arg(r.differences()))
                        .arg(r.sourceRows).arg(r.mirrorRows).arg(r.missing).arg(r.extra)
                        .arg(r.changed).arg(r.driftRows)
                        .arg(r.checkedAt.toString(Qt::ISODate));
    }
    out += u"</table>\n"_s;
    for (const DiffReportEntry &e : entries) {
        DiffRun &r = *e.run;
        if (r.equal())
            continue;
        bool truncated = false;
        const QList<RowDifference> rows = firstRows(r, limit, &truncated);
        const QStringList &columns = e.mapping->columns;
        out += u"<h2>%1</h2>\n<table><tr><th>kind</th><th>reason</th><th>side</th>"_s.arg(
                html(e.mapping->name()));
        for (const QString &c : columns)
            out += u"<th>"_s + html(c) + u"</th>"_s;
        out += u"</tr>\n"_s;
        for (const RowDifference &d : rows) {
            const QString kind = diffKindName(d.kind);
            for (int side = 0; side < 2; ++side) {
                const QVariantList &row = side == 0 ? d.source : d.mirror;
                out += side == 0 ? u"<tr class=\"src %1\"><td rowspan=2>%1</td><td rowspan=2>%2</td>"_s
                                           .arg(kind, diffReasonName(d.reason))
                                 : u"<tr class=\"mir %1\">"_s.arg(kind);
                out += u"<td class=side>"_s + (side == 0 ? u"source"_s : u"mirror"_s) + u"</td>"_s;
                for (qsizetype i = 0; i < columns.size(); ++i) {
                    const bool changed = d.columns.contains(columns.at(i));
                    out += changed ? u"<td class=changed>"_s : u"<td>"_s;
                    out += row.isEmpty() ? u"<span class=more>(no row)</span>"_s
                                         : shortCell(row.value(i));
                    out += u"</td>"_s;
                }
                out += u"</tr>\n"_s;
            }
            out += u"<tr class=sep><td></td></tr>\n"_s;
        }
        out += u"</table>\n"_s;
        if (truncated)
            out += u"<p>Only the first %1 of %2 differences are listed.</p>\n"_s.arg(limit).arg(
                    r.differences());
    }
    return reportPage(title, out).toUtf8();
}

} // namespace tidemark
