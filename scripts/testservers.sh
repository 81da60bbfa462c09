#!/usr/bin/env bash
# Throwaway PostgreSQL, MariaDB and ClickHouse servers for the test suite.
#
#   scripts/testservers.sh start DIR     init + start all three in DIR (created, or empty), write DIR/env.sh
#   scripts/testservers.sh stop DIR      stop them and remove DIR
#   scripts/testservers.sh status DIR    say which of them is running
#
# For fault tests (a lost connection, a server that comes back), on a DIR that `start` made:
#   scripts/testservers.sh pg-stop DIR [fast|immediate]     pg-start DIR
#   scripts/testservers.sh maria-stop DIR [term|kill]       maria-start DIR
#   scripts/testservers.sh ch-stop DIR [term|kill]          ch-start DIR
# A restarted server keeps its data folder, port and password.
#
# The servers listen on 127.0.0.1 only, on free ports that are never the defaults
# (5432/3306/8123/9000), with their sockets and data inside DIR. They are plain processes started
# here: no system service is touched, and a system server that happens to run is left alone.
# Each gets a user `tidemark` with a random password and a database `tidemark_test`.
#
# DIR/env.sh exports what the tests need (source it):
#   TIDEMARK_PG_HOST PORT USER PASSWORD DATABASE BINDIR DATADIR   (as TIDEMARK_PG_*)
#   TIDEMARK_MARIA_HOST PORT USER PASSWORD DATABASE DATADIR PIDFILE (as TIDEMARK_MARIA_*)
#   TIDEMARK_CH_HOST PORT USER PASSWORD DATABASE PIDFILE LOG        (as TIDEMARK_CH_*; PORT is HTTP)
#   TIDEMARK_TESTSERVERS (this script) and TIDEMARK_TESTSERVERS_DIR, for the fault commands.
# If one server cannot start, env.sh still exports the others and `start` exits 1.
set -euo pipefail

SCRIPT="$(readlink -f "${BASH_SOURCE[0]}")"
MARKER=".tidemark-testservers"
# How long a server may take to accept connections before we call it failed.
READY_TIMEOUT="${TIDEMARK_SERVER_TIMEOUT:-60}"
PG_SUPERUSER=postgres
TEST_USER=tidemark
TEST_DATABASE=tidemark_test
MARIA_SQL_MODE="STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION"

log() { echo "testservers: $*" >&2; }
die() {
    log "ERROR: $*"
    exit 1
}

usage() {
    sed -n '2,25p' "$SCRIPT" | sed 's/^# \{0,1\}//'
    exit 2
}

# ---------------------------------------------------------------------------------------------
# helpers

# A TCP port on 127.0.0.1 that nothing listens on. The kernel's choice for port 0 is free by
# construction; without python3 we probe a range below the ephemeral ports with bash's
# /dev/tcp (a refused connection means nobody listens there).
pick_port() {
    local port
    if command -v python3 >/dev/null 2>&1; then
        for _ in 1 2 3 4 5; do
            port="$(python3 -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()' 2>/dev/null)" || port=""
            if [[ "$port" =~ ^[0-9]+$ ]] && ((port != 5432 && port != 3306 && port != 8123 && port != 9000)); then
                echo "$port"
                return 0
            fi
        done
    fi
    for _ in $(seq 1 200); do
        port=$((20000 + RANDOM % 10000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return 0
        fi
    done
    die "found no free TCP port on 127.0.0.1"
}

random_password() {
    # Hex only: it goes into SQL string literals and shell files without any quoting trouble.
    head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n'
}

# Is the process `pid` alive (and not a zombie)?
alive() {
    local pid="$1"
    [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
    # A stopped server whose parent is gone stays a zombie until init reaps it: it counts as
    # gone. (Read from /proc: a minimal Debian has no `ps`.)
    local stat
    stat="$(cat "/proc/$pid/stat" 2>/dev/null)" || return 1
    stat="${stat##*) }"
    [[ -n "$stat" && "${stat:0:1}" != Z ]]
}

# Waits up to `seconds` for `pid` to exit; returns 1 if it is still there.
wait_gone() {
    local pid="$1" seconds="$2" i
    for ((i = 0; i < seconds * 10; i++)); do
        alive "$pid" || return 0
        sleep 0.1
    done
    ! alive "$pid"
}

require_dir() {
    [[ -n "${DIR:-}" ]] || usage
    [[ -f "$DIR/$MARKER" ]] || die "$DIR was not made by 'testservers.sh start' (no $MARKER in it)"
}

# PostgreSQL refuses to run as root, and MariaDB wants to be told explicitly; as root both run
# as their Debian system users, otherwise as whoever runs this script.
# ClickHouse runs as its Debian system user too (a server started by root would own its
# data folder as root and serve with every privilege of root).
if ((EUID == 0)); then
    PG_OS_USER=postgres
    MARIA_OS_USER=mysql
    CH_OS_USER=clickhouse
else
    PG_OS_USER="$(id -un)"
    MARIA_OS_USER="$(id -un)"
    CH_OS_USER="$(id -un)"
fi

as_pg() {
    # cd into DIR first: runuser keeps the cwd, and postgres cannot enter /root.
    if ((EUID == 0)); then
        (cd "$DIR" && runuser -u "$PG_OS_USER" -- "$@")
    else
        (cd "$DIR" && "$@")
    fi
}

# ---------------------------------------------------------------------------------------------
# PostgreSQL

pg_bindir() {
    local dir
    dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
    [[ -n "$dir" && -x "$dir/initdb" && -x "$dir/pg_ctl" ]] ||
        die "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin (apt-get install postgresql)"
    echo "$dir"
}

pg_paths() {
    PG_DIR="$DIR/pg"
    PG_DATA="$PG_DIR/data"
    PG_SOCKDIR="$PG_DIR/run"
    PG_LOG="$PG_DIR/postgres.log"
}

pg_launch() {
    pg_paths
    local bindir port
    bindir="$(cat "$PG_DIR/bindir")"
    port="$(cat "$PG_DIR/port")"
    log "starting PostgreSQL on 127.0.0.1:$port (log: $PG_LOG)"
    # pg_ctl puts the postmaster in its own session, so a Ctrl-C in the terminal that runs the
    # tests does not reach it; stop goes through pg_ctl below.
    if ! as_pg "$bindir/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t "$READY_TIMEOUT" start >/dev/null; then
        log "PostgreSQL did not start; last lines of $PG_LOG:"
        tail -n 20 "$PG_LOG" >&2 || true
        return 1
    fi
    local i
    for ((i = 0; i < READY_TIMEOUT; i++)); do
        if "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port" -t 2; then
            return 0
        fi
        sleep 1
    done
    log "PostgreSQL did not accept TCP connections on 127.0.0.1:$port within ${READY_TIMEOUT}s; see $PG_LOG"
    return 1
}

pg_start_new() {
    pg_paths
    local bindir port password
    bindir="$(pg_bindir)"
    port="$(pick_port)"
    password="$(random_password)"

    mkdir -p "$PG_DATA" "$PG_SOCKDIR"
    echo "$bindir" >"$PG_DIR/bindir"
    echo "$port" >"$PG_DIR/port"
    (umask 077 && echo "$password" >"$PG_DIR/password")
    chmod 700 "$PG_DATA"
    if ((EUID == 0)); then
        chown -R "$PG_OS_USER:" "$PG_DIR"
    fi

    # peer auth on the socket (only the OS user `postgres` gets in as `postgres`); passwords
    # over TCP, which is how the tests connect.
    if ! as_pg "$bindir/initdb" -D "$PG_DATA" -U "$PG_SUPERUSER" -E UTF8 --no-locale \
        --auth-local=peer --auth-host=scram-sha-256 --no-sync >"$PG_DIR/initdb.log" 2>&1; then
        log "initdb failed; see $PG_DIR/initdb.log:"
        tail -n 20 "$PG_DIR/initdb.log" >&2 || true
        return 1
    fi
    # Written into the data folder (not passed with -o) so `pg-start` after a fault test brings
    # the server back exactly as it was. Durability settings are off: the folder is thrown
    # away, and fsync on a busy CI disk only makes the suite slower.
    cat >>"$PG_DATA/postgresql.conf" <<CONF

# --- tidemark test server (scripts/testservers.sh) ---
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$PG_SOCKDIR'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
timezone = 'UTC'
log_timezone = 'UTC'
CONF

    pg_launch || return 1

    if ! as_pg "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCKDIR" -p "$port" \
        -U "$PG_SUPERUSER" -d postgres \
        -c "CREATE ROLE $TEST_USER LOGIN SUPERUSER PASSWORD '$password'" \
        -c "CREATE DATABASE $TEST_DATABASE OWNER $TEST_USER" >>"$PG_DIR/setup.log" 2>&1; then
        log "could not create user/database on PostgreSQL; see $PG_DIR/setup.log"
        return 1
    fi
    # The way the tests will connect: TCP, password.
    if ! PGPASSWORD="$password" "$bindir/psql" -X -q -At -h 127.0.0.1 -p "$port" \
        -U "$TEST_USER" -d "$TEST_DATABASE" -c "SELECT 1" >/dev/null 2>>"$PG_DIR/setup.log"; then
        log "PostgreSQL is up but '$TEST_USER' cannot log in over TCP; see $PG_DIR/setup.log"
        return 1
    fi
    log "PostgreSQL ready: $TEST_USER@127.0.0.1:$port/$TEST_DATABASE"
}

pg_running() {
    pg_paths
    [[ -f "$PG_DATA/postmaster.pid" ]] && alive "$(head -n 1 "$PG_DATA/postmaster.pid")"
}

pg_stop() {
    local mode="${1:-fast}"
    pg_paths
    [[ -d "$PG_DATA" && -f "$PG_DIR/bindir" ]] || return 0
    pg_running || return 0
    local bindir pid
    bindir="$(cat "$PG_DIR/bindir")"
    pid="$(head -n 1 "$PG_DATA/postmaster.pid")"
    log "stopping PostgreSQL ($mode, pid $pid)"
    as_pg "$bindir/pg_ctl" -D "$PG_DATA" -m "$mode" -w -t 30 stop >/dev/null 2>&1 || true
    if ! wait_gone "$pid" 5; then
        # The postmaster leads its own process group (pg_ctl made it a session leader):
        # killing the group takes the backends with it.
        log "PostgreSQL did not stop in time; killing process group $pid"
        kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
        wait_gone "$pid" 10 || log "WARNING: PostgreSQL pid $pid is still there"
    fi
}

# ---------------------------------------------------------------------------------------------
# MariaDB

maria_paths() {
    MARIA_DIR="$DIR/maria"
    MARIA_DATA="$MARIA_DIR/data"
    MARIA_SOCK="$MARIA_DIR/run/mariadb.sock"
    MARIA_PID="$MARIA_DIR/run/mariadbd.pid"
    MARIA_LOG="$MARIA_DIR/mariadb.log"
}

maria_pid() {
    maria_paths
    if [[ -f "$MARIA_PID" ]]; then
        cat "$MARIA_PID" 2>/dev/null || true
    fi
}

maria_launch() {
    maria_paths
    local port
    port="$(cat "$MARIA_DIR/port")"
    log "starting MariaDB on 127.0.0.1:$port (log: $MARIA_LOG)"
    local user_opt=()
    ((EUID == 0)) && user_opt=(--user="$MARIA_OS_USER")
    # --no-defaults first: otherwise /etc/mysql/my.cnf would hand us the system server's
    # socket, port and data folder. setsid: a Ctrl-C in the test terminal must not kill it
    # behind the suite's back; `stop` does that.
    setsid mariadbd --no-defaults "${user_opt[@]}" \
        --datadir="$MARIA_DATA" \
        --socket="$MARIA_SOCK" \
        --pid-file="$MARIA_PID" \
        --log-error="$MARIA_LOG" \
        --tmpdir="$MARIA_DIR/tmp" \
        --port="$port" \
        --bind-address=127.0.0.1 \
        --skip-networking=0 \
        --skip-name-resolve \
        --sql-mode="$MARIA_SQL_MODE" \
        --character-set-server=utf8mb4 \
        --default-time-zone='+00:00' \
        --max-connections=200 \
        --innodb-buffer-pool-size=128M \
        --innodb-flush-log-at-trx-commit=2 \
        --skip-log-bin \
        </dev/null >>"$MARIA_DIR/mariadbd.out" 2>&1 &
    local launched=$!

    local i
    for ((i = 0; i < READY_TIMEOUT * 2; i++)); do
        if mariadb-admin --no-defaults --socket="$MARIA_SOCK" -u root --connect-timeout=2 \
            ping >/dev/null 2>&1; then
            return 0
        fi
        if ! alive "$launched" && ! alive "$(maria_pid)"; then
            log "MariaDB exited during start-up; last lines of $MARIA_LOG:"
            tail -n 20 "$MARIA_LOG" "$MARIA_DIR/mariadbd.out" >&2 2>/dev/null || true
            return 1
        fi
        sleep 0.5
    done
    log "MariaDB did not answer within ${READY_TIMEOUT}s; see $MARIA_LOG"
    return 1
}

maria_start_new() {
    maria_paths
    if ! command -v mariadbd >/dev/null || ! command -v mariadb-install-db >/dev/null; then
        die "MariaDB server not found (apt-get install mariadb-server)"
    fi
    local port password
    port="$(pick_port)"
    password="$(random_password)"

    mkdir -p "$MARIA_DATA" "$MARIA_DIR/run" "$MARIA_DIR/tmp"
    echo "$port" >"$MARIA_DIR/port"
    (umask 077 && echo "$password" >"$MARIA_DIR/password")
    local user_opt=()
    if ((EUID == 0)); then
        chown -R "$MARIA_OS_USER:" "$MARIA_DIR"
        user_opt=(--user="$MARIA_OS_USER")
    fi

    # root@localhost authenticates by unix socket peer (only the OS root gets in), so no
    # password-less root account exists even for the lifetime of this throwaway server.
    if ! mariadb-install-db --no-defaults "${user_opt[@]}" --datadir="$MARIA_DATA" \
        --auth-root-authentication-method=socket --skip-test-db --skip-name-resolve \
        --tmpdir="$MARIA_DIR/tmp" >"$MARIA_DIR/install-db.log" 2>&1; then
        log "mariadb-install-db failed; see $MARIA_DIR/install-db.log:"
        tail -n 20 "$MARIA_DIR/install-db.log" >&2 || true
        return 1
    fi

    maria_launch || return 1

    # 'localhost' matches socket connections, '%' the TCP ones from 127.0.0.1.
    if ! mariadb --no-defaults --socket="$MARIA_SOCK" -u root >>"$MARIA_DIR/setup.log" 2>&1 <<SQL; then
CREATE DATABASE $TEST_DATABASE CHARACTER SET utf8mb4;
CREATE USER '$TEST_USER'@'%' IDENTIFIED BY '$password';
CREATE USER '$TEST_USER'@'localhost' IDENTIFIED BY '$password';
GRANT ALL PRIVILEGES ON *.* TO '$TEST_USER'@'%' WITH GRANT OPTION;
GRANT ALL PRIVILEGES ON *.* TO '$TEST_USER'@'localhost' WITH GRANT OPTION;
SQL
        log "could not create user/database on MariaDB; see $MARIA_DIR/setup.log"
        return 1
    fi
    if ! mariadb --no-defaults -h 127.0.0.1 -P "$port" -u "$TEST_USER" -p"$password" \
        "$TEST_DATABASE" -e "SELECT 1" >/dev/null 2>>"$MARIA_DIR/setup.log"; then
        log "MariaDB is up but '$TEST_USER' cannot log in over TCP; see $MARIA_DIR/setup.log"
        return 1
    fi
    log "MariaDB ready: $TEST_USER@127.0.0.1:$port/$TEST_DATABASE"
}

maria_running() {
    alive "$(maria_pid)"
}

# Stops the server `name` running as `pid` (SIGTERM, or SIGKILL for mode `kill`; SIGKILL
# after 30 s anyway) and removes `pidfile`: a killed server leaves its pid file, and the next
# start must not mistake it for a running one.
stop_by_pid() {
    local name="$1" pid="$2" mode="$3" pidfile="$4"
    alive "$pid" || return 0
    log "stopping $name ($mode, pid $pid)"
    if [[ "$mode" == kill ]]; then
        kill -KILL "$pid" 2>/dev/null || true
    else
        kill -TERM "$pid" 2>/dev/null || true
    fi
    if ! wait_gone "$pid" 30; then
        log "$name did not stop in time; killing pid $pid"
        kill -KILL "$pid" 2>/dev/null || true
        wait_gone "$pid" 10 || log "WARNING: $name pid $pid is still there"
    fi
    rm -f "$pidfile"
}

maria_stop() {
    maria_paths
    stop_by_pid MariaDB "$(maria_pid)" "${1:-term}" "$MARIA_PID"
}

# ---------------------------------------------------------------------------------------------
# ClickHouse (a mirror only; 18.16 from Debian 12). Talked to over HTTP, by the tests and here.

ch_paths() {
    CH_DIR="$DIR/ch"
    CH_PID="$CH_DIR/run/clickhouse-server.pid"
    CH_LOG="$CH_DIR/log/clickhouse-server.log"
}

ch_pid() {
    ch_paths
    if [[ -f "$CH_PID" ]]; then
        cat "$CH_PID" 2>/dev/null || true
    fi
}

# One statement over HTTP with bash's /dev/tcp (no curl needed); prints the answer's body and
# succeeds on HTTP 200. Only for ASCII statements.
ch_http() {
    local port="$1" password="$2" statement="$3" status body
    exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
    printf 'POST /?user=%s&password=%s HTTP/1.0\r\nContent-Length: %d\r\n\r\n%s' \
        "$TEST_USER" "$password" "${#statement}" "$statement" >&3
    read -r _ status _ <&3 || status=""
    body="$(cat <&3)"
    exec 3<&-
    printf '%s\n' "${body#*$'\r\n\r\n'}"
    [[ "$status" == 200 ]]
}

ch_launch() {
    ch_paths
    local port password
    port="$(cat "$CH_DIR/http_port")"
    password="$(cat "$CH_DIR/password")"
    log "starting ClickHouse on 127.0.0.1:$port (log: $CH_LOG)"
    rm -f "$CH_PID"
    # 18.16 writes its pid file only as a daemon, so the pid comes from here: setsid and
    # setpriv both exec (a background job is no process group leader, so setsid need not
    # fork), and $! is the server itself. setsid: a Ctrl-C in the test terminal must not reach
    # it; `stop` ends it by that pid.
    local run=(clickhouse-server --config-file="$CH_DIR/config.xml")
    if ((EUID == 0)); then
        run=(setpriv --reuid="$CH_OS_USER" --regid="$CH_OS_USER" --init-groups "${run[@]}")
    fi
    (
        cd "$CH_DIR"
        setsid "${run[@]}" </dev/null >>"$CH_DIR/server.out" 2>&1 &
        echo $! >"$CH_PID"
    )
    local i
    for ((i = 0; i < READY_TIMEOUT * 2; i++)); do
        if ch_http "$port" "$password" "SELECT 1" >/dev/null 2>&1; then
            return 0
        fi
        sleep 0.5
    done
    log "ClickHouse did not answer within ${READY_TIMEOUT}s; last lines of $CH_LOG:"
    tail -n 20 "$CH_LOG" "$CH_DIR/server.out" >&2 2>/dev/null || true
    return 1
}

ch_start_new() {
    ch_paths
    command -v clickhouse-server >/dev/null ||
        die "ClickHouse server not found (apt-get install clickhouse-server)"
    local port tcp_port password
    port="$(pick_port)"
    tcp_port="$(pick_port)"
    password="$(random_password)"
    mkdir -p "$CH_DIR/data" "$CH_DIR/tmp" "$CH_DIR/user_files" "$CH_DIR/format_schemas" \
        "$CH_DIR/log" "$CH_DIR/run"
    echo "$port" >"$CH_DIR/http_port"
    (umask 077 && echo "$password" >"$CH_DIR/password")
    # Everything in the folder, loopback only, UTC; caches small (the defaults are sized for
    # a dedicated machine). keep_alive_timeout above the tests' pauses between statements.
    cat >"$CH_DIR/config.xml" <<XML
<?xml version="1.0"?>
<yandex>
    <logger><level>warning</level><log>$CH_LOG</log><errorlog>$CH_DIR/log/clickhouse-server.err.log</errorlog><console>0</console></logger>
    <listen_host>127.0.0.1</listen_host>
    <http_port>$port</http_port>
    <tcp_port>$tcp_port</tcp_port>
    <path>$CH_DIR/data/</path>
    <tmp_path>$CH_DIR/tmp/</tmp_path>
    <user_files_path>$CH_DIR/user_files/</user_files_path>
    <format_schema_path>$CH_DIR/format_schemas/</format_schema_path>
    <users_config>$CH_DIR/users.xml</users_config>
    <default_profile>default</default_profile>
    <default_database>default</default_database>
    <timezone>UTC</timezone>
    <keep_alive_timeout>30</keep_alive_timeout>
    <mark_cache_size>67108864</mark_cache_size>
    <uncompressed_cache_size>67108864</uncompressed_cache_size>
</yandex>
XML
    cat >"$CH_DIR/users.xml" <<XML
<?xml version="1.0"?>
<yandex>
    <profiles><default></default></profiles>
    <users>
        <$TEST_USER>
            <password>$password</password>
            <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
            <profile>default</profile>
            <quota>default</quota>
        </$TEST_USER>
    </users>
    <quotas><default></default></quotas>
</yandex>
XML
    chmod 600 "$CH_DIR/users.xml"
    if ((EUID == 0)); then
        chown -R "$CH_OS_USER:" "$CH_DIR"
    fi

    ch_launch || return 1

    if ! ch_http "$port" "$password" "CREATE DATABASE IF NOT EXISTS $TEST_DATABASE" \
        >>"$CH_DIR/setup.log" 2>&1; then
        log "could not create the database on ClickHouse; see $CH_DIR/setup.log"
        return 1
    fi
    log "ClickHouse ready: $TEST_USER@127.0.0.1:$port/$TEST_DATABASE (HTTP)"
}

ch_running() {
    alive "$(ch_pid)"
}

ch_stop() {
    ch_paths
    stop_by_pid ClickHouse "$(ch_pid)" "${1:-term}" "$CH_PID"
}

# ---------------------------------------------------------------------------------------------
# env.sh

write_env() {
    local pg_ok="$1" maria_ok="$2" ch_ok="$3" env="$DIR/env.sh"
    pg_paths
    maria_paths
    ch_paths
    {
        echo "# Written by scripts/testservers.sh start; source it. Removed by 'testservers.sh stop'."
        printf 'export %s=%q\n' TIDEMARK_TESTSERVERS "$SCRIPT"
        printf 'export %s=%q\n' TIDEMARK_TESTSERVERS_DIR "$DIR"
        if ((pg_ok)); then
            printf 'export %s=%q\n' \
                TIDEMARK_PG_HOST 127.0.0.1 \
                TIDEMARK_PG_PORT "$(cat "$PG_DIR/port")" \
                TIDEMARK_PG_USER "$TEST_USER" \
                TIDEMARK_PG_PASSWORD "$(cat "$PG_DIR/password")" \
                TIDEMARK_PG_DATABASE "$TEST_DATABASE" \
                TIDEMARK_PG_BINDIR "$(cat "$PG_DIR/bindir")" \
                TIDEMARK_PG_DATADIR "$PG_DATA" \
                TIDEMARK_PG_SOCKET_DIR "$PG_SOCKDIR" \
                TIDEMARK_PG_LOG "$PG_LOG" \
                TIDEMARK_PG_OS_USER "$PG_OS_USER"
        fi
        if ((maria_ok)); then
            printf 'export %s=%q\n' \
                TIDEMARK_MARIA_HOST 127.0.0.1 \
                TIDEMARK_MARIA_PORT "$(cat "$MARIA_DIR/port")" \
                TIDEMARK_MARIA_USER "$TEST_USER" \
                TIDEMARK_MARIA_PASSWORD "$(cat "$MARIA_DIR/password")" \
                TIDEMARK_MARIA_DATABASE "$TEST_DATABASE" \
                TIDEMARK_MARIA_DATADIR "$MARIA_DATA" \
                TIDEMARK_MARIA_PIDFILE "$MARIA_PID" \
                TIDEMARK_MARIA_SOCKET "$MARIA_SOCK" \
                TIDEMARK_MARIA_LOG "$MARIA_LOG"
        fi
        if ((ch_ok)); then
            printf 'export %s=%q\n' \
                TIDEMARK_CH_HOST 127.0.0.1 \
                TIDEMARK_CH_PORT "$(cat "$CH_DIR/http_port")" \
                TIDEMARK_CH_USER "$TEST_USER" \
                TIDEMARK_CH_PASSWORD "$(cat "$CH_DIR/password")" \
                TIDEMARK_CH_DATABASE "$TEST_DATABASE" \
                TIDEMARK_CH_PIDFILE "$CH_PID" \
                TIDEMARK_CH_LOG "$CH_LOG"
        fi
    } >"$env"
    chmod 600 "$env"
}

# ---------------------------------------------------------------------------------------------
# commands

cmd_start() {
    [[ -n "${DIR:-}" ]] || usage
    mkdir -p "$DIR"
    DIR="$(cd "$DIR" && pwd -P)"
    if [[ -n "$(ls -A "$DIR")" ]]; then
        die "$DIR is not empty; give 'start' a new or empty folder (mktemp -d)"
    fi
    touch "$DIR/$MARKER"
    # mktemp -d makes the folder 0700; the postgres, mysql and clickhouse users must get
    # through it to their own subfolders.
    chmod 755 "$DIR"

    # Each server starts in a subshell with errexit on (bash ignores `set -e` inside an `if`
    # condition), so any failed step fails that server and the other one still starts.
    local pg_ok=0 maria_ok=0 ch_ok=0 rc
    set +e
    (set -e; pg_start_new)
    rc=$?
    set -e
    if ((rc == 0)); then pg_ok=1; else log "PostgreSQL FAILED to start (see $DIR/pg)"; fi
    set +e
    (set -e; maria_start_new)
    rc=$?
    set -e
    if ((rc == 0)); then maria_ok=1; else log "MariaDB FAILED to start (see $DIR/maria)"; fi
    set +e
    (set -e; ch_start_new)
    rc=$?
    set -e
    if ((rc == 0)); then ch_ok=1; else log "ClickHouse FAILED to start (see $DIR/ch)"; fi
    write_env "$pg_ok" "$maria_ok" "$ch_ok"
    log "environment written to $DIR/env.sh"
    ((pg_ok && maria_ok && ch_ok))
}

cmd_stop() {
    [[ -n "${DIR:-}" ]] || usage
    if [[ ! -d "$DIR" ]]; then
        return 0
    fi
    require_dir
    DIR="$(cd "$DIR" && pwd -P)"
    pg_stop fast
    maria_stop term
    ch_stop term
    local left=0
    if pg_running; then left=1; fi
    if maria_running; then left=1; fi
    if ch_running; then left=1; fi
    if ((left)); then
        die "a server in $DIR is still running; not removing it"
    fi
    rm -rf --one-file-system -- "$DIR"
    log "removed $DIR"
}

cmd_status() {
    require_dir
    local rc=0
    if pg_running; then echo "postgres: running"; else echo "postgres: stopped"; rc=1; fi
    if maria_running; then echo "mariadb: running"; else echo "mariadb: stopped"; rc=1; fi
    if ch_running; then echo "clickhouse: running"; else echo "clickhouse: stopped"; rc=1; fi
    return "$rc"
}

COMMAND="${1:-}"
DIR="${2:-}"
case "$COMMAND" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    pg-stop)
        require_dir
        pg_stop "${3:-fast}"
        ;;
    pg-start)
        require_dir
        pg_running || pg_launch
        ;;
    maria-stop)
        require_dir
        maria_stop "${3:-term}"
        ;;
    maria-start)
        require_dir
        maria_running || maria_launch
        ;;
    ch-stop)
        require_dir
        ch_stop "${3:-term}"
        ;;
    ch-start)
        require_dir
        ch_running || ch_launch
        ;;
    *) usage ;;
esac
