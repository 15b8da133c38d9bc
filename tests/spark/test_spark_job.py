#!/usr/bin/env python3
"""The Spark job (tools/spark/masq_spark.py) in local mode against masq on one machine.

Generates a small seeded export (tools/gen_export.py: 20,000 events, 400 names with
look-alikes, 12 hosts, overflow and gzip blobs, rows written twice, rows without
Process, 4624 rows), then:
  1. the job's name table (Spark) must hold the generator's true counts (each row
     once, Process or the file name of NewProcessName, 4688 only) and equal
     `masq scan --emit-names` on the folder, row for row;
  2. for each profile, the job's anomalies (3 masq shards on executors, merged) must
     equal `masq scan` on the folder: the same anomaly objects in the same order; the
     summaries' name, frequent and infrequent counts must agree;
  3. neither side may find nothing.

Usage: test_spark_job.py --masq build/masq [--keep DIR]
Exit 0: the same; 1: a difference (printed); 2: the test could not run.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(REPO, "tools"))
sys.path.insert(0, os.path.join(REPO, "tools", "spark"))
from local_spark import start_spark  # noqa: E402

GENERATOR = [os.path.join(REPO, "tools", "gen_export.py"), "--events", "20000", "--names", "400",
             "--hosts", "12", "--seed", "11", "--gzip-fraction", "0.25",
             "--overflow-fraction", "0.2", "--duplicate-fraction", "0.01", "--jobs", "1"]
PROFILES = ("notebook", "default")
SHARDS = 3


def fail(message):
    print("spark_job: FAIL: " + message, file=sys.stderr)
    return 1


def masq_json(masq, args):
    done = subprocess.run([masq, "scan", "--format", "json", "-q"] + args,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if done.returncode != 0:
        raise RuntimeError("masq %s exited %d: %s" % (" ".join(args), done.returncode,
                                                      done.stderr.decode(errors="replace")))
    return json.loads(done.stdout)


def read_lines(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def first_difference(label, mine, theirs, key):
    a = {key(x): x for x in mine}
    b = {key(x): x for x in theirs}
    only_a = sorted(set(a) - set(b))[:5]
    only_b = sorted(set(b) - set(a))[:5]
    if only_a or only_b:
        return "%s: only Spark: %s; only masq: %s" % (label, only_a, only_b)
    for k in sorted(a):
        if a[k] != b[k]:
            return "%s %s:\n  spark %s\n  masq  %s" % (label, k, json.dumps(a[k], ensure_ascii=False),
                                                      json.dumps(b[k], ensure_ascii=False))
    return "%s: same items, another order" % label


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--masq", default=os.path.join(REPO, "build", "masq"))
    p.add_argument("--keep", metavar="DIR", help="work here and keep the files")
    args = p.parse_args()
    if not os.access(args.masq, os.X_OK):
        print("spark_job: no masq at %s" % args.masq, file=sys.stderr)
        return 2
    work = args.keep or tempfile.mkdtemp(prefix="masq-spark-test-")
    os.makedirs(work, exist_ok=True)
    started = time.time()
    try:
        export = os.path.join(work, "export")
        shutil.rmtree(export, ignore_errors=True)
        truth_file = os.path.join(work, "truth.json")
        subprocess.run([sys.executable] + GENERATOR + ["--out", export, "--counts", truth_file],
                       check=True, stdout=subprocess.DEVNULL)
        with open(truth_file, encoding="utf-8") as f:
            truth = json.load(f)
        masq_table = os.path.join(work, "masq_names.jsonl")
        direct = {profile: masq_json(args.masq, ["--profile", profile] +
                                     (["--emit-names", masq_table] if profile == "notebook" else []) +
                                     [export]) for profile in PROFILES}

        spark = start_spark(work, "masq-spark-test")
        import masq_spark
        spark_table = os.path.join(work, "spark_names.jsonl")
        if masq_spark.main(["--table-only", "--table", spark_table, export]) != 0:
            return fail("the job could not build the table")
        ours, theirs = read_lines(spark_table), read_lines(masq_table)
        problems = 0
        counts = {r["Process"]: r["Count"] for r in ours}
        if counts != truth:
            problems += fail("the Spark table's counts are not the generator's (%d vs %d names, "
                             "%d vs %d events): de-duplication, the Process fallback or the "
                             "EventID filter" % (len(counts), len(truth), sum(counts.values()),
                                                 sum(truth.values())))
        if ours != theirs:
            problems += fail("name tables differ (%d vs %d names): %s" % (
                len(ours), len(theirs), first_difference("name", ours, theirs,
                                                         lambda r: r["Process"])))
        else:
            print("spark_job: name tables equal: %d names, %d events" % (
                len(ours), sum(r["Count"] for r in ours)))

        # A time window: the same events on both sides.
        window = ["--since", "2024-06-03T06:00:00Z", "--until", "2024-06-03T18:00:00Z"]
        spark_window, masq_window = (os.path.join(work, n) for n in ("spark_w.jsonl", "masq_w.jsonl"))
        masq_json(args.masq, ["--profile", "notebook", "--emit-names", masq_window] + window + [export])
        if masq_spark.main(["--table-only", "--table", spark_window] + window + [export]) != 0:
            problems += fail("the job could not build the windowed table")
        else:
            ours_w, theirs_w = read_lines(spark_window), read_lines(masq_window)
            events_w = sum(r["Count"] for r in ours_w)
            if ours_w != theirs_w or not 0 < events_w < sum(r["Count"] for r in ours):
                problems += fail("windowed name tables differ or the window selects nothing or all "
                                 "(%d vs %d names, %d events)" % (len(ours_w), len(theirs_w), events_w))
            else:
                print("spark_job: windowed tables equal: %d events" % events_w)

        for profile in PROFILES:
            out = os.path.join(work, "spark_%s.json" % profile)
            code = masq_spark.main(["--from-table", spark_table, "--masq", args.masq,
                                    "--ship-masq", "--shards", str(SHARDS),
                                    "--profile", profile, "--output", out])
            if code != 0:
                problems += fail("%s: the job exited %d" % (profile, code))
                continue
            with open(out, encoding="utf-8") as f:
                merged = json.load(f)
            mine, reference = merged["anomalies"], direct[profile]["anomalies"]
            if not mine or not reference:
                problems += fail("%s: nothing found (Spark %d, masq %d anomalies)" % (
                    profile, len(mine), len(reference)))
                continue
            if merged["summary"]["shards"] != SHARDS:
                problems += fail("%s: %d shards ran, not %d" % (
                    profile, merged["summary"]["shards"], SHARDS))
            for field in ("names", "frequent", "infrequent", "pairs_compared"):
                if merged["summary"].get(field) != direct[profile]["summary"].get(field):
                    problems += fail("%s: summary %s: Spark %s, masq %s" % (
                        profile, field, merged["summary"].get(field),
                        direct[profile]["summary"].get(field)))
            if mine != reference:
                problems += fail("%s: anomalies differ (%d vs %d): %s" % (
                    profile, len(mine), len(reference), first_difference(
                        "anomaly", mine, reference,
                        lambda a: (a["NormalProcess"], a["PotentiallyMaliciousProcess"]))))
            else:
                print("spark_job: %s: %d anomalies, the same as masq (%d shards)" % (
                    profile, len(mine), SHARDS))
        # A second table of the same file name in the same session (a notebook
        # that runs the job for two days): Spark refuses to add a file of a name
        # it holds with other contents, unless the job names what it ships.
        second = os.path.join(work, "second", os.path.basename(spark_table))
        os.makedirs(os.path.dirname(second))
        shutil.copyfile(spark_window, second)
        out = os.path.join(work, "spark_second.json")
        code = masq_spark.main(["--from-table", second, "--masq", args.masq, "--ship-masq",
                                "--shards", str(SHARDS), "--profile", "notebook", "--output", out])
        if code != 0:
            problems += fail("a second table of the same name in one session: the job exited %d"
                             % code)
        else:
            with open(out, encoding="utf-8") as f:
                mine = json.load(f)["anomalies"]
            reference = masq_json(args.masq, ["--profile", "notebook", "--schema", "names",
                                              second])["anomalies"]
            if mine != reference:
                problems += fail("a second table in one session: anomalies differ (%d vs %d)"
                                 % (len(mine), len(reference)))
            else:
                print("spark_job: a second table of the same name in one session: %d anomalies, "
                      "the same as masq" % len(mine))
        spark.stop()
        print("spark_job: %s in %.1f s" % ("FAIL" if problems else "ok", time.time() - started))
        return 1 if problems else 0
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
