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
cmake -G Ninja -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release
cmake --build "$build_dir"
if ((build_only)); then
    exit 0
fi

cli="$build_dir/app/cli/tidemark-cli"
gui="$build_dir/app/tidemark/tidemark"
demo="${TIDEMARK_DEMO_DIR:-$HOME/.local/share/tidemark/demo}"
project="$demo/tidemark.json"

# Background processes we started, stopped on every way out: SIGTERM first (the CLI finishes
# the batch in hand and exits), SIGKILL only for one that is still there after 15 s.
pids=()
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    local pid i alive
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
# A Ctrl-C reaches the foreground command too; the exit status says how we ended.
trap 'exit 130' INT
trap 'exit 143' TERM

echo "== demo in $demo"
mkdir -p "$demo"
"$cli" demo --dir "$demo"
"$cli" prepare --project "$project"

echo "== live writer (changes the demo source until stopped)"
"$cli" demo --dir "$demo" --write &
writer_pid=$!
pids+=("$writer_pid")

if ((!headless)) && [[ -n "${DISPLAY:-}" || -n "${WAYLAND_DISPLAY:-}" ]]; then
    if [[ -x "$gui" ]]; then
        echo "== tidemark --project $project"
        rc=0
        "$gui" --project "$project" || rc=$?
        exit "$rc"
    fi
    echo "run.sh: $gui was not built (TIDEMARK_BUILD_GUI=OFF?); running headless" >&2
fi

echo "== headless: tidemark-cli sync --watch (Ctrl-C stops it)"
"$cli" sync --watch --project "$project" &
sync_pid=$!
pids+=("$sync_pid")

while true; do
    sleep 5
    if ! kill -0 "$sync_pid" 2>/dev/null; then
        rc=0
        wait "$sync_pid" || rc=$?
        echo "run.sh: tidemark-cli sync --watch exited with status $rc" >&2
        exit $((rc == 0 ? 1 : rc))
    fi
    if [[ -n "$writer_pid" ]] && ! kill -0 "$writer_pid" 2>/dev/null; then
        echo "run.sh: the demo writer stopped (see its messages above); the source no longer changes" >&2
        writer_pid=""
    fi
    echo
    echo "== status at $(date '+%H:%M:%S')"
    "$cli" status --project "$project" || echo "run.sh: status exited with $?" >&2
done
