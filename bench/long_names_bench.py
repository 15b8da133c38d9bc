#!/usr/bin/env python3
"""Long-names benchmark: the partition index against the band scan it replaced for
long names, and masq's whole process against rapidfuzz's cdist, in one invocation.

Two matrices of tools/gen_names.py names (seeded; about a fifth are 21 code points or
longer, where the allowed distance at 0.85 is 3 or more):

  ratio  (default 10^4 x 10^5): masq_bench_matrix as a whole process (start, read the
         names, pack, match, write the hits: wall time of one --runs 1 --warmup 0 call,
         the median of --runs calls), with the partition index and with it off
         (MASQ_PARTITION_INDEX=off: length bands and bit-parallel OSA for every long
         pair, the old path); rapidfuzz process.cdist with OSA and with true
         DamerauLevenshtein on the same pairs under the same rule (one pass each, only the
         cdist calls timed: the peer's process start, reading and grouping are not
         counted against it).
  big    (default 10^5 x 10^6 = 10^11 pairs): masq's matrix (its own timing of
         masq_match, one run) with the partition index and without.

Checks: masq's hits with and without the index are the same bytes; rapidfuzz's true-DL
hit set equals masq's, its OSA set is a subset. Prints one human line per figure, then
one JSON line with the machine, commit, sizes and every figure.
Exit status: 0 checks passed, 1 a check failed, 2 an engine failed or bad usage.
"""

import argparse
import hashlib
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import rapidfuzz
from rapidfuzz import process
from rapidfuzz.distance import OSA, DamerauLevenshtein

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_env import cpu_model, git_commit, usable_cpus  # noqa: E402
from matrix_engines import CUTOFF_SLACK, group_for_cdist, log  # noqa: E402

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GENERATOR = os.path.join(REPO_ROOT, "tools", "gen_names.py")
DEFAULT_MASQ = os.path.join(REPO_ROOT, "build", "bench", "masq_bench_matrix")


def size(text):
    try:
        f, i = (int(float(x)) for x in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError("wants FxI, e.g. 10000x100000")
    return f, i


def generate(work_dir, seed, frequent, infrequent):
    paths = (os.path.join(work_dir, "frequent_%d.txt" % frequent),
             os.path.join(work_dir, "infrequent_%d.txt" % infrequent))
    subprocess.run([sys.executable, GENERATOR, "--seed", str(seed), "--frequent",
                    str(frequent), "--infrequent", str(infrequent), "--out-frequent",
                    paths[0], "--out-infrequent", paths[1]], check=True)
    return paths


def read_names(path):
    with open(path, encoding="utf-8", newline="") as f:
        names = f.read().split("\n")
    if names and names[-1] == "":
        names.pop()
    return names


def sha256_of(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def run_masq(binary, paths, threads, threshold, partition, hits_path):
    """One masq_bench_matrix process: (wall seconds, CPU seconds (user + system, all its
    threads: less sensitive than wall time to other load on the machine), its JSON
    report)."""
    env = dict(os.environ)
    env["MASQ_PARTITION_INDEX"] = "on" if partition else "off"
    command = [binary, "--frequent", paths[0], "--infrequent", paths[1], "--threads",
               str(threads), "--threshold", repr(threshold), "--runs", "1", "--warmup", "0",
               "--hits", hits_path]
    log("  $ MASQ_PARTITION_INDEX=%s %s" % (env["MASQ_PARTITION_INDEX"], " ".join(command)))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, env=env, timeout=3600)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        raise RuntimeError("%s exited %d: %s" % (binary, done.returncode,
                                                 done.stderr.decode(errors="replace")[-500:]))
    return wall, cpu, json.loads(done.stdout.decode().strip().splitlines()[-1])


def masq_hit_pairs(path):
    with open(path, encoding="utf-8", newline="") as f:
        return {tuple(line.split("\t")[:2]) for line in f.read().split("\n") if line}


def run_cdist(scorer, blocks, threads, threshold):
    """One pass of the rule as cdist blocks: (seconds in cdist, hit set)."""
    total, hits = 0.0, set()
    for queries, choices, query_names, choice_names in blocks:
        for start in range(0, len(choices), 20000):
            part = choices[start:start + 20000]
            t0 = time.perf_counter()
            scores = process.cdist(queries, part, scorer=scorer.normalized_similarity,
                                   score_cutoff=threshold - CUTOFF_SLACK, workers=threads,
                                   dtype=np.float32)
            total += time.perf_counter() - t0
            rows, cols = np.nonzero(scores.astype(np.float64) > threshold)
            for r, c in zip(rows.tolist(), cols.tolist()):
                hits.add((query_names[r], choice_names[start + c]))
            del scores
    return total, hits


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--masq-bench", default=DEFAULT_MASQ, metavar="PATH")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--ratio-size", type=size, default=(10000, 100000), metavar="FxI")
    parser.add_argument("--big-size", type=size, default=(100000, 1000000), metavar="FxI")
    parser.add_argument("--skip-big", action="store_true", help="leave out the big matrix")
    parser.add_argument("--skip-big-band", action="store_true",
                        help="big matrix: leave out the old path (about a minute)")
    parser.add_argument("--with-rapidfuzz-dl", action="store_true",
                        help="also time rapidfuzz's true DL (some 10 minutes at 10^9 pairs on "
                             "2 cores; its OSA, the faster peer, always runs)")
    parser.add_argument("--threads", type=int, default=usable_cpus())
    parser.add_argument("--runs", type=int, default=3, help="masq whole-process runs (median)")
    parser.add_argument("--threshold", type=float, default=0.85)
    parser.add_argument("--work-dir", metavar="DIR", help="keep names and hits here")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.threads < 1:
        parser.error("--runs and --threads must be >= 1")
    return args


def main(argv=None):
    args = parse_args(argv)
    if not os.access(args.masq_bench, os.X_OK):
        log("long_names_bench: %s is missing (build it, or pass --masq-bench)" % args.masq_bench)
        return 2
    work_dir = args.work_dir or tempfile.mkdtemp(prefix="masq_long_names_")
    os.makedirs(work_dir, exist_ok=True)
    load = os.getloadavg()[0]
    commit, dirty = git_commit()
    figures, checks = {}, {}

    # -- the ratio matrix: whole processes and rapidfuzz ------------------------------
    f, i = args.ratio_size
    log("generating %d x %d names, seed %d" % (f, i, args.seed))
    paths = generate(work_dir, args.seed, f, i)
    frequent, infrequent = read_names(paths[0]), read_names(paths[1])
    long_share = sum(len(n) >= 21 for n in infrequent) / max(1, len(infrequent))
    ratio = {"frequent": f, "infrequent": i, "pairs": f * i, "long_share": round(long_share, 4)}
    hit_files = {}
    for partition in (True, False):
        name = "masq_partition" if partition else "masq_band"
        walls, cpus, matches = [], [], []
        for run in range(args.runs):
            hit_files[name] = os.path.join(work_dir, "ratio_hits_%s.tsv" % name)
            wall, cpu, report = run_masq(args.masq_bench, paths, args.threads, args.threshold,
                                         partition, hit_files[name])
            walls.append(wall)
            cpus.append(cpu)
            matches.append(report["seconds_median"])
        ratio[name] = {"process_seconds": statistics.median(walls),
                       "process_seconds_all": [round(w, 4) for w in walls],
                       "process_cpu_seconds": statistics.median(cpus),
                       "match_seconds": statistics.median(matches), "hits": report["hits"]}
    checks["ratio_same_bytes"] = sha256_of(hit_files["masq_partition"]) == sha256_of(
        hit_files["masq_band"])
    masq_pairs = masq_hit_pairs(hit_files["masq_partition"])
    blocks = group_for_cdist(frequent, infrequent)
    peers = [("rapidfuzz_osa", OSA)] + ([("rapidfuzz_dl", DamerauLevenshtein)]
                                        if args.with_rapidfuzz_dl else [])
    for name, scorer in peers:
        log("%s: one pass of cdist, %d workers" % (name, args.threads))
        seconds, hits = run_cdist(scorer, blocks, args.threads, args.threshold)
        whole = ratio["masq_partition"]["process_seconds"]
        ratio[name] = {"cdist_seconds": seconds, "hits": len(hits),
                       "ratio_to_masq_process": seconds / whole}
        checks[name + "_hits"] = (hits == masq_pairs) if scorer is DamerauLevenshtein \
            else hits <= masq_pairs
    figures["ratio"] = ratio

    # -- the big matrix: masq's match, index against band scan ------------------------
    if not args.skip_big:
        f, i = args.big_size
        log("generating %d x %d names, seed %d" % (f, i, args.seed))
        paths = generate(work_dir, args.seed, f, i)
        big = {"frequent": f, "infrequent": i, "pairs": f * i}
        for partition in (True, False) if not args.skip_big_band else (True,):
            name = "masq_partition" if partition else "masq_band"
            hits_path = os.path.join(work_dir, "big_hits_%s.tsv" % name)
            wall, cpu, report = run_masq(args.masq_bench, paths, args.threads, args.threshold,
                                         partition, hits_path)
            big[name] = {"match_seconds": report["seconds_median"], "process_seconds": wall,
                         "process_cpu_seconds": cpu,
                         "hits": report["hits"], "pairs_scored": report["pairs_scored"],
                         "hits_sha256": sha256_of(hits_path)}
        if "masq_band" in big:
            checks["big_same_bytes"] = (big["masq_partition"]["hits_sha256"]
                                        == big["masq_band"]["hits_sha256"])
            big["speedup"] = big["masq_band"]["match_seconds"] / big["masq_partition"]["match_seconds"]
        figures["big"] = big

    ok = all(checks.values())
    r = figures["ratio"]
    line = ("long names, seed %d, threshold %g, %d threads, %s, commit %s%s, load %.2f: "
            "%dx%d whole process %.2f s (band scan %.2f s), rapidfuzz OSA cdist %.2f s (%.1fx)"
            % (args.seed, args.threshold, args.threads, cpu_model(), commit,
               "+dirty" if dirty else "", load, r["frequent"], r["infrequent"],
               r["masq_partition"]["process_seconds"], r["masq_band"]["process_seconds"],
               r["rapidfuzz_osa"]["cdist_seconds"], r["rapidfuzz_osa"]["ratio_to_masq_process"]))
    if "rapidfuzz_dl" in r:
        line += ", rapidfuzz DL %.1f s (%.0fx)" % (r["rapidfuzz_dl"]["cdist_seconds"],
                                                   r["rapidfuzz_dl"]["ratio_to_masq_process"])
    if "big" in figures:
        b = figures["big"]
        line += "; %dx%d matrix %.2f s (process CPU %.1f s)" % (
            b["frequent"], b["infrequent"], b["masq_partition"]["match_seconds"],
            b["masq_partition"]["process_cpu_seconds"])
        if "masq_band" in b:
            line += " (band scan %.2f s, CPU %.1f s, %.1fx)" % (
                b["masq_band"]["match_seconds"], b["masq_band"]["process_cpu_seconds"],
                b["speedup"])
    line += "; checks %s" % ("ok" if ok else "FAILED: " + ", ".join(k for k, v in checks.items()
                                                                    if not v))
    print(line)
    print(json.dumps({"benchmark": "long_names", "git_commit": commit, "git_dirty": dirty,
                      "host": {"cpu_model": cpu_model(), "usable_cpus": usable_cpus(),
                               "load_average_1m_at_start": load},
                      "rapidfuzz": rapidfuzz.__version__, "seed": args.seed,
                      "threshold": args.threshold, "threads": args.threads,
                      "figures": figures, "checks": checks, "ok": ok}, ensure_ascii=False))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
