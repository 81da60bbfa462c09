#!/usr/bin/env bash
# End-to-end lag of trigger capture (issue 12, "Speed"): a writer commits about --rate row
# changes per second to a captured source table while `tidemark-cli sync --watch`
# (interval_s 1) mirrors it into an SQLite file; the lag of a row version is the time it
# becomes visible in the mirror minus the time it was written in the source.
#
#   bench/capture/lag.sh --cli PATH [--seconds 60] [--rate 1000] [--source pg|maria|both]
#                        [--quick] [--work DIR]
#
# The source table: lagtest(id bigint key, written_us bigint, payload), 100,000 rows loaded
# beforehand (written_us 0) and backfilled by a first `sync` before anything is measured.
# The writer, 4 connections, each statement its own transaction (autocommit), half of them
#   INSERT INTO lagtest (written_us, payload) VALUES (<now in µs since the epoch>, ...)
# and half an UPDATE of a random loaded row setting written_us to the same expression;
# <now> is clock_timestamp() on PostgreSQL (pgbench -R RATE, a Poisson schedule) and NOW(6)
# on MariaDB (sysbench --rate RATE, a Lua script). The commit follows the statement at once,
# so written_us is the commit time less the commit's own duration: the lag is overstated by
# that (under a millisecond), never understated.
#
# The mirror side, read by sqlite3 in one session that the mirror never waits for long: every
# 100 ms one statement
#   INSERT OR IGNORE INTO arrivals SELECT id, written_us, <now in µs>
#     FROM mirror's lagtest WHERE written_us > (newest written_us seen) - 10 s
# into a separate file (arrivals.db), so a version is recorded once, at the first read that
# sees it. SQLite takes 'now' once per statement, after the statement's read lock: a version
# read at seen_us was visible then, and was not visible at the previous read, so the true
# arrival lies within one poll period (about 100 ms plus the read) before seen_us: the lag is
# again overstated, by at most that. Both clocks are this machine's (the servers are local).
# The mirror table gets an index on written_us for these reads (the engine does not mind an
# extra index).
#
# After the writer stops the watch runs until the mirror equals the source on (id,
# written_us), at most 30 s. Every version left in the source must then be in arrivals; one
# that is not (it was visible only after newer versions were 10 s ahead of it) counts as an
# infinite lag. A version overwritten by a later update before the consumer read the row is
# never visible in the mirror and has no lag (the consumer re-reads the live row): the
# summary counts them.
#
# Prints per source the writer's achieved rate, the versions seen, and the lag's median, p95,
# p99 and maximum, and whether p95 <= 2 s. --quick: 10 s. Exit codes: 0 done, 1 a Tidemark
# command failed or the mirror differs, 2 setup, 77 no servers.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=capturebench.sh
source "$HERE/capturebench.sh"

RUN_SECONDS=60
RATE=1000
PRELOAD=100000
WINDOW_US=10000000
TARGET_P95_MS=2000
bench_own_option() {
    case "$1" in
        --seconds) RUN_SECONDS="$2" ;;
        --rate) RATE="$2" ;;
        *) return 1 ;;
    esac
}
bench_parse_args "$@"
((BENCH_QUICK)) && RUN_SECONDS=10
for n in "$RUN_SECONDS" "$RATE"; do
    [[ "$n" =~ ^[1-9][0-9]*$ ]] || soak_die "$SOAK_EXIT_SETUP" "'$n' is not a whole number above 0"
done
command -v sqlite3 >/dev/null || soak_die "$SOAK_EXIT_SETUP" "sqlite3 is not installed"

bench_setup lag
FAILED=0
SUMMARY="$BENCH_ROOT/summary.txt"
: >"$SUMMARY"

# ---------------------------------------------------------------------------------------------
# Source table and writer, per source.

pg_prepare() {
    pg_sql "$SOAK_DB" >/dev/null <<SQL
CREATE TABLE lagtest (id bigserial PRIMARY KEY, written_us bigint NOT NULL, payload text NOT NULL);
INSERT INTO lagtest (written_us, payload) SELECT 0, 'loaded' FROM generate_series(1, $PRELOAD);
VACUUM ANALYZE lagtest;
SQL
    local now_us="(extract(epoch FROM clock_timestamp()) * 1000000)::bigint"
    echo "INSERT INTO lagtest (written_us, payload) VALUES ($now_us, 'inserted');" >"$WORK/insert.sql"
    printf '%s\n' "\\set id random(1, $PRELOAD)" \
        "UPDATE lagtest SET written_us = $now_us, payload = 'updated' WHERE id = :id;" >"$WORK/update.sql"
    bench_write_project postgres lagtest id
}

# Prints "<transactions per second> <transactions>".
pg_write() {
    local log="$WORK/pgbench.log"
    PGPASSWORD="$TIDEMARK_PG_PASSWORD" "$PG_BIN/pgbench" -h "$TIDEMARK_PG_HOST" \
        -p "$TIDEMARK_PG_PORT" -U "$TIDEMARK_PG_USER" -n -c 4 -j 2 -R "$RATE" -T "$1" \
        -f "$WORK/insert.sql@1" -f "$WORK/update.sql@1" "$SOAK_DB" >"$log" 2>&1 ||
        soak_die "$SOAK_EXIT_SETUP" "pgbench failed: $(tail -n 5 "$log")"
    echo "$(sed -n 's/^tps = \([0-9.]*\) (without initial connection time)$/\1/p' "$log")" \
        "$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$log")"
}

pg_dump_source() {
    pg_sql "$SOAK_DB" -c "SELECT id, written_us FROM lagtest ORDER BY id"
}

maria_prepare() {
    command -v sysbench >/dev/null || soak_die "$SOAK_EXIT_SETUP" "sysbench is not installed"
    maria_sql "$SOAK_DB" -e "CREATE TABLE lagtest (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
            written_us BIGINT NOT NULL, payload VARCHAR(40) NOT NULL) ENGINE=InnoDB;
        INSERT INTO lagtest (written_us, payload) SELECT 0, 'loaded' FROM seq_1_to_$PRELOAD;"
    (
        umask 077
        printf '%s\n' db-driver=mysql "mysql-host=$TIDEMARK_MARIA_HOST" \
            "mysql-port=$TIDEMARK_MARIA_PORT" "mysql-user=$TIDEMARK_MARIA_USER" \
            "mysql-password=$TIDEMARK_MARIA_PASSWORD" "mysql-db=$SOAK_DB" >"$WORK/sysbench.conf"
    )
    local now_us="CAST(UNIX_TIMESTAMP(NOW(6)) * 1000000 AS SIGNED)"
    cat >"$WORK/writer.lua" <<LUA
function thread_init()
    drv = sysbench.sql.driver()
    con = drv:connect()
end
function thread_done()
    con:disconnect()
end
function event()
    if sysbench.rand.uniform(1, 2) == 1 then
        con:query("INSERT INTO lagtest (written_us, payload) VALUES ($now_us, 'inserted')")
    else
        con:query(string.format("UPDATE lagtest SET written_us = $now_us, payload = 'updated' WHERE id = %d",
            sysbench.rand.uniform(1, $PRELOAD)))
    end
end
LUA
    bench_write_project mariadb lagtest id
}

maria_write() {
    local log="$WORK/sysbench.log"
    sysbench --config-file="$WORK/sysbench.conf" "$WORK/writer.lua" --threads=4 --rate="$RATE" \
        --time="$1" --report-interval=0 run >"$log" 2>&1 ||
        soak_die "$SOAK_EXIT_SETUP" "sysbench failed: $(tail -n 5 "$log")"
    sed -n 's/^ *transactions: *\([0-9]*\) *(\([0-9.]*\) per sec.)$/\2 \1/p' "$log"
}

maria_dump_source() {
    maria_sql "$SOAK_DB" -e "SELECT id, written_us FROM lagtest ORDER BY id"
}

mirror_dump() {
    sqlite3 -cmd ".timeout 5000" -separator $'\t' "$WORK/mirror.db" \
        "SELECT id, written_us FROM lagtest ORDER BY id"
}

# ---------------------------------------------------------------------------------------------
# The poller: one sqlite3 session, a statement every 100 ms, until $WORK/stop-poller exists.

POLLER_PID=
start_poller() {
    rm -f "$WORK/stop-poller" "$WORK/arrivals.db" "$WORK/polls"
    local poll="INSERT OR IGNORE INTO a.arrivals (id, written_us, seen_us)
        SELECT id, written_us, CAST((julianday('now') - 2440587.5) * 86400000000.0 AS INTEGER)
        FROM main.lagtest
        WHERE written_us > 0
          AND written_us > (SELECT COALESCE(MAX(written_us), 0) FROM a.arrivals) - $WINDOW_US;"
    {
        echo ".timeout 5000"
        echo ".bail on"
        echo "ATTACH '$WORK/arrivals.db' AS a;"
        echo "CREATE TABLE a.arrivals (id INTEGER NOT NULL, written_us INTEGER NOT NULL,"
        echo "    seen_us INTEGER NOT NULL, PRIMARY KEY (id, written_us));"
        echo "CREATE INDEX a.arrivals_written ON arrivals (written_us);"
        local polls=0
        while [[ ! -e "$WORK/stop-poller" ]]; do
            echo "$poll"
            polls=$((polls + 1))
            sleep 0.1
        done
        echo "$poll"
        echo "$((polls + 1))" >"$WORK/polls"
    } | sqlite3 "$WORK/mirror.db" >"$WORK/poller.log" 2>&1 &
    POLLER_PID=$!
}

stop_poller() {
    [[ -n "$POLLER_PID" ]] || return 0
    touch "$WORK/stop-poller"
    wait "$POLLER_PID" || { say "  the poller failed: $(tail -n 3 "$WORK/poller.log")"; FAILED=1; }
    POLLER_PID=
}
# shellcheck disable=SC2016 # expanded when the exit trap runs
BENCH_ON_EXIT+=('[[ -z "$POLLER_PID" ]] || { touch "$WORK/stop-poller"; wait "$POLLER_PID"; }')

# Percentile by nearest rank over sorted numbers on stdin: prints "p50 p95 p99 max mean n"
# (milliseconds, one decimal); "inf" where a percentile falls on a version never seen.
lag_stats() {
    sort -g | awk '
        { v[n++] = $1; if ($1 != "inf") s += $1 }
        function pct(p,   i) { i = int(p * n + 0.999999) - 1; if (i < 0) i = 0; return v[i] }
        function fmt(x) { return (x == "inf") ? "inf" : sprintf("%.1f", x) }
        END {
            if (n == 0) { print "- - - - - 0"; exit }
            printf "%s %s %s %s %.1f %d\n", fmt(pct(0.5)), fmt(pct(0.95)), fmt(pct(0.99)), fmt(v[n - 1]), s / n, n
        }'
}

# ---------------------------------------------------------------------------------------------

measure_source() {
    local src="$1" tps transactions polls passes applied failed i
    bench_use_source "$src"
    say "$src: lagtest with $PRELOAD rows in $SOAK_DB; prepare and the first sync (backfill)"
    "${src}_prepare"
    soak_cli prepare || soak_die "$SOAK_EXIT_DIFFERS" "prepare failed"
    soak_cli sync || soak_die "$SOAK_EXIT_DIFFERS" "the first sync failed"
    local type
    type="$(sqlite3 "$WORK/mirror.db" "SELECT type FROM pragma_table_info('lagtest') WHERE name = 'written_us'")"
    [[ "${type^^}" == *INT* ]] ||
        soak_die "$SOAK_EXIT_SETUP" "the mirror's written_us is '$type', not an integer column"
    sqlite3 "$WORK/mirror.db" "CREATE INDEX lagtest_written_us ON lagtest (written_us)"

    soak_start_watch
    sleep 3
    start_poller
    sleep 1
    say "$src: writer at $RATE changes/s for $RUN_SECONDS s, sync --watch and the poller running (load $(bench_load))"
    # Into a file, not through a pipe: a writer that fails must end the run (soak_die).
    "${src}_write" "$RUN_SECONDS" >"$WORK/writer.rate"
    read -r tps transactions <"$WORK/writer.rate"
    say "$src: writer done: $transactions changes, $tps per second; waiting for the mirror"
    "${src}_dump_source" >"$WORK/source.tsv"
    for ((i = 0; i < 30; i++)); do
        mirror_dump >"$WORK/mirror.tsv"
        cmp -s "$WORK/source.tsv" "$WORK/mirror.tsv" && break
        sleep 1
    done
    sleep 0.3
    stop_poller
    soak_stop_watch || { say "  the watch failed"; FAILED=1; }
    polls="$(cat "$WORK/polls" 2>/dev/null || echo 0)"
    read -r passes applied _ _ failed < <(bench_changes_applied "$WORK/watch.log")
    ((failed == 0)) || { say "  $failed failed passes in the watch"; FAILED=1; }
    local equal=equal
    if ! cmp -s "$WORK/source.tsv" "$WORK/mirror.tsv"; then
        equal="DIFFERS($(diff "$WORK/source.tsv" "$WORK/mirror.tsv" | grep -c '^[<>]') lines)"
        FAILED=1
    fi

    # Lags of the versions seen, and every final source version never seen as infinite.
    sqlite3 -separator $'\t' "$WORK/arrivals.db" "SELECT id, written_us, seen_us FROM arrivals" >"$WORK/arrivals.tsv"
    awk -F'\t' 'NR == FNR { seen[$1 "\t" $2] = 1; next } $2 > 0 && !(($1 "\t" $2) in seen)' \
        "$WORK/arrivals.tsv" "$WORK/source.tsv" >"$WORK/never-seen.tsv"
    local seen never p50 p95 p99 max mean n met
    seen="$(wc -l <"$WORK/arrivals.tsv")"
    never="$(wc -l <"$WORK/never-seen.tsv")"
    read -r p50 p95 p99 max mean n < <({
        awk -F'\t' '{ printf "%.3f\n", ($3 - $2) / 1000 }' "$WORK/arrivals.tsv"
        awk '{ print "inf" }' "$WORK/never-seen.tsv"
    } | lag_stats)
    met=no
    [[ "$p95" != inf ]] && awk -v p="$p95" -v t="$TARGET_P95_MS" 'BEGIN { exit !(p <= t) }' && met=yes
    # Lag per second of writing: the p95 of each second's versions, to see whether it grows.
    awk -F'\t' '{ s = int($2 / 1000000); print s, ($3 - $2) / 1000 }' "$WORK/arrivals.tsv" |
        sort -k1,1n -k2,2g | awk '
            { if ($1 != cur) { flush(); cur = $1 } v[n++] = $2 }
            function flush(  i) { if (n) { i = int(0.95 * n + 0.999999) - 1; printf "%d %d %.1f %.1f\n", cur, n, v[i], v[n - 1] } n = 0 }
            END { flush() }' >"$WORK/per-second.txt"
    local worst_second
    worst_second="$(sort -k3,3g "$WORK/per-second.txt" | tail -n 1 | awk '{ print $3 }')"

    say "$src: $seen versions seen in the mirror ($never final versions never seen), $polls polls, watch $passes passes ($applied changes applied); mirror $equal"
    say "$src: lag ms p50 $p50 p95 $p95 p99 $p99 max $max mean $mean; worst per-second p95 $worst_second"
    echo "RESULT $src rate_target=$RATE seconds=$RUN_SECONDS writer_tps=$tps changes=$transactions versions_seen=$seen never_seen=$never superseded=$((transactions - seen - never)) polls=$polls watch_passes=$passes changes_applied=$applied lag_ms_p50=$p50 p95=$p95 p99=$p99 max=$max mean=$mean worst_second_p95=$worst_second p95_le_2s=$met mirror=$equal" |
        tee -a "$SUMMARY"
    cp "$WORK/per-second.txt" "$BENCH_ROOT/per-second-$src.txt"
}

for src in $BENCH_SOURCES; do
    measure_source "$src"
done
echo
cat "$SUMMARY"
if ((FAILED)); then
    BENCH_KEEP=1
    echo "FAILED: a Tidemark command failed or the mirror differs"
    exit "$SOAK_EXIT_DIFFERS"
fi
