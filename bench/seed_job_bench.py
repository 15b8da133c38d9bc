#!/usr/bin/env python3
"""The seed's job, end to end: the Sentinel notebook in PySpark against masq.

On seeded export trees (tools/gen_export.py: SecurityEvent rows in the data export's
y=/m=/d=/h=/m= layout) of each --sizes, in one invocation, times:

  notebook   the notebook's own cells in PySpark local[2] (--spark-master): its schema,
             EventID == "4688", lower(Process), groupBy/percent_rank tiers, crossJoin,
             its fastDamerauLevenshtein calcDist UDF, the context joins and
             Dist > 0.85 (tests/parity/notebook_parity.py holds the cells; the session's
             start is timed apart)
  masq       `masq scan --profile notebook --format json TREE`, the whole process
             (peak RSS from GNU time)
  spark job  tools/spark/masq_spark.py in the same local[2] session: Spark builds the
             name table, masq runs the matrix on shards (--spark-job; skipped with
             --skip-spark-job)

and checks that the notebook's and masq's anomalies are the same (name pairs and
float32 scores), and the Spark job's the same as masq's. The trees are written without
the export's retried rows (--duplicate-fraction 0): the notebook counts a row written
twice twice, masq and the job count it once, and the job here is the notebook's.

Usage:
  bench/seed_job_bench.py                       # 10^5 and 10^6 events (about 5 minutes)
  bench/seed_job_bench.py --sizes 100000,1000000,10000000   # 10^7: about an hour
  bench/seed_job_bench.py --notebook-max 1000000  # larger sizes: masq and the job only

Prints a line per engine and size, then one JSON document with machine, commit and
figures. Exit 1 when any anomalies differ.
"""
import argparse
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_env  # noqa: E402

REPO = bench_env.REPO
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(REPO, "tools"))
sys.path.insert(0, os.path.join(REPO, "tools", "spark"))
sys.path.insert(0, os.path.join(REPO, "tests", "parity"))
from local_spark import start_spark  # noqa: E402

def say(message):
    print("seed_job_bench: " + message, file=sys.stderr, flush=True)


def f32(value):
    return struct.unpack("f", struct.pack("f", value))[0]


def make_tree(work, events, names, seed):
    """The export tree for a size, reused when it is already there."""
    root = os.path.join(work, "export-%d-n%d-s%d" % (events, names, seed))
    stamp = os.path.join(root, ".complete")
    if os.path.exists(stamp):
        return root
    shutil.rmtree(root, ignore_errors=True)
    say("writing %d events into %s" % (events, root))
    subprocess.run([sys.executable, os.path.join(REPO, "tools", "gen_export.py"),
                    "--events", str(events), "--names", str(names),
                    "--seed", str(seed), "--duplicate-fraction", "0", "--out", root],
                   check=True, stdout=subprocess.DEVNULL)
    open(stamp, "w").close()
    return root


def tree_files(root):
    files = []
    for folder, _, names in os.walk(root):
        files += [os.path.join(folder, n) for n in names if n.endswith((".json", ".json.gz"))]
    return sorted(files)


def run_masq(masq, root, threads):
    run, seconds, rss_kb = bench_env.run_with_peak(
        [masq, "scan", "--profile", "notebook", "--format", "json", "--threads", str(threads),
         root], capture_output=True)
    document = json.loads(run.stdout)
    pairs = {(a["NormalProcess"], a["PotentiallyMaliciousProcess"]): f32(a["AnomalyScore"])
             for a in document["anomalies"]}
    return {"seconds": round(seconds, 3), "peak_rss_mb": round(rss_kb / 1024, 1),
            "events": document["summary"].get("events"),
            "names": document["summary"].get("names"), "anomalies": len(pairs)}, pairs


def run_notebook(spark, root):
    import notebook_parity
    start = time.monotonic()
    pairs, _, _ = notebook_parity.notebook_pairs(spark, tree_files(root))
    seconds = time.monotonic() - start
    return {"seconds": round(seconds, 3), "anomalies": len(pairs)}, \
        {key: f32(value) for key, value in pairs.items()}


def run_spark_job(masq, root, work, threads):
    import masq_spark
    out = os.path.join(work, "job.json")
    start = time.monotonic()
    code = masq_spark.main(["--masq", masq, "--profile", "notebook", "--shards", str(threads),
                            "--format", "json", "-o", out, root])
    seconds = time.monotonic() - start
    if code != 0:
        raise SystemExit("the Spark job failed (exit %s)" % code)
    with open(out, encoding="utf-8") as f:
        document = json.load(f)
    pairs = {(a["NormalProcess"], a["PotentiallyMaliciousProcess"]): f32(a["AnomalyScore"])
             for a in document["anomalies"]}
    return {"seconds": round(seconds, 3), "anomalies": len(pairs)}, pairs


def differences(one, two):
    keys = set(one) | set(two)
    return sorted(k for k in keys if one.get(k) != two.get(k))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--masq", default=os.path.join(REPO, "build", "masq"))
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--notebook-max", type=int, default=10**7,
                        help="run the notebook only up to this many events")
    parser.add_argument("--skip-spark-job", action="store_true")
    parser.add_argument("--names", type=int, default=10000,
                        help="distinct process names of each tree (a fleet's day has 10^4 to "
                             "10^5; the notebook's crossJoin grows with their square)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threads", type=int, default=bench_env.usable_cpus())
    parser.add_argument("--spark-master", default="local[2]")
    parser.add_argument("--work-dir", help="keep the trees here (reused when they match)")
    parser.add_argument("--json", help="also write the JSON document here")
    args = parser.parse_args()
    if not os.access(args.masq, os.X_OK):
        raise SystemExit("no masq binary at %s: build it first" % args.masq)
    masq = os.path.abspath(args.masq)
    work = args.work_dir or tempfile.mkdtemp(prefix="masq-seed-job-")
    os.makedirs(work, exist_ok=True)
    start = time.monotonic()
    spark = start_spark(work, "seed_job_bench", master=args.spark_master, driver_memory="6g")
    session_seconds = time.monotonic() - start
    say("Spark session started in %.1f s" % session_seconds)
    figures, mismatches = [], 0
    try:
        for events in [int(s) for s in args.sizes.split(",")]:
            root = make_tree(work, events, min(args.names, events), args.seed)
            size = sum(os.path.getsize(f) for f in tree_files(root))
            row = {"events": events, "tree_bytes": size}
            row["masq"], masq_pairs = run_masq(masq, root, args.threads)
            print("%9d events, %6.0f MB: masq %8.2f s, %6.1f MB, %d anomalies" %
                  (events, size / 1e6, row["masq"]["seconds"], row["masq"]["peak_rss_mb"],
                   row["masq"]["anomalies"]), flush=True)
            if events <= args.notebook_max:
                row["notebook"], notebook_pairs = run_notebook(spark, root)
                diff = differences(notebook_pairs, masq_pairs)
                row["notebook"]["same_anomalies"] = not diff
                row["notebook"]["ratio"] = round(row["notebook"]["seconds"] /
                                                 row["masq"]["seconds"], 1)
                mismatches += bool(diff)
                print("%9d events: notebook in PySpark %s %8.2f s, %d anomalies, %s; "
                      "masq %.1fx faster" % (events, args.spark_master, row["notebook"]["seconds"],
                                             row["notebook"]["anomalies"],
                                             "the same" if not diff else
                                             "DIFFERENT (%d pairs, e.g. %r)" % (len(diff), diff[:3]),
                                             row["notebook"]["ratio"]), flush=True)
            if not args.skip_spark_job:
                row["spark_job"], job_pairs = run_spark_job(masq, root, work, args.threads)
                diff = differences(job_pairs, masq_pairs)
                row["spark_job"]["same_anomalies"] = not diff
                mismatches += bool(diff)
                print("%9d events: the Spark job (tools/spark) %8.2f s, %d anomalies, %s" %
                      (events, row["spark_job"]["seconds"], row["spark_job"]["anomalies"],
                       "the same as masq" if not diff else "DIFFERENT (%d pairs)" % len(diff)),
                      flush=True)
            figures.append(row)
    finally:
        spark.stop()
        if not args.work_dir:
            shutil.rmtree(work, ignore_errors=True)
    commit, dirty = bench_env.git_commit()
    document = {"benchmark": "seed_job", "machine": bench_env.machine(),
        "commit": commit, "dirty": dirty, "seed": args.seed, "names": args.names, "threads": args.threads,
        "spark_master": args.spark_master, "spark_session_seconds": round(session_seconds, 1),
        "sizes": figures}
    print(json.dumps(document))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(document, f, indent=1)
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
