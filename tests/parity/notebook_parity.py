#!/usr/bin/env python3
"""Parity of `masq scan --profile notebook` with the Sentinel notebook run in PySpark.

Runs the notebook's own logic (MasqueradingProcessNameAnomaly.ipynb: calcDist with
fastDamerauLevenshtein as a FloatType UDF, groupBy/percent_rank tiers, crossJoin,
Dist > levenDistThreshold) in Spark local mode on local JSON-lines files, runs masq on
the same files, and requires the same (NormalProcess, PotentiallyMaliciousProcess) pairs
with float32-equal scores.

Cases (--case):
  real      the real 4688 export in --data-dir plus seeded injected look-alikes
  demo      `masq demo --seed 7` events; also `masq scan --demo --seed 7` without a file
  boundary  tests/parity/make_boundary_cases.py (score edges, Unicode, tiers at ties)
  all       all three (one Spark session)

Usage:
  tests/parity/notebook_parity.py [--case all] [--masq build/masq] [--data-dir DIR]
  tests/parity/notebook_parity.py --case boundary --spark-only   # Spark side only

Needs pyspark, numpy, Java and fastDamerauLevenshtein
(tools/peers/install_fast_damerau_levenshtein.sh). Exit 0: parity; 1: a mismatch (a diff
is printed); 2: the test could not run.
"""
import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
from local_spark import start_spark  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.dont_write_bytecode = True  # importing make_boundary_cases leaves no __pycache__ in the tree
sys.path.insert(0, HERE)


def die(msg, code=2):
    print("notebook_parity: " + msg, file=sys.stderr)
    sys.exit(code)


try:
    import numpy as np
except ImportError:
    die("numpy is required")

# The notebook's thresholds (its cell "customizable variables").
frequentThreshold = 0.8
infrequentThreshold = 0.2
levenDistThreshold = 0.85


# ---------------------------------------------------------------- Spark

def notebook_pairs(spark, paths):
    """The notebook's pipeline on local JSON-lines files -> {(frequent, infrequent): Dist}.

    Code from the notebook's cells, with the blob reader replaced by a local reader and
    the synthetic events (its "append synthetic events" cell) left out: the files are the
    whole input.
    """
    from pyspark.sql import functions as F, types as T
    from pyspark.sql.window import Window
    from fastDamerauLevenshtein import damerauLevenshtein

    # --- notebook cell: helper functions (calcDist verbatim)
    def calcDist(one, two):

        oneDot = -1
        twoDot = -1
        if(one is not None and two is not None):
            oneDot = one.rfind('.')
            twoDot = two.rfind('.')

        if((oneDot != -1) and (twoDot != -1)):
            oneEnd = one[oneDot+1:]
            twoEnd = two[twoDot+1:]
            if(oneEnd == twoEnd):
                one = one[:oneDot]
                two = two[:twoDot]

            return damerauLevenshtein(one, two)
        return 0.0

    calcDistUdf = F.udf(calcDist, T.FloatType())

    # --- notebook cell: schema and raw 4688 events
    def security_event_schema():

        return T.StructType([
            T.StructField(name = "EventID", dataType = T.StringType(), nullable = True),
            T.StructField(name = "NewProcessName", dataType = T.StringType(), nullable = True),
            T.StructField(name = "Process", dataType = T.StringType(), nullable = True),
            T.StructField(name = "TimeGenerated", dataType = T.StringType(), nullable = True),
        ])

    # Local stand-in for blobManager.get_raw_df(..., security_event_schema(), ...): the
    # same schema over JSON lines. Spark's JSON reader turns a JSON number under a
    # StringType field into its text, so the export's numeric EventID 4688 reads as
    # "4688" and the notebook's EventID == "4688" holds (4688.0 reads as "4688.0").
    raw_df = spark.read.json(paths, schema=security_event_schema())
    # SPEC rule, not in the notebook (the export always carries Process): where a row
    # lacks Process (no key or null), take the part of NewProcessName after the last
    # '\' or '/'. Done here, in the loader, before the notebook's own code.
    raw_df = raw_df.withColumn(
        "Process",
        F.when(F.col("Process").isNull(),
               F.substring_index(F.substring_index(F.col("NewProcessName"), "\\", -1), "/", -1))
         .otherwise(F.col("Process")))

    final = raw_df.where(F.col("EventID") == "4688")
    final = final.withColumn("Process", F.lower("Process"))
    final = final.drop("EventID")
    final = final.withColumn("From", F.lit("User"))

    final = final.cache()

    # --- notebook cell: tiers
    groupProcess = final.groupBy("Process").count().sort(F.desc("count"))
    groupProcess = groupProcess.select("Process","count", F.percent_rank().over(Window.partitionBy().orderBy(groupProcess['count'])).alias("percent_rank"))
    groupProcess = groupProcess.sort(F.desc("percent_rank"))

    frequentProcess = groupProcess.where(F.col("percent_rank") >= frequentThreshold).select("Process")
    frequentProcess = frequentProcess.withColumnRenamed("Process", "frequentProcess")
    infrequentProcess = groupProcess.where(F.col("percent_rank") < infrequentThreshold).select("Process")
    infrequentProcess = infrequentProcess.withColumnRenamed("Process", "infrequentProcess")

    # --- notebook cell: distances
    compare = frequentProcess.crossJoin(infrequentProcess)
    compare = compare.withColumn("Dist", calcDistUdf(F.col("frequentProcess"), F.col("infrequentProcess")))

    # --- notebook cell: context joins and the threshold
    frequentProcessWhole = compare.join(final, (final.Process == compare.frequentProcess), how = "left").drop("Process")
    frequentProcessWhole = frequentProcessWhole.withColumnRenamed("NewProcessName", "frequentProcessPath")
    frequentProcessWhole = frequentProcessWhole.withColumnRenamed("TimeGenerated", "frequentTimeGenerated")
    frequentProcessWhole = frequentProcessWhole.withColumnRenamed("From", "frequentFrom")

    infrequentProcessWhole = frequentProcessWhole.join(final, (final.Process == frequentProcessWhole.infrequentProcess), how = "left").drop("Process")
    infrequentProcessWhole = infrequentProcessWhole.withColumnRenamed("NewProcessName", "infrequentProcessPath")
    infrequentProcessWhole = infrequentProcessWhole.withColumnRenamed("TimeGenerated", "infrequentTimeGenerated")
    infrequentProcessWhole = infrequentProcessWhole.withColumnRenamed("From", "infrequentFrom")

    infrequentProcessWholeFiltered = infrequentProcessWhole.where(F.col("Dist") > levenDistThreshold)

    # One record per name pair (what the notebook publishes, less its per-event repeats).
    rows = infrequentProcessWholeFiltered.select("frequentProcess", "infrequentProcess", "Dist").distinct().collect()
    pairs = {}
    for r in rows:
        key = (r["frequentProcess"], r["infrequentProcess"])
        if key in pairs and pairs[key] != r["Dist"]:
            die("Spark gave two scores for %r" % (key,))
        pairs[key] = r["Dist"]

    # Side information for the report: tiers, and Spark's lower() against Python's.
    tiers = {r["Process"]: (r["count"], r["percent_rank"]) for r in groupProcess.collect()}
    lowered = raw_df.where(F.col("EventID") == "4688").select(
        "Process", F.lower("Process").alias("low")).distinct().collect()
    lower_diffs = [(r["Process"], r["low"]) for r in lowered
                   if r["Process"] is not None and r["Process"].lower() != r["low"]]
    final.unpersist()
    return pairs, tiers, lower_diffs


# ---------------------------------------------------------------- masq

def run_masq(masq, args, extra, out_path=None):
    """Run masq; return its stdout (or write it to out_path)."""
    cmd = [masq] + args[:1] + extra + args[1:] if args and args[0] == "scan" else [masq] + args
    t = time.time()
    try:
        if out_path:
            with open(out_path, "wb") as f:
                p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=f, stderr=subprocess.PIPE, timeout=300)
        else:
            p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=300)
    except subprocess.TimeoutExpired:
        return None, "timed out: " + " ".join(cmd)
    except OSError as e:
        return None, "cannot run %s: %s" % (masq, e)
    if p.returncode != 0:
        return None, "%s exited %d after %.1fs\n%s" % (" ".join(cmd), p.returncode, time.time() - t,
                                                      p.stderr.decode("utf-8", "replace")[-3000:])
    return (None if out_path else p.stdout), None


def masq_pairs(masq, files, extra, demo_seed=None):
    """Run `masq scan --profile notebook --format json`; return ({pair: anomaly}, error)."""
    args = ["scan", "--profile", "notebook", "--format", "json"]
    if demo_seed is not None:
        args += ["--demo", "--seed", str(demo_seed)]
    out, err = run_masq(masq, args + list(files), extra)
    if err:
        return None, err
    try:
        doc = json.loads(out.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as e:
        return None, "masq output is not JSON: %s\n%s" % (e, out[:2000])
    pairs, dups = {}, []
    for a in doc.get("anomalies", []):
        key = (a["NormalProcess"], a["PotentiallyMaliciousProcess"])
        if key in pairs:
            dups.append(key)
        pairs[key] = a
    if dups:
        return None, "masq printed these pairs more than once: %r" % dups
    return pairs, None


# ---------------------------------------------------------------- comparison

def show(s):
    """A name with its invisible or non-ASCII characters made visible."""
    if s.isascii() and s.isprintable():
        return s
    odd = []
    for c in s:
        if not (c.isascii() and c.isprintable()) and "U+%04X" % ord(c) not in odd:
            odd.append("U+%04X" % ord(c))
    return "%s [%s]" % (s, " ".join(odd[:6]) + (" ..." if len(odd) > 6 else ""))


def compare(label, spark, masq, expect_some=True, why=None):
    """Print a diff; return True when the pairs and float32 scores are equal.

    why: optional {pair: the case design's note}, printed beside a differing pair.
    """
    why = why or {}
    from fastDamerauLevenshtein import damerauLevenshtein
    ok = True
    if expect_some and not spark:
        print("FAIL %s: Spark found no pairs where pairs are expected" % label)
        return False
    only_spark = sorted(set(spark) - set(masq))
    only_masq = sorted(set(masq) - set(spark))
    for k in only_spark:
        print("  only Spark: %s  <-  %s  Dist=%r%s" % (show(k[0]), show(k[1]), spark[k], note(why, k)))
    for k in only_masq:
        print("  only masq:  %s  <-  %s  AnomalyScore=%r%s" % (show(k[0]), show(k[1]), masq[k].get("AnomalyScore"), note(why, k)))
    ok = not only_spark and not only_masq
    for k in sorted(set(spark) & set(masq)):
        a = masq[k]
        ms = a.get("AnomalyScore")
        if not isinstance(ms, (int, float)) or np.float32(ms) != np.float32(spark[k]):
            print("  score:      %s  <-  %s  Spark %r (float32 %r), masq %r%s"
                  % (show(k[0]), show(k[1]), spark[k], float(np.float32(spark[k])), ms, note(why, k)))
            ok = False
        # Distance is masq's own column: checked against the library, reported only.
        one, two = k
        od, td = one.rfind("."), two.rfind(".")
        if od != -1 and td != -1 and one[od + 1:] == two[td + 1:]:
            one, two = one[:od], two[:td]
        d = damerauLevenshtein(one, two, similarity=False)
        if "Distance" in a and a["Distance"] != d:
            print("  note:       %s  <-  %s  masq Distance %r, library %r" % (show(k[0]), show(k[1]), a["Distance"], int(d)))
    if ok:
        print("parity (%s): %d pairs equal" % (label, len(spark)))
    else:
        print("FAIL %s: Spark %d pairs, masq %d pairs, %d only Spark, %d only masq"
              % (label, len(spark), len(masq), len(only_spark), len(only_masq)))
    return ok


def note(why, key):
    return "\n              (case design: %s)" % why[key] if key in why else ""


def print_spark(label, pairs):
    print("Spark (%s): %d pairs" % (label, len(pairs)))
    for k in sorted(pairs):
        print("  %-40s <- %-40s %.9g" % (show(k[0]), show(k[1]), pairs[k]))


# ---------------------------------------------------------------- the cases

HOMOGLYPHS = {"c": "\u0441", "o": "\u043e", "e": "\u0435", "a": "\u0430", "p": "\u0440",
              "x": "\u0445", "i": "\u0456", "s": "\u0455", "y": "\u0443"}


def look_alike(name, kind, rng):
    """One seeded variant of name (edits inside the stem, never the first letter)."""
    dot = name.rfind(".")
    stem, ext = (name[:dot], name[dot:]) if dot > 0 else (name, "")
    s = list(stem)
    n = len(s)
    if kind == "substitute":
        i = rng.randrange(1, n - 1)
        s[i] = rng.choice([c for c in "abcdefghijklmnopqrstuvwxyz0123456789" if c != s[i]])
    elif kind == "transpose":
        cand = [i for i in range(1, n - 1) if s[i] != s[i + 1]]
        if not cand:
            return look_alike(name, "substitute", rng)
        i = rng.choice(cand)
        s[i], s[i + 1] = s[i + 1], s[i]
    elif kind == "insert":
        i = rng.randrange(1, n)
        s.insert(i, s[i - 1] if rng.random() < 0.5 else rng.choice("abcdefghijklmnopqrstuvwxyz"))
    elif kind == "delete":
        del s[rng.randrange(1, n - 1)]
    elif kind == "homoglyph":
        cand = [i for i in range(1, n) if s[i] in HOMOGLYPHS]
        if not cand:
            return look_alike(name, "substitute", rng)
        i = rng.choice(cand)
        s[i] = HOMOGLYPHS[s[i]]
    elif kind == "two-edits":
        s = list(look_alike(look_alike(stem, "substitute", rng), "transpose", rng))
    else:
        raise ValueError(kind)
    return "".join(s) + ext


def make_real_case(real_path, out_path, seed):
    """Real rows plus seeded look-alikes of frequent real names, once each.

    Returns the injected names that should pass (1 edit on a stem of 7+ code points,
    2 edits on 14+); some injected rows use the other input shapes the loader must
    accept (string EventID, no Process, upper-case Process), and one is an EventID
    4689 row that must not count.
    """
    rows, counts = [], {}
    with open(real_path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            r = json.loads(line)
            rows.append(line.rstrip("\n"))
            p = r.get("Process") or re.split(r"[\\/]", r.get("NewProcessName") or "")[-1]
            counts[p.lower()] = counts.get(p.lower(), 0) + 1
    from fastDamerauLevenshtein import damerauLevenshtein
    rng = random.Random(seed)
    ranked = [n for n, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])) if "." in n]
    kinds = ["substitute", "transpose", "insert", "delete", "homoglyph"]
    plan = [(name, kinds[k % len(kinds)]) for k, name in enumerate(ranked[:14])]
    plan += [(name, "two-edits") for name in ranked[:30] if len(name.rsplit(".", 1)[0]) >= 14][:2]
    injected, should_pass, extra = set(), [], []
    for k, (name, kind) in enumerate(plan):
        edits = 2 if kind == "two-edits" else 1
        for _ in range(100):
            v = look_alike(name, kind, rng)
            if (v not in counts and v not in injected and v.lower() == v
                    and damerauLevenshtein(name.rsplit(".", 1)[0], v.rsplit(".", 1)[0], similarity=False) == edits):
                break
        else:
            continue
        injected.add(v)
        stem_len = max(len(name.rsplit(".", 1)[0]), len(v.rsplit(".", 1)[0]))
        if 1 - edits / stem_len > levenDistThreshold:
            should_pass.append((name, v))
        row = {"TimeGenerated": "2020-10-22T04:%02d:%02d.%03dZ" % (rng.randrange(60), rng.randrange(60), rng.randrange(1000)),
               "Computer": "WORKSTATION%d.theshire.local" % rng.randrange(5, 8),
               "EventID": 4688,
               "NewProcessName": "C:\\Users\\Public\\" + v,
               "Process": v}
        shape = k % 4
        if shape == 1:
            row["EventID"] = "4688"
        elif shape == 2:
            del row["Process"]
        elif shape == 3:
            row["Process"] = v.upper()
            row["NewProcessName"] = "C:\\ProgramData\\" + v.upper()
        extra.append(json.dumps(row, ensure_ascii=False))
    # A look-alike that would pass but whose row is not a 4688 event.
    extra.append(json.dumps({"TimeGenerated": "2020-10-22T05:00:00.000Z", "Computer": "WORKSTATION5.theshire.local",
                             "EventID": 4689, "NewProcessName": "C:\\Users\\Public\\svch0sst.exe",
                             "Process": "svch0sst.exe"}))
    rng.shuffle(extra)
    with open(out_path, "w", encoding="utf-8") as f:
        for line in rows + extra:
            f.write(line + "\n")
    return should_pass


def run_real(spark, args, tmp):
    real = os.path.join(args.data_dir, "securityevent_4688.jsonl")
    if not os.path.isfile(real):
        die("no real data at %s (use --data-dir)" % real)
    path = os.path.join(tmp, "real_injected.jsonl")
    should_pass = make_real_case(real, path, args.seed)
    pairs, tiers, lower_diffs = notebook_pairs(spark, [path])
    report_lower(lower_diffs)
    missing = [p for p in should_pass if p not in pairs]
    print("real: %d names, %d injected look-alikes meant to pass, %d of them found by Spark"
          % (len(tiers), len(should_pass), len(should_pass) - len(missing)))
    for p in missing:
        print("  injected but not found by Spark (tiers %r / %r): %s <- %s"
              % (tiers.get(p[0]), tiers.get(p[1]), show(p[0]), show(p[1])))
    ok = True
    if missing or not pairs:
        print("FAIL real: the injected look-alikes are not all found by the notebook's logic")
        ok = False
    if args.spark_only:
        print_spark("real+injected", pairs)
        return ok
    m, err = masq_pairs(args.masq, [path], args.masq_arg)
    if err:
        print("FAIL real: " + err)
        return False
    return compare("real+injected", pairs, m) and ok


def run_demo(spark, args, tmp):
    if not os.access(args.masq, os.X_OK):
        if args.spark_only:
            print("demo: skipped, it needs `masq demo` to write its events (no %s)" % args.masq)
            return True
        die("no masq binary at %s" % args.masq)
    path = os.path.join(tmp, "demo_seed%d.jsonl" % args.demo_seed)
    _, err = run_masq(args.masq, ["demo", "--seed", str(args.demo_seed)], [], out_path=path)
    if err:
        print("FAIL demo: " + err)
        return False
    pairs, tiers, lower_diffs = notebook_pairs(spark, [path])
    report_lower(lower_diffs)
    print("demo: %d names from `masq demo --seed %d`" % (len(tiers), args.demo_seed))
    if args.spark_only:
        print_spark("demo", pairs)
        return bool(pairs)
    ok = True
    m, err = masq_pairs(args.masq, [path], args.masq_arg)
    if err:
        print("FAIL demo (file): " + err)
        ok = False
    else:
        ok = compare("demo file", pairs, m) and ok
    m, err = masq_pairs(args.masq, [], args.masq_arg, demo_seed=args.demo_seed)
    if err:
        print("FAIL demo (--demo): " + err)
        ok = False
    else:
        ok = compare("scan --demo vs Spark on the demo file", pairs, m) and ok
    return ok


def run_boundary(spark, args, tmp):
    import make_boundary_cases
    cases = make_boundary_cases.generate(os.path.join(tmp, "boundary"), args.boundary_seed)
    ok = True
    for case in cases:
        label = case["name"]
        pairs, tiers, lower_diffs = notebook_pairs(spark, [case["file"]])
        report_lower(lower_diffs)
        expected = {(f, i): s for f, i, s in case["expected_pairs"]}
        # Spark against the design: a difference here means the design (or our reading
        # of the notebook) is wrong, not masq.
        design_ok = set(expected) == set(pairs) and all(
            np.float32(expected[k]) == np.float32(pairs[k]) for k in pairs)
        if not design_ok:
            ok = False
            print("FAIL %s: Spark differs from the case design" % label)
            for k in sorted(set(expected) | set(pairs)):
                if expected.get(k) != pairs.get(k):
                    print("  %s <- %s  design %r, Spark %r" % (show(k[0]), show(k[1]), expected.get(k), pairs.get(k)))
        if args.spark_only:
            print_spark(label, pairs)
            continue
        m, err = masq_pairs(args.masq, [case["file"]], args.masq_arg)
        if err:
            print("FAIL %s: %s" % (label, err))
            ok = False
            continue
        why = {(x["frequent"], x["infrequent"]): "%s, %s" % (x["intent"], x["why"]) for x in case["intents"]}
        ok = compare(label, pairs, m, expect_some=bool(expected), why=why) and ok
    return ok


def report_lower(diffs):
    for raw, low in diffs:
        print("  note: Spark lower(%s) = %s, Python's str.lower gives %s" % (show(raw), show(low), show(raw.lower())))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--case", choices=["real", "demo", "boundary", "all"], default="all")
    ap.add_argument("--masq", default=os.path.join(REPO, "build", "masq"), help="masq binary (default build/masq)")
    ap.add_argument("--masq-arg", action="append", default=[],
                    help="extra option for `masq scan` (repeatable), e.g. --masq-arg=--backend=cpu")
    ap.add_argument("--data-dir", default=os.path.join(REPO, "tests", "data", "real"))
    ap.add_argument("--seed", type=int, default=1, help="seed of the injected look-alikes (real case)")
    ap.add_argument("--demo-seed", type=int, default=7)
    ap.add_argument("--boundary-seed", type=int, default=11)
    ap.add_argument("--spark-only", action="store_true", help="run and print the Spark side only")
    ap.add_argument("--keep-tmp", action="store_true")
    args = ap.parse_args()
    args.masq = os.path.abspath(args.masq)
    args.data_dir = os.path.abspath(args.data_dir)

    try:
        import fastDamerauLevenshtein  # noqa: F401
    except ImportError:
        die("fastDamerauLevenshtein is not installed: run tools/peers/install_fast_damerau_levenshtein.sh")
    if not args.spark_only and not os.access(args.masq, os.X_OK):
        die("no masq binary at %s (build it, pass --masq, or use --spark-only)" % args.masq)

    tmp = tempfile.mkdtemp(prefix="masq-parity-")
    t0 = time.time()
    spark = start_spark(tmp, 'masq-notebook-parity')
    ok = True
    try:
        cases = ["real", "demo", "boundary"] if args.case == "all" else [args.case]
        for c in cases:
            t = time.time()
            ok = {"real": run_real, "demo": run_demo, "boundary": run_boundary}[c](spark, args, tmp) and ok
            print("  (%s: %.1fs)" % (c, time.time() - t))
    finally:
        spark.stop()
        if args.keep_tmp:
            print("kept " + tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print("%s in %.1fs" % ("OK" if ok else "FAILED", time.time() - t0))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
