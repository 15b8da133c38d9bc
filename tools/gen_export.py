#!/usr/bin/env python3
"""Seeded generator of a Log Analytics data-export tree of SecurityEvent rows.

Writes what a workspace's data export to a storage account holds, as azcopy copies it
to disk:

  OUT/WorkspaceResourceId=/subscriptions/<guid>/resourcegroups/<rg>/providers/
      microsoft.operationalinsights/workspaces/<ws>/y=YYYY/m=MM/d=DD/h=HH/m=mm/PT05M.json

JSON lines, one SecurityEvent row a line: TenantId, TimeGenerated (7 fractional digits,
as the export writes it), SourceComputerId, Computer, Account, EventID (a number),
EventOriginId (a GUID), NewProcessName, Process, ParentProcessName, CommandLine,
_ResourceId. Some blobs overflow into PT05M_1.json, some are gzip-compressed
(PT05M.json.gz), a seeded fraction of rows is written twice (same EventOriginId, a
later blob of the same hour, as the export's retries do), a few rows lack `Process`
(readers fall back to the file name of NewProcessName) and a few are other events
(4624 logons) that readers must skip.

Process names (tools/gen_names.py): real Windows and vendor binaries at the head of a
Zipf distribution, vendor, versioned, temp, GUID-like, CJK and extension-less names,
and in the rare tail 1-2 edit look-alikes of the head (homoglyphs included), plus a few
real system names run from a folder they never live in. Names keep their display case
in Process and NewProcessName (readers lower-case them).

Same arguments -> same bytes, whatever --jobs is: every hour is generated from its own
seeded stream (numpy's PCG64 seeded with (seed, hour)).

Usage:
  gen_export.py --events 1000000 --names 100000 --seed 1 --out /tmp/export
  gen_export.py --events 20000 --names 400 --hosts 12 --seed 3 --out DIR \\
      --counts counts.json          # also the true per-name counts (after de-duplication)

Prints a JSON summary (rows, events, duplicates, files, bytes, seconds) on stdout.
`--events` counts distinct 4688 events; duplicates and other events come on top.
"""

import argparse
import datetime
import gzip
import json
import multiprocessing
import os
import random
import sys
import time

import numpy as np

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_names  # noqa: E402

# The most common 4688 names on a Windows fleet, in rough order: the head of the Zipf.
TOP = """svchost.exe conhost.exe backgroundtaskhost.exe runtimebroker.exe cmd.exe
wmiprvse.exe dllhost.exe powershell.exe taskhostw.exe rundll32.exe msedge.exe chrome.exe
searchprotocolhost.exe searchfilterhost.exe smartscreen.exe mpcmdrun.exe sppsvc.exe
compattelrunner.exe werfault.exe wermgr.exe consent.exe msiexec.exe reg.exe sc.exe
net.exe net1.exe schtasks.exe explorer.exe userinit.exe ctfmon.exe""".split()

# Where real binaries live; the rest of REAL_NAMES are in System32.
HOME = {
    "powershell.exe": "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\",
    "powershell_ise.exe": "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\",
    "wmiprvse.exe": "C:\\Windows\\System32\\wbem\\", "wmiadap.exe": "C:\\Windows\\System32\\wbem\\",
    "wmiapsrv.exe": "C:\\Windows\\System32\\wbem\\", "explorer.exe": "C:\\Windows\\",
    "regedit.exe": "C:\\Windows\\", "msmpeng.exe": "C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24040.4-0\\",
    "mpcmdrun.exe": "C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24040.4-0\\",
    "nissrv.exe": "C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24040.4-0\\",
    "msedge.exe": "C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\",
    "chrome.exe": "C:\\Program Files\\Google\\Chrome\\Application\\",
    "firefox.exe": "C:\\Program Files\\Mozilla Firefox\\",
    "winword.exe": "C:\\Program Files\\Microsoft Office\\root\\Office16\\",
    "excel.exe": "C:\\Program Files\\Microsoft Office\\root\\Office16\\",
    "outlook.exe": "C:\\Program Files\\Microsoft Office\\root\\Office16\\",
    "powerpnt.exe": "C:\\Program Files\\Microsoft Office\\root\\Office16\\",
    "teams.exe": "C:\\Users\\%USER%\\AppData\\Local\\Microsoft\\Teams\\current\\",
    "onedrive.exe": "C:\\Users\\%USER%\\AppData\\Local\\Microsoft\\OneDrive\\",
    "code.exe": "C:\\Users\\%USER%\\AppData\\Local\\Programs\\Microsoft VS Code\\",
    "python.exe": "C:\\Program Files\\Python311\\", "git.exe": "C:\\Program Files\\Git\\cmd\\",
    "vmtoolsd.exe": "C:\\Program Files\\VMware\\VMware Tools\\",
    "msbuild.exe": "C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\",
    "csc.exe": "C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\",
    "installutil.exe": "C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\",
}
PARENTS = ["C:\\Windows\\System32\\services.exe", "C:\\Windows\\System32\\svchost.exe",
           "C:\\Windows\\explorer.exe", "C:\\Windows\\System32\\cmd.exe",
           "C:\\Windows\\System32\\userinit.exe", "C:\\Windows\\System32\\wbem\\WmiPrvSE.exe",
           "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
           "C:\\Windows\\System32\\msiexec.exe"]
ODD_FOLDERS = ["C:\\Users\\%USER%\\AppData\\Local\\Temp\\", "C:\\Users\\Public\\",
               "C:\\ProgramData\\", "C:\\Windows\\Temp\\", "C:\\Users\\%USER%\\Downloads\\",
               "C:\\Users\\%USER%\\AppData\\Roaming\\", "C:\\PerfLogs\\", "D:\\tools\\"]
COMMAND_ARGS = ["", " -k netsvcs -p", " /s", " --type=renderer", " -Embedding", " /quiet /norestart",
        " -ExecutionPolicy Bypass -File run.ps1", " /c echo ok", " -ServerName:App.AppXz.mca",
        " update --silent"]
USERS = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy",
         "mallory", "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter"]
SITES = ["wks", "lap", "srv", "dc", "sql", "web", "vdi", "kiosk"]


def json_text(s):
    """JSON string contents of s (no quotes), UTF-8 bytes."""
    return json.dumps(s, ensure_ascii=False)[1:-1].encode("utf-8")


def guid(r):
    return "%08x-%04x-4%03x-%04x-%012x" % (r.getrandbits(32), r.getrandbits(16), r.getrandbits(12),
                                           0x8000 | r.getrandbits(14), r.getrandbits(48))


def guids(rng, n):
    """n random version-4 GUIDs as a numpy array of 36-byte strings (vectorized)."""
    raw = rng.integers(0, 256, size=(n, 16), dtype=np.uint8)
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80
    digits = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
    hexed = np.empty((n, 32), dtype=np.uint8)
    hexed[:, 0::2] = digits[raw >> 4]
    hexed[:, 1::2] = digits[raw & 15]
    out = np.full((n, 36), ord("-"), dtype=np.uint8)
    out[:, 0:8] = hexed[:, 0:8]
    out[:, 9:13] = hexed[:, 8:12]
    out[:, 14:18] = hexed[:, 12:16]
    out[:, 19:23] = hexed[:, 16:20]
    out[:, 24:36] = hexed[:, 20:32]
    return out.view("S36").ravel()


def display_case(r, name):
    """How a lower-cased name shows in Process: often as is, sometimes capitalized or
    in capitals, where lower-casing gives the name back."""
    roll = r.random()
    if roll < 0.75:
        return name
    shown = name[:1].upper() + name[1:] if roll < 0.95 else name.upper()
    return shown if shown.lower() == name else name


class Universe:
    """Names, their entries (name, path, parent, command line), counts and hosts."""

    def __init__(self, args):
        r = random.Random(args.seed)
        n_names = max(1, min(args.names, args.events))
        n_frequent = max(min(50, n_names), n_names // 8)
        frequent, infrequent = gen_names.generate(args.seed, n_frequent, n_names - n_frequent)
        real = set(gen_names.REAL_NAMES)
        frequent_set = set(frequent)
        top = [n for n in TOP if n in frequent_set]
        top_set = set(top)
        head = top + [n for n in frequent if n in real and n not in top_set] + \
            [n for n in frequent if n not in real]
        self.tenant = guid(r).encode()
        subscription = guid(r)
        self.workspace_path = ("WorkspaceResourceId=/subscriptions/%s/resourcegroups/rg-sentinel/"
                               "providers/microsoft.operationalinsights/workspaces/law-fleet-%d"
                               % (subscription, args.seed))

        # Counts: Zipf over the head, 1 + geometric over the tail (the rare names,
        # look-alikes among them), a few impostor sightings on top of real names.
        tail_counts = [min(1 + int(r.expovariate(1.0)), 6) for _ in infrequent]
        tail_total = sum(tail_counts)
        impostors = [n for n in head if n in real][: args.impostors]
        impostor_counts = [1 + r.randrange(2) for _ in impostors]
        head_events = args.events - tail_total - sum(impostor_counts)
        if head_events < len(head):   # small runs: fewer tail events
            tail_counts = [1] * len(infrequent)
            impostors, impostor_counts = [], []
            head_events = args.events - len(infrequent)
        if head_events < len(head):
            raise SystemExit("gen_export: --events too small for --names")
        weights = 1.0 / np.arange(1, len(head) + 1, dtype=np.float64) ** args.zipf
        head_counts = np.maximum(1, np.floor(weights / weights.sum() * head_events)).astype(np.int64)
        head_counts[0] += head_events - int(head_counts.sum())
        if head_counts[0] < 1:
            raise SystemExit("gen_export: --events too small for --names")

        self.entries = []          # (fragment with Process, fragment without, lower name)
        self.entry_counts = []
        self.true_counts = {}

        def add_name(name, count, folders, odd=False):
            shown = display_case(r, name)
            split = [count]
            if len(folders) > 1 and count > 1:
                cut = max(1, int(count * (0.6 + 0.35 * r.random())))
                split = [cut, count - cut] if cut < count else [count]
            for folder, c in zip(folders, split):
                user = r.choice(USERS)
                path = folder.replace("%USER%", user) + shown
                if not odd and r.random() < 0.1 and path.startswith("C:\\Windows\\System32\\"):
                    path = "C:\\WINDOWS\\system32\\" + shown
                parent = r.choice(PARENTS)
                command = ('"%s"' % path if " " in path else path) + r.choice(COMMAND_ARGS)
                common = (b'"NewProcessName":"%s","Process":"%s","ParentProcessName":"%s",'
                          b'"CommandLine":"%s"')
                with_process = common % (json_text(path), json_text(shown), json_text(parent),
                                         json_text(command))
                without = (b'"NewProcessName":"%s","ParentProcessName":"%s","CommandLine":"%s"'
                           % (json_text(path), json_text(parent), json_text(command)))
                self.entries.append((with_process, without))
                self.entry_counts.append(c)
            self.true_counts[name] = self.true_counts.get(name, 0) + count

        for name, count in zip(head, head_counts.tolist()):
            if name in real:
                folders = [HOME.get(name, "C:\\Windows\\System32\\")]
                if name not in HOME and r.random() < 0.15:
                    folders.append("C:\\Windows\\SysWOW64\\")
            else:
                vendor = r.choice(gen_names.VENDORS).capitalize()
                folders = ["C:\\Program Files\\%s\\%s\\" % (vendor, name.rsplit(".", 1)[0][:12])]
                if r.random() < 0.2:
                    folders.append("C:\\Program Files (x86)\\%s\\" % vendor)
            add_name(name, count, folders)
        for name, count in zip(impostors, impostor_counts):
            add_name(name, count, [r.choice(ODD_FOLDERS[1:4])], odd=True)
        for name, count in zip(infrequent, tail_counts):
            folder = r.choice(ODD_FOLDERS) if r.random() < 0.6 else \
                "C:\\Program Files\\%s\\" % r.choice(gen_names.VENDORS).capitalize()
            add_name(name, count, [folder], odd=True)

        # Hosts: a fleet named by site, each with its account, agent id and Azure id.
        self.hosts_a, self.hosts_b = [], []
        for i in range(args.hosts):
            site = SITES[i % len(SITES)] if i >= 16 else SITES[i % 3]
            host = "%s-%05d" % (site, i)
            computer = "%s.contoso.local" % host.upper()
            account = "CONTOSO\\%s$" % host.upper() if r.random() < 0.7 else \
                "CONTOSO\\%s" % r.choice(USERS)
            self.hosts_a.append(b'"SourceComputerId":"%s","Computer":"%s","Account":"%s",'
                                % (guid(r).encode(), json_text(computer), json_text(account)))
            self.hosts_b.append(b'"_ResourceId":"/subscriptions/%s/resourcegroups/rg-%s/providers/'
                                b'microsoft.compute/virtualmachines/%s"'
                                % (subscription.encode(), site.encode(), host.encode()))
        # Hosts are not equally busy: servers and shared desktops run more.
        busy = np.array([1.0 + 3.0 * (r.random() < 0.1) for _ in range(args.hosts)])
        self.host_p = busy / busy.sum()

        # Every event an entry id, shuffled; hours take consecutive slices.
        counts = np.array(self.entry_counts, dtype=np.int64)
        events = np.repeat(np.arange(len(counts), dtype=np.int32), counts)
        np.random.default_rng([args.seed, 0xE7]).shuffle(events)
        self.events = events
        hours = args.days * 24
        diurnal = np.array([1.0 + 0.6 * np.sin((h % 24 - 8) / 24.0 * 2 * np.pi) for h in range(hours)])
        bounds = np.floor(np.cumsum(diurnal) / diurnal.sum() * len(events)).astype(np.int64)
        self.hour_bounds = [0] + bounds.tolist()
        self.hour_bounds[-1] = len(events)


UNIVERSE = None
ARGS = None


def blob_name(files_per_hour):
    return "PT1H" if files_per_hour == 1 else "PT%02dM" % (60 // files_per_hour)


def write_blob(path, data, compress):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if compress:
        data = gzip.compress(data, compresslevel=1, mtime=0)
        path += ".gz"
    with open(path, "wb", buffering=0) as f:
        f.write(data)
    return path, len(data)


def generate_hour(hour):
    """Writes one hour's blobs; returns (rows, duplicates, other rows, files, bytes)."""
    u, a = UNIVERSE, ARGS
    rng = np.random.default_rng([a.seed, hour])
    lo, hi = u.hour_bounds[hour], u.hour_bounds[hour + 1]
    entries = u.events[lo:hi]
    n = len(entries)
    n_other = int(rng.binomial(n, a.other_fraction)) if n else 0
    total = n + n_other
    offsets = np.sort(rng.integers(0, 3600 * 1000, size=total))
    kind = np.concatenate([entries, np.full(n_other, -1, dtype=np.int32)])
    rng.shuffle(kind)
    hosts = rng.choice(len(u.hosts_a), size=total, p=u.host_p)
    ids = guids(rng, total).tolist()
    no_process = (rng.random(total) < a.no_process_fraction).tolist()
    duplicate = (rng.random(total) < a.duplicate_fraction).tolist()
    start = datetime.datetime.fromisoformat(a.start).replace(tzinfo=None) + datetime.timedelta(hours=hour)
    base = np.datetime64(start, "ms")
    stamps = np.datetime_as_string(base + offsets.astype("timedelta64[ms]"), unit="ms").astype("S23").tolist()
    block_ms = 3600 * 1000 // a.files_per_hour
    blocks = (offsets // block_ms).tolist()

    fmt = b'{"TenantId":"%s","TimeGenerated":"%s0000Z",%s"EventID":4688,"EventOriginId":"%s",%s,%s}\n'
    other = (b'{"TenantId":"%s","TimeGenerated":"%s0000Z",%s"EventID":4624,"EventOriginId":"%s",'
             b'"Process":"lsass.exe","LogonType":3,"LogonProcessName":"NtLmSsp",%s}\n')
    tenant, ents, ha, hb = u.tenant, u.entries, u.hosts_a, u.hosts_b
    per_block = [[] for _ in range(a.files_per_hour)]
    retries = [[] for _ in range(a.files_per_hour + 1)]
    kind_list = kind.tolist()
    hosts_list = hosts.tolist()
    for i in range(total):
        e = kind_list[i]
        h = hosts_list[i]
        if e >= 0:
            row = fmt % (tenant, stamps[i], ha[h], ids[i], ents[e][no_process[i]], hb[h])
        else:
            row = other % (tenant, stamps[i], ha[h], ids[i], hb[h])
        b = blocks[i]
        per_block[b].append(row)
        if duplicate[i]:
            retries[b + 1].append(row)
    n_dup = sum(len(x) for x in retries)
    # A retry lands in the next blob of the hour (the last blob's in itself).
    retries[a.files_per_hour - 1].extend(retries[a.files_per_hour])
    name = blob_name(a.files_per_hour)
    folder = os.path.join(a.out, u.workspace_path, start.strftime("y=%Y/m=%m/d=%d/h=%H"))
    files = 0
    size = 0
    for b in range(a.files_per_hour):
        rows = per_block[b] + retries[b]
        if not rows:
            continue
        minute = os.path.join(folder, "m=%02d" % (b * 60 // a.files_per_hour))
        parts = [rows]
        if len(rows) > 1 and rng.random() < a.overflow_fraction:
            cut = int(len(rows) * (0.5 + 0.45 * rng.random()))
            parts = [rows[:cut], rows[cut:]]
        for k, part in enumerate(parts):
            path = os.path.join(minute, name + ("_%d" % k if k else "") + ".json")
            _, nbytes = write_blob(path, b"".join(part), rng.random() < a.gzip_fraction)
            files += 1
            size += nbytes
    return total + n_dup, n_dup, n_other, files, size


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--events", type=int, default=1000000, help="distinct 4688 events (1000000)")
    p.add_argument("--names", type=int, default=100000, help="distinct process names (100000)")
    p.add_argument("--hosts", type=int, default=5000, help="computers (5000)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out", required=True, metavar="DIR", help="root of the export tree")
    p.add_argument("--start", default="2024-06-03T00:00:00", help="first hour, UTC")
    p.add_argument("--days", type=int, default=1)
    p.add_argument("--files-per-hour", type=int, default=12, choices=[1, 2, 3, 4, 6, 12],
                   help="blobs an hour: 12 = PT05M (default), 1 = PT1H")
    p.add_argument("--overflow-fraction", type=float, default=0.05,
                   help="blobs split into PT05M.json and PT05M_1.json (0.05)")
    p.add_argument("--gzip-fraction", type=float, default=0.0, help="blobs written as .json.gz (0)")
    p.add_argument("--duplicate-fraction", type=float, default=0.002,
                   help="rows written twice with the same EventOriginId (0.002)")
    p.add_argument("--other-fraction", type=float, default=0.01,
                   help="extra non-4688 rows (4624 logons), relative to --events (0.01)")
    p.add_argument("--no-process-fraction", type=float, default=0.01,
                   help="4688 rows without a Process field (0.01)")
    p.add_argument("--impostors", type=int, default=12,
                   help="real system names also run once or twice from an odd folder (12)")
    p.add_argument("--zipf", type=float, default=1.0, help="Zipf exponent of the head (1.0)")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes (all CPUs)")
    p.add_argument("--counts", metavar="FILE",
                   help="write the true per-name 4688 counts, de-duplicated, as JSON")
    args = p.parse_args(argv)
    if args.events < 1 or args.names < 1 or args.hosts < 1 or args.days < 1:
        p.error("--events, --names, --hosts and --days must be >= 1")
    for f in ("overflow_fraction", "gzip_fraction", "duplicate_fraction", "other_fraction",
              "no_process_fraction"):
        if not 0.0 <= getattr(args, f) <= 1.0:
            p.error("--%s must be in [0, 1]" % f.replace("_", "-"))

    global UNIVERSE, ARGS
    t0 = time.time()
    ARGS = args
    UNIVERSE = Universe(args)
    hours = list(range(args.days * 24))
    if args.jobs > 1:
        # fork: the workers share the universe copy-on-write.
        with multiprocessing.get_context("fork").Pool(args.jobs) as pool:
            results = pool.map(generate_hour, hours, chunksize=1)
    else:
        results = [generate_hour(h) for h in hours]
    rows = sum(x[0] for x in results)
    summary = {"events": args.events, "rows": rows, "duplicates": sum(x[1] for x in results),
               "other_rows": sum(x[2] for x in results), "files": sum(x[3] for x in results),
               "bytes": sum(x[4] for x in results), "names": len(UNIVERSE.true_counts),
               "hosts": args.hosts, "seed": args.seed, "out": args.out,
               "seconds": round(time.time() - t0, 3)}
    if args.counts:
        with open(args.counts, "w", encoding="utf-8") as f:
            json.dump(UNIVERSE.true_counts, f, ensure_ascii=False, sort_keys=True)
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
