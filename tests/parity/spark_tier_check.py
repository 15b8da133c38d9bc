#!/usr/bin/env python3
"""masq's percent_rank tiers against Spark's own percent_rank.

For seeded multisets of counts (ties, n = 1, n = 2, all equal, thresholds hit exactly,
large random sets with many ties, counts beyond 32 bits) computes Spark's
percent_rank().over(Window.partitionBy().orderBy("count")) in local mode, the way the
notebook does, and the tier-dump test program's value for each count, and requires
the same doubles bit for bit and the same frequent (>= 0.8) and infrequent (< 0.2)
names. It also checks Spark against the formula (rank - 1) / (n - 1).

The tier-dump program reads one integer count per line on stdin and prints, per input
line and in the same order, the percent_rank as %.17g.

Usage:
  tests/parity/spark_tier_check.py [--tier-dump build/tests/masq_tier_dump]
  tests/parity/spark_tier_check.py --spark-only
Exit 0: agreement; 1: a mismatch (a diff is printed); 2: the check could not run.
"""
import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
from local_spark import start_spark  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

FREQUENT = 0.8
INFREQUENT = 0.2


def count_sets(seed):
    """(label, [counts]) in input order; seeded."""
    rng = random.Random(seed)
    sets = [
        ("n=1", [5]),
        ("n=2", [1, 7]),
        ("n=2 tied", [3, 3]),
        ("all equal", [4] * 10),
        ("small ties", [8, 1, 3, 1, 2, 8, 3, 5, 1, 8]),
        # n-1 = 35: 7/35 is exactly 0.2 and 28/35 exactly 0.8, while 7*(1/35) and
        # 28*(1/35) are not; ties sit on both thresholds
        ("ties at 0.2 and 0.8, n=36",
         [1] * 4 + [2] * 3 + [3] * 3 + [5] * 17 + [6] + [10] * 3 + [12] * 5),
        # n-1 = 55: the same with 11/55 and 44/55
        ("ties at 0.2 and 0.8, n=56",
         [1] * 11 + [2] * 33 + [7] * 5 + [9] * 7),
    ]
    # heavy-tailed, like process names: many counts of 1, 2, 3, a few huge ones
    zipf = [max(1, int(1000 / (rng.paretovariate(1.1)))) if rng.random() < 0.3 else rng.choice([1, 1, 1, 2, 2, 3])
            for _ in range(5000)]
    sets.append(("zipf-like, 5000 names", zipf))
    sets.append(("uniform 1..3, 2000 names", [rng.randint(1, 3) for _ in range(2000)]))
    sets.append(("random 1..10^6, 3000 names", [rng.randint(1, 10 ** 6) for _ in range(3000)]))
    big = [2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 32 + 1, 10 ** 12, 2 ** 53 + 1, 1, 1, 2 ** 62]
    sets.append(("counts beyond 32 bits", big + [rng.randint(1, 2 ** 40) for _ in range(40)]))
    sets.append(("descending with ties, 1000 names", sorted((rng.randint(1, 50) for _ in range(1000)), reverse=True)))
    # every n from 2 to 60 where the thresholds can be hit exactly: counts 1..n
    for n in (6, 11, 16, 21, 26, 31, 36, 41, 46, 51, 56):
        counts = list(range(1, n + 1))
        rng.shuffle(counts)
        sets.append(("distinct 1..%d" % n, counts))
    return sets


def spark_percent_rank(spark, counts):
    """Spark's percent_rank for each count, in input order (the notebook's window)."""
    from pyspark.sql import functions as F, types as T
    from pyspark.sql.window import Window
    schema = T.StructType([T.StructField("idx", T.LongType(), False),
                           T.StructField("count", T.LongType(), False)])
    df = spark.createDataFrame(list(enumerate(counts)), schema)
    df = df.select("idx", "count", F.percent_rank().over(Window.partitionBy().orderBy(df["count"])).alias("percent_rank"))
    out = [None] * len(counts)
    for r in df.collect():
        out[r["idx"]] = r["percent_rank"]
    return out


def formula(counts):
    """(rank - 1) / (n - 1), rank = 1 + number of smaller counts; 0 when n = 1."""
    ordered = sorted(counts)
    n = len(counts)
    import bisect
    return [0.0 if n == 1 else bisect.bisect_left(ordered, c) / (n - 1) for c in counts]


def tier_dump(path, counts):
    data = "".join("%d\n" % c for c in counts).encode()
    try:
        p = subprocess.run([path], input=data, capture_output=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as e:
        return None, "cannot run %s: %s" % (path, e)
    if p.returncode != 0:
        return None, "%s exited %d: %s" % (path, p.returncode, p.stderr.decode("utf-8", "replace")[-2000:])
    lines = p.stdout.decode().split()
    if len(lines) != len(counts):
        return None, "%s printed %d values for %d counts" % (path, len(lines), len(counts))
    try:
        return [float(x) for x in lines], None
    except ValueError as e:
        return None, "%s printed a non-number: %s" % (path, e)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tier-dump", default=os.path.join(REPO, "build", "tests", "masq_tier_dump"))
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--spark-only", action="store_true", help="check Spark against the formula only")
    args = ap.parse_args()
    args.tier_dump = os.path.abspath(args.tier_dump)
    if not args.spark_only and not os.access(args.tier_dump, os.X_OK):
        print("spark_tier_check: no tier-dump program at %s (build it, pass --tier-dump, or use --spark-only)"
              % args.tier_dump, file=sys.stderr)
        sys.exit(2)

    tmp = tempfile.mkdtemp(prefix="masq-tiers-")
    t0 = time.time()
    spark = start_spark(tmp, 'masq-tier-check')
    ok = True
    try:
        for label, counts in count_sets(args.seed):
            sp = spark_percent_rank(spark, counts)
            ref = formula(counts)
            bad = [k for k in range(len(counts)) if sp[k] != ref[k]]
            if bad:
                ok = False
                print("FAIL %s: Spark differs from (rank-1)/(n-1) at %d of %d counts, e.g. count %d: Spark %r, formula %r"
                      % (label, len(bad), len(counts), counts[bad[0]], sp[bad[0]], ref[bad[0]]))
            n_freq = sum(1 for v in sp if v >= FREQUENT)
            n_infreq = sum(1 for v in sp if v < INFREQUENT)
            if args.spark_only:
                print("%-40s n=%-5d frequent %-5d infrequent %-5d Spark == formula: %s"
                      % (label, len(counts), n_freq, n_infreq, "yes" if not bad else "NO"))
                continue
            mq, err = tier_dump(args.tier_dump, counts)
            if err:
                print("FAIL %s: %s" % (label, err))
                ok = False
                continue
            diffs = [k for k in range(len(counts)) if mq[k] != sp[k]]
            tier_diffs = [k for k in range(len(counts))
                          if (mq[k] >= FREQUENT) != (sp[k] >= FREQUENT) or (mq[k] < INFREQUENT) != (sp[k] < INFREQUENT)]
            if diffs or tier_diffs:
                ok = False
                print("FAIL %s (n=%d): %d values differ, %d tier assignments differ"
                      % (label, len(counts), len(diffs), len(tier_diffs)))
                shown = sorted(set(diffs) | set(tier_diffs), key=lambda k: counts[k])
                seen = set()
                for k in shown:
                    if counts[k] in seen:
                        continue
                    seen.add(counts[k])
                    print("  count %-20d Spark %-22r masq %-22r%s" % (
                        counts[k], sp[k], mq[k], "  (tier differs)" if k in tier_diffs else ""))
                    if len(seen) >= 10:
                        print("  ...")
                        break
            else:
                print("ok   %-40s n=%-5d frequent %-5d infrequent %-5d" % (label, len(counts), n_freq, n_infreq))
    finally:
        spark.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    print("%s in %.1fs" % ("OK" if ok else "FAILED", time.time() - t0))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
