"""The engines of the matrix benchmark (bench/matrix_bench.py): masq's
masq_bench_matrix on the CPU and OpenCL, rapidfuzz's cdist, and the notebook's
calcDist in a Python loop, each timed on the same names under the notebook's
rule (tools/notebook_rule.py); each returns a result row and its hit set."""

import importlib.metadata
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np
import rapidfuzz
from rapidfuzz import process
from rapidfuzz.distance import OSA, DamerauLevenshtein

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tools"))
from bench_env import usable_cpus  # noqa: E402
import notebook_rule  # noqa: E402  (tools/: the rule written once)

# Scores are (L - d)/L with L <= a few hundred, so no true score lies in
# (threshold - 1e-6, threshold) except the threshold itself: this cutoff loses nothing.
CUTOFF_SLACK = 1e-6


def log(message):
    print(message, file=sys.stderr, flush=True)


# -- the scoring rule ----------------------------------------------------------------

def calc_dist(one, two, similarity):
    """The notebook's calcDist, with its damerauLevenshtein passed in."""
    return notebook_rule.calc_dist(one, two, similarity)


def is_hit(score, threshold):
    """float32 rounding first (Spark's FloatType), then a double comparison."""
    return notebook_rule.passes(score, threshold)


def true_dl_pair(frequent, infrequent):
    """(distance, float32 score) of one pair under the rule, with rapidfuzz's true DL."""
    pair = notebook_rule.compared(frequent, infrequent)
    if pair is None:
        return None, 0.0
    return (DamerauLevenshtein.distance(*pair),
            float(notebook_rule.score(frequent, infrequent, DamerauLevenshtein.distance)))


def package_version(name):
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


# -- engines -------------------------------------------------------------------------

def make_result(engine, implementation, threads, seconds, pairs, hits, **extra):
    median = statistics.median(seconds)
    result = {
        "engine": engine,
        "implementation": implementation,
        "threads": threads,
        "runs": len(seconds),
        "seconds": [round(s, 6) for s in seconds],
        "seconds_median": round(median, 6),
        "pairs": pairs,
        "pairs_per_s": pairs / median if pairs and median > 0 else None,
        "hits": len(hits),
    }
    result.update(extra)
    return result


class MasqFailed(RuntimeError):
    """masq_bench_matrix exited non-zero."""

    def __init__(self, message, exit_code, stderr):
        super().__init__(message)
        self.exit_code = exit_code
        self.stderr = stderr


def run_masq(binary, frequent_path, infrequent_path, threads, runs, threshold, work_dir,
             backend="cpu", device=None, layout=None):
    """Returns (result, hit dict {(f, i): (distance, score)}); raises RuntimeError
    (MasqFailed when the binary exits non-zero). threads is ignored for OpenCL; layout
    (OpenCL only) is the device symbol layout, None or "default" the device's own."""
    layout = None if layout in (None, "default") else layout
    hits_path = os.path.join(work_dir, "masq_hits_%s%s%s.tsv" % (
        backend, "_t%d" % threads if backend == "cpu" else "",
        "_" + layout if layout else ""))
    base = [binary, "--frequent", frequent_path, "--infrequent", infrequent_path,
            "--threshold", repr(threshold), "--backend", backend]
    if backend == "cpu":
        base += ["--threads", str(threads)]
    if device:
        base += ["--device", device]
    if layout and backend != "cpu":
        base += ["--device-layout", layout]

    def call(extra):
        command = base + extra
        log("  $ " + " ".join(command))
        done = subprocess.run(command, capture_output=True, timeout=3600)
        if done.returncode != 0:
            stderr = done.stderr.decode(errors="replace")[-2000:].strip()
            raise MasqFailed("%s exited %d%s" % (binary, done.returncode,
                                                  ": " + stderr if stderr else
                                                  " (nothing on stderr)"),
                             done.returncode, stderr)
        text = done.stdout.decode("utf-8", errors="replace").strip()
        try:
            return json.loads(text)
        except ValueError:
            # Tolerate anything printed before the object: take the last line.
            return json.loads(text.splitlines()[-1])

    warm = call(["--runs", "1", "--hits", hits_path])   # warm-up, and the hit list
    hits = {}
    with open(hits_path, encoding="utf-8", newline="") as f:
        for line_number, line in enumerate(f.read().split("\n"), 1):
            if not line:
                continue
            fields = line.split("\t")
            if line_number == 1 and fields[2:3] == ["distance"]:
                continue   # a header line
            if len(fields) < 4:
                raise RuntimeError("%s:%d: expected 4 tab-separated fields"
                                   % (hits_path, line_number))
            hits[(fields[0], fields[1])] = (fields[2], fields[3])
    if warm.get("hits") is not None and int(warm["hits"]) != len(hits):
        raise RuntimeError("masq reports %s hits but wrote %d distinct pairs to %s"
                           % (warm["hits"], len(hits), hits_path))
    report = call(["--runs", str(runs)])
    if report.get("backend") not in (None, backend):
        raise RuntimeError("asked masq for the %s backend, it reports %r"
                           % (backend, report.get("backend")))
    seconds = [float(s) for s in report.get("seconds", [])] or [float(report["seconds_median"])]
    if backend == "cpu":
        engine, what, result_threads = ("masq-cpu", "masq_bench_matrix --backend cpu (true DL)",
                                        int(report.get("threads", threads)))
    else:
        engine, what, result_threads = (
            "masq-opencl-" + (layout or "default"),
            "masq_bench_matrix --backend opencl%s (true DL; whole masq_match call timed)"
            % (" --device-layout " + layout if layout else ""), None)
    result = make_result(engine, what, result_threads, seconds,
                         int(report.get("pairs", 0)) or None, hits,
                         backend=report.get("backend", backend),
                         device=report.get("device"),
                         requested_device=device,
                         launches=report.get("launches"),
                         device_layout=report.get("device_layout", layout),
                         requested_threads=threads if backend == "cpu" else None,
                         reported=report, reported_hits_warmup=warm.get("hits"),
                         warmup_device=warm.get("device"))
    # masq's own median and rates, as it measured them, are the figures of record.
    result["seconds_median"] = float(report["seconds_median"])
    result["pairs_per_s"] = float(report["pairs_per_s"])
    if report.get("cell_updates_per_s") is not None:
        result["cell_updates_per_s"] = float(report["cell_updates_per_s"])
        result["cells_reported"] = float(report["cells"])
    return result, hits


MASQ_ERRORS = (RuntimeError, OSError, ValueError, KeyError, IndexError,
               subprocess.SubprocessError)


def group_for_cdist(frequent, infrequent):
    """The rule as blocks of plain cdist calls.

    For each extension e of the frequent names: (stems of frequent .e) x (stems of
    infrequent .e), then (frequent .e) x (infrequent names with another extension), full
    names. Names with no '.' score 0 and are left out. Returns a list of
    (queries, choices, query_names, choice_names)."""
    def split(name):
        stem, _, ext = name.rpartition(".")
        return stem, ext

    frequent_by_ext = {}
    for name in frequent:
        if "." in name:
            frequent_by_ext.setdefault(split(name)[1], []).append(name)
    infrequent_dotted = [name for name in infrequent if "." in name]
    infrequent_ext = [split(name)[1] for name in infrequent_dotted]
    blocks = []
    for ext in sorted(frequent_by_ext):
        queries = frequent_by_ext[ext]
        same = [name for name, e in zip(infrequent_dotted, infrequent_ext) if e == ext]
        other = [name for name, e in zip(infrequent_dotted, infrequent_ext) if e != ext]
        if same:
            blocks.append(([split(q)[0] for q in queries], [split(c)[0] for c in same],
                           queries, same))
        if other:
            blocks.append((queries, other, queries, other))
    return blocks


def run_rapidfuzz(engine, scorer, blocks, threads, runs, threshold, pairs, max_columns):
    workers = -1 if threads is None else threads
    cutoff = threshold - CUTOFF_SLACK
    computed = sum(len(b[0]) * len(b[1]) for b in blocks)

    def one_run(collect):
        total = 0.0
        hits = set()
        for queries, choices, query_names, choice_names in blocks:
            for start in range(0, len(choices), max_columns):
                part = choices[start:start + max_columns]
                t0 = time.perf_counter()
                scores = process.cdist(queries, part, scorer=scorer.normalized_similarity,
                                       score_cutoff=cutoff, workers=workers,
                                       dtype=np.float32)
                total += time.perf_counter() - t0
                if collect:
                    rows, cols = np.nonzero(scores.astype(np.float64) > threshold)
                    for r, c in zip(rows.tolist(), cols.tolist()):
                        hits.add((query_names[r], choice_names[start + c]))
                del scores
        return total, hits

    log("  %s: warm-up" % engine)
    _, hits = one_run(collect=True)
    seconds = []
    for k in range(runs):
        t, _ = one_run(collect=False)
        seconds.append(t)
        log("  %s: run %d/%d %.3f s" % (engine, k + 1, runs, t))
    name = "OSA" if scorer is OSA else "DamerauLevenshtein"
    implementation = "rapidfuzz %s process.cdist(%s.normalized_similarity, workers=%d, " \
                     "dtype=float32)" % (rapidfuzz.__version__, name, workers)
    return make_result(engine, implementation, threads or usable_cpus(), seconds, pairs,
                       hits, pairs_computed=computed, cdist_calls=sum(
                           -(-len(b[1]) // max_columns) for b in blocks)), hits


def load_slow_similarity():
    """The notebook's damerauLevenshtein, or rapidfuzz's where it cannot be imported."""
    try:
        from fastDamerauLevenshtein import damerauLevenshtein
        version = package_version("fastDamerauLevenshtein") or "?"
        return ("fastdl-loop", "fastDamerauLevenshtein %s damerauLevenshtein "
                "(similarity=True) in the notebook's calcDist, Python loop" % version,
                damerauLevenshtein, None)
    except ImportError as error:
        note = ("fastDamerauLevenshtein could not be imported (%s); used rapidfuzz's "
                "DamerauLevenshtein.normalized_similarity in the same loop instead" % error)
        return ("rapidfuzz-dl-loop", "rapidfuzz %s DamerauLevenshtein.normalized_similarity "
                "in the notebook's calcDist, Python loop (fallback)" % rapidfuzz.__version__,
                DamerauLevenshtein.normalized_similarity, note)


def evenly_spaced(items, count):
    if count >= len(items):
        return list(items)
    step = len(items) / count
    return [items[int(k * step)] for k in range(count)]


def run_python_loop(slice_frequent, slice_infrequent, runs, threshold):
    engine, implementation, similarity, note = load_slow_similarity()
    if note:
        log("  note: " + note)
    floor = threshold - CUTOFF_SLACK

    def one_run():
        candidates = []
        t0 = time.perf_counter()
        for f in slice_frequent:
            for i in slice_infrequent:
                score = calc_dist(f, i, similarity)
                if score >= floor:
                    candidates.append((f, i, score))
        return time.perf_counter() - t0, candidates

    log("  %s: warm-up" % engine)
    _, candidates = one_run()
    hits = {(f, i) for f, i, s in candidates if is_hit(s, threshold)}
    seconds = []
    for k in range(runs):
        t, _ = one_run()
        seconds.append(t)
        log("  %s: run %d/%d %.3f s" % (engine, k + 1, runs, t))
    pairs = len(slice_frequent) * len(slice_infrequent)
    result = make_result(engine, implementation, 1, seconds, pairs, hits, sampled=True,
                         slice="%dx%d" % (len(slice_frequent), len(slice_infrequent)))
    if note:
        result["note"] = note
    return result, hits
