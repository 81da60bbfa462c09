# Sourced by the generator soaks (pgbench_soak.sh, sysbench_soak.sh): the test servers that
# scripts/testservers.sh starts, found through the TIDEMARK_PG_* / TIDEMARK_MARIA_* variables
# its env.sh exports, and each soak's own scratch databases on them.
#
# The soaks talk to the servers through the databases' own clients (psql, mariadb), never
# through Tidemark's engine: what checks the engine must not share its code.
#
# Exit codes every soak uses: 0 equal, 1 the mirror differs (or a Tidemark command failed),
# 2 the run could not be set up, 77 (ctest's "skipped") no servers and TIDEMARK_REQUIRE_SERVERS
# is not 1.

SOAK_EXIT_DIFFERS=1
SOAK_EXIT_SETUP=2
SOAK_EXIT_SKIPPED=77

say() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*"; }

# Ends the soak with `code`, after the message on stderr.
soak_die() {
    local code="$1"
    shift
    echo "$(basename "$0"): $*" >&2
    exit "$code"
}

# No server, or one that does not answer: a skip, unless CI said servers are required.
soak_no_servers() {
    if [[ "${TIDEMARK_REQUIRE_SERVERS:-}" == 1 ]]; then
        soak_die "$SOAK_EXIT_SETUP" "$* (TIDEMARK_REQUIRE_SERVERS=1)"
    fi
    soak_die "$SOAK_EXIT_SKIPPED" "$*; skipped (run it through ./test.sh, or scripts/testservers.sh start DIR and source DIR/env.sh)"
}

is_loopback() {
    [[ "$1" == 127.* || "$1" == localhost || "$1" == ::1 ]]
}

# The PostgreSQL client programs of the newest installed version: /usr/bin/psql and
# /usr/bin/pgbench are Debian's pg_wrapper, which wants a cluster it knows to pick a version.
pg_bindir() {
    if [[ -n "${TIDEMARK_PG_BINDIR:-}" && -x "$TIDEMARK_PG_BINDIR/psql" ]]; then
        echo "$TIDEMARK_PG_BINDIR"
        return
    fi
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

# Checks that both servers are configured, on loopback, and answer; sets PG_BIN.
soak_require_servers() {
    local var
    for var in TIDEMARK_PG_HOST TIDEMARK_PG_PORT TIDEMARK_PG_USER TIDEMARK_PG_PASSWORD \
        TIDEMARK_MARIA_HOST TIDEMARK_MARIA_PORT TIDEMARK_MARIA_USER TIDEMARK_MARIA_PASSWORD; do
        [[ -n "${!var:-}" ]] || soak_no_servers "$var is not set"
    done
    # The soaks create and drop databases: only on the throwaway servers on this machine.
    for var in TIDEMARK_PG_HOST TIDEMARK_MARIA_HOST; do
        is_loopback "${!var}" ||
            soak_die "$SOAK_EXIT_SETUP" "$var is '${!var}'; the soaks only use servers on loopback"
    done
    PG_BIN="$(pg_bindir)"
    [[ -x "$PG_BIN/psql" && -x "$PG_BIN/pgbench" ]] ||
        soak_die "$SOAK_EXIT_SETUP" "psql and pgbench not found under /usr/lib/postgresql/*/bin (scripts/install-deps.sh --test)"
    command -v mariadb >/dev/null ||
        soak_die "$SOAK_EXIT_SETUP" "the mariadb client is not installed (scripts/install-deps.sh --test)"
    pg_sql postgres -c 'SELECT 1' >/dev/null 2>&1 ||
        soak_no_servers "PostgreSQL at $TIDEMARK_PG_HOST:$TIDEMARK_PG_PORT does not answer"
    maria_sql -e 'SELECT 1' >/dev/null 2>&1 ||
        soak_no_servers "MariaDB at $TIDEMARK_MARIA_HOST:$TIDEMARK_MARIA_PORT does not answer"
}

# psql on database $1 (the rest are psql's arguments): unaligned, tab-separated, no headers,
# stops at the first error.
pg_sql() {
    local db="$1"
    shift
    PGPASSWORD="$TIDEMARK_PG_PASSWORD" PGCONNECT_TIMEOUT=5 "$PG_BIN/psql" -X -q -At -F $'\t' \
        -v ON_ERROR_STOP=1 -h "$TIDEMARK_PG_HOST" -p "$TIDEMARK_PG_PORT" \
        -U "$TIDEMARK_PG_USER" -d "$db" "$@"
}

# The mariadb client (arguments are its own): batch mode, tab-separated, no headers.
maria_sql() {
    MYSQL_PWD="$TIDEMARK_MARIA_PASSWORD" mariadb --no-defaults --connect-timeout=5 -N -B \
        -h "$TIDEMARK_MARIA_HOST" -P "$TIDEMARK_MARIA_PORT" -u "$TIDEMARK_MARIA_USER" "$@"
}

# A scratch database on each server, named after the soak and this process, so parallel tests
# on the shared servers never meet its tables (nor its _tidemark_state). Dropped by
# soak_drop_databases (the soaks call it on exit).
soak_create_databases() {
    SOAK_DB="soak_$1_$$"
    pg_sql postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $SOAK_DB" \
        -c "CREATE DATABASE $SOAK_DB" >/dev/null
    maria_sql -e "DROP DATABASE IF EXISTS $SOAK_DB; CREATE DATABASE $SOAK_DB CHARACTER SET utf8mb4"
}

soak_drop_databases() {
    [[ -n "${SOAK_DB:-}" ]] || return 0
    pg_sql postgres -c "DROP DATABASE IF EXISTS $SOAK_DB WITH (FORCE)" >/dev/null 2>&1 ||
        echo "$(basename "$0"): could not drop PostgreSQL database $SOAK_DB" >&2
    maria_sql -e "DROP DATABASE IF EXISTS $SOAK_DB" 2>/dev/null ||
        echo "$(basename "$0"): could not drop MariaDB database $SOAK_DB" >&2
}
