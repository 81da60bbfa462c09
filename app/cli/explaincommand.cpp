// tidemark-cli explain: one key's source row, mirror row, checkpoint, and verdict.
#include "clisupport.h"

#include "db/dberror.h"
#include "drift/explain.h"
#include "drift/keytext.h"

#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace tidemark::cli {

int runExplain(const Options &o, QTextStream &out, QTextStream &err)
{
    CheckedProject checked;
    if (!checked.load(o, err))
        return ExitError;
    const Project &project = checked.project();
    if (o.key.isEmpty()) {
        err << "tidemark-cli: explain needs --key (the key's values, comma-separated, or a JSON "
               "array)\n";
        return ExitError;
    }
    if (o.mapping.isEmpty() && project.mappings.size() != 1) {
        err << "tidemark-cli: explain needs --mapping NAME (the project has "
            << project.mappings.size() << " mappings)\n";
        return ExitError;
    }
    Options one = o;
    if (one.mapping.isEmpty())
        one.mapping = project.mappings.first().name;
    if (!checked.check(one, err))
        return ExitError;
    const ResolvedMapping &m = checked.mappings().first();
    QString why;
    const std::optional<QVariantList> key = parseKeyText(o.key, m, &why);
    if (!key) {
        err << "tidemark-cli: --key for mapping '" << m.name() << "': " << why << '\n';
        return ExitError;
    }
    MappingContext ctx = checked.context(m, nullptr, {});
    try {
        const Explanation e = explainKey(ctx, *key);
        if (o.json)
            out << QJsonDocument(explanationJson(m, e)).toJson(QJsonDocument::Indented);
        else
            out << explanationText(m, e);
    } catch (const DbError &e) {
        err << m.name() << ": explain failed: " << e.message() << '\n';
        return ExitError;
    }
    return ExitOk;
}

} // namespace tidemark::cli
