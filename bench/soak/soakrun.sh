# Sourced by the generator soaks: the run every soak makes, around a workload generator that
# the soak supplies as two functions:
#
#   generator_prepare           creates and fills the source tables (with their cursor columns)
#   generator_run SECONDS NAME  runs the workload for SECONDS, its log in $WORK/NAME.log; prints
#                               the transactions per second, then the transactions, on one line
#
# The run: options, servers, scratch databases, the project file, prepare and the first sync;
# optionally the generator alone (the rate without the sync); then the generator with
# `sync --watch` beside it; SIGTERM to the watch, one `sync`, one `sweep`. What it measured is
# left in variables for the soak's report (soak_report).
#
# Sourcing this file brings the other three parts with it (soakdb.sh, soakcli.sh,
# soakcompare.sh); a soak sources this one, after setting HERE to this folder.

# shellcheck source=soakdb.sh
source "$HERE/soakdb.sh"
# shellcheck source=soakcli.sh
source "$HERE/soakcli.sh"
# shellcheck source=soakcompare.sh
source "$HERE/soakcompare.sh"

SOAK_SECONDS=180
# Sweeps during the run (the engine's default interval), so a sweep meets rows deleted and
# inserted again under its feet. Not shorter: a scheduled sweep that takes longer than its
# interval is due again the moment it ends and goes before the sync, so the watch would only
# sweep (500,000 pgbench accounts take a sweep 10 to 16 s on the shared machine; with 10 s
# the accounts mapping ran no sync for the whole run; see docs/BENCHMARKS.md).
SOAK_SWEEP_INTERVAL_S=60
SOAK_CLIENTS=8
SOAK_SIZE=
SOAK_BASELINE_S=0
CLI=
WORK=

# Options every soak takes; `--size` is the soak's own measure (its --help says which).
soak_parse_args() {
    while (($#)); do
        case "$1" in
            --cli) CLI="$2"; shift 2 ;;
            --seconds) SOAK_SECONDS="$2"; shift 2 ;;
            --clients) SOAK_CLIENTS="$2"; shift 2 ;;
            --size) SOAK_SIZE="$2"; shift 2 ;;
            --baseline-seconds) SOAK_BASELINE_S="$2"; shift 2 ;;
            --work) WORK="$2"; shift 2 ;;
            -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
            *) soak_die "$SOAK_EXIT_SETUP" "unknown argument '$1' (try --help)" ;;
        esac
    done
    [[ -x "$CLI" ]] || soak_die "$SOAK_EXIT_SETUP" "--cli must name the tidemark-cli binary"
    local n
    for n in "$SOAK_SECONDS" "$SOAK_CLIENTS" "$SOAK_SIZE" "$SOAK_BASELINE_S"; do
        [[ "$n" =~ ^[0-9]+$ ]] || soak_die "$SOAK_EXIT_SETUP" "'$n' is not a whole number"
    done
    ((SOAK_SECONDS > 0 && SOAK_CLIENTS > 0 && SOAK_SIZE > 0)) ||
        soak_die "$SOAK_EXIT_SETUP" "--seconds, --clients and --size must be more than 0"
}

# Servers, a scratch folder and databases named after the soak ($1); everything is removed on
# exit (the folder only when the soak made it), and a watch still running is stopped.
soak_setup() {
    soak_require_servers
    SOAK_OWN_WORK=0
    if [[ -z "$WORK" ]]; then
        WORK="$(mktemp -d -t "tidemark-soak-$1.XXXXXX")"
        SOAK_OWN_WORK=1
    fi
    mkdir -p "$WORK"
    trap 'soak_stop_watch || true; soak_drop_databases; ((!SOAK_OWN_WORK)) || rm -rf "$WORK"' EXIT
    soak_create_databases "$1"
}

# The run itself, on the project soak_write_project wrote. Sets SOAK_FAILED (a Tidemark
# command failed), TPS_ALONE, TPS, TRANSACTIONS, INITIAL_ROWS, INITIAL_S, WATCH_WRITTEN,
# WATCH_DELETED, WATCH_FAILED, FINAL_WRITTEN, FINAL_DELETED.
soak_run() {
    SOAK_FAILED=0
    soak_cli prepare || soak_die "$SOAK_EXIT_DIFFERS" "prepare failed"
    say "first sync (the initial copy)"
    local start=$SECONDS
    soak_cli sync || soak_die "$SOAK_EXIT_DIFFERS" "the first sync failed"
    INITIAL_S=$((SECONDS - start))
    read -r INITIAL_ROWS _ _ < <(soak_rows_moved "$WORK/cli.log")

    TPS_ALONE=-
    if ((SOAK_BASELINE_S > 0)); then
        say "the generator alone for $SOAK_BASELINE_S s ($SOAK_CLIENTS clients)"
        # Into a file, not through a pipe: a generator that fails must end the soak (soak_die),
        # which it cannot do from a subshell.
        generator_run "$SOAK_BASELINE_S" alone >"$WORK/alone.rate"
        read -r TPS_ALONE _ <"$WORK/alone.rate"
    fi

    say "sync --watch and the generator for $SOAK_SECONDS s ($SOAK_CLIENTS clients)"
    soak_start_watch
    generator_run "$SOAK_SECONDS" watched >"$WORK/watched.rate"
    read -r TPS TRANSACTIONS <"$WORK/watched.rate"
    say "generator done: $TRANSACTIONS transactions, $TPS per second; SIGTERM to the watch"
    soak_stop_watch || SOAK_FAILED=1
    read -r WATCH_WRITTEN WATCH_DELETED WATCH_FAILED < <(soak_rows_moved "$WORK/watch.log")

    soak_cli sync || SOAK_FAILED=1
    # Without --force: a sweep refuses only when it would delete more than max_sweep_fraction
    # (0.5) of a mirror table, or the source table is empty. The generators delete a few
    # percent of a table at most, so a refusal here would itself be a finding.
    soak_cli sweep || SOAK_FAILED=1
    local all_written
    read -r all_written FINAL_DELETED _ < <(soak_rows_moved "$WORK/cli.log")
    FINAL_WRITTEN=$((all_written - INITIAL_ROWS))
}

# The report's last lines, and the exit code: $1 the pairing ("pgbench->mariadb"), $2 whether
# a comparison differed (0 or 1), then "name=value" words describing the run.
soak_report() {
    local pairing="$1" differs="$2"
    shift 2
    say "rows moved: first sync $INITIAL_ROWS ($INITIAL_S s); during the run $WATCH_WRITTEN written, $WATCH_DELETED deleted ($WATCH_FAILED failed runs); final sync $FINAL_WRITTEN written, final sweep $FINAL_DELETED deleted"
    local result=equal
    ((differs)) && result=DIFFERENT
    ((SOAK_FAILED)) && result="$result,tidemark-cli-FAILED"
    # Equal tables prove nothing if the generator did no work or the watch moved no row.
    if ((${TRANSACTIONS:-0} == 0 || ${WATCH_WRITTEN:-0} == 0)); then
        result="$result,NOTHING-MOVED"
        SOAK_FAILED=1
    fi
    echo "RESULT $pairing $* clients=$SOAK_CLIENTS seconds=$SOAK_SECONDS tps_alone=$TPS_ALONE tps_with_sync=$TPS transactions=$TRANSACTIONS initial_rows=$INITIAL_ROWS watch_written=$WATCH_WRITTEN watch_deleted=$WATCH_DELETED watch_failed_runs=$WATCH_FAILED final_written=$FINAL_WRITTEN final_deleted=$FINAL_DELETED comparison=$result"
    if ((differs || SOAK_FAILED)); then
        exit "$SOAK_EXIT_DIFFERS"
    fi
    exit 0
}
