#!/usr/bin/env python3
"""masq reading the Log Analytics export container over HTTP, against a loopback
stand-in of Blob Storage (blob_test_server.py), checked first against Microsoft's
own client (azure-storage-blob) so that the stand-in speaks the real protocol.

What is checked:
  - the stand-in, by azure-storage-blob: listing in marker pages, a delimiter,
    ranged downloads, a 503 and a cut body that the SDK retries, a wrong SAS;
  - masq: the same anomalies (JSON minus timing fields) from the tree on disk and
    from the container, in both profiles, with 2-item and 5,000-item pages;
  - a large blob read in parts with Range, identical to the same file on disk;
  - a cut body resumed with Range; 503 and 429 retried (list and get);
  - --last 1d (the notebook's window) on a tree of the last day, from both;
  - --since/--until narrowed to the date prefixes that can hold those hours
    (the stand-in's log), the result equal to the same window on disk;
  - an Entra token for storage (client credentials) instead of a SAS, never shown;
  - a wrong or missing SAS: 403 and masq's clear error, the SAS in no output;
    --sas-file refused unless 0600; a URL with a query refused;
  - blob names with XML's special characters and a control character;
  - https only, except loopback; Azurite's path-style URLs; --dry-run shows the
    requests with the SAS redacted; a URL mixed with a local path.

Usage: run_blob_tests.py MASQ
"""
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True
import blob_test_server as fake  # noqa: E402

RUN_FIELDS = ("seconds", "threads", "backend", "device", "kernel_launches",
              "kernel_overflows", "pairs_scored", "pairs_verified")
SIG = "c2VjcmV0LXNpZ25hdHVyZS1vZi10aGUtdGVzdHM%3D"
SAS = "sv=2021-08-06&ss=b&srt=co&sp=rl&se=2099-01-01T00:00:00Z&sig=" + SIG
SIG_DECODED = "c2VjcmV0LXNpZ25hdHVyZS1vZi10aGUtdGVzdHM="

FAILURES = []


def check(condition, what, detail=""):
    print("%s %s" % ("ok  " if condition else "FAIL", what))
    if not condition:
        FAILURES.append(what)
        if detail:
            print("     " + detail.replace("\n", "\n     ")[:3000])


def run_masq(masq, args, sas=SAS, extra_env=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AZURE_", "MASQ_"))}
    env["LC_ALL"] = "C"
    if sas is not None:
        env["MASQ_STORAGE_SAS"] = sas
    env.update(extra_env or {})
    return subprocess.run([masq, "scan"] + args, capture_output=True, env=env, timeout=300)


# What a narrowed listing reads less of: the files outside the window.
READ_FIELDS = ("bytes", "files", "lines", "duplicate_events", "events_outside_window",
               "other_events")


def anomalies(done, what, narrowed=False):
    """The JSON output without its timing fields (and, narrowed, the counts of
    what was read: fewer files outside the window)."""
    if done.returncode != 0:
        check(False, what, "exit %d: %s" % (done.returncode, done.stderr.decode()[-2000:]))
        return None
    document = json.loads(done.stdout)
    for key in RUN_FIELDS + (READ_FIELDS if narrowed else ()):
        document["summary"].pop(key, None)
    return json.dumps(document, sort_keys=True)


def same(masq, what, disk_args, blob_args, narrowed=False, **kwargs):
    disk = anomalies(run_masq(masq, ["--format", "json"] + disk_args), what + " (disk)", narrowed)
    blob_run = run_masq(masq, ["--format", "json"] + blob_args, **kwargs)
    blob = anomalies(blob_run, what + " (blob)", narrowed)
    if disk is None or blob is None:
        return None
    detail = ""
    if disk != blob:
        a, b = json.loads(disk), json.loads(blob)
        detail = "disk summary %s\nblob summary %s" % (a["summary"], b["summary"])
    check(disk == blob and json.loads(disk)["anomalies"], what, detail)
    return blob_run


def sdk_checks(server, storage, tree):
    """The stand-in against azure-storage-blob (Microsoft's Python client)."""
    try:
        from azure.core.exceptions import HttpResponseError
        from azure.storage.blob import ContainerClient
    except ImportError as error:
        check(False, "azure-storage-blob is installed (tools/requirements-test.txt)", str(error))
        return
    import logging
    logging.getLogger("azure").setLevel(logging.ERROR)  # its retry of the cut body is expected
    names = storage.names()
    client = ContainerClient.from_container_url(server.url, credential=SAS)
    storage.page_size = 2
    storage.reset_log()
    listed = [b.name for b in client.list_blobs()]
    pages = [r for r in storage.requests if r[0] == "list"]
    check(listed == names and len(pages) == (len(names) + 1) // 2,
          "SDK: list_blobs in pages of 2 items, with markers (%d pages)" % len(pages))
    sizes = {b.name: b.size for b in client.list_blobs(name_starts_with=names[0][:20])}
    check(all(sizes[n] == os.path.getsize(os.path.join(tree, n)) for n in sizes),
          "SDK: listed sizes are the files' (%d blobs)" % len(sizes))
    storage.page_size = 5000
    walked = sorted(p.name for p in client.walk_blobs(delimiter="y="))
    stems = [n for n in walked if n.endswith("/y=")]
    check(len(stems) == 1 and len(walked) == 3,
          "SDK: a delimiter listing: the export's folder and the 2 blobs beside it: %s" % walked)
    name = max(names, key=lambda n: os.path.getsize(os.path.join(tree, n)))
    data = open(os.path.join(tree, name), "rb").read()
    blob = client.get_blob_client(name)
    check(blob.download_blob(offset=100, length=1000).readall() == data[100:1100],
          "SDK: a ranged download")
    small = ContainerClient.from_container_url(server.url, credential=SAS,
                                               max_single_get_size=4096, max_chunk_get_size=4096)
    storage.reset_log()
    got = small.get_blob_client(name).download_blob(max_concurrency=1).readall()
    ranges = [r[2] for r in storage.requests if r[0] == "get"]
    check(got == data and len(ranges) > 2, "SDK: a download in %d ranged requests" % len(ranges))
    storage.script("get", "503", "cut")
    storage.reset_log()
    got = small.get_blob_client(name).download_blob(max_concurrency=1).readall()
    statuses = [r[3] for r in storage.requests if r[0] == "get"]
    check(got == data and 503 in statuses and len(statuses) > len(ranges) + 1,
          "SDK: retries a 503 and a cut body (%d requests)" % len(statuses))
    storage.script("get", "reset", "500")
    storage.script("list", "503", "reset")
    storage.reset_log()
    got = small.get_blob_client(name).download_blob(max_concurrency=1).readall()
    listed_again = [b.name for b in small.list_blobs()]
    statuses = [(r[0], r[3]) for r in storage.requests]
    check(got == data and listed_again == names and ("get", 0) in statuses and
          ("get", 500) in statuses and ("list", 503) in statuses and ("list", 0) in statuses,
          "SDK: retries resets, a 500 and a 503 on the listing")
    # Storage throttles with 503 ServerBusy; the SDK does not retry a 429 (other Azure
    # services send it; masq retries both).
    bad = ContainerClient.from_container_url(server.url, credential=SAS.replace("sig=", "sig=x"))
    try:
        list(bad.list_blobs())
        check(False, "SDK: a wrong SAS is refused")
    except HttpResponseError as error:
        check(error.status_code == 403 and error.error_code == "AuthenticationFailed",
              "SDK: a wrong SAS: 403 %s" % error.error_code)


def write_big_file(tree, path, megabytes):
    """One large JSON-lines file: the tree's plain files, again and again, each
    copy with its own EventOriginIds (so no copy is a duplicate of another)."""
    rows = []
    for folder, _, files in sorted(os.walk(tree)):
        for f in sorted(files):
            if f.endswith(".json"):
                rows.extend(open(os.path.join(folder, f), "rb").read().splitlines())
    with open(path, "wb") as out:
        copy = 0
        while out.tell() < megabytes << 20:
            for row in rows:
                out.write(row.replace(b'"EventOriginId":"', b'"EventOriginId":"%d-' % copy) +
                          b"\n")
            copy += 1


def main():
    masq = sys.argv[1]
    work = tempfile.mkdtemp(prefix="masq-blob-")
    try:
        tree = os.path.join(work, "tree")
        subprocess.run([sys.executable, os.path.join(ROOT, "tools", "gen_export.py"),
                        "--events", "20000", "--names", "400", "--hosts", "12", "--seed", "3",
                        "--gzip-fraction", "0.2", "--jobs", "1", "--out", tree],
                       check=True, capture_output=True)
        # Hostile names: XML's special characters, a space, UTF-8, a control
        # character (the service lists it Encoded="true", percent-encoded).
        some = sorted(os.path.join(d, f) for d, _, fs in os.walk(tree) for f in fs
                      if f.endswith(".json"))[0]
        for odd in ("odd & <name> \u00fc.json", "ctl\x01name.json"):
            shutil.copy(some, os.path.join(tree, odd))
        storage = fake.FakeBlobStorage(tree, "am-securityevent", SIG_DECODED)
        server = fake.Server(storage)
        url = server.url
        sdk_checks(server, storage, tree)

        # The same anomalies from disk and from the container, both profiles.
        for profile in ("default", "notebook"):
            storage.page_size = 5000
            same(masq, "profile %s: disk and container agree" % profile,
                 ["--profile", profile, tree], ["--profile", profile, url])
        storage.page_size = 2
        storage.reset_log()
        same(masq, "pages of 2 items: disk and container agree", [tree], [url])
        pages = [r for r in storage.requests if r[0] == "list"]
        markers = [r for r in pages if r[1].get("marker")]
        check(len(pages) > 100 and len(markers) == len(pages) - 1,
              "listing in marker pages (%d pages, %d with a marker)" % (len(pages), len(markers)))
        check(all("delimiter" not in r[1] for r in pages), "no --since: one flat listing")
        storage.page_size = 5000

        # 503 and 429 retried, on the listing and the blobs; a cut body resumed.
        storage.reset_log()
        storage.script("list", "503", "429", "reset", "cut")
        storage.script("get", "503", "429", "cut", "reset", "500")
        same(masq, "503, 429, 500, resets and a cut body retried: same anomalies", [tree], [url])
        statuses = [(r[0], r[3]) for r in storage.requests]
        check(("list", 503) in statuses and ("list", 429) in statuses and
              ("get", 503) in statuses and ("get", 429) in statuses,
              "the faults were served (%d requests)" % len(statuses))
        resumed = [r for r in storage.requests if r[0] == "get" and r[2] and
                   not r[2].startswith("bytes=0-")]
        check(len(resumed) == 1, "the cut body resumed with Range (%s)" %
              [r[2] for r in resumed])

        # A hostile listing: a marker handed back, a size no blob can have.
        for fault, what in (("loop", "hands back the marker it was given"),
                            ("huge", "a size no blob can have")):
            storage.reset_log()
            storage.script("list", fault, fault)
            done = run_masq(masq, [url])
            err = done.stderr.decode("utf-8", "replace")
            check(done.returncode == 1 and what in err,
                  "a listing whose page %s is refused (exit 1, not a hang or a huge read)" % fault,
                  "exit %d: %s" % (done.returncode, err[-400:]))
            storage.faults["list"].clear()

        # A large blob, read in parts with Range; the same file on disk in parts.
        big_tree = os.path.join(work, "big")
        os.makedirs(big_tree)
        write_big_file(tree, os.path.join(big_tree, "PT1H.json"), 100)
        big = fake.FakeBlobStorage(big_tree, "am-securityevent", SIG_DECODED)
        big_server = fake.Server(big)
        big.script("get", "ok", "ok", "cut")  # past the sniff of its first bytes: a part
        run = same(masq, "a 100 MB blob read in parts: as the file on disk",
                   ["--threads", "4", big_tree], ["--threads", "4", big_server.url])
        gets = [r[2] for r in big.requests if r[0] == "get"]
        starts = [int(g.split("=")[1].split("-")[0]) for g in gets if g]
        part = 32 << 20
        check(any(s == part - 1 for s in starts) and any(s == 2 * part - 1 for s in starts),
              "parts read with Range, each from the byte before it: %s" % gets)
        check(any(s % part not in (0, part - 1) for s in starts),
              "a part's cut body resumed where it stopped")
        if run is not None:
            lines = open(os.path.join(big_tree, "PT1H.json"), "rb").read().count(b"\n")
            got = json.loads(run.stdout)["summary"]["lines"]
            check(got == lines, "parts: every line read once (%d of %d)" % (got, lines))
        big_server.stop()

        # --since/--until: only the date prefixes of those hours are listed.
        storage.reset_log()
        window = ["--since", "2024-06-03T21:30:00Z", "--until", "2024-06-04T01:00:00Z"]
        same(masq, "--since/--until: disk and container agree", window + [tree], window + [url],
             narrowed=True)
        prefixes = [(r[1].get("prefix", ""), r[1].get("delimiter")) for r in storage.requests
                    if r[0] == "list"]
        stem = storage.names()[0].split("y=")[0] + "y="
        want = [("", "y=")] + [(stem + p, None) for p in
                               ("2024/m=06/d=03/h=21/", "2024/m=06/d=03/h=22/",
                                "2024/m=06/d=03/h=23/", "2024/m=06/d=04/h=00/")]
        check(prefixes == want, "--since/--until narrow the listing to 4 hour prefixes",
              "asked %s" % prefixes)
        storage.reset_log()
        whole = ["--since", "2024-06-03", "--until", "2024-06-04"]
        same(masq, "a whole day: disk and container agree", whole + [tree], whole + [url],
             narrowed=True)
        prefixes = [r[1].get("prefix", "") for r in storage.requests if r[0] == "list"]
        check(prefixes == ["", stem + "2024/m=06/d=03/"], "a whole day is one day prefix",
              "asked %s" % prefixes)
        storage.reset_log()
        days = ["--since", "2024-06-02T22:00:00Z", "--until", "2024-06-04T02:00:00Z"]
        run_masq(masq, ["--allow-empty"] + days + [url])
        prefixes = [r[1].get("prefix", "")[len(stem):] for r in storage.requests
                    if r[0] == "list"][1:]
        check(prefixes == ["2024/m=06/d=02/h=22/", "2024/m=06/d=02/h=23/", "2024/m=06/d=03/",
                           "2024/m=06/d=04/h=00/", "2024/m=06/d=04/h=01/"],
              "hours at the edges of a window, whole days inside it", "asked %s" % prefixes)
        deep = url + "/" + stem[:-2]
        same(masq, "a URL with a prefix (the workspace's folder)",
             [os.path.join(tree, stem[:-2])], [deep])

        # The notebook's window, one option away: --last 1d, on a tree of the last day.
        now_hour = int(time.time()) // 3600 * 3600
        recent = os.path.join(work, "recent")
        start = time.strftime("%Y-%m-%dT%H:00:00", time.gmtime(now_hour - 23 * 3600))
        subprocess.run([sys.executable, os.path.join(ROOT, "tools", "gen_export.py"),
                        "--events", "5000", "--names", "200", "--hosts", "8", "--seed", "5",
                        "--jobs", "1", "--start", start, "--out", recent],
                       check=True, capture_output=True)
        recent_storage = fake.FakeBlobStorage(recent, "am-securityevent", SIG_DECODED)
        recent_server = fake.Server(recent_storage)
        for profile in ("notebook", "default"):
            same(masq, "--last 1d (%s): disk and container agree" % profile,
                 ["--profile", profile, "--last", "1d", recent],
                 ["--profile", profile, "--last", "1d", recent_server.url], narrowed=True)
        lists = [r[1] for r in recent_storage.requests if r[0] == "list"]
        hours = [q.get("prefix", "") for q in lists if q.get("delimiter") != "y="]
        check(len(lists) - len(hours) == 2 and all("/y=" in h for h in hours) and
              24 <= len(hours) / 2 <= 27,
              "--last 1d lists a day of date prefixes (%d a run)" % (len(hours) // 2))
        recent_server.stop()

        # Local paths mixed with URLs.
        extra = os.path.join(work, "extra.json")
        with open(extra, "w") as f:
            f.write(json.dumps({"TimeGenerated": "2024-06-03T12:00:00Z", "EventID": 4688,
                                "Computer": "extra-host", "NewProcessName":
                                "C:\\Windows\\System32\\svch0st.exe", "EventOriginId": "x-1"}) +
                    "\n")
        same(masq, "a URL mixed with a local file", [tree, extra], [url, extra])

        # Credentials: a wrong or missing SAS is 403, a clear error, never echoed.
        for label, sas in (("a wrong SAS", SAS.replace("sig=", "sig=AAAA")), ("no SAS", None)):
            done = run_masq(masq, [url], sas=sas)
            text = (done.stdout + done.stderr).decode()
            check(done.returncode == 1 and "403 AuthenticationFailed" in text and
                  "sp=rl" in text and "Storage Blob Data Reader" in text,
                  "%s: exit 1, 403 and what to check" % label, text[-1500:])
            check(SIG not in text and SIG_DECODED not in text and "AAAA" not in text,
                  "%s: the SAS is in no output" % label)
        done = run_masq(masq, ["-v", "--dry-run", url], extra_env={})
        text = (done.stdout + done.stderr).decode()
        check(done.returncode == 0 and "masq: request: GET " + url in text and
              "[SAS redacted]" in text and SIG not in text and SIG_DECODED not in text,
              "--dry-run: the requests shown, the SAS redacted", text[-800:])
        sas_file = os.path.join(work, "sas")
        with open(sas_file, "w") as f:
            f.write("?" + SAS + "\n")
        os.chmod(sas_file, 0o644)
        done = run_masq(masq, ["--sas-file", sas_file, url], sas=None)
        check(done.returncode == 1 and b"mode 0600" in done.stderr,
              "--sas-file of mode 0644 is refused", done.stderr.decode()[-500:])
        os.chmod(sas_file, stat.S_IRUSR | stat.S_IWUSR)
        same(masq, "--sas-file (0600, with '?' and a newline): disk and container agree",
             [tree], ["--sas-file", sas_file, url], sas="sv=wrong")
        done = run_masq(masq, [url + "?" + SAS])
        text = (done.stdout + done.stderr).decode()
        check(done.returncode == 1 and "must not carry a query" in text and SIG not in text,
              "a SAS in the URL is refused, not echoed", text[-500:])

        # An Entra token for storage instead of a SAS (client credentials).
        entra = fake.FakeBlobStorage(tree, "am-securityevent", SIG_DECODED,
                                     entra=("tenant-1", "client-1", "client-secret-1"))
        entra_server = fake.Server(entra)
        azure_env = {"AZURE_TENANT_ID": "tenant-1", "AZURE_CLIENT_ID": "client-1",
                     "AZURE_CLIENT_SECRET": "client-secret-1",
                     "AZURE_AUTHORITY_HOST": "http://127.0.0.1:%d" % entra_server.port}
        run = same(masq, "an Entra token for storage: disk and container agree", [tree],
                   ["--dry-run", entra_server.url], sas=None, extra_env=azure_env)
        tokens = list(entra.tokens)
        if run is not None:
            text = (run.stdout + run.stderr).decode()
            check(len(tokens) == 1 and tokens[0] not in text and "client-secret-1" not in text
                  and "Bearer [redacted]" in text,
                  "one token fetched, in no output (--dry-run shows it redacted)")
        done = run_masq(masq, [entra_server.url], sas=None,
                        extra_env=dict(azure_env, AZURE_CLIENT_SECRET="wrong-secret"))
        check(done.returncode == 1 and b"no token for Azure Storage" in done.stderr and
              b"wrong-secret" not in done.stderr + done.stdout,
              "a wrong client secret: no token, a clear error", done.stderr.decode()[-600:])
        run = same(masq, "--managed-identity (IMDS): disk and container agree", [tree],
                   ["--managed-identity", entra_server.url], sas=None,
                   extra_env={"AZURE_POD_IDENTITY_AUTHORITY_HOST":
                              "http://127.0.0.1:%d" % entra_server.port})
        check(any(r[0] == "imds" and r[3] == 200 for r in entra.requests),
              "--managed-identity: the storage token came from IMDS")

        # A scan that outlasts its token: renewed before it expires. The
        # stand-in's tokens say they live 303 s, which masq renews 5 minutes
        # ahead (after 3 s), and it honours them for 4 s only: a scan that
        # kept its first token would get 401 from then on.
        blobs = sum(len(fs) for _, _, fs in os.walk(tree))
        entra.token_lifetime, entra.token_honoured = 303, 4.0
        entra.get_delay = max(0.02, 12.0 / blobs)
        entra.reset_log()
        before = set(entra.tokens)
        started = time.monotonic()
        same(masq, "a scan that outlasts its token: disk and container agree", [tree],
             ["--threads", "1", entra_server.url], sas=None, extra_env=azure_env)
        took = time.monotonic() - started
        issued = len(set(entra.tokens) - before)
        refused = sum(1 for r in entra.requests if r[3] == 401)
        check(took > 6 and issued >= 2 and refused == 0,
              "the storage token renewed before it expired (%d tokens in %.1f s, %d answers 401)"
              % (issued, took, refused))

        # A renewal that fails: the old token goes on (it is renewed 5 minutes
        # early), the failure is said, and it is tried again only 30 s later.
        entra.token_lifetime, entra.token_honoured, entra.token_grants = 303, None, 1
        entra.reset_log()
        run = same(masq, "a renewal that fails: the old token goes on, disk and container agree",
                   [tree], ["--threads", "1", entra_server.url], sas=None, extra_env=azure_env)
        asked = [r[3] for r in entra.requests if r[0] == "token"]
        err = run.stderr.decode() if run is not None else ""
        check(asked == [200, 400] and "could not be renewed" in err and
              sum(1 for r in entra.requests if r[3] == 401) == 0,
              "a failed renewal said once, tried again no sooner than 30 s (token answers %s)"
              % asked, err[-600:])
        entra.token_lifetime, entra.token_honoured, entra.get_delay = 3599, None, 0.0
        entra.token_grants = None
        entra_server.stop()

        # https only, except loopback; no request leaves.
        for bad in ("http://example.com/am-securityevent", "http://10.1.2.3/acct/c"):
            done = run_masq(masq, [bad])
            check(done.returncode == 1 and b"https" in done.stderr,
                  "refused: %s" % bad, done.stderr.decode()[-300:])
        done = run_masq(masq, ["http://127.0.0.1:%d/devstoreaccount1/no-such" % server.port])
        check(done.returncode == 1 and b"404 ContainerNotFound" in done.stderr,
              "a container that does not exist: 404 said", done.stderr.decode()[-300:])
        server.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if FAILURES:
        print("%d failed: %s" % (len(FAILURES), "; ".join(FAILURES)))
        return 1
    print("all passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
