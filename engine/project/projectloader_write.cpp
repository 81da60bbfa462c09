// Writing a project back to its file (the GUI's save, the demo's project): SPEC.md's layout
// and field order (QJsonDocument would sort the keys, putting "tidemark" last and "name" in
// the middle of a mapping).
#include "project/projectloader.h"
#include "project/projectloader_internal.h"

#include <QDir>

namespace tidemark {

using namespace Qt::StringLiterals;
using namespace projectfile;

namespace {

// toJson writes a short object on one line (as SPEC.md does), a longer one a field per line.
constexpr qsizetype kLineWidth = 100;

using Fields = QList<std::pair<QString, QByteArray>>; // key, value already as JSON text

QByteArray text(const QString &s)
{
    return jsonText(QJsonValue(s));
}

// `indent`: the indentation of the line the value starts on; `column`: where it starts.
QByteArray renderObject(const Fields &fields, qsizetype indent, qsizetype column, bool oneLine)
{
    if (fields.isEmpty())
        return "{}";
    if (oneLine) {
        QByteArray line = "{ ";
        for (qsizetype i = 0; i < fields.size(); ++i)
            line += (i ? ", " : "") + text(fields.at(i).first) + ": " + fields.at(i).second;
        line += " }";
        if (column + line.size() <= kLineWidth && !line.contains('\n'))
            return line;
    }
    const QByteArray pad(indent + 2, ' ');
    QByteArray out = "{\n";
    for (qsizetype i = 0; i < fields.size(); ++i)
        out += pad + text(fields.at(i).first) + ": " + fields.at(i).second
                + (i + 1 < fields.size() ? ",\n" : "\n");
    return out + QByteArray(indent, ' ') + '}';
}

QByteArray renderArray(const QList<QByteArray> &items, qsizetype indent, qsizetype column,
                       bool oneLine)
{
    if (items.isEmpty())
        return "[]";
    if (oneLine) {
        QByteArray line = '[' + items.join(", ") + ']';
        if (column + line.size() <= kLineWidth && !line.contains('\n'))
            return line;
    }
    const QByteArray pad(indent + 2, ' ');
    return "[\n" + pad + items.join(",\n" + pad) + '\n' + QByteArray(indent, ' ') + ']';
}

// Where a field's value starts on a line indented by `indent`.
qsizetype valueColumn(qsizetype indent, const QString &key)
{
    return indent + text(key).size() + 2;
}

QByteArray renderStringArray(const QStringList &values, qsizetype indent, const QString &key)
{
    QList<QByteArray> items;
    for (const QString &v : values)
        items.append(text(v));
    return renderArray(items, indent, valueColumn(indent, key), true);
}

QString relativeDatabasePath(const QString &database, const QString &folder)
{
    if (folder.isEmpty())
        return database;
    const QString clean = QDir::cleanPath(folder);
    const QString prefix = clean.endsWith(u'/') ? clean : clean + u'/';
    if (!database.startsWith(prefix))
        return database;
    const QString relative = QDir(clean).relativeFilePath(database);
    // A file really named ":memory:" must not read back as the in-memory database.
    return relative.startsWith(u':') ? u"./"_s + relative : relative;
}

QByteArray renderConnection(const ConnectionConfig &c, const QString &folder, qsizetype indent)
{
    Fields f{{u"driver"_s, text(driverKindName(c.driver))}};
    if (c.driver == DriverKind::Sqlite) {
        f.append({u"database"_s, text(relativeDatabasePath(c.database, folder))});
    } else {
        f.append({u"host"_s, text(c.host)});
        if (c.port != 0)
            f.append({u"port"_s, jsonText(c.port)});
        f.append({u"database"_s, text(c.database)});
        if (!c.user.isEmpty())
            f.append({u"user"_s, text(c.user)});
        if (!c.passwordEnv.isEmpty())
            f.append({u"password_env"_s, text(c.passwordEnv)});
        if (c.passwordKeychain)
            f.append({u"password_keychain"_s, "true"});
        if (c.connectTimeoutS != ConnectionConfig().connectTimeoutS)
            f.append({u"connect_timeout_s"_s, jsonText(c.connectTimeoutS)});
        if (c.statementTimeoutS != ConnectionConfig().statementTimeoutS)
            f.append({u"statement_timeout_s"_s, jsonText(c.statementTimeoutS)});
    }
    if (!c.options.isEmpty())
        f.append({u"options"_s, text(c.options)});
    return renderObject(f, indent, valueColumn(indent, c.name), true);
}

QByteArray renderMapping(const MappingConfig &m, qsizetype indent)
{
    const qsizetype inner = indent + 2;
    const auto ref = [inner](const TableRef &r, const QString &key) {
        return renderObject({{u"connection"_s, text(r.connection)}, {u"table"_s, text(r.table)}},
                            inner, valueColumn(inner, key), true);
    };
    // Tuning fields are written even at their defaults, as SPEC.md shows them, so a user who
    // opens the file sees what can be tuned.
    Fields f{{u"name"_s, text(m.name)},
             {u"source"_s, ref(m.source, u"source"_s)},
             {u"mirror"_s, ref(m.mirror, u"mirror"_s)}};
    if (!m.key.isEmpty())
        f.append({u"key"_s, renderStringArray(m.key, inner, u"key"_s)});
    if (!m.columns.isEmpty())
        f.append({u"columns"_s, renderStringArray(m.columns, inner, u"columns"_s)});
    if (m.hasCursor())
        f.append({u"cursor"_s,
                  renderObject({{u"column"_s, text(m.cursorColumn)}}, inner,
                               valueColumn(inner, u"cursor"_s), true)});
    if (m.captured())
        f.append({u"capture"_s, text(u"triggers"_s)});
    f.append({u"deletes"_s, text(m.deletes == DeletePolicy::Sweep ? u"sweep"_s : u"none"_s)});
    f.append({u"interval_s"_s, jsonText(m.intervalS)});
    f.append({u"batch_rows"_s, jsonText(m.batchRows)});
    f.append({u"lookback_s"_s, jsonText(m.lookback)});
    f.append({u"max_sweep_fraction"_s, jsonText(m.maxSweepFraction)});
    // The default differs for captured mappings (0: their deletes come through the log).
    if (m.sweepIntervalS != (m.captured() ? 0 : MappingConfig().sweepIntervalS))
        f.append({u"sweep_interval_s"_s, jsonText(m.sweepIntervalS)});
    if (m.verifyIntervalS != MappingConfig().verifyIntervalS)
        f.append({u"verify_interval_s"_s, jsonText(m.verifyIntervalS)});
    return renderObject(f, indent, indent, false);
}

} // namespace

QByteArray ProjectLoader::toJson(const Project &project)
{
    Fields connections;
    for (const ConnectionConfig &c : project.connections)
        connections.append({c.name, renderConnection(c, project.folder, 4)});
    QList<QByteArray> mappings;
    for (const MappingConfig &m : project.mappings)
        mappings.append(renderMapping(m, 4));
    const Fields top{{u"tidemark"_s, "1"},
                     {u"connections"_s, renderObject(connections, 2, 2, false)},
                     {u"mappings"_s, renderArray(mappings, 2, 2, false)}};
    return renderObject(top, 0, 0, false) + '\n';
}

} // namespace tidemark
