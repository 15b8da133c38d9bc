#!/usr/bin/env python3
"""Labelled evaluation data for masq's detection quality.

Takes real background events (tests/data/real: SecurityEvent 4688 and
Sysmon 1 rows) and injects masquerades of each kind, seeded, writing:
  OUT/background.jsonl   the untouched real events
  OUT/events.jsonl       the same plus the injected events
  OUT/truth.json         one entry per injected masquerade: kind, name, path
Same seed, same bytes. Kinds: substitution, transposition, insertion,
deletion, homoglyph, bidi, double-extension, wrong-folder, renamed, short.
"""
import argparse
import json
import os
import random
import sys
from collections import Counter

KINDS = ["substitution", "transposition", "insertion", "deletion", "homoglyph", "bidi",
         "double-extension", "wrong-folder", "renamed", "short"]

# Names attackers imitate, as the default profile knows them (a subset of
# host/detect/known_names.c), with their stems long enough for one-edit rules.
KNOWN = ["svchost.exe", "lsass.exe", "csrss.exe", "smss.exe", "wininit.exe", "winlogon.exe",
         "services.exe", "spoolsv.exe", "conhost.exe", "dllhost.exe", "rundll32.exe",
         "regsvr32.exe", "powershell.exe", "wmiprvse.exe", "explorer.exe", "taskhostw.exe",
         "searchindexer.exe", "runtimebroker.exe", "mshta.exe", "certutil.exe", "msiexec.exe",
         "userinit.exe", "schtasks.exe", "bitsadmin.exe", "wevtutil.exe", "whoami.exe"]
KNOWN_FOLDERS = {"powershell.exe": "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\",
                 "wmiprvse.exe": "C:\\Windows\\System32\\wbem\\",
                 "explorer.exe": "C:\\Windows\\"}
SHORT = ["lsass.exe", "csrss.exe", "smss.exe", "mshta.exe", "cmstp.exe", "wmic.exe"]
HOMOGLYPHS = {"a": "\u0430", "e": "\u0435", "o": "\u043e", "c": "\u0441", "p": "\u0440",
              "x": "\u0445", "y": "\u0443", "i": "\u0456", "s": "\u0455", "l": "1"}
WRONG_FOLDERS = ["C:\\Users\\Public\\", "C:\\ProgramData\\", "C:\\Windows\\Temp\\",
                 "C:\\Users\\alice\\AppData\\Local\\Temp\\", "C:\\Intel\\", "D:\\tools\\"]
DOCUMENTS = ["pdf", "docx", "xlsx", "jpg", "txt", "doc"]
WORDS = ["invoice", "report", "salary", "scan", "photo", "contract", "resume", "statement",
         "order", "shipping", "payment", "notice"]


def read_background(folder):
    rows = []
    for name in ("securityevent_4688.jsonl", "sysmon_1.jsonl"):
        with open(os.path.join(folder, name), encoding="utf-8") as f:
            rows.extend(line.rstrip("\n") for line in f if line.strip())
    return rows


def process_names(rows):
    names = Counter()
    for line in rows:
        row = json.loads(line)
        path = row.get("NewProcessName") or row.get("Image") or ""
        names[path.replace("/", "\\").split("\\")[-1].lower()] += 1
    return names


def stem_ext(name):
    dot = name.rfind(".")
    return (name[:dot], name[dot:]) if dot > 0 else (name, "")


def targets(names):
    """Known names, and real names frequent enough to be anchors, with stems of
    at least 7 characters for the similarity rule."""
    frequent = [n for n, c in names.most_common() if c >= 10 and len(stem_ext(n)[0]) >= 7]
    return sorted(set(KNOWN) | set(frequent))


def edit(kind, name, rnd):
    stem, ext = stem_ext(name)
    letters = "abcdefghijklmnopqrstuvwxyz"
    if kind == "substitution":
        i = rnd.randrange(1, len(stem))
        c = rnd.choice([x for x in letters if x != stem[i]])
        return stem[:i] + c + stem[i + 1:] + ext
    if kind == "transposition":
        candidates = [i for i in range(1, len(stem) - 1) if stem[i] != stem[i + 1]]
        i = rnd.choice(candidates)
        return stem[:i] + stem[i + 1] + stem[i] + stem[i + 2:] + ext
    if kind == "insertion":
        i = rnd.randrange(1, len(stem) + 1)
        return stem[:i] + rnd.choice(letters) + stem[i:] + ext
    if kind == "deletion":
        i = rnd.randrange(1, len(stem))
        return stem[:i] + stem[i + 1:] + ext
    if kind == "homoglyph":
        spots = [i for i, c in enumerate(stem) if c in HOMOGLYPHS]
        i = rnd.choice(spots)
        return stem[:i] + HOMOGLYPHS[stem[i]] + stem[i + 1:] + ext
    raise ValueError(kind)


def event(path, when, computer, rnd, original=None):
    if original is None:
        return {"TimeGenerated": when, "Computer": computer, "EventID": 4688,
                "NewProcessName": path, "Process": path.split("\\")[-1]}
    return {"TimeGenerated": when, "Computer": computer, "EventID": 1, "Image": path,
            "OriginalFileName": original}


def generate(folder, seed, per_kind):
    rnd = random.Random(seed)
    background = read_background(folder)
    names = process_names(background)
    pool = targets(names)
    taken = set(names)
    truth, injected = [], []
    hosts = ["HR001.shire.com", "IT001.shire.com", "MORDORDC.shire.com"]
    for kind in KINDS:
        made = 0
        while made < per_kind:
            when = "2019-12-05T%02d:%02d:%02d.000Z" % (rnd.randrange(24), rnd.randrange(60), rnd.randrange(60))
            host = rnd.choice(hosts)
            original = None
            folder_path = rnd.choice(WRONG_FOLDERS)
            if kind in ("substitution", "transposition", "insertion", "deletion", "homoglyph"):
                target = rnd.choice(pool)
                if kind == "homoglyph" and not any(c in HOMOGLYPHS for c in stem_ext(target)[0]):
                    continue
                if kind == "transposition" and len(set(stem_ext(target)[0])) < 2:
                    continue
                name = edit(kind, target, rnd)
            elif kind == "short":
                target = rnd.choice(SHORT)
                name = edit(rnd.choice(["substitution", "insertion", "deletion", "transposition"]), target, rnd)
                if len(stem_ext(name)[0]) < 3:
                    continue
            elif kind == "bidi":
                # "report\u202Efdp.exe" reads "reportexe.pdf".
                target = ""
                name = rnd.choice(WORDS) + str(rnd.randrange(100)) + "\u202e" + rnd.choice(DOCUMENTS)[::-1] + ".exe"
            elif kind == "double-extension":
                target = ""
                name = "%s_%d.%s.exe" % (rnd.choice(WORDS), rnd.randrange(1000), rnd.choice(DOCUMENTS))
            elif kind == "wrong-folder":
                target = rnd.choice(KNOWN)
                name = target
            else:  # renamed: a known binary copied under another name (Sysmon keeps the original)
                target = rnd.choice(["powershell.exe", "cmd.exe", "rundll32.exe", "certutil.exe", "mshta.exe", "wmic.exe"])
                name = "%s%d.exe" % (rnd.choice(["update", "helper", "svc", "agent", "tool"]), rnd.randrange(10000))
                original = {"powershell.exe": "PowerShell.EXE", "cmd.exe": "Cmd.Exe"}.get(target, target.upper())
            lowered = name.lower()
            if kind != "wrong-folder" and (lowered in taken or lowered == target):
                continue
            taken.add(lowered)
            path = folder_path + name
            injected.append(json.dumps(event(path, when, host, rnd, original), ensure_ascii=False))
            truth.append({"kind": kind, "name": lowered, "target": target, "path": path})
            made += 1
    events = background + injected
    rnd.shuffle(events)
    return background, events, truth


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real", default=os.path.join(os.path.dirname(__file__), "..", "tests", "data", "real"))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--per-kind", type=int, default=20)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    background, events, truth = generate(args.real, args.seed, args.per_kind)
    os.makedirs(args.out, exist_ok=True)
    for name, rows in (("background.jsonl", background), ("events.jsonl", events)):
        with open(os.path.join(args.out, name), "w", encoding="utf-8") as f:
            f.writelines(row + "\n" for row in rows)
    with open(os.path.join(args.out, "truth.json"), "w", encoding="utf-8") as f:
        json.dump(truth, f, ensure_ascii=False, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
