#!/usr/bin/env python3
"""A second, independently designed generator of labelled linkage data (issue 17).

usage: linkage_data_uk2.py CHILDREN RECORDS OUT_DIR [SEED]

Writes OUT_DIR/register.csv and OUT_DIR/social-care.csv in the columns `cnis import register`
and `cnis import social-care` read, OUT_DIR/truth.csv (register_ref,record_id: the same child)
and OUT_DIR/households.csv (register_ref,record_id: another child of the same household).

It shares no code, name list or error model with `cnis generate-linkage-data`, so the matcher
is not measured only on the errors it was tuned on. Children live in households of one to four
(siblings, sometimes twins) under one surname at one address. A social care copy of a child
goes through a different error model:

- keyboard typos (a neighbouring key, a dropped, doubled or transposed letter) in every text
  field, the address and town included; short forms of first names; given name and surname
  swapped; a new surname;
- sex missing on most records (many extracts leave it out), identifiers mostly missing (no UPN
  at all, an NHS number on some), a date of birth missing on either side;
- dates with a digit wrong, the year out by one, day and month swapped; house moves; postcodes
  with a character wrong, or written without their space; upper-case records.

Every name is a common UK name picked from lists written for this script; every address is
made up. Nothing here is real data.
"""
import csv
import os
import random
import sys
from datetime import date, timedelta

GIVEN_F = """olivia amelia isla ava ivy freya lily florence mia willow rosie sophia isabella grace
daisy sienna poppy elsie emily ella evelyn phoebe sofia evie charlotte harper millie matilda maya
sophie alice emilia isabelle ruby luna maisie aria penelope mila bonnie eva hallie eliza ada
violet esme arabella imogen jessica delilah thea layla lottie hannah zara aisha fatima maryam
amira hafsa khadija zainab inaya anaya priya simran jasleen harleen aoife niamh siobhan ciara
caoimhe mairead ffion seren cerys megan carys eilidh kirsty morag catriona zuzanna julia lena
oliwia natalia amara chiamaka adaeze ngozi folake abena efua ama kezia tiana shania""".split()
GIVEN_M = """noah oliver george arthur muhammad leo harry oscar archie henry theodore freddie jack
charlie theo alfie jacob thomas finley arlo william lucas roman tommy isaac teddy alexander
luca edward james joshua albie elijah max mohammed reuben mason sebastian rory jude louie
benjamin ethan adam hugo joseph reggie ronnie louis frankie hunter ibrahim yusuf ayaan zayn
hamza ali omar bilal arjun rohan dev harjit gurpreet ciaran oisin padraig cian eoin dafydd
rhys gethin iwan owain callum angus fraser hamish ewan jakub szymon kacper filip mateusz
chidi emeka tunde kwame kofi yaw kojo tyrese jerome dwayne""".split()
SHORT = {"alexander": "alex", "benjamin": "ben", "charlotte": "lottie", "christopher": "chris",
         "elizabeth": "beth", "isabella": "bella", "isabelle": "izzy", "jacob": "jake",
         "joseph": "joe", "joshua": "josh", "matilda": "tilly", "nathaniel": "nat",
         "oliver": "ollie", "penelope": "penny", "samuel": "sam", "sebastian": "seb",
         "theodore": "theo", "thomas": "tom", "william": "will", "edward": "ed",
         "frederick": "fred", "harrison": "harry", "mohammed": "mo", "muhammad": "mo",
         "jessica": "jess", "hannah": "han", "abigail": "abi", "gabriel": "gabe",
         "natalia": "nat", "zuzanna": "zuzia", "catriona": "cat", "kacper": "kasper"}
SURNAMES = """smith jones williams taylor brown davies evans wilson thomas johnson roberts
robinson thompson wright walker white edwards hughes green hall lewis harris clarke patel
jackson wood turner martin cooper hill ward morris moore clark lee king baker harrison morgan
allen james scott phillips watson davis parker price bennett young griffiths mitchell kelly
cook carter richardson bailey collins bell shaw murphy miller cox richards khan marshall
anderson simpson ellis adams singh begum wilkinson foster chapman powell webb rogers gray
mason ali hussain campbell matthews owen palmer holmes mills barnes knight lloyd butler russell
barker fisher stevens jenkins murray dixon harvey graham pearson ahmed fletcher walsh kaur
gibson howard andrews stewart elliott reynolds saunders payne fox ford pearce day brooks west
lawrence cole atkinson bradley spencer gill dawson ball burton obrien watts rose booth perry
ryan grant wells armstrong francis rees hayes hart hudson newman barrett webster hunter gregory
carr lowe page marsh riley dunn woods parsons berry stone reid holland hawkins harding porter
robertson newton oconnor bates mcdonald macleod mackenzie obi okafor adeyemi mensah owusu
nowak kowalski wisniewski kaminski lewandowski chowdhury rahman miah uddin islam sharma
gupta""".split()
STREETS = """station church park victoria queens kings mill high manor school chapel green
springfield windsor albert grange orchard meadow beech oak elm willow ash cedar hawthorn
rowan holly clifton richmond stanley alexandra york devonshire highfield woodland mount
north south west east new bridge market castle abbey priory rectory vicarage fern""".split()
KINDS = ["road", "street", "avenue", "close", "lane", "drive", "way", "crescent", "grove", "gardens"]
ABBR = {"road": "rd", "street": "st", "avenue": "ave", "close": "cl", "lane": "ln",
        "drive": "dr", "crescent": "cres", "gardens": "gdns", "grove": "gr", "way": "wy"}
TOWNS = [("Leeds", "LS"), ("Bradford", "BD"), ("Sheffield", "S"), ("Manchester", "M"),
         ("Birmingham", "B"), ("Newcastle", "NE"), ("Cardiff", "CF"), ("Swansea", "SA"),
         ("Glasgow", "G"), ("Edinburgh", "EH"), ("Bristol", "BS"), ("Nottingham", "NG"),
         ("Leicester", "LE"), ("Coventry", "CV"), ("Liverpool", "L"), ("Hull", "HU"),
         ("Stoke", "ST"), ("Derby", "DE"), ("Plymouth", "PL"), ("Norwich", "NR"),
         ("Exeter", "EX"), ("Oxford", "OX"), ("Reading", "RG"), ("Luton", "LU")]
INWARD = "ABDEFGHJLNPQRSTUWXYZ"
KEYS = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]


def neighbours(ch):
    for row in KEYS:
        i = row.find(ch)
        if i >= 0:
            return row[max(i - 1, 0):i] + row[i + 1:i + 2]
    return ""


def typo(r, s):
    """One keyboard slip: a neighbouring key, a dropped, doubled or swapped letter."""
    if len(s) < 3:
        return s
    i = r.randrange(1, len(s) - 1)
    kind = r.random()
    if kind < 0.35 and neighbours(s[i]):
        return s[:i] + r.choice(neighbours(s[i])) + s[i + 1:]
    if kind < 0.6:
        return s[:i] + s[i + 1:]
    if kind < 0.8:
        return s[:i] + s[i] + s[i:]
    return s[:i - 1] + s[i] + s[i - 1] + s[i + 1:]


WEIGHTS = {}


def zipf_pick(r, items):
    """Common names are common: the k-th of a list is picked with weight 1 / (k + 10), so the
    first of a list of 200 is some 3% of people, as the commonest names in England and Wales
    are (ONS baby names; the most common surnames), and the tail is long."""
    key = id(items)
    if key not in WEIGHTS:
        total, cum = 0.0, []
        for k in range(len(items)):
            total += 1 / (k + 10)
            cum.append(total)
        WEIGHTS[key] = cum
    return r.choices(items, cum_weights=WEIGHTS[key])[0]


def nhs_number(r, issued):
    while True:
        digits = [r.randrange(10) for _ in range(9)]
        check = 11 - sum(d * (10 - i) for i, d in enumerate(digits)) % 11
        if check == 11:
            check = 0
        if check == 10:
            continue
        n = "".join(map(str, digits)) + str(check)
        if n not in issued:
            issued.add(n)
            return n


def postcode(r, area):
    return f"{area}{r.randrange(1, 30)} {r.randrange(1, 10)}{r.choice(INWARD)}{r.choice(INWARD)}"


def home(r):
    town, area = r.choice(TOWNS)
    line = f"{r.randrange(1, 240)} {r.choice(STREETS).title()} {r.choice(KINDS).title()}"
    return line, town, postcode(r, area)


def title(s):
    return " ".join(w.capitalize() for w in s.split(" "))


class World:
    def __init__(self, seed):
        self.r = random.Random(seed)
        self.nhs = set()
        self.today = date(2026, 12, 1)

    def household(self):
        r = self.r
        family = zipf_pick(r, SURNAMES)
        if r.random() < 0.04:
            family = f"{family}-{zipf_pick(r, SURNAMES)}"
        line, town, pc = home(r)
        size = r.choices([1, 2, 3, 4], [45, 35, 15, 5])[0]
        kids = []
        for _ in range(size):
            if kids and r.random() < 0.06:
                dob = kids[-1]["dob"]  # twins
            else:
                dob = self.today - timedelta(days=r.randrange(5 * 365 + 60, 16 * 365 + 300))
            sex = r.choice("FM")
            given = zipf_pick(r, GIVEN_F if sex == "F" else GIVEN_M)
            if any(k["given"] == given for k in kids):
                continue
            middle = zipf_pick(r, GIVEN_F if sex == "F" else GIVEN_M) if r.random() < 0.3 else ""
            kids.append({
                "given": given, "middle": middle, "family": family, "dob": dob, "sex": sex,
                "line": line, "town": town, "postcode": pc,
                "nhs": nhs_number(r, self.nhs),
            })
        return kids

    def as_recorded(self, k):
        """The same child as social care wrote them down."""
        r = self.r
        given, family = k["given"], k["family"]
        u = r.random()
        if u < 0.12:
            given = typo(r, given)
        elif u < 0.17 and given in SHORT:
            given = SHORT[given]
        u = r.random()
        if u < 0.09:
            family = typo(r, family)
        elif u < 0.13:
            family = zipf_pick(r, SURNAMES)  # a new surname
        elif u < 0.15 and "-" in family:
            family = family.split("-")[r.randrange(2)]
        middle = k["middle"] if r.random() < 0.5 else ""
        if r.random() < 0.02:
            given, family = family, given  # swapped between fields
        dob = k["dob"]
        u = r.random()
        dob_s = dob.isoformat()
        if u < 0.03:
            dob_s = ""
        elif u < 0.06 and dob.day <= 12 and dob.day != dob.month:
            dob_s = date(dob.year, dob.day, dob.month).isoformat()
        elif u < 0.10:
            d = dob + timedelta(days=r.choice([-10, -1, 1, 10]))
            dob_s = d.isoformat()
        elif u < 0.12:
            try:
                dob_s = dob.replace(year=dob.year + r.choice([-1, 1])).isoformat()
            except ValueError:
                pass
        line, town, pc = k["line"], k["town"], k["postcode"]
        if r.random() < 0.12:
            line, town, pc = home(r)  # moved house
        else:
            u = r.random()
            if u < 0.15:
                words = line.split(" ")
                words[-1] = ABBR.get(words[-1].lower(), words[-1]).title()
                line = " ".join(words)
            elif u < 0.25:
                number, rest = line.split(" ", 1)
                line = f"{number} {title(typo(r, rest.lower()))}"
            if r.random() < 0.08:
                town = title(typo(r, town.lower()))
            u = r.random()
            if u < 0.05:
                i = r.choice([0, len(pc) - 1])
                ch = r.choice(INWARD) if pc[i].isalpha() else str(r.randrange(10))
                pc = pc[:i] + ch + pc[i + 1:]
            elif u < 0.12:
                pc = pc.replace(" ", "")
            elif u < 0.16:
                pc = ""
        sex = k["sex"] if r.random() < 0.3 else "U"
        nhs = k["nhs"] if r.random() < 0.25 else ""
        full = f"{given} {middle}".strip()
        rec = [title(full), title(family), dob_s, sex, "", nhs, line, town, pc]
        if r.random() < 0.1:
            rec = [x.upper() for x in rec]
        return rec

    def on_register(self, k):
        r = self.r
        dob_s = "" if r.random() < 0.01 else k["dob"].isoformat()
        full = f"{k['given']} {k['middle']}".strip()
        nhs = k["nhs"] if r.random() < 0.2 else ""
        return [title(full), title(k["family"]), dob_s, k["sex"], "", nhs, k["line"], k["town"], k["postcode"]]


def episodes(r):
    out = []
    for p in (0.3, 0.15, 0.6):
        if r.random() < p:
            start = date(2019, 1, 1) + timedelta(days=r.randrange(2500))
            end = (start + timedelta(days=r.randrange(30, 400))).isoformat() if r.random() < 0.6 else ""
            out += [start.isoformat(), end]
        else:
            out += ["", ""]
    return out


def main(children, records, out, seed=17):
    os.makedirs(out, exist_ok=True)
    w = World(seed)
    r = w.r
    reg = csv.writer(open(f"{out}/register.csv", "w", newline=""))
    sc = csv.writer(open(f"{out}/social-care.csv", "w", newline=""))
    truth = csv.writer(open(f"{out}/truth.csv", "w", newline=""))
    households = csv.writer(open(f"{out}/households.csv", "w", newline=""))
    reg.writerow("register_ref,given_names,family_name,date_of_birth,sex,upn,nhs_number,address_line_1,town,postcode".split(","))
    sc.writerow("record_id,given_names,family_name,date_of_birth,sex,upn,nhs_number,address_line_1,town,postcode,s47_start_date,s47_end_date,cp_plan_start_date,cp_plan_end_date,cin_start_date,cin_end_date".split(","))
    truth.writerow(["register_ref", "record_id"])
    households.writerow(["register_ref", "record_id"])
    # A third of registered children are known to social care; some of their brothers and
    # sisters are on the register too, some only in social care.
    n_reg = n_sc = 0
    while n_reg < children:
        kids = w.household()
        registered = [k for k in kids if r.random() < 0.5] or kids[:1]
        known = r.random() < 0.35
        refs = {}
        for k in registered:
            if n_reg >= children:
                break
            ref = f"U2R{n_reg:07d}"
            n_reg += 1
            refs[id(k)] = ref
            reg.writerow([ref] + w.on_register(k))
        if not known:
            continue
        for k in kids:
            if n_sc >= records or r.random() < 0.25:
                continue
            rid = f"U2S{n_sc:07d}"
            n_sc += 1
            sc.writerow([rid] + w.as_recorded(k) + episodes(r))
            for other in registered:
                if id(other) not in refs:
                    continue
                if other is k:
                    truth.writerow([refs[id(k)], rid])
                else:
                    households.writerow([refs[id(other)], rid])
    while n_sc < records:
        for k in w.household():
            if n_sc < records:
                sc.writerow([f"U2S{n_sc:07d}"] + w.as_recorded(k) + episodes(r))
                n_sc += 1
    print(f"{n_reg} register entries, {n_sc} social care records")


if __name__ == "__main__":
    args = sys.argv[1:]
    main(int(args[0]), int(args[1]), args[2], int(args[3]) if len(args) > 3 else 17)
