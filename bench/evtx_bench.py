#!/usr/bin/env python3
"""EVTX benchmark: masq's native reader against libevtx's evtxexport and python-evtx.

Builds EVTX files of the sizes asked from the real chunks of tests/data/evtx
(process/ and other/sysmon.evtx: Security 4688 and Sysmon 1 among other events),
repeated, with the file header fixed up (chunk count, checksum), and in one
invocation times:

  masq        `masq scan --format json --threads N FILE` (read, tiers, matrix, report),
              whole runs under os.wait4 (peak RSS), median of --runs; MB/s and records/s
              from the summary's bytes, evtx_records and seconds.ingest
  evtxexport  `evtxexport -f xml FILE > /dev/null` (libevtx, Debian libevtx-utils), on the
              smallest size, once (it is slow)
  python-evtx every record's XML (python3-evtx's Evtx.records(), .xml()), on a slice of
              --python-mb MB, once

and reports masq's peak RSS at each size (it reads one chunk at a time: flat is the aim).

Usage:
  bench/evtx_bench.py                          # 100 MB and 1 GB
  bench/evtx_bench.py --sizes-mb 100,1000,10000  # and 10 GB (needs the disk)
  bench/evtx_bench.py --json out.json

Prints a line per engine and size, then a JSON document with machine, commit and sizes.
"""
import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_env  # noqa: E402

sys.path.insert(0, os.path.join(bench_env.REPO, "tools"))
import evtx_files  # noqa: E402

REPO = bench_env.REPO
DATA = os.path.join(REPO, "tests", "data", "evtx")


def real_chunks():
    paths = sorted(os.path.join(DATA, "process", f) for f in os.listdir(os.path.join(DATA, "process")))
    paths.append(os.path.join(DATA, "other", "sysmon.evtx"))
    return [chunk for path in paths for chunk in evtx_files.chunks_of(path)]


def make_file(path, megabytes, chunks):
    count = max(1, megabytes * 10**6 // evtx_files.CHUNK)
    return evtx_files.write_evtx(path, os.path.join(DATA, "other", "sysmon.evtx"),
                                 [chunks[i % len(chunks)] for i in range(count)])


def run_timed(argv, stdout=subprocess.DEVNULL):
    start = time.monotonic()
    process = subprocess.Popen(argv, stdout=stdout, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.monotonic() - start
    err = process.stderr.read().decode(errors="replace")
    process.stderr.close()
    return os.waitstatus_to_exitcode(status), wall, usage.ru_maxrss / 1024, err


def time_masq(masq, path, threads, runs):
    walls, rss, summary = [], [], None
    for i in range(runs + 1):
        out = tempfile.TemporaryFile()
        code, wall, peak, err = run_timed([masq, "scan", "--format", "json", "--threads", str(threads),
                                           "--allow-empty", path], stdout=out)
        if code != 0:
            sys.exit("masq failed (%d): %s" % (code, err[-400:]))
        out.seek(0)
        summary = json.load(out)["summary"]
        if i > 0:  # the first run warms the page cache
            walls.append(wall)
            rss.append(peak)
    ingest = summary["seconds"]["ingest"]
    return {"wall_s_median": statistics.median(walls), "peak_rss_mib": max(rss),
            "ingest_s": ingest, "bytes": summary["bytes"], "records": summary["evtx_records"],
            "events": summary["events"],
            "mb_per_s": summary["bytes"] / 1e6 / ingest if ingest else None,
            "records_per_s": summary["evtx_records"] / ingest if ingest else None,
            "wall_mb_per_s": summary["bytes"] / 1e6 / statistics.median(walls)}


def time_python_evtx(path, megabytes, work):
    try:
        import Evtx.Evtx as evtx  # python3-evtx
    except ImportError:
        try:
            sys.path.insert(0, "/usr/lib/python3/dist-packages")
            import Evtx.Evtx as evtx
        except ImportError:
            return {"status": "not installed (Debian: python3-evtx)"}
    piece = os.path.join(work, "python.evtx")
    size = make_file(piece, megabytes, real_chunks())
    start = time.monotonic()
    records = 0
    with evtx.Evtx(piece) as log:
        for record in log.records():
            record.xml()
            records += 1
    seconds = time.monotonic() - start
    return {"status": "ok", "bytes": size, "records": records, "seconds": seconds,
            "mb_per_s": size / 1e6 / seconds, "records_per_s": records / seconds}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--masq", default=os.path.join(REPO, "build", "masq"))
    parser.add_argument("--sizes-mb", default="100,1000")
    parser.add_argument("--threads", type=int, default=bench_env.usable_cpus())
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--python-mb", type=int, default=5)
    parser.add_argument("--work-dir", default=None, help="where the files are made (default: a temporary folder)")
    parser.add_argument("--json", help="also write the JSON document here")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes_mb.split(",") if s]
    work = args.work_dir or tempfile.mkdtemp(prefix="masq-evtx-bench-")
    os.makedirs(work, exist_ok=True)
    chunks = real_chunks()
    result = {"benchmark": "evtx", "machine": {"cpu": bench_env.cpu_model(), "cpus": bench_env.usable_cpus(),
                                               "system": platform.platform()},
              "commit": bench_env.git_commit()[0], "threads": args.threads, "sizes_mb": sizes, "masq": {}}
    try:
        for megabytes in sizes:
            path = os.path.join(work, "%dmb.evtx" % megabytes)
            make_file(path, megabytes, chunks)
            m = time_masq(args.masq, path, args.threads, args.runs)
            result["masq"][str(megabytes)] = m
            print("masq        %6d MB: %7.0f MB/s, %9.0f records/s (ingest), %6.2f s wall, peak %5.0f MiB"
                  % (megabytes, m["mb_per_s"], m["records_per_s"], m["wall_s_median"], m["peak_rss_mib"]))
            if megabytes != sizes[0]:
                os.remove(path)
        smallest = os.path.join(work, "%dmb.evtx" % sizes[0])
        if shutil.which("evtxexport"):
            code, wall, peak, err = run_timed(["evtxexport", "-f", "xml", smallest])
            size = os.path.getsize(smallest)
            result["evtxexport"] = {"status": "ok" if code == 0 else "exit %d" % code, "bytes": size,
                                    "seconds": wall, "mb_per_s": size / 1e6 / wall, "peak_rss_mib": peak}
            print("evtxexport  %6d MB: %7.1f MB/s, %6.2f s, peak %5.0f MiB" % (sizes[0], size / 1e6 / wall, wall, peak))
        else:
            result["evtxexport"] = {"status": "not installed (Debian: libevtx-utils)"}
        p = time_python_evtx(smallest, args.python_mb, work)
        result["python_evtx"] = p
        if p["status"] == "ok":
            print("python-evtx %6d MB: %7.2f MB/s, %9.0f records/s" % (args.python_mb, p["mb_per_s"], p["records_per_s"]))
        peaks = [result["masq"][str(s)]["peak_rss_mib"] for s in sizes]
        result["masq_rss_ratio_largest_to_smallest"] = peaks[-1] / peaks[0]
        base = result["masq"][str(sizes[0])]
        if result["evtxexport"].get("status") == "ok":
            result["masq_over_evtxexport"] = base["wall_mb_per_s"] / result["evtxexport"]["mb_per_s"]
        if p["status"] == "ok":
            result["masq_over_python_evtx"] = base["wall_mb_per_s"] / p["mb_per_s"]
    finally:
        if args.work_dir is None:
            shutil.rmtree(work)
    text = json.dumps(result, indent=2)
    print(text)
    if args.json:
        with open(args.json, "w") as f:
            f.write(text + "\n")


if __name__ == "__main__":
    main()
