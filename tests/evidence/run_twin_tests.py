#!/usr/bin/env python3
"""Process starts, not rows: in the default profile a Security 4688 row and the
Sysmon event 1 of the same start count once (host/ingest/twins.h), on the real
recorded events (which hold many such twins), whatever the threads.

  1. masq's summary.twin_events equals the documented rule computed here: rows
     grouped by host and image path (case-insensitive), in time order; a row of
     a sensor the group's start has not had, within 2 s of the start, is a twin.
  2. A look-alike started once and logged by both sensors is found in the
     default profile with SuspiciousCount 1 (it stays infrequent), and its
     evidence shows both sensors; without twin counting it would count 2.
  3. The notebook profile reads 4688 rows only, its counts unchanged.
  4. 1, 2 and 4 threads give the same bytes.

Usage: run_twin_tests.py --masq build/masq --real DIR
"""
import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile

WINDOW_MS = 2000
RESULTS = {"passed": 0, "failed": 0}


def check(label, condition, detail=""):
    RESULTS["passed" if condition else "failed"] += 1
    print(("ok   " if condition else "FAIL ") + label + ("" if condition else ": " + detail))


def millis(text):
    return round(datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)


def expected_twins(rows):
    """The rule, written plainly."""
    records = sorted(((r["Computer"].lower(), (r.get("NewProcessName") or r["Image"]).lower()),
                      millis(r["TimeGenerated"]), 1 if r["EventID"] == 4688 else 2) for r in rows)
    twins, i = 0, 0
    while i < len(records):
        key, start, sensors = records[i]
        j = i + 1
        while (j < len(records) and records[j][0] == key and records[j][1] - start <= WINDOW_MS
               and not sensors & records[j][2]):
            sensors |= records[j][2]
            twins += 1
            j += 1
        i = j
    return twins


def scan(masq, args):
    done = subprocess.run([masq, "scan", "-q", "--format", "json", "--backend", "cpu"] + args,
                          capture_output=True)
    if done.returncode != 0:
        sys.exit("FAIL: masq scan %s: %s" % (" ".join(args), done.stderr.decode(errors="replace")))
    return done.stdout


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--masq", required=True)
    parser.add_argument("--real", required=True, help="the real events (tests/data/real)")
    options = parser.parse_args()
    files = [os.path.join(options.real, f) for f in ("securityevent_4688.jsonl", "sysmon_1.jsonl")]
    for f in files:
        if not os.path.exists(f):
            sys.exit("FAIL: the real events are missing: %s" % f)
    rows = [json.loads(line) for f in files for line in open(f, encoding="utf-8") if line.strip()]

    summary = json.loads(scan(options.masq, files))["summary"]
    want = expected_twins(rows)
    check("real data: %d twins found, the rule gives %d" % (summary["twin_events"], want),
          summary["twin_events"] == want and want > 500, str(summary["twin_events"]))

    with tempfile.TemporaryDirectory(prefix="masq-twins-") as work:
        planted = os.path.join(work, "planted.jsonl")
        with open(planted, "w", encoding="utf-8") as out:
            out.write(json.dumps({"TimeGenerated": "2019-05-18T08:00:00.100Z", "EventID": 4688,
                                  "Computer": "WORKSTATION5.theshire.local",
                                  "NewProcessName": "C:\\Windows\\System32\\cnhost.exe",
                                  "Process": "cnhost.exe", "Account": "theshire\\pgustavo",
                                  "ParentProcessName": "C:\\Windows\\explorer.exe"}) + "\n")
            out.write(json.dumps({"TimeGenerated": "2019-05-18T08:00:01.050Z", "EventID": 1,
                                  "Computer": "workstation5.theshire.local",
                                  "Image": "C:\\WINDOWS\\system32\\cnhost.exe",
                                  "OriginalFileName": "cnhost.exe", "User": "THESHIRE\\pgustavo",
                                  "ParentImage": "C:\\Windows\\explorer.exe"}) + "\n")
        inputs = files + [planted]
        default = json.loads(scan(options.masq, inputs))
        found = [a for a in default["anomalies"] if a["PotentiallyMaliciousProcess"] == "cnhost.exe"]
        check("a look-alike started once and logged twice is found", bool(found),
              "no cnhost.exe anomaly")
        if found:
            a = found[0]
            check("... counted once", a["SuspiciousCount"] == 1 and a["EvidenceCount"] == 1,
                  "%s %s" % (a["SuspiciousCount"], a["EvidenceCount"]))
            check("... its evidence has both sensors' users",
                  sorted(a["EvidenceUsers"]) == ["THESHIRE\\pgustavo", "theshire\\pgustavo"],
                  str(a["EvidenceUsers"]))
            check("... its pivot queries both tables",
                  a["Pivot"].startswith("union") and "SecurityEvent" in a["Pivot"] and
                  "Microsoft-Windows-Sysmon" in a["Pivot"], a["Pivot"])
        check("summary counts the new twin", default["summary"]["twin_events"] == want + 1,
              str(default["summary"]["twin_events"]))

        notebook = json.loads(scan(options.masq, ["--profile", "notebook"] + inputs))["summary"]
        check("the notebook profile reads 4688 rows only, no twins",
              notebook["events"] == sum(1 for r in rows if r["EventID"] == 4688) + 1 and
              notebook["twin_events"] == 0, "%s %s" % (notebook["events"], notebook["twin_events"]))

        runs = [scan(options.masq, ["--format", "ndjson", "--threads", str(t)] + inputs)
                for t in (1, 2, 4, 2, 4)]
        check("1, 2 and 4 threads: the same bytes", all(r == runs[0] for r in runs))
    print("%d passed, %d failed" % (RESULTS["passed"], RESULTS["failed"]))
    return 1 if RESULTS["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
