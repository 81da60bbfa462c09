#!/usr/bin/env bash
# Soak with a workload nobody on the team wrote: pgbench's TPC-B on a PostgreSQL source,
# mirrored into MariaDB by `tidemark-cli sync --watch` while pgbench runs; then SIGTERM, one
# `sync`, one `sweep`, and a row-for-row comparison of every mirrored table.
#
#   bench/soak/pgbench_soak.sh --cli PATH [--seconds 180] [--size 5] [--clients 8]
#                              [--baseline-seconds S] [--work DIR]
#
# --size is pgbench's scale (100,000 accounts each). --baseline-seconds S runs the same mix for
# S seconds before the watch starts: the transactions per second without the sync, beside
# those with it. Servers: the ones TIDEMARK_PG_* / TIDEMARK_MARIA_* name (./test.sh,
# scripts/testservers.sh); the soak works in a database of its own on each and drops them at
# the end. Exit codes: see soakdb.sh; the last line is the result (bench/soak/run.sh).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=soakrun.sh
source "$HERE/soakrun.sh"

SOAK_SIZE=5
soak_parse_args "$@"

# TPC-B stamps the account first and commits after the teller, branch and history writes; on
# a few branches a transaction waits for the branch row's lock behind the other clients'
# transactions, each a few milliseconds (tens on two loaded cores). A row stamped that long
# before its commit is read again by the next pass as long as the gap stays inside the
# lookback: 5 s covers it a hundredfold, for the price of re-reading 5 s of changes per pass.
SOAK_LOOKBACK_S=5
# pgbench_history has no key (and is only ever inserted into), so it is not mirrored.
TABLES=(pgbench_accounts pgbench_tellers pgbench_branches)

pgbench() {
    PGPASSWORD="$TIDEMARK_PG_PASSWORD" "$PG_BIN/pgbench" -h "$TIDEMARK_PG_HOST" \
        -p "$TIDEMARK_PG_PORT" -U "$TIDEMARK_PG_USER" "$@" "$SOAK_DB"
}

generator_prepare() {
    say "pgbench -i, scale $SOAK_SIZE ($((SOAK_SIZE * 100000)) accounts), in PostgreSQL database $SOAK_DB"
    pgbench -i -q -s "$SOAK_SIZE" >"$WORK/pgbench-init.log" 2>&1 ||
        soak_die "$SOAK_EXIT_SETUP" "pgbench -i failed: $(tail -n 5 "$WORK/pgbench-init.log")"
    # pgbench's tables have no cursor: updated_at, set at every insert and update from the
    # server's clock (clock_timestamp(), not now(): now() is the transaction's start, the same
    # for every row it writes and the older the longer it waited for a lock), with an index so
    # that a pass does not scan the table.
    {
        echo "CREATE FUNCTION soak_touch() RETURNS trigger LANGUAGE plpgsql AS"
        echo "\$\$ BEGIN NEW.updated_at := clock_timestamp(); RETURN NEW; END \$\$;"
        local t
        for t in "${TABLES[@]}"; do
            echo "ALTER TABLE $t ADD COLUMN updated_at timestamptz(6) NOT NULL DEFAULT clock_timestamp();"
            echo "CREATE TRIGGER soak_touch BEFORE INSERT OR UPDATE ON $t"
            echo "    FOR EACH ROW EXECUTE FUNCTION soak_touch();"
            echo "CREATE INDEX ${t}_updated_at ON $t (updated_at);"
        done
    } | pg_sql "$SOAK_DB" >/dev/null
}

# 8 in 10 transactions are TPC-B, 1 closes an account, 1 opens a closed one again
# (pgbench_delete.sql, pgbench_reopen.sql).
generator_run() {
    local log="$WORK/pgbench-$2.log"
    pgbench -n -c "$SOAK_CLIENTS" -j 2 -T "$1" -b tpcb-like@8 -f "$HERE/pgbench_delete.sql@1" \
        -f "$HERE/pgbench_reopen.sql@1" >"$log" 2>&1 ||
        soak_die "$SOAK_EXIT_SETUP" "pgbench failed: $(tail -n 5 "$log")"
    echo "$(sed -n 's/^tps = \([0-9.]*\) (without initial connection time)$/\1/p' "$log")" \
        "$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$log")"
}

soak_setup pgbench
generator_prepare
soak_write_project postgres mariadb "${TABLES[@]}"
soak_run

# Every column as text that means the same on both sides: integers as digits, the timestamp
# in UTC to the microsecond, filler (character(n), blank-padded) as each database returns it;
# NULL as <null>, which no value here can be (the two clients print NULL differently). The
# key comes first.
declare -A COLUMNS=(
    [pgbench_accounts]="aid bid abalance filler"
    [pgbench_tellers]="tid bid tbalance filler"
    [pgbench_branches]="bid bbalance filler"
)
differs=0
for t in "${TABLES[@]}"; do
    pg_select=() maria_select=()
    for c in ${COLUMNS[$t]}; do
        # ::text would drop character(n)'s padding in PostgreSQL; the bare column keeps it.
        if [[ "$c" == filler ]]; then
            pg_select+=("COALESCE($c, '<null>')")
        else
            pg_select+=("COALESCE($c::text, '<null>')")
        fi
        maria_select+=("COALESCE($c, '<null>')")
    done
    key="${COLUMNS[$t]%% *}"
    soak_compare_dumps "$t" \
        pg_sql "$SOAK_DB" -c "SELECT $(IFS=,; echo "${pg_select[*]}"),
            to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') FROM $t ORDER BY $key" -- \
        maria_sql "$SOAK_DB" -e "SELECT $(IFS=,; echo "${maria_select[*]}"),
            DATE_FORMAT(updated_at, '%Y-%m-%d %H:%i:%s.%f') FROM $t ORDER BY $key" ||
        differs=1
done
soak_report "pgbench->mariadb" "$differs" "scale=$SOAK_SIZE"
