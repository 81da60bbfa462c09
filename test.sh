#!/usr/bin/env bash
# Installs what is missing, builds, starts throwaway PostgreSQL and MariaDB servers on loopback,
# runs the whole test suite with ctest, and removes the servers again (also on failure or
# Ctrl-C). Exits with ctest's exit code.
#
#   ./test.sh                 RelWithDebInfo build in build/test, every test
#   ./test.sh -R sweep        extra arguments go to ctest
#
# Environment:
#   TIDEMARK_SANITIZE=1        ASan+UBSan build in build/asan
#   TIDEMARK_WERROR=1          warnings are errors
#   TIDEMARK_BUILD_DIR=DIR     build somewhere else
#   TIDEMARK_REQUIRE_SERVERS=1 server tests fail instead of skipping when a server is missing
#                              (CI sets it; it is passed through to the tests)
#   TIDEMARK_SKIP_INSTALL=1    do not check or install Debian packages
#   TIDEMARK_REPEAT_CONCURRENCY=N
#                              after the full run, while the servers are still up, run the
#                              tests labelled `concurrency` again, up to N times each until one
#                              fails (ctest --repeat until-fail:N); .ci/run sets it
set -euo pipefail
cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")"

on() { [[ "${1:-}" == 1 || "${1:-}" == ON || "${1:-}" == on || "${1:-}" == true ]]; }

if ! on "${TIDEMARK_SKIP_INSTALL:-}"; then
    # --package: the checkers of the test labelled `package` (lintian, appstreamcli, ...).
    scripts/install-deps.sh --test --package
fi

sanitize=OFF
werror=OFF
build_dir=build/test
if on "${TIDEMARK_SANITIZE:-}"; then
    sanitize=ON
    build_dir=build/asan
fi
on "${TIDEMARK_WERROR:-}" && werror=ON
repeat="${TIDEMARK_REPEAT_CONCURRENCY:-0}"
if ! [[ "$repeat" =~ ^[0-9]+$ ]]; then
    echo "test.sh: TIDEMARK_REPEAT_CONCURRENCY must be a number of runs, not '$repeat'" >&2
    exit 2
fi
build_dir="${TIDEMARK_BUILD_DIR:-$build_dir}"

# Both options are always passed, ON or OFF: a build folder configured once with -Werror would
# otherwise keep it from its cache on every later run.
echo "== configure $build_dir (RelWithDebInfo, sanitize=$sanitize, werror=$werror)"
cmake -G Ninja -S . -B "$build_dir" \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
    -DTIDEMARK_SANITIZE="$sanitize" \
    -DTIDEMARK_WERROR="$werror"
echo "== build"
cmake --build "$build_dir"

if [[ "$sanitize" == ON ]]; then
    # UB must fail the test that hit it, not scroll by in its output.
    export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
    export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:strict_string_checks=1:check_initialization_order=1}"
fi

servers_dir="$(mktemp -d -t tidemark-servers.XXXXXX)"
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [[ -n "${servers_dir:-}" && -d "$servers_dir" ]]; then
        scripts/testservers.sh stop "$servers_dir" ||
            echo "test.sh: WARNING: could not stop the test servers in $servers_dir" >&2
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "== start test servers in $servers_dir"
servers_ok=1
scripts/testservers.sh start "$servers_dir" || servers_ok=0
if [[ -f "$servers_dir/env.sh" ]]; then
    # shellcheck source=/dev/null
    source "$servers_dir/env.sh"
fi
if ((!servers_ok)); then
    cat >&2 <<'WARN'

################################################################################
##  WARNING: a PostgreSQL, MariaDB or ClickHouse test server did NOT start.  ##
##  Tests against them cannot run (they fail when TIDEMARK_REQUIRE_SERVERS=1). ##
##  See the messages above for the server and its log file.                   ##
################################################################################

WARN
fi

echo "== ctest"
rc=0
ctest --test-dir "$build_dir" --output-on-failure -j2 "$@" || rc=$?
if ((repeat > 0)); then
    # A race that fires once in five runs passes a single run most of the time. Repeated
    # whatever the full run said: a failure here is one more report, not a different verdict.
    echo "== ctest -L concurrency --repeat until-fail:$repeat"
    started=$SECONDS
    repeat_rc=0
    ctest --test-dir "$build_dir" --output-on-failure -j2 -L concurrency \
        --repeat "until-fail:$repeat" "$@" || repeat_rc=$?
    echo "test.sh: the concurrency repeat took $((SECONDS - started)) s (exit $repeat_rc)"
    ((rc != 0)) || rc=$repeat_rc
fi
if ((!servers_ok)); then
    echo "test.sh: WARNING: the test servers did not start; see above." >&2
fi
exit "$rc"
