#!/usr/bin/env bash
# CLI tests: bad input, exit codes, formats, the export layout, stdin and the
# demo. Each case runs masq for real and checks its exit code, its stdout
# (JSON, read with Python) and its stderr. Usage: run_cli_tests.sh MASQ REAL_DATA_DIR
set -u
export LC_ALL=C
masq=$1
real=$2/securityevent_4688.jsonl
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0

ok() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }

# run NAME EXPECTED_EXIT ARGS...: runs masq, keeps stdout/stderr in $work/NAME.{out,err}
run() {
  local name=$1 expected=$2
  shift 2
  "$masq" "$@" >"$work/$name.out" 2>"$work/$name.err" </dev/null
  local code=$?
  if [ "$code" -eq "$expected" ]; then ok; else fail "$name: exit $code, expected $expected; stderr: $(head -c 400 "$work/$name.err")"; fi
}

# expect_err NAME REGEX: stderr of NAME matches
expect_err() { if grep -Eq -- "$2" "$work/$1.err"; then ok; else fail "$1: stderr lacks /$2/: $(head -c 400 "$work/$1.err")"; fi; }

# expect_json NAME PYTHON_EXPR: the expression is true with j = the parsed stdout
expect_json() {
  if python3 -c "import json,sys; j=json.load(open(sys.argv[1])); sys.exit(0 if ($2) else 1)" "$work/$1.out" 2>/dev/null; then ok
  else fail "$1: stdout fails ($2): $(head -c 300 "$work/$1.out")"; fi
}

events_in_real=$(grep -c '"EventID": 4688' "$real")

# --- the real data, and the same data through every door ---------------------
run real 0 scan --format json "$real"
expect_json real "j['summary']['events'] == $events_in_real and j['summary']['malformed_lines'] == 0"

"$masq" scan --format json - <"$real" >"$work/stdin.out" 2>"$work/stdin.err" && ok || fail "stdin: exit $?: $(head -c 300 "$work/stdin.err")"
expect_json stdin "j['summary']['events'] == $events_in_real"

gzip -c "$real" >"$work/real.jsonl.gz"
run gz 0 scan --format json "$work/real.jsonl.gz"
expect_json gz "j['summary']['events'] == $events_in_real"

# The Log Analytics export layout, with PT05M, PT05M_1 (overflow) and PT1H blobs.
export_root="$work/WorkspaceResourceId=/subscriptions/x/resourcegroups/rg/providers/microsoft.operationalinsights/workspaces/w"
mkdir -p "$export_root/y=2024/m=06/d=03/h=00/m=00" "$export_root/y=2024/m=06/d=03/h=00/m=05" "$export_root/y=2024/m=06/d=03/h=01/m=00"
head -n 500 "$real" >"$export_root/y=2024/m=06/d=03/h=00/m=00/PT05M.json"
sed -n '501,800p' "$real" >"$export_root/y=2024/m=06/d=03/h=00/m=00/PT05M_1.json"
sed -n '801,1200p' "$real" >"$export_root/y=2024/m=06/d=03/h=00/m=05/PT05M.json"
tail -n +1201 "$real" | gzip -c >"$export_root/y=2024/m=06/d=03/h=01/m=00/PT1H.json.gz"
echo "not an export file" >"$export_root/README.txt"
run export 0 scan --format json "$work/WorkspaceResourceId=/"
expect_json export "j['summary']['events'] == $events_in_real and j['summary']['files'] == 4"
# the same anomalies as one file
python3 - "$work/real.out" "$work/export.out" <<'PY' && ok || fail "export layout gives other anomalies than the single file"
import json, sys
a, b = (json.load(open(p))["anomalies"] for p in sys.argv[1:])
key = lambda x: (x["NormalProcess"], x["PotentiallyMaliciousProcess"], x["AnomalyScore"])
sys.exit(0 if sorted(map(key, a)) == sorted(map(key, b)) else 1)
PY

# --- other schemas: Sysmon 1, Defender DeviceProcessEvents (JSON and CSV) -----
sysmon=$(dirname "$real")/sysmon_1.jsonl
sysmon_events=$(grep -c '"EventID": 1,' "$sysmon")
run sysmon 0 scan --format json "$sysmon"
expect_json sysmon "j['summary']['events'] == $sysmon_events"
run sysmon_notebook 0 scan --allow-empty --profile notebook --format json "$sysmon"
expect_json sysmon_notebook "j['summary']['events'] == 0"
run sysmon_as_securityevent 0 scan --allow-empty --schema securityevent --format json "$sysmon"
expect_json sysmon_as_securityevent "j['summary']['events'] == 0"
# Defender rows: a renamed PowerShell (its PE name kept) and a look-alike
python3 - "$work/mde.jsonl" "$work/mde.csv" <<'PY'
import csv, json, sys
rows = [{"Timestamp": "2024-06-03T10:00:%02dZ" % i, "DeviceName": "wks-%d.contoso.com" % (i % 3), "ActionType": "ProcessCreated",
         "FileName": "svchost.exe", "FolderPath": "C:\\Windows\\System32\\svchost.exe",
         "ProcessVersionInfoOriginalFileName": "svchost.exe"} for i in range(30)]
rows.append({"Timestamp": "2024-06-03T11:00:00Z", "DeviceName": "wks-9.contoso.com", "ActionType": "ProcessCreated",
             "FileName": "updater.exe", "FolderPath": "C:\\Users\\Public\\updater.exe",
             "ProcessVersionInfoOriginalFileName": "PowerShell.EXE"})
rows.append({"Timestamp": "2024-06-03T11:00:01Z", "DeviceName": "wks-9.contoso.com", "ActionType": "ProcessCreated",
             "FileName": "svch0st.exe", "FolderPath": "C:\\Users\\Public\\svch0st.exe",
             "ProcessVersionInfoOriginalFileName": ""})
rows.append({"Timestamp": "2024-06-03T11:00:02Z", "DeviceName": "wks-9.contoso.com", "ActionType": "FileCreated",
             "FileName": "svch0st.exe", "FolderPath": "C:\\Users\\Public\\svch0st.exe"})
with open(sys.argv[1], "w") as f:
    f.writelines(json.dumps(r) + "\n" for r in rows)
with open(sys.argv[2], "w", newline="") as f:
    fields = ["Timestamp [UTC]", "DeviceName", "ActionType", "FileName", "FolderPath", "ProcessVersionInfoOriginalFileName", "ProcessCommandLine"]
    w = csv.writer(f)
    w.writerow(fields)
    for r in rows:
        w.writerow([r.get("Timestamp"), r["DeviceName"], r["ActionType"], r["FileName"], r["FolderPath"],
                     r.get("ProcessVersionInfoOriginalFileName", ""), 'cmd /c "echo, a\nsecond line"'])
PY
for input in mde.jsonl mde.csv; do
  run "schema_$input" 0 scan --format json "$work/$input"
  expect_json "schema_$input" "j['summary']['events'] == 32 and j['summary']['other_events'] == 1"
  expect_json "schema_$input" "any(a['PotentiallyMaliciousProcess'] == 'updater.exe' and 'renamed' in a['Reason'] and a['NormalProcess'] == 'powershell.exe' for a in j['anomalies'])"
  expect_json "schema_$input" "any(a['PotentiallyMaliciousProcess'] == 'svch0st.exe' and a['Edit'] == 'svch[o→0]st.exe' and a['Severity'] == 'high' for a in j['anomalies'])"
done
"$masq" scan --schema csv --format json - <"$work/mde.csv" >"$work/schema_csv_forced.out" 2>"$work/schema_csv_forced.err"
expect_json schema_csv_forced "j['summary']['events'] == 32"

# --- fleet scale: name tables, merging, shards, time windows -------------------
"$masq" demo --seed 4 >"$work/fleet.jsonl"
head -n 15000 "$work/fleet.jsonl" >"$work/fleet_a.jsonl"
tail -n +15001 "$work/fleet.jsonl" >"$work/fleet_b.jsonl"
run fleet_all 0 scan --format json --emit-names "$work/all.names" "$work/fleet.jsonl"
run fleet_a 0 scan --format json --emit-names "$work/a.names" "$work/fleet_a.jsonl"
run fleet_b 0 scan --format json --emit-names "$work/b.names" "$work/fleet_b.jsonl"
run merge 0 merge -o "$work/ab.names" "$work/b.names" "$work/a.names"
if cmp -s "$work/all.names" "$work/ab.names"; then ok; else fail "merge: merged tables differ from one run's table"; fi
run fleet_merged 0 scan --schema names --format json "$work/ab.names"
run fleet_two_tables 0 scan --schema names --format json "$work/a.names" "$work/b.names"
for k in 0 1 2; do run "fleet_shard$k" 0 scan --shard $k/3 --format json "$work/fleet.jsonl"; done
python3 - "$work" <<'PY' && ok || fail "merged tables or shards give other anomalies than one run"
import json, sys
w = sys.argv[1]
an = lambda name: sorted(json.dumps(a, sort_keys=True) for a in json.load(open("%s/%s.out" % (w, name)))["anomalies"])
full = an("fleet_all")
shards = sorted(sum((an("fleet_shard%d" % k) for k in range(3)), []))
ok = len(full) > 0 and an("fleet_merged") == full and an("fleet_two_tables") == full and shards == full
ok = ok and all(len(an("fleet_shard%d" % k)) > 0 for k in range(3))
sys.exit(0 if ok else 1)
PY
run window 0 scan --since 2024-06-03T06:00:00Z --until 2024-06-03T12:00:00Z --format json "$work/fleet.jsonl"
python3 - "$work/fleet.jsonl" "$work/window.out" <<'PY' && ok || fail "--since/--until: wrong event counts"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
inside = sum("2024-06-03T06:00:00" <= r["TimeGenerated"] < "2024-06-03T12:00:00" for r in rows)
s = json.load(open(sys.argv[2]))["summary"]
sys.exit(0 if s["events"] == inside and s["events_outside_window"] == len(rows) - inside and 0 < inside < len(rows) else 1)
PY

# rows the export wrote twice (same EventOriginId and time) count once
python3 - "$real" "$work/dups.jsonl" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
with open(sys.argv[2], "w") as f:
    for i, r in enumerate(rows):
        r["EventOriginId"] = "00000000-0000-0000-0000-%012d" % i
        f.write(json.dumps(r) + "\n")
        if i % 10 == 0:
            f.write(json.dumps(r) + "\n")  # the export's retry
PY
run dups 0 scan --format json "$work/dups.jsonl"
expect_json dups "j['summary']['events'] == $events_in_real and j['summary']['duplicate_events'] == ($events_in_real + 9) // 10"

# a large plain file is read in parts by several readers: same counts, and a bad
# line deep inside is still reported with its line number in the whole file
python3 - "$real" "$work/large.jsonl" <<'PY'
import sys
rows = open(sys.argv[1]).read().splitlines()
with open(sys.argv[2], "w") as f:
    for i in range(120000):
        f.write(("{not json" if i == 100000 else rows[i % len(rows)]) + "\n")
PY
run large 0 scan --threads 2 --format json --emit-names "$work/large2.names" "$work/large.jsonl"
expect_json large "j['summary']['events'] == 119999 and j['summary']['lines'] == 120000 and j['summary']['malformed_lines'] == 1 and j['summary']['files'] == 1"
expect_err large "large.jsonl:100001: not valid JSON"
run large_one 0 scan --threads 1 --format json --emit-names "$work/large1.names" "$work/large.jsonl"
if cmp -s "$work/large1.names" "$work/large2.names"; then ok; else fail "large file: parts give another table than one reader"; fi

# the same de-duplication whatever the number of readers: 8 days, each file written twice
mkdir -p "$work/days"
python3 - "$real" "$work/days" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])][:600]
for day in range(8):
    lines = []
    for i, r in enumerate(rows):
        r = dict(r, TimeGenerated="2024-06-%02dT%02d:%02d:00.000Z" % (day + 1, i % 24, i % 60),
                 EventOriginId="%08d-0000-0000-0000-%012d" % (day, i))
        lines.append(json.dumps(r) + "\n")
    for copy in ("a", "b"):
        open("%s/day%d_%s.json" % (sys.argv[2], day, copy), "w").writelines(lines)
PY
run days_one 0 scan --threads 1 --format json --emit-names "$work/days1.names" "$work/days"
run days_many 0 scan --threads 4 --format json --emit-names "$work/days4.names" "$work/days"
expect_json days_one "j['summary']['events'] == 4800 and j['summary']['duplicate_events'] == 4800"
expect_json days_many "j['summary']['events'] == 4800 and j['summary']['duplicate_events'] == 4800"
if cmp -s "$work/days1.names" "$work/days4.names"; then ok; else fail "de-duplication: 1 and 4 readers give other tables"; fi
# name tables read by several readers (they are read one at a time)
run tables_many 0 scan --threads 4 --schema names --format json "$work/a.names" "$work/b.names" "$work/days1.names" "$work/all.names"

# Cases in tests/cli/cases hold the checks of one run each: bad input (empty files
# and folders, garbage, truncated gzip, 1 MB lines, invalid UTF-8, a missing file),
# EventIDs told apart, --known and --allow, a stray CSV quote, a known name in a
# wrong folder, the table format, bad --shard, --schema names and --since/--until,
# and the usage and exit codes (no input, bad options, --help, --version, an
# unwritable output).

# --- backends: OpenCL (PoCL in CI) and the CPU give the same anomalies --------
# An OpenCL test that finds no device fails: these expect a device.
run devices 0 devices
if grep -Eq "^  0  " "$work/devices.out"; then ok; else fail "masq devices lists no device: $(cat "$work/devices.out")"; fi
run cpu_backend 0 scan --backend cpu --demo --seed 5 --format json "$real"
run opencl_backend 0 scan --backend opencl --demo --seed 5 --format json "$real"
run opencl_forced 0 scan --backend opencl --work-group-size 3 --frequent-per-group 2 --tile-size 7 --candidate-capacity 1 --demo --seed 5 --format json "$real"
for run_name in opencl_backend opencl_forced; do
python3 - "$work/cpu_backend.out" "$work/$run_name.out" <<'PY' && ok || fail "$run_name: --backend opencl and --backend cpu differ"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
timing = {"seconds", "backend", "device", "threads", "kernel_launches", "kernel_overflows", "pairs_scored", "pairs_verified"}
strip = lambda s: {k: v for k, v in s.items() if k not in timing}
ok = a["anomalies"] == b["anomalies"] and strip(a["summary"]) == strip(b["summary"]) and len(a["anomalies"]) > 0
ok = ok and a["summary"]["backend"] == "cpu" and b["summary"]["backend"] == "opencl"
sys.exit(0 if ok else 1)
PY
done
expect_json opencl_forced "j['summary']['kernel_overflows'] > 0"
# names longer than the device takes (stems of 257, names of 261): the same on both backends
python3 - "$work/long_names.jsonl" <<'PY'
import json, sys
row = lambda p, c: {"Process": p, "Count": c, "UserCount": c, "DemoCount": 0}
rows = [row("x" * 257 + ".exe", 100)] + [row("m%d.exe" % i, 5) for i in range(6)]
rows += [row("y" * 257 + ".exe", 1), row("x" * 256 + "z.exe", 1), row("q.exe", 1)]
open(sys.argv[1], "w").write("".join(json.dumps(r) + "\n" for r in rows))
PY
for backend in cpu opencl; do
  run "long_$backend" 0 scan --schema names --profile notebook --backend $backend --format json "$work/long_names.jsonl"
  expect_json "long_$backend" "[(a['PotentiallyMaliciousProcess'], a['Distance']) for a in j['anomalies']] == [('x' * 256 + 'z.exe', 1)]"
done

# kernels from a folder (for kernel work); a kernel that does not build shows its log
kernels=$(cd "$(dirname "$0")/../../kernels" && pwd)
MASQ_KERNEL_DIR=$kernels "$masq" scan --backend opencl -v --format json "$real" >"$work/kernel_dir.out" 2>"$work/kernel_dir.err"
if [ $? -eq 0 ] && grep -q "kernels from $kernels" "$work/kernel_dir.err"; then ok; else fail "MASQ_KERNEL_DIR: $(head -c 300 "$work/kernel_dir.err")"; fi
mkdir -p "$work/broken_kernels" && cp "$kernels"/* "$work/broken_kernels/" && echo "not OpenCL C at all" >>"$work/broken_kernels/match.cl"
MASQ_KERNEL_DIR=$work/broken_kernels "$masq" scan --backend opencl "$real" >/dev/null 2>"$work/broken_kernel.err"
if [ $? -eq 2 ] && grep -q "the kernel did not build" "$work/broken_kernel.err" && grep -q "the compiler said" "$work/broken_kernel.err"; then ok; else fail "broken kernel: $(head -c 300 "$work/broken_kernel.err")"; fi
MASQ_DEVICE=no-such-device "$masq" scan --backend opencl "$real" >/dev/null 2>"$work/no_device.err"
if [ $? -eq 2 ] && grep -q "no OpenCL device matches 'no-such-device'" "$work/no_device.err"; then ok; else fail "MASQ_DEVICE=no-such-device: $(cat "$work/no_device.err")"; fi
# no OpenCL platform at all: auto falls back with one line, opencl exits 2
OCL_ICD_VENDORS=$work/no-vendors "$masq" scan --format json "$real" >"$work/no_platform.out" 2>"$work/no_platform.err"
if [ $? -eq 0 ] && [ "$(grep -c . "$work/no_platform.err")" -eq 1 ] && grep -q "matching on the CPU" "$work/no_platform.err"; then ok; else fail "auto without a platform: $(cat "$work/no_platform.err")"; fi
OCL_ICD_VENDORS=$work/no-vendors "$masq" scan --backend opencl "$real" >/dev/null 2>"$work/no_platform2.err"
if [ $? -eq 2 ] && grep -q "no OpenCL platform" "$work/no_platform2.err"; then ok; else fail "opencl without a platform: $(cat "$work/no_platform2.err")"; fi

# --- formats -------------------------------------------------------------------
run demo_json 0 scan --demo --seed 3 --format json
expect_json demo_json "len(j['anomalies']) >= 3 and all(a['Source'] == 'demo' for a in j['anomalies'])"
expect_json demo_json "{('svchost.exe','svch0st.exe'), ('svchost.exe','scvhost.exe')} <= {(a['NormalProcess'], a['PotentiallyMaliciousProcess']) for a in j['anomalies']}"
expect_json demo_json "all(set(a) >= {'NormalProcess','PotentiallyMaliciousProcess','AnomalyScore','Distance','NormalCount','SuspiciousCount','NormalPaths','SuspiciousPaths','Source'} for a in j['anomalies'])"
expect_json demo_json "all(k in j['summary'] for k in ('events','names','frequent','infrequent','pairs_compared','backend','device','seconds'))"
anomalies=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['anomalies']))" "$work/demo_json.out")
run demo_ndjson 0 scan --demo --seed 3 --format ndjson
if [ "$(wc -l <"$work/demo_ndjson.out")" -eq "$anomalies" ] && python3 -c "import json,sys; [json.loads(l) for l in open(sys.argv[1])]" "$work/demo_ndjson.out"; then ok; else fail "ndjson: not one object per anomaly"; fi
run demo_csv 0 scan --demo --seed 3 --format csv
if [ "$(python3 -c "import csv,sys; r=list(csv.DictReader(open(sys.argv[1]))); print(len(r) if all(x['Source']=='demo' for x in r) else -1)" "$work/demo_csv.out")" -eq "$anomalies" ]; then ok; else fail "csv: rows differ from json anomalies"; fi
run output_file 0 scan --demo --seed 3 --output "$work/out.json"
if cmp -s <(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['anomalies'])" "$work/out.json") <(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['anomalies'])" "$work/demo_json.out"); then ok; else fail "--output: differs from stdout json"; fi

# --- the demo: seeded and reproducible ----------------------------------------
"$masq" demo --seed 3 >"$work/demo3a.jsonl" && "$masq" demo --seed 3 >"$work/demo3b.jsonl" && "$masq" demo --seed 4 >"$work/demo4.jsonl"
if cmp -s "$work/demo3a.jsonl" "$work/demo3b.jsonl"; then ok; else fail "demo: same seed, different events"; fi
if ! cmp -s "$work/demo3a.jsonl" "$work/demo4.jsonl"; then ok; else fail "demo: different seeds, same events"; fi
# scanning the written demo events finds the same pairs as --demo (sources differ: user vs demo)
run demo_file 0 scan --format json "$work/demo3a.jsonl"
python3 - "$work/demo_json.out" "$work/demo_file.out" <<'PY' && ok || fail "masq demo | scan differs from scan --demo"
import json, sys
a, b = (json.load(open(p))["anomalies"] for p in sys.argv[1:])
key = lambda x: (x["NormalProcess"], x["PotentiallyMaliciousProcess"], x["AnomalyScore"], x["Distance"])
sys.exit(0 if sorted(map(key, a)) == sorted(map(key, b)) and all(x["Source"] == "user" for x in b) else 1)
PY
# --demo mixed into the user's events: demo pairs marked demo, user pairs user
run demo_mixed 0 scan --demo --seed 3 --format json "$real"
expect_json demo_mixed "any(a['Source'] == 'demo' for a in j['anomalies']) and j['summary']['demo_events'] > 0 and j['summary']['events'] > $events_in_real"

echo "cli: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
