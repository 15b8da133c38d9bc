#!/usr/bin/env python3
"""Detection quality: both profiles on real events with injected masquerades.

Generates the labelled set with tools/gen_eval.py (seeded), runs
`masq scan --profile P --format json` on it and on the untouched background,
each beside the real EVTX recordings of tests/data/evtx (attacks recorded on lab
hosts, read natively),
and prints, per kind of masquerade and kind of target (listed: a name of the
knowledge base; learned: a name the background runs from the system's or
installed programs' folders that the list lacks), the recall of each profile,
then the false positives: on the untouched background, and on a list of real
Windows binary names (tests/data/binary_names), each the list lacks run once
from a neutral folder beside the background.
Fails when the default profile's recall is below 0.95 for any kind and target,
when a finding on the untouched background is not one of the JUDGED ones (real
attacks in the recordings, judged by hand) beyond 1 per 1,000 of its names, when
a judged one is no longer found, or above 1 per 1,000 names on the real binary
names.
Usage: run_detection_eval.py --masq PATH [--real DIR] [--evtx PATH ...] [--seed N] [--per-kind N]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import gen_eval  # noqa: E402

MIN_RECALL = 0.95
MAX_FALSE_POSITIVES_PER_NAME = 0.001
# Findings on the untouched recordings, each a recorded attack (judged by hand).
JUDGED = {
    ("happy_image.jpeg.exe", "double-extension"):
        "the payload a public OTRF recording downloads and runs (it starts winx64_payload.exe)",
    ("cmd.exe", "wrong-folder"):
        "C:\\Windows\\cmd.exe started by PSEXESVC.exe: the recorded PsExec attack copies cmd.exe "
        "to the admin share (mdecrevoisier, PSexec_remote_execution_admin_share)",
}
EVTX = [os.path.join(ROOT, "tests", "data", "evtx", "process"),
        os.path.join(ROOT, "tests", "data", "evtx", "other", "sysmon.evtx")]
REASON_FOR_KIND = {"wrong-folder": "wrong-folder", "renamed": "renamed",
                   "look-alike-folder": "look-alike-folder"}
BINARY_NAMES = os.path.join(ROOT, "tests", "data", "binary_names", "wine_exe_names.txt")
NEUTRAL_FOLDER = "D:\\Apps\\Tools\\"


def scan(masq, profile, paths):
    out = subprocess.run([masq, "scan", "--profile", profile, "--backend", "cpu", "--format", "json"] + paths,
                         capture_output=True, text=True, check=False)
    if out.returncode != 0:
        sys.exit("masq failed (%d): %s" % (out.returncode, out.stderr))
    return json.loads(out.stdout)


def detected(item, anomalies):
    reason = REASON_FOR_KIND.get(item["kind"])
    for a in anomalies:
        if a["PotentiallyMaliciousProcess"] != item["name"]:
            continue
        if reason is None or reason in a.get("Reason", ""):
            return True
    return False


def binary_name_rows(background):
    """Each real binary name the knowledge base lacks, started once from a neutral
    folder by both sensors, after the background."""
    listed = gen_eval.listed_names()
    with open(BINARY_NAMES, encoding="utf-8") as f:
        names = sorted({line.strip().lower() for line in f if line.strip()} - listed)
    rows = list(background)
    for i, name in enumerate(names):
        when = "2019-12-06T10:%02d:%02d.000Z" % (i // 60, i % 60)
        rows.extend(json.dumps(e) for e in gen_eval.events(NEUTRAL_FOLDER + name, when, "APPS01.shire.com"))
    return names, rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--masq", required=True)
    parser.add_argument("--real", default=os.path.join(ROOT, "tests", "data", "real"))
    parser.add_argument("--evtx", nargs="*", default=EVTX, help="EVTX files or folders beside each set")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--per-kind", type=int, default=20)
    args = parser.parse_args()
    background, events, truth = gen_eval.generate(args.real, args.seed, args.per_kind)
    binary_names, binary_rows = binary_name_rows(background)
    with tempfile.TemporaryDirectory() as work:
        paths = {}
        for name, rows in (("background", background), ("events", events), ("binaries", binary_rows)):
            paths[name] = os.path.join(work, name + ".jsonl")
            with open(paths[name], "w", encoding="utf-8") as f:
                f.writelines(row + "\n" for row in rows)
        results = {p: scan(args.masq, p, [paths["events"]] + args.evtx)["anomalies"] for p in ("default", "notebook")}
        reports = {p: scan(args.masq, p, [paths["background"]] + args.evtx) for p in ("default", "notebook")}
        backgrounds = {p: reports[p]["anomalies"] for p in reports}
        binaries = scan(args.masq, "default", [paths["binaries"]] + args.evtx)["anomalies"]

    failures = []
    print("| kind | target | injected | default recall | notebook recall |")
    print("|---|---|---|---|---|")
    for kind in gen_eval.KINDS:
        for target_kind in gen_eval.target_kinds(kind):
            items = [t for t in truth if t["kind"] == kind and t["target_kind"] == target_kind]
            recall = {p: sum(detected(t, results[p]) for t in items) / len(items) for p in results}
            print("| %s | %s | %d | %.2f | %.2f |" % (kind, target_kind, len(items), recall["default"], recall["notebook"]))
            if recall["default"] < MIN_RECALL:
                missed = [t["name"] for t in items if not detected(t, results["default"])]
                failures.append("%s (%s targets): default recall %.2f < %.2f; missed %s"
                                % (kind, target_kind, recall["default"], MIN_RECALL, missed))
    summary = reports["default"]["summary"]
    distinct = summary["names"]
    unjudged = [a for a in backgrounds["default"] if (a["PotentiallyMaliciousProcess"], a["Reason"]) not in JUDGED]
    print("| false positives on the untouched background (%d events, %d of them from %d EVTX records; %d names) | | | %d | %d |"
          % (summary["events"], summary["events"] - len(background), summary["evtx_records"], distinct,
             len(unjudged), len(backgrounds["notebook"])))
    for a in backgrounds["default"]:
        key = (a["PotentiallyMaliciousProcess"], a["Reason"])
        print("  background finding: %s <- %s (%s): %s" % (a["NormalProcess"], key[0], key[1],
                                                          JUDGED.get(key, "NOT JUDGED: a false positive")))
    if len(unjudged) > MAX_FALSE_POSITIVES_PER_NAME * distinct:
        failures.append("%d findings on the background that are no judged attack (at most 1 per 1,000 of %d names)"
                        % (len(unjudged), distinct))
    found = {(a["PotentiallyMaliciousProcess"], a["Reason"]) for a in backgrounds["default"]}
    lost = [key for key in JUDGED if key not in found]
    if lost:
        failures.append("recorded attacks no longer found on the background: %s" % lost)
    on_names = [a for a in binaries if a["PotentiallyMaliciousProcess"] in set(binary_names)]
    print("| false positives on %d real binary names the list lacks | | | %d | |" % (len(binary_names), len(on_names)))
    for a in on_names:
        print("  binary-name finding: %s <- %s (%s)" % (a["NormalProcess"], a["PotentiallyMaliciousProcess"], a["Reason"]))
    if len(on_names) > MAX_FALSE_POSITIVES_PER_NAME * len(binary_names):
        failures.append("%d findings on %d real binary names (at most 1 per 1,000)" % (len(on_names), len(binary_names)))
    injected = {t["name"] for t in truth}
    extra = [a for a in results["default"] if a["PotentiallyMaliciousProcess"] not in injected]
    print("default findings on the mixed set that match no injected name: %d" % len(extra))
    for a in extra:
        print("  extra finding: %s <- %s (%s)" % (a["NormalProcess"], a["PotentiallyMaliciousProcess"], a["Reason"]))
    for failure in failures:
        print("FAIL: " + failure, file=sys.stderr)
    total = sum(len(gen_eval.target_kinds(k)) for k in gen_eval.KINDS) + 3
    print("detection: %d passed, %d failed" % (total - len(failures), len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
