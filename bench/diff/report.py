#!/usr/bin/env python3
"""Prints bench/diff/run.sh's tables from its results.tsv: medians of every measurement, and the
per-run ratios of the diff to each baseline (median and range), against issue 11's targets.

results.tsv rows: scenario, pairing, measurement, run, seconds, peak KB, exit code, and the
child's own CPU seconds (user + system; absent in older files)."""
import collections
import statistics
import sys

NAMES = {"pgpg": "PostgreSQL -> PostgreSQL", "pgmaria": "PostgreSQL -> MariaDB",
         "sqlitepg": "SQLite -> PostgreSQL", "mariamaria": "MariaDB -> MariaDB"}
SCENARIOS = {"identical": "identical tables", "changes1000": "1,000 scattered changes",
             "changed30": "30% of the rows changed"}
# (scenario, baseline, target on diff time / baseline time, how the target reads)
TARGETS = [("identical", "count", 5.0, "<= 5"),
           ("identical", "fullcompare", 1 / 3, "<= 0.33 (3x faster)"),
           ("changes1000", "fullcompare", 0.5, "<= 0.5"),
           ("changed30", "fullcompare", 1.5, "<= 1.5"),
           ("identical", "pt-table-sync", 1.0, "< 1"),
           ("changes1000", "pt-table-sync", 1.0, "< 1")]
PEAK_MB = 64

samples = collections.defaultdict(dict)   # (scenario, pairing, name) -> {run: (s, kb)}
cpu = collections.defaultdict(list)       # (scenario, pairing, name) -> [client CPU s]
for line in open(sys.argv[1]):
    fields = line.rstrip("\n").split("\t")
    scenario, pairing, name, run, secs, kb = fields[:6]
    samples[(scenario, pairing, name)][run] = (float(secs), float(kb))
    if len(fields) > 7 and fields[7]:
        cpu[(scenario, pairing, name)].append(float(fields[7]))


def fmt(x):
    return f"{x:.2f}" if x < 10 else f"{x:.1f}"


print("\n| scenario | pairing | measurement | median s | range s | client CPU s | peak MB (median / max) |")
print("| --- | --- | --- | ---: | ---: | ---: | ---: |")
for (scenario, pairing, name), runs in samples.items():
    secs = [s for s, _ in runs.values()]
    mb = [kb / 1024 for _, kb in runs.values()]
    peak = f"{statistics.median(mb):.1f} / {max(mb):.1f}" if name != "diff_engine_s" else ""
    label = "diff (engine's own duration_s)" if name == "diff_engine_s" else name
    c = cpu.get((scenario, pairing, name))
    c = f"{statistics.median(c):.2f}" if c else ""
    print(f"| {SCENARIOS[scenario]} | {NAMES[pairing]} | {label} | {statistics.median(secs):.3f} "
          f"| {min(secs):.3f} .. {max(secs):.3f} | {c} | {peak} |")

print("\n| scenario | pairing | diff / baseline | median ratio | range | target | met |")
print("| --- | --- | --- | ---: | ---: | --- | --- |")
for scenario, baseline, target, reads in TARGETS:
    for pairing in NAMES:
        d = samples.get((scenario, pairing, "diff"))
        b = samples.get((scenario, pairing, baseline))
        if not d or not b:
            continue
        ratios = [d[r][0] / b[r][0] for r in d if r in b]
        med = statistics.median(ratios)
        met = "yes" if med <= target and (target != 1.0 or med < 1.0) else "**no**"
        print(f"| {SCENARIOS[scenario]} | {NAMES[pairing]} | {baseline} | {fmt(med)} "
              f"| {fmt(min(ratios))} .. {fmt(max(ratios))} | {reads} | {met} |")

print(f"\n| scenario | pairing | tidemark-cli diff peak RSS MB (max of runs) | target <= {PEAK_MB} MB |")
print("| --- | --- | ---: | --- |")
for (scenario, pairing, name), runs in samples.items():
    if name != "diff":
        continue
    peak = max(kb for _, kb in runs.values()) / 1024
    print(f"| {SCENARIOS[scenario]} | {NAMES[pairing]} | {peak:.1f} | {'yes' if peak <= PEAK_MB else '**no**'} |")
