# Sourced by the generator soaks: tidemark-cli run the way an operator runs it. The project
# file, prepare and the first sync, `sync --watch` in the background while the generator runs,
# SIGTERM, then one more `sync` and one `sweep`; and the rows the runs report moving.
#
# Expects $CLI (the tidemark-cli binary) and $WORK (a scratch folder) to be set.

# Writes $WORK/tidemark.json: connection "src" on $1 (postgres|mariadb), "mirror" on $2, both
# in $SOAK_DB, and one mapping per remaining argument, each a table mirrored under its own
# name, keyed by its primary key, with cursor `updated_at`.
#
#   interval_s 1        the watch passes as often as it can, so it races the generator
#   lookback_s          $SOAK_LOOKBACK_S: how long a transaction may stay open between stamping
#                       a row and committing it (the soaks say why their value covers it)
#   sweep_interval_s    $SOAK_SWEEP_INTERVAL_S: deletes reach the mirror during the run too, so
#                       a sweep meets rows deleted and inserted again under its feet
soak_write_project() {
    local source_driver="$1" mirror_driver="$2"
    shift 2
    local mappings=() table
    for table in "$@"; do
        mappings+=("$(
            cat <<JSON
    { "name": "$table",
      "source": { "connection": "src", "table": "$table" },
      "mirror": { "connection": "mirror", "table": "$table" },
      "cursor": { "column": "updated_at" },
      "deletes": "sweep", "interval_s": 1, "batch_rows": 5000,
      "lookback_s": $SOAK_LOOKBACK_S, "sweep_interval_s": $SOAK_SWEEP_INTERVAL_S }
JSON
        )")
    done
    local joined
    joined="$(printf '%s,\n' "${mappings[@]}")"
    cat >"$WORK/tidemark.json" <<JSON
{
  "tidemark": 1,
  "connections": {
    "src": $(soak_connection_json "$source_driver"),
    "mirror": $(soak_connection_json "$mirror_driver")
  },
  "mappings": [
${joined%,}
  ]
}
JSON
}

# One connection to $SOAK_DB on the test server of driver $1; the password stays in the
# environment variable env.sh exported.
soak_connection_json() {
    local prefix=TIDEMARK_PG
    [[ "$1" == mariadb ]] && prefix=TIDEMARK_MARIA
    local host="${prefix}_HOST" port="${prefix}_PORT" user="${prefix}_USER"
    printf '{ "driver": "%s", "host": "%s", "port": %s, "database": "%s", "user": "%s", "password_env": "%s" }' \
        "$1" "${!host}" "${!port}" "$SOAK_DB" "${!user}" "${prefix}_PASSWORD"
}

# tidemark-cli COMMAND on the soak's project, its output appended to $WORK/cli.log (and shown
# when it fails). Returns the command's exit code.
soak_cli() {
    local rc=0
    echo "== tidemark-cli $*" >>"$WORK/cli.log"
    "$CLI" "$@" --project "$WORK/tidemark.json" >>"$WORK/cli.log.part" 2>&1 || rc=$?
    cat "$WORK/cli.log.part" >>"$WORK/cli.log"
    if ((rc != 0)); then
        echo "$(basename "$0"): tidemark-cli $* exited $rc:" >&2
        tail -n 20 "$WORK/cli.log.part" >&2
    fi
    rm -f "$WORK/cli.log.part"
    return "$rc"
}

soak_start_watch() {
    "$CLI" sync --watch --project "$WORK/tidemark.json" >"$WORK/watch.log" 2>&1 &
    WATCH_PID=$!
}

# SIGTERM, then up to 120 s for the batch in hand to finish or roll back. Returns 1 (and
# kills it) if the watch did not stop or did not exit 0.
soak_stop_watch() {
    [[ -n "${WATCH_PID:-}" ]] || return 0
    local pid="$WATCH_PID" i rc=0
    WATCH_PID=
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 1200; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        echo "$(basename "$0"): sync --watch did not stop within 120 s of SIGTERM; killed" >&2
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
        return 1
    fi
    wait "$pid" || rc=$?
    if ((rc != 0)) || ! grep -q '^stopped cleanly' "$WORK/watch.log"; then
        echo "$(basename "$0"): sync --watch exited $rc after SIGTERM:" >&2
        tail -n 20 "$WORK/watch.log" >&2
        return 1
    fi
}

# From the run lines of a tidemark-cli log ($1): "<rows written> <rows deleted> <failed runs>".
# A sync line says "N rows written in B batches", a sweep line "N orphan rows found, D deleted";
# a failed run (a lost connection, a refusal) is a line with "error" or "refused" as its result.
soak_rows_moved() {
    awk '
        / sync ok: [0-9]+ rows written/ {
            for (i = 1; i < NF; i++) if ($i == "ok:") { written += $(i + 1); break }
        }
        / sweep ok: [0-9]+ orphan rows found, [0-9]+ deleted/ {
            for (i = 1; i < NF; i++) if ($i == "deleted") { deleted += $(i - 1); break }
        }
        / (sync|sweep|backfill) (error|refused)/ { failed++ }
        END { printf "%d %d %d\n", written, deleted, failed }
    ' "$1"
}
