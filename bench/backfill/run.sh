#!/usr/bin/env bash
# The backfill benchmark in one command (issue 3; figures in docs/BENCHMARKS.md):
#
#   bench/backfill/run.sh [--rows N] [--runs N] [--batch-rows N] [--loop-rows N] [--no-baselines]
#
# Builds tidemark-cli and tidemark-bench-backfill in build/bench (Release, no GUI; override with
# TIDEMARK_BENCH_BUILD_DIR), uses the servers in TIDEMARK_PG_* / TIDEMARK_MARIA_* if they are
# set and otherwise starts throwaway ones with scripts/testservers.sh (stopped again on exit),
# and runs the benchmark with its scratch files in a temporary folder (TIDEMARK_BENCH_WORK to
# keep them). Defaults: 1,000,000 rows, 3 runs, medians reported. Needs psql, the mariadb
# client and pgloader: scripts/install-deps.sh --test --bench installs them.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD="${TIDEMARK_BENCH_BUILD_DIR:-$ROOT/build/bench}"

cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DTIDEMARK_BUILD_GUI=OFF >/dev/null
cmake --build "$BUILD" --target tidemark-cli tidemark-bench-backfill

# shellcheck source=../benchservers.sh
source "$ROOT/bench/benchservers.sh"
bench_servers bench

work="${TIDEMARK_BENCH_WORK:-}"
if [[ -z "$work" ]]; then
    work="$(mktemp -d /tmp/tidemark-bench.XXXXXX)"
    bench_on_exit "rm -rf '$work'"
fi

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo)," \
     "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
echo "servers: PostgreSQL $(psql --version | awk '{print $3}'), $(mariadb --version 2>/dev/null | grep -o 'Distrib [^,]*\|from [0-9.]*-MariaDB' | head -1), $(pgloader --version 2>/dev/null | head -1)"

"$BUILD/bench/backfill/tidemark-bench-backfill" --cli "$BUILD/app/cli/tidemark-cli" --work "$work" "$@"
