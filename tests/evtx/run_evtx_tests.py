#!/usr/bin/env python3
"""EVTX, read natively, held to an independent reader and to JSON lines.

On the real recordings of tests/data/evtx (see its SOURCES.md):
- every record libevtx's evtxexport reads, masq's binary XML reader reads too,
  with the same provider, EventID, time (to the millisecond) and computer, and for
  every Security 4688 and Sysmon 1 record the same EventData fields masq uses;
- the non-Sysmon EventID 1 records (system.evtx) are not process creations;
- the damaged files are reported with the file and chunk and read as far as they
  can be (the counts their sources give), a file cut inside a chunk too; --strict
  makes the damage fatal;
- masq's findings on the EVTX files equal its findings on the same events given as
  JSON lines (built from evtxexport's output);
- a file read in parts by two readers gives the bytes one reader gives.

Needs evtxexport (Debian: libevtx-utils); its absence is a failure.
Usage: run_evtx_tests.py --masq MASQ --fields EVTX_FIELDS --data tests/data/evtx
"""
import argparse
import datetime
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "tools"))
from evtx_files import chunks_of, write_evtx  # noqa: E402

NS = "{http://schemas.microsoft.com/win/2004/08/events/event}"
SECURITY = "Microsoft-Windows-Security-Auditing"
SYSMON = "Microsoft-Windows-Sysmon"
SECURITY_DATA = ["NewProcessName", "NewProcessId", "SubjectUserName", "SubjectDomainName",
                 "ParentProcessName"]
SYSMON_DATA = ["Image", "OriginalFileName", "User", "ParentImage", "ProcessId", "ProcessGuid",
               "Hashes"]

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print("FAIL: " + message)
    return condition


def is_process_creation(provider, event_id):
    return (provider, event_id) in ((SECURITY, "4688"), (SYSMON, "1"))


def time_ms(system_time):
    """'2021-05-03T12:06:57.954898800Z' to milliseconds since the epoch, floored."""
    date, _, fraction = system_time.rstrip("Z").partition(".")
    seconds = datetime.datetime.strptime(date, "%Y-%m-%dT%H:%M:%S").replace(
        tzinfo=datetime.timezone.utc).timestamp()
    return int(seconds) * 1000 + int((fraction + "000")[:3])


# evtxexport writes control characters as they are, which XML 1.0 forbids:
# carried through the parser in the private use area, then put back.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def unescape_controls(text):
    return None if text is None else re.sub("[\uf000-\uf01f]", lambda m: chr(ord(m.group()) - 0xF000), text)


def evtxexport_records(path, mode="items"):
    """The records evtxexport reads: (record id, provider, event id, time, computer, data);
    mode "all": those it recovers too (past damage, in a chunk's slack)."""
    done = subprocess.run(["evtxexport", "-f", "xml", "-m", mode, path], capture_output=True,
                          text=True, errors="surrogateescape")
    if done.returncode != 0:
        sys.exit("FAIL: evtxexport %s: %s" % (path, done.stderr[:300]))
    records = []
    text = done.stdout
    start = text.find("<Event ")
    while start >= 0:
        end = text.index("</Event>", start) + len("</Event>")
        event = ET.fromstring(CONTROL.sub(lambda m: chr(0xF000 + ord(m.group())), text[start:end]))
        system = event.find(NS + "System")
        provider = system.find(NS + "Provider").get("Name")
        event_id = system.find(NS + "EventID").text
        created = system.find(NS + "TimeCreated")
        computer = system.find(NS + "Computer").text
        data = {}
        event_data = event.find(NS + "EventData")
        if event_data is not None:
            for item in event_data.findall(NS + "Data"):
                if item.get("Name") and item.get("Name") not in data:
                    data[item.get("Name")] = unescape_controls(item.text) or ""
        records.append({
            "record": int(system.find(NS + "EventRecordID").text),
            "provider": provider, "event_id": event_id,
            "time_ms": time_ms(created.get("SystemTime")) if created is not None else None,
            "computer": unescape_controls(computer) or "", "data": data,
        })
        start = text.find("<Event ", end)
    return records


def masq_records(fields_tool, path):
    done = subprocess.run([fields_tool, path], capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit("FAIL: %s %s: %s" % (fields_tool, path, done.stderr[:300]))
    return [json.loads(line) for line in done.stdout.splitlines()]


def compare_file(fields_tool, path):
    """Every record evtxexport reads, masq reads the same way."""
    name = os.path.basename(path)
    theirs = evtxexport_records(path)
    ours = {}
    for r in masq_records(fields_tool, path):
        # by System/EventRecordID (a saved log renumbers its record headers)
        key = int(r["fields"]["EventRecordID"]) if "EventRecordID" in r.get("fields", {}) else ("header", r["record"])
        ours.setdefault(key, r)
    compared = processes = 0
    for t in theirs:
        m = ours.get(t["record"])
        if m is None or "error" in m:
            check(False, "%s: record %d: evtxexport reads it, masq %s" % (
                name, t["record"], "does not" if m is None else "fails: " + m["error"]))
            continue
        f = m["fields"]
        same = (f.get("Provider") == t["provider"] and f.get("EventID") == t["event_id"] and
                f.get("Computer", "") == t["computer"] and m.get("time_ms") == t["time_ms"])
        check(same, "%s: record %d: System differs: masq %s, evtxexport %s" % (
            name, t["record"], {k: f.get(k) for k in ("Provider", "EventID", "Computer")} |
            {"time_ms": m.get("time_ms")}, {k: t[k] for k in ("provider", "event_id", "computer", "time_ms")}))
        compared += 1
        if is_process_creation(t["provider"], t["event_id"]):
            processes += 1
            for key in SECURITY_DATA if t["provider"] == SECURITY else SYSMON_DATA:
                check(f.get(key, "") == t["data"].get(key, ""),
                      "%s: record %d: %s: masq %r, evtxexport %r" % (
                          name, t["record"], key, f.get(key), t["data"].get(key)))
    return compared, processes, len(ours)


def compare_recovered(fields_tool, path):
    """Every record masq reads evtxexport reads too, recovering what it can
    (-m all: past a damaged record, as masq reads on from the next whole
    one), with the same System fields, but those whose size copy is damaged. The numbers
    of masq's records, and of those whose size copy is damaged."""
    name = os.path.basename(path)
    theirs = {}
    for t in evtxexport_records(path, mode="all"):
        theirs.setdefault(t["record"], []).append(t)
    ours = [r for r in masq_records(fields_tool, path) if "error" not in r]
    for m in ours:
        if not m["size_copy"]:
            continue  # masq reads it bounded by its size; evtxexport takes it for damage
        f = m["fields"]
        key = int(f["EventRecordID"]) if "EventRecordID" in f else None
        alike = [t for t in theirs.get(key, []) if
                 f.get("Provider") == t["provider"] and f.get("EventID") == t["event_id"] and
                 f.get("Computer", "") == t["computer"] and m.get("time_ms") == t["time_ms"]]
        check(alike, "%s: record %s (chunk %d): masq reads it, evtxexport -m all does not alike"
              % (name, key, m.get("chunk", -1)))
    return len(ours), sum(1 for m in ours if not m["size_copy"])


def scan(masq, args, expect=0):
    done = subprocess.run([masq, "scan", "--format", "json"] + args, capture_output=True, text=True)
    check(done.returncode == expect, "masq scan %s: exit %d, expected %d: %s" % (
        " ".join(args), done.returncode, expect, done.stderr[-500:]))
    try:
        return json.loads(done.stdout), done.stderr
    except json.JSONDecodeError:
        return None, done.stderr


def without_timing(report):
    summary = {k: v for k, v in report["summary"].items() if k not in ("seconds", "threads", "device")}
    return summary, report["anomalies"]


def json_rows(records):
    """The process creations as SecurityEvent and Sysmon rows, as an export holds them."""
    rows = []
    for r in records:
        if not is_process_creation(r["provider"], r["event_id"]):
            continue
        when = datetime.datetime.fromtimestamp(r["time_ms"] / 1000, datetime.timezone.utc)
        row = {"TimeGenerated": when.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (r["time_ms"] % 1000),
               "Computer": r["computer"], "EventID": int(r["event_id"]),
               "EventOriginId": "evtx:%d" % r["record"]}
        for key in SECURITY_DATA if r["provider"] == SECURITY else SYSMON_DATA:
            if r["data"].get(key):
                row[key] = r["data"][key]
        rows.append(row)
    return rows


def system_time(ms):
    when = datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc)
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + "%03d0000Z" % (ms % 1000)


def record_json(r, separate):
    """A record as evtx_dump writes it (attributes in "#attributes"), or as Chainsaw
    does (separate "X_attributes" members)."""
    def element(name, attributes, system):
        if separate:
            system[name + "_attributes"] = attributes
            system[name] = ""
        else:
            system[name] = {"#attributes": attributes}
    system = {"EventID": int(r["event_id"]), "EventRecordID": r["record"], "Computer": r["computer"]}
    element("Provider", {"Name": r["provider"]}, system)
    element("TimeCreated", {"SystemTime": system_time(r["time_ms"])}, system)
    return {"System": system, "EventData": dict(r["data"])}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--masq", required=True)
    parser.add_argument("--fields", required=True)
    parser.add_argument("--data", required=True)
    args = parser.parse_args()
    if shutil.which("evtxexport") is None:
        sys.exit("FAIL: evtxexport is not installed (Debian: apt-get install libevtx-utils); "
                 "the EVTX reader is held to it")
    process = sorted(glob.glob(os.path.join(args.data, "process", "*.evtx")))
    other = {os.path.basename(p): p for p in glob.glob(os.path.join(args.data, "other", "*.evtx"))}
    check(len(process) >= 80 and len(other) == 5, "the recordings are in %s" % args.data)

    # 1. masq's reader against evtxexport, record by record.
    total = processes = 0
    extra = {}
    for path in process + sorted(other.values()):
        compared, found, ours = compare_file(args.fields, path)
        total += compared
        processes += found
        extra[os.path.basename(path)] = ours - compared
    print("records compared with evtxexport: %d, of them process creations: %d" % (total, processes))
    check(processes >= 1274 + 227, "every process creation is compared (%d)" % processes)
    # masq reads the 3 records of the damaged sample whose size copy is damaged, and those
    # past a damaged record header; evtxexport only when it recovers (section 3).
    check(all(n == 0 for name, n in extra.items() if name != "sample_with_a_bad_chunk_magic.evtx"),
          "masq reads no record evtxexport lacks in undamaged files: %s" % extra)

    work = tempfile.mkdtemp()
    try:
        # 2. Other providers' EventID 1 are not process creations.
        report, _ = scan(args.masq, ["--allow-empty", other["system.evtx"]])
        check(report and report["summary"]["events"] == 0 and report["summary"]["other_events"] == 1881,
              "system.evtx: 1,881 records, none a process creation")
        report, _ = scan(args.masq, [other["sysmon.evtx"]])
        check(report and report["summary"]["events"] == 227 and report["summary"]["evtx_records"] == 358,
              "sysmon.evtx: 227 Sysmon 1 of 358 records")

        # 3. Damage: reported with file and chunk, read as far as can be, fatal with --strict.
        damaged = other["sample_with_a_bad_chunk_magic.evtx"]
        read, size_copies = compare_recovered(args.fields, damaged)
        check(read == 301 and size_copies == 3,
              "the damaged sample: the 301 records masq reads (267 whole, 31 past a damaged "
              "record header) are evtxexport's, but the 3 whose size copy is damaged (%d, %d)"
              % (read, size_copies))
        report, err = scan(args.masq, ["--allow-empty", damaged])
        check(report and report["summary"]["evtx_records"] == 301, "the damaged sample: 301 records read")
        check("chunk 7: a record's header or size is damaged; 16752 bytes skipped to the next "
              "record" in err, "past a damaged record header, read on from the next record: "
              + err[-400:])
        check(report and report["summary"]["evtx_damaged_chunks"] >= 1 and
              report["summary"]["evtx_malformed_records"] >= 1, "the damaged sample's damage is counted")
        check("sample_with_a_bad_chunk_magic.evtx: chunk 0: a record's header or size is damaged" in err,
              "the damage is reported with the file and chunk: " + err[-300:])
        scan(args.masq, ["--allow-empty", "--strict", damaged], expect=1)
        report, err = scan(args.masq, ["--allow-empty", other["security_bad_string_cache.evtx"]])
        check(report and report["summary"]["evtx_records"] == 2261, "the damaged string cache: 2,261 records")
        check("security_bad_string_cache.evtx: chunk 0: header checksum mismatch" in err,
              "the damaged string cache's chunk is reported")
        report, err = scan(args.masq, ["--allow-empty", other["Application_no_crc32.evtx"]])
        check(report and report["summary"]["evtx_records"] == 17 and "records checksum mismatch" in err,
              "the log without checksums: 17 records, reported")
        cut = os.path.join(work, "cut.evtx")
        with open(other["sysmon.evtx"], "rb") as f:
            whole = f.read()
        with open(cut, "wb") as f:
            f.write(whole[:4096 + 3 * 65536 + 1000])
        full_chunks = [json.loads(line) for line in subprocess.run(
            [args.fields, cut], capture_output=True, text=True).stdout.splitlines()]
        expected = sum(1 for r in full_chunks if r.get("fields", {}).get("EventID") == "1" and
                       r["fields"].get("Provider") == SYSMON)
        report, err = scan(args.masq, [cut])
        check(report and report["summary"]["events"] == expected and
              "cut.evtx: chunk 3: truncated: the file ends inside it" in err,
              "a file cut inside its fourth chunk: the three before are read (%d events), the cut "
              "reported" % expected)

        # 4. EVTX and the same events as JSON lines: the same findings.
        readable = process + [other["sysmon.evtx"]]
        rows = []
        for path in readable:
            rows += json_rows(evtxexport_records(path))
        jsonl = os.path.join(work, "events.jsonl")
        with open(jsonl, "w") as out:
            for row in rows:
                out.write(json.dumps(row) + "\n")
        evtx_dir = os.path.join(work, "evtx")
        os.mkdir(evtx_dir)
        for path in readable:
            shutil.copy(path, evtx_dir)
        from_evtx, _ = scan(args.masq, [evtx_dir])
        from_json, _ = scan(args.masq, [jsonl])
        if check(from_evtx is not None and from_json is not None, "both scans give a report"):
            e, j = from_evtx["summary"], from_json["summary"]
            for key in ("events", "duplicate_events", "twin_events", "names", "anomalies"):
                check(e[key] == j[key], "%s: EVTX %s, JSON lines %s" % (key, e[key], j[key]))
            check(from_evtx["anomalies"] == from_json["anomalies"],
                  "the findings of the EVTX files equal those of the same events as JSON lines")
            print("EVTX and JSON lines: %d events, %d anomalies" % (e["events"], e["anomalies"]))

        # 4b. The same records as evtx_dump and Chainsaw write them: the same findings.
        dump = os.path.join(work, "evtx_dump.jsonl")
        hunt = os.path.join(work, "chainsaw.jsonl")
        with open(dump, "w") as d, open(hunt, "w") as h:
            for path in readable:
                for r in evtxexport_records(path):
                    d.write(json.dumps({"Event": record_json(r, False)}) + "\n")
                    if is_process_creation(r["provider"], r["event_id"]):
                        hit = {"group": "Sigma", "kind": "individual", "name": "Proc Exec", "level": "info",
                               "timestamp": system_time(r["time_ms"]),
                               "document": {"kind": "evtx", "path": path, "data": {"Event": record_json(r, True)}}}
                        h.write(json.dumps(hit) + "\n")
                        h.write(json.dumps(dict(hit, name="Another rule")) + "\n")  # a second rule's hit
        for label, path in (("evtx_dump", dump), ("Chainsaw", hunt)):
            report, _ = scan(args.masq, [path])
            if check(report is not None and from_evtx is not None, label + " gives a report"):
                check(report["summary"]["events"] == from_evtx["summary"]["events"] and
                      report["anomalies"] == from_evtx["anomalies"],
                      "%s JSON of the records gives the findings of the .evtx files (%d events, EVTX %d)"
                      % (label, report["summary"]["events"], from_evtx["summary"]["events"]))

        # 4c. The notebook profile takes the 4688 records of both routes alike.
        notebook_evtx, _ = scan(args.masq, ["--profile", "notebook", evtx_dir])
        notebook_dump, _ = scan(args.masq, ["--profile", "notebook", dump])
        if check(notebook_evtx is not None and notebook_dump is not None, "notebook scans give a report"):
            check(notebook_evtx["summary"]["events"] == notebook_dump["summary"]["events"] > 0 and
                  notebook_evtx["anomalies"] == notebook_dump["anomalies"],
                  "--profile notebook: the .evtx files and their evtx_dump JSON give the same 4688 events (%d, %d)"
                  % (notebook_evtx["summary"]["events"], notebook_dump["summary"]["events"]))

        # 5. A file of more than two parts (32 MiB each): two readers give one reader's bytes.
        chunks = []
        for path in readable:
            chunks += chunks_of(path)
        big = os.path.join(work, "big.evtx")
        write_evtx(big, other["sysmon.evtx"], [chunks[i % len(chunks)] for i in range(1100)])
        one, _ = scan(args.masq, ["--threads", "1", big])
        two, _ = scan(args.masq, ["--threads", "2", big])
        if check(one is not None and two is not None, "the parts scans give a report"):
            check(without_timing(one) == without_timing(two),
                  "a %d MB file: --threads 2 (in parts) gives what --threads 1 gives" % (
                      os.path.getsize(big) // 10**6))
    finally:
        shutil.rmtree(work)
    print("evtx: %d failed" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
