#!/usr/bin/env python3
"""The least review queue any decision rule could reach on the cross-check's comparisons (issue 17).

usage: linkage_oracle.py DATA PAIRS [--rarity]

DATA holds the labelled files (truth.csv: register_ref,record_id); PAIRS is the log of a
cross-check run with the pair trace on:

    RUST_LOG=cnis::pairs=trace cnis cross-check 2> PAIRS

Every compared pair is traced with its comparison vector (the level of each field) and, with
--rarity, how rare its exactly agreeing names are. The oracle knows, for each comparison pattern,
how many of its pairs are truly the same child. It links whole patterns, purest first, while
precision of match stays at least 0.995, then sends the next purest patterns to review until
recall of match and review reaches each target. No rule that sees only these comparisons can
reach a target with a shorter queue: pairs with the same pattern look alike to it. A true link
that blocking never compared cannot be found at all.
"""
import collections
import csv
import re
import sys

PRECISION = 0.995
TARGETS = (0.98, 0.985, 0.99, 0.995, 0.998, 0.999)
LINE = re.compile(r"cnis::pairs\] (\S+),(\S+) (\S+) (\S+) (\S+) (\w+)$")


def main(data, pairs, rarity):
    with open(f"{data}/truth.csv", newline="") as f:
        truth = {(r["register_ref"], r["record_id"]) for r in csv.DictReader(f)}
    counts = collections.defaultdict(lambda: [0, 0])
    found = set()
    with open(pairs) as f:
        for line in f:
            m = LINE.search(line)
            if not m:
                continue
            child, record, levels, rare, _p, _decision = m.groups()
            pattern = f"{levels}|{rare}" if rarity else levels
            same = (child, record) in truth
            if same:
                found.add((child, record))
            counts[pattern][0 if same else 1] += 1
    n = len(truth)
    print(f"true links {n}; compared {len(found)}; never compared {n - len(found)} "
          f"(best possible recall {len(found) / max(n, 1):.4f}); "
          f"{sum(map(sum, counts.values()))} pairs in {len(counts)} patterns")
    patterns = sorted(counts.values(), key=lambda c: -c[0] / (c[0] + c[1]))
    matched = wrong = i = 0
    while i < len(patterns):
        t, f = patterns[i]
        if (matched + t) / (matched + t + wrong + f) < PRECISION:
            break
        matched, wrong, i = matched + t, wrong + f, i + 1
    print(f"match: {matched} true, {wrong} not (precision {matched / max(matched + wrong, 1):.4f}, "
          f"recall {matched / max(n, 1):.4f})")
    for target in TARGETS:
        found_t = queued = 0
        j = i
        while matched + found_t < target * n and j < len(patterns):
            t, f = patterns[j]
            # Of the last pattern, only the share it needs (as a rule that picked pairs of one
            # pattern at random would): so this is a bound, not one rule's result.
            take = min(1.0, (target * n - matched - found_t) / t) if t else 0.0
            found_t += t * take
            queued += (t + f) * take
            j += 1
        if matched + found_t < target * n - 1e-9:
            print(f"recall {target}: not reachable")
        else:
            print(f"recall {target}: review {queued:.0f} pairs = {queued / n:.1%} of true links "
                  f"({found_t:.0f} of them true)")


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(args) != 2:
        sys.exit(__doc__)
    main(args[0], args[1], "--rarity" in sys.argv)
