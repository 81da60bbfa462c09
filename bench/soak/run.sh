#!/usr/bin/env bash
# The generator soaks in one command (figures in docs/BENCHMARKS.md):
#
#   bench/soak/run.sh [--runs 3] [--seconds 180] [--baseline-seconds 60] [--keep DIR]
#                     [pgbench|sysbench ...]
#
# Runs pgbench_soak.sh (PostgreSQL -> MariaDB, scale 5, 8 clients) and sysbench_soak.sh
# (MariaDB -> PostgreSQL, 4 tables of 25,000 rows, 8 threads) --runs times each, alternating,
# and prints every run's result line, then the median and range of each figure. tidemark-cli is
# $TIDEMARK_CLI if set, else built in build/bench (Release, no GUI; TIDEMARK_BENCH_BUILD_DIR to
# change). Uses the servers in TIDEMARK_PG_* / TIDEMARK_MARIA_* if set, otherwise starts
# throwaway ones with scripts/testservers.sh (stopped again on exit). --keep DIR keeps each
# run's logs, project and dumps in DIR/<soak>-<run>. Exits 1 if any run's mirror differed
# from its source.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/bench/soak"
runs=3
seconds=180
baseline=60
keep=
soaks=()
while (($#)); do
    case "$1" in
        --runs) runs="$2"; shift 2 ;;
        --seconds) seconds="$2"; shift 2 ;;
        --baseline-seconds) baseline="$2"; shift 2 ;;
        --keep) keep="$2"; shift 2 ;;
        pgbench|sysbench) soaks+=("$1"); shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "run.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
    esac
done
((${#soaks[@]})) || soaks=(pgbench sysbench)

cli="${TIDEMARK_CLI:-}"
if [[ -z "$cli" ]]; then
    build="${TIDEMARK_BENCH_BUILD_DIR:-$ROOT/build/bench}"
    cmake -S "$ROOT" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DTIDEMARK_BUILD_GUI=OFF >/dev/null
    cmake --build "$build" --target tidemark-cli
    cli="$build/app/cli/tidemark-cli"
fi

# shellcheck source=../benchservers.sh
source "$ROOT/bench/benchservers.sh"
bench_servers soak
results="$(mktemp /tmp/tidemark-soak-results.XXXXXX)"
bench_on_exit "rm -f '$results'"

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg);" \
     "$(date -u '+%Y-%m-%d %H:%M UTC'); commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
# shellcheck source=soakdb.sh
source "$HERE/soakdb.sh"
echo "generators: $("$(pg_bindir)/pgbench" --version), $(sysbench --version)"

failed=0
for ((run = 1; run <= runs; run++)); do
    for soak in "${soaks[@]}"; do
        echo "== run $run of $runs: $soak"
        work=()
        [[ -z "$keep" ]] || work=(--work "$keep/$soak-$run")
        rc=0
        "$HERE/${soak}_soak.sh" --cli "$cli" --seconds "$seconds" --baseline-seconds "$baseline" \
            "${work[@]}" | tee -a "$results" || rc=$?
        ((rc == 0)) || failed=1
    done
done

# Median and range of each numeric field, per pairing, over the runs.
echo "== summary over $runs runs"
grep '^RESULT ' "$results" | awk '
    {
        pairing = $2
        for (i = 3; i <= NF; i++) {
            split($i, kv, "=")
            if (kv[2] ~ /^[0-9.]+$/) {
                n = ++count[pairing, kv[1]]
                value[pairing, kv[1], n] = kv[2] + 0
                if (!((pairing, kv[1]) in seen)) { seen[pairing, kv[1]] = 1; order[pairing] = order[pairing] " " kv[1] }
            } else if (kv[1] == "comparison") {
                verdicts[pairing] = verdicts[pairing] " " kv[2]
            }
        }
        pairings[pairing] = 1
    }
    END {
        for (p in pairings) {
            printf "%s: comparisons:%s\n", p, verdicts[p]
            split(substr(order[p], 2), keys, " ")
            for (k = 1; (k in keys); k++) {
                n = count[p, keys[k]]
                for (i = 1; i <= n; i++) v[i] = value[p, keys[k], i]
                for (i = 2; i <= n; i++)   # insertion sort: a handful of runs
                    for (j = i; j > 1 && v[j - 1] > v[j]; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
                median = n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
                printf "  %-18s median %s, range %s .. %s\n", keys[k], median, v[1], v[n]
            }
        }
    }'
exit "$failed"
