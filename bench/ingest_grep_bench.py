#!/usr/bin/env python3
"""Ingest against grep -c: how near masq reads an export tree to the speed of memory.

On one seeded export tree (tools/gen_export.py, kept in --work-dir and reused), in the
page cache (read once before timing), with the same number of processes P, one
invocation times, interleaved, --runs times each (median):

  masq      `masq scan --profile notebook --format json -q --threads P TREE`: its ingest
            MB/s from the summary's `bytes` and `seconds.ingest`, and its peak RSS
  grep      `grep -c -F EventID` over the tree's files split into P lists of about equal
            bytes, P processes at once (wall time of all; its output goes to a pipe,
            since GNU grep stops at the first match when it writes to /dev/null)
  wc        `wc -l`, the same way: the cost of only looking at every byte

and reports masq's MB/s over grep's (the goal is >= 0.5), by wall time and, as a figure a
loaded machine disturbs less, by CPU time (masq's whole process: ingest, matrix and report;
the peers' processes summed). masq also runs once on each
smaller size of --events, and the ratio of its peak RSS at the largest size to the
smallest is reported (memory should not grow with the events).

Usage:
  bench/ingest_grep_bench.py                          # 10^6 events (0.67 GB), 2x10^5 for RSS
  bench/ingest_grep_bench.py --events 4000000 --processes 2 --json out.json

Prints one human line per engine, then one JSON line (also --json FILE) with the machine,
commit, sizes and every figure. Exit status: 0 done, 2 an engine failed or bad usage.
"""

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_env import cpu_model, git_commit, usable_cpus  # noqa: E402
from ingest_bench import export_files, generate  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GOAL = 0.5


def log(message):
    print("ingest_grep_bench: " + message, file=sys.stderr, flush=True)


def warm(files):
    """Reads every file once, so that each engine finds the tree in the page cache."""
    total = 0
    for path in files:
        with open(path, "rb") as f:
            while True:
                block = f.read(1 << 22)
                if not block:
                    break
                total += len(block)
    return total


def split(files, parts):
    """Files dealt into `parts` lists of about equal bytes, largest first."""
    lists = [[] for _ in range(parts)]
    sizes = [0] * parts
    for path in sorted(files, key=lambda p: -os.path.getsize(p)):
        i = sizes.index(min(sizes))
        lists[i].append(path)
        sizes[i] += os.path.getsize(path)
    return [lst for lst in lists if lst]


def run_peer(command, lists):
    """Runs command + each list as its own process, all at once; (wall, CPU) seconds."""
    started = time.perf_counter()
    children = [subprocess.Popen(command + lst, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
                for lst in lists]
    cpu = 0.0
    for child in children:
        child.stdout.read()
        _, status, usage = os.wait4(child.pid, 0)
        cpu += usage.ru_utime + usage.ru_stime
        code = os.waitstatus_to_exitcode(status)
        # grep -c exits 1 when a file has no match; that is a count, not a failure.
        if code not in (0, 1) or (command[0] == "wc" and code != 0):
            raise RuntimeError("%s exited %d" % (" ".join(command), code))
    return time.perf_counter() - started, cpu


def run_masq(masq, tree, processes):
    command = [masq, "scan", "--profile", "notebook", "--format", "json", "-q",
               "--threads", str(processes), tree]
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=out, stderr=subprocess.PIPE)
        err = child.stderr.read()
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status) != 0:
            raise RuntimeError("%s: %s" % (" ".join(command), err.decode(errors="replace")[-2000:]))
        out.seek(0)
        summary = json.load(out)["summary"]
    return {"wall_seconds": wall, "ingest_seconds": summary["seconds"]["ingest"],
            "cpu_seconds": usage.ru_utime + usage.ru_stime,
            "bytes": summary["bytes"], "events": summary["events"],
            "peak_rss_bytes": usage.ru_maxrss * 1024, "command": command}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--events", default="200000,1000000",
                   help="comma-separated sizes; the peers run on the largest (200000,1000000)")
    p.add_argument("--names", type=int, default=100000, help="distinct names (100000)")
    p.add_argument("--hosts", type=int, default=5000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--gzip-fraction", type=float, default=0.0)
    p.add_argument("--processes", type=int, default=usable_cpus(),
                   help="masq's threads and the peers' processes (all CPUs)")
    p.add_argument("--runs", type=int, default=5, help="timed runs of each engine (5)")
    p.add_argument("--masq", default=os.path.join(REPO, "build", "masq"))
    p.add_argument("--work-dir", default=os.path.join(REPO, "build", "bench", "ingest"))
    p.add_argument("--json", help="also write the JSON document here")
    args = p.parse_args(argv)
    try:
        sizes = sorted(int(s) for s in args.events.split(","))
    except ValueError:
        p.error("--events: comma-separated integers")
    if not os.access(args.masq, os.X_OK):
        log("no masq at %s (build it first)" % args.masq)
        return 2
    os.makedirs(args.work_dir, exist_ok=True)
    trees = {size: generate(args, size, args.work_dir) for size in sizes}
    largest = sizes[-1]
    tree, info = trees[largest]
    files = export_files(tree)
    tree_bytes = warm(files)
    lists = split(files, args.processes)
    if args.gzip_fraction > 0:
        log("grep and wc read the .gz files as bytes, not decompressed")

    peers = {"grep": ["grep", "-c", "-F", "EventID"], "wc": ["wc", "-l"]}
    timings = {"masq": [], "grep": [], "wc": []}
    cpu = {"masq": [], "grep": [], "wc": []}
    masq_runs = []
    try:
        run_masq(args.masq, tree, args.processes)            # warm-up
        for _ in range(args.runs):
            masq_runs.append(run_masq(args.masq, tree, args.processes))
            timings["masq"].append(masq_runs[-1]["ingest_seconds"])
            cpu["masq"].append(masq_runs[-1]["cpu_seconds"])
            for name, command in peers.items():
                wall, used = run_peer(command, lists)
                timings[name].append(wall)
                cpu[name].append(used)
        rss_by_size = {}
        for size in sizes[:-1]:
            rss_by_size[size] = run_masq(args.masq, trees[size][0], args.processes)["peak_rss_bytes"]
    except (OSError, RuntimeError) as e:
        log(str(e))
        return 2
    rss_by_size[largest] = max(r["peak_rss_bytes"] for r in masq_runs)

    figures = {}
    for name, seconds in timings.items():
        median = statistics.median(seconds)
        cpu_median = statistics.median(cpu[name])
        figures[name] = {"seconds": seconds, "seconds_median": median,
                         "mb_per_s": tree_bytes / median / 1e6,
                         "cpu_seconds": cpu[name], "cpu_seconds_median": cpu_median,
                         "mb_per_cpu_s": tree_bytes / cpu_median / 1e6}
    figures["masq"]["bytes_read"] = masq_runs[-1]["bytes"]
    figures["masq"]["events"] = masq_runs[-1]["events"]
    figures["masq"]["wall_seconds"] = [r["wall_seconds"] for r in masq_runs]
    figures["masq"]["peak_rss_bytes"] = rss_by_size[largest]
    figures["masq"]["command"] = masq_runs[-1]["command"]
    for name, command in peers.items():
        figures[name]["command"] = command + ["FILES..."]
        figures[name]["processes"] = len(lists)
    ratio = figures["masq"]["mb_per_s"] / figures["grep"]["mb_per_s"]
    rss_ratio = rss_by_size[largest] / rss_by_size[sizes[0]]

    commit, dirty = git_commit()
    load = os.getloadavg()
    document = {
        "benchmark": "ingest_grep",
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": {"cpu": cpu_model(), "cpus": usable_cpus(), "system": platform.platform(),
                    "load_average": [round(x, 2) for x in load]},
        "commit": commit, "dirty": dirty,
        "tree": {"events": largest, "rows": info.get("rows"), "files": len(files),
                 "bytes": tree_bytes, "names": args.names, "hosts": args.hosts,
                 "seed": args.seed, "gzip_fraction": args.gzip_fraction},
        "processes": args.processes, "runs": args.runs,
        "figures": figures,
        "masq_over_grep": ratio, "goal": GOAL, "meets_goal": ratio >= GOAL,
        "masq_over_wc": figures["masq"]["mb_per_s"] / figures["wc"]["mb_per_s"],
        "masq_over_grep_cpu": figures["masq"]["mb_per_cpu_s"] / figures["grep"]["mb_per_cpu_s"],
        "peak_rss_by_events": {str(k): v for k, v in sorted(rss_by_size.items())},
        "peak_rss_ratio": rss_ratio,
    }
    for name in ("masq", "grep", "wc"):
        f = figures[name]
        print("%-5s %d processes  %7.1f MB  %6.3f s  %7.0f MB/s  %6.2f CPU s  %6.0f MB/CPU s%s" % (
            name, args.processes, tree_bytes / 1e6, f["seconds_median"], f["mb_per_s"],
            f["cpu_seconds_median"], f["mb_per_cpu_s"],
            "  peak RSS %.0f MB" % (f["peak_rss_bytes"] / 1e6) if name == "masq" else ""))
    print("masq/grep %.3f (goal %.1f; by CPU time %.3f), masq/wc %.3f, peak RSS %d -> %d events "
          "x%.2f; load %.1f" % (ratio, GOAL, document["masq_over_grep_cpu"], document["masq_over_wc"],
                                sizes[0], largest, rss_ratio, load[0]))
    line = json.dumps(document, sort_keys=True)
    print(line)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            f.write(line + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
