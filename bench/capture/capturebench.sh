# shellcheck shell=bash disable=SC2034 # BENCH_* are read by the scripts that source this
# Sourced by overhead.sh and lag.sh: options, servers, scratch databases, the project file of a
# captured mapping into an SQLite mirror, and the statistics both print.
#
# The servers, scratch databases, psql/mariadb wrappers and the tidemark-cli wrappers
# (soak_cli, soak_start_watch, soak_stop_watch, soak_rows_moved) are the soaks' own
# (bench/soak/soakdb.sh, soakcli.sh). soak_cli and the watch use $WORK/tidemark.json and
# $WORK/watch.log: each source gets a folder of its own, and bench_use_source points WORK at it.

# shellcheck source=../soak/soakdb.sh
source "$HERE/../soak/soakdb.sh"
# shellcheck source=../soak/soakcli.sh
source "$HERE/../soak/soakcli.sh"

export TIDEMARK_NO_LOG_FILE=1

CLI=
WORK=
BENCH_ROOT=
BENCH_OWN_WORK=0
BENCH_KEEP=0
BENCH_QUICK=0
BENCH_SOURCES="pg maria"

# Options both scripts take; the script's own are passed to bench_own_option NAME VALUE, which
# returns 1 for an option it does not know.
bench_parse_args() {
    while (($#)); do
        case "$1" in
            --cli) CLI="$2"; shift 2 ;;
            --work) BENCH_ROOT="$2"; shift 2 ;;
            --quick) BENCH_QUICK=1; shift ;;
            --source)
                case "$2" in
                    pg|maria) BENCH_SOURCES="$2" ;;
                    both) BENCH_SOURCES="pg maria" ;;
                    *) soak_die "$SOAK_EXIT_SETUP" "--source is pg, maria or both" ;;
                esac
                shift 2 ;;
            -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
            *)
                bench_own_option "$1" "${2:-}" ||
                    soak_die "$SOAK_EXIT_SETUP" "unknown argument '$1' (try --help)"
                shift 2 ;;
        esac
    done
    [[ -x "$CLI" ]] || soak_die "$SOAK_EXIT_SETUP" "--cli must name the tidemark-cli binary"
    CLI="$(readlink -f "$CLI")"
}

# Servers, a scratch folder (removed on exit when made here) and a scratch database on each
# server (dropped on exit); a watch still running is stopped.
bench_setup() {
    soak_require_servers
    if [[ -z "$BENCH_ROOT" ]]; then
        BENCH_ROOT="$(mktemp -d -t "tidemark-capture-$1.XXXXXX")"
        BENCH_OWN_WORK=1
    fi
    mkdir -p "$BENCH_ROOT"
    BENCH_ROOT="$(readlink -f "$BENCH_ROOT")"
    trap 'bench_cleanup' EXIT
    soak_create_databases "capture_$1"
}

# Extra commands for the exit trap (the scripts' own background processes).
BENCH_ON_EXIT=()
bench_cleanup() {
    local c
    for c in "${BENCH_ON_EXIT[@]}"; do
        eval "$c" || true
    done
    soak_stop_watch || true
    soak_drop_databases
    # A failed run keeps its logs (BENCH_KEEP=1).
    if ((BENCH_OWN_WORK && !BENCH_KEEP)); then
        rm -rf "$BENCH_ROOT"
    elif ((BENCH_OWN_WORK)); then
        echo "$(basename "$0"): logs kept in $BENCH_ROOT" >&2
    fi
}

# WORK becomes $BENCH_ROOT/$1 (pg or maria).
bench_use_source() {
    WORK="$BENCH_ROOT/$1"
    mkdir -p "$WORK"
}

# $WORK/tidemark.json: connection "src" on driver $1 (postgres|mariadb) in $SOAK_DB, an SQLite
# mirror $WORK/mirror.db, and one captured mapping of table $2 keyed by $3.
#   interval_s 1        what issue 12 measures the lag at
#   deletes sweep       tombstones are applied as deletes (deletes "none" would keep them)
#   sweep_interval_s 0  no scheduled sweeps: a captured mapping's deletes come as tombstones,
#                       and a sweep would read the whole table on its own schedule (the
#                       engine's default, 60 s with the first 10 s after start, applies to
#                       captured mappings too)
#   batch_rows          the engine's default (1,000): left out
bench_write_project() {
    cat >"$WORK/tidemark.json" <<JSON
{
  "tidemark": 1,
  "connections": {
    "src": $(soak_connection_json "$1"),
    "mirror": { "driver": "sqlite", "database": "mirror.db" }
  },
  "mappings": [
    { "name": "$2",
      "source": { "connection": "src", "table": "$2" },
      "mirror": { "connection": "mirror", "table": "$2" },
      "key": ["$3"],
      "capture": "triggers",
      "deletes": "sweep", "sweep_interval_s": 0, "interval_s": 1 }
  ]
}
JSON
}

# Median and range of the numbers on stdin (one a line): "median min max n", each with $1
# decimals (default 3).
bench_stats() {
    sort -g | awk -v d="${1:-3}" '
        { v[n++] = $1 }
        END {
            if (n == 0) { print "- - - 0"; exit }
            m = (n % 2) ? v[(n - 1) / 2] : (v[n / 2 - 1] + v[n / 2]) / 2
            f = "%." d "f"
            printf f " " f " " f " %d\n", m, v[0], v[n - 1], n
        }'
}

bench_load() {
    cut -d' ' -f1-3 /proc/loadavg
}

# From a tidemark-cli log ($1), the capture passes' lines "sync ok: N changes applied (W rows
# written, D deleted)": "<passes> <changes applied> <rows written> <rows deleted> <failed runs>".
bench_changes_applied() {
    awk '
        / sync ok: .*[0-9]+ changes applied \([0-9]+ rows written, [0-9]+ deleted\)/ {
            passes++
            for (i = 2; i <= NF; i++) {
                if ($i == "changes" && $(i + 1) == "applied") changes += $(i - 1)
                if ($i == "rows" && $(i + 1) == "written,") { w = $(i - 1); sub(/^\(/, "", w); written += w }
                if ($i == "deleted)") deleted += $(i - 1)
            }
        }
        / (sync|sweep|backfill) (error|refused)/ { failed++ }
        END { printf "%d %d %d %d %d\n", passes, changes, written, deleted, failed }
    ' "$1"
}
