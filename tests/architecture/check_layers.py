#!/usr/bin/env python3
"""The house keeps its floors: no circle between the source files of host/ and
kernels/, and no arrow from a stage into a later stage of the pipeline.

A file draws an arrow to another when it includes that file's header (X.h
belongs to X.c beside it; a header alone is its own file) or calls a function
the other defines. Includes are read from the sources; calls from the
compiler's own output: `nm` over the objects of the built library (each
object's undefined symbols, and which object defines them).

Stages, from the bottom (ARCHITECTURE.md): util and kernels, azure, names, ingest,
baseline, tier, match, result and detect, report, publish, the pipeline and masq.h,
cli, main.c. A file may use files of its own stage or of stages below it.

Usage: check_layers.py --source ROOT --library build/libmasq_util.a ... build/libmasq.a
Prints every circle and every upward arrow with the names that tie it; exit 1
when there is any. File names must be unique across host/ (objects are matched
by name), and files over 600 lines are listed (not a failure).
"""
import argparse
import collections
import os
import re
import subprocess
import sys

STAGES = [
    ("util", ["host/util/"]),
    ("kernels", ["kernels/"]),
    ("azure", ["host/azure/"]),
    ("names", ["host/names/"]),
    ("ingest", ["host/ingest/"]),
    ("baseline", ["host/baseline/"]),
    ("tier", ["host/tier/"]),
    ("match", ["host/match/"]),
    ("detect", ["host/result.", "host/detect/"]),
    ("report", ["host/report/"]),
    ("publish", ["host/publish/"]),
    ("pipeline", ["host/pipeline.", "host/masq.h"]),
    ("cli", ["host/cli/"]),
    ("main", ["host/main.c"]),
]
# util and kernels share the bottom floor; each later entry is one floor up.
FLOOR = {name: (0 if i < 2 else i - 1) for i, (name, _) in enumerate(STAGES)}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def stage_of(path):
    for name, prefixes in STAGES:
        if any(path.startswith(p) for p in prefixes):
            return name
    return None


def sources(root):
    found = []
    for top in ("host", "kernels"):
        for folder, _, files in os.walk(os.path.join(root, top)):
            for f in files:
                if f.endswith((".c", ".h", ".cl")):
                    found.append(os.path.relpath(os.path.join(folder, f), root))
    return sorted(found)


def node_of(path, files):
    """A header belongs to the .c beside it, when there is one."""
    if path.endswith(".h"):
        c = path[:-2] + ".c"
        if c in files:
            return c
    return path


def resolve(include, including, root, files):
    for base in (os.path.dirname(including), "host", "kernels"):
        candidate = os.path.normpath(os.path.join(base, include))
        if candidate in files:
            return candidate
    return None


def include_arrows(root, files):
    arrows = collections.defaultdict(set)  # (from, to) -> names
    for path in files:
        with open(os.path.join(root, path), encoding="utf-8", errors="replace") as f:
            text = f.read()
        for include in INCLUDE.findall(text):
            target = resolve(include, path, root, files)
            if target is None:
                continue
            a, b = node_of(path, files), node_of(target, files)
            if a != b:
                arrows[(a, b)].add("#include " + include)
    return arrows


def call_arrows(library, files):
    """From nm: object -> the object that defines each symbol it needs."""
    by_name = collections.defaultdict(list)
    for path in files:
        by_name[os.path.basename(path)].append(path)
    duplicates = {n: p for n, p in by_name.items() if len(p) > 1 and n.endswith(".c")}
    done = subprocess.run(["nm", "-A"] + list(library), capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit("FAIL: nm %s: %s" % (library, done.stderr))
    defined, needed = {}, collections.defaultdict(set)
    for line in done.stdout.splitlines():
        parts = line.split()
        if len(parts) < 2:
            continue
        members = [piece for piece in parts[0].split(":") if piece.endswith(".o")]
        if not members:
            continue
        source = members[-1][:-2]
        paths = by_name.get(source)
        if not paths:
            continue
        kind, symbol = (parts[-2], parts[-1])
        if kind == "U":
            needed[paths[0]].add(symbol)
        elif kind in ("T", "D", "B", "R", "C"):
            defined[symbol] = paths[0]
    arrows = collections.defaultdict(set)
    for path, symbols in needed.items():
        for symbol in symbols:
            target = defined.get(symbol)
            if target and target != path:
                arrows[(path, target)].add(symbol)
    return arrows, duplicates


def circles(nodes, arrows):
    """Strongly connected components of more than one file (Tarjan)."""
    out = collections.defaultdict(set)
    for a, b in arrows:
        out[a].add(b)
    index, low, stack, on, found = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(out[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(10000)
    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--source", required=True)
    parser.add_argument("--library", required=True, nargs="+",
                        help="the stages' static libraries")
    options = parser.parse_args()
    root = os.path.abspath(options.source)
    files = set(sources(root))
    unplaced = sorted(f for f in files if stage_of(f) is None)
    arrows = include_arrows(root, files)
    calls, duplicates = call_arrows(options.library, files)
    for key, names in calls.items():
        arrows[key] |= names
    nodes = {node_of(f, files) for f in files}
    failures = 0

    for name, paths in sorted(duplicates.items()):
        failures += 1
        print("FAIL file name used twice: %s" % ", ".join(paths))
    for path in unplaced:
        failures += 1
        print("FAIL %s belongs to no stage (add it to ARCHITECTURE.md and this check)" % path)

    for component in circles(nodes, arrows):
        failures += 1
        print("FAIL circle of %d files: %s" % (len(component), ", ".join(component)))
        for a in component:
            for b in component:
                if (a, b) in arrows:
                    print("       %s -> %s: %s" % (a, b, ", ".join(sorted(arrows[(a, b)])[:6])))

    for (a, b), names in sorted(arrows.items()):
        sa, sb = stage_of(a), stage_of(b)
        if sa and sb and FLOOR[sb] > FLOOR[sa]:
            failures += 1
            print("FAIL upward: %s (%s) -> %s (%s): %s" % (a, sa, b, sb,
                                                          ", ".join(sorted(names)[:6])))

    large = []
    for path in sorted(files):
        with open(os.path.join(root, path), encoding="utf-8", errors="replace") as f:
            lines = sum(1 for _ in f)
        if lines > 600:
            large.append("%s (%d)" % (path, lines))
    print("%d files, %d arrows, %d stages" % (len(nodes), len(arrows), len(STAGES)))
    if large:
        print("note: files over 600 lines: " + ", ".join(large))
    print("%d passed, %d failed" % (1 if failures == 0 else 0, failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
