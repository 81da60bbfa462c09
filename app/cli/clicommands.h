#pragma once
// tidemark-cli's commands (SPEC.md "Command line"). Exit codes: 0 done, 1 diff found
// differences, 2 bad input or error, 3 refused for safety.

#include <QStringList>
#include <QTextStream>

namespace tidemark::cli {

enum ExitCode { ExitOk = 0, ExitDifferences = 1, ExitError = 2, ExitRefused = 3 };

// `args` excludes the program name. Output goes to `out`, problems to `err`.
int run(const QStringList &args, QTextStream &out, QTextStream &err);

} // namespace tidemark::cli
