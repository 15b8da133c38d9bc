#!/usr/bin/env python3
"""Detection quality: both profiles on real events with injected masquerades.

Generates the labelled set with tools/gen_eval.py (seeded), runs
`masq scan --profile P --format json` on it and on the untouched background,
and prints, per kind of masquerade, the recall of each profile, then the false
positives on the background. Fails when the default profile's recall is below
0.95 for any kind, or it reports more than MAX_BACKGROUND_FINDINGS anomalies on
the untouched background (see README: one of them is a real double extension
in the public data set).
Usage: run_detection_eval.py --masq PATH [--real DIR] [--seed N] [--per-kind N]
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
MAX_BACKGROUND_FINDINGS = 2
REASON_FOR_KIND = {"wrong-folder": "wrong-folder", "renamed": "renamed"}


def scan(masq, profile, path):
    out = subprocess.run([masq, "scan", "--profile", profile, "--backend", "cpu", "--format", "json", path],
                         capture_output=True, text=True, check=False)
    if out.returncode != 0:
        sys.exit("masq failed (%d): %s" % (out.returncode, out.stderr))
    return json.loads(out.stdout)["anomalies"]


def detected(item, anomalies):
    reason = REASON_FOR_KIND.get(item["kind"])
    for a in anomalies:
        if a["PotentiallyMaliciousProcess"] != item["name"]:
            continue
        if reason is None or reason in a.get("Reason", ""):
            return True
    return False


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--masq", required=True)
    parser.add_argument("--real", default=os.path.join(ROOT, "tests", "data", "real"))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--per-kind", type=int, default=20)
    args = parser.parse_args()
    background, events, truth = gen_eval.generate(args.real, args.seed, args.per_kind)
    with tempfile.TemporaryDirectory() as work:
        paths = {}
        for name, rows in (("background", background), ("events", events)):
            paths[name] = os.path.join(work, name + ".jsonl")
            with open(paths[name], "w", encoding="utf-8") as f:
                f.writelines(row + "\n" for row in rows)
        results = {p: scan(args.masq, p, paths["events"]) for p in ("default", "notebook")}
        backgrounds = {p: scan(args.masq, p, paths["background"]) for p in ("default", "notebook")}

    failures = []
    print("| kind | injected | default recall | notebook recall |")
    print("|---|---|---|---|")
    for kind in gen_eval.KINDS:
        items = [t for t in truth if t["kind"] == kind]
        recall = {p: sum(detected(t, results[p]) for t in items) / len(items) for p in results}
        print("| %s | %d | %.2f | %.2f |" % (kind, len(items), recall["default"], recall["notebook"]))
        if recall["default"] < MIN_RECALL:
            missed = [t["name"] for t in items if not detected(t, results["default"])]
            failures.append("%s: default recall %.2f < %.2f; missed %s" % (kind, recall["default"], MIN_RECALL, missed))
    print("| false positives on the untouched background (%d events) | | %d | %d |"
          % (len(background), len(backgrounds["default"]), len(backgrounds["notebook"])))
    for a in backgrounds["default"]:
        print("  background finding: %s <- %s (%s)" % (a["NormalProcess"], a["PotentiallyMaliciousProcess"], a["Reason"]))
    if len(backgrounds["default"]) > MAX_BACKGROUND_FINDINGS:
        failures.append("%d findings on the background (at most %d)" % (len(backgrounds["default"]), MAX_BACKGROUND_FINDINGS))
    injected = {t["name"] for t in truth}
    extra = [a for a in results["default"] if a["PotentiallyMaliciousProcess"] not in injected]
    print("default findings on the mixed set that match no injected name: %d" % len(extra))
    for failure in failures:
        print("FAIL: " + failure, file=sys.stderr)
    total = len(gen_eval.KINDS) + 1
    print("detection: %d passed, %d failed" % (total - len(failures), len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
