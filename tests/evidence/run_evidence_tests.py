#!/usr/bin/env python3
"""Each finding carries the evidence of its own sightings: the host, path,
count, times, user and parent of the events that are wrong, not those of the
whole name, whatever the route (events, a name table, tables merged).

Cases (a generated background of a fleet's genuine events, then one planted):
  wrong_folder  lsass.exe from C:\\Users\\Public\\ once, on WKS-9999 at 13:37,
                beside 1,200 genuine lsass.exe starts on 40 other hosts;
  renamed       one Sysmon svchost.exe whose OriginalFileName is CALC.EXE,
                beside 577 genuine ones;
  folder_cap    rundll32.exe from 20 folders of installed programs on one host
                and from C:\\Windows\\Temp\\ once on another: the Temp sighting
                must not be lost behind the cap of 16 folders kept.

Usage: run_evidence_tests.py --masq build/masq
"""
import argparse
import json
import os
import random
import subprocess
import sys
import tempfile

CHECKS = {"passed": 0, "failed": 0}


def check(label, condition, detail=""):
    if condition:
        CHECKS["passed"] += 1
        print("ok   " + label)
    else:
        CHECKS["failed"] += 1
        print("FAIL " + label + (": " + detail if detail else ""))


def stamp(rng, hour=None):
    h = rng.randrange(24) if hour is None else hour
    return "2024-06-03T%02d:%02d:%02d.%03dZ" % (h, rng.randrange(60), rng.randrange(60),
                                                rng.randrange(1000))


def background(rng):
    """A day of genuine starts: common names from their right folders, each on many
    hosts, as 4688 rows, and a long tail of rare installers."""
    rows = []
    common = ["svchost.exe", "lsass.exe", "conhost.exe", "rundll32.exe", "explorer.exe",
              "taskhostw.exe", "dllhost.exe", "cmd.exe", "powershell.exe", "services.exe"]
    for name in common:
        for _ in range(1200):
            host = "WKS-%04d" % rng.randrange(40)
            rows.append({"TimeGenerated": stamp(rng), "Computer": host, "EventID": 4688,
                         "NewProcessName": "C:\\Windows\\System32\\" + name, "Process": name,
                         "Account": "CONTOSO\\" + host.lower() + "$",
                         "ParentProcessName": "C:\\Windows\\System32\\services.exe"})
    for k in range(200):
        name = "setup_%03d.exe" % k
        rows.append({"TimeGenerated": stamp(rng), "Computer": "WKS-%04d" % rng.randrange(40),
                     "EventID": 4688, "NewProcessName": "C:\\Program Files\\Vendor%d\\%s" % (k, name),
                     "Process": name, "Account": "CONTOSO\\alice",
                     "ParentProcessName": "C:\\Windows\\explorer.exe"})
    return rows


def write_jsonl(path, rows):
    with open(path, "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


def scan(masq, args):
    done = subprocess.run([masq, "scan", "-q", "--format", "json"] + args, capture_output=True)
    if done.returncode != 0:
        sys.exit("FAIL: masq scan %s exited %d: %s" % (" ".join(args), done.returncode,
                                                       done.stderr.decode(errors="replace")))
    return json.loads(done.stdout)


def routes(masq, work, case, path):
    """The case's anomalies by three routes: events, a name table, two tables merged."""
    out = {"events": scan(masq, [path])["anomalies"]}
    table = os.path.join(work, case + ".names")
    scan(masq, ["--emit-names", table, path])
    out["name table"] = scan(masq, ["--schema", "names", table])["anomalies"]
    parts = []
    for k, window in enumerate([["--until", "2024-06-03T12:00:00Z"],
                                ["--since", "2024-06-03T12:00:00Z"]]):
        part = os.path.join(work, "%s.part%d" % (case, k))
        scan(masq, window + ["--emit-names", part, path])
        parts.append(part)
    merged = os.path.join(work, case + ".merged")
    subprocess.run([masq, "merge", "-o", merged] + parts, check=True)
    out["merged tables"] = scan(masq, ["--schema", "names", merged])["anomalies"]
    return out


def finding(anomalies, suspicious, reason):
    for a in anomalies:
        if a["PotentiallyMaliciousProcess"] == suspicious and reason in a["Reason"].split(","):
            return a
    return None


def case_wrong_folder(masq, work, rng):
    rows = background(rng)
    rows.append({"TimeGenerated": "2024-06-03T13:37:00.000Z", "Computer": "WKS-9999",
                 "EventID": 4688, "NewProcessName": "C:\\Users\\Public\\lsass.exe",
                 "Process": "lsass.exe", "Account": "CONTOSO\\mallory",
                 "ParentProcessName": "C:\\Windows\\System32\\cmd.exe"})
    rng.shuffle(rows)
    path = os.path.join(work, "wrong_folder.jsonl")
    write_jsonl(path, rows)
    for route, anomalies in routes(masq, work, "wrong_folder", path).items():
        a = finding(anomalies, "lsass.exe", "wrong-folder")
        label = "wrong_folder (%s)" % route
        check(label + ": found", a is not None)
        if a is None:
            continue
        check(label + ": count 1", a["EvidenceCount"] == 1, str(a["EvidenceCount"]))
        check(label + ": on WKS-9999 only", a["EvidenceComputers"] == ["WKS-9999"],
              str(a["EvidenceComputers"]))
        check(label + ": WKS-9999 first of the suspicious computers",
              a["SuspiciousComputers"][:1] == ["WKS-9999"], str(a["SuspiciousComputers"][:3]))
        check(label + ": the flagged path", a["EvidencePaths"] == ["C:\\Users\\Public\\lsass.exe"],
              str(a["EvidencePaths"]))
        check(label + ": the folder", a["EvidenceFolders"] == ["\\users\\public\\"],
              str(a["EvidenceFolders"]))
        check(label + ": at 13:37", a["EvidenceFirstSeen"] == a["EvidenceLastSeen"] ==
              "2024-06-03T13:37:00.000Z", "%s..%s" % (a["EvidenceFirstSeen"], a["EvidenceLastSeen"]))
        check(label + ": user and parent", a["EvidenceUsers"] == ["CONTOSO\\mallory"] and
              a["EvidenceParents"] == ["C:\\Windows\\System32\\cmd.exe"],
              "%s %s" % (a["EvidenceUsers"], a["EvidenceParents"]))
        pivot = a["Pivot"] or ""
        check(label + ": pivot narrows to host, folder and time",
              pivot.startswith("SecurityEvent") and '"WKS-9999"' in pivot and
              'endswith "\\\\users\\\\public\\\\lsass.exe"' in pivot and
              "datetime(2024-06-03T13:37:00.000Z)" in pivot, pivot)
        check(label + ": the whole name's count is still there", a["SuspiciousCount"] == 1201,
              str(a["SuspiciousCount"]))


def case_renamed(masq, work, rng):
    rows = background(rng)
    for _ in range(577):
        rows.append({"TimeGenerated": stamp(rng), "Computer": "WKS-%04d" % rng.randrange(40),
                     "EventID": 1, "Image": "C:\\Windows\\System32\\svchost.exe",
                     "OriginalFileName": "svchost.exe", "User": "NT AUTHORITY\\SYSTEM",
                     "ParentImage": "C:\\Windows\\System32\\services.exe"})
    rows.append({"TimeGenerated": "2024-06-03T09:15:42.123Z", "Computer": "LAP-0042",
                 "EventID": 1, "Image": "C:\\Windows\\System32\\svchost.exe",
                 "OriginalFileName": "CALC.EXE", "User": "CONTOSO\\bob",
                 "ParentImage": "C:\\Windows\\explorer.exe"})
    rng.shuffle(rows)
    path = os.path.join(work, "renamed.jsonl")
    write_jsonl(path, rows)
    for route, anomalies in routes(masq, work, "renamed", path).items():
        a = finding(anomalies, "svchost.exe", "renamed")
        label = "renamed (%s)" % route
        check(label + ": found", a is not None)
        if a is None:
            continue
        check(label + ": claims calc.exe", a["ClaimedOriginalFileName"] == "calc.exe",
              str(a["ClaimedOriginalFileName"]))
        check(label + ": count 1, on LAP-0042", a["EvidenceCount"] == 1 and
              a["EvidenceComputers"] == ["LAP-0042"], "%s %s" % (a["EvidenceCount"],
                                                                 a["EvidenceComputers"]))
        check(label + ": at 09:15:42.123", a["EvidenceFirstSeen"] == a["EvidenceLastSeen"] ==
              "2024-06-03T09:15:42.123Z", str(a["EvidenceFirstSeen"]))
        check(label + ": user and parent", a["EvidenceUsers"] == ["CONTOSO\\bob"] and
              a["EvidenceParents"] == ["C:\\Windows\\explorer.exe"],
              "%s %s" % (a["EvidenceUsers"], a["EvidenceParents"]))
        pivot = a["Pivot"] or ""
        check(label + ": pivot is a Sysmon query on OriginalFileName",
              pivot.startswith("Event\n") and 'OriginalFileName =~ "calc.exe"' in pivot and
              '"LAP-0042"' in pivot, pivot)


def case_folder_cap(masq, work, rng):
    rows = background(rng)
    for k in range(20):
        for _ in range(3):
            rows.append({"TimeGenerated": stamp(rng, 10), "Computer": "SRV-0001", "EventID": 4688,
                         "NewProcessName": "C:\\Program Files\\App%02d\\rundll32.exe" % k,
                         "Process": "rundll32.exe", "Account": "CONTOSO\\svc",
                         "ParentProcessName": "C:\\Windows\\System32\\svchost.exe"})
    rows.append({"TimeGenerated": "2024-06-03T22:01:02.003Z", "Computer": "WKS-0777",
                 "EventID": 4688, "NewProcessName": "C:\\Windows\\Temp\\rundll32.exe",
                 "Process": "rundll32.exe", "Account": "CONTOSO\\eve",
                 "ParentProcessName": "C:\\Windows\\System32\\wscript.exe"})
    rng.shuffle(rows)
    path = os.path.join(work, "folder_cap.jsonl")
    write_jsonl(path, rows)
    for route, anomalies in routes(masq, work, "folder_cap", path).items():
        a = finding(anomalies, "rundll32.exe", "wrong-folder")
        label = "folder_cap (%s)" % route
        check(label + ": found", a is not None)
        if a is None:
            continue
        check(label + ": the Temp folder is kept", "\\windows\\temp\\" in a["EvidenceFolders"],
              str(a["EvidenceFolders"]))
        check(label + ": the Temp path is shown", "C:\\Windows\\Temp\\rundll32.exe" in
              a["EvidencePaths"] and "C:\\Windows\\Temp\\rundll32.exe" in (a["Detail"] or ""),
              str(a["EvidencePaths"][:4]))
        check(label + ": its host is listed", "WKS-0777" in a["EvidenceComputers"],
              str(a["EvidenceComputers"]))
        check(label + ": its user and parent", "CONTOSO\\eve" in a["EvidenceUsers"] and
              "C:\\Windows\\System32\\wscript.exe" in a["EvidenceParents"],
              "%s %s" % (a["EvidenceUsers"], a["EvidenceParents"]))
        check(label + ": its time", a["EvidenceLastSeen"] == "2024-06-03T22:01:02.003Z",
              str(a["EvidenceLastSeen"]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--masq", required=True)
    options = parser.parse_args()
    masq = os.path.abspath(options.masq)
    rng = random.Random(7)
    with tempfile.TemporaryDirectory(prefix="masq-evidence-") as work:
        case_wrong_folder(masq, work, rng)
        case_renamed(masq, work, rng)
        case_folder_cap(masq, work, rng)
    print("%d passed, %d failed" % (CHECKS["passed"], CHECKS["failed"]))
    return 1 if CHECKS["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
