#!/usr/bin/env bash
# What trigger capture costs the source (issue 12, "Speed"): the transactions per second of a
# standard benchmark on the source table without capture, with the capture triggers only (no
# consumer: the log grows), and with the triggers plus a running consumer
# (`tidemark-cli sync --watch`, interval_s 1, into an SQLite mirror file).
#
#   bench/capture/overhead.sh --cli PATH [--seconds 20] [--rounds 3] [--source pg|maria|both]
#                             [--clients 4] [--quick] [--work DIR]
#
# - PostgreSQL: pgbench TPC-B (built-in tpcb-like, scale 5, 4 clients, pgbench's own vacuum of
#   branches and tellers before each run), capture on pgbench_accounts (key aid).
# - MariaDB: sysbench oltp_write_only (1 table of 100,000 rows, 4 threads), capture on sbtest1
#   (key id). Every statement of a write-only transaction is a captured write, so this is the
#   worst case sysbench offers (oltp_read_write adds 14 reads per transaction).
#
# Each round runs the three modes once, in an order that rotates from round to round (round 1:
# without, triggers, triggers+consumer; round 2 starts with triggers; ...), so drift in the
# machine's load falls on every mode alike. Between runs, untimed: `prepare --remove-capture`
# (without), or `prepare` and one `sync` (the backfill after a fresh install; otherwise it
# drains what the last run logged), so neither a backfill nor a backlog sits in a measured
# window. After every run with a consumer: one more `sync`, then source and mirror are
# compared row for row through psql/mariadb and sqlite3 (a correctness check on the side).
#
# Each run also records the source server's CPU time per transaction (PostgreSQL: the
# postmaster and its backends; MariaDB: mariadbd), which other work on a shared machine moves
# far less than the transactions per second, and in consumer runs the watch's own CPU time.
#
# Prints one line per run and a summary: per mode the median transactions per second and
# server CPU per transaction, and per round the ratio of each capture mode to the run without
# capture in the same round (tps with/without; CPU per transaction without/with); medians and
# ranges of those ratios. --quick: 4-second runs, one round, small tables (a smoke check).
# Needs the servers TIDEMARK_PG_* / TIDEMARK_MARIA_* name (scripts/testservers.sh), pgbench,
# sysbench, sqlite3. Exit codes: 0 done, 1 a Tidemark command failed or a mirror differs,
# 2 setup failed, 77 no servers.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=capturebench.sh
source "$HERE/capturebench.sh"

SECONDS_PER_RUN=20
ROUNDS=3
CLIENTS=4
PG_SCALE=5
MARIA_ROWS=100000
bench_own_option() {
    case "$1" in
        --seconds) SECONDS_PER_RUN="$2" ;;
        --rounds) ROUNDS="$2" ;;
        --clients) CLIENTS="$2" ;;
        *) return 1 ;;
    esac
}
bench_parse_args "$@"
if ((BENCH_QUICK)); then
    SECONDS_PER_RUN=4 ROUNDS=1 PG_SCALE=1 MARIA_ROWS=20000
fi
for n in "$SECONDS_PER_RUN" "$ROUNDS" "$CLIENTS"; do
    [[ "$n" =~ ^[1-9][0-9]*$ ]] || soak_die "$SOAK_EXIT_SETUP" "'$n' is not a whole number above 0"
done
command -v sqlite3 >/dev/null || soak_die "$SOAK_EXIT_SETUP" "sqlite3 is not installed"

bench_setup overhead
FAILED=0
RESULTS="$BENCH_ROOT/runs.txt"
: >"$RESULTS"

# ---------------------------------------------------------------------------------------------
# The generators: prepare, and run SECONDS printing the transactions per second.

pgbench_cmd() {
    PGPASSWORD="$TIDEMARK_PG_PASSWORD" "$PG_BIN/pgbench" -h "$TIDEMARK_PG_HOST" \
        -p "$TIDEMARK_PG_PORT" -U "$TIDEMARK_PG_USER" "$@" "$SOAK_DB"
}

pg_prepare() {
    say "pgbench -i -s $PG_SCALE in PostgreSQL database $SOAK_DB"
    pgbench_cmd -i -q -s "$PG_SCALE" >"$WORK/pgbench-init.log" 2>&1 ||
        soak_die "$SOAK_EXIT_SETUP" "pgbench -i failed: $(tail -n 5 "$WORK/pgbench-init.log")"
    bench_write_project postgres pgbench_accounts aid
}

# Without -n: pgbench vacuums pgbench_branches and pgbench_tellers and empties
# pgbench_history before the run, so every run starts from the same kind of tables.
pg_run() {
    local log="$WORK/pgbench-$2.log"
    pgbench_cmd -c "$CLIENTS" -j 2 -T "$1" -b tpcb-like >"$log" 2>&1 ||
        soak_die "$SOAK_EXIT_SETUP" "pgbench failed: $(tail -n 5 "$log")"
    echo "$(sed -n 's/^tps = \([0-9.]*\) (without initial connection time)$/\1/p' "$log")" \
        "$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$log")"
}

# key, then the columns TPC-B changes, as text; both sides sorted by key.
pg_dump_source() {
    pg_sql "$SOAK_DB" -c "SELECT aid, bid, abalance FROM pgbench_accounts ORDER BY aid"
}
pg_dump_mirror() {
    sqlite3 -separator $'\t' "$WORK/mirror.db" "SELECT aid, bid, abalance FROM pgbench_accounts ORDER BY aid"
}

maria_prepare() {
    command -v sysbench >/dev/null || soak_die "$SOAK_EXIT_SETUP" "sysbench is not installed"
    (
        umask 077
        printf '%s\n' db-driver=mysql "mysql-host=$TIDEMARK_MARIA_HOST" \
            "mysql-port=$TIDEMARK_MARIA_PORT" "mysql-user=$TIDEMARK_MARIA_USER" \
            "mysql-password=$TIDEMARK_MARIA_PASSWORD" "mysql-db=$SOAK_DB" >"$WORK/sysbench.conf"
    )
    say "sysbench prepare: 1 table of $MARIA_ROWS rows in MariaDB database $SOAK_DB"
    sysbench_cmd prepare >"$WORK/sysbench-prepare.log" 2>&1 ||
        soak_die "$SOAK_EXIT_SETUP" "sysbench prepare failed: $(tail -n 5 "$WORK/sysbench-prepare.log")"
    bench_write_project mariadb sbtest1 id
}

sysbench_cmd() {
    sysbench --config-file="$WORK/sysbench.conf" oltp_write_only --tables=1 \
        --table-size="$MARIA_ROWS" "$@"
}

maria_run() {
    local log="$WORK/sysbench-$2.log"
    sysbench_cmd --threads="$CLIENTS" --time="$1" --report-interval=0 run >"$log" 2>&1 ||
        soak_die "$SOAK_EXIT_SETUP" "sysbench run failed: $(tail -n 5 "$log")"
    sed -n 's/^ *transactions: *\([0-9]*\) *(\([0-9.]*\) per sec.)$/\2 \1/p' "$log"
}

# MariaDB returns CHAR without its trailing spaces; the mirror holds what it returned.
maria_dump_source() {
    maria_sql "$SOAK_DB" -e "SELECT id, k, c, pad FROM sbtest1 ORDER BY id"
}
maria_dump_mirror() {
    sqlite3 -separator $'\t' "$WORK/mirror.db" "SELECT id, k, c, pad FROM sbtest1 ORDER BY id"
}

# ---------------------------------------------------------------------------------------------
# The source server's CPU time (clock ticks), less sensitive than the transactions per second
# to what else the shared machine runs. PostgreSQL: the postmaster's own time and that of the
# children it has reaped (every connection's backend when it ends; cutime, cstime), plus its
# live children's; MariaDB: mariadbd, one process, its threads included.

# utime+stime (+cutime+cstime with $2 = all) of process $1; 0 when it is gone.
proc_ticks() {
    local stat
    stat="$(cat "/proc/$1/stat" 2>/dev/null)" || { echo 0; return; }
    # After "pid (comm) " the fields count from state (field 3): utime is the 12th.
    awk -v all="${2:-}" '{ t = $12 + $13; if (all == "all") t += $14 + $15; print t }' <<<"${stat##*) }"
}

# A backend that the postmaster reaps between the reading of its own time and that of its
# live children would count in neither (right after a run, when the generator's backends end):
# read the children, then the postmaster, and again if the set of children changed meanwhile.
# An ended child that is not reaped yet is still listed, with its times.
pg_cpu_ticks() {
    local pm before after child total attempt
    pm="$(head -n 1 "$TIDEMARK_PG_DATADIR/postmaster.pid")"
    for ((attempt = 0; attempt < 20; attempt++)); do
        before="$(ps --ppid "$pm" -o pid= | sort)"
        total=0
        for child in $before; do
            total=$((total + $(proc_ticks "$child")))
        done
        total=$((total + $(proc_ticks "$pm" all)))
        after="$(ps --ppid "$pm" -o pid= | sort)"
        [[ "$before" != "$after" ]] || break
        sleep 0.05
    done
    echo "$total"
}

maria_cpu_ticks() {
    proc_ticks "$(cat "$TIDEMARK_MARIA_PIDFILE")" all
}

TICKS_PER_S="$(getconf CLK_TCK)"

# ---------------------------------------------------------------------------------------------
# Modes: none (no capture objects in the source), triggers (installed, nothing consumes the
# log), consumer (installed, `sync --watch` running).

INSTALLED=0

# Puts the source in the state mode $1 needs, untimed.
enter_mode() {
    if [[ "$1" == none ]]; then
        if ((INSTALLED)); then
            soak_cli prepare --remove-capture || soak_die "$SOAK_EXIT_DIFFERS" "prepare --remove-capture failed"
            INSTALLED=0
        fi
        return
    fi
    if ((!INSTALLED)); then
        soak_cli prepare || soak_die "$SOAK_EXIT_DIFFERS" "prepare failed"
        INSTALLED=1
    fi
    # The backfill after a fresh install, or the log the last run left.
    local start=$SECONDS
    soak_cli sync || soak_die "$SOAK_EXIT_DIFFERS" "sync before the run failed"
    say "  catch-up sync before the run: $((SECONDS - start)) s"
}

# Source and mirror row for row (after one more sync); 0 equal.
compare() {
    local src="$1"
    soak_cli sync || return 1
    "${src}_dump_source" >"$WORK/source.tsv"
    "${src}_dump_mirror" >"$WORK/mirror.tsv"
    if cmp -s "$WORK/source.tsv" "$WORK/mirror.tsv"; then
        say "  mirror equal to the source ($(wc -l <"$WORK/source.tsv") rows)"
        return 0
    fi
    say "  MIRROR DIFFERS from the source: $(diff "$WORK/source.tsv" "$WORK/mirror.tsv" | grep -c '^[<>]') lines differ; kept in $WORK"
    cp "$WORK/source.tsv" "$WORK/source-differs-$(date +%s).tsv"
    cp "$WORK/mirror.tsv" "$WORK/mirror-differs-$(date +%s).tsv"
    return 1
}

# The number of rows in the change log now (0 when it does not exist).
log_rows() {
    local exists
    if [[ "$1" == pg ]]; then
        exists="$(pg_sql "$SOAK_DB" -c "SELECT to_regclass('_tidemark_changes') IS NOT NULL")"
        if [[ "$exists" == t ]]; then
            pg_sql "$SOAK_DB" -c "SELECT count(*) FROM _tidemark_changes"
        else
            echo 0
        fi
    else
        exists="$(maria_sql "$SOAK_DB" -e "SELECT COUNT(*) FROM information_schema.tables
            WHERE table_schema = DATABASE() AND table_name = '_tidemark_changes'")"
        if ((exists)); then
            maria_sql "$SOAK_DB" -e "SELECT COUNT(*) FROM _tidemark_changes"
        else
            echo 0
        fi
    fi
}

run_mode() {
    local src="$1" round="$2" mode="$3" tps transactions passes="-" applied="-" cli_cpu="-"
    local logged failed ticks_before ticks_after cpu_ms
    enter_mode "$mode"
    sleep 2
    say "round $round, $src, $mode: ${SECONDS_PER_RUN} s, $CLIENTS clients (load $(bench_load))"
    if [[ "$mode" == consumer ]]; then
        soak_start_watch
        # The watch's first pass (the sequencer, then a consumer pass with little to do).
        sleep 2
    fi
    ticks_before="$("${src}_cpu_ticks")"
    # Into a file, not through a pipe: a generator that fails must end the run (soak_die).
    "${src}_run" "$SECONDS_PER_RUN" "r$round-$mode" >"$WORK/run.rate"
    # The generator's connections end as it exits; their server processes end with them.
    sleep 0.5
    ticks_after="$("${src}_cpu_ticks")"
    read -r tps transactions <"$WORK/run.rate"
    # The server's CPU per transaction, in milliseconds.
    cpu_ms="$(awk -v t=$((ticks_after - ticks_before)) -v hz="$TICKS_PER_S" -v n="$transactions" \
        'BEGIN { printf "%.3f", (n > 0) ? 1000 * t / hz / n : 0 }')"
    logged="$(log_rows "$src")"
    if [[ "$mode" == consumer ]]; then
        cli_cpu="$(awk -v t="$(proc_ticks "$WATCH_PID")" -v hz="$TICKS_PER_S" 'BEGIN { printf "%.1f", t / hz }')"
        soak_stop_watch || { FAILED=1; say "  the watch failed"; }
        read -r passes applied _ _ failed < <(bench_changes_applied "$WORK/watch.log")
        ((failed == 0)) || { FAILED=1; say "  $failed failed passes in the watch"; }
        cp "$WORK/watch.log" "$WORK/watch-r$round.log"
    fi
    say "  $tps transactions/s; server CPU $cpu_ms ms per transaction; change log rows at the end: $logged; watch: $passes passes, $applied changes applied, $cli_cpu s CPU"
    echo "$src $round $mode $tps $cpu_ms $logged $passes $applied $cli_cpu" >>"$RESULTS"
    if [[ "$mode" == consumer ]]; then
        compare "$src" || FAILED=1
    fi
}

measure_source() {
    local src="$1" round i modes=(none triggers consumer)
    bench_use_source "$src"
    INSTALLED=0
    "${src}_prepare"
    for ((round = 1; round <= ROUNDS; round++)); do
        for ((i = 0; i < 3; i++)); do
            run_mode "$src" "$round" "${modes[$(((round - 1 + i) % 3))]}"
        done
    done
    enter_mode none
}

for src in $BENCH_SOURCES; do
    measure_source "$src"
done

# ---------------------------------------------------------------------------------------------
# Summary: per mode the median (range) of the transactions per second; per round each capture
# mode over the run without capture of the same round.

echo
echo "runs (source round mode tps server_cpu_ms_per_tx log_rows_at_end watch_passes watch_changes_applied watch_cpu_s):"
cat "$RESULTS"
echo
for src in $BENCH_SOURCES; do
    for mode in none triggers consumer; do
        read -r m lo hi n < <(awk -v s="$src" -v m="$mode" '$1 == s && $3 == m { print $4 }' "$RESULTS" | bench_stats 1)
        read -r cm clo chi _ < <(awk -v s="$src" -v m="$mode" '$1 == s && $3 == m { print $5 }' "$RESULTS" | bench_stats 3)
        echo "SUMMARY $src $mode tps median $m range $lo..$hi; server CPU ms/tx median $cm range $clo..$chi; runs $n"
    done
    # Per round: tps with / tps without (the target: at least 0.7), and the server's CPU per
    # transaction without / with (the same ratio if the server's CPU were all that limited it).
    for mode in triggers consumer; do
        read -r m lo hi n < <(awk -v s="$src" -v m="$mode" '
            $1 == s && $3 == "none" { base[$2] = $4 }
            $1 == s && $3 == m { with[$2] = $4 }
            END { for (r in with) if (base[r] > 0) print with[r] / base[r] }' "$RESULTS" | bench_stats 3)
        read -r cm clo chi _ < <(awk -v s="$src" -v m="$mode" '
            $1 == s && $3 == "none" { base[$2] = $5 }
            $1 == s && $3 == m { with[$2] = $5 }
            END { for (r in with) if (with[r] > 0) print base[r] / with[r] }' "$RESULTS" | bench_stats 3)
        echo "SUMMARY $src $mode/none tps ratio median $m range $lo..$hi; CPU-per-tx ratio (none/$mode) median $cm range $clo..$chi; rounds $n"
    done
done
if ((FAILED)); then
    BENCH_KEEP=1
    echo "FAILED: a Tidemark command failed or a mirror differed"
    exit "$SOAK_EXIT_DIFFERS"
fi
