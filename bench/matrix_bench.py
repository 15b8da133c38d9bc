#!/usr/bin/env python3
"""Matrix benchmark: masq's CPU and OpenCL matrix against its peers on the same pairs.

Generates frequent x infrequent process names with tools/gen_names.py (seed 1,
2,000 x 20,000 by default) and, in one invocation, times every engine on them:

  masq-cpu          build/bench/masq_bench_matrix --backend cpu, at each --threads count
                    (true Damerau-Levenshtein)
  masq-opencl-L     the same with --backend opencl [--device D] --device-layout L, once
                    per device symbol layout L of --device-layouts (offsets,rows: both in
                    one invocation; --skip-opencl to leave it out); its time is the whole
                    masq_match call: OpenCL context, kernel build (or the driver's cache)
                    and device self-test included
  rapidfuzz-osa     rapidfuzz process.cdist, OSA.normalized_similarity
  rapidfuzz-dl      rapidfuzz process.cdist, DamerauLevenshtein.normalized_similarity
  fastdl-loop       the notebook's calcDist over fastDamerauLevenshtein in a Python
                    loop, on a sampled slice (200 x 2,000), extrapolated to pairs/s
                    (rapidfuzz's DamerauLevenshtein.normalized_similarity in the same
                    loop where fastDamerauLevenshtein cannot be imported)

Every engine applies the notebook's rule (calcDist): if both names contain '.' and the
text after the last '.' is equal, the names are compared without it; if either name has
no '.', the score is 0; score = (L - d) / L with L = max(len1, len2) over code points,
rounded to float32; a hit is a pair whose float32 score, as a double, is > the threshold (0.85).

Each engine: one warm-up run, then --runs timed runs (--slow-runs for the Python loop);
the median is reported. Hit sets are checked against masq-cpu's (rapidfuzz-dl's with
--skip-masq): true-DL engines, masq-opencl included, must match exactly, OSA engines may
only miss pairs.

Every engine gets pairs/s and equivalent DP cell updates/s: cells = (sum of frequent
lengths) x (sum of infrequent lengths) in code points, divided by the median seconds of
a full matrix (masq reports its own figure; the Python loop's is extrapolated like its
pairs/s). Ratios are against masq-cpu at its highest thread count.

Prints one line per engine, then a JSON document (also written to --json FILE).
Exit status: 0 all checks passed, 1 a hit set differs, 2 an engine failed or bad usage.
A failed masq-opencl run is reported (table and JSON "masq_opencl") but does not change
the exit status.
"""

import argparse
import datetime
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import rapidfuzz
from rapidfuzz.distance import OSA, DamerauLevenshtein

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tools"))
from bench_env import cpu_model, git_commit, usable_cpus  # noqa: E402
from matrix_engines import (MASQ_ERRORS, evenly_spaced, group_for_cdist, log,  # noqa: E402
                            package_version, run_masq, run_python_loop, run_rapidfuzz,
                            true_dl_pair)

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GENERATOR = os.path.join(REPO_ROOT, "tools", "gen_names.py")
DEFAULT_MASQ = os.path.join(REPO_ROOT, "build", "bench", "masq_bench_matrix")

MAX_SHOWN_DIFFERENCES = 20


# -- inputs and environment ----------------------------------------------------------

def read_names(path):
    with open(path, encoding="utf-8", newline="") as f:
        text = f.read()
    names = text.split("\n")
    if names and names[-1] == "":
        names.pop()
    return names


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        digest.update(f.read())
    return digest.hexdigest()


# -- checks --------------------------------------------------------------------------

def compare_hits(hits, reference, exact):
    """Returns the hit_check record: exact engines must equal reference, the others may
    only miss pairs (OSA >= true DL, so its scores are never higher)."""
    missing = sorted(reference - hits)
    extra = sorted(hits - reference)
    ok = not extra and (not missing or not exact)
    return {
        "must_equal": exact,
        "ok": ok,
        "missing": len(missing),
        "extra": len(extra),
        "missing_pairs": [list(p) for p in missing[:MAX_SHOWN_DIFFERENCES]],
        "extra_pairs": [list(p) for p in extra[:MAX_SHOWN_DIFFERENCES]],
    }


def check_masq_values(masq_hits):
    """masq's distance and score columns against rapidfuzz's true DL under the rule."""
    wrong = []
    for (f, i), (distance_text, score_text) in sorted(masq_hits.items()):
        distance, score = true_dl_pair(f, i)
        try:
            distance_ok = int(distance_text) == distance
            score_ok = abs(float(score_text) - score) <= 5e-7
        except ValueError:
            distance_ok = score_ok = False
        if not (distance_ok and score_ok):
            wrong.append([f, i, distance_text, score_text, distance, score])
    return {"ok": not wrong, "wrong": len(wrong), "examples": wrong[:MAX_SHOWN_DIFFERENCES]}


def print_differences(engine, reference_name, check):
    texts = {"missing": "%d hits of %s not found by %s",
             "extra": "%d hits found by %s, not by %s"}
    for kind in ("missing", "extra"):
        if check[kind]:
            first, second = ((reference_name, engine) if kind == "missing"
                             else (engine, reference_name))
            allowed = check["ok"]
            log("  %s%s" % (texts[kind] % (check[kind], first, second),
                            " (allowed: OSA)" if allowed else "  <-- MISMATCH"))
            for f, i in check[kind + "_pairs"]:
                log("    %s\t%s" % (f, i))


# -- main ----------------------------------------------------------------------------

def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="Time masq's matrix and its peers on the same generated name pairs.")
    parser.add_argument("--masq-bench", default=DEFAULT_MASQ, metavar="PATH",
                        help="masq_bench_matrix binary (default: %(default)s)")
    parser.add_argument("--skip-masq", action="store_true",
                        help="peers only; rapidfuzz-dl becomes the hit-set reference")
    parser.add_argument("--skip-opencl", action="store_true",
                        help="leave out the masq OpenCL run")
    parser.add_argument("--opencl-device", default=os.environ.get("MASQ_DEVICE") or None,
                        metavar="SPEC",
                        help="masq --device for the OpenCL run: index, cpu, gpu or a name "
                             "substring (default: $MASQ_DEVICE, else masq's own choice)")
    parser.add_argument("--device-layouts", default="offsets,rows", metavar="L[,L...]",
                        help="masq OpenCL runs, one per device symbol layout, in this order: "
                             "offsets, rows, or default (the device's own); default "
                             "%(default)s")
    parser.add_argument("--skip-slow", action="store_true",
                        help="leave out the Python-loop engine")
    parser.add_argument("--small", action="store_true",
                        help="quick check: 200 x 2,000 names")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--frequent", type=int, help="frequent names (default 2000)")
    parser.add_argument("--infrequent", type=int, help="infrequent names (default 20000)")
    parser.add_argument("--threads", default=None, metavar="N[,N...]",
                        help="thread counts for masq and rapidfuzz (default: all CPUs, "
                             "rapidfuzz workers=-1)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per fast engine")
    parser.add_argument("--slow-runs", type=int, default=3,
                        help="timed runs of the Python loop")
    parser.add_argument("--slow-slice", default="200x2000", metavar="FxI",
                        help="slice timed by the Python loop (default %(default)s)")
    parser.add_argument("--threshold", type=float, default=0.85)
    parser.add_argument("--max-columns", type=int, default=20000,
                        help="infrequent names per cdist call (bounds memory)")
    parser.add_argument("--work-dir", metavar="DIR",
                        help="keep the names and hit files here (default: a temp dir, removed)")
    parser.add_argument("--json", metavar="FILE", help="also write the JSON document here")
    args = parser.parse_args(argv)
    if args.small:
        args.frequent = args.frequent or 200
        args.infrequent = args.infrequent or 2000
    args.frequent = 2000 if args.frequent is None else args.frequent
    args.infrequent = 20000 if args.infrequent is None else args.infrequent
    try:
        sf, si = (int(x) for x in args.slow_slice.lower().split("x"))
        args.slow_slice = (sf, si)
    except ValueError:
        parser.error("--slow-slice wants FxI, e.g. 200x2000")
    if args.threads:
        try:
            args.threads = [int(t) for t in args.threads.split(",")]
        except ValueError:
            parser.error("--threads wants N or N,N,...")
        if any(t < 1 for t in args.threads):
            parser.error("--threads must be >= 1")
    args.device_layouts = [l for l in args.device_layouts.split(",") if l]
    if not args.device_layouts or any(l not in ("offsets", "rows", "default")
                                      for l in args.device_layouts):
        parser.error("--device-layouts wants offsets, rows or default, comma-separated")
    if args.runs < 1 or args.slow_runs < 1 or args.max_columns < 1:
        parser.error("--runs, --slow-runs and --max-columns must be >= 1")
    return args


def format_rate(value):
    return "%.3g" % value if value is not None else "-"


def main(argv=None):
    args = parse_args(argv)
    if not args.skip_masq and not os.access(args.masq_bench, os.X_OK):
        log("matrix_bench: %s is missing or not executable (build it, pass --masq-bench, "
            "or run the peers alone with --skip-masq)" % args.masq_bench)
        return 2

    work_dir = args.work_dir or tempfile.mkdtemp(prefix="masq_matrix_bench_")
    os.makedirs(work_dir, exist_ok=True)
    try:
        return run(args, work_dir)
    finally:
        if not args.work_dir:
            shutil.rmtree(work_dir, ignore_errors=True)


def run(args, work_dir):
    load_at_start = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    commit, dirty = git_commit()   # at the start: the tree that was timed
    frequent_path = os.path.join(work_dir, "frequent.txt")
    infrequent_path = os.path.join(work_dir, "infrequent.txt")
    log("generating %d x %d names, seed %d" % (args.frequent, args.infrequent, args.seed))
    subprocess.run([sys.executable, GENERATOR, "--seed", str(args.seed),
                    "--frequent", str(args.frequent), "--infrequent", str(args.infrequent),
                    "--out-frequent", frequent_path, "--out-infrequent", infrequent_path],
                   check=True)
    frequent = read_names(frequent_path)
    infrequent = read_names(infrequent_path)
    pairs = len(frequent) * len(infrequent)
    thread_counts = args.threads or [None]   # None: all CPUs (rapidfuzz workers=-1)

    results = []
    hit_sets = []         # (result, hits, must_equal, slice or None)
    masq_by_threads = {}
    failed = False
    masq_hits = None
    for threads in thread_counts:
        masq_threads = threads or usable_cpus()
        if not args.skip_masq:
            log("masq-cpu, %d threads" % masq_threads)
            try:
                result, hits = run_masq(args.masq_bench, frequent_path, infrequent_path,
                                        masq_threads, args.runs, args.threshold, work_dir)
            except MASQ_ERRORS as error:
                log("  masq-cpu failed: %s" % error)
                failed = True
            else:
                if result["pairs"] not in (None, pairs):
                    log("  masq reports %s pairs, expected %d" % (result["pairs"], pairs))
                    failed = True
                result["pairs"] = pairs
                results.append(result)
                masq_by_threads[result["threads"]] = result
                if masq_hits is None:
                    masq_hits = hits
                hit_sets.append((result, set(hits), True, None))

    # masq's OpenCL backend, once per device layout; a failure is recorded, not fatal.
    # opencl: the first layout's status, device and launches as before, every layout's
    # in opencl["layouts"].
    opencl = {"status": "skipped", "requested_device": args.opencl_device, "layouts": {}}
    opencl_hits = {}   # layout -> hit dict
    for layout in ([] if args.skip_masq or args.skip_opencl else args.device_layouts):
        log("masq-opencl, device %s, layout %s" % (args.opencl_device or "(masq's default)",
                                                   layout))
        entry = {"status": "ok"}
        try:
            result, hits = run_masq(args.masq_bench, frequent_path, infrequent_path,
                                    None, args.runs, args.threshold, work_dir,
                                    backend="opencl", device=args.opencl_device, layout=layout)
            if result["pairs"] not in (None, pairs):
                raise RuntimeError("masq-opencl reports %s pairs, expected %d"
                                   % (result["pairs"], pairs))
        except MASQ_ERRORS as error:
            log("  masq-opencl (%s layout) FAILED: %s" % (layout, error))
            entry.update(status="failed", error=str(error),
                         exit_code=getattr(error, "exit_code", None))
        else:
            result["pairs"] = pairs
            results.append(result)
            hit_sets.append((result, set(hits), True, None))
            opencl_hits[layout] = hits
            entry.update(engine=result["engine"], device=result["device"],
                         launches=result["launches"], pairs_per_s=result["pairs_per_s"],
                         seconds_median=result["seconds_median"])
        opencl["layouts"][layout] = entry
    # The first layout that ran (else the first failure) speaks for the whole.
    entries = list(opencl["layouts"].values())
    lead = next((e for e in entries if e["status"] == "ok"), entries[0] if entries else None)
    if lead is not None:
        opencl.update({k: v for k, v in lead.items() if k not in ("engine", "pairs_per_s",
                                                                 "seconds_median")})

    blocks = group_for_cdist(frequent, infrequent)
    for threads in thread_counts:
        for engine, scorer, exact in (("rapidfuzz-osa", OSA, False),
                                      ("rapidfuzz-dl", DamerauLevenshtein, True)):
            log("%s, %s threads" % (engine, threads or "all"))
            result, hits = run_rapidfuzz(engine, scorer, blocks, threads, args.runs,
                                         args.threshold, pairs, args.max_columns)
            results.append(result)
            hit_sets.append((result, hits, exact, None))

    if not args.skip_slow:
        slice_frequent = evenly_spaced(frequent, args.slow_slice[0])
        slice_infrequent = evenly_spaced(infrequent, args.slow_slice[1])
        log("python loop on a %dx%d slice" % (len(slice_frequent), len(slice_infrequent)))
        result, hits = run_python_loop(slice_frequent, slice_infrequent, args.slow_runs,
                                       args.threshold)
        results.append(result)
        hit_sets.append((result, hits, True, (set(slice_frequent), set(slice_infrequent))))

    # Hit-set checks against one reference: masq, or rapidfuzz's true DL without it.
    if masq_hits is not None:
        reference_name, reference = "masq-cpu", set(masq_hits)
    else:
        reference_name = "rapidfuzz-dl"
        reference = next(h for r, h, _, _ in hit_sets if r["engine"] == "rapidfuzz-dl")
    all_ok = not failed
    for result, hits, exact, sliced in hit_sets:
        expected = reference
        if sliced is not None:
            expected = {p for p in reference if p[0] in sliced[0] and p[1] in sliced[1]}
        check = compare_hits(hits, expected, exact)
        result["hit_check"] = check
        if result["engine"] != reference_name:
            print_differences(result["engine"], reference_name, check)
        all_ok = all_ok and check["ok"]
    masq_values = None
    for name, values in [("masq-cpu", masq_hits)] + [("masq-opencl-" + layout, hits)
                                                      for layout, hits in opencl_hits.items()]:
        if values is None:
            continue
        check = check_masq_values(values)
        if not check["ok"]:
            log("  %s: %d hits with a distance or score that differs from true DL:"
                % (name, check["wrong"]))
            for row in check["examples"]:
                log("    %s\t%s\tmasq d=%s s=%s\texpected d=%s s=%.9g" % tuple(row))
        all_ok = all_ok and check["ok"]
        if name == "masq-cpu":
            masq_values = check
        else:
            opencl["layouts"][name[len("masq-opencl-"):]]["values_check"] = check
    for entry in opencl["layouts"].values():
        if entry["status"] == "ok":
            entry["hit_check"] = next(r["hit_check"] for r in results
                                      if r["engine"] == entry["engine"])
    first_ok = next((e for e in opencl["layouts"].values() if e["status"] == "ok"), None)
    if first_ok is not None:
        opencl["values_check"] = first_ok.get("values_check")
        opencl["hit_check"] = first_ok["hit_check"]

    # Equivalent DP cell updates per second, from one cells figure for every engine.
    cells = sum(len(n) for n in frequent) * sum(len(n) for n in infrequent)
    for result in results:
        reported_cells = result.get("cells_reported")
        if reported_cells is not None and abs(reported_cells - cells) > 1e-5 * cells:
            log("  %s reports %.6g cells, expected %d" % (result["engine"], reported_cells,
                                                        cells))
            failed = True
        if result.get("cell_updates_per_s") is None:
            # cells / seconds for a full matrix; extrapolated like pairs/s for a slice.
            result["cell_updates_per_s"] = (result["pairs_per_s"] * cells / pairs
                                            if result["pairs_per_s"] else None)

    # Ratios within this run: against masq-cpu at its highest thread count; JSON also
    # keeps the ratio against masq-cpu at the engine's own thread count.
    versus = masq_by_threads[max(masq_by_threads)] if masq_by_threads else None
    for result in results:
        if versus is not None and result["pairs_per_s"]:
            result["ratio_vs_masq_cpu"] = result["pairs_per_s"] / versus["pairs_per_s"]
            result["ratio_vs_masq_cpu_threads"] = versus["threads"]
        else:
            result["ratio_vs_masq_cpu"] = None
        same = masq_by_threads.get(result["threads"])
        result["ratio_vs_masq_cpu_same_threads"] = (
            result["pairs_per_s"] / same["pairs_per_s"]
            if same is not None and result["pairs_per_s"] else None)

    document = {
        "benchmark": "matrix",
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "git_commit": commit,
        "git_dirty": dirty,
        "host": {"cpu_model": cpu_model(), "logical_cpus": os.cpu_count(),
                 "usable_cpus": usable_cpus(), "platform": platform.platform(),
                 "load_average_1m_at_start": load_at_start},
        "versions": {"python": platform.python_version(), "numpy": np.__version__,
                     "rapidfuzz": rapidfuzz.__version__,
                     "fastDamerauLevenshtein": package_version("fastDamerauLevenshtein")},
        "names": {"generator": "tools/gen_names.py", "seed": args.seed,
                  "frequent": len(frequent), "infrequent": len(infrequent),
                  "sha256_frequent": sha256_of(frequent_path),
                  "sha256_infrequent": sha256_of(infrequent_path)},
        "pairs": pairs,
        "cells": cells,
        "cells_definition": "(sum of frequent lengths) x (sum of infrequent lengths), "
                            "code points; cell_updates_per_s = cells / median seconds",
        "threshold": args.threshold,
        "rule": "notebook calcDist: equal extensions dropped, no '.' scores 0, "
                "(L - d)/L, L = max(len) over code points, float32, hit iff > threshold",
        "runs": args.runs,
        "slow_runs": args.slow_runs,
        "hit_reference": reference_name,
        "reference_hits": len(reference),
        "masq_values_check": masq_values,
        "masq_opencl": opencl,
        "engines": results,
        "ok": all_ok,
    }

    print("matrix %d x %d = %d pairs, %.4g cells, seed %d, threshold %g, %s, %d CPUs, "
          "commit %s" % (len(frequent), len(infrequent), pairs, cells, args.seed,
                         args.threshold, cpu_model(), usable_cpus(), commit))
    ratio_header = ("vs-masq-cpu@%d" % versus["threads"]) if versus else "vs-masq-cpu"
    print("%-20s %7s %10s %10s %7s %14s" % ("engine", "threads", "pairs/s", "cells/s",
                                            "hits", ratio_header))
    for result in results:
        hits_text = str(result["hits"])
        if result.get("sampled"):
            hits_text += "*"
        ratio = result["ratio_vs_masq_cpu"]
        mark = "" if result["hit_check"]["ok"] else "  HIT SET DIFFERS"
        print("%-20s %7s %10s %10s %7s %14s%s" % (
            result["engine"], "-" if result["threads"] is None else result["threads"],
            format_rate(result["pairs_per_s"]), format_rate(result["cell_updates_per_s"]),
            hits_text, "%.3g" % ratio if ratio is not None else "-", mark))
    for layout, entry in opencl["layouts"].items():
        if entry["status"] == "failed":
            print("%-20s %7s  FAILED: %s" % ("masq-opencl-" + layout, "-", entry["error"]))
    for result in results:
        if result.get("device") and result["engine"].startswith("masq-opencl"):
            print("%s device: %s (%s kernel launches per run; time includes "
                  "context, kernel build and self-test)" % (result["engine"], result["device"],
                                                            result["launches"]))
        if result.get("sampled"):
            print("* %s: hits in its %s slice; pairs/s measured there, cells/s = pairs/s "
                  "x the full matrix's cells per pair" % (
                result["engine"], result["slice"]))
        if result.get("note"):
            print("note: " + result["note"])
    print("checks: %s" % ("all hit sets and masq values agree" if all_ok
                          else "FAILED (differences on stderr)"))
    text = json.dumps(document, indent=2, ensure_ascii=False)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            f.write(text + "\n")
    print(text)
    sys.stdout.flush()
    if failed:
        return 2
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
