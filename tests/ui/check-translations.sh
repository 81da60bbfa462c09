#!/usr/bin/env bash
# The ctest `translations_current` (issue 14): fails when resources/translations/tidemark.ts
# misses a translatable string of the sources, or still holds one the sources no longer have,
# so a translator never works from a stale file. It runs resources/translations/update-ts.sh
# (the one list of folders lupdate scans) on a scratch copy and compares the two files'
# messages: context, source text, comment and whether it has plural forms. Line numbers are
# not compared, so code that only moves does not fail the test. The fix it names is
# resources/translations/update-ts.sh, then committing tidemark.ts.
#
# lupdate (Debian: qt6-l10n-tools) missing fails the test under CI (CI set, or
# TIDEMARK_REQUIRE_SERVERS=1); elsewhere the test is skipped (exit 77).
set -euo pipefail

here="$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")"
source_dir="$(readlink -f "$here/../..")"
committed="$source_dir/resources/translations/tidemark.ts"

lupdate="${LUPDATE:-/usr/lib/qt6/bin/lupdate}"
[[ -x "$lupdate" ]] || lupdate="$(command -v lupdate6 || command -v lupdate || true)"
if [[ -z "$lupdate" ]]; then
    echo "check-translations.sh: lupdate not found (scripts/install-deps.sh --test installs" \
         "qt6-l10n-tools)" >&2
    if [[ -n "${CI:-}" || "${TIDEMARK_REQUIRE_SERVERS:-}" == 1 ]]; then
        echo "check-translations.sh: required under CI: FAIL" >&2
        exit 1
    fi
    echo "check-translations.sh: skipped" >&2
    exit 77
fi

work="$(mktemp -d -t tidemark-translations.XXXXXX)"
trap 'rm -rf "$work"' EXIT
cp "$committed" "$work/tidemark.ts"
LUPDATE="$lupdate" bash "$source_dir/resources/translations/update-ts.sh" "$work/tidemark.ts" \
    >/dev/null

# One line per message: "context | source [| comment] [(plural)]", newlines in a source as \n.
messages() {
    awk '
        /<name>/ { sub(/.*<name>/, ""); sub(/<\/name>.*/, ""); context = $0; next }
        /<message/ { plural = ($0 ~ /numerus="yes"/) ? " (plural)" : ""; comment = ""; next }
        /<source>/ { text = $0; sub(/.*<source>/, "", text); collecting = 1 }
        collecting && !/<source>/ { text = text "\\n" $0 }
        collecting && /<\/source>/ { sub(/<\/source>.*/, "", text); source = text; collecting = 0 }
        /<comment>/ { comment = $0; sub(/.*<comment>/, "", comment); sub(/<\/comment>.*/, "", comment) }
        /<\/message>/ {
            line = context " | " source
            if (comment != "") line = line " | " comment
            print line plural
        }
    ' "$1" | sort
}
messages "$committed" >"$work/committed.txt"
messages "$work/tidemark.ts" >"$work/current.txt"

missing="$(comm -13 "$work/committed.txt" "$work/current.txt")"
stale="$(comm -23 "$work/committed.txt" "$work/current.txt")"
if [[ -z "$missing" && -z "$stale" ]]; then
    echo "ok: tidemark.ts holds all $(wc -l <"$work/current.txt") translatable strings"
    exit 0
fi
if [[ -n "$missing" ]]; then
    echo "FAIL: new or changed source strings that tidemark.ts does not hold:" >&2
    sed 's/^/    /' <<<"$missing" >&2
fi
if [[ -n "$stale" ]]; then
    echo "FAIL: strings tidemark.ts holds that the sources no longer have:" >&2
    sed 's/^/    /' <<<"$stale" >&2
fi
echo "Run resources/translations/update-ts.sh and commit resources/translations/tidemark.ts." >&2
exit 1
