#!/usr/bin/env python3
"""masq on Spark: the name table built in Spark from a data export too large for one
machine, the frequent x infrequent matrix fanned out to executors running masq.

  1. Reads the export (a local folder, or abfss:// / wasbs:// / dbfs:/ on Synapse or
     Databricks: any path spark.read.json takes) with the notebook's schema plus
     Computer, EventOriginId, Account (or SubjectDomainName\\SubjectUserName) and
     ParentProcessName; keeps EventID 4688 (number or string); takes Process, or the
     file name of NewProcessName where a row has none; lower-cases it with Spark's
     (Unicode) lower; drops rows the export wrote twice (same EventOriginId and
     TimeGenerated).
  2. Builds masq's name table in Spark (`masq scan --emit-names` format: one JSON
     object a name with Count, Sensors, Paths, Computers, Users, Parents, FirstSeen,
     LastSeen and Folders, each folder with the same evidence of its own sightings;
     at most 16 distinct values a set, the 16 smallest by byte order (folders: by
     rank, then bytes) with exact counts, as masq keeps them, so the table equals
     masq's own), and writes it to one file on the driver (--table).
  3. Ships the table to the executors (SparkContext.addFile) and runs N tasks, each
     `masq scan --schema names --shard k/N --format json TABLE [--profile P ...]`;
     the N shards together are exactly one unsharded run.
  4. Merges the shards' anomalies in masq's report order (severity, score, then the
     names) into one JSON ({"summary", "anomalies"}) or NDJSON output.

masq must run on the executors: --masq PATH where it is installed there (an init
script), --ship-masq to send the driver's binary with the job, or --masq-archive
BUNDLE.tar.gz (tools/spark/bundle_masq.sh: masq with its shared libraries). See
tools/spark/README.md.

Usage:
  masq_spark.py --masq build/masq --shards 8 --output anomalies.json ./export/
  masq_spark.py --masq /opt/masq/bin/masq --profile notebook --format ndjson \\
      --output /dbfs/tmp/anomalies.ndjson abfss://am-securityevent@ACCOUNT.dfs.core.windows.net/
  masq_spark.py --table-only --table names.jsonl ./export/     # the table, no masq
  masq_spark.py --from-table names.jsonl --masq build/masq      # the matrix only

Exit status: 0 success, 1 bad usage or input, 2 a masq shard failed.
"""

import argparse
import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time

CONTEXT_LIMIT = 16          # masq's MASQ_CONTEXT_LIMIT
SEVERITY_RANK = {"high": 3, "medium": 2, "low": 1}
# Files masq reads in a folder: JSON lines, plain or gzip-compressed.
EXPORT_GLOB = "*.{json,jsonl,ndjson,json.gz,jsonl.gz,ndjson.gz}"
# The times masq parses (host/util/time_iso.c); others count as no time.
TIME_PATTERN = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$"


def export_schema():
    """The notebook's security_event_schema() plus what the name table needs."""
    from pyspark.sql import types as T
    return T.StructType([T.StructField(name, T.StringType(), True) for name in
                         ("EventID", "NewProcessName", "Process", "TimeGenerated", "Computer",
                          "EventOriginId", "Account", "SubjectUserName", "SubjectDomainName",
                          "ParentProcessName")])


def read_events(spark, paths, dedup=True, since=None, until=None):
    """4688 events as (name, path, computer, user, parent, ts) with duplicates removed, and only
    those in [since, until) when a bound is given (masq's --since/--until: an event
    without a readable time is then left out)."""
    from pyspark.sql import functions as F
    raw = (spark.read.schema(export_schema())
           .option("recursiveFileLookup", "true")   # y=/m=/d=/h=/m= are no partitions
           .option("pathGlobFilter", EXPORT_GLOB)
           .json(paths))
    events = raw.where(F.col("EventID") == "4688")
    # DOMAIN\\user as SecurityEvent's Account writes it (host/ingest/ingest_event.c).
    subject = F.when(F.col("SubjectDomainName").isNotNull() & (F.col("SubjectDomainName") != "")
                     & ~F.col("SubjectUserName").contains("\\"),
                     F.concat_ws("\\", F.col("SubjectDomainName"), F.col("SubjectUserName"))
                     ).otherwise(F.col("SubjectUserName"))
    events = events.withColumn("masq_user", F.coalesce(F.col("Account"), subject))
    if dedup:
        # masq drops a row when one with the same EventOriginId, time and values
        # read came before it (host/ingest/dedup.h); a row without a readable
        # time is kept.
        timed = F.col("EventOriginId").isNotNull() & F.col("TimeGenerated").rlike(TIME_PATTERN)
        keyed = (events.where(timed)
                 .withColumn("dedup_ms", F.col("TimeGenerated").cast("timestamp").cast("double"))
                 .dropDuplicates(["EventOriginId", "dedup_ms", "Process", "NewProcessName",
                                  "Computer", "masq_user", "ParentProcessName"])
                 .drop("dedup_ms"))
        events = keyed.unionByName(events.where(~timed | timed.isNull()))
    name = F.lower(F.coalesce(F.col("Process"),
                              F.regexp_extract(F.col("NewProcessName"), r"[^\\/]*$", 0)))
    ts = F.when(F.col("TimeGenerated").rlike(TIME_PATTERN),
                F.col("TimeGenerated").cast("timestamp"))
    selected = (events.select(name.alias("name"), F.col("NewProcessName").alias("path"),
                              F.col("Computer").alias("computer"), F.col("masq_user").alias("user"),
                              F.col("ParentProcessName").alias("parent"), ts.alias("ts"))
                .where(F.col("name").isNotNull()))
    if since:
        selected = selected.where(F.col("ts") >= F.lit(since).cast("timestamp"))
    if until:
        selected = selected.where(F.col("ts") < F.lit(until).cast("timestamp"))
    return selected


def bounded_set(counted, keys, column):
    """(keys..., column, count) -> keys..., array<struct<value, count>> and the count of
    the values left out: at most CONTEXT_LIMIT values per key, the smallest by byte
    order (Spark compares strings as UTF-8 bytes) with their exact
    counts, as masq keeps them; masq's order (most seen first) is applied when the
    table is written."""
    from pyspark.sql import functions as F
    from pyspark.sql.window import Window
    kept = counted.where(F.col(column).isNotNull() & (F.col(column) != ""))
    ranked = kept.withColumn("rank", F.row_number().over(
        Window.partitionBy(*keys).orderBy(F.col(column))))
    return (ranked.groupBy(*keys)
            .agg(F.collect_list(F.when(F.col("rank") <= CONTEXT_LIMIT,
                                       F.struct(F.col(column).alias("value"),
                                                F.col("count").alias("count"))))
                 .alias(column + "s"),
                 F.sum(F.when(F.col("rank") > CONTEXT_LIMIT, F.col("count")).otherwise(0))
                 .alias(column + "s_more")))


def evidence(events, keys):
    """The evidence of the sightings grouped by keys (host/names/name_table.h):
    count, first and last seen, and bounded paths, computers, users and parents."""
    from pyspark.sql import functions as F
    iso = "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'"
    counts = events.groupBy(*keys).agg(F.count(F.lit(1)).alias("count"),
                                       F.date_format(F.min("ts"), iso).alias("first"),
                                       F.date_format(F.max("ts"), iso).alias("last"))
    for column in ("path", "computer", "user", "parent"):
        by = events.groupBy(*(keys + [column])).agg(F.count(F.lit(1)).alias("count"))
        counts = counts.join(bounded_set(by, keys, column), keys, "left")
    return counts


def folder_rank(folder):
    """masq_folder_rank (host/names/folder_path.c): 0 for folders users can write
    to, 2 for the system's and programs' own, 1 for the rest."""
    from pyspark.sql import functions as F
    writable = ["\\temp\\", "\\tmp\\", "\\users\\", "\\programdata\\",
                "\\$recycle.bin\\", "\\perflogs\\", "\\recycler\\", "\\appdata\\",
                "\\downloads\\", "/tmp/", "/var/tmp/", "/dev/shm/", "/home/"]
    system = ["\\windows\\", "\\program files\\", "\\program files (x86)\\", "/usr/",
              "/bin/", "/sbin/", "/lib/", "/opt/"]
    rank = F.lit(1)
    is_system = F.lit(False)
    for prefix in system:
        is_system = is_system | folder.startswith(prefix)
    rank = F.when(is_system, F.lit(2)).otherwise(rank)
    is_writable = (folder == "\\") | (folder == "/")
    for part in writable:
        is_writable = is_writable | folder.contains(part)
    return F.when(is_writable, F.lit(0)).otherwise(rank)


def folder_of(path):
    """masq_folder_of (host/names/folder_path.c) in Spark: the folder of a path,
    without "\\\\?\\" or "\\??\\", "\\Device\\HarddiskVolumeN", a drive letter, with
    "\\SystemRoot" and "%SystemRoot%" as "\\windows", ASCII lower-cased."""
    from pyspark.sql import functions as F
    p = F.regexp_replace(path, r"^(\\\\\?\\|\\\?\?\\)", "")
    p = F.regexp_replace(p, r"(?i)^\\device\\harddiskvolume[0-9]*", "")
    p = F.regexp_replace(p, r"(?i)^(\\systemroot|%systemroot%)(?=\\)", "\\\\windows")
    p = F.regexp_replace(p, r"^[A-Za-z]:", "")
    folder = F.regexp_extract(p, r"^(.*[\\/])", 1)
    return F.translate(folder, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def name_table(events):
    """One row a name: the name's evidence and its folders, each folder with its
    own (folders kept by rank, then bytes, as masq keeps them)."""
    from pyspark.sql import functions as F
    from pyspark.sql.window import Window
    whole = evidence(events, ["name"])
    with_folder = (events.withColumn("folder", folder_of(F.col("path")))
                   .where(F.col("folder").isNotNull() & (F.col("folder") != "")))
    folders = evidence(with_folder, ["name", "folder"]).withColumn("rank",
                                                                   folder_rank(F.col("folder")))
    folder_struct = F.struct(*[F.col(c) for c in folders.columns if c != "name"])
    kept = (folders.select("name", "rank", "folder", folder_struct.alias("evidence"))
            .withColumn("position", F.row_number().over(
                Window.partitionBy("name").orderBy(F.col("rank"), F.col("folder"))))
            .where(F.col("position") <= CONTEXT_LIMIT)
            .groupBy("name").agg(F.collect_list("evidence").alias("folders")))
    return whole.join(kept, "name", "left").orderBy("name")


def items(pairs, key):
    """A bounded set as masq writes it: most seen first, then by bytes."""
    ordered = sorted(pairs or [], key=lambda p: (-p["count"], p["value"].encode("utf-8")))
    return [{key: p["value"], "Count": p["count"]} for p in ordered]


def evidence_json(row, head):
    """The evidence fields of a row (host/names/name_table_io.c), after `head`."""
    out = dict(head)
    out["Sensors"] = ["SecurityEvent"]
    out["Paths"] = items(row["paths"], "Path")
    out["Computers"] = items(row["computers"], "Computer")
    if row["computers_more"]:
        out["MoreComputerSightings"] = row["computers_more"]
    out["Users"] = items(row["users"], "User")
    out["Parents"] = items(row["parents"], "Parent")
    out["FirstSeen"] = row["first"]
    out["LastSeen"] = row["last"]
    return out


def table_row_json(row):
    """A name-table row as masq writes it (host/names/name_table_io.c)."""
    out = evidence_json(row, {"Process": row["name"], "Count": row["count"],
                              "UserCount": row["count"], "DemoCount": 0})
    out["Originals"] = []
    folders = sorted(row["folders"] or [], key=lambda f: (-f["count"], f["folder"].encode("utf-8")))
    out["Folders"] = [evidence_json(f, {"Folder": f["folder"], "Count": f["count"]})
                      for f in folders]
    return json.dumps(out, ensure_ascii=False, separators=(",", ":"))


def write_table(table, path):
    """Streams the table to one local file on the driver; returns (names, events)."""
    names = events = 0
    tmp = path + ".part"
    with open(tmp, "w", encoding="utf-8", newline="\n") as out:
        for row in table.toLocalIterator(prefetchPartitions=True):
            out.write(table_row_json(row))
            out.write("\n")
            names += 1
            events += row["count"]
    os.replace(tmp, path)
    return names, events


def table_size(path):
    """(names, events) of a name table on the driver."""
    names = events = 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                names += 1
                events += json.loads(line).get("Count", 0)
    return names, events


def run_shards(spark, table_file, args):
    """Runs the N masq shards on executors; returns [(k, parsed JSON output)]."""
    sc = spark.sparkContext
    # Spark keeps every file added to a context under its base name and refuses
    # a second one of that name with other contents: a session that runs the job
    # twice (a notebook, two days) ships each table under a name of its own.
    digest = hashlib.sha256()
    with open(table_file, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    # The path is the digest's too, and is kept: Spark serves an added file
    # from where it was added for as long as the session lives (an executor
    # that starts later fetches it then), and adding one name from two paths
    # is refused on a cluster.
    table_name = "names-%s.jsonl" % digest.hexdigest()[:16]
    folder = os.path.join(tempfile.gettempdir(), "masq-spark-tables-%d" % os.getuid())
    os.makedirs(folder, mode=0o700, exist_ok=True)
    held = os.lstat(folder)
    if not stat.S_ISDIR(held.st_mode) or held.st_uid != os.getuid() or held.st_mode & 0o077:
        raise RuntimeError("%s is not a folder of yours alone (0700): the shipped name table "
                           "would be another user's to change" % folder)
    shipped = os.path.join(folder, table_name)
    if not os.path.exists(shipped):
        partial = tempfile.NamedTemporaryFile(dir=folder, delete=False)
        partial.close()
        shutil.copyfile(table_file, partial.name)
        os.replace(partial.name, shipped)
    sc.addFile(shipped)
    archive_name = None
    if args.masq_archive:
        archive_name = os.path.basename(args.masq_archive).split(".")[0]
        sc.addArchive(args.masq_archive + "#" + archive_name)
    elif args.ship_masq:
        sc.addFile(args.masq)
    masq, ship, shards = args.masq, args.ship_masq, args.shards
    extra = list(args.masq_arg or [])
    if args.profile:
        extra += ["--profile", args.profile]
    threads = args.shard_threads or int(sc.getConf().get("spark.task.cpus", "1"))
    extra += ["--threads", str(threads)]

    # Nested, so that the tasks carry it: executors need not import this file.
    def executor_masq(masq, ship, archive):
        """The masq command an executor runs, and its environment (closure-safe)."""
        from pyspark import SparkFiles
        env = dict(os.environ)
        if archive:
            root = SparkFiles.get(archive)
            path = os.path.join(root, "bin", "masq")
            env["LD_LIBRARY_PATH"] = os.path.join(root, "lib") + (
                ":" + env["LD_LIBRARY_PATH"] if env.get("LD_LIBRARY_PATH") else "")
        elif ship:
            path = SparkFiles.get(os.path.basename(masq))
        else:
            return masq, env
        if not os.access(path, os.X_OK):
            try:
                os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
            except OSError:     # a read-only fetch: run a private copy
                copy = os.path.join(tempfile.mkdtemp(prefix="masq-"), "masq")
                shutil.copy(path, copy)
                os.chmod(copy, 0o755)
                path = copy
        return path, env

    def shard(indexes):
        from pyspark import SparkFiles
        binary, env = executor_masq(masq, ship, archive_name)
        table = SparkFiles.get(table_name)
        for k in indexes:
            command = [binary, "scan", "--schema", "names", "--shard", "%d/%d" % (k, shards),
                       "--format", "json", "-q"] + extra + [table]
            started = time.time()
            done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
            if done.returncode != 0:
                raise RuntimeError("masq shard %d/%d exited %d: %s\n%s" % (
                    k, shards, done.returncode, " ".join(command),
                    done.stderr.decode("utf-8", "replace")[-4000:]))
            yield k, time.time() - started, done.stdout.decode("utf-8")

    rdd = sc.parallelize(range(shards), shards)
    return [(k, seconds, json.loads(text)) for k, seconds, text in rdd.mapPartitions(shard).collect()]


def report_order(anomaly):
    """masq's order (host/detect/detect.c): severity, score (both descending), then
    the names by byte order."""
    return (-SEVERITY_RANK.get(anomaly.get("Severity"), 0), -float(anomaly["AnomalyScore"]),
            anomaly["NormalProcess"].encode("utf-8"),
            anomaly["PotentiallyMaliciousProcess"].encode("utf-8"))


def merge_shards(results, table_names, table_events, timings):
    anomalies = [a for _, _, out in results for a in out["anomalies"]]
    anomalies.sort(key=report_order)
    first = results[0][2]["summary"] if results else {}
    summary = {key: first[key] for key in (
        "version", "profile", "names", "frequent", "frequent_threshold",
        "infrequent_threshold", "similarity_threshold", "backend", "device") if key in first}
    summary.update({
        "engine": "spark", "shards": len(results), "events": table_events,
        "table_names": table_names, "anomalies": len(anomalies),
        # A shard compares the infrequent names of its slice with every frequent one.
        "infrequent": sum(out["summary"].get("infrequent", 0) for _, _, out in results),
        "pairs_compared": sum(out["summary"].get("pairs_compared", 0) for _, _, out in results),
        "seconds": timings,
        "shard_seconds": [round(s, 3) for _, s, _ in sorted(results, key=lambda r: r[0])]})
    return {"summary": summary, "anomalies": anomalies}


def start_session(master):
    from pyspark.sql import SparkSession
    builder = SparkSession.builder.appName("masq-spark")
    if master:
        builder = builder.master(master)
    return builder.getOrCreate()


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="export folders or files (local, abfss://, wasbs://, dbfs:/ ...)")
    p.add_argument("--masq", default="masq",
                   help="masq on the executors (default: masq on their PATH)")
    p.add_argument("--ship-masq", action="store_true",
                   help="send --masq (a path on the driver, or a URI Spark reads) to the "
                        "executors with the job")
    p.add_argument("--masq-archive", metavar="TAR_GZ",
                   help="a bundle from tools/spark/bundle_masq.sh (a driver path or a URI such "
                        "as abfss://...), unpacked on the executors")
    p.add_argument("--shards", type=int, default=0,
                   help="masq tasks (default: the cluster's default parallelism)")
    p.add_argument("--shard-threads", type=int, default=0,
                   help="masq --threads in each task (default: spark.task.cpus)")
    p.add_argument("--profile", choices=["notebook", "default"], help="masq --profile")
    p.add_argument("--masq-arg", action="append", metavar="ARG",
                   help="one more masq scan argument (repeat: --masq-arg=--backend "
                        "--masq-arg=cpu)")
    p.add_argument("--format", choices=["json", "ndjson"], default="json")
    p.add_argument("-o", "--output", help="results file on the driver (default: stdout)")
    p.add_argument("--table", help="where the driver writes the name table "
                                   "(default: a temporary file)")
    p.add_argument("--from-table", metavar="FILE",
                   help="a name table on the driver (this job's --table, masq --emit-names "
                        "or masq merge): no export is read, only the matrix runs")
    p.add_argument("--table-only", action="store_true", help="write the table, run no masq")
    p.add_argument("--since", metavar="TIME",
                   help="only events at or after TIME (ISO 8601 UTC, as masq --since)")
    p.add_argument("--until", metavar="TIME",
                   help="only events before TIME (ISO 8601 UTC, as masq --until)")
    p.add_argument("--no-dedup", action="store_true",
                   help="keep rows written twice (same EventOriginId)")
    p.add_argument("--no-cache", action="store_true",
                   help="do not persist the parsed events (the export is read twice)")
    p.add_argument("--master", help="Spark master (default: the session's, e.g. local[*])")
    args = p.parse_args(argv)
    if args.table_only and not args.table:
        p.error("--table-only needs --table")
    if bool(args.paths) == bool(args.from_table):
        p.error("give export PATHs or --from-table, not both")
    if args.from_table and args.table_only:
        p.error("--from-table runs masq: --table-only makes no sense with it")
    if args.shards < 0 or args.shard_threads < 0:
        p.error("--shards and --shard-threads must be >= 0")
    shipped = args.masq_archive or (args.masq if args.ship_masq else None)
    if shipped and "://" not in shipped and not os.path.exists(shipped):
        p.error("%s: no such file on the driver" % shipped)
    return args


def main(argv=None):
    args = parse_args(argv)
    spark = start_session(args.master)
    # First/last seen in UTC, whatever the cluster's zone; a notebook's session gets
    # its own zone back.
    zone = spark.conf.get("spark.sql.session.timeZone")
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    timings = {}
    started = time.time()
    workdir = tempfile.mkdtemp(prefix="masq-spark-")
    try:
        if args.from_table:
            table_file = args.from_table
            names, total = table_size(table_file)
        else:
            table_file = args.table or os.path.join(workdir, "names.jsonl")
            events = read_events(spark, args.paths, dedup=not args.no_dedup,
                                 since=args.since, until=args.until)
            if not args.no_cache:   # the export is parsed once for both aggregations
                from pyspark import StorageLevel
                events = events.persist(StorageLevel.MEMORY_AND_DISK)
            names, total = write_table(name_table(events), table_file)
            if not args.no_cache:
                events.unpersist()
            timings["table"] = round(time.time() - started, 3)
            print("masq_spark: %d events, %d names -> %s (%.1f s)" % (
                total, names, table_file, timings["table"]), file=sys.stderr)
        if args.table_only:
            return 0
        if names == 0:
            print("masq_spark: no 4688 events in %s" % " ".join(args.paths), file=sys.stderr)
            return 1
        if args.shards == 0:
            args.shards = max(1, spark.sparkContext.defaultParallelism)
        t = time.time()
        try:
            results = run_shards(spark, table_file, args)
        except Exception as error:  # a task's RuntimeError arrives wrapped by Py4J
            print("masq_spark: a masq shard failed: %s" % str(error)[-6000:], file=sys.stderr)
            return 2
        timings["match"] = round(time.time() - t, 3)
        timings["total"] = round(time.time() - started, 3)
        merged = merge_shards(results, names, total, timings)
        out = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout
        try:
            if args.format == "json":
                json.dump(merged, out, ensure_ascii=False, indent=1)
                out.write("\n")
            else:
                for anomaly in merged["anomalies"]:
                    out.write(json.dumps(anomaly, ensure_ascii=False, separators=(",", ":")) + "\n")
        finally:
            if out is not sys.stdout:
                out.close()
        print("masq_spark: %d anomalies from %d shards (%.1f s)" % (
            len(merged["anomalies"]), len(results), timings["total"]), file=sys.stderr)
        return 0
    finally:
        spark.conf.set("spark.sql.session.timeZone", zone)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
