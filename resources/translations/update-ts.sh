#!/usr/bin/env bash
# Collects the strings a translator would need into tidemark.ts (Qt Linguist's format), with
# lupdate (Debian: qt6-l10n-tools). Run it after changing a translatable string; commit the
# result. A translator copies tidemark.ts to tidemark_<lang>.ts and translates it in Linguist.
#
# Translatable strings are those passed to QCoreApplication::translate() or tr(): the
# monitor's start-up and project-error text (app/tidemark/main.cpp) and every text the widgets
# in ui/ show (titles, menus, tooltips, labels, messages). The engine's own texts (errors,
# notes, log lines) and the CLI stay English, so they are not in the file. The ctest
# `translations_current` (tests/ui/check-translations.sh) fails when this file is out of date.
#
#   update-ts.sh            update resources/translations/tidemark.ts
#   update-ts.sh FILE.ts    update FILE.ts instead (the test updates a scratch copy)
#
# LUPDATE names the lupdate to run; by default Qt 6's, then lupdate6 or lupdate on PATH.
set -euo pipefail
ts=""
[[ $# -gt 0 ]] && ts="$(readlink -m "$1")"
cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.."
[[ -n "$ts" ]] || ts=resources/translations/tidemark.ts
lupdate="${LUPDATE:-/usr/lib/qt6/bin/lupdate}"
[[ -x "$lupdate" ]] || lupdate="$(command -v lupdate6 || command -v lupdate || true)"
if [[ -z "$lupdate" ]]; then
    echo "update-ts.sh: lupdate not found (apt-get install qt6-l10n-tools)" >&2
    exit 1
fi
"$lupdate" -silent -locations relative -no-obsolete -source-language en \
    app ui engine -ts "$ts"
echo "update-ts.sh: $(grep -c '<message' "$ts") strings in $ts"
