#!/usr/bin/env python3
"""`masq scan --workspace` against a loopback stand-in for the Logs Query API
(logs_query_server.py), which evaluates masq's KQL over the rows it holds.

Checks: the same events, written to disk as an export tree and held by the
stand-in as Log Analytics tables, give byte-identical name tables and
anomalies in both profiles; the same with windows split (--query-max-rows,
and the service's own row limit answered as a partial error); a 429 with
Retry-After is waited out; any other partial error is refused with the
service's message and nothing counted; the token is asked for the audience
https://api.loganalytics.io and the stand-in refuses another; `masq query`
prints what the scan sends; --dry-run sends nothing; the managed identity
works; no secret is printed. Then Microsoft's own client, azure-monitor-query's
LogsQueryClient, queries the stand-in with masq's KQL: the same rows, its
partial result and its retry on 429, so the stand-in speaks the real protocol.

usage: run_workspace_tests.py MASQ
"""
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import logs_query_server as fake  # noqa: E402

MASQ = os.path.abspath(sys.argv[1])
WORK = tempfile.mkdtemp(prefix="masq-workspace-")
TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
CLIENT_ID = "0b1f3c2e-1111-4222-8333-944455556666"
CLIENT_SECRET = "Qy7~wOrKsPaCe+secret/with=odd&chars%41"
WORKSPACE = "b7c0a1d2-3e4f-4a5b-8c6d-7e8f9a0b1c2d"
SINCE, UNTIL = "2024-06-03T00:00:00Z", "2024-06-04T00:00:00Z"
WINDOW = ["--since", SINCE, "--until", UNTIL]

failures = []
checks = 0
captured = []


def check(condition, what):
    global checks
    checks += 1
    if not condition:
        failures.append(what)
        print("FAIL: " + what, file=sys.stderr)


# ---- the events: one export tree on disk, the same rows in the workspace ----------------
rng = random.Random(20240603)
COMMON = ["svchost.exe", "explorer.exe", "chrome.exe", "conhost.exe", "RuntimeBroker.exe",
          "taskhostw.exe", "msedge.exe", "SearchIndexer.exe", "OneDrive.exe", "Teams.exe",
          "powershell.exe", "WmiPrvSE.exe", "dllhost.exe", "sihost.exe", "ctfmon.exe",
          "backgroundTaskHost.exe", "SearchProtocolHost.exe", "smartscreen.exe", "audiodg.exe",
          "spoolsv.exe", "MsMpEng.exe", "winlogon.exe", "csrss.exe", "lsass.exe", "services.exe"]
RARE = ["svch0st.exe", "scvhost.exe", "expl0rer.exe", "chr0me.exe", "RuntimeBrokar.exe",
        "taskhostw.com", "msedg3.exe", "SearchIndexr.exe", "powershel1.exe", "WmiPrvSE .exe",
        "İnstaller.exe", "ΣΊΣΥΦΟΣ.exe", "setup_x64_1.exe", "update-helper.exe", "dllhost.exe.exe",
        "svс host.exe", "ctfm0n.exe", "OneDrlve.exe"]
SYSTEM = "C:\\Windows\\System32\\"
FOLDERS = {"chrome.exe": "C:\\Program Files\\Google\\Chrome\\Application\\",
           "msedge.exe": "C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\",
           "Teams.exe": "C:\\Users\\ana\\AppData\\Local\\Microsoft\\Teams\\",
           "OneDrive.exe": "C:\\Users\\ana\\AppData\\Local\\Microsoft\\OneDrive\\",
           "explorer.exe": "C:\\Windows\\"}
SE_HOSTS = ["WS-%02d.contoso.local" % i for i in range(1, 13)]
SYSMON_HOSTS = ["SM-%02d" % i for i in range(1, 5)]
MDE_HOSTS = ["md-%02d.contoso.local" % i for i in range(1, 4)]
USERS = ["CONTOSO\\ana", "CONTOSO\\bo", "NT AUTHORITY\\SYSTEM", "CONTOSO\\адм"]


def when(second, digits=3):
    base = 1717372800 + second  # 2024-06-03T00:00:00Z
    text = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(base))
    fraction = "%07d" % rng.randrange(10_000_000)
    return text + ("." + fraction[:digits] if digits else "") + "Z"


def sha256():
    return "".join(rng.choice("0123456789ABCDEF") for _ in range(64))


security_rows, sysmon_rows, mde_rows = [], [], []
origin = [0]


def security_event(process, path, second, host, **extra):
    origin[0] += 1
    row = {"TimeGenerated": when(second, rng.choice([3, 7, 0])), "EventID": rng.choice([4688, 4688, "4688"]),
           "Computer": host, "Process": process, "NewProcessName": path,
           "Account": rng.choice(USERS), "ParentProcessName": SYSTEM + "services.exe",
           "EventOriginId": "5e1f%08x-0000-4000-8000-%012x" % (origin[0], origin[0]),
           "NewProcessId": "0x%x" % rng.randrange(1 << 16)}
    row.update(extra)
    return {k: v for k, v in row.items() if v is not None}


for index, name in enumerate(COMMON):
    folder = FOLDERS.get(name, SYSTEM)
    for k in range(max(2, 160 // (index + 1))):
        process = name.upper() if k % 7 == 3 else name  # the case the log wrote
        path = (folder.upper() if k % 5 == 1 else folder) + process
        extra = {}
        if k % 11 == 4:
            extra["Process"] = None  # no Process column: the name comes from the path
        if k % 13 == 6:
            extra.update(Account=None, SubjectUserName="ana", SubjectDomainName="CONTOSO")
        security_rows.append(security_event(process, path, rng.randrange(86400), rng.choice(SE_HOSTS), **extra))
    for k in range(max(1, 40 // (index + 1))):
        sysmon_rows.append({"TimeGenerated": when(rng.randrange(86400)), "EventID": 1,
                            "Source": "Microsoft-Windows-Sysmon", "Computer": rng.choice(SYSMON_HOSTS),
                            "Image": folder + name, "User": rng.choice(USERS),
                            "ParentImage": SYSTEM + "explorer.exe",
                            "OriginalFileName": rng.choice([name, name.upper() + ".MUI", "?", "-", ""]),
                            "Hashes": "MD5=%s,SHA256=%s,IMPHASH=%s" % (sha256()[:32], sha256(), sha256()[:32])})
    for k in range(max(1, 30 // (index + 1))):
        mde_rows.append({"Timestamp": when(rng.randrange(86400)), "ActionType": "ProcessCreated",
                         "FileName": name, "FolderPath": folder + name, "DeviceName": rng.choice(MDE_HOSTS),
                         "AccountName": "ana", "AccountDomain": "contoso",
                         "InitiatingProcessFolderPath": SYSTEM.lower() + "cmd.exe",
                         "ProcessVersionInfoOriginalFileName": name, "SHA256": sha256().lower()})
for name in RARE:
    folder = rng.choice(["C:\\Users\\Public\\", "C:\\Windows\\Temp\\", "C:\\ProgramData\\", SYSTEM])
    security_rows.append(security_event(name, folder + name, rng.randrange(86400), rng.choice(SE_HOSTS)))
    if rng.random() < 0.5:
        sysmon_rows.append({"TimeGenerated": when(rng.randrange(86400)), "EventID": 1,
                            "Source": "Microsoft-Windows-Sysmon", "Computer": rng.choice(SYSMON_HOSTS),
                            "Image": folder + name, "User": "CONTOSO\\bo", "ParentImage": SYSTEM + "cmd.exe",
                            "OriginalFileName": "svchost.exe", "Hashes": "SHA256=" + sha256()})
# A fake svchost.exe where users write, renamed binaries for the default profile.
security_rows.append(security_event("svchost.exe", "C:\\Users\\Public\\svchost.exe", 4000, SE_HOSTS[0]))
mde_rows.append({"Timestamp": when(5000), "ActionType": "ProcessCreated", "FileName": "notepad.exe",
                 "FolderPath": "C:\\Users\\Public\\notepad.exe", "DeviceName": MDE_HOSTS[0],
                 "AccountName": "bo", "AccountDomain": "contoso",
                 "InitiatingProcessFolderPath": "c:\\windows\\system32\\cmd.exe",
                 "ProcessVersionInfoOriginalFileName": "mimikatz.exe", "SHA256": sha256().lower()})
# Outside the window, other event ids, other actions: counted by neither route.
security_rows.append(security_event("svch0st.exe", "C:\\Temp\\svch0st.exe", -1, SE_HOSTS[1]))
security_rows.append(security_event("svch0st.exe", "C:\\Temp\\svch0st.exe", 86400, SE_HOSTS[1]))
security_rows.append(security_event("logon.exe", SYSTEM + "logon.exe", 100, SE_HOSTS[2], EventID=4624))
sysmon_rows.append({"TimeGenerated": when(200), "EventID": 3, "Source": "Microsoft-Windows-Sysmon",
                    "Computer": SYSMON_HOSTS[0], "Image": SYSTEM + "netconn.exe", "User": "x"})
mde_rows.append({"Timestamp": when(300), "ActionType": "ProcessTerminated", "FileName": "gone.exe",
                 "FolderPath": SYSTEM + "gone.exe", "DeviceName": MDE_HOSTS[1]})

# The export tree: rows by hour, one blob written twice over in part (an export retry: the
# same EventOriginId, which masq reads once; the workspace holds the row once).
EXPORT = os.path.join(WORK, "export")
ROOT = os.path.join(EXPORT, "WorkspaceResourceId=/subscriptions/0000/resourcegroups/rg/providers/"
                    "microsoft.operationalinsights/workspaces/ws")
for table, rows in (("securityevent", security_rows), ("sysmon", sysmon_rows), ("mde", mde_rows)):
    for i, row in enumerate(rows):
        hour = int(i % 24)
        folder = os.path.join(ROOT, "y=2024", "m=06", "d=03", "h=%02d" % hour, "m=00")
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "%s-PT1H.json" % table), "a", encoding="utf-8") as f:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
with open(os.path.join(ROOT, "y=2024", "m=06", "d=03", "h=05", "m=00", "securityevent-PT1H_1.json"), "w",
          encoding="utf-8") as f:
    for row in security_rows[5:40:24]:
        f.write(json.dumps(row, ensure_ascii=False) + "\n")

workspace = fake.Workspace(WORKSPACE, TENANT, CLIENT_ID, CLIENT_SECRET)
workspace.tables["SecurityEvent"] = list(security_rows)
workspace.tables["Event"] = [
    {"TimeGenerated": r["TimeGenerated"], "Source": r["Source"], "EventID": r["EventID"], "Computer": r["Computer"],
     "EventData": fake.sysmon_event_data({k: v for k, v in r.items()
                                          if k not in ("TimeGenerated", "Source", "EventID", "Computer")})}
    for r in sysmon_rows]
workspace.tables["DeviceProcessEvents"] = [dict(r, TimeGenerated=r["Timestamp"]) for r in mde_rows]
server = fake.start(workspace)
BASE = "http://127.0.0.1:%d" % server.server_address[1]


def env(**extra):
    e = {k: v for k, v in os.environ.items() if not k.startswith("AZURE_")}
    e.update({"LC_ALL": "C", "AZURE_TENANT_ID": TENANT, "AZURE_CLIENT_ID": CLIENT_ID,
              "AZURE_CLIENT_SECRET": CLIENT_SECRET, "AZURE_AUTHORITY_HOST": BASE, "HOME": WORK})
    e.update(extra)
    return {k: v for k, v in e.items() if v is not None}


def masq(args, environment=None, timeout=120):
    done = subprocess.run([MASQ] + args, env=environment or env(), capture_output=True, timeout=timeout)
    out, err = done.stdout.decode(errors="replace"), done.stderr.decode(errors="replace")
    captured.extend([out, err])
    return done.returncode, out, err


def scan(profile, source, tag, extra=(), environment=None):
    """The anomalies (JSON text) and the name table (bytes) of one scan."""
    names = os.path.join(WORK, "%s-%s.names.jsonl" % (tag, profile))
    rc, out, err = masq(["scan", "--profile", profile, "--backend", "cpu", "--format", "json",
                         "--emit-names", names, "-v"] + WINDOW + list(source) + list(extra), environment)
    if rc != 0:
        return rc, None, None, err
    anomalies = json.dumps(json.loads(out)["anomalies"], ensure_ascii=False, sort_keys=True)
    with open(names, "rb") as f:
        return rc, anomalies, f.read(), err


FROM_WORKSPACE = ["--workspace", WORKSPACE, "--query-endpoint", BASE]
reference = {}

# ---- 1. The same anomalies and name table from disk and from the workspace ---------------
for profile in ("notebook", "default"):
    rc, disk_anomalies, disk_names, err = scan(profile, [EXPORT], "disk")
    check(rc == 0, "%s: the scan of the export tree failed: %s" % (profile, err[-500:]))
    workspace.reset()
    rc, ws_anomalies, ws_names, err = scan(profile, FROM_WORKSPACE, "workspace")
    check(rc == 0, "%s: the scan of the workspace failed: %s" % (profile, err[-800:]))
    reference[profile] = (disk_anomalies, disk_names)
    check("more than one sensor" not in err, "%s: a warning of twins where no host has two sensors" % profile)
    if rc != 0 or disk_anomalies is None:
        continue
    found = json.loads(disk_anomalies)
    check(len(found) >= 3, "%s: the test data should give anomalies, got %d" % (profile, len(found)))
    check(any(a["PotentiallyMaliciousProcess"] == "svch0st.exe" for a in found),
          "%s: svch0st.exe is not among the anomalies" % profile)
    check(ws_names == disk_names, "%s: the name table from the workspace differs from the one from disk"
          % profile)
    check(ws_anomalies == disk_anomalies, "%s: the anomalies from the workspace differ from those from disk"
          % profile)
    summarized = workspace.queries[0][1] if workspace.queries else []
    print("%s: %d events in the window, %d rows in the workspace's answer"
          % (profile, sum(r[9] for r in summarized), len(summarized)))
    check(len(workspace.queries) == 1, "%s: one query expected for a table that fits, got %d"
          % (profile, len(workspace.queries)))
    # What masq query prints is what was sent.
    rc, printed, _ = masq(["query", "--profile", profile] + FROM_WORKSPACE[:2] + WINDOW)
    check(rc == 0 and workspace.queries and printed == workspace.queries[0][0],
          "%s: masq query does not print the query the scan sent" % profile)
    check(("union isfuzzy=true" in printed) == (profile == "default"),
          "%s: the query's tables are not the profile's" % profile)
    check(all(s == fake.AUDIENCE + "//.default" for s in workspace.scopes) and workspace.scopes,
          "%s: masq asked for tokens of scopes %r" % (profile, workspace.scopes))
    check(all(set(b) == {"query"} for b in workspace.bodies), "the request bodies: %r" % workspace.bodies[:1])

# A host two sensors log may have twins, which only events pair: said, not hidden.
workspace.reset()
workspace.tables["Event"].append(dict(workspace.tables["Event"][0], Computer=SE_HOSTS[0].lower()))
rc, out, err = masq(["scan", "--backend", "cpu", "--format", "json"] + WINDOW + FROM_WORKSPACE)
workspace.tables["Event"].pop()
check(rc == 0 and "1 host is logged by more than one sensor" in err, "twins possible, not told: " + err[-300:])

# The export tree's duplicate rows were there, and read once.
check(sum(1 for _ in open(os.path.join(ROOT, "y=2024", "m=06", "d=03", "h=05", "m=00",
                                        "securityevent-PT1H_1.json"))) == 2, "the duplicate blob")

# ---- 2. Split windows: masq's own row bound, and the service's row limit -----------------
for profile in ("notebook", "default"):
    workspace.reset()
    rc, anomalies, names, err = scan(profile, FROM_WORKSPACE, "split", ["--query-max-rows", "40"])
    check(rc == 0, "%s: the split scan failed: %s" % (profile, err[-800:]))
    check(len(workspace.queries) > 3, "%s: --query-max-rows 40 should split the window (%d queries)"
          % (profile, len(workspace.queries)))
    check(all(len(q[1]) <= 41 for q in workspace.queries), "%s: an answer larger than take" % profile)
    check("asked again in two halves" in err, "%s: the split is not told at -v" % profile)
    check((anomalies, names) == reference[profile], "%s: a split window changes the result" % profile)

    workspace.reset()
    workspace.row_limit = 30
    rc, anomalies, names, err = scan(profile, FROM_WORKSPACE, "limit")
    workspace.row_limit = 500_000
    check(rc == 0, "%s: the scan under the service's row limit failed: %s" % (profile, err[-800:]))
    check(any(q[1] is not None and len(q[1]) == 30 for q in workspace.queries) and len(workspace.queries) > 3,
          "%s: the service's row limit was never hit or never split" % profile)
    check("cut at a limit of the service" in err, "%s: the limit's partial error is not told" % profile)
    check((anomalies, names) == reference[profile], "%s: the service's row limit changes the result" % profile)

# A window that cannot be split further is an error, never a part of the table.
workspace.reset()
rc, out, err = masq(["scan", "--backend", "cpu", "--format", "json", "--query-max-rows", "1",
                     "--since", "2024-06-03T10:00:00Z", "--until", "2024-06-03T10:00:01Z"] + FROM_WORKSPACE)
check(rc == 0 or "split no finer" not in err, "an unsplittable window")  # few rows in one second: fine
workspace.tables["SecurityEvent"].extend(
    security_event("same%d.exe" % i, SYSTEM + "same%d.exe" % i, 36000, SE_HOSTS[0]) for i in range(3))
rc, out, err = masq(["scan", "--backend", "cpu", "--format", "json", "--query-max-rows", "2",
                     "--since", "2024-06-03T10:00:00Z", "--until", "2024-06-03T10:00:01Z"] + FROM_WORKSPACE)
del workspace.tables["SecurityEvent"][-3:]
check(rc == 1 and "split no finer than a second" in err and out == "",
      "more rows in one second than allowed: rc %d, %s" % (rc, err[-300:]))

# ---- 3. 429 with Retry-After ---------------------------------------------------------------
workspace.reset()
workspace.script("429")
rc, anomalies, names, err = scan("notebook", FROM_WORKSPACE, "throttled")
check(rc == 0 and (anomalies, names) == reference["notebook"], "429: the result differs: " + err[-500:])
check(len(workspace.times) == 2 and workspace.times[1] - workspace.times[0] >= 0.95,
      "429: Retry-After: 1 not waited out (%r)" % workspace.times)

# A 401 (a token revoked early): once more with a new token.
workspace.reset()
workspace.script("401")
rc, anomalies, names, err = scan("notebook", FROM_WORKSPACE, "revoked")
check(rc == 0 and (anomalies, names) == reference["notebook"] and len(workspace.scopes) == 2,
      "401: not retried once with a new token (%d tokens): %s" % (len(workspace.scopes), err[-300:]))

# An empty window is told as such, and is a result with --allow-empty.
workspace.reset()
rc, out, err = masq(["scan", "--backend", "cpu", "--since", "2023-01-01", "--until", "2023-01-02"]
                    + FROM_WORKSPACE)
check(rc == 1 and "the workspace has no process starts in the window" in err, "an empty window: " + err[-300:])
rc, out, err = masq(["scan", "--backend", "cpu", "--format", "json", "--allow-empty", "--since", "2023-01-01",
                     "--until", "2023-01-02"] + FROM_WORKSPACE)
check(rc == 0 and json.loads(out)["anomalies"] == [], "an empty window with --allow-empty: rc %d" % rc)
rc, out, err = masq(["scan", "--baseline", os.path.join(WORK, "b.sqlite")] + WINDOW + FROM_WORKSPACE)
check(rc == 1 and "not with --baseline" in err, "--workspace with --baseline: " + err[-200:])
rc, out, err = masq(["query"] + WINDOW)
check(rc == 1 and "needs --workspace" in err, "masq query without --workspace: " + err[-200:])

# ---- 4. A partial error that is not a limit is refused --------------------------------------
workspace.reset()
workspace.script("partial")
rc, out, err = masq(["scan", "--profile", "notebook", "--backend", "cpu", "--format", "json"] + WINDOW
                    + FROM_WORKSPACE)
check(rc == 1 and out == "", "a partial answer: rc %d, stdout %r" % (rc, out[:200]))
check("PartialError" in err and "a storage shard did not answer" in err and "never used" in err,
      "a partial answer's message: " + err[-400:])

# A query the service refuses (its 400), and a workspace it does not know (404).
workspace.reset()
rc, out, err = masq(["scan", "--backend", "cpu", "--workspace", "00000000-0000-0000-0000-000000000000",
                     "--query-endpoint", BASE] + WINDOW)
check(rc == 1 and "WorkspaceNotFoundError" in err, "an unknown workspace: rc %d %s" % (rc, err[-300:]))
rc, out, err = masq(["scan", "--backend", "cpu", "--workspace", "../../x?y"] + WINDOW)
check(rc == 1 and "GUID" in err, "a workspace id that is no GUID: " + err[-200:])
rc, out, err = masq(["scan", "--backend", "cpu", "--workspace", WORKSPACE, "--query-endpoint",
                     "http://example.com"] + WINDOW)
check(rc == 1 and "example.com" in err and not workspace.queries, "plain http off loopback: " + err[-200:])

# ---- 5. The audience: a token for another one is refused by the stand-in ------------------
other = workspace.issue("https://monitor.azure.com")
request = urllib.request.Request(BASE + "/v1/workspaces/%s/query" % WORKSPACE, method="POST",
                                 data=json.dumps({"query": printed}).encode(),
                                 headers={"Authorization": "Bearer " + other, "Content-Type": "application/json"})
try:
    urllib.request.urlopen(request)
    check(False, "the stand-in took a token of another audience")
except urllib.error.HTTPError as e:
    check(e.code == 401, "a token of another audience: HTTP %d" % e.code)

# ---- 6. --dry-run sends nothing; the managed identity ------------------------------------
workspace.reset()
rc, out, err = masq(["scan", "--dry-run", "-v"] + WINDOW + FROM_WORKSPACE, env(AZURE_CLIENT_SECRET=None))
check(rc == 0 and out == "" and "summarize Count = count()" in err and not workspace.queries
      and not workspace.scopes, "--dry-run: rc %d, %d queries" % (rc, len(workspace.queries)))
workspace.reset()
rc, anomalies, names, err = scan("notebook", FROM_WORKSPACE + ["--managed-identity"], "imds", (),
                                 env(AZURE_CLIENT_SECRET=None, AZURE_POD_IDENTITY_AUTHORITY_HOST=BASE))
check(rc == 0 and (anomalies, names) == reference["notebook"], "managed identity: " + err[-400:])
check(workspace.scopes == ["imds:" + fake.AUDIENCE], "managed identity: resources %r" % workspace.scopes)
rc, out, err = masq(["scan"] + WINDOW + FROM_WORKSPACE, env(AZURE_CLIENT_SECRET=None))
check(rc == 1 and "AZURE_CLIENT_SECRET" in err, "missing credentials are told first: " + err[-300:])

# ---- 7. Microsoft's client against the same stand-in ----------------------------------------
try:
    from azure.core.credentials import AccessToken
    from azure.monitor.query import LogsQueryClient, LogsQueryStatus
except ImportError as e:
    check(False, "azure-monitor-query is not installed (tools/requirements-test.txt): %s" % e)
else:
    class StandInCredential:
        """Client credentials against the stand-in's Entra endpoint, as ClientSecretCredential
        asks them (azure-identity will not talk to an http authority)."""

        def get_token(self, *scopes, **kwargs):
            form = urllib.parse.urlencode({"grant_type": "client_credentials", "client_id": CLIENT_ID,
                                           "client_secret": CLIENT_SECRET, "scope": " ".join(scopes)})
            with urllib.request.urlopen(BASE + "/%s/oauth2/v2.0/token" % TENANT, data=form.encode()) as r:
                answer = json.load(r)
            return AccessToken(answer["access_token"], int(time.time()) + int(answer["expires_in"]))

    for profile in ("notebook", "default"):
        client = LogsQueryClient(StandInCredential(), endpoint=BASE, audience=fake.AUDIENCE)
        rc, kql, _ = masq(["query", "--profile", profile] + FROM_WORKSPACE[:2] + WINDOW)
        workspace.reset()
        result = client.query_workspace(WORKSPACE, kql, timespan=None, enforce_https=False)
        check(result.status == LogsQueryStatus.SUCCESS, "LogsQueryClient: status %s" % result.status)
        table = result.tables[0]
        check([c for c in table.columns] == [n for n, _ in fake.COLUMNS],
              "LogsQueryClient: columns %r" % (table.columns,))
        sent = workspace.queries[0][1]
        got = sorted(tuple(row[i] for i in range(10)) for row in table.rows)
        check(got == sorted(tuple(r[:10]) for r in sent) and len(got) > 50,
              "LogsQueryClient: the rows differ from the answer (%d rows)" % len(got))
        first = {tuple(row[i] for i in range(10)): row[10] for row in table.rows}
        check(all(first[tuple(r[:10])] == fake.datetime.datetime.fromisoformat(r[10].replace("Z", "+00:00"))
                  .replace(microsecond=first[tuple(r[:10])].microsecond) for r in sent),
              "LogsQueryClient: FirstSeen not read as the datetime sent")
        check(workspace.scopes == [fake.AUDIENCE + "/.default"], "LogsQueryClient: scopes %r" % workspace.scopes)
        # The rows masq counted for the same query are the same rows.
        workspace.reset()
        rc, anomalies, names, err = scan(profile, FROM_WORKSPACE, "again")
        check(sorted(tuple(r[:10]) for r in workspace.queries[0][1]) == got,
              "%s: masq and LogsQueryClient were answered different rows" % profile)
    workspace.reset()
    workspace.script("partial")
    result = client.query_workspace(WORKSPACE, kql, timespan=None, enforce_https=False)
    check(result.status == LogsQueryStatus.PARTIAL and result.partial_error is not None
          and result.partial_error.code == "PartialError",
          "LogsQueryClient: the partial error is not a partial result (%s)" % result.status)
    workspace.reset()
    workspace.script("429")
    result = client.query_workspace(WORKSPACE, kql, timespan=None, enforce_https=False)
    check(result.status == LogsQueryStatus.SUCCESS and len(workspace.times) == 2
          and workspace.times[1] - workspace.times[0] >= 0.95,
          "LogsQueryClient: 429 + Retry-After not retried as masq does (%r)" % workspace.times)

# ---- 8. No secret in anything masq printed ----------------------------------------------------
tokens = set(workspace.all_tokens)
leaks = [t for t in captured if CLIENT_SECRET in t or any(token in t for token in tokens)]
check(not leaks, "a secret or a token in masq's output")

server.shutdown()
shutil.rmtree(WORK, ignore_errors=True)
print("workspace_query: %d checks, %d failed" % (checks, len(failures)))
sys.exit(1 if failures else 0)
