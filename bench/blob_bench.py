#!/usr/bin/env python3
"""Reading the export container over HTTP against reading the same tree from disk.

Generates one Log Analytics export tree with tools/gen_export.py (seeded; kept in
--work-dir and reused when the arguments match), serves it with the loopback
stand-in of Blob Storage (tests/blob/blob_test_server.py, pages of 5,000 as the
service), and in one invocation, alternating, times:

  disk   `masq scan --profile notebook --format json TREE`
  blob   `masq scan --profile notebook --format json http://127.0.0.1:PORT/devstoreaccount1/
         am-securityevent` (MASQ_STORAGE_SAS set; the listing, the SAS checks and every
         Get Blob of the stand-in are part of it)

The figure is the ingest stage's (the summary's seconds.ingest, which includes
listing the container) over the bytes read (summary.bytes): MB/s of each, and the
ratio blob / disk (goal >= 0.8). One warm-up run of each (the page cache holds the
tree for both), then --runs runs of each, median. Whole-run wall times are reported
too. Both runs must give the same anomalies (JSON minus timing fields), or the
benchmark fails.

Each route runs with masq's own reader count: a container is read with twice the
readers of a local tree (they wait on the network), so the ratio compares what a user
gets, not one reader against one reader.

The stand-in is a Python server on the same CPUs as masq: on a machine with few
cores it takes CPU time the readers would have, so the ratio is a lower bound of
what loopback HTTP costs.

Usage:
  bench/blob_bench.py                        # 400,000 events (about 220 MB)
  bench/blob_bench.py --events 100000 --runs 3 --json out.json

Prints one line per route and the ratio, then one JSON line (also --json FILE).
Exit status: 0 the routes agree, 1 they differ, 2 a run failed or bad usage.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "blob"))
sys.dont_write_bytecode = True
import bench_env  # noqa: E402
import blob_test_server as fake  # noqa: E402

SIG = "YmVuY2htYXJrLXNpZ25hdHVyZQ=="
SAS = "sv=2021-08-06&sp=rl&sig=" + SIG
RUN_FIELDS = ("seconds", "threads", "backend", "device", "kernel_launches",
              "kernel_overflows", "pairs_scored", "pairs_verified")


def make_tree(work, events, seed):
    tree = os.path.join(work, "export-%d-%d" % (events, seed))
    stamp = os.path.join(tree, ".done")
    if not os.path.exists(stamp):
        subprocess.run([sys.executable, os.path.join(ROOT, "tools", "gen_export.py"),
                        "--events", str(events), "--names", str(max(400, events // 10)),
                        "--hosts", "200", "--seed", str(seed), "--gzip-fraction", "0.1",
                        "--out", tree], check=True, capture_output=True)
        open(stamp, "w").close()
    return tree


def scan(masq, target, threads):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AZURE_", "MASQ_"))}
    env.update(LC_ALL="C", MASQ_STORAGE_SAS=SAS)
    args = [masq, "scan", "-q", "--profile", "notebook", "--format", "json"]
    if threads:
        args += ["--threads", str(threads)]
    started = time.monotonic()
    done = subprocess.run(args + [target], capture_output=True, env=env)
    wall = time.monotonic() - started
    if done.returncode != 0:
        sys.stderr.write("masq failed on %s: %s\n" % (target, done.stderr.decode()[-2000:]))
        sys.exit(2)
    document = json.loads(done.stdout)
    summary = document["summary"]
    figures = {"ingest_seconds": summary["seconds"]["ingest"], "bytes": summary["bytes"],
               "wall_seconds": wall}
    for key in RUN_FIELDS:
        summary.pop(key, None)
    return figures, json.dumps(document, sort_keys=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--masq", default=os.path.join(ROOT, "build", "masq"))
    parser.add_argument("--events", type=int, default=400000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--threads", type=int, default=0, help="masq --threads (0: its default)")
    parser.add_argument("--work-dir", default=os.path.join(ROOT, "build", "bench", "blob"))
    parser.add_argument("--json", metavar="FILE")
    args = parser.parse_args()
    if not os.access(args.masq, os.X_OK):
        sys.stderr.write("no masq at %s (build it, or --masq)\n" % args.masq)
        return 2
    os.makedirs(args.work_dir, exist_ok=True)
    tree = make_tree(args.work_dir, args.events, args.seed)
    server = fake.Server(fake.FakeBlobStorage(tree, "am-securityevent", SIG))
    routes = {"disk": tree, "blob": server.url}
    results = {name: [] for name in routes}
    outputs = {}
    try:
        for name, target in routes.items():  # warm-up: the page cache, the stand-in's listing
            outputs[name] = scan(args.masq, target, args.threads)[1]
        for _ in range(args.runs):
            for name, target in routes.items():
                figures, output = scan(args.masq, target, args.threads)
                results[name].append(figures)
                if output != outputs[name]:
                    sys.stderr.write("%s gave another output on a later run\n" % name)
                    return 1
    finally:
        server.stop()
    agree = outputs["disk"] == outputs["blob"]
    report = {"benchmark": "blob_bench", "events": args.events, "seed": args.seed,
              "runs": args.runs, "threads": args.threads or None,
              "cpu": bench_env.cpu_model(), "cpus": bench_env.usable_cpus(),
              "load_average": list(os.getloadavg())}
    commit, dirty = bench_env.git_commit()
    report.update(commit=commit, dirty=dirty)
    for name, runs in results.items():
        ingest = statistics.median(r["ingest_seconds"] for r in runs)
        size = runs[0]["bytes"]
        report[name] = {"bytes": size, "ingest_seconds": round(ingest, 4),
                        "mb_per_s": round(size / 1e6 / ingest, 1),
                        "wall_seconds": round(statistics.median(r["wall_seconds"]
                                                                for r in runs), 4)}
        print("%-5s %8.1f MB  ingest %7.3f s  %7.1f MB/s  whole run %7.3f s"
              % (name, size / 1e6, ingest, report[name]["mb_per_s"],
                 report[name]["wall_seconds"]))
    ratio = report["blob"]["mb_per_s"] / report["disk"]["mb_per_s"]
    report["ratio_blob_to_disk"] = round(ratio, 3)
    report["goal"] = 0.8
    report["same_anomalies"] = agree
    print("blob / disk: %.2f of the speed of disk (goal >= 0.80); anomalies %s"
          % (ratio, "identical" if agree else "DIFFER"))
    line = json.dumps(report, sort_keys=True)
    print(line)
    if args.json:
        with open(args.json, "w") as f:
            f.write(line + "\n")
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
