#!/usr/bin/env python3
"""A stand-in for the Azure services masq publishes to, on loopback only.

It implements, as far as masq's tests need them:
  - the Microsoft Entra token endpoint, client-credentials grant
    (POST /{tenant}/oauth2/v2.0/token);
  - the managed identity endpoint, IMDS (GET /metadata/identity/oauth2/token);
  - the Logs Ingestion API (POST /dataCollectionRules/{dcr}/streams/{stream}):
    checks the bearer token, Content-Type, Content-Encoding gzip, a JSON array
    body, and the 1 MB limit; answers 204;
  - the HTTP Data Collector API (POST /api/logs): recomputes the SharedKey
    HMAC-SHA256 signature with Python's hmac and rejects a wrong one with
    403 InvalidAuthorization; answers 200.
Scripted faults, consumed one per request of an endpoint: "429" (with
Retry-After), "500", "503", "slow" (answers nothing until past the client's
timeout), "reset" (a TCP reset after reading the request), "403" (Azure's
error body), "401", "http09" (bytes that are no HTTP status line, as a broken
reused connection may give), and "200"/"202" (the batch is ingested and
acknowledged with that status instead of 204/200). A batch is ingested only
when it is acknowledged, so "every record arrives exactly once" can be
checked; `batches` keeps each acknowledged batch's records, in order.
Also: `ingestion_limit` (413 above it), `delay` (seconds before each
ingestion answer), `on_ingestion(phase, n)` (called with "received" before
and "ingested" after the n-th batch is taken: the crash tests kill masq
there; True at "received" drops the batch untaken), and `drop_if_gone`
(a batch whose client is gone, or was killed by the test, before it is taken
is not taken: a killed process's socket closes only once its memory is torn
down, and the real service would take it: that is the lost acknowledgement)., and `token_text` (the next tokens issued, e.g. with CR LF in them).

Used in-process by run_publish_tests.py, or standalone:
  azure_test_server.py --lifetime 60   (prints the port, stops by itself)
"""
import argparse
import base64
import email.utils
import gzip
import hashlib
import hmac
import json
import secrets
import socket
import struct
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOGS_INGESTION_LIMIT = 1_000_000  # "1 MB per API call", compressed and uncompressed
DATA_COLLECTOR_LIMIT = 30 * 1024 * 1024
SCOPE = "https://monitor.azure.com//.default"
RESOURCE = "https://monitor.azure.com"

FORBIDDEN_BODY = {
    "error": {
        "code": "OperationFailed",
        "message": "The authentication token provided does not have access to ingest data "
        "for the data collection rule with immutable Id '{dcr}'.",
    }
}


def shared_key_signature(key_b64, content_length, date):
    """The Data Collector signature, computed independently of masq."""
    message = "POST\n%d\napplication/json\nx-ms-date:%s\n/api/logs" % (content_length, date)
    digest = hmac.new(base64.b64decode(key_b64), message.encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


class FakeAzure:
    def __init__(self, tenant, client_id, client_secret, dcr_id, stream, workspace_id,
                 workspace_key, slow_seconds=2.0):
        self.tenant = tenant
        self.client_id = client_id
        self.client_secret = client_secret
        self.dcr_id = dcr_id
        self.stream = stream
        self.workspace_id = workspace_id
        self.workspace_key = workspace_key
        self.slow_seconds = slow_seconds
        self.lock = threading.Lock()
        self.reset_state()

    def reset_state(self):
        with getattr(self, "lock", threading.Lock()):
            self.tokens = set()
            self.faults = {"token": [], "imds": [], "ingestion": [], "collector": []}
            self.sticky = {}  # endpoint -> fault repeated for every request
            self.received = {"ingestion": [], "collector": []}  # acknowledged records
            self.batches = {"ingestion": [], "collector": []}  # acknowledged batches
            self.requests = []  # (time, endpoint, status or fault)
            self.headers_seen = []  # every request's header lines, for injection checks
            self.ingestion_limit = LOGS_INGESTION_LIMIT
            self.delay = 0.0
            self.on_ingestion = None
            self.ingestion_count = 0
            self.token_text = None
            self.drop_if_gone = False
            self.client_killed = False  # set by a test the moment it kills masq
            self.busy = 0  # ingestion requests being handled

    def script(self, endpoint, *faults, sticky=None):
        with self.lock:
            self.faults[endpoint].extend(faults)
            if sticky is not None:
                self.sticky[endpoint] = sticky
            elif endpoint in self.sticky and not faults:
                del self.sticky[endpoint]

    def clear_faults(self):
        with self.lock:
            for queue in self.faults.values():
                queue.clear()
            self.sticky.clear()

    def next_fault(self, endpoint):
        with self.lock:
            if self.faults[endpoint]:
                return self.faults[endpoint].pop(0)
            return self.sticky.get(endpoint)

    def settle(self, limit=5.0):
        """Wait until no ingestion request is being handled (a killed client's included)."""
        deadline = time.monotonic() + limit
        while self.busy and time.monotonic() < deadline:
            time.sleep(0.005)

    def log(self, endpoint, outcome):
        with self.lock:
            self.requests.append((time.monotonic(), endpoint, outcome))

    def issue_token(self):
        token = (self.token_text or "eyJ0eXAi.") + secrets.token_urlsafe(24)
        with self.lock:
            self.tokens.add(token)
        return token


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeAzure/1.0"

    def log_message(self, *args):  # quiet
        pass

    @property
    def azure(self):
        return self.server.azure

    def body(self):
        length = int(self.headers.get("Content-Length", "0"))
        return self.rfile.read(length) if length > 0 else b""

    def client_gone(self):
        """The client closed its side (a killed masq): nothing is left to read, ever."""
        try:
            self.connection.setblocking(False)
            return self.connection.recv(1, socket.MSG_PEEK) == b""
        except BlockingIOError:
            return False
        except OSError:
            return True
        finally:
            self.connection.setblocking(True)

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

    def fault(self, endpoint):
        """Apply the next scripted fault; True when it answered (or broke) the request."""
        fault = self.azure.next_fault(endpoint)
        self.ok_status = None
        if fault is None:
            return False
        if fault in ("200", "202"):
            self.ok_status = int(fault)
            return False
        self.azure.log(endpoint, fault)
        if fault == "429":
            self.answer(429, {"error": {"code": "TooManyRequests", "message": "Throttled"}},
                        [("Retry-After", "1")])
        elif fault in ("500", "503"):
            self.answer(int(fault), {"error": {"code": "ServiceUnavailable", "message": "busy"}})
        elif fault == "slow":
            time.sleep(self.azure.slow_seconds)  # the client has given up by now
            self.close_connection = True
        elif fault == "reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()
        elif fault == "403":
            body = json.loads(json.dumps(FORBIDDEN_BODY).replace("{dcr}", self.azure.dcr_id))
            if endpoint == "collector":
                body = {"Error": "InvalidAuthorization", "Message": "Forbidden by policy"}
            self.answer(403, body)
        elif fault == "401":
            self.answer(401, {"error": {"code": "InvalidToken", "message": "Token expired"}})
        elif fault == "http09":
            self.wfile.write(b"garbage without a status line\r\n\r\n")
            self.wfile.flush()
            self.close_connection = True
        elif fault in ("200", "202"):
            return False  # taken by the endpoint, which answers with this status
        else:
            raise ValueError("unknown fault " + fault)
        return True

    # ---- GET: IMDS ----------------------------------------------------------
    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        if url.path != "/metadata/identity/oauth2/token":
            return self.answer(404, {"error": "not_found"})
        if self.fault("imds"):
            return
        if self.headers.get("Metadata") != "true" or query.get("api-version") != ["2018-02-01"] \
                or query.get("resource") != [RESOURCE]:
            self.azure.log("imds", 400)
            return self.answer(400, {"error": "invalid_request", "error_description": "bad IMDS request"})
        self.azure.log("imds", 200)
        self.answer(200, {"access_token": self.azure.issue_token(), "expires_in": "86399",
                          "resource": RESOURCE, "token_type": "Bearer"})

    # ---- POST ---------------------------------------------------------------
    def do_POST(self):
        url = urllib.parse.urlsplit(self.path)
        body = self.body()
        with self.azure.lock:
            self.azure.headers_seen.append(str(self.headers))
        parts = url.path.strip("/").split("/")
        if len(parts) == 4 and parts[1:] == ["oauth2", "v2.0", "token"]:
            return self.token(parts[0], body)
        if len(parts) == 4 and parts[0] == "dataCollectionRules" and parts[2] == "streams":
            return self.ingestion(parts[1], parts[3], urllib.parse.parse_qs(url.query), body)
        if url.path == "/api/logs":
            return self.collector(urllib.parse.parse_qs(url.query), body)
        self.answer(404, {"error": {"code": "NotFound", "message": "no such path"}})

    def token(self, tenant, body):
        if self.fault("token"):
            return
        form = urllib.parse.parse_qs(body.decode())
        ok = (tenant == self.azure.tenant
              and self.headers.get("Content-Type") == "application/x-www-form-urlencoded"
              and form.get("grant_type") == ["client_credentials"]
              and form.get("client_id") == [self.azure.client_id]
              and form.get("scope") == [SCOPE])
        if not ok:
            self.azure.log("token", 400)
            return self.answer(400, {"error": "invalid_request", "error_description": "AADSTS900144: bad request"})
        if form.get("client_secret") != [self.azure.client_secret]:
            self.azure.log("token", 401)
            return self.answer(401, {"error": "invalid_client",
                                     "error_description": "AADSTS7000215: Invalid client secret provided."})
        self.azure.log("token", 200)
        self.answer(200, {"token_type": "Bearer", "expires_in": 3599,
                          "access_token": self.azure.issue_token()})

    def ingestion(self, dcr, stream, query, body):
        with self.azure.lock:
            self.azure.busy += 1
        try:
            return self.ingestion_request(dcr, stream, query, body)
        finally:
            with self.azure.lock:
                self.azure.busy -= 1

    def ingestion_request(self, dcr, stream, query, body):
        # The checks of the real service come before any scripted fault but 429/5xx.
        if self.fault("ingestion"):
            return
        auth = self.headers.get("Authorization", "")
        if not auth.startswith("Bearer ") or auth[7:] not in self.azure.tokens:
            self.azure.log("ingestion", 401)
            return self.answer(401, {"error": {"code": "InvalidToken", "message": "bad token"}})
        problem = None
        if query.get("api-version") != ["2023-01-01"]:
            problem = "api-version"
        elif dcr != self.azure.dcr_id:
            self.azure.log("ingestion", 404)
            return self.answer(404, {"error": {"code": "NotFound",
                                               "message": "Data collection rule with immutable Id '%s' not found." % dcr}})
        elif stream != self.azure.stream:
            problem = "stream"
        elif self.headers.get("Content-Type") != "application/json":
            problem = "content type"
        elif self.headers.get("Content-Encoding") != "gzip":
            problem = "content encoding"
        if problem:
            self.azure.log("ingestion", 400)
            return self.answer(400, {"error": {"code": "InvalidRequest", "message": "bad " + problem}})
        if len(body) > self.azure.ingestion_limit:
            self.azure.log("ingestion", 413)
            return self.answer(413, {"error": {"code": "ContentLengthLimitExceeded", "message": "over 1 MB"}})
        try:
            data = gzip.decompress(body)
        except OSError:
            self.azure.log("ingestion", 400)
            return self.answer(400, {"error": {"code": "InvalidContentEncoding", "message": "not gzip"}})
        if len(data) > self.azure.ingestion_limit:
            self.azure.log("ingestion", 413)
            return self.answer(413, {"error": {"code": "ContentLengthLimitExceeded", "message": "over 1 MB"}})
        try:
            records = json.loads(data.decode("utf-8"))
        except ValueError:
            records = None
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            self.azure.log("ingestion", 400)
            return self.answer(400, {"error": {"code": "InvalidJson", "message": "not an array of objects"}})
        with self.azure.lock:
            self.azure.ingestion_count += 1
            n = self.azure.ingestion_count
        hook = self.azure.on_ingestion
        if hook and hook("received", n):
            self.azure.log("ingestion", "dropped")
            self.close_connection = True
            return
        if self.azure.delay:
            time.sleep(self.azure.delay)
        if self.azure.drop_if_gone and (self.azure.client_killed or self.client_gone()):
            self.azure.log("ingestion", "client gone")
            self.close_connection = True
            return
        with self.azure.lock:
            self.azure.received["ingestion"].extend(records)
            self.azure.batches["ingestion"].append(records)
        if hook:
            hook("ingested", n)
        status = self.ok_status or 204
        self.azure.log("ingestion", status)
        self.answer(status)

    def collector(self, query, body):
        if self.fault("collector"):
            return
        def reject(status, code, message):
            self.azure.log("collector", status)
            self.answer(status, {"Error": code, "Message": message})
        if query.get("api-version") != ["2016-04-01"]:
            return reject(400, "InvalidApiVersion", "bad api-version")
        if self.headers.get("Content-Type") != "application/json":
            return reject(400, "UnsupportedContentType", "bad content type")
        if self.headers.get("Log-Type") != "MasqueradingProcessNameResult":
            return reject(400, "InvalidLogType", "bad Log-Type")
        if self.headers.get("time-generated-field") != "TimeStamp":
            return reject(400, "InvalidDataFormat", "bad time-generated-field")
        date = self.headers.get("x-ms-date", "")
        try:
            sent = email.utils.parsedate_to_datetime(date).timestamp()
        except (TypeError, ValueError):
            return reject(403, "InvalidAuthorization", "bad x-ms-date")
        if abs(sent - time.time()) > 900 or not date.endswith(" GMT"):
            return reject(403, "InvalidAuthorization", "x-ms-date too far from now")
        expected = "SharedKey %s:%s" % (self.azure.workspace_id,
                                        shared_key_signature(self.azure.workspace_key, len(body), date))
        if not hmac.compare_digest(self.headers.get("Authorization", ""), expected):
            return reject(403, "InvalidAuthorization",
                          "An invalid scheme was specified in the Authorization header")
        if len(body) > DATA_COLLECTOR_LIMIT:
            return reject(404, "RequestTooLarge", "the request is too large")
        try:
            records = json.loads(body.decode("utf-8"))
        except ValueError:
            records = None
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            return reject(400, "InvalidDataFormat", "not an array of objects")
        with self.azure.lock:
            self.azure.received["collector"].extend(records)
            self.azure.batches["collector"].append(records)
        status = self.ok_status or 200
        self.azure.log("collector", status)
        self.answer(status)


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # resets and timeouts are scripted; the client's side is what is tested


def start(azure, lifetime=120.0):
    """Serve on 127.0.0.1 (an ephemeral port) in a thread; stops after lifetime s."""
    server = Server(("127.0.0.1", 0), Handler)
    server.azure = azure
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    timer = threading.Timer(lifetime, server.shutdown)
    timer.daemon = True
    timer.start()
    server.stop_timer = timer
    return server


def stop(server):
    server.stop_timer.cancel()
    server.shutdown()
    server.server_close()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lifetime", type=float, default=60.0, help="seconds before it stops by itself")
    args = parser.parse_args()
    import os
    azure = FakeAzure(os.environ.get("AZURE_TENANT_ID", "tenant"), os.environ.get("AZURE_CLIENT_ID", "client"),
                      os.environ.get("AZURE_CLIENT_SECRET", "secret"), "dcr-test", "Custom-MasqueradingProcessNameResult",
                      "ws-test", os.environ.get("MASQ_WORKSPACE_KEY", base64.b64encode(b"k" * 64).decode()))
    server = start(azure, args.lifetime)
    print(server.server_address[1], flush=True)
    server.stop_timer.join()


if __name__ == "__main__":
    main()
