# Sourced by the benchmarks' run.sh scripts: the servers they measure against, and what to
# undo on exit.
#
#   bench_on_exit COMMAND     runs COMMAND (a string for eval) when the script exits
#   bench_servers NAME        uses the servers TIDEMARK_PG_* / TIDEMARK_MARIA_* name if both are
#                             set; otherwise starts throwaway ones with scripts/testservers.sh
#                             (in /tmp/tidemark-NAME-servers.*), sources their env.sh, and stops
#                             and removes them on exit
#
# Expects $ROOT, the source tree.

bench_exit_commands=()
trap 'for c in "${bench_exit_commands[@]}"; do eval "$c"; done' EXIT

bench_on_exit() {
    bench_exit_commands+=("$1")
}

bench_servers() {
    if [[ -n "${TIDEMARK_PG_HOST:-}" && -n "${TIDEMARK_MARIA_HOST:-}" ]]; then
        return 0
    fi
    local servers
    servers="$(mktemp -d "/tmp/tidemark-$1-servers.XXXXXX")"
    bench_on_exit "'$ROOT/scripts/testservers.sh' stop '$servers' || true"
    "$ROOT/scripts/testservers.sh" start "$servers"
    # shellcheck disable=SC1091
    source "$servers/env.sh"
}
