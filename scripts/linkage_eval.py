#!/usr/bin/env python3
"""Scores a cross-check report against the truth from `cnis generate-linkage-data`.

usage: linkage_eval.py TRUTH.csv REPORT.csv
REPORT.csv has the header register_ref,record_id,decision,score (decision: match or review).
Prints precision of match, recall of match and of match+review, and the review queue size.
"""
import csv
import json
import sys


def main(truth_path, report_path):
    with open(truth_path, newline="") as f:
        truth = {(r["register_ref"], r["record_id"]) for r in csv.DictReader(f)}
    matched, review = set(), set()
    with open(report_path, newline="") as f:
        for r in csv.DictReader(f):
            pair = (r["register_ref"], r["record_id"])
            (matched if r["decision"] == "match" else review).add(pair)
    found = matched | review
    out = {
        "true_links": len(truth),
        "match": len(matched),
        "review": len(review),
        "match_precision": len(matched & truth) / max(len(matched), 1),
        "match_recall": len(matched & truth) / max(len(truth), 1),
        "match_or_review_recall": len(found & truth) / max(len(truth), 1),
        "review_share_of_true_links": len(review) / max(len(truth), 1),
        "missed": len(truth - found),
        "false_matches": len(matched - truth),
    }
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main(*sys.argv[1:3])
