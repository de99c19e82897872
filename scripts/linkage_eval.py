#!/usr/bin/env python3
"""Scores a cross-check report against the truth of a labelled data set.

usage: linkage_eval.py DATA_DIR REPORT.csv [NAME]
DATA_DIR holds truth.csv (register_ref,record_id: the same child) and, where the data has them,
households.csv (another child of the same household). REPORT.csv has the header
register_ref,record_id,decision,score (decision: match, review or household).
Prints one JSON line: precision of match, recall of match, of match or review, and of match,
review or household; the review queue as a share of true links; how many household links were
right (a sibling or twin in households.csv, or the same child); and, where social-care.csv has
episode dates, recall of match or review among true links whose record holds a s.47 enquiry or a
child protection plan (the links that matter most, and the ones the cross-check reviews at a
lower probability).
"""
import csv
import json
import os
import sys


def pairs(path):
    if not os.path.exists(path):
        return set()
    with open(path, newline="") as f:
        return {(r["register_ref"], r["record_id"]) for r in csv.DictReader(f)}


def child_protection_records(data):
    """Records with a s.47 enquiry or child protection plan, from the labelled CSV."""
    path = f"{data}/social-care.csv"
    if not os.path.exists(path):
        return set()
    with open(path, newline="") as f:
        return {r["record_id"] for r in csv.DictReader(f)
                if r.get("s47_start_date") or r.get("cp_plan_start_date")}


def main(data, report_path, name=""):
    truth = pairs(f"{data}/truth.csv")
    households = pairs(f"{data}/households.csv")
    got = {"match": set(), "review": set(), "household": set()}
    with open(report_path, newline="") as f:
        for r in csv.DictReader(f):
            got.setdefault(r["decision"], set()).add((r["register_ref"], r["record_id"]))
    matched, review, house = got["match"], got["review"], got["household"]
    t = max(len(truth), 1)
    out = {
        "data": name,
        "true_links": len(truth),
        "match": len(matched),
        "review": len(review),
        "household": len(house),
        "match_precision": round(len(matched & truth) / max(len(matched), 1), 4),
        "match_recall": round(len(matched & truth) / t, 4),
        "match_or_review_recall": round(len((matched | review) & truth) / t, 4),
        "with_household_recall": round(len((matched | review | house) & truth) / t, 4),
        "review_share_of_true_links": round(len(review) / t, 4),
        "missed": len(truth - matched - review),
        "false_matches": len(matched - truth),
        "household_right": len(house & (households | truth)),
        "households_in_truth": len(households),
    }
    protected = child_protection_records(data)
    cp_truth = {p for p in truth if p[1] in protected}
    if cp_truth:
        out["child_protection_true_links"] = len(cp_truth)
        out["child_protection_recall"] = round(len((matched | review) & cp_truth) / len(cp_truth), 4)
    print(json.dumps(out))


if __name__ == "__main__":
    main(*sys.argv[1:4])
