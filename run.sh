#!/usr/bin/env bash
# Installs what is missing, builds Tidemark (Release, build/release), creates the SQLite demo
# and starts its live writer, then opens the desktop monitor on it; without a display it runs
# the engine headless and prints the demo's status every 5 seconds until Ctrl-C.
#
#   ./run.sh                 GUI when DISPLAY or WAYLAND_DISPLAY is set, else headless
#   ./run.sh --headless      headless even with a display
#   ./run.sh --build-only    install and build, nothing else
#
# Environment:
#   TIDEMARK_DEMO_DIR=DIR    where the demo lives (default ~/.local/share/tidemark/demo)
#   TIDEMARK_SKIP_INSTALL=1  do not check or install Debian packages
set -euo pipefail
cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")"

headless=0
build_only=0
for arg in "$@"; do
    case "$arg" in
        --headless) headless=1 ;;
        --build-only) build_only=1 ;;
        -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "run.sh: unknown option '$arg' (try --help)" >&2; exit 2 ;;
    esac
done

if [[ "${TIDEMARK_SKIP_INSTALL:-}" != 1 ]]; then
    scripts/install-deps.sh
fi

build_dir=build/release
echo "== build ($build_dir, Release)"
# The tests are built by test.sh in their own folder; here only the programs are needed.
cmake -G Ninja -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF
cmake --build "$build_dir"
if ((build_only)); then
    exit 0
fi

cli="$build_dir/app/cli/tidemark-cli"
gui="$build_dir/app/tidemark/tidemark"
demo="${TIDEMARK_DEMO_DIR:-$HOME/.local/share/tidemark/demo}"
project="$demo/tidemark.json"

# Every process started from here on runs in its own session (setsid), so a Ctrl-C in the
# terminal reaches only this script: it then stops them in order with SIGTERM (the CLI finishes
# or rolls back the batch in hand and exits), and SIGKILL only for one still there after 15 s.
# (Were they in the terminal's process group, each would take the Ctrl-C on its own, and a
# command that handles SIGINT and exits normally keeps bash from running its INT trap.)
pids=()
cleanup() {
    local rc=$?
    trap - EXIT INT TERM HUP
    # With `./run.sh | tee log`, Ctrl-C ends tee too: a message written now must not kill us
    # with SIGPIPE before the processes below are stopped.
    trap '' PIPE
    local pid i alive
    if [[ -n "${sleep_pid:-}" ]]; then
        kill "$sleep_pid" 2>/dev/null || true
    fi
    for pid in "${pids[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for ((i = 0; i < 150; i++)); do
        alive=0
        for pid in "${pids[@]}"; do
            kill -0 "$pid" 2>/dev/null && alive=1
        done
        ((alive)) || break
        sleep 0.1
    done
    for pid in "${pids[@]}"; do
        if kill -0 "$pid" 2>/dev/null; then
            echo "run.sh: process $pid did not stop after SIGTERM; killing it" >&2
            kill -KILL "$pid" 2>/dev/null || true
        fi
        wait "$pid" 2>/dev/null || true
    done
    ((${#pids[@]} == 0)) || echo "== stopped"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# Runs a command in its own session and waits for it. Waiting with the `wait` builtin (not as a
# foreground command) lets a Ctrl-C run the INT trap at once.
run_waited() {
    setsid "$@" &
    local pid=$!
    pids+=("$pid")
    local rc=0
    wait "$pid" || rc=$?
    unset 'pids[${#pids[@]}-1]'
    return "$rc"
}

echo "== demo in $demo"
mkdir -p "$demo"
run_waited "$cli" demo --dir "$demo"
run_waited "$cli" prepare --project "$project"

echo "== live writer (changes the demo source until stopped)"
setsid "$cli" demo --dir "$demo" --write &
writer_pid=$!
pids+=("$writer_pid")

if ((!headless)) && [[ -n "${DISPLAY:-}" || -n "${WAYLAND_DISPLAY:-}" ]]; then
    if [[ -x "$gui" ]]; then
        echo "== tidemark --project $project (close the window or Ctrl-C to stop)"
        rc=0
        run_waited "$gui" --project "$project" || rc=$?
        exit "$rc"
    fi
    echo "run.sh: $gui was not built (TIDEMARK_BUILD_GUI=OFF?); running headless" >&2
fi

echo "== headless: tidemark-cli sync --watch (Ctrl-C stops it)"
setsid "$cli" sync --watch --project "$project" &
sync_pid=$!
pids+=("$sync_pid")

while true; do
    sleep 5 &
    sleep_pid=$!
    wait "$sleep_pid" || true
    sleep_pid=""
    if ! kill -0 "$sync_pid" 2>/dev/null; then
        rc=0
        wait "$sync_pid" || rc=$?
        echo "run.sh: tidemark-cli sync --watch stopped on its own (exit status $rc)" >&2
        exit $((rc == 0 ? 1 : rc))
    fi
    if [[ -n "$writer_pid" ]] && ! kill -0 "$writer_pid" 2>/dev/null; then
        echo "run.sh: the demo writer stopped (see its messages above); the source no longer changes" >&2
        writer_pid=""
    fi
    echo
    echo "== status at $(date '+%H:%M:%S')"
    run_waited "$cli" status --project "$project" || echo "run.sh: status exited with $?" >&2
done
