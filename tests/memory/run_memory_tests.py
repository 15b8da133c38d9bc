#!/usr/bin/env python3
"""Resources bounded by the input's size, never by a crafted pair, and the
small probing cases (issue items 12, 13, 14 and 16).

Each case runs masq on a generated input and checks its exit, its summary and
its peak resident memory (ru_maxrss of that one process, from wait4) or CPU
time against a stated bound:

  12  two near-identical names of 20,000 code points: peak RSS < 200 MB
      (the whole-table distance and edit needed 1.54 GB a thread)
  13  a CSV record of 100,000 empty fields: peak RSS < 200 MB, and it runs
      in 1 GB of address space (a record-length buffer per field was 10 GB)
  14  a 600 MiB line with 2 readers: peak RSS < 200 MB and CPU time at most
      1.6 x the one-reader run + 0.2 s (each 32 MiB part's reader used to scan
      to the end of the line: 3.7 x here, 17 x for a 4 GB line)
  16  \\u0000 in a JSON string is a malformed line, counted; an escaped key
      reads alike on the fast path and the cJSON path; masq reads everything
      when reader threads cannot be created (the first one, or all).

With --sanitized (an AddressSanitizer build) the memory, address-space and
CPU bounds are not checked (the sanitizer's shadow memory and speed), the rest is.

usage: run_memory_tests.py [--sanitized] MASQ FAIL_PTHREAD_CREATE_SO
"""
import json
import os
import resource
import subprocess
import sys
import tempfile

MB = 1 << 20
failures = []
sanitized = False


def check(condition, message, bound=False):
    if bound and sanitized:
        print("skip " + message)
        return
    print(("ok   " if condition else "FAIL ") + message)
    if not condition:
        failures.append(message)


def run(argv, env=None, address_space=None):
    """Run argv; (exit code, stdout, stderr, peak RSS bytes, CPU seconds)."""
    out = tempfile.TemporaryFile()
    err = tempfile.TemporaryFile()

    def limit():
        if address_space:
            resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))

    full_env = dict(os.environ)
    full_env.update(env or {})
    p = subprocess.Popen(argv, stdout=out, stderr=err, env=full_env, preexec_fn=limit)
    _, status, usage = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    out.seek(0)
    err.seek(0)
    return (p.returncode, out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"),
            usage.ru_maxrss * 1024, usage.ru_utime + usage.ru_stime)


def event(process, computer="pc1", path=None):
    return json.dumps({"EventID": 4688, "Process": process, "Computer": computer,
                       "NewProcessName": path or ("C:\\Windows\\System32\\" + process),
                       "TimeGenerated": "2024-06-03T00:00:00Z"}, ensure_ascii=False)


def summary(stdout):
    try:
        return json.loads(stdout)["summary"]
    except (ValueError, KeyError):
        return {}


def scan(masq, paths, *options, **kw):
    return run([masq, "scan", "--backend", "cpu", "--format", "json", *options, *paths], **kw)


def long_pair(masq, folder):
    # 20,000 code points, 3 bytes each in UTF-8: a frequent name and a near copy.
    base = "".join(chr(0x4E00 + (i * 7919) % 20000) for i in range(20000)) + ".exe"
    copy = base[:10000] + "x" + base[10001:15000] + base[15001:]
    path = os.path.join(folder, "long_names.jsonl")
    with open(path, "w", encoding="utf-8") as f:
        for n in range(5):
            f.write(event(base, "pc%d" % n) + "\n")
        f.write(event(copy) + "\n")
        f.write(event("other.exe") + "\n")
    code, stdout, stderr, rss, cpu = scan(masq, [path], "--threads", "2")
    s = summary(stdout)
    anomalies = json.loads(stdout).get("anomalies", []) if code == 0 else []
    check(code == 0, "12: exit 0 (got %d: %s)" % (code, stderr.strip()[-200:]))
    check(s.get("events") == 7, "12: 7 events read (got %s)" % s.get("events"))
    # inside an edit's brackets characters past ASCII are written U+XXXX
    wanted = ["[U+%04X→x]" % ord(base[10000]), "[-U+%04X]" % ord(base[15000])]
    check(any(a.get("Distance") == 2 and all(w in (a.get("Edit") or "") for w in wanted) for a in anomalies),
          "12: the near copy is reported at distance 2 with its edit %s (%d anomalies)" % (wanted, len(anomalies)))
    check(rss < 200 * MB, "12: peak RSS %.1f MB < 200 MB (two 20,000-code-point names)" % (rss / MB), bound=True)
    print("     12: %.2f s CPU" % cpu)


def wide_csv(masq, folder):
    path = os.path.join(folder, "wide.csv")
    with open(path, "w") as f:
        f.write("TimeGenerated [UTC],EventID,Computer,NewProcessName,Process\n")
        f.write("2024-06-03T00:00:00Z,4688,pc1,C:\\Windows\\System32\\svchost.exe,svchost.exe\n")
        f.write("," * 99999 + "\n")
        f.write("2024-06-03T00:00:00Z,4688,pc2,C:\\Windows\\System32\\svch0st.exe,svch0st.exe\n")
    code, stdout, stderr, rss, cpu = scan(masq, [path], address_space=None if sanitized else 1 << 30)
    s = summary(stdout)
    check(code == 0, "13: exit 0 in 1 GB of address space (got %d: %s)" % (code, stderr.strip()[-200:]))
    check(s.get("events") == 2 and s.get("malformed_lines") == 1,
          "13: 2 events, the 100,000-field record malformed (got %s, %s)" % (s.get("events"), s.get("malformed_lines")))
    check(rss < 200 * MB, "13: peak RSS %.1f MB < 200 MB (a record of 100,000 empty fields)" % (rss / MB), bound=True)
    # A header of 100,000 columns and a record of as many fields.
    path = os.path.join(folder, "wide_header.csv")
    names = ["TimeGenerated", "EventID", "Computer", "NewProcessName", "Process"]
    with open(path, "w") as f:
        f.write(",".join(names + ["c%d" % i for i in range(100000 - len(names))]) + "\n")
        f.write("2024-06-03T00:00:00Z,4688,pc1,C:\\Windows\\System32\\svchost.exe,svchost.exe"
                + "," * (100000 - len(names)) + "\n")
    code, stdout, stderr, rss, cpu = scan(masq, [path], address_space=None if sanitized else 1 << 30)
    check(code == 0 and summary(stdout).get("events") == 1,
          "13: 100,000 columns and a record of them: 1 event (exit %d, %s)" % (code, stderr.strip()[-200:]))
    check(rss < 200 * MB, "13: peak RSS %.1f MB < 200 MB (100,000 columns)" % (rss / MB), bound=True)


def long_line(masq, folder):
    path = os.path.join(folder, "long_line.jsonl")
    with open(path, "wb") as f:
        f.write((event("svchost.exe") + "\n").encode())
        f.write(b'{"x":"' + b"a" * (600 * MB) + b'"}\n')
        f.write((event("svch0st.exe") + "\n").encode())
    results = {}
    for threads in (1, 2):
        code, stdout, stderr, rss, cpu = scan(masq, [path], "--threads", str(threads))
        s = summary(stdout)
        results[threads] = cpu
        check(code == 0 and s.get("events") == 2 and s.get("malformed_lines") == 1,
              "14: %d reader(s): 2 events and the long line malformed (exit %d, %s, %s)"
              % (threads, code, s.get("events"), s.get("malformed_lines")))
        check(rss < 200 * MB, "14: %d reader(s): peak RSS %.1f MB < 200 MB" % (threads, rss / MB), bound=True)
    check(results[2] <= 1.6 * results[1] + 0.2,
          "14: CPU with 2 readers %.2f s <= 1.6 x %.2f s + 0.2 s (one reader)" % (results[2], results[1]),
          bound=True)
    os.unlink(path)


def probing(masq, shim, folder):
    path = os.path.join(folder, "nul.jsonl")
    with open(path, "w") as f:
        f.write('{"EventID":4688,"Process":"svchost.exe\\u0000x.exe","Computer":"a",'
                '"TimeGenerated":"2024-06-03T00:00:00Z"}\n')
        # cJSON path (a surrogate pair sends the line there) with the NUL too
        f.write('{"EventID":4688,"Process":"\\ud83d\\ude00svchost.exe\\u0000x.exe","Computer":"a",'
                '"TimeGenerated":"2024-06-03T00:00:00Z"}\n')
        f.write('{"EventID":4688,"Process":"svchost.exe","Computer":"a","x":"\\\\u0000",'
                '"TimeGenerated":"2024-06-03T00:00:00Z"}\n')
    code, stdout, stderr, _, _ = scan(masq, [path])
    s = summary(stdout)
    check(s.get("malformed_lines") == 2 and s.get("events") == 1 and "u0000" in stderr,
          "16: \\u0000 in a string is a malformed line, an escaped backslash before u0000 is not "
          "(malformed %s, events %s)" % (s.get("malformed_lines"), s.get("events")))
    # An escaped key: the same answer whichever path reads the line.
    path = os.path.join(folder, "escaped_key.jsonl")
    rows = []
    for value in ('4688', '"4688"'):
        for tail in ('', ',"y":"\\ud83d\\ude00"'):  # the surrogate pair: cJSON's path
            rows.append('{"Event\\u0049D":%s,"Process":"svchost.exe","Computer":"a",'
                        '"TimeGenerated":"2024-06-03T00:00:00Z"%s}' % (value, tail))
    answers = []
    for row in rows:
        with open(path, "w") as f:
            f.write(event("svchost.exe") + "\n" + row + "\n")
        code, stdout, stderr, _, _ = scan(masq, [path])
        s = summary(stdout)
        answers.append((s.get("events"), s.get("other_events"), s.get("malformed_lines")))
    check(answers[0] == answers[1] and answers[2] == answers[3],
          "16: an escaped key reads alike on both paths (%s)" % answers)
    # Reader threads that cannot be created.
    files = []
    for n in range(4):
        p = os.path.join(folder, "part%d.jsonl" % n)
        with open(p, "w") as f:
            for i in range(50):
                f.write(event("svchost.exe", "pc%d" % i) + "\n")
            f.write(event("svch0st.exe") + "\n")
        files.append(p)
    expected = scan(masq, files, "--threads", "2")
    for fail in ("1", "2"):
        code, stdout, stderr, _, _ = scan(masq, files, "--threads", "2",
                                          env={"LD_PRELOAD": shim, "MASQ_FAIL_THREADS": fail,
                                               "ASAN_OPTIONS": "verify_asan_link_order=0"})
        check(code == 0 and summary(stdout).get("events") == 204,
              "16: %s reader thread(s) not created: exit 0 and every event read (exit %d, events %s%s)"
              % (fail, code, summary(stdout).get("events"), (", " + stderr.strip()[-200:]) if code else ""))
    check(expected[0] == 0 and summary(expected[1]).get("events") == 204, "16: the run with threads reads 204 events")


def main():
    global sanitized
    args = sys.argv[1:]
    if args and args[0] == "--sanitized":
        sanitized = True
        args = args[1:]
    masq, shim = args
    with tempfile.TemporaryDirectory() as folder:
        long_pair(masq, folder)
        wide_csv(masq, folder)
        probing(masq, shim, folder)
        long_line(masq, folder)
    print("%d failed" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
