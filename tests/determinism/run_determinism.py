#!/usr/bin/env python3
"""Same input, same bytes out: masq's results on one generated export tree
(Zipf counts full of ties, look-alikes, homoglyphs, impostors in odd folders,
retried rows) must be byte-identical whatever the threads, the order of the
files, the route (events, name tables merged, shards) and the format.

Timing and run fields of the summary (summary.seconds, threads, backend,
device, kernel launches, pairs scored and verified) are the only bytes
allowed to differ; they are removed before comparing.

Usage: run_determinism.py --masq build/masq [--events N] [--runs K]
Exits 1 with the first difference found.
"""
import argparse
import hashlib
import json
import os
import random
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
RUN_FIELDS = ("seconds", "threads", "backend", "device", "kernel_launches",
              "kernel_overflows", "pairs_scored", "pairs_verified")


def scan(masq, args, paths):
    """stdout of `masq scan ARGS PATHS`; fails the test on a non-zero exit."""
    command = [masq, "scan", "-q"] + args + paths
    done = subprocess.run(command, capture_output=True, env=dict(os.environ, LC_ALL="C"))
    if done.returncode != 0:
        sys.exit("FAIL: %s exited %d: %s" % (" ".join(command[:8]), done.returncode,
                                             done.stderr.decode(errors="replace")[-2000:]))
    return done.stdout


def without_run_fields(json_bytes):
    document = json.loads(json_bytes)
    for key in RUN_FIELDS:
        document["summary"].pop(key, None)
    return json.dumps(document, ensure_ascii=False, sort_keys=False).encode()


def digest(data):
    return hashlib.sha256(data).hexdigest()[:16]


class Checker:
    def __init__(self):
        self.failures = 0
        self.checks = 0

    def same(self, what, reference, outputs):
        """All outputs equal the reference; says which differ and how."""
        self.checks += 1
        bad = [(label, data) for label, data in outputs if data != reference]
        if not bad:
            print("ok   %-58s %d runs, %s" % (what, len(outputs), digest(reference)))
            return
        self.failures += 1
        print("FAIL %-58s %d of %d runs differ" % (what, len(bad), len(outputs)))
        label, data = bad[0]
        ref_lines, lines = reference.splitlines(), data.splitlines()
        for i in range(max(len(ref_lines), len(lines))):
            a = ref_lines[i] if i < len(ref_lines) else b"(none)"
            b = lines[i] if i < len(lines) else b"(none)"
            if a != b:
                print("     first difference (%s), line %d:\n       want %s\n       got  %s"
                      % (label, i + 1, a[:400].decode(errors="replace"),
                         b[:400].decode(errors="replace")))
                break


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--masq", required=True)
    parser.add_argument("--events", type=int, default=400000)
    parser.add_argument("--names", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    masq = os.path.abspath(options.masq)
    check = Checker()

    with tempfile.TemporaryDirectory(prefix="masq-determinism-") as work:
        tree = os.path.join(work, "export")
        generator = [sys.executable, os.path.join(ROOT, "tools", "gen_export.py"),
                     "--events", str(options.events), "--names", str(options.names),
                     "--seed", str(options.seed), "--hosts", "600", "--impostors", "40",
                     "--duplicate-fraction", "0.01", "--gzip-fraction", "0.1",
                     "--out", tree, "--jobs", "2"]
        done = subprocess.run(generator, capture_output=True)
        if done.returncode != 0:
            sys.exit("FAIL: the generator: %s" % done.stderr.decode(errors="replace")[-2000:])
        files = sorted(os.path.join(d, f) for d, _, fs in os.walk(tree) for f in fs)
        print("tree: %d files, %s" % (len(files), done.stdout.decode().strip()[:200]))

        for profile in ("default", "notebook"):
            base = ["--profile", profile, "--backend", "cpu"]
            reference = without_run_fields(scan(masq, base + ["--format", "json", "--threads", "1"],
                                                [tree]))
            if json.loads(reference)["summary"]["anomalies"] < 10:
                sys.exit("FAIL: the tree gives too few anomalies to test anything")
            runs = []
            for threads in (1, 2, 4):
                for run in range(options.runs):
                    runs.append(("%d threads, run %d" % (threads, run + 1), without_run_fields(
                        scan(masq, base + ["--format", "json", "--threads", str(threads)], [tree]))))
            check.same("%s: json at 1, 2 and 4 threads" % profile, reference, runs)

            rng = random.Random(options.seed)
            shuffled = []
            for run in range(options.runs):
                order = files[:]
                rng.shuffle(order)
                shuffled.append(("shuffle %d" % (run + 1), without_run_fields(
                    scan(masq, base + ["--format", "json", "--threads", "2"], order))))
            check.same("%s: json, files in shuffled order" % profile, reference, shuffled)

            ndjson = scan(masq, base + ["--format", "ndjson", "--threads", "1"], [tree])
            # The table's closing line ends with the time taken.
            untimed = lambda out: re.sub(rb", [0-9.]+ s\n$", b"\n", out)
            for fmt in ("ndjson", "csv", "table"):
                ref = ndjson if fmt == "ndjson" else untimed(scan(
                    masq, base + ["--format", fmt, "--threads", "1"], [tree]))
                outs = [("%s, 2 threads run %d" % (fmt, r + 1),
                         untimed(scan(masq, base + ["--format", fmt, "--threads", "2"], [tree])))
                        for r in range(options.runs)]
                check.same("%s: %s at 2 threads" % (profile, fmt), ref, outs)

            # Name tables: the whole tree's, and parts split by event time (a
            # retried row keeps its TimeGenerated, so it stays in its part) merged.
            whole = os.path.join(work, "whole-%s.names" % profile)
            scan(masq, base + ["--emit-names", whole, "--format", "ndjson"], [tree])
            routes = [("name table", scan(masq, base + ["--schema", "names", "--format", "ndjson"],
                                          [whole]))]
            cuts = ["2024-06-03T08:00:00Z", "2024-06-03T16:00:00Z"]
            windows = [["--until", cuts[0]], ["--since", cuts[0], "--until", cuts[1]],
                       ["--since", cuts[1]]]
            parts = []
            for k, window in enumerate(windows):
                part = os.path.join(work, "part%d-%s.names" % (k, profile))
                scan(masq, base + window + ["--threads", str(k + 1), "--emit-names", part,
                                            "--format", "ndjson"], list(reversed(files)))
                parts.append(part)
            merged = os.path.join(work, "merged-%s.names" % profile)
            done = subprocess.run([masq, "merge", "-o", merged] + parts[::-1], capture_output=True)
            if done.returncode != 0:
                sys.exit("FAIL: masq merge: %s" % done.stderr.decode(errors="replace"))
            with open(whole, "rb") as a, open(merged, "rb") as b:
                check.same("%s: merged name table = the whole tree's" % profile, a.read(),
                           [("merged", b.read())])
            routes.append(("merged tables", scan(
                masq, base + ["--schema", "names", "--format", "ndjson"], [merged])))
            # Shards partition the anomalies; together, in report order, they
            # are the run's anomalies.
            lines = []
            for k in range(3):
                lines += scan(masq, base + ["--shard", "%d/3" % k, "--format", "ndjson"],
                              [tree]).splitlines(keepends=True)
            position = {line: i for i, line in enumerate(ndjson.splitlines(keepends=True))}
            lines.sort(key=lambda line: position.get(line, len(position)))
            routes.append(("3 shards", b"".join(lines)))
            check.same("%s: ndjson through name tables, merge and shards" % profile, ndjson,
                       routes)

    print("%d passed, %d failed" % (check.checks - check.failures, check.failures))
    return 1 if check.failures else 0


if __name__ == "__main__":
    sys.exit(main())
