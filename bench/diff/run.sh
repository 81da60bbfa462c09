#!/usr/bin/env bash
# The drift benchmark in one command (issue 11; figures in docs/BENCHMARKS.md, "Drift: diff"):
#
#   bench/diff/run.sh [--rows N] [--runs N] [--pairings "pgpg pgmaria sqlitepg mariamaria"]
#                     [--scenarios "identical changes1000 changed30"]
#   bench/diff/run.sh --short      what ctest runs (bench_diff_short): 20,000 rows, one run,
#                                  PostgreSQL -> PostgreSQL, identical and 1,000 changes
#
# Builds tidemark-cli and tidemark-bench-diff in build/bench (Release, no GUI) unless
# TIDEMARK_CLI and TIDEMARK_BENCH_DIFF name them; uses the servers in TIDEMARK_PG_* /
# TIDEMARK_MARIA_* or starts throwaway ones (--short skips with 77 instead, unless
# TIDEMARK_REQUIRE_SERVERS=1). Needs psql, the mariadb client, sqlite3, python3, and
# pt-table-sync (percona-toolkit) for the MariaDB pairing.
#
# Every measurement is a child process timed from outside: wall time around it, peak RSS from
# /usr/bin/time (%M). Run 1 of every measurement, then run 2, ..., so a burst of load from other
# work on the machine falls on the baselines as much as on the diff. The ratios are per run
# (diff / baseline of the same run); the table gives their median and range.
#
# Scenarios, applied one after the other to every mirror (changes are made in the mirror only):
#   identical    mirror = source (tidemark-cli prepare + backfill --no-gate)
#   changes1000  1,000 scattered keys (every N/1000-th): a quarter deleted, the rest updated
#   changed30    every key with id % 10 < 3 updated as well: 30% of the rows differ
# A diff that does not exit 0 on identical tables, or that finds another number of
# differences than was made, fails the run (exit 1), as does a baseline that disagrees.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
rows=1000000
runs=3
pairings="pgpg pgmaria sqlitepg mariamaria"
scenarios="identical changes1000 changed30"
short=0
while [[ $# -gt 0 ]]; do
    case "$1" in
        --rows) rows="$2"; shift 2 ;;
        --runs) runs="$2"; shift 2 ;;
        --pairings) pairings="$2"; shift 2 ;;
        --scenarios) scenarios="$2"; shift 2 ;;
        --short) short=1; rows=20000; runs=1; pairings="pgpg"; scenarios="identical changes1000"; shift ;;
        -h|--help) sed -n '2,28p' "$0"; exit 0 ;;
        *) echo "run.sh: unknown option '$1'" >&2; exit 2 ;;
    esac
done
if (( rows < 1000 || rows % 1000 != 0 )); then
    echo "run.sh: --rows must be a multiple of 1000 (the 1,000 changes are every rows/1000-th key)" >&2
    exit 2
fi

# shellcheck source=../benchservers.sh
source "$ROOT/bench/benchservers.sh"
if (( short )); then
    if [[ -z "${TIDEMARK_PG_HOST:-}" || -z "${TIDEMARK_MARIA_HOST:-}" ]]; then
        if [[ "${TIDEMARK_REQUIRE_SERVERS:-}" == 1 ]]; then
            echo "error: no servers (TIDEMARK_PG_* / TIDEMARK_MARIA_*) and TIDEMARK_REQUIRE_SERVERS=1" >&2
            exit 2
        fi
        echo "skipped: no servers (scripts/testservers.sh start DIR; source DIR/env.sh)"
        exit 77
    fi
else
    bench_servers diff
fi

cli="${TIDEMARK_CLI:-}"
helper="${TIDEMARK_BENCH_DIFF:-}"
if [[ -z "$cli" || -z "$helper" ]]; then
    build="${TIDEMARK_BENCH_BUILD_DIR:-$ROOT/build/bench}"
    cmake -S "$ROOT" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DTIDEMARK_BUILD_GUI=OFF >/dev/null
    cmake --build "$build" --target tidemark-cli tidemark-bench-diff
    cli="$build/app/cli/tidemark-cli"
    helper="$build/bench/diff/tidemark-bench-diff"
fi
for tool in psql mariadb sqlite3 python3; do
    command -v "$tool" >/dev/null || { echo "run.sh: '$tool' is not installed" >&2; exit 2; }
done
pt=1
if [[ " $pairings " == *" mariamaria "* ]] && ! command -v pt-table-sync >/dev/null; then
    echo "pt-table-sync is not installed (apt-get install percona-toolkit): its baseline is skipped"
    pt=0
fi

work="${TIDEMARK_BENCH_WORK:-}"
if [[ -z "$work" ]]; then
    work="$(mktemp -d /tmp/tidemark-benchdiff.XXXXXX)"
    bench_on_exit "rm -rf '$work'"
fi
mkdir -p "$work"
results="$work/results.tsv"
: >"$results"
export TIDEMARK_NO_LOG_FILE=1

pg_sql() { PGPASSWORD="$TIDEMARK_PG_PASSWORD" psql -X -q -v ON_ERROR_STOP=1 -At -h "$TIDEMARK_PG_HOST" \
    -p "$TIDEMARK_PG_PORT" -U "$TIDEMARK_PG_USER" -d "$TIDEMARK_PG_DATABASE" -c "$1"; }
maria_sql() { MYSQL_PWD="$TIDEMARK_MARIA_PASSWORD" mariadb --protocol=TCP -h "$TIDEMARK_MARIA_HOST" \
    -P "$TIDEMARK_MARIA_PORT" -u "$TIDEMARK_MARIA_USER" -D "$TIDEMARK_MARIA_DATABASE" -N -B -e "$1"; }
sqlite_sql() { sqlite3 "$work/source.db" "$1"; }
side_sql() { case "$1" in pg) pg_sql "$2" ;; maria) maria_sql "$2" ;; lite) sqlite_sql "$2" ;; esac; }

# pairing -> "SOURCE_CONN MIRROR_CONN MIRROR_TABLE"
declare -A PAIR=(
    [pgpg]="pg pg m_pgpg"
    [pgmaria]="pg maria m_pgmaria"
    [sqlitepg]="lite pg m_sqlitepg"
    [mariamaria]="maria maria m_mariamaria"
)
dialect_of() { case "$1" in pg) echo postgres ;; maria) echo mariadb ;; lite) echo sqlite ;; esac; }
spec_of() { # connection table -> the helper's DIALECT:TABLE
    if [[ "$1" == lite ]]; then echo "sqlite:$work/source.db:$2"; else echo "$(dialect_of "$1"):$2"; fi
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet HEAD -- engine app 2>/dev/null || echo ' (engine/app modified)')"
echo "servers: PostgreSQL $(pg_sql 'SHOW server_version'), MariaDB $(maria_sql 'SELECT VERSION()'); $(pt-table-sync --version 2>/dev/null || true)"
echo "rows $rows, runs $runs, pairings: $pairings; scenarios: $scenarios"

# --- the tables -------------------------------------------------------------------------------
"$helper" load --rows "$rows" --sqlite "$work/source.db" --work "$work"

python3 - "$work/tidemark.json" "$work/source.db" "$pairings" <<'PY'
import json, os, sys
path, sqlite, pairings = sys.argv[1], sys.argv[2], sys.argv[3].split()
env = os.environ
conns = {
    "pg": {"driver": "postgres", "host": env["TIDEMARK_PG_HOST"], "port": int(env["TIDEMARK_PG_PORT"]),
           "database": env["TIDEMARK_PG_DATABASE"], "user": env["TIDEMARK_PG_USER"],
           "password_env": "TIDEMARK_PG_PASSWORD"},
    "maria": {"driver": "mariadb", "host": env["TIDEMARK_MARIA_HOST"], "port": int(env["TIDEMARK_MARIA_PORT"]),
              "database": env["TIDEMARK_MARIA_DATABASE"], "user": env["TIDEMARK_MARIA_USER"],
              "password_env": "TIDEMARK_MARIA_PASSWORD"},
    "lite": {"driver": "sqlite", "database": sqlite},
}
pairs = {"pgpg": ("pg", "pg"), "pgmaria": ("pg", "maria"), "sqlitepg": ("lite", "pg"),
         "mariamaria": ("maria", "maria")}
maps = [{"name": p, "source": {"connection": pairs[p][0], "table": "bench_src"},
         "mirror": {"connection": pairs[p][1], "table": "m_" + p},
         "key": ["id"], "deletes": "none", "batch_rows": 5000} for p in pairings]
json.dump({"tidemark": 1, "connections": conns, "mappings": maps}, open(path, "w"), indent=2)
PY
project="$work/tidemark.json"

for p in $pairings; do
    read -r s m mt <<<"${PAIR[$p]}"
    side_sql "$m" "DROP TABLE IF EXISTS $mt"
    "$cli" prepare --project "$project" --mapping "$p" >>"$work/setup.log" 2>&1
    "$cli" backfill --no-gate --project "$project" --mapping "$p" >>"$work/setup.log" 2>&1 \
        || { echo "backfill of $p failed:"; tail -20 "$work/setup.log"; exit 2; }
done

# --- measuring --------------------------------------------------------------------------------
# measure SCENARIO PAIRING NAME RUN EXPECTED_RC COMMAND...: one row in results.tsv
# (scenario pairing name run seconds peak_kb rc cpu_s); cpu_s is the child's own user+system
# time (the servers' work is not in it). The command's output is in $work/last.out.
failures=0
measure() {
    local scenario="$1" pairing="$2" name="$3" run="$4" expect="$5"; shift 5
    local t0 t1 rc=0
    t0=$(date +%s%N)
    /usr/bin/time -f '%M %U %S' -o "$work/time.out" "$@" >"$work/last.out" 2>"$work/last.err" || rc=$?
    t1=$(date +%s%N)
    local secs peak cpu
    secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
    read -r peak user sys < <(tail -n 1 "$work/time.out")
    cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$scenario" "$pairing" "$name" "$run" "$secs" "$peak" "$rc" "$cpu" >>"$results"
    printf '  %-12s %-10s %-13s run %s: %8.3f s %7.1f MB  cpu %6.2f s  exit %s\n' "$scenario" "$pairing" \
        "$name" "$run" "$secs" "$(awk -v k="$peak" 'BEGIN { print k / 1024 }')" "$cpu" "$rc"
    if [[ "$rc" != "$expect" ]]; then
        echo "FAILED: $name ($pairing, $scenario) exited $rc, expected $expect" >&2
        tail -n 20 "$work/last.out" "$work/last.err" >&2
        failures=$((failures + 1))
    fi
}

# Counts both sides at once, as the diff reads both sides at once.
count_both() { # source_conn source_table mirror_conn mirror_table expected_rows
    side_sql "$1" "SELECT COUNT(*) FROM $2" >"$work/count.s" &
    local a=$!
    side_sql "$3" "SELECT COUNT(*) FROM $4" >"$work/count.m" &
    local b=$!
    wait "$a" && wait "$b"
}
export -f count_both side_sql pg_sql maria_sql sqlite_sql
export work

expected_missing=0
expected_changed=0
check_diff_counts() { # pairing: the diff's JSON must name exactly the differences made
    local got
    got=$(python3 -c 'import json,sys; m=json.load(open(sys.argv[1]))["mappings"][0]; print(m["missing"], m["extra"], m["changed"], m["duration_s"])' "$work/last.out") \
        || { echo "FAILED: cannot read diff --json output of $1" >&2; failures=$((failures + 1)); return; }
    read -r mi ex ch dur <<<"$got"
    printf '%s\t%s\tdiff_engine_s\t%s\t%s\t0\t0\t\n' "$scenario" "$1" "$run" "$dur" >>"$results"
    if [[ "$mi $ex $ch" != "$expected_missing 0 $expected_changed" ]]; then
        echo "FAILED: diff of $1 found $mi missing, $ex extra, $ch changed; made $expected_missing missing, $expected_changed changed" >&2
        failures=$((failures + 1))
    fi
}

maria_dsn="h=$TIDEMARK_MARIA_HOST,P=$TIDEMARK_MARIA_PORT,u=$TIDEMARK_MARIA_USER,p=$TIDEMARK_MARIA_PASSWORD,D=$TIDEMARK_MARIA_DATABASE"

run_scenario() {
    local scenario="$1" expect=0
    [[ "$scenario" != identical ]] && expect=1
    for run in $(seq 1 "$runs"); do
        for p in $pairings; do
            read -r s m mt <<<"${PAIR[$p]}"
            measure "$scenario" "$p" diff "$run" "$expect" \
                "$cli" diff --json --limit 0 --project "$project" --mapping "$p"
            check_diff_counts "$p"
            # 30% changed: memory, and at most 1.5x the full download; count(*) is no measure.
            [[ "$scenario" != changed30 ]] &&
                measure "$scenario" "$p" count "$run" 0 bash -c "count_both $s bench_src $m $mt"
            measure "$scenario" "$p" fullcompare "$run" "$expect" \
                "$helper" fullcompare "$(spec_of "$s" bench_src)" "$(spec_of "$m" "$mt")"
            [[ "$scenario" == changed30 ]] && continue
            if [[ "$p" == mariamaria && "$pt" == 1 ]]; then
                # pt-table-sync exits 2 when a table differed.
                measure "$scenario" "$p" pt-table-sync "$run" $((expect * 2)) \
                    pt-table-sync --print --no-check-triggers "$maria_dsn,t=bench_src" "t=$mt"
                local statements
                statements=$(grep -c '^\(REPLACE\|DELETE\|INSERT\|UPDATE\)' "$work/last.out" || true)
                if [[ "$statements" != $((expected_missing + expected_changed)) ]]; then
                    echo "FAILED: pt-table-sync printed $statements statements, $((expected_missing + expected_changed)) rows differ" >&2
                    failures=$((failures + 1))
                fi
            fi
        done
    done
}

step=$((rows / 1000))
for scenario in $scenarios; do
    case "$scenario" in
        identical) ;;
        changes1000)
            for p in $pairings; do
                read -r s m mt <<<"${PAIR[$p]}"
                side_sql "$m" "DELETE FROM $mt WHERE id % $((4 * step)) = 0"
                side_sql "$m" "UPDATE $mt SET qty = COALESCE(qty, 0) + 1 WHERE id % $step = 0"
            done
            expected_missing=250
            expected_changed=750 ;;
        changed30)
            # Every changed or deleted key above has id % 10 = 0 when step is a multiple of 10.
            for p in $pairings; do
                read -r s m mt <<<"${PAIR[$p]}"
                side_sql "$m" "UPDATE $mt SET qty = COALESCE(qty, 0) + 1 WHERE id % 10 < 3"
            done
            expected_changed=$(side_sql pg "SELECT COUNT(*) FROM bench_src WHERE id % 10 < 3 AND id % $((4 * step)) <> 0")
            expected_missing=$(side_sql pg "SELECT COUNT(*) FROM bench_src WHERE id % $((4 * step)) = 0") ;;
        *) echo "run.sh: unknown scenario '$scenario'" >&2; exit 2 ;;
    esac
    echo "== $scenario"
    run_scenario "$scenario"
done

# --- the report -------------------------------------------------------------------------------
python3 "$ROOT/bench/diff/report.py" "$results"
if (( failures > 0 )); then
    echo "FAILED: $failures check(s) failed (see above)" >&2
    exit 1
fi
