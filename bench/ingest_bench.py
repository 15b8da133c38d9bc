#!/usr/bin/env python3
"""Ingest benchmark: masq against a Python json loop and PySpark on one export tree.

Generates Log Analytics export trees with tools/gen_export.py (seeded; kept in
--work-dir and reused when the arguments match) and, in one invocation, times:

  masq      `masq scan --profile notebook --emit-names TABLE --format json TREE`, the
            whole run (ingest, tiers, matrix, report) under os.wait4, which gives its
            peak RSS; ingest MB/s and events/s from the summary's `bytes` and
            `seconds.ingest` (file sizes over the wall time where a masq lacks them);
            one warm-up run, then --runs timed runs, median
  python    a single-process loop: json.loads per line, EventID 4688, Process or the
            file name of NewProcessName, str.lower, per-name counts with and without
            de-duplication by EventOriginId (one pass)
  spark     PySpark local[2] (--spark-master): spark.read.json with the notebook's
            schema, EventID == '4688', lower(coalesce(Process, file name of
            NewProcessName)), groupBy: count(*) and the de-duplicated count
            (distinct EventOriginId, plus rows without one); the query is timed, the
            session start is reported apart

masq, python and spark run on the largest --events size; masq also runs on every size,
and the ratio of its peak RSS at the largest to the smallest size is reported (masq
streams events: its memory should follow the distinct names, which are the same at every
size; target < 1.2).

Checks: masq's per-name counts (its name table) must equal the Python loop's and Spark's,
de-duplicated (masq drops rows the export wrote twice); the report says whether masq
matched the de-duplicated or the raw counts.

Usage:
  bench/ingest_bench.py                       # 2x10^5 and 10^6 events: a few minutes
  bench/ingest_bench.py --full                # 10^6 and 10^7 events (6.7 GB)
  bench/ingest_bench.py --events 1000000 --skip-spark --json out.json

Prints one line per engine and size, then a JSON document (also --json FILE).
Exit status: 0 the counts agree, 1 they differ, 2 an engine failed or bad usage.
"""

import argparse
import datetime
import gzip
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
from local_spark import start_spark  # noqa: E402
from bench_env import cpu_model, git_commit  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GENERATOR = os.path.join(REPO, "tools", "gen_export.py")
RSS_TARGET = 1.2


def log(message):
    print("ingest_bench: " + message, file=sys.stderr, flush=True)


def java_version():
    try:
        out = subprocess.run(["java", "-version"], capture_output=True, text=True, timeout=30)
        return (out.stderr or out.stdout).splitlines()[0].strip()
    except (OSError, subprocess.SubprocessError, IndexError):
        return None


def export_files(tree):
    files = []
    for root, _, names in os.walk(tree):
        for name in names:
            if name.endswith((".json", ".json.gz")):
                files.append(os.path.join(root, name))
    files.sort()
    return files


def generate(args, events, work):
    """The export tree for `events`, generated once and reused; returns (tree, info)."""
    tree = os.path.join(work, "export-e%d-n%d-h%d-s%d-g%g" % (
        events, args.names, args.hosts, args.seed, args.gzip_fraction))
    stamp = tree + ".json"
    command = [sys.executable, GENERATOR, "--events", str(events), "--names", str(args.names),
               "--hosts", str(args.hosts), "--seed", str(args.seed),
               "--gzip-fraction", str(args.gzip_fraction), "--out", tree]
    if os.path.exists(stamp):
        with open(stamp, encoding="utf-8") as f:
            info = json.load(f)
        if info.get("command") == command[1:] and os.path.isdir(tree):
            log("reusing %s" % tree)
            return tree, info
    shutil.rmtree(tree, ignore_errors=True)
    log("generating %d events -> %s" % (events, tree))
    done = subprocess.run(command, stdout=subprocess.PIPE, check=True)
    info = json.loads(done.stdout)
    info["command"] = command[1:]
    with open(stamp, "w", encoding="utf-8") as f:
        json.dump(info, f)
    return tree, info


# -- engines -------------------------------------------------------------------------

def run_measured(command, stdout_path):
    """Runs command; returns (exit code, wall seconds, peak RSS in bytes)."""
    with open(stdout_path, "wb") as out:
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=out, stderr=subprocess.PIPE)
        stderr = child.stderr.read()
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        log("%s exited %d: %s" % (" ".join(command), child.returncode,
                                  stderr.decode(errors="replace")[-2000:]))
    return child.returncode, wall, usage.ru_maxrss * 1024


def run_masq(args, tree, tree_bytes, work, runs):
    table = os.path.join(work, "masq_names.jsonl")
    output = os.path.join(work, "masq_out.json")
    command = [args.masq, "scan", "--profile", "notebook", "--emit-names", table,
               "--format", "json", "-q", tree]
    walls, rss, ingest, summary = [], [], [], None
    for run in range(runs + 1):          # run 0 warms the page cache
        code, wall, peak = run_measured(command, output)
        if code != 0:
            return None
        with open(output, encoding="utf-8") as f:
            summary = json.load(f)["summary"]
        if run == 0:
            continue
        walls.append(wall)
        rss.append(peak)
        seconds = summary.get("seconds", {}).get("ingest")
        ingest.append(seconds)
    counts = {}
    with open(table, encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            counts[row["Process"]] = row["Count"]
    wall = statistics.median(walls)
    has_ingest = all(s is not None for s in ingest)
    ingest_seconds = statistics.median(ingest) if has_ingest else wall
    nbytes = summary.get("bytes", tree_bytes)
    return {"engine": "masq", "command": command, "runs": runs, "wall_seconds": walls,
            "wall_seconds_median": wall, "ingest_seconds_median": ingest_seconds,
            "ingest_from": "summary" if has_ingest and "bytes" in summary else "wall",
            "bytes": nbytes, "events": summary.get("events"),
            "duplicates": summary.get("duplicate_events"),
            "ingest_mb_per_s": nbytes / ingest_seconds / 1e6,
            "events_per_s": summary.get("events", 0) / ingest_seconds,
            "peak_rss_bytes": max(rss), "peak_rss_runs": rss,
            "threads": summary.get("threads"), "backend": summary.get("backend"),
            "names": summary.get("names"), "anomalies": summary.get("anomalies"),
            "summary_seconds": summary.get("seconds"), "counts": counts}


def run_python(tree, tree_bytes):
    """The plain loop: returns the result with raw and de-duplicated counts."""
    raw, dedup, seen = Counter(), Counter(), set()
    events = 0
    started = time.perf_counter()
    for path in export_files(tree):
        opener = gzip.open if path.endswith(".gz") else open
        with opener(path, "rt", encoding="utf-8") as f:
            for line in f:
                row = json.loads(line)
                if str(row.get("EventID")) != "4688":
                    continue
                name = row.get("Process")
                if name is None:
                    path_name = row.get("NewProcessName")
                    if path_name is None:
                        continue
                    name = path_name.replace("/", "\\").rsplit("\\", 1)[-1]
                name = name.lower()
                raw[name] += 1
                origin = row.get("EventOriginId")
                if origin is not None:
                    if origin in seen:
                        continue
                    seen.add(origin)
                dedup[name] += 1
                events += 1
    seconds = time.perf_counter() - started
    return {"engine": "python", "implementation": "json.loads loop, one process",
            "wall_seconds_median": seconds, "ingest_seconds_median": seconds,
            "bytes": tree_bytes, "events": events, "ingest_mb_per_s": tree_bytes / seconds / 1e6,
            "events_per_s": events / seconds, "counts": dict(dedup), "raw_counts": dict(raw)}


def spark_session(master, work):
    return start_spark(work, "masq-ingest-bench", master=master, driver_memory="6g", partitions=8)


def run_spark(tree, tree_bytes, master, work):
    started = time.perf_counter()
    spark = spark_session(master, work)
    session_seconds = time.perf_counter() - started
    from pyspark.sql import functions as F, types as T
    schema = T.StructType([T.StructField(n, T.StringType(), True) for n in
                           ("EventID", "NewProcessName", "Process", "TimeGenerated",
                            "EventOriginId")])
    started = time.perf_counter()
    raw = (spark.read.schema(schema).option("recursiveFileLookup", "true")
           .option("pathGlobFilter", "*.{json,json.gz}").json(tree))
    name = F.lower(F.coalesce(F.col("Process"),
                              F.regexp_extract(F.col("NewProcessName"), r"[^\\/]*$", 0)))
    rows = (raw.where(F.col("EventID") == "4688").select(name.alias("name"), "EventOriginId")
            .where(F.col("name").isNotNull())
            .groupBy("name")
            .agg(F.count(F.lit(1)).alias("raw"),
                 F.countDistinct("EventOriginId").alias("distinct_ids"),
                 F.sum(F.when(F.col("EventOriginId").isNull(), 1).otherwise(0)).alias("no_id"))
            .collect())
    seconds = time.perf_counter() - started
    spark.stop()
    counts = {r["name"]: r["distinct_ids"] + r["no_id"] for r in rows}
    events = sum(counts.values())
    return {"engine": "spark", "implementation": "PySpark %s" % master,
            "session_seconds": session_seconds, "wall_seconds_median": seconds,
            "ingest_seconds_median": seconds, "bytes": tree_bytes, "events": events,
            "ingest_mb_per_s": tree_bytes / seconds / 1e6, "events_per_s": events / seconds,
            "counts": counts, "raw_counts": {r["name"]: r["raw"] for r in rows}}


def difference(a, b):
    keys = set(a) | set(b)
    diff = sorted(k for k in keys if a.get(k) != b.get(k))
    return {"names": len(diff), "examples": [[k, a.get(k), b.get(k)] for k in diff[:5]]}


def human(result, size):
    rss = result.get("peak_rss_bytes")
    return "%-7s %10d events %9.1f MB %8.2f s %8.1f MB/s %10.0f events/s %s" % (
        result["engine"], size, result["bytes"] / 1e6, result["ingest_seconds_median"],
        result["ingest_mb_per_s"], result["events_per_s"],
        "peak RSS %.0f MB" % (rss / 1e6) if rss else "")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--events", default="200000,1000000",
                   help="comma-separated sizes; peers run on the largest (200000,1000000)")
    p.add_argument("--full", action="store_true", help="--events 1000000,10000000")
    p.add_argument("--names", type=int, default=100000, help="distinct names (100000)")
    p.add_argument("--hosts", type=int, default=5000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--gzip-fraction", type=float, default=0.0)
    p.add_argument("--masq", default=os.path.join(REPO, "build", "masq"))
    p.add_argument("--runs", type=int, default=3, help="timed masq runs after a warm-up (3)")
    p.add_argument("--skip-python", action="store_true")
    p.add_argument("--skip-spark", action="store_true")
    p.add_argument("--spark-master", default="local[2]")
    p.add_argument("--work-dir", default=os.path.join(REPO, "bench", "out", "ingest"),
                   help="export trees are kept here (bench/out/ingest)")
    p.add_argument("--json", metavar="FILE", help="also write the JSON document here")
    args = p.parse_args(argv)
    try:
        sizes = sorted({int(x) for x in ("1000000,10000000" if args.full else args.events).split(",")})
    except ValueError:
        p.error("--events: comma-separated integers")
    if not os.access(args.masq, os.X_OK):
        p.error("no masq at %s (build it, or --masq PATH)" % args.masq)
    if args.runs < 1:
        p.error("--runs must be >= 1")
    os.makedirs(args.work_dir, exist_ok=True)
    scratch = tempfile.mkdtemp(prefix="ingest-bench-", dir=args.work_dir)
    commit, dirty = git_commit()
    doc = {"date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
           "commit": commit, "dirty": dirty, "cpu": cpu_model(), "cpus": os.cpu_count(),
           "load_average_start": os.getloadavg(), "python": platform.python_version(),
           "java": java_version(), "masq": args.masq, "seed": args.seed, "names": args.names,
           "hosts": args.hosts, "gzip_fraction": args.gzip_fraction, "sizes": []}
    status = 0
    try:
        for size in sizes:
            tree, info = generate(args, size, args.work_dir)
            tree_bytes = sum(os.path.getsize(f) for f in export_files(tree))
            entry = {"events": size, "tree": tree, "bytes": tree_bytes, "rows": info["rows"],
                     "files": info["files"], "duplicates": info["duplicates"],
                     "generator_seconds": info["seconds"], "engines": []}
            doc["sizes"].append(entry)
            masq = run_masq(args, tree, tree_bytes, scratch, args.runs)
            if masq is None:
                return 2
            print(human(masq, size), flush=True)
            results = [masq]
            if size == sizes[-1]:
                if not args.skip_python:
                    log("python loop on %d events" % size)
                    results.append(run_python(tree, tree_bytes))
                    print(human(results[-1], size), flush=True)
                if not args.skip_spark:
                    log("spark %s on %d events" % (args.spark_master, size))
                    results.append(run_spark(tree, tree_bytes, args.spark_master, scratch))
                    print(human(results[-1], size), flush=True)
            for peer in results[1:]:
                same = peer["counts"] == masq["counts"]
                same_raw = peer["raw_counts"] == masq["counts"]
                peer["counts_equal_masq"] = same
                peer["masq_matches"] = ("de-duplicated" if same else
                                        "raw (no de-duplication)" if same_raw else "neither")
                if not same:
                    peer["difference"] = difference(peer["counts"], masq["counts"])
                    status = 1
                print("%-7s counts %s masq's: masq matches the %s counts (%d names, %d events; "
                      "%d raw rows)" % (peer["engine"], "equal" if same else "DIFFER from",
                                        peer["masq_matches"], len(peer["counts"]),
                                        sum(peer["counts"].values()),
                                        sum(peer["raw_counts"].values())), flush=True)
            for r in results:
                r.pop("counts", None)
                r.pop("raw_counts", None)
            entry["engines"] = results
        masq_rss = [(e["events"], e["engines"][0]["peak_rss_bytes"]) for e in doc["sizes"]]
        if len(masq_rss) > 1:
            ratio = masq_rss[-1][1] / masq_rss[0][1]
            doc["masq_peak_rss_ratio"] = {"small_events": masq_rss[0][0],
                                          "large_events": masq_rss[-1][0], "ratio": ratio,
                                          "target": RSS_TARGET, "within_target": ratio < RSS_TARGET}
            print("masq peak RSS %.0f MB at %d events, %.0f MB at %d: ratio %.2f (target < %.1f)"
                  % (masq_rss[0][1] / 1e6, masq_rss[0][0], masq_rss[-1][1] / 1e6, masq_rss[-1][0],
                     ratio, RSS_TARGET), flush=True)
        doc["load_average_end"] = os.getloadavg()
        text = json.dumps(doc, indent=1)
        print(text)
        if args.json:
            with open(args.json, "w", encoding="utf-8") as f:
                f.write(text + "\n")
        return status
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
