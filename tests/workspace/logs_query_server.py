#!/usr/bin/env python3
"""A stand-in for the Log Analytics Logs Query API, on loopback only.

It implements, as far as masq's tests need them:
  - the Microsoft Entra token endpoint, client-credentials grant
    (POST /{tenant}/oauth2/v2.0/token), which records the scope asked for and
    issues tokens bound to that audience;
  - the managed identity endpoint, IMDS (GET /metadata/identity/oauth2/token);
  - the Logs Query API (POST /v1/workspaces/{id}/query, body {"query": KQL,
    "timespan": optional}): a bearer token issued for the audience
    https://api.loganalytics.io, else 401; the answer is the API's JSON,
    {"tables": [{"name": "PrimaryResult", "columns": [{"name", "type"}],
    "rows": [[...]]}]}, with "error" beside the tables for a partial result.

The query is not canned: the stand-in holds tables of rows as Log Analytics
holds them (SecurityEvent, Event with Sysmon's EventData XML,
DeviceProcessEvents) and evaluates masq's query over them, step by step as
its KQL says (host/ingest/workspace_kql.c): the window from its `let`
bounds, each table's filter and projection, the summarize, the `take`. A
query that is not masq's is answered 400 (BadArgumentError), as the service
answers a query it cannot parse.

Limits, as the service has them: `row_limit` rows an answer (500,000): past
it the rows are cut and a PartialError says the record count limit was
exceeded. Scripted faults, one per query request: "429" (Retry-After: 1),
"partial" (an engine error beside some rows), "401", "500".
"""
import datetime
import json
import random
import re
import secrets
import threading
import urllib.parse
import xml.etree.ElementTree as ElementTree
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

AUDIENCE = "https://api.loganalytics.io"
# masq's form (the SDKs' double slash, as for publishing) and the Python SDK's.
SCOPES = {AUDIENCE + "//.default", AUDIENCE + "/.default"}
COLUMNS = [("Sensor", "string"), ("Process", "string"), ("NewProcessName", "string"),
           ("Computer", "string"), ("User", "string"), ("UserDomain", "string"),
           ("ParentProcessName", "string"), ("OriginalFileName", "string"), ("Hashes", "string"),
           ("Count", "long"), ("FirstSeen", "datetime"), ("LastSeen", "datetime")]


def parse_time(text):
    """A Log Analytics datetime ("2024-06-03T10:00:01.123Z", 7 digits too)."""
    text = text.strip()
    match = re.fullmatch(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)?", text)
    if not match:
        raise ValueError("not a datetime: %r" % text)
    base = datetime.datetime.strptime(match.group(1), "%Y-%m-%dT%H:%M:%S")
    fraction = (match.group(2) or "0")[:7].ljust(7, "0")
    ticks = int(fraction)  # 100 ns, as Kusto keeps them
    zone = match.group(3) or "Z"
    offset = datetime.timedelta(0)
    if zone != "Z":
        sign = 1 if zone[0] == "+" else -1
        offset = sign * datetime.timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6]))
    epoch = datetime.datetime(1970, 1, 1)
    seconds = int((base - offset - epoch).total_seconds())
    return seconds * 10_000_000 + ticks


def format_time(ticks):
    """As the API writes datetimes: seconds, then the fraction without trailing zeros."""
    seconds, rest = divmod(ticks, 10_000_000)
    text = (datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%S")
    if rest:
        text += "." + ("%07d" % rest).rstrip("0")
    return text + "Z"


def text(row, column):
    """A string column as Kusto gives it: "" where the row has none."""
    value = row.get(column)
    return "" if value is None else str(value)


def sysmon_bag(event_data):
    """parse_xml(EventData).DataItem.EventData.Data, mv-apply'd into a bag of Name -> text."""
    root = ElementTree.fromstring(event_data)
    bag = {}
    for element in root.iter():
        if element.tag.rsplit("}", 1)[-1] == "Data" and "Name" in element.attrib:
            bag[element.attrib["Name"]] = element.text or ""
    return bag


def sysmon_event_data(fields):
    """The Event table's EventData of a Sysmon event, as the agent writes it."""
    data_item = ElementTree.Element("DataItem", {"type": "System.XmlNode", "time": fields.get("UtcTime", ""),
                                                 "sourceHealthServiceId": "00000000-0000-0000-0000-000000000000"})
    event_data = ElementTree.SubElement(data_item, "EventData",
                                        {"xmlns": "http://schemas.microsoft.com/win/2004/08/events/event"})
    for name, value in fields.items():
        ElementTree.SubElement(event_data, "Data", {"Name": name}).text = value
    return ElementTree.tostring(data_item, encoding="unicode")


class Workspace:
    """The tables of one workspace and what masq's query makes of them."""

    def __init__(self, workspace_id, tenant, client_id, client_secret):
        self.workspace_id = workspace_id
        self.tenant, self.client_id, self.client_secret = tenant, client_id, client_secret
        self.lock = threading.Lock()
        self.tables = {"SecurityEvent": [], "Event": [], "DeviceProcessEvents": []}
        self.row_limit = 500_000
        self.shuffle_seed = 1
        self.all_tokens = set()  # every token issued, for the secrets check
        self.reset()

    def reset(self):
        with self.lock:
            self.tokens = getattr(self, "tokens", {})  # token -> audience, valid across resets
            self.scopes = []        # scopes asked of the token endpoint
            self.queries = []       # (query text, answer rows, status) in order
            self.times = []         # when each query request came (monotonic)
            self.faults = []
            self.bodies = []        # the request bodies as JSON

    def script(self, *faults):
        with self.lock:
            self.faults.extend(faults)

    def next_fault(self):
        with self.lock:
            return self.faults.pop(0) if self.faults else None

    def issue(self, audience):
        token = "eyJ0eXAi." + secrets.token_urlsafe(24)
        with self.lock:
            self.tokens[token] = audience
            self.all_tokens.add(token)
        return token

    # ---- masq's query, step by step ----------------------------------------
    def evaluate(self, query):
        since = re.search(r"^let masq_since = datetime\(([^)]*)\);$", query, re.M)
        until = re.search(r"^let masq_until = datetime\(([^)]*)\);$", query, re.M)
        take = re.search(r"\n\| take (\d+)\n?$", query)
        summarize = ("| summarize Count = count(), FirstSeen = min(Time), LastSeen = max(Time)\n"
                     "    by Sensor, Process, NewProcessName, Computer, User, UserDomain, "
                     "ParentProcessName, OriginalFileName, Hashes\n")
        if not (since and until and take) or summarize not in query or "EventID == 4688" not in query:
            return None
        low, high = parse_time(since.group(1)), parse_time(until.group(1))
        union = query.count("union isfuzzy=true\n") == 1
        if union and not ("\n(Event\n" in query and "\n(DeviceProcessEvents\n" in query):
            return None
        projected = []
        for row in self.tables["SecurityEvent"]:
            t = parse_time(row["TimeGenerated"])
            if not (low <= t < high and int(row.get("EventID", 0)) == 4688):
                continue
            account = text(row, "Account")
            projected.append(("SecurityEvent", t, text(row, "Process"), text(row, "NewProcessName"),
                              text(row, "Computer"),
                              account if account else text(row, "SubjectUserName"),
                              "" if account else text(row, "SubjectDomainName"),
                              text(row, "ParentProcessName"), "", ""))
        if union:
            for row in self.tables["Event"]:
                t = parse_time(row["TimeGenerated"])
                if not (low <= t < high and row.get("Source") == "Microsoft-Windows-Sysmon"
                        and int(row.get("EventID", 0)) == 1):
                    continue
                bag = sysmon_bag(row["EventData"])
                projected.append(("Sysmon", t, "", bag.get("Image", ""), text(row, "Computer"),
                                  bag.get("User", ""), "", bag.get("ParentImage", ""),
                                  bag.get("OriginalFileName", ""), bag.get("Hashes", "")))
            for row in self.tables["DeviceProcessEvents"]:
                t = parse_time(row["Timestamp"])
                if not (low <= t < high and row.get("ActionType") == "ProcessCreated"):
                    continue
                projected.append(("DeviceProcessEvents", t, text(row, "FileName"), text(row, "FolderPath"),
                                  text(row, "DeviceName"), text(row, "AccountName"),
                                  text(row, "AccountDomain"), text(row, "InitiatingProcessFolderPath"),
                                  text(row, "ProcessVersionInfoOriginalFileName"), text(row, "SHA256")))
        groups = {}
        for sensor, t, *rest in projected:
            key = (sensor, *rest)
            count, first, last = groups.get(key, (0, t, t))
            groups[key] = (count + 1, min(first, t), max(last, t))
        rows = [list(key) + [count, format_time(first), format_time(last)]
                for key, (count, first, last) in groups.items()]
        # Kusto gives a summarize's groups in no particular order.
        random.Random(self.shuffle_seed + len(self.queries)).shuffle(rows)
        return rows[: int(take.group(1))]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeLogAnalytics/1.0"

    def log_message(self, *args):  # quiet
        pass

    @property
    def workspace(self):
        return self.server.workspace

    def answer(self, status, payload=None, headers=()):
        data = b"" if payload is None else json.dumps(payload).encode()
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        if data:
            self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if data:
            self.wfile.write(data)

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        if url.path != "/metadata/identity/oauth2/token":
            return self.answer(404, {"error": "not_found"})
        if self.headers.get("Metadata") != "true" or query.get("api-version") != ["2018-02-01"]:
            return self.answer(400, {"error": "invalid_request", "error_description": "bad IMDS request"})
        resource = (query.get("resource") or [""])[0]
        with self.workspace.lock:
            self.workspace.scopes.append("imds:" + resource)
        self.answer(200, {"access_token": self.workspace.issue(resource), "expires_in": "86399",
                          "resource": resource, "token_type": "Bearer"})

    def do_POST(self):
        url = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length) if length > 0 else b""
        parts = url.path.strip("/").split("/")
        if len(parts) == 4 and parts[1:] == ["oauth2", "v2.0", "token"]:
            return self.token(parts[0], body)
        if len(parts) == 4 and parts[0] == "v1" and parts[1] == "workspaces" and parts[3] == "query":
            return self.query(parts[2], body)
        self.answer(404, {"error": {"code": "PathNotFoundError", "message": "no such path"}})

    def token(self, tenant, body):
        form = urllib.parse.parse_qs(body.decode())
        scope = (form.get("scope") or [""])[0]
        w = self.workspace
        with w.lock:
            w.scopes.append(scope)
        if tenant != w.tenant or form.get("client_id") != [w.client_id] or \
                form.get("client_secret") != [w.client_secret] or \
                form.get("grant_type") != ["client_credentials"]:
            return self.answer(401, {"error": "invalid_client", "error_description": "AADSTS7000215"})
        audience = scope[: -len("/.default")].rstrip("/") if scope.endswith("/.default") else ""
        self.answer(200, {"token_type": "Bearer", "expires_in": 3599, "access_token": w.issue(audience)})

    def query(self, workspace_id, body):
        import time
        w = self.workspace
        with w.lock:
            w.times.append(time.monotonic())
        auth = self.headers.get("Authorization", "")
        with w.lock:
            audience = w.tokens.get(auth[7:]) if auth.startswith("Bearer ") else None
        if audience != AUDIENCE:
            return self.answer(401, {"error": {"code": "InvalidTokenError", "message":
                                               "The provided authentication is not valid for this resource"}})
        fault = w.next_fault()
        if fault == "401":
            return self.answer(401, {"error": {"code": "InvalidTokenError", "message": "expired"}})
        if fault == "429":
            return self.answer(429, {"error": {"code": "ThrottledError", "message":
                                               "Your request was throttled: too many requests"}},
                               [("Retry-After", "1")])
        if fault == "500":
            return self.answer(500, {"error": {"code": "InternalServerError", "message": "busy"}})
        if workspace_id != w.workspace_id:
            return self.answer(404, {"error": {"code": "WorkspaceNotFoundError",
                                               "message": "Workspace could not be found"}})
        try:
            request = json.loads(body)
        except ValueError:
            return self.answer(400, {"error": {"code": "BadArgumentError", "message": "the body is not JSON"}})
        with w.lock:
            w.bodies.append(request)
        query = request.get("query", "")
        rows = w.evaluate(query)
        if rows is None:
            with w.lock:
                w.queries.append((query, None, 400))
            return self.answer(400, {"error": {"code": "BadArgumentError", "message":
                                               "The request had some invalid properties",
                                               "details": [{"code": "SyntaxError",
                                                            "message": "not masq's query"}]}})
        answer = {"tables": [{"name": "PrimaryResult",
                              "columns": [{"name": n, "type": t} for n, t in COLUMNS],
                              "rows": rows}]}
        if len(rows) > w.row_limit:
            answer["tables"][0]["rows"] = rows[: w.row_limit]
            answer["error"] = {
                "code": "PartialError", "message": "There were some errors when processing your query.",
                "details": [{"code": "EngineError", "message": "Something went wrong processing your query on the server.",
                             "innererror": {"code": "-2133196797", "message":
                                            "Query result set has exceeded the internal record count limit "
                                            "%d records" % w.row_limit, "severity": 2, "severityName": "Error"}}]}
        elif fault == "partial":
            answer["tables"][0]["rows"] = rows[: len(rows) // 2]
            answer["error"] = {
                "code": "PartialError", "message": "There were some errors when processing your query.",
                "details": [{"code": "EngineError", "message": "Something went wrong processing your query on the server.",
                             "innererror": {"code": "-2133196797", "message":
                                            "Partial query failure: a storage shard did not answer",
                                            "severity": 2, "severityName": "Error"}}]}
        with w.lock:
            w.queries.append((query, answer["tables"][0]["rows"], 200))
        self.answer(200, answer)


class Server(ThreadingHTTPServer):
    daemon_threads = True


def start(workspace):
    server = Server(("127.0.0.1", 0), Handler)
    server.workspace = workspace
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
