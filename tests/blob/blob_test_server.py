#!/usr/bin/env python3
"""A stand-in for Azure Blob Storage on loopback, serving a folder as a container.

It implements, as far as masq's tests need them, with Azurite's path-style URLs
(http://127.0.0.1:PORT/ACCOUNT/CONTAINER[/BLOB]):
  - List Blobs (GET /ACCOUNT/CONTAINER?restype=container&comp=list): prefix,
    delimiter (a string of any length, as the service takes), marker and
    maxresults; pages of at most `page_size` items (5,000 by default, as the
    service), blobs and prefixes counted alike; NextMarker is opaque
    (base64 of the last name of the page); Encoded="true" names for the
    characters XML cannot hold;
  - Get Blob (GET /ACCOUNT/CONTAINER/BLOB): Range or x-ms-range (bytes=a-b,
    bytes=a-), 206 with Content-Range, 416 past the end, 200 whole;
  - authorization: a SAS whose sig must be `sig` and whose sp must hold r (Get)
    and l (List); or, with `entra` = (tenant, client id, secret), a bearer token
    it issued itself at the Microsoft Entra token endpoint, client-credentials
    grant (POST /{tenant}/oauth2/v2.0/token, scope https://storage.azure.com/.default,
    or //.default) or at IMDS (GET /metadata/identity/oauth2/token, resource
    https://storage.azure.com), with x-ms-version 2017-11-09 or later. Anything else: 403
    AuthenticationFailed with the service's XML error body and
    x-ms-error-code. A token says it lives `token_lifetime` seconds (3599) and
    is honoured for `token_honoured` seconds (its lifetime when None): past
    that, 401 InvalidAuthenticationInfo, as the service answers an expired one;
    after `token_grants` tokens (None: no limit) the token endpoint answers 400;
  - `get_delay`: seconds each Get Blob waits before it answers (a slow link).
Scripted faults, consumed one per request of an endpoint ("list", "get"):
"503" (ServerBusy, Retry-After), "429", "500", "ok" (no fault: to aim at a later
request), "cut" (the headers of the whole answer, then half its body, then the
connection closed), "reset" (a TCP reset before any answer), "403"; on the listing,
"loop" (the marker given handed back as the next) and "huge" (blobs of 2^63 - 1 bytes).
Every request is logged in `requests`: (endpoint, query dict, range or None,
status).

Used in-process by run_blob_tests.py and bench/blob_bench.py, or standalone:
  blob_test_server.py --root DIR --container am-securityevent --sig S --lifetime 60
"""
import argparse
import base64
import email.utils
import json
import os
import secrets
import socket
import struct
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

ACCOUNT = "devstoreaccount1"
SEND_CHUNK = 1 << 20


def xml_name(name):
    """<Name> as the service writes it: escaped, or Encoded="true" when XML cannot hold it."""
    if any(ord(c) < 0x20 and c not in "\t\n\r" for c in name) or "\ufffe" in name:
        return '<Name Encoded="true">%s</Name>' % urllib.parse.quote(name, safe="/")
    return "<Name>%s</Name>" % escape(name)


def error_body(code, message):
    return ('<?xml version="1.0" encoding="utf-8"?><Error><Code>%s</Code><Message>%s\n'
            'RequestId:00000000-0000-0000-0000-000000000000\nTime:%s</Message></Error>'
            % (code, escape(message), time.strftime("%Y-%m-%dT%H:%M:%S.0000000Z", time.gmtime()))
            ).encode()


class FakeBlobStorage:
    def __init__(self, root, container, sig, page_size=5000, entra=None, account=ACCOUNT):
        self.root = root
        self.container = container
        self.sig = sig
        self.entra = entra
        self.tokens = {}  # token -> the monotonic time it stops being honoured
        self.token_lifetime = 3599
        self.token_honoured = None
        self.token_grants = None  # how many tokens it hands out before it refuses (400)
        self.get_delay = 0.0
        self.account = account
        self.page_size = page_size
        self.lock = threading.Lock()
        self.faults = {"list": [], "get": []}
        self.requests = []
        self.retry_after = "0"
        self._names = None

    # ---- state ----
    def script(self, endpoint, *faults):
        with self.lock:
            self.faults[endpoint].extend(faults)

    def next_fault(self, endpoint):
        with self.lock:
            return self.faults[endpoint].pop(0) if self.faults[endpoint] else None

    def log(self, endpoint, query, range_header, status):
        with self.lock:
            self.requests.append((endpoint, query, range_header, status))

    def reset_log(self):
        with self.lock:
            self.requests = []

    def names(self):
        """Every file under root, as blob names ('/' separated), in the service's order."""
        if self._names is None:
            found = []
            for folder, _, files in os.walk(self.root):
                for f in files:
                    path = os.path.join(folder, f)
                    found.append(os.path.relpath(path, self.root).replace(os.sep, "/"))
            self._names = sorted(found, key=lambda n: n.encode("utf-8"))
        return self._names

    def path_of(self, name):
        path = os.path.normpath(os.path.join(self.root, *name.split("/")))
        if not path.startswith(os.path.normpath(self.root) + os.sep) or not os.path.isfile(path):
            return None
        return path

    # ---- authorization ----
    def authorized(self, query, headers, permission):
        if self.entra is not None:
            bearer = headers.get("Authorization", "")
            with self.lock:
                known = bearer.startswith("Bearer ") and bearer[7:] in self.tokens
            return known and headers.get("x-ms-version", "") >= "2017-11-09"
        return query.get("sig") == self.sig and permission in query.get("sp", "")

    def expired(self, headers):
        """Does the request carry a token this stand-in issued and honours no more?"""
        bearer = headers.get("Authorization", "")
        with self.lock:
            deadline = self.tokens.get(bearer[7:]) if bearer.startswith("Bearer ") else None
        return deadline is not None and time.monotonic() >= deadline

    # ---- List Blobs ----
    def listing(self, query, fault=None):
        """fault "loop": the page hands back the marker it was given (or a first
        one); "huge": its blobs claim a size no blob can have."""
        prefix = query.get("prefix", "")
        delimiter = query.get("delimiter")
        marker = query.get("marker")
        page = min(int(query.get("maxresults", "5000")), self.page_size)
        after = base64.urlsafe_b64decode(marker.encode()).decode() if marker else None
        items = []  # (kind, name), in order; a prefix once
        seen_prefixes = set()
        for name in self.names():
            if not name.startswith(prefix):
                continue
            rest = name[len(prefix):]
            if delimiter and delimiter in rest:
                p = prefix + rest[:rest.index(delimiter) + len(delimiter)]
                if p not in seen_prefixes:
                    seen_prefixes.add(p)
                    items.append(("prefix", p))
            else:
                items.append(("blob", name))
        if after is not None:
            items = [i for i in items if i[1].encode() > after.encode()]
        shown, rest = items[:page], items[page:]
        next_marker = ""
        if rest:
            next_marker = base64.urlsafe_b64encode(shown[-1][1].encode()).decode()
        if fault == "loop":
            next_marker = marker or base64.urlsafe_b64encode(b"\x00").decode()
        parts = ['<?xml version="1.0" encoding="utf-8"?>',
                 '<EnumerationResults ServiceEndpoint="http://127.0.0.1/%s/" ContainerName="%s">'
                 % (self.account, escape(self.container)),
                 "<Prefix>%s</Prefix>" % escape(prefix)]
        if marker:
            parts.append("<Marker>%s</Marker>" % escape(marker))
        parts.append("<MaxResults>%d</MaxResults>" % page)
        if delimiter:
            parts.append("<Delimiter>%s</Delimiter>" % escape(delimiter))
        parts.append("<Blobs>")
        for kind, name in shown:
            if kind == "prefix":
                parts.append("<BlobPrefix>%s</BlobPrefix>" % xml_name(name))
                continue
            info = os.stat(self.path_of(name))
            modified = email.utils.formatdate(info.st_mtime, usegmt=True)
            parts.append(
                "<Blob>%s<Properties><Creation-Time>%s</Creation-Time>"
                "<Last-Modified>%s</Last-Modified><Etag>0x8D%012X</Etag>"
                "<Content-Length>%d</Content-Length>"
                "<Content-Type>application/octet-stream</Content-Type>"
                "<BlobType>AppendBlob</BlobType><LeaseStatus>unlocked</LeaseStatus>"
                "<LeaseState>available</LeaseState><ServerEncrypted>true</ServerEncrypted>"
                "</Properties><OrMetadata /></Blob>"
                % (xml_name(name), modified, modified, int(info.st_mtime * 1e6) & 0xFFFFFFFFFFFF,
                   2**63 - 1 if fault == "huge" else info.st_size))
        parts.append("</Blobs><NextMarker>%s</NextMarker></EnumerationResults>"
                     % escape(next_marker))
        return "".join(parts).encode("utf-8")


def make_handler(storage):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def setup(self):
            super().setup()
            # Headers and body go in separate writes: without this, Nagle's
            # algorithm and delayed ACKs add 40 ms to every answer.
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def reply(self, status, body=b"", headers=None, error_code=None):
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("x-ms-request-id", "00000000-0000-0000-0000-000000000000")
            self.send_header("x-ms-version", self.headers.get("x-ms-version", "2021-08-06"))
            if error_code:
                self.send_header("x-ms-error-code", error_code)
                self.send_header("Content-Type", "application/xml")
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            if body:
                self.wfile.write(body)

        def fault(self, endpoint, query, range_header):
            fault = storage.next_fault(endpoint)
            if fault in (None, "ok", "cut", "loop", "huge"):
                return None if fault == "ok" else fault
            if fault == "reset":
                storage.log(endpoint, query, range_header, 0)
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                           struct.pack("ii", 1, 0))
                self.close_connection = True
                self.connection.close()
                return "done"
            status = int(fault)
            codes = {503: ("ServerBusy", "The server is currently unable to receive requests."),
                     429: ("ServerBusy", "Operations per second is over the account limit."),
                     500: ("InternalError", "The server encountered an internal error."),
                     403: ("AuthenticationFailed", "Server failed to authenticate the request.")}
            code, message = codes[status]
            storage.log(endpoint, query, range_header, status)
            self.reply(status, error_body(code, message), {"Retry-After": storage.retry_after},
                       error_code=code)
            return "done"

        def do_POST(self):
            """The Entra token endpoint, client credentials."""
            length = int(self.headers.get("Content-Length", "0"))
            form = urllib.parse.parse_qs(self.rfile.read(length).decode())
            parts = urllib.parse.urlsplit(self.path).path.strip("/").split("/")
            tenant, client_id, secret = storage.entra or (None, None, None)
            ok = (storage.entra is not None and parts[1:] == ["oauth2", "v2.0", "token"] and
                  parts[0] == tenant and form.get("grant_type") == ["client_credentials"] and
                  form.get("client_id") == [client_id] and form.get("client_secret") == [secret]
                  and form.get("scope", [""])[0] in ("https://storage.azure.com/.default",
                                                     "https://storage.azure.com//.default"))
            with storage.lock:
                granted = sum(1 for r in storage.requests if r[0] == "token" and r[3] == 200)
                if ok and storage.token_grants is not None and granted >= storage.token_grants:
                    ok = False
            storage.log("token", {}, None, 200 if ok else 400)
            if not ok:
                body = json.dumps({"error": "invalid_client",
                                   "error_description": "AADSTS7000215: bad request"}).encode()
                self.reply(400, body, {"Content-Type": "application/json"})
                return
            self.issue_token()

        def issue_token(self):
            token = "eyJ0eXAi." + secrets.token_urlsafe(24)
            with storage.lock:
                honoured = storage.token_honoured
                storage.tokens[token] = time.monotonic() + (
                    storage.token_lifetime if honoured is None else honoured)
            body = json.dumps({"token_type": "Bearer", "expires_in": storage.token_lifetime,
                               "resource": "https://storage.azure.com",
                               "access_token": token}).encode()
            self.reply(200, body, {"Content-Type": "application/json"})

        def do_GET(self):
            url = urllib.parse.urlsplit(self.path)
            query = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
            if url.path == "/metadata/identity/oauth2/token":  # IMDS, the managed identity
                ok = (storage.entra is not None and self.headers.get("Metadata") == "true" and
                      query.get("api-version") == "2018-02-01" and
                      query.get("resource") == "https://storage.azure.com")
                storage.log("imds", query, None, 200 if ok else 400)
                if ok:
                    self.issue_token()
                else:
                    self.reply(400, b'{"error":"invalid_request"}',
                               {"Content-Type": "application/json"})
                return
            parts = urllib.parse.unquote(url.path).lstrip("/").split("/", 2)
            range_header = self.headers.get("x-ms-range") or self.headers.get("Range")
            if len(parts) < 2 or parts[0] != storage.account or parts[1] != storage.container:
                storage.log("other", query, range_header, 404)
                self.reply(404, error_body("ContainerNotFound",
                                           "The specified container does not exist."),
                           error_code="ContainerNotFound")
                return
            is_list = len(parts) == 2 or parts[2] == ""
            endpoint = "list" if is_list else "get"
            if is_list and (query.get("restype") != "container" or query.get("comp") != "list"):
                storage.log("other", query, range_header, 400)
                self.reply(400, error_body("InvalidQueryParameterValue", "restype/comp"),
                           error_code="InvalidQueryParameterValue")
                return
            refusal = None
            if storage.entra is not None and storage.expired(self.headers):
                refusal = (401, "InvalidAuthenticationInfo",
                           "Server failed to authenticate the request. Please refer to the "
                           "information in the www-authenticate header.")
            elif not storage.authorized(query, self.headers, "l" if is_list else "r"):
                refusal = (403, "AuthenticationFailed",
                           "Server failed to authenticate the request. Make sure the value of "
                           "Authorization header is formed correctly including the signature.")
            if refusal is not None:
                status, code, message = refusal
                storage.log(endpoint, query, range_header, status)
                self.reply(status, error_body(code, message), error_code=code)
                return
            fault = self.fault(endpoint, query, range_header)
            if fault == "done":
                return
            if not is_list and storage.get_delay:
                time.sleep(storage.get_delay)
            if is_list:
                body = storage.listing(query, fault)
                storage.log(endpoint, query, range_header, 200)
                if fault == "cut":
                    self.cut(200, body, {"Content-Type": "application/xml"})
                    return
                self.reply(200, body, {"Content-Type": "application/xml"})
                return
            path = storage.path_of(parts[2])
            if path is None:
                storage.log(endpoint, query, range_header, 404)
                self.reply(404, error_body("BlobNotFound", "The specified blob does not exist."),
                           error_code="BlobNotFound")
                return
            size = os.path.getsize(path)
            start, end, status = 0, size - 1, 200
            if range_header:
                spec = range_header.split("=", 1)[1]
                a, _, b = spec.partition("-")
                start = int(a)
                end = min(int(b), size - 1) if b else size - 1
                status = 206
                if start >= size:
                    storage.log(endpoint, query, range_header, 416)
                    self.reply(416, error_body("InvalidRange",
                                               "The range specified is invalid for the current "
                                               "size of the resource."),
                               {"Content-Range": "bytes */%d" % size}, error_code="InvalidRange")
                    return
            storage.log(endpoint, query, range_header, status)
            headers = {"Content-Type": "application/octet-stream", "Accept-Ranges": "bytes",
                       "ETag": '"0x8D%012X"' % (int(os.path.getmtime(path) * 1e6) & 0xFFFFFFFFFFFF),
                       "x-ms-blob-type": "AppendBlob",
                       "Last-Modified": email.utils.formatdate(os.path.getmtime(path),
                                                               usegmt=True)}
            if status == 206:
                headers["Content-Range"] = "bytes %d-%d/%d" % (start, end, size)
            length = end - start + 1
            self.send_response(status)
            self.send_header("Content-Length", str(length))
            for k, v in headers.items():
                self.send_header(k, v)
            self.end_headers()
            send = length // 2 if fault == "cut" else length
            with open(path, "rb") as f:
                f.seek(start)
                left = send
                try:
                    while left > 0:
                        data = f.read(min(SEND_CHUNK, left))
                        if not data:
                            break
                        self.wfile.write(data)
                        left -= len(data)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True
                    return
            if fault == "cut":
                self.wfile.flush()
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)

        def cut(self, status, body, headers):
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            for k, v in headers.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body[:len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)

    return Handler


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        """A client that goes away (a reader that had what it needed, a
        reset) is normal here; anything else is printed."""
        import sys
        if not isinstance(sys.exc_info()[1], (ConnectionError, BrokenPipeError)):
            super().handle_error(request, client_address)


class Server:
    """The stand-in in a thread: url is the container's path-style URL."""

    def __init__(self, storage):
        self.storage = storage
        self.httpd = QuietServer(("127.0.0.1", 0), make_handler(storage))
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.url = "http://127.0.0.1:%d/%s/%s" % (self.port, storage.account, storage.container)
        self.account_url = "http://127.0.0.1:%d/%s" % (self.port, storage.account)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", required=True)
    parser.add_argument("--container", default="am-securityevent")
    parser.add_argument("--sig", required=True)
    parser.add_argument("--page-size", type=int, default=5000)
    parser.add_argument("--lifetime", type=float, default=60)
    args = parser.parse_args()
    server = Server(FakeBlobStorage(args.root, args.container, args.sig, args.page_size))
    print(server.url, flush=True)
    time.sleep(args.lifetime)
    server.stop()


if __name__ == "__main__":
    main()
