#!/usr/bin/env bash
# Collects the strings a translator would need into tidemark.ts (Qt Linguist's format), with
# lupdate (Debian: qt6-l10n-tools). Run it after changing a translatable string; commit the
# result. A translator copies tidemark.ts to tidemark_<lang>.ts and translates it in Linguist.
#
# Translatable strings are those passed to QCoreApplication::translate() or tr(). Today that
# is the monitor's start-up and project-error text (app/tidemark/main.cpp); the widgets in
# ui/ still build their strings as plain literals, so they are not in the file yet.
set -euo pipefail
cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.."

lupdate=/usr/lib/qt6/bin/lupdate
[[ -x "$lupdate" ]] || lupdate="$(command -v lupdate6 || command -v lupdate || true)"
if [[ -z "$lupdate" ]]; then
    echo "update-ts.sh: lupdate not found (apt-get install qt6-l10n-tools)" >&2
    exit 1
fi
"$lupdate" -silent -locations relative -no-obsolete -source-language en \
    app ui engine -ts resources/translations/tidemark.ts
echo "update-ts.sh: $(grep -c '<message' resources/translations/tidemark.ts) strings in resources/translations/tidemark.ts"
