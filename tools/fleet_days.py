#!/usr/bin/env python3
"""A seeded fleet of many days, one SecurityEvent 4688 JSON-lines file a day,
for the baseline's tests and benchmark (masq scan --baseline).

  python3 tools/fleet_days.py OUT_DIR [--days 30] [--hosts 20] [--names 80]
                              [--events 2000] [--seed 1] [--start 2024-06-01]
                              [--no-story]

Writes OUT_DIR/day-00.json ... and, unless --no-story, plants the story the
tests read (see STORY): a name common for weeks that is rare on the last day,
a look-alike new on the last day, one seen before on another host, and a
frequent name started from a folder of its own on one host on the last day.
Counts are drawn per (day, name) from a fixed weight per name, so names keep
their rank from day to day; times are spread over each day (UTC).
"""
import argparse
import datetime
import json
import os
import random

# The planted story, by name (all lower case, as masq counts them).
STORY = {
    "common_then_rare": "syncagents.exe",  # ~40 a day for weeks, 1 on the last day
    "its_twin": "syncagent.exe",           # frequent every day, the name it is near
    "new_lookalike": "svch0st.exe",        # first seen on the last day, one host
    "old_lookalike": "expl0rer.exe",       # seen on day 12 on host 3, last day on host 7
    "new_folder_name": "syncagent.exe",    # last day: also from C:\\Users\\Public\\ on host 5
    "gone_today": "backupsvc.exe",         # frequent for weeks, not run on the last day
    "lookalike_of_gone": "bakupsvc.exe",   # the last day, on host 9: imitates a name absent today
}
NEW_FOLDER = "C:\\Users\\Public\\syncagent.exe"
NEW_FOLDER_HOST = 5
OLD_LOOKALIKE_DAY = 12

SYSTEM = ["svchost.exe", "explorer.exe", "lsass.exe", "services.exe", "winlogon.exe",
          "csrss.exe", "smss.exe", "taskhostw.exe", "dllhost.exe", "conhost.exe",
          "rundll32.exe", "cmd.exe", "powershell.exe", "wmiprvse.exe", "spoolsv.exe",
          "searchindexer.exe", "audiodg.exe", "ctfmon.exe", "sihost.exe", "dwm.exe"]


def host_name(index):
    return "WKS-%03d.contoso.local" % index


def fleet_names(count, rng):
    """(name, path, weight): system binaries, then the fleet's own tools."""
    names = []
    folders = {"powershell.exe": "System32\\WindowsPowerShell\\v1.0", "wmiprvse.exe": "System32\\wbem",
               "explorer.exe": "", "searchindexer.exe": "System32"}
    for i, name in enumerate(SYSTEM):
        folder = folders.get(name, "System32")
        path = "C:\\Windows\\" + (folder + "\\" if folder else "") + name
        names.append((name, path, 400.0 / (i + 1)))
    i = 0
    while len(names) < count:
        # Stems far apart (a base-26 spelling of i, scrambled), so that the
        # fleet's own tools are not look-alikes of each other.
        stem, k = "", i * 7919 + 104729
        for _ in range(7):
            stem += "bcdfghjklmnpqrstvwxz"[k % 20] + "aeiou"[(k // 20) % 5]
            k //= 100
        name = stem[:6 + i % 5] + ".exe"
        names.append((name, "D:\\Apps\\%s\\%s" % (stem[:6 + i % 5], name), 120.0 / (i + 2) + rng.random()))
        i += 1
    names.append(("syncagent.exe", "D:\\Apps\\Sync\\syncagent.exe", 150.0))
    return names


def event(time, host, path, user="alice"):
    name = path.rsplit("\\", 1)[-1]
    return {"TimeGenerated": time.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (time.microsecond // 1000),
            "Computer": host, "EventID": 4688, "NewProcessName": path, "Process": name,
            "SubjectUserName": user}


def day_events(day, args, names, rng, story):
    start = datetime.datetime.strptime(args.start, "%Y-%m-%d").replace(tzinfo=datetime.timezone.utc)
    base = start + datetime.timedelta(days=day)
    last = day == args.days - 1

    def at():
        return base + datetime.timedelta(milliseconds=rng.randrange(86400000))

    rows = []
    total_weight = sum(w for _, _, w in names)
    for name, path, weight in names:
        expected = args.events * weight / total_weight
        count = max(1, int(rng.gauss(expected, expected ** 0.5 / 2)))
        for _ in range(count):
            rows.append(event(at(), host_name(rng.randrange(args.hosts)), path))
    if story:
        syncagents = "D:\\Apps\\Sync\\syncagents.exe"
        for _ in range(1 if last else 40):
            rows.append(event(at(), host_name(rng.randrange(args.hosts)), syncagents))
        if not last:
            for _ in range(90):
                rows.append(event(at(), host_name(rng.randrange(args.hosts)), "D:\\Apps\\Backup\\backupsvc.exe"))
        else:
            rows.append(event(at(), host_name(9), "C:\\ProgramData\\bakupsvc.exe"))
        if day == OLD_LOOKALIKE_DAY:
            rows.append(event(at(), host_name(3), "C:\\Windows\\expl0rer.exe"))
        if last:
            rows.append(event(at(), host_name(7), "C:\\Windows\\expl0rer.exe"))
            rows.append(event(at(), host_name(2), "C:\\Windows\\Temp\\svch0st.exe"))
            for _ in range(3):
                rows.append(event(at(), host_name(NEW_FOLDER_HOST), NEW_FOLDER))
    rows.sort(key=lambda r: (r["TimeGenerated"], r["Computer"], r["NewProcessName"]))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--names", type=int, default=80)
    parser.add_argument("--events", type=int, default=2000, help="events a day, about")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--start", default="2024-06-01")
    parser.add_argument("--no-story", action="store_true")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    names = fleet_names(args.names, rng)
    os.makedirs(args.out, exist_ok=True)
    for day in range(args.days):
        rows = day_events(day, args, names, rng, not args.no_story)
        with open(os.path.join(args.out, "day-%02d.json" % day), "w") as f:
            for row in rows:
                f.write(json.dumps(row, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
