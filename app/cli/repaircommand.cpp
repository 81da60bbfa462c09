// tidemark-cli repair: makes the mirror equal to the source where diff finds differences.
// Without --execute it prints the statements it would run and changes nothing.
#include "clisupport.h"

#include "db/dberror.h"
#include "drift/repair.h"
#include "run/mappinghold.h"

using namespace Qt::StringLiterals;

namespace tidemark::cli {

int runRepair(const Options &o, QTextStream &out, QTextStream &err)
{
    CheckedProject checked;
    if (!checked.load(o, err) || !checked.check(o, err))
        return ExitError;
    installStopSignals();
    bool failed = false, refused = false;
    for (const ResolvedMapping &m : checked.mappings()) {
        DiffOptions diffOptions;
        // A repair changes nothing it was not asked to (a dry run nothing at all): its diff is
        // not recorded as a check.
        diffOptions.record = false;
        if (!keyRange(o, m, diffOptions.keyFrom, diffOptions.keyTo, err))
            return ExitError;
        MappingContext ctx = checked.context(m, &stopFlag(), progressPrinter(m.name(), err));
        // A repair writes only with --execute; then never beside the instance that runs the
        // mapping (refused, exit 3, while another holds it).
        std::unique_ptr<MappingHold> hold;
        if (o.execute) {
            hold = makeHold(o, checked.project(), m);
            try {
                const QString refusal = takeHold(*hold, m.name(), ctx.mirror);
                if (!refusal.isEmpty()) {
                    err << m.name() << ": repair refused: " << refusal << '\n';
                    refused = true;
                    continue;
                }
            } catch (const DbError &e) {
                err << m.name() << ": repair failed: cannot take the mapping's hold: "
                    << e.message() << '\n';
                failed = true;
                continue;
            }
            ctx.progress = renewingHold(*hold, ctx.mirror, err, ctx.progress);
        }
        struct Release
        {
            MappingHold *hold;
            DbConnection &mirror;
            ~Release()
            {
                if (hold)
                    hold->release(&mirror);
            }
        } release{hold.get(), ctx.mirror};
        try {
            DiffRun diff = Differ(ctx, diffOptions).run();
            if (diff.equal()) {
                out << m.name() << ": equal, nothing to repair\n";
                continue;
            }
            RepairOptions options;
            options.execute = o.execute;
            options.force = o.force;
            if (!o.execute)
                out << "-- " << m.name() << ": " << diff.differences() << " differences ("
                    << diff.missing << " missing, " << diff.extra << " extra, " << diff.changed
                    << " changed); statements for " << ctx.mirror.describe()
                    << ", not run (--execute to apply):\n";
            const RepairResult r = repair(ctx, diff, options,
                                          [&out](const QString &sql) { out << sql << '\n'; });
            if (r.refused) {
                err << m.name() << ": repair refused: " << r.refusal << '\n';
                refused = true;
                continue;
            }
            if (o.execute) {
                out << m.name() << ": repaired: " << r.deleted << " deleted, " << r.updated
                    << " updated, " << r.inserted << " inserted";
                if (r.alreadyEqual > 0)
                    out << ", " << r.alreadyEqual << " already equal when read again";
                if (r.changedSinceDiff > 0)
                    out << ", " << r.changedSinceDiff << " mirror rows had changed since the diff";
                out << "; compared again: "
                    << (r.stillDiffering == 0 ? u"all equal"_s
                                              : u"%1 still differ (changed meanwhile)"_s.arg(
                                                        r.stillDiffering))
                    << '\n';
            }
        } catch (const DbError &e) {
            err << m.name() << ": repair failed: " << e.message() << '\n';
            failed = true;
            if (e.kind() == DbError::Kind::Cancelled)
                break;
        }
    }
    out.flush();
    err.flush();
    if (failed)
        return ExitError;
    return refused ? ExitRefused : ExitOk;
}

} // namespace tidemark::cli
