#!/usr/bin/env python3
"""Small inputs: what a scan of a few events costs, start to end.

A scan of a few thousand events spends more time starting than working, so this
times whole processes (wall time, median of --runs; peak RSS from GNU time) on
the smallest inputs a user gives, in one invocation:

  demo      `masq scan --demo` (35,420 synthetic events, the README's first command)
  one line  `masq scan FILE` on one SecurityEvent 4688 row
  empty     `masq scan FILE` on an empty file

each with `--backend auto` (the default) and `--backend cpu` (never touches
OpenCL), and, as the floor a process start costs on this machine, `true` and
`grep -c . FILE` on the one-line file.

Usage:
  bench/startup_bench.py [--masq build/masq] [--runs 20] [--json out.json]

Prints a line per case, then one JSON document with machine, commit and figures.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_env  # noqa: E402

ONE_LINE = ('{"TimeGenerated":"2026-12-01T08:00:00.000Z","Computer":"WKS-1",'
            '"EventID":4688,"NewProcessName":"C:\\\\Windows\\\\System32\\\\svchost.exe",'
            '"ParentProcessName":"C:\\\\Windows\\\\System32\\\\services.exe",'
            '"SubjectUserName":"SYSTEM"}\n')


def timed(argv):
    """(wall seconds, peak RSS in KB) of one run."""
    _, seconds, peak = bench_env.run_with_peak(argv, stdout=subprocess.DEVNULL,
                                               stderr=subprocess.DEVNULL)
    return seconds, peak


def measure(argv, runs):
    samples = [timed(argv) for _ in range(runs)]
    return {"argv": argv, "runs": runs,
            "median_ms": round(statistics.median(s for s, _ in samples) * 1000, 2),
            "min_ms": round(min(s for s, _ in samples) * 1000, 2),
            "peak_rss_kb": max(r for _, r in samples)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--masq", default=os.path.join(bench_env.REPO, "build", "masq"))
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--json", help="also write the JSON document here")
    args = parser.parse_args()
    if not os.access(args.masq, os.X_OK):
        raise SystemExit("no masq binary at %s: build it first (cmake --build build)" % args.masq)
    work = tempfile.mkdtemp(prefix="masq-startup-")
    try:
        one = os.path.join(work, "one.json")
        empty = os.path.join(work, "empty.json")
        with open(one, "w", encoding="utf-8") as f:
            f.write(ONE_LINE)
        open(empty, "w").close()
        cases = []
        for label, inputs in (("demo", ["--demo"]), ("one line", [one]), ("empty", [empty])):
            for backend in ("auto", "cpu"):
                cases.append(("masq %s, %s" % (label, backend),
                              [args.masq, "scan", "--backend", backend] + inputs))
        cases.append(("true (a process start)", [shutil.which("true") or "/bin/true"]))
        cases.append(("grep -c on the one line", [shutil.which("grep") or "grep", "-c", ".", one]))
        figures = {}
        for label, argv in cases:
            figures[label] = measure(argv, args.runs)
            print("%-28s %8.2f ms median (min %.2f), peak RSS %6d KB" %
                  (label, figures[label]["median_ms"], figures[label]["min_ms"],
                   figures[label]["peak_rss_kb"]))
        commit, dirty = bench_env.git_commit()
        document = {"benchmark": "startup", "machine": bench_env.machine(),
            "commit": commit, "dirty": dirty, "runs": args.runs, "figures": figures}
        print(json.dumps(document))
        if args.json:
            with open(args.json, "w", encoding="utf-8") as f:
                json.dump(document, f, indent=1)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
