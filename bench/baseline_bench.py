#!/usr/bin/env python3
"""Baseline benchmark: one day of N names (10^5 by default) added to a store of
30 and of 90 days of history, and scanned against it.

Builds a fleet of --days + 1 days (tools/fleet_days.py, no planted story) and a
store of the first days, one `masq scan --baseline` a day, then in one invocation
times, as whole processes (median of --runs, each on a fresh copy of the store):

  plain      `masq scan --format json DAY` (no history: the reference)
  30 days    `masq scan --baseline STORE --baseline-days 30 DAY` on a 30-day store
  90 days    `masq scan --baseline STORE --baseline-days 90 DAY` on a 90-day store

and reports each store's size before and after, with what the summary says the
run spent in ingest, tiers (the history read there) and matching.

Usage:
  bench/baseline_bench.py                    # 10^5 names a day, 30 and 90 days
  bench/baseline_bench.py --names 20000 --json out.json

Prints a line per case, then a JSON document with machine, commit and sizes.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_env  # noqa: E402

REPO = bench_env.REPO


def timed(command):
    start = time.monotonic()
    p = subprocess.run(command, capture_output=True, text=True)
    took = time.monotonic() - start
    if p.returncode != 0:
        sys.exit("failed: %s\n%s" % (" ".join(command), p.stderr[-2000:]))
    return took, p.stdout


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--masq", default=os.path.join(REPO, "build", "masq"))
    parser.add_argument("--names", type=int, default=100000, help="names a day")
    parser.add_argument("--events", type=int, default=0, help="events a day (default: 3 per name)")
    parser.add_argument("--hosts", type=int, default=2000)
    parser.add_argument("--history", default="30,90", help="days of history to scan against")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", help="folder for the fleet and stores (default: a temporary one)")
    parser.add_argument("--json", help="also write the JSON here")
    args = parser.parse_args()
    histories = [int(h) for h in args.history.split(",")]
    days = max(histories) + 1
    work = args.work or tempfile.mkdtemp(prefix="masq-baseline-bench-")
    fleet = os.path.join(work, "fleet")
    if not os.path.exists(os.path.join(fleet, "day-%02d.json" % (days - 1))):
        print("generating %d days of %d names ..." % (days, args.names), file=sys.stderr)
        subprocess.run([sys.executable, os.path.join(REPO, "tools", "fleet_days.py"), fleet,
                        "--days", str(days), "--names", str(args.names), "--hosts", str(args.hosts),
                        "--events", str(args.events or 3 * args.names), "--no-story"], check=True)
    day_file = lambda d: os.path.join(fleet, "day-%02d.json" % d)  # noqa: E731
    today = day_file(days - 1)

    # The store of the last days before today, built one run a day (the daily job);
    # the shorter histories are copies of it pruned to their days.
    stores, build = {}, {}
    longest = max(histories)
    full = os.path.join(work, "history-%d.db" % longest)
    if not os.path.exists(full):
        start = time.monotonic()
        for d in range(days - 1 - longest, days - 1):
            timed([args.masq, "scan", "--baseline", full, "--baseline-days", str(longest),
                   "--format", "json", "-o", os.devnull, day_file(d)])
        build[longest] = (time.monotonic() - start) / longest
    for history in histories:
        store = os.path.join(work, "history-%d.db" % history)
        if not os.path.exists(store):
            shutil.copy(full, store)
            timed([args.masq, "baseline", "prune", "--retain-days", str(history), store])
        stores[history] = store

    results = []
    plain = []
    for _ in range(args.runs):
        took, out = timed([args.masq, "scan", "--format", "json", today])
        plain.append((took, json.loads(out)["summary"]))
    take = sorted(plain, key=lambda r: r[0])[len(plain) // 2]
    summary = take[1]
    results.append({"case": "plain", "history_days": 0, "seconds": take[0],
                    "seconds_ingest": summary["seconds"]["ingest"], "seconds_tier": summary["seconds"]["tier"],
                    "seconds_match": summary["seconds"]["match"], "names": summary["names"],
                    "events": summary["events"], "anomalies": summary["anomalies"]})
    for history in histories:
        runs = []
        for r in range(args.runs):
            copy = os.path.join(work, "run.db")
            shutil.copy(stores[history], copy)
            took, out = timed([args.masq, "scan", "--baseline", copy, "--baseline-days", str(history),
                               "--format", "json", today])
            runs.append((took, json.loads(out)["summary"], os.path.getsize(copy)))
            os.unlink(copy)
        took, summary, after = sorted(runs, key=lambda r: r[0])[len(runs) // 2]
        results.append({"case": "%d days" % history, "history_days": history, "seconds": took,
                        "seconds_ingest": summary["seconds"]["ingest"],
                        "seconds_tier": summary["seconds"]["tier"],
                        "seconds_match": summary["seconds"]["match"], "names": summary["names"],
                        "events": summary["events"], "anomalies": summary["anomalies"],
                        "store_bytes_before": os.path.getsize(stores[history]), "store_bytes_after": after,
                        "seconds_per_day_building": build.get(history)})
    for r in results:
        line = "%-8s %7d names %8d events  %6.2f s (ingest %.2f, tiers+history %.2f, match %.2f)" % (
            r["case"], r["names"], r["events"], r["seconds"], r["seconds_ingest"], r["seconds_tier"],
            r["seconds_match"])
        if r["history_days"]:
            line += "  store %.1f MB -> %.1f MB" % (r["store_bytes_before"] / 1e6, r["store_bytes_after"] / 1e6)
            if r["seconds_per_day_building"]:
                line += ", %.2f s a day to build" % r["seconds_per_day_building"]
        print(line)
    doc = {"benchmark": "baseline", "machine": bench_env.cpu_model(), "cpus": bench_env.usable_cpus(),
           "commit": bench_env.git_commit(), "names_a_day": args.names, "hosts": args.hosts,
           "results": results}
    print(json.dumps(doc, indent=1))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(doc, f, indent=1)
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
