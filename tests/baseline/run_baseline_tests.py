#!/usr/bin/env python3
"""The baseline (masq scan --baseline FILE), on a generated 30-day fleet
(tools/fleet_days.py, whose STORY this test reads):

- a name common for weeks and rare on the last day is no infrequent anomaly
  with the history (and is one without it);
- a look-alike first seen on the last day is NewInFleet and NewOnHost; one seen
  on day 12 on another host is neither new in the fleet nor on the old host,
  but new on its new host, with FirstSeenInFleet on day 12;
- a frequent name started from a folder of its own on one host is flagged
  new-folder on that host only;
- re-running a day changes nothing; several days in one input are split by day
  exactly as one run a day would keep them;
- the weighted counts, ranks and tiers (masq baseline show --weights) equal a
  plain Python reference over the same daily tables, with decay and a window;
  prune keeps what --retain-days says;
- kill -9 at seeded moments of an update leaves the store whole (PRAGMA
  integrity_check) and with either the days before or those plus the whole day;
- two runs at once are serialized; a run that cannot get the store in time says
  so and changes nothing; a foreign, damaged or newer file is refused, unchanged.

Usage: run_baseline_tests.py --masq MASQ
"""
import argparse
import datetime
import hashlib
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "tools"))
import fleet_days  # noqa: E402

failures = []
DAYS = 30


def check(condition, message):
    print(("ok: " if condition else "FAIL: ") + message)
    if not condition:
        failures.append(message)
    return condition


def run(masq, args, expect=0, **kw):
    p = subprocess.run([masq] + args, capture_output=True, text=True, timeout=300, **kw)
    if expect is not None and p.returncode != expect:
        check(False, "masq %s exited %d (expected %d): %s" % (" ".join(args), p.returncode, expect,
                                                              p.stderr.strip()[-800:]))
    return p


def scan(masq, args):
    p = run(masq, ["scan", "--format", "json"] + args)
    return json.loads(p.stdout) if p.returncode == 0 else {"anomalies": [], "summary": {}}


def findings(report):
    return {(a["NormalProcess"], a["PotentiallyMaliciousProcess"]): a for a in report["anomalies"]}


def dump(db):
    """The store's rows, table by table, texts for their ids, in one order: what
    'the same store' means (ids depend on the order texts were first kept)."""
    c = sqlite3.connect(db)
    try:
        text = "(SELECT text FROM texts WHERE id = %s)"
        queries = {
            "days": "SELECT * FROM days ORDER BY day",
            "names": "SELECT %s AS process, day, count, user_count, first_ms, last_ms, hosts_complete,"
                     " folders_complete FROM names ORDER BY process, day" % (text % "name"),
            "day_rows": "SELECT * FROM day_rows ORDER BY day",
            "hosts": "SELECT %s AS process, %s AS host, day FROM hosts ORDER BY process, host, day" %
                     (text % "name", text % "host"),
            "folders": "SELECT %s AS process, %s AS folder, day FROM folders ORDER BY process, folder, day" %
                       (text % "name", text % "folder"),
        }
        return {table: c.execute(sql).fetchall() for table, sql in queries.items()}
    finally:
        c.close()


def stored_days(db):
    c = sqlite3.connect(db)
    try:
        return [r[0] for r in c.execute("SELECT date FROM days ORDER BY day")]
    finally:
        c.close()


def integrity(db):
    c = sqlite3.connect(db)
    try:
        return c.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        c.close()


def day_of(text):
    t = datetime.datetime.strptime(text[:10], "%Y-%m-%d").replace(tzinfo=datetime.timezone.utc)
    return int(t.timestamp()) // 86400


def daily_tables(fleet, days):
    """The reference's daily tables: {day: {process (lower case): count}} from the events."""
    tables = {}
    for d in range(days):
        with open(os.path.join(fleet, "day-%02d.json" % d)) as f:
            for line in f:
                row = json.loads(line)
                day = day_of(row["TimeGenerated"])
                name = row["Process"].lower()
                tables.setdefault(day, {}).setdefault(name, 0)
                tables[day][name] += 1
    return tables


def percent_rank(values):
    """Spark's percent_rank: (rank - 1) / (n - 1), ties at their lowest rank."""
    ordered = sorted(values)
    first = {}
    for i, v in enumerate(ordered):
        first.setdefault(v, i)
    n = len(values)
    return [0.0 if n == 1 else first[v] / (n - 1) for v in values]


def reference_weights(tables, window, decay):
    """As documented: the window's days up to the newest, oldest first, each
    day's count times decay ** age."""
    newest = max(tables)
    names = {}
    for day in sorted(tables):
        if day < newest - window + 1:
            continue
        for name, count in tables[day].items():
            names.setdefault(name, 0.0)
            names[name] += decay ** (newest - day) * count
    order = sorted(names)
    ranks = percent_rank([names[n] for n in order])
    return {n: (names[n], r) for n, r in zip(order, ranks)}


def tier_of(rank):
    return ("frequent" if rank >= 0.8 else "") + ("infrequent" if rank < 0.2 else "") or "middle"


def split_file(path, work):
    """The lines of a file in two files, alternately."""
    lines = open(path).readlines()
    halves = [os.path.join(work, "half-%d.json" % k) for k in (0, 1)]
    for k, half in enumerate(halves):
        with open(half, "w") as f:
            f.writelines(lines[k::2])
    return halves


def build_history(masq, fleet, db, days):
    for d in range(days):
        run(masq, ["scan", "--baseline", db, "--format", "json", "-o", os.devnull,
                   os.path.join(fleet, "day-%02d.json" % d)])


def test_story(masq, fleet, work):
    story = fleet_days.STORY
    db = os.path.join(work, "story.db")
    build_history(masq, fleet, db, DAYS - 1)
    check(len(stored_days(db)) == DAYS - 1, "29 days kept, one a run (%d)" % len(stored_days(db)))
    last = os.path.join(fleet, "day-%02d.json" % (DAYS - 1))
    alone = findings(scan(masq, [last]))
    twin = (story["its_twin"], story["common_then_rare"])
    check(twin in alone, "without history, %s (rare today) is a look-alike of %s" % twin[::-1])

    before = dump(db)
    before_db = os.path.join(work, "before-last-day.db")
    shutil.copy(db, before_db)
    report = scan(masq, ["--baseline", db, last])
    found = findings(report)
    summary = report["summary"].get("baseline", {})
    check(summary.get("ranked") is True and summary.get("history_days") == DAYS - 1 and
          summary.get("recorded_days") == 1 and summary.get("newest_day") == "2024-06-30",
          "the summary tells the window: %s" % summary)
    check(twin not in found, "with 29 days of history, %s is not an infrequent anomaly" % twin[1])

    new = found.get(("svchost.exe", story["new_lookalike"]))
    check(new is not None and new.get("NewInFleet") is True and new.get("NewOnHost") is True and
          new.get("FirstSeenInFleet", "").startswith("2024-06-30"),
          "the look-alike first seen today is new in the fleet and on its host: %s" %
          ({k: new.get(k) for k in ("NewInFleet", "NewOnHost", "FirstSeenInFleet")} if new else None))
    old = found.get(("explorer.exe", story["old_lookalike"]))
    check(old is not None and old.get("NewInFleet") is False and old.get("NewOnHost") is True and
          old.get("FirstSeenInFleet", "").startswith("2024-06-13"),
          "the look-alike seen on day 12 on another host: not new in the fleet, new on this host, "
          "first seen on day 12: %s" %
          ({k: old.get(k) for k in ("NewInFleet", "NewOnHost", "FirstSeenInFleet")} if old else None))

    folder = [a for a in report["anomalies"] if "new-folder" in a["Reason"].split(",")]
    host = fleet_days.host_name(fleet_days.NEW_FOLDER_HOST)
    check(len(folder) == 1 and folder[0]["PotentiallyMaliciousProcess"] == story["new_folder_name"] and
          folder[0]["EvidenceComputers"] == [host] and
          folder[0]["EvidencePaths"] == [fleet_days.NEW_FOLDER] and folder[0]["NewOnHost"] is False,
          "the frequent name started from a new folder is flagged on %s alone: %s" %
          (host, [(a["PotentiallyMaliciousProcess"], a["EvidenceComputers"], a["EvidencePaths"])
                  for a in folder]))
    gone = (story["gone_today"], story["lookalike_of_gone"])
    check(gone not in alone, "without history, %s imitates nothing the day ran" % gone[1])
    check(gone in found and found[gone]["NormalCount"] == 0 and summary.get("history_anchors", 0) >= 1,
          "with history, %s imitates %s, frequent for weeks and absent today (anchors: %s)" %
          (gone[1], gone[0], summary.get("history_anchors")))
    check(not any(a["Reason"] == "new-folder" for a in alone.values()),
          "without history nothing is a new folder")

    # Re-running the day changes nothing, in the store and in the findings.
    after = dump(db)
    again = scan(masq, ["--baseline", db, last])
    check(dump(db) == after, "re-running the last day leaves the store as the first run left it")
    check(json.dumps(again["anomalies"]) == json.dumps(report["anomalies"]),
          "re-running the last day gives the same findings")
    check(after["days"][:-1] == before["days"], "the earlier days are untouched by the run")

    # Same input, same bytes: one reader or two (files and parts of files read in
    # parallel), the store and the findings alike.
    outs, dumps = [], []
    halves = split_file(last, work)
    for threads in ("1", "2"):
        copy = os.path.join(work, "threads-%s.db" % threads)
        shutil.copy(before_db, copy)
        p = run(masq, ["scan", "--baseline", copy, "--threads", threads, "--format", "json"] + halves)
        outs.append(json.loads(p.stdout)["anomalies"] if p.returncode == 0 else None)
        dumps.append(dump(copy))
    check(outs[0] == outs[1] and outs[0] == report["anomalies"] and dumps[0] == dumps[1] and
          dumps[0] == after, "one reader or two, over two files: the same findings and the same store")

    # Exported history: a name table masq merge and --schema names read.
    export = os.path.join(work, "history.json")
    run(masq, ["baseline", "export", "-o", export, db])
    rows = [json.loads(line) for line in open(export)]
    tables = daily_tables(fleet, DAYS)
    expected = {}
    for day in tables.values():
        for name, count in day.items():
            expected[name] = expected.get(name, 0) + count
    check({r["Process"]: r["Count"] for r in rows} == expected,
          "the export holds every name with its count over the 30 days (%d names)" % len(rows))
    merged = run(masq, ["merge", export])
    check(merged.returncode == 0 and merged.stdout == open(export).read(),
          "masq merge reads the export back to the same bytes")
    return db


def test_stragglers(masq, fleet, db29, work):
    """One late event of an old day does not wipe that day; one from 2099 is
    never kept and does not move the window; --emit-names may not be the store."""
    db = os.path.join(work, "stragglers.db")
    shutil.copy(db29, db)
    before = dump(db)
    late = os.path.join(work, "late.json")
    row = json.loads(open(os.path.join(fleet, "day-05.json")).readline())
    future = dict(row, TimeGenerated="2099-01-01T00:00:00.000Z", Process="svch0st.exe",
                  NewProcessName="C:\\Windows\\Temp\\svch0st.exe")
    with open(late, "w") as f:
        f.write(json.dumps(row) + "\n" + json.dumps(future) + "\n")
    p = run(masq, ["scan", "--baseline", db, "--format", "json", late])
    summary = json.loads(p.stdout)["summary"]["baseline"] if p.returncode == 0 else {}
    check(dump(db) == before, "a late event of day 5 and one of 2099 leave the store as it was")
    check(summary.get("partial_days") == 1 and summary.get("future_days") == 1 and
          summary.get("recorded_days") == 0 and summary.get("newest_day") == "2024-06-29",
          "the summary tells the day kept as stored, the future one, and the window's end: %s" % summary)
    check("2024-06-06 is kept as the store has it" in p.stderr and "2099-01-01, after tomorrow" in p.stderr,
          "and stderr says so: %s" % p.stderr.strip()[-300:])
    p = run(masq, ["scan", "--baseline", db, "--emit-names", db, "--format", "json", late], expect=None)
    check(p.returncode != 0 and "is the --baseline store" in p.stderr and dump(db) == before,
          "--emit-names naming the store is refused before anything is written")


def test_host_case(masq, fleet, work):
    """A host is the same host whatever the case of its name, beyond ASCII too."""
    db = os.path.join(work, "case.db")
    day = os.path.join(fleet, "day-10.json")
    rows = [json.loads(line) for line in open(day)]
    for k, (host, date) in enumerate((("WKS-ÄÖ1.contoso.local", "2024-06-11"),
                                      ("wks-äö1.CONTOSO.local", "2024-06-12"))):
        with open(os.path.join(work, "case-%d.json" % k), "w") as f:
            for r in rows:
                f.write(json.dumps(dict(r, TimeGenerated=date + r["TimeGenerated"][10:])) + "\n")
            f.write(json.dumps(dict(rows[0], TimeGenerated=date + "T12:00:00.000Z", Computer=host,
                                    Process="svch0st.exe",
                                    NewProcessName="C:\\Windows\\Temp\\svch0st.exe")) + "\n")
    run(masq, ["scan", "--baseline", db, "--format", "json", "-o", os.devnull,
               os.path.join(work, "case-0.json")])
    found = findings(scan(masq, ["--baseline", db, os.path.join(work, "case-1.json")]))
    a = found.get(("svchost.exe", "svch0st.exe"))
    check(a is not None and a.get("NewInFleet") is False and a.get("NewOnHost") is False,
          "WKS-ÄÖ1 and wks-äö1 are one host: the look-alike is not new on it (%s)" %
          ({k: a.get(k) for k in ("NewInFleet", "NewOnHost")} if a else None))


def test_split_by_day(masq, fleet, work):
    one = os.path.join(work, "one.db")
    each = os.path.join(work, "each.db")
    days = [os.path.join(fleet, "day-%02d.json" % d) for d in range(3)]
    together = os.path.join(work, "three-days.json")
    with open(together, "w") as out:
        for d in reversed(days):  # order does not matter
            out.write(open(d).read())
    run(masq, ["scan", "--baseline", one, "--format", "json", "-o", os.devnull, together])
    for d in days:
        run(masq, ["scan", "--baseline", each, "--format", "json", "-o", os.devnull, d])
    check(stored_days(one) == ["2024-06-01", "2024-06-02", "2024-06-03"],
          "three days in one input are kept as three days: %s" % stored_days(one))
    check(dump(one) == dump(each), "one run over three days keeps what three runs keep")


def test_weights(masq, fleet, db, work):
    tables = daily_tables(fleet, DAYS)
    for window, decay in ((30, 0.95), (7, 1.0), (10, 0.5)):
        p = run(masq, ["baseline", "show", "--weights", "--baseline-days", str(window),
                       "--baseline-decay", repr(decay), db])
        ours = {}
        for line in p.stdout.splitlines():
            row = json.loads(line)
            ours[row["Process"]] = (row["Weight"], row["Rank"], row["Tier"])
        ref = reference_weights(tables, window, decay)
        bad = [n for n in set(ours) | set(ref)
               if n not in ours or n not in ref or ours[n][0] != ref[n][0] or ours[n][1] != ref[n][1] or
               ours[n][2] != tier_of(ref[n][1])]
        check(not bad and len(ours) > 50,
              "weights, ranks and tiers over %d days with decay %g equal the reference (%d names; "
              "differ: %s)" % (window, decay, len(ours), [(n, ours.get(n), ref.get(n)) for n in bad[:3]]))

    pruned = os.path.join(work, "pruned.db")
    shutil.copy(db, pruned)
    size = os.path.getsize(pruned)
    run(masq, ["baseline", "prune", "--retain-days", "10", pruned])
    check(os.path.getsize(pruned) < size * 0.6, "prune gives the space back (%d -> %d bytes)" %
          (size, os.path.getsize(pruned)))
    expected = ["2024-06-%02d" % d for d in range(21, 31)]
    check(stored_days(pruned) == expected, "prune --retain-days 10 keeps the last 10 days: %s" %
          stored_days(pruned))
    c = sqlite3.connect(pruned)
    left = [c.execute("SELECT count(*) FROM %s WHERE day < ?" % t, (day_of("2024-06-21"),)).fetchone()[0]
            for t in ("names", "hosts", "folders", "day_rows")]
    c.close()
    check(left == [0, 0, 0, 0], "no row of a pruned day is left: %s" % left)
    show = run(masq, ["baseline", "show", pruned]).stdout
    check(show.startswith("schema 1, 10 days,") and "2024-06-21" in show and "2024-06-20" not in show,
          "show tells the days: %s" % show.splitlines()[:1])


def test_kills(masq, fleet, db29, work, seed):
    """kill -9 at seeded moments of the last day's update."""
    last = os.path.join(fleet, "day-%02d.json" % (DAYS - 1))
    clean = os.path.join(work, "clean.db")
    shutil.copy(db29, clean)
    start = time.monotonic()
    run(masq, ["scan", "--baseline", clean, "--format", "json", "-o", os.devnull, last])
    took = time.monotonic() - start
    whole, before = dump(clean), dump(db29)
    rng = random.Random(seed)
    outcomes = {"before": 0, "after": 0, "inside the write": 0}
    trials = 32
    for trial in range(trials):
        db = os.path.join(work, "kill-%d.db" % trial)
        shutil.copy(db29, db)
        journal = db + "-journal"
        p = subprocess.Popen([masq, "scan", "--baseline", db, "--format", "json", "-o", os.devnull, last],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if trial % 2:  # anywhere in the run
            time.sleep(rng.uniform(0, took * 1.2))
        else:  # inside the write: once SQLite's journal is there, a little later
            deadline = time.monotonic() + took * 5
            while not os.path.exists(journal) and p.poll() is None and time.monotonic() < deadline:
                time.sleep(0.0005)
            time.sleep(rng.uniform(0, 0.02))
        inside = os.path.exists(journal)
        p.send_signal(signal.SIGKILL)
        p.wait()
        ok = integrity(db)
        state = dump(db)
        which = "before" if state == before else "after" if state == whole else None
        if not check(ok == "ok" and which is not None,
                     "killed at point %d: store whole (%s) and as before or with the whole day" %
                     (trial, ok)):
            break
        outcomes[which] += 1
        outcomes["inside the write"] += inside
        os.unlink(db)
    print("kill -9 outcomes over %d runs of %.2f s: %s" % (trials, took, outcomes))
    check(outcomes["inside the write"] > 0 and outcomes["before"] > 0,
          "kills landed inside the write, and before it (%s)" % outcomes)


def test_concurrency(masq, fleet, work):
    db = os.path.join(work, "two.db")
    a, b = (os.path.join(fleet, "day-%02d.json" % d) for d in (3, 4))
    procs = [subprocess.Popen([masq, "scan", "--baseline", db, "--format", "json", "-o", os.devnull, f],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for f in (a, b)]
    codes = [p.wait() for p in procs]
    check(codes == [0, 0] and stored_days(db) == ["2024-06-04", "2024-06-05"] and integrity(db) == "ok",
          "two runs at once both keep their day: %s %s" % (codes, stored_days(db)))

    # A holder that does not let go: the run waits, gives up, says so, changes nothing.
    before = dump(db)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        p = run(masq, ["scan", "--baseline", db, "--baseline-wait", "0.5", "--format", "json",
                       os.path.join(fleet, "day-05.json")], expect=None)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    check(p.returncode != 0 and "in use by another run" in p.stderr and p.stdout == "",
          "a store held by another run: a clear message and no findings (exit %d: %s)" %
          (p.returncode, p.stderr.strip()))
    check(dump(db) == before, "and the store is as it was")


def test_refusals(masq, fleet, work):
    day = os.path.join(fleet, "day-00.json")

    def refused(path, words):
        digest = hashlib.sha256(open(path, "rb").read()).hexdigest()
        p = run(masq, ["scan", "--baseline", path, "--format", "json", day], expect=None)
        same = hashlib.sha256(open(path, "rb").read()).hexdigest() == digest
        check(p.returncode != 0 and words in p.stderr and same,
              "%s is refused (%s) and left as it was: exit %d, %s" %
              (os.path.basename(path), words, p.returncode, p.stderr.strip()[-300:]))

    text = os.path.join(work, "notes.txt")
    with open(text, "w") as f:
        f.write("not a database, but somebody's notes\n" * 200)
    refused(text, "not a masq baseline")
    foreign = os.path.join(work, "other-app.db")
    c = sqlite3.connect(foreign)
    c.execute("PRAGMA journal_mode = WAL")  # its header says so: opening must not rewrite it
    c.execute("CREATE TABLE accounts (id INTEGER PRIMARY KEY, name TEXT)")
    c.execute("INSERT INTO accounts VALUES (1, 'x')")
    c.commit()
    c.close()
    refused(foreign, "another program")
    newer = os.path.join(work, "newer.db")
    run(masq, ["scan", "--baseline", newer, "--format", "json", "-o", os.devnull, day])
    c = sqlite3.connect(newer)
    c.execute("PRAGMA user_version = 99")
    c.commit()
    c.close()
    refused(newer, "newer masq")
    damaged = os.path.join(work, "damaged.db")
    shutil.copy(newer, damaged)
    c = sqlite3.connect(damaged)
    c.execute("PRAGMA user_version = 1")
    c.commit()
    c.close()
    data = bytearray(open(damaged, "rb").read())
    for i in range(4096 + 100, len(data), 997):  # pages after the first, scribbled over
        data[i] ^= 0x5a
    open(damaged, "wb").write(bytes(data))
    refused(damaged, "damaged")
    p = run(masq, ["scan", "--baseline", os.path.join(work, "t.db"), "--schema", "names", day], expect=None)
    check(p.returncode != 0 and "name table" in p.stderr, "--baseline with --schema names is refused")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--masq", required=True)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="masq-baseline-")
    try:
        fleet = os.path.join(work, "fleet")
        subprocess.run([sys.executable, os.path.join(os.path.dirname(fleet_days.__file__), "fleet_days.py"),
                        fleet, "--days", str(DAYS)], check=True)
        db = test_story(args.masq, fleet, work)
        db29 = os.path.join(work, "day29.db")
        build_history(args.masq, fleet, db29, DAYS - 1)
        test_split_by_day(args.masq, fleet, work)
        test_stragglers(args.masq, fleet, db29, work)
        test_host_case(args.masq, fleet, work)
        test_weights(args.masq, fleet, db, work)
        test_kills(args.masq, fleet, db29, work, args.seed)
        test_concurrency(args.masq, fleet, work)
        test_refusals(args.masq, fleet, work)
    finally:
        if args.keep:
            print("work folder: " + work)
        else:
            shutil.rmtree(work, ignore_errors=True)
    print("%d failed" % len(failures) if failures else "all baseline checks passed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
