#!/usr/bin/env bash
# Soak with a workload nobody on the team wrote: sysbench's oltp_read_write on a MariaDB
# source, mirrored into PostgreSQL by `tidemark-cli sync --watch` while sysbench runs; then
# SIGTERM, one `sync`, one `sweep`, and a row-for-row comparison of every mirrored table.
#
#   bench/soak/sysbench_soak.sh --cli PATH [--seconds 180] [--size 25000] [--clients 8]
#                               [--tables 4] [--baseline-seconds S] [--work DIR]
#
# --size is the rows per sbtest table, --clients sysbench's threads. --baseline-seconds S runs
# the same workload for S seconds before the watch starts: the transactions per second without
# the sync, beside those with it. Servers: the ones TIDEMARK_PG_* / TIDEMARK_MARIA_* name
# (./test.sh, scripts/testservers.sh); the soak works in a database of its own on each and
# drops them at the end. Exit codes: see soakdb.sh; the last line is the result.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=soakrun.sh
source "$HERE/soakrun.sh"

SOAK_SIZE=25000
TABLE_COUNT=4
args=()
while (($#)); do
    if [[ "$1" == --tables ]]; then
        TABLE_COUNT="${2:-}"
        shift 2 || soak_die "$SOAK_EXIT_SETUP" "--tables needs a number"
    else
        args+=("$1")
        shift
    fi
done
soak_parse_args "${args[@]}"
[[ "$TABLE_COUNT" =~ ^[1-9][0-9]*$ ]] || soak_die "$SOAK_EXIT_SETUP" "--tables must be 1 or more"

# MariaDB stamps a row with CURRENT_TIMESTAMP(6): the start of the statement that writes it.
# An oltp_read_write transaction is about twenty short statements; its commit follows its
# first update by milliseconds, tens on two loaded cores, longer only while it waits for a row
# lock another such transaction holds (as briefly). 5 s of lookback covers that a hundredfold.
SOAK_LOOKBACK_S=5
TABLES=()
for ((i = 1; i <= TABLE_COUNT; i++)); do
    TABLES+=("sbtest$i")
done

# sysbench reads the password from a file only this user can read, not from its command line.
sysbench_config() {
    (
        umask 077
        printf '%s\n' db-driver=mysql "mysql-host=$TIDEMARK_MARIA_HOST" \
            "mysql-port=$TIDEMARK_MARIA_PORT" "mysql-user=$TIDEMARK_MARIA_USER" \
            "mysql-password=$TIDEMARK_MARIA_PASSWORD" "mysql-db=$SOAK_DB" >"$WORK/sysbench.conf"
    )
}

sysbench_cmd() {
    sysbench --config-file="$WORK/sysbench.conf" oltp_read_write --tables="$TABLE_COUNT" \
        --table-size="$SOAK_SIZE" "$@"
}

generator_prepare() {
    command -v sysbench >/dev/null ||
        soak_die "$SOAK_EXIT_SETUP" "sysbench is not installed (scripts/install-deps.sh --test)"
    say "sysbench prepare: $TABLE_COUNT tables of $SOAK_SIZE rows in MariaDB database $SOAK_DB"
    sysbench_config
    sysbench_cmd prepare >"$WORK/sysbench-prepare.log" 2>&1 ||
        soak_die "$SOAK_EXIT_SETUP" "sysbench prepare failed: $(tail -n 5 "$WORK/sysbench-prepare.log")"
    # sbtest has no cursor. Added after prepare, so every row sysbench loaded gets the same
    # value: one tie of the whole table, which the first sync must page through by key.
    local t
    for t in "${TABLES[@]}"; do
        maria_sql "$SOAK_DB" -e "ALTER TABLE $t ADD COLUMN updated_at DATETIME(6) NOT NULL
            DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
            ADD INDEX ${t}_updated_at (updated_at)"
    done
}

# oltp_read_write's own mix: per transaction 10 point selects, 4 range selects, an update of
# the indexed k, an update of c, and a row deleted and inserted again under the same id.
generator_run() {
    local log="$WORK/sysbench-$2.log"
    sysbench_cmd --threads="$SOAK_CLIENTS" --time="$1" --report-interval=0 run >"$log" 2>&1 ||
        soak_die "$SOAK_EXIT_SETUP" "sysbench run failed: $(tail -n 5 "$log")"
    sed -n 's/^ *transactions: *\([0-9]*\) *(\([0-9.]*\) per sec.)$/\2 \1/p' "$log"
}

soak_setup sysbench
generator_prepare
soak_write_project mariadb postgres "${TABLES[@]}"
soak_run

# Every column as text that means the same on both sides: integers as digits, the timestamp
# to the microsecond (DATETIME(6) mirrored as timestamp(6), both without a zone), c and pad as
# stored (MariaDB returns CHAR without trailing spaces; the mirror's text column holds what it
# returned); NULL as <null>, which no value here can be. The key comes first.
differs=0
for t in "${TABLES[@]}"; do
    soak_compare_dumps "$t" \
        maria_sql "$SOAK_DB" -e "SELECT id, k, c, pad, DATE_FORMAT(updated_at, '%Y-%m-%d %H:%i:%s.%f')
            FROM $t ORDER BY id" -- \
        pg_sql "$SOAK_DB" -c "SELECT id::text, k::text, COALESCE(c, '<null>'), COALESCE(pad, '<null>'),
            COALESCE(to_char(updated_at, 'YYYY-MM-DD HH24:MI:SS.US'), '<null>') FROM $t ORDER BY id" ||
        differs=1
done
soak_report "sysbench->postgres" "$differs" "rows_per_table=$SOAK_SIZE tables=$TABLE_COUNT"
