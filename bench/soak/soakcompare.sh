# Sourced by the generator soaks: the row-for-row comparison at the end of a run. Each side is
# dumped by its own client as one tab-separated line per row, every column in a text form the
# soak chose to mean the same on both databases (integers as digits, timestamps in UTC to the
# microsecond, texts as stored), in key order; then every line of the source must be in the
# mirror exactly, and nothing else.
#
# Expects $WORK (a scratch folder) to be set.

# soak_compare NAME SOURCE_DUMP MIRROR_DUMP: the first field of each line is the key. Prints
# one summary line (and the first few differences); returns 1 when the two differ in any way.
soak_compare() {
    local name="$1" source="$2" mirror="$3"
    # Not `diff`: it would say which lines differ, not which rows are missing, extra or changed.
    # POSIX awk (Debian's default is mawk): the mirror is held in memory, the source streamed.
    awk -F '\t' -v name="$name" '
        # `phase`, set between the files, not FNR == NR: with an empty mirror that would read
        # the source as the mirror.
        phase == 1 { mirror[$1] = $0; mirrorRows++; next }
        {
            sourceRows++
            if (!($1 in mirror)) {
                missing++
                if (shown++ < 5) examples = examples "\n  missing " $0
            } else {
                if (mirror[$1] != $0) {
                    differing++
                    if (shown++ < 5)
                        examples = examples "\n  differs source: " $0 "\n          mirror: " mirror[$1]
                }
                delete mirror[$1]
            }
        }
        END {
            for (k in mirror) {
                extra++
                if (shown++ < 5) examples = examples "\n  extra   " mirror[k]
            }
            printf "%s: source %d rows, mirror %d rows, missing %d, extra %d, differing %d%s\n",
                   name, sourceRows, mirrorRows, missing, extra, differing, examples
            exit (missing + extra + differing > 0)
        }
    ' phase=1 "$mirror" phase=2 "$source"
}

# soak_compare_dumps NAME PG_OR_MARIA_SOURCE_CMD... -- MIRROR_CMD...: runs both dump commands
# (each prints the rows on stdout) and compares them. A dump that fails is a difference too:
# the comparison did not happen.
soak_compare_dumps() {
    local name="$1"
    shift
    local source_cmd=() mirror_cmd=()
    while (($#)) && [[ "$1" != -- ]]; do
        source_cmd+=("$1")
        shift
    done
    shift
    mirror_cmd=("$@")
    if ! "${source_cmd[@]}" >"$WORK/$name.source.tsv"; then
        echo "$name: could not read the source" >&2
        return 1
    fi
    if ! "${mirror_cmd[@]}" >"$WORK/$name.mirror.tsv"; then
        echo "$name: could not read the mirror" >&2
        return 1
    fi
    soak_compare "$name" "$WORK/$name.source.tsv" "$WORK/$name.mirror.tsv"
}
