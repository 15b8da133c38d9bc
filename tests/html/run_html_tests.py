#!/usr/bin/env python3
"""The HTML report in a real browser (headless Chromium).

- `masq scan --demo -o report.html` writes the page (the name picks the format);
  `--format html` to stdout writes the same bytes, the run's timings aside.
- A static check of both pages: a Content-Security-Policy that forbids every
  fetch, and no URL in the file but `data:` and `#` anchors; without its
  script the markup holds every finding, shown, with its evidence.
- A screenshot, decoded here (PNG through zlib), is not blank.
- The DOM after the page's script ran holds every finding of
  `masq scan --demo --format json`: names, severity, reasons, score, evidence
  paths and the KQL pivot, in order.
- Filters: a fragment (#severity=medium, #reason=..., #name=..., #host=...)
  leaves exactly the matching findings shown; #sort=-count orders them.
- Hostile events (names, hosts and folders such as
  `<img src=x onerror=document.title='pwned1'>.exe`, bidi and zero-width names,
  a Cyrillic homoglyph of svchost.exe): every such value is text in the DOM,
  no element or attribute they spell exists, no script of theirs ran (the title
  is the page's), the console shows no error or refused load, and a loopback
  proxy that every request of the browser would reach saw none.

Chromium missing is a failure, not a skip.
"""
import argparse
import html.parser
import json
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import zlib

FAILURES = []


def check(condition, message):
    if not condition:
        FAILURES.append(message)
        print("FAIL: " + message, file=sys.stderr)
    return condition


# ---------------------------------------------------------------- the DOM

class Node:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent = tag, dict(attrs), parent
        self.children = []

    def text(self):
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def walk(self):
        yield self
        for c in self.children:
            if isinstance(c, Node):
                yield from c.walk()

    def classes(self):
        return self.attrs.get("class", "").split()

    def find_all(self, tag=None, cls=None):
        return [n for n in self.walk() if (tag is None or n.tag == tag) and
                (cls is None or cls in n.classes())]


VOID = {"meta", "br", "input", "link", "img", "hr", "col", "area", "base", "embed", "source",
        "track", "wbr", "line", "circle", "polyline", "path", "rect"}


class TreeBuilder(html.parser.HTMLParser):
    """A small tree of the serialized DOM (Chromium writes it well formed)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", [], None)
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, attrs, self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(text):
    builder = TreeBuilder()
    builder.feed(text)
    builder.close()
    return builder.root


# ---------------------------------------------------------------- the browser

class RequestTrap:
    """A loopback proxy for the browser: it answers nothing and counts every
    connection (any fetch of the page would come here)."""

    def __init__(self):
        self.server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(16)
        self.port = self.server.getsockname()[1]
        self.requests = []
        self.idle_connections = 0
        self.readers = []
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            reader = threading.Thread(target=self.read_request, args=(connection,), daemon=True)
            self.readers.append(reader)
            reader.start()

    def read_request(self, connection):
        """The first bytes a connection sends. A fetch sends its request line
        at once; a connection that sends nothing before the browser closes it
        is the browser opening a socket to its proxy ahead of need (Chromium
        preconnects), which fetches nothing: it is counted apart."""
        connection.settimeout(30)
        try:
            first = connection.recv(4096)
        except OSError:
            first = b""
        connection.close()
        if first:
            self.requests.append(first[:200])
        else:
            self.idle_connections += 1

    # The browser's own services (its clock, component updates): requests the
    # browser makes whatever it shows. The page cannot name them: the static
    # check finds no host in it at all.
    BROWSER_SERVICES = (".google.com", ".googleapis.com", ".gvt1.com")

    def page_requests(self):
        for reader in list(self.readers):
            reader.join(timeout=35)
        found = []
        for request in self.requests:
            target = request.split(b" ")[1].decode("latin-1") if b" " in request else ""
            host = re.sub(r"^[a-z]+://", "", target).split("/")[0].split(":")[0]
            if not host.endswith(self.BROWSER_SERVICES):
                found.append(request)
        return found

    def close(self):
        self.server.close()


def chromium_binary(given):
    for name in ([given] if given else []) + ["chromium", "chromium-browser", "google-chrome"]:
        path = shutil.which(name)
        if path:
            return path
    return None


def browse(browser, work, trap, url, *flags):
    """Run headless Chromium on url; (stdout, stderr)."""
    profile = tempfile.mkdtemp(prefix="profile-", dir=work)
    argv = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--user-data-dir=" + profile, "--proxy-server=127.0.0.1:%d" % trap.port,
            "--proxy-bypass-list=<-loopback>", "--enable-logging=stderr", "--v=0",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--no-pings", "--disable-domain-reliability", "--disable-breakpad",
            "--virtual-time-budget=3000", "--window-size=1400,1800"] + list(flags) + [url]
    run = subprocess.run(argv, capture_output=True, text=True, timeout=180,
                         env=dict(os.environ, HOME=profile))
    shutil.rmtree(profile, ignore_errors=True)
    if not check(run.returncode == 0, "chromium %s %s: exit %d: %s" %
                 (" ".join(flags), url, run.returncode, run.stderr[-2000:])):
        return "", run.stderr
    return run.stdout, run.stderr


def console_problems(stderr):
    """Console lines of errors, refused loads and CSP violations."""
    lines = [line for line in stderr.splitlines() if "CONSOLE" in line or "Refused" in line or
             "Content Security Policy" in line]
    return [line for line in lines if re.search(r"Refused|Content Security Policy|Uncaught|Error",
                                                line)]


# ---------------------------------------------------------------- the PNG

def png_pixels(path):
    """(width, height, rows of RGB(A) bytes) of an 8-bit RGB or RGBA PNG."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, color, _, _, interlace = header
    if depth != 8 or color not in (2, 6) or interlace:
        raise ValueError("PNG of depth %d colour type %d interlace %d" % (depth, color, interlace))
    channels = 3 if color == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - channels] if x >= channels else 0
            b = previous[x]
            c = previous[x - channels] if x >= channels else 0
            if kind == 1:
                line[x] = (line[x] + a) & 255
            elif kind == 2:
                line[x] = (line[x] + b) & 255
            elif kind == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        previous = line
    return width, height, channels, rows


def check_screenshot(path):
    if not check(os.path.exists(path), "no screenshot was written"):
        return
    width, height, channels, rows = png_pixels(path)
    check(width >= 800 and height >= 600, "screenshot %dx%d" % (width, height))
    colours, counts = set(), {}
    for row in rows[::4]:
        for x in range(0, width * channels, channels * 4):
            pixel = row[x:x + 3]
            colours.add(pixel)
            counts[pixel] = counts.get(pixel, 0) + 1
    total = sum(counts.values())
    background = max(counts.values())
    check(len(colours) >= 50, "screenshot has only %d colours: blank?" % len(colours))
    check(background < 0.9 * total,
          "screenshot is %.0f%% one colour: blank?" % (100.0 * background / total))
    print("screenshot %dx%d: %d colours, the commonest %.0f%%" %
          (width, height, len(colours), 100.0 * background / total))


# ---------------------------------------------------------------- the file

URL_ATTRIBUTES = ("href", "src", "action", "formaction", "poster", "data", "xlink:href",
                  "background", "cite", "srcset", "ping", "manifest", "codebase")


def check_static(name, page):
    """No fetch is allowed and no URL is written but data: and # anchors."""
    policy = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)"', page)
    if check(policy is not None, name + ": no Content-Security-Policy meta tag"):
        rules = dict((part.strip().split(" ", 1) + [""])[:2] for part in policy.group(1).split(";"))
        check(rules.get("default-src") == "'none'", name + ": default-src is not 'none'")
        check(rules.get("img-src") == "data:", name + ": img-src is not data:")
        for directive in ("script-src", "style-src"):
            check(re.fullmatch(r"'sha256-[A-Za-z0-9+/=]+'", rules.get(directive, "")) is not None,
                  name + ": %s is not one hash: %r" % (directive, rules.get(directive)))
    check(page.index("Content-Security-Policy") < page.index("<style>"),
          name + ": the policy comes after the style")
    tree = parse(page)
    for node in tree.walk():
        for key, value in node.attrs.items():
            if key in URL_ATTRIBUTES:
                check(value is not None and (value.startswith("#") or value.startswith("data:")),
                      "%s: <%s %s=%r>" % (name, node.tag, key, value))
    for match in re.finditer(r"url\(([^)]*)\)", page):
        check(match.group(1).strip("'\" ").startswith("data:"), name + ": " + match.group(0))
    check("://" not in page, name + ": a URL (://) in the file at %d" % page.find("://"))
    check("@import" not in page, name + ": @import in the file")
    check(len(tree.find_all("script")) == 1, name + ": not exactly one <script>")
    check(all("src" not in s.attrs for s in tree.find_all("script")), name + ": a script src")
    check(not tree.find_all("link") and not tree.find_all("iframe") and not tree.find_all("img"),
          name + ": a link, iframe or img element")


# ---------------------------------------------------------------- the findings

def findings_of(dom):
    return dom.find_all("tbody", "finding")


def shown(dom):
    return [f.attrs["id"] for f in findings_of(dom) if "hidden" not in f.attrs]


def evidence_list(finding, title):
    """The <li> texts of the first <dd> after <dt>title</dt> in a finding's evidence."""
    for dl in finding.find_all("dl"):
        items = [c for c in dl.children if isinstance(c, Node)]
        for k, node in enumerate(items):
            if node.tag == "dt" and node.text() == title and k + 1 < len(items):
                return [li.text() for li in items[k + 1].find_all("li")]
    return None


def terminal_visible(text):
    """What util/escape.h makes of a value: invisible and bidi characters as \\u{XXXX}."""
    out = []
    for ch in text:
        c = ord(ch)
        if c < 0x20 or c == 0x7F:
            out.append("\\x%02x" % c)
        elif 0x80 <= c <= 0x9F or c in (0xAD, 0x34F, 0x61C, 0x115F, 0x1160, 0x180E, 0x2028, 0x2029,
                                         0x3164, 0xFFA0, 0xFEFF) or 0x200B <= c <= 0x200F or \
                0x202A <= c <= 0x202E or 0x2060 <= c <= 0x2069 or 0xFFF9 <= c <= 0xFFFB or \
                0xE0000 <= c <= 0xE007F:
            out.append("\\u{%04X}" % c)
        else:
            out.append(ch)
    return "".join(out)


def check_findings(name, dom, anomalies):
    body = dom.find_all("body")[0]
    check(body.attrs.get("data-script") == "ready", name + ": the page's script did not run")
    check(body.attrs.get("data-shown") == str(len(anomalies)),
          name + ": %s findings shown, want %d" % (body.attrs.get("data-shown"), len(anomalies)))
    rows = findings_of(dom)
    if not check(len(rows) == len(anomalies),
                 name + ": %d findings in the DOM, %d in the JSON" % (len(rows), len(anomalies))):
        return
    for k, (row, want) in enumerate(zip(rows, anomalies)):
        d = row.attrs
        where = "%s finding %d (%s)" % (name, k + 1, want["PotentiallyMaliciousProcess"])
        check(d.get("id") == "f%d" % (k + 1), where + ": id " + str(d.get("id")))
        check(d.get("data-name") == terminal_visible(want["PotentiallyMaliciousProcess"]),
              where + ": name %r" % d.get("data-name"))
        check(d.get("data-normal") == terminal_visible(want["NormalProcess"]),
              where + ": normal %r" % d.get("data-normal"))
        check(d.get("data-severity") == want["Severity"], where + ": severity")
        check(d.get("data-reason") == want["Reason"], where + ": reason")
        check(float(d.get("data-score", "nan")) == float(want["AnomalyScore"]), where + ": score")
        check(d.get("data-count") == str(want["SuspiciousCount"]), where + ": count")
        check(evidence_list(row, "Paths") == [terminal_visible(p) for p in want["EvidencePaths"]],
              where + ": evidence paths %r" % evidence_list(row, "Paths"))
        check(evidence_list(row, "Hosts") ==
              [terminal_visible(p) for p in want["EvidenceComputers"]], where + ": evidence hosts")
        pivots = row.find_all("pre", "pivot")
        if want["Pivot"] is None:
            check(not pivots, where + ": a pivot the JSON lacks")
        else:
            check(len(pivots) == 1 and pivots[0].text() == terminal_visible(want["Pivot"]).replace(
                "\\x0a", "\n"), where + ": the KQL pivot")
        # Both names shown, each character outside printable ASCII with its note.
        suspicious = row.find_all("td", "suspicious")[0]
        for ch in sorted(set(want["PotentiallyMaliciousProcess"])):
            if ord(ch) > 0x7E or ord(ch) <= 0x20:
                check(("U+%04X" % ord(ch)) in suspicious.text(), where + ": U+%04X not noted" % ord(ch))
        if want["Edit"] is not None:
            check(suspicious.find_all("mark"), where + ": no edit highlighted")


def check_filters(name, browser, work, trap, path, anomalies):
    def expect(predicate):
        return ["f%d" % (k + 1) for k, a in enumerate(anomalies) if predicate(a)]

    def hosts(a):
        return [h.lower() for h in a["EvidenceComputers"] + a["SuspiciousComputers"]]

    severities = sorted({a["Severity"] for a in anomalies})
    reasons = sorted({r for a in anomalies for r in a["Reason"].split(",")})
    cases = []
    for severity in severities:
        cases.append(("severity=" + severity, expect(lambda a: a["Severity"] == severity)))
    for reason in reasons[:3]:
        cases.append(("reason=" + reason, expect(lambda a: reason in a["Reason"].split(","))))
    cases.append(("name=svch", expect(lambda a: "svch" in a["PotentiallyMaliciousProcess"] +
                                      "\n" + a["NormalProcess"])))
    host = next((h for a in anomalies for h in hosts(a)), None)
    if host:
        part = host[:6]
        cases.append(("host=" + part, expect(lambda a: any(part in h for h in hosts(a)))))
    cases.append(("severity=high&reason=look-alike",
                  expect(lambda a: a["Severity"] == "high" and "look-alike" in a["Reason"])))
    for fragment, want in cases:
        out, _ = browse(browser, work, trap, "file://" + path + "#" + fragment, "--dump-dom")
        dom = parse(out)
        check(shown(dom) == want, "%s #%s: shown %s, want %s" % (name, fragment, shown(dom), want))
        check(dom.find_all("body")[0].attrs.get("data-shown") == str(len(want)),
              "%s #%s: the count shown" % (name, fragment))
    check(any(0 < len(w) < len(anomalies) for _, w in cases),
          name + ": no filter case that keeps some findings and hides others")


def check_sorting(name, browser, work, trap, path, anomalies):
    """sort=KEY (or -KEY) in the fragment orders the rows; ties keep the report's order."""
    def order(key, descending):
        indexed = list(enumerate(anomalies))
        indexed.sort(key=lambda p: p[0])
        indexed.sort(key=lambda p: key(p[1]), reverse=descending)  # stable: ties by index
        return ["f%d" % (k + 1) for k, _ in indexed]

    cases = [("sort=-count", order(lambda a: a["SuspiciousCount"], True)),
             ("sort=count", order(lambda a: a["SuspiciousCount"], False)),
             ("sort=name", order(lambda a: terminal_visible(a["PotentiallyMaliciousProcess"]), False))]
    for fragment, want in cases:
        out, _ = browse(browser, work, trap, "file://" + path + "#" + fragment, "--dump-dom")
        got = [f.attrs["id"] for f in findings_of(parse(out))]
        check(got == want, "%s #%s: order %s, want %s" % (name, fragment, got[:8], want[:8]))
    check(all(want != ["f%d" % (k + 1) for k in range(len(anomalies))] for _, want in cases[1:]),
          name + ": a sort that leaves the report's order: the case shows nothing")


# ---------------------------------------------------------------- hostile events

HOSTILE_NAMES = [
    "<img src=x onerror=document.title='pwned1'>.exe",
    "<img src=x onerror=document.title='pwned2'>.exe",
    "\"><script>document.title='pwned3'</script>.exe",
    "\"><script>document.title='pwned9'</script>.exe",
]
HOSTILE_HOST = "<img src=x onerror=document.title='pwned4'>"
HOSTILE_FOLDER = "C:\\Users\\Public\\&lt;b&gt;<svg onload=document.title='pwned5'>\\"


def hostile_events(path):
    """SecurityEvent 4688 rows: a background, then names, hosts and folders
    that are markup, bidi and zero-width names, a Cyrillic homoglyph."""
    rows = []

    def add(name, count, host="WKS-01", folder="C:\\Windows\\System32\\"):
        for i in range(count):
            rows.append({"TimeGenerated": "2024-06-03T01:%02d:%02d.000Z" % (i // 60 % 60, i % 60),
                         "EventID": 4688, "Computer": host, "NewProcessName": folder + name,
                         "Process": name})

    background = ["app%02d.exe" % i for i in range(20)]
    for i, name in enumerate(background):
        add(name, 5 + 7 * i, folder="C:\\Program Files\\App\\")
    add("svchost.exe", 300)
    add(HOSTILE_NAMES[0], 200, folder="C:\\Temp\\")
    add(HOSTILE_NAMES[1], 1, folder="C:\\Temp\\", host=HOSTILE_HOST)
    add(HOSTILE_NAMES[2], 200, folder="C:\\Temp\\")
    add(HOSTILE_NAMES[3], 1, folder="C:\\Temp\\")
    add("photo\u202egnp.exe", 1, folder="C:\\Users\\bob\\Downloads\\")
    add("svc\u200bhost.exe", 1)
    add("sv\u0441host.exe", 1)
    add("svchost.exe", 1, folder=HOSTILE_FOLDER, host="WKS-02")
    with open(path, "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row) + "\n")


def check_hostile(browser, work, trap, masq):
    events = os.path.join(work, "hostile.jsonl")
    hostile_events(events)
    page_path = os.path.join(work, "hostile.html")
    run = subprocess.run([masq, "scan", events, "-o", page_path], capture_output=True, text=True)
    check(run.returncode == 0, "masq scan hostile.jsonl -o hostile.html: %s" % run.stderr)
    report = json.loads(subprocess.run([masq, "scan", events, "--format", "json"],
                                       capture_output=True, text=True, check=True).stdout)
    anomalies = report["anomalies"]
    names = {a["PotentiallyMaliciousProcess"] for a in anomalies}
    for wanted in [HOSTILE_NAMES[1], HOSTILE_NAMES[3], "photo\u202egnp.exe", "svc\u200bhost.exe",
                   "sv\u0441host.exe"]:
        check(wanted in names, "hostile events: %r is not a finding (the test needs it)" % wanted)
    with open(page_path, encoding="utf-8") as f:
        page = f.read()
    check_static("hostile.html", page)
    for ch in ("\u202e", "\u200b"):
        check(ch not in page, "hostile.html: U+%04X written as itself" % ord(ch))
    out, err = browse(browser, work, trap, "file://" + page_path, "--dump-dom")
    dom = parse(out)
    title = dom.find_all("title")[0].text()
    check(title == "masq report: %d findings" % len(anomalies), "hostile.html: title %r" % title)
    check("pwned" not in title, "hostile.html: a hostile script set the title")
    check(not dom.find_all("img") and len(dom.find_all("script")) == 1,
          "hostile.html: an img or script element from the events")
    svgs = dom.find_all("svg")
    check(len(svgs) == 1, "hostile.html: %d svg elements" % len(svgs))
    for node in dom.walk():
        for key in node.attrs:
            check(not key.startswith("on"), "hostile.html: <%s %s=...>" % (node.tag, key))
            check(key != "src", "hostile.html: <%s %s=...>" % (node.tag, key))
    text = dom.text()
    for value in HOSTILE_NAMES[1:2] + HOSTILE_NAMES[3:] + [HOSTILE_HOST, HOSTILE_FOLDER + "svchost.exe"]:
        check(value in text, "hostile.html: %r is not shown as text" % value)
    check("photo\\u{202E}gnp.exe" in text, "hostile.html: the bidi name is not shown escaped")
    check("U+202E RIGHT-TO-LEFT OVERRIDE" in text, "hostile.html: U+202E is not named")
    check("U+200B ZERO WIDTH SPACE" in text, "hostile.html: U+200B is not named")
    check("U+0441 CYRILLIC SMALL LETTER ES, Cyrillic" in text,
          "hostile.html: the Cyrillic homoglyph is not named with its script")
    check(not console_problems(err), "hostile.html: console: %s" % console_problems(err))
    check_findings("hostile.html", dom, anomalies)
    check_filters("hostile.html", browser, work, trap, page_path, anomalies)


# ---------------------------------------------------------------- main

def without_run_card(page):
    """The page less what differs from run to run (backend, device, timings)."""
    return re.sub(r'<div class="card" id="run">.*?</div>', "", page, flags=re.S)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--masq", required=True)
    parser.add_argument("--chromium", default=None)
    parser.add_argument("--keep", help="copy the demo report and its screenshot here")
    args = parser.parse_args()
    browser = chromium_binary(args.chromium)
    if browser is None:
        print("FAIL: Chromium is missing (Debian: apt-get install chromium; "
              "tools/setup.sh --tests installs it)", file=sys.stderr)
        return 1
    masq = os.path.abspath(args.masq)
    work = tempfile.mkdtemp(prefix="masq-html-")
    trap = RequestTrap()
    try:
        # The trap sees what a page fetches: a page without a policy that loads an image.
        probe = os.path.join(work, "probe.html")
        with open(probe, "w") as f:
            f.write('<!DOCTYPE html><title>probe</title><img src="http://probe.masq.example/x.png">')
        browse(browser, work, trap, "file://" + probe, "--dump-dom")
        check(any(b"probe.masq.example" in r for r in trap.page_requests()),
              "the request trap did not see the probe page's image: it would see no request")
        trap.requests.clear()

        page_path = os.path.join(work, "report.html")
        run = subprocess.run([masq, "scan", "--demo", "-o", page_path], capture_output=True,
                             text=True)
        check(run.returncode == 0 and "(html)" in run.stderr,
              "masq scan --demo -o report.html: exit %d: %s" % (run.returncode, run.stderr))
        with open(page_path, encoding="utf-8") as f:
            page = f.read()
        again = subprocess.run([masq, "scan", "--demo", "--format", "html"], capture_output=True,
                               text=True, check=True).stdout
        check(without_run_card(again) == without_run_card(page),
              "--format html and -o report.html differ (beyond the run's timings)")
        check(without_run_card(page) != page, "the run card is not where the test looks for it")
        report = json.loads(subprocess.run([masq, "scan", "--demo", "--format", "json"],
                                           capture_output=True, text=True, check=True).stdout)
        anomalies = report["anomalies"]
        check(len(anomalies) >= 10, "the demo has only %d findings" % len(anomalies))
        check_static("report.html", page)
        # Without JavaScript the markup is the page: every finding there, shown, with its
        # evidence in a <details>; the filters, which would do nothing, hidden.
        static = parse(page)
        rows = findings_of(static)
        check(len(rows) == len(anomalies) and not [r for r in rows if "hidden" in r.attrs],
              "report.html: without its script, %d findings shown of %d" % (len(rows), len(anomalies)))
        check(all(r.find_all("details") for r in rows), "report.html: a finding without evidence")
        check("hidden" in static.find_all("form")[0].attrs, "report.html: filters shown without script")

        shot = os.path.join(work, "report.png")
        _, err = browse(browser, work, trap, "file://" + page_path, "--screenshot=" + shot)
        check_screenshot(shot)
        out, err = browse(browser, work, trap, "file://" + page_path, "--dump-dom")
        check(not console_problems(err), "report.html: console: %s" % console_problems(err))
        dom = parse(out)
        check_findings("report.html", dom, anomalies)
        check_filters("report.html", browser, work, trap, page_path, anomalies)
        check_sorting("report.html", browser, work, trap, page_path, anomalies)
        if args.keep:
            shutil.copy(page_path, os.path.join(args.keep, "report.html"))
            shutil.copy(shot, os.path.join(args.keep, "report.png"))

        check_hostile(browser, work, trap, masq)
        check(not trap.page_requests(), "the page made requests: %r" % trap.page_requests()[:3])
        print("request trap: %d request(s) of the browser's own services, %d connection(s) "
              "that sent nothing" % (len(trap.requests) - len(trap.page_requests()),
                                     trap.idle_connections))
    finally:
        trap.close()
        shutil.rmtree(work, ignore_errors=True)
    if FAILURES:
        print("%d check(s) failed" % len(FAILURES), file=sys.stderr)
        return 1
    print("html_report: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
