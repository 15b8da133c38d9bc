#!/usr/bin/env python3
"""Write the boundary cases for the notebook-parity test (seeded, deterministic).

Usage: make_boundary_cases.py OUT_DIR [--seed N]

Writes several SecurityEvent-shaped JSON-lines files into OUT_DIR (each one is a whole
input on its own: tiers are computed per file) and OUT_DIR/cases.json, which lists for
each file the pairs a reference model of the notebook expects, with their float32
scores, and the intent of each designed pair.

The reference model here is only a design aid and a self-check: every designed pair's
intent (pass / fail / not compared) is asserted against it at generation time, so a
mistake in the design stops the generator. The parity test checks Spark itself against
these expectations and masq against Spark.

Reference model (the notebook's rules, see SPEC "Semantics of record"):
  * keep rows whose EventID is the string "4688" or the JSON integer 4688 (Spark turns a
    JSON number under a string schema into its text, so 4688.0 becomes "4688.0" and is
    dropped);
  * Process, or where it is missing/null the part of NewProcessName after the last
    '\\' or '/', lower-cased with Python's str.lower() (full Unicode lower-casing with
    SpecialCasing: U+0130 -> 'i' + U+0307, Final_Sigma in context; Spark 4's lower()
    gives the same on every name used here);
  * percent_rank = (#names with a smaller count) / (n - 1), 0 when n = 1;
    frequent >= 0.8, infrequent < 0.2;
  * calcDist with true (unrestricted) Damerau-Levenshtein on code points, rounded to
    float32, kept when > 0.85.
"""
import argparse
import datetime as dt
import json
import os
import random
import sys


sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), "tools"))
import notebook_rule  # noqa: E402
from notebook_rule import optimal_string_alignment, true_damerau_levenshtein  # noqa: E402

FREQUENT_THRESHOLD = 0.8
INFREQUENT_THRESHOLD = 0.2
SIMILARITY_THRESHOLD = 0.85


# ---------------------------------------------------------------- reference model
# The rule and the plain DP distances: tools/notebook_rule.py, written once.

def strip_common_extension(one, two):
    """calcDist's first step: (one, two) or None when either has no '.'."""
    return notebook_rule.compared(one, two)


def reference_score(one, two, distance=true_damerau_levenshtein):
    """The notebook's calcDist as float32 (what its FloatType UDF returns)."""
    return notebook_rule.score(one, two, distance)


def passes(score):
    return notebook_rule.passes(score, SIMILARITY_THRESHOLD)


def event_kept(row):
    eid = row.get("EventID")
    if isinstance(eid, bool):
        return False
    return eid == "4688" or (isinstance(eid, int) and eid == 4688)


def process_name(row):
    p = row.get("Process")
    if p is None:
        path = row.get("NewProcessName")
        if path is None:
            return None
        p = path.replace("/", "\\").rsplit("\\", 1)[-1]
    return p.lower()


def reference_tiers(rows):
    counts = {}
    for r in rows:
        if event_kept(r):
            name = process_name(r)
            counts[name] = counts.get(name, 0) + 1
    n = len(counts)
    values = sorted(counts.values())
    rank = {}
    for name, c in counts.items():
        smaller = sum(1 for v in values if v < c)
        rank[name] = 0.0 if n == 1 else smaller / (n - 1)
    return counts, rank


def reference_pairs(rows):
    counts, rank = reference_tiers(rows)
    frequent = sorted(k for k, v in rank.items() if v >= FREQUENT_THRESHOLD)
    infrequent = sorted(k for k, v in rank.items() if v < INFREQUENT_THRESHOLD)
    out = {}
    for f in frequent:
        for i in infrequent:
            s = reference_score(f, i)
            if passes(s):
                out[(f, i)] = s
    return out, counts, rank


# ---------------------------------------------------------------- event writing

class EventWriter:
    """Builds SecurityEvent-shaped rows with seeded times and hosts."""

    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.base = dt.datetime(2024, 3, 4, 0, 0, 0)
        self.rows = []

    def add(self, name, count=1, folder="C:\\Windows\\System32", process="as-is",
            event_id=4688, path=None):
        """Add `count` rows for `name`.

        process: "as-is" (Process = name), "upper" (Process = name.upper()),
        "absent" (no Process key), "null" (Process: null), or a literal string
        used as Process. path: NewProcessName; default folder + '\\' + name.
        """
        for _ in range(count):
            t = self.base + dt.timedelta(seconds=self.rng.randrange(86400),
                                         milliseconds=self.rng.randrange(1000))
            row = {
                "TimeGenerated": t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (t.microsecond // 1000),
                "Computer": "HOST%02d.contoso.local" % self.rng.randrange(1, 13),
            }
            if event_id is not _MISSING:
                row["EventID"] = event_id
            row["NewProcessName"] = path if path is not None else folder + "\\" + name
            if process == "as-is":
                row["Process"] = name
            elif process == "upper":
                row["Process"] = name.upper()
            elif process == "null":
                row["Process"] = None
            elif process == "absent":
                pass
            else:
                row["Process"] = process
            self.rows.append(row)

    def fillers(self, count_each, how_many, length=10):
        """Mid-tier names nothing resembles (random consonant stems)."""
        names = []
        while len(names) < how_many:
            stem = "".join(self.rng.choice("bdfgjkmnpqrtvwz") for _ in range(length))
            names.append(stem + ".exe")
        for n in names:
            self.add(n, count_each, folder="C:\\Program Files\\Vendor")
        return names

    def write(self, path):
        rows = list(self.rows)
        self.rng.shuffle(rows)
        with open(path, "w", encoding="utf-8") as f:
            for r in rows:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")


_MISSING = object()


# ---------------------------------------------------------------- the cases

def case_scores(seed):
    """Score edges, extensions, Unicode, DL vs OSA, event filtering, Process fallback.

    Frequent names appear FREQ times, designed look-alikes once (percent_rank 0),
    and random mid-tier fillers (count 5) are added until every frequent name has
    percent_rank >= 0.8 while the fillers stay in the middle. Intents, as
    (frequent, infrequent as lower-cased, intent, why):
    """
    w = EventWriter(seed)
    FREQ = 30
    frequent = [
        "windowsupdateservice.exe",                  # stem 20
        "microsoftwindowsdefenderantimalwareagent.exe",  # stem 40
        "runtimebroker.exe",                         # stem 13
        "searchprotocol.exe",                        # stem 14
        "svchost.exe",
        "wermgr.exe",                                # stem 6
        "conhost.exe",
        "powershell",                                # no extension
        "explorer.exe",
        "microsoftedgeupdate.exe",
        "windowsdesktop-runtime.x64.exe",            # dot inside the stem
        "installagent.",                             # empty extension
        "more.com",
        ".configupdater",                            # only an "extension"
        "微信服务进程助手.exe",                        # CJK, 8 code points
        "系统更新服务.exe",                            # CJK, 6 code points
        "cloudsyncagent.exe",
        "διαχειριστησ_εργασιων.exe",                 # Greek, typed with non-final sigma
        "προγραμματιστης.exe",                       # Greek, typed with final sigma
        "installer.exe",
        "taskhostw.exe",
        "winupdcaservice.exe",                       # DL vs OSA
        "netlogonbaservice.exe",                     # DL vs OSA
        "a cat.exe",                                 # DL vs OSA (the library's own example)
        "bash",                                      # from a '/' path, no extension
        "calc.exe",                                  # NewProcessName without a folder
    ]
    intents = [
        # exact 0.85: 1 - 3/20 rounds to float32 0.85000002 > 0.85
        ("windowsupdateservice.exe", "w1ndowsupdat3serv1ce.exe", "pass", "d=3 L=20: exactly 0.85, passes only through float32 rounding"),
        ("windowsupdateservice.exe", "w1nd0wsupdat3serv1ce.exe", "fail", "d=4 L=20: 0.80"),
        ("windowsupdateservice.exe", "w1ndowsupdat3serv1ce1.exe", "fail", "d=4 L=21: 0.81"),
        ("microsoftwindowsdefenderantimalwareagent.exe", "m1cros0ftw1ndowsdefendarant1malwareag3nt.exe", "pass", "d=6 L=40: exactly 0.85 again"),
        # d=2 around L = 13 / 14
        ("runtimebroker.exe", "rumtimebrokre.exe", "fail", "d=2 L=13: 0.846"),
        ("searchprotocol.exe", "saerchprotoco1.exe", "pass", "d=2 (transposition + substitution) L=14: 0.857"),
        # one edit around L = 6 / 7 / 8
        ("svchost.exe", "svch0st.exe", "pass", "substitution, L=7: 0.857"),
        ("svchost.exe", "scvhost.exe", "pass", "transposition, L=7"),
        ("svchost.exe", "svchosts.exe", "pass", "insertion, L=8: 0.875"),
        ("conhost.exe", "conhst.exe", "pass", "deletion, L=7 (the longer one)"),
        ("wermgr.exe", "wermqr.exe", "fail", "one edit, L=6: 0.833"),
        # no extension: calcDist returns 0.0 when either name has no '.'
        ("powershell", "powershel1", "fail", "neither has '.' -> 0.0"),
        ("powershell", "powershell1.exe", "fail", "frequent has no '.' -> 0.0"),
        ("explorer.exe", "explorer", "fail", "infrequent has no '.' -> 0.0"),
        ("explorer.exe", "explorar.exe", "pass", "control: one substitution, L=8"),
        ("bash", "bahs", "fail", "no '.' (names from '/' paths, Process absent) -> 0.0"),
        # different extensions: compared on the full names
        ("svchost.exe", "svchost.com", "fail", "full names, d=3 L=11: 0.727"),
        ("microsoftedgeupdate.exe", "microsoftedgeupdate.scr", "pass", "full names, d=3 L=23: 0.870"),
        ("microsoftedgeupdate.exe", "microsoftedgeupdate.exf", "pass", "full names, d=1 L=23"),
        ("microsoftedgeupdate.exe", "microsoftedgeupdate", "fail", "no '.' -> 0.0"),
        ("windowsdesktop-runtime.x64.exe", "windowsdesktop-runtime.x86.exe", "pass", "same last extension stripped; stems differ by 2 of 26"),
        ("installagent.", "installagemt.", "pass", "both extensions empty and equal: stems d=1 L=12"),
        ("installagent.", "installagent.exe", "fail", "extensions '' vs 'exe': full names d=3 L=16: 0.8125"),
        ("more.com", "mode.com", "fail", "d=1 L=4"),
        # only an extension
        ("svchost.exe", ".exe", "fail", "stem '' -> 0.0"),
        (".configupdater", ".configupdatar", "pass", "stems empty, extensions differ: full names d=1 L=14"),
        # non-ASCII: lengths are code points
        ("svchost.exe", "sv\u0441host.exe", "pass", "Cyrillic es: d=1, L=7 code points (0.857; 8 bytes would give 0.875)"),
        ("微信服务进程助手.exe", "微信服务进程肋手.exe", "pass", "CJK: d=1 L=8: 0.875"),
        ("系统更新服务.exe", "系统更新服矛.exe", "fail", "CJK: d=1 L=6: 0.833"),
        ("cloudsyncagent.exe", "cloudsync\U0001D5BAgent.exe", "pass", "astral-plane homoglyph: d=1, L=14 code points (15 UTF-16 units would give another float)"),
        ("svchost.exe", "svcho\u0301st.exe", "pass", "combining acute inserted (no normalization): d=1 L=8: 0.875"),
        ("svchost.exe", "svch\u00f3st.exe", "pass", "precomposed o-acute: d=1 L=7: 0.857"),
        # lower-casing
        ("διαχειριστησ_εργασιων.exe", "διαχειριστης_εργασιων.exe", "pass", "Process 'ΔΙΑΧΕΙΡΙΣΤΗΣ_ΕΡΓΑΣΙΩΝ.EXE': Final_Sigma gives ς before '_' -> a distinct name, d=1 L=21 (simple case mapping would merge it into the frequent name)"),
        ("προγραμματιστης.exe", "προγραμματιστησ.exe", "pass", "Process 'ΠΡΟΓΡΑΜΜΑΤΙΣΤΗΣ.EXE': '.' is case-ignorable and a cased letter follows, so Σ -> σ, not ς: distinct, d=1 L=15"),
        ("installer.exe", "i\u0307nstaller.exe", "pass", "Process 'İnstaller.exe': U+0130 lower-cases to 'i' + U+0307 (2 code points): d=1 L=10 (simple mapping to 'i' would merge)"),
        ("svchost.exe", "svchosst.exe", "pass", "Process 'SvcHosst.EXE' lower-cased: d=1 L=8"),
        # Kelvin sign lower-cases to ASCII 'k': 'tasKhostw.exe' (U+212A) merges into taskhostw.exe, no pair
        # true DL vs OSA
        ("winupdcaservice.exe", "winupdabcservice.exe", "pass", "'ca'->'abc' inside: DL=2 L=16: 0.875 (OSA=3: 0.8125 would fail)"),
        ("netlogonbaservice.exe", "netlogonaxbservice.exe", "pass", "'ba'->'axb' inside: DL=2 L=18: 0.889 (OSA=3: 0.833 would fail)"),
        ("a cat.exe", "a abct.exe", "fail", "the library's example: DL=2 L=6: 0.667"),
        # event filtering: these look-alikes would pass but their rows are dropped
        ("svchost.exe", "svchots.exe", "absent", "EventID 4689: dropped"),
        ("svchost.exe", "svhcost.exe", "absent", "EventID 4688.0: Spark reads it as the string '4688.0' and drops it"),
        ("svchost.exe", "svchozt.exe", "absent", "no EventID: dropped"),
        ("svchost.exe", "svchoet.exe", "absent", "EventID null: dropped"),
        ("svchost.exe", "svcnost.exe", "pass", "EventID given as the string \"4688\": kept"),
        ("svchost.exe", "svchpst.exe", "pass", "Process absent: taken from NewProcessName after the last '\\'"),
        ("svchost.exe", "svchust.exe", "pass", "Process null: taken from NewProcessName after the last '/' (mixed separators)"),
    ]
    for f in frequent:
        if f == "svchost.exe":
            # svchost rows come in all Process shapes, all counting for one name
            w.add(f, FREQ - 8)
            w.add(f, 2, process="absent", path="C:\\Windows\\System32\\SVCHOST.EXE")
            w.add(f, 2, process="null", path="C:/Windows/System32\\svchost.exe")
            w.add(f, 2, process="upper")
            w.add(f, 2, event_id="4688")
        elif f == "bash":
            w.add(f, FREQ, process="absent", path="/usr/bin/bash")
        elif f == "calc.exe":
            w.add(f, FREQ, process="absent", path="calc.exe")
        else:
            w.add(f, FREQ)
    # one Kelvin-sign row: lower-cases into taskhostw.exe
    w.add("tas\u212Ahostw.exe", 1, folder="C:\\Users\\Public")

    special = {
        "διαχειριστης_εργασιων.exe": dict(process="ΔΙΑΧΕΙΡΙΣΤΗΣ_ΕΡΓΑΣΙΩΝ.EXE"),
        "προγραμματιστησ.exe": dict(process="ΠΡΟΓΡΑΜΜΑΤΙΣΤΗΣ.EXE"),
        "i\u0307nstaller.exe": dict(process="İnstaller.exe"),
        "svchosst.exe": dict(process="SvcHosst.EXE"),
        "svchots.exe": dict(event_id=4689),
        "svhcost.exe": dict(event_id=4688.0),
        "svchozt.exe": dict(event_id=_MISSING),
        "svchoet.exe": dict(event_id=None),
        "svcnost.exe": dict(event_id="4688"),
        "svchpst.exe": dict(process="absent", path="C:\\Users\\Public\\svchpst.exe"),
        "svchust.exe": dict(process="null", path="C:\\Users/Public\\tmp/svchust.exe"),
        "bahs": dict(process="absent", path="/tmp/bahs"),
    }
    done = set(frequent)
    for f, i, intent, _ in intents:
        if i in done:
            continue
        done.add(i)
        kw = special.get(i, {})
        w.add(i, 1, folder="C:\\Users\\Public\\Temp", **kw)

    # fillers: enough mid-tier names to lift every frequent name to >= 0.8
    infrequent_count = len(done) - len(frequent) - sum(1 for _, _, it, _ in intents if it == "absent")
    m, v, k = len(frequent), infrequent_count, 0
    while not ((v + k) / (m + v + k - 1) >= FREQUENT_THRESHOLD
               and INFREQUENT_THRESHOLD <= v / (m + v + k - 1) < FREQUENT_THRESHOLD):
        k += 1
    w.fillers(5, k)
    return w, intents, frequent


def case_ties(seed):
    """Ties exactly at the thresholds, n = 36 distinct names (n - 1 = 35).

    percent_rank = smaller / 35. 7/35 is exactly 0.2 and 28/35 exactly 0.8 (as
    correctly rounded doubles); computing smaller * (1/35) instead gives
    0.19999999999999998 and 0.7999999999999999 and flips both tiers.

      count  1: 4 names, smaller  0 -> 0.000  infrequent
      count  2: 3 names, smaller  4 -> 0.114  infrequent
      count  3: 3 names, smaller  7 -> 0.200  NOT infrequent (tie at the threshold)
      count  5: 17 fillers, smaller 10 -> 0.286  middle
      count  6: userinit.exe, smaller 27 -> 0.771  NOT frequent
      count 10: 3 names, smaller 28 -> 0.800  frequent (tie at the threshold)
      count 12: 5 names, smaller 31 -> 0.886  frequent
    """
    w = EventWriter(seed)
    groups = [
        (1, ["spoolsw.exe", "winl0gon.exe", "explorre.exe", "dllhots.exe"]),
        (2, ["servicse.exe", "userlnit.exe", "searchindexr.exe"]),
        (3, ["spoo1sv.exe", "exp1orer.exe", "runtimebr0ker.exe"]),
        (6, ["userinit.exe"]),
        (10, ["spoolsv.exe", "winlogon.exe", "services.exe"]),
        (12, ["explorer.exe", "dllhost.exe", "taskhostw.exe", "searchindexer.exe", "runtimebroker.exe"]),
    ]
    for count, names in groups:
        for n in names:
            w.add(n, count, folder="C:\\Windows\\System32" if count >= 6 else "C:\\Users\\Public")
    w.fillers(5, 17)
    intents = [
        ("spoolsv.exe", "spoolsw.exe", "pass", "frequent at exactly 0.8 x infrequent at 0.0"),
        ("winlogon.exe", "winl0gon.exe", "pass", "frequent at exactly 0.8"),
        ("services.exe", "servicse.exe", "pass", "infrequent at 0.114"),
        ("explorer.exe", "explorre.exe", "pass", "frequent at 0.886"),
        ("dllhost.exe", "dllhots.exe", "pass", "transposition"),
        ("searchindexer.exe", "searchindexr.exe", "pass", "infrequent at 0.114, deletion"),
        ("userinit.exe", "userlnit.exe", "absent", "userinit.exe at 0.771 is not frequent"),
        ("spoolsv.exe", "spoo1sv.exe", "absent", "spoo1sv.exe at exactly 0.2 is not infrequent"),
        ("explorer.exe", "exp1orer.exe", "absent", "exp1orer.exe at exactly 0.2 is not infrequent"),
        ("runtimebroker.exe", "runtimebr0ker.exe", "absent", "runtimebr0ker.exe at exactly 0.2 is not infrequent"),
    ]
    return w, intents, None


def case_two_names(seed):
    """n = 2: percent_ranks 1.0 and 0.0, so the one pair is compared."""
    w = EventWriter(seed)
    w.add("svchost.exe", 5)
    w.add("svch0st.exe", 1, folder="C:\\Windows\\Temp")
    return w, [("svchost.exe", "svch0st.exe", "pass", "n=2")], None


def case_all_equal(seed):
    """All counts equal: every percent_rank is 0, nothing is frequent, no pairs."""
    w = EventWriter(seed)
    for n in ["svchost.exe", "svch0st.exe", "scvhost.exe", "lsass.exe", "lsas.exe", "explorer.exe"]:
        w.add(n, 3)
    return w, [("svchost.exe", "svch0st.exe", "absent", "nothing is frequent")], None


def case_one_name(seed):
    """n = 1: percent_rank 0 (no division by zero), nothing frequent, no pairs."""
    w = EventWriter(seed)
    w.add("svchost.exe", 4)
    return w, [], None


CASES = [
    ("boundary_scores", case_scores),
    ("boundary_ties", case_ties),
    ("boundary_two_names", case_two_names),
    ("boundary_all_equal", case_all_equal),
    ("boundary_one_name", case_one_name),
]


def check_intents(name, intents, expected, counts, rank, frequent):
    """Stop if the reference model disagrees with a designed intent."""
    errors = []
    for f, i, intent, why in intents:
        got = expected.get((f, i))
        if intent == "pass" and got is None:
            errors.append("%s: (%r, %r) meant to pass (%s); score %r, tiers %r/%r"
                          % (name, f, i, why, float(reference_score(f, i)), rank.get(f), rank.get(i)))
        if intent in ("fail", "absent") and got is not None:
            errors.append("%s: (%r, %r) meant not to be kept (%s); score %r" % (name, f, i, why, float(got)))
        if intent == "absent" and i in counts and rank[i] < INFREQUENT_THRESHOLD and rank.get(f, 0) >= FREQUENT_THRESHOLD:
            errors.append("%s: %r meant to be absent or out of the compared tiers" % (name, i))
    if frequent:
        for f in frequent:
            if rank.get(f, 0) < FREQUENT_THRESHOLD:
                errors.append("%s: %r meant to be frequent, percent_rank %r" % (name, f, rank.get(f)))
    # the DL-vs-OSA cases really are such cases
    for f, i, intent, why in intents:
        if "OSA" in why and "=" in why:
            sa, sb = strip_common_extension(f, i)
            dl, osa = true_damerau_levenshtein(sa, sb), optimal_string_alignment(sa, sb)
            if not dl < osa:
                errors.append("%s: (%r, %r) is not a DL<OSA case (%d, %d)" % (name, f, i, dl, osa))
            if "would fail" in why and passes(reference_score(f, i, optimal_string_alignment)):
                errors.append("%s: (%r, %r) passes under OSA too" % (name, f, i))
    return errors


def generate(out_dir, seed=11):
    """Write every case into out_dir; return the list written to cases.json."""
    os.makedirs(out_dir, exist_ok=True)
    listing, errors = [], []
    for k, (name, make) in enumerate(CASES):
        w, intents, frequent = make(seed * 1000 + k)
        path = os.path.join(out_dir, name + ".jsonl")
        w.write(path)
        expected, counts, rank = reference_pairs(w.rows)
        errors += check_intents(name, intents, expected, counts, rank, frequent)
        listing.append({
            "name": name,
            "file": os.path.basename(path),
            "events": len(w.rows),
            "names": len(counts),
            "expected_pairs": [[f, i, float(s)] for (f, i), s in sorted(expected.items())],
            "intents": [{"frequent": f, "infrequent": i, "intent": it, "why": why} for f, i, it, why in intents],
        })
    if errors:
        raise SystemExit("boundary case design errors:\n  " + "\n  ".join(errors))
    with open(os.path.join(out_dir, "cases.json"), "w", encoding="utf-8") as f:
        json.dump(listing, f, ensure_ascii=False, indent=1)
    for case in listing:
        case["file"] = os.path.join(os.path.abspath(out_dir), case["file"])
    return listing


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out_dir")
    ap.add_argument("--seed", type=int, default=11)
    args = ap.parse_args()
    for case in generate(args.out_dir, args.seed):
        print("%-20s %5d events %4d names %3d expected pairs  %s"
              % (case["name"], case["events"], case["names"], len(case["expected_pairs"]), case["file"]))


if __name__ == "__main__":
    main()
