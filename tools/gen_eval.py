#!/usr/bin/env python3
"""Labelled evaluation data for masq's detection quality.

Takes real background events (tests/data/real: SecurityEvent 4688 and
Sysmon 1 rows) and injects masquerades of each kind, seeded, each as a real
sensor pair writes it: a Security 4688 row and its Sysmon 1 twin (the same
start, host and path; Sysmon's with the OriginalFileName), writing:
  OUT/background.jsonl   the untouched real events
  OUT/events.jsonl       the same plus the injected events
  OUT/truth.json         one entry per injected masquerade: kind, target kind
                         (listed: a name of host/detect/known_names.tsv; learned:
                         a name the background runs from a folder of Windows or
                         of installed programs that the list lacks), name, path
Same seed, same bytes. Kinds: substitution, transposition, insertion,
deletion, homoglyph, bidi, double-extension, wrong-folder, renamed, short,
short3 (cmd, reg, dwm, mmc, lsm with one letter inserted, from a user's
folder), look-alike-folder.
"""
import argparse
import json
import os
import random
import sys
from collections import Counter

KINDS = ["substitution", "transposition", "insertion", "deletion", "homoglyph", "bidi",
         "double-extension", "wrong-folder", "renamed", "short", "short3", "look-alike-folder"]
# Kinds with a target of each kind (listed, learned); the others have one kind.
BOTH_TARGETS = {"substitution", "transposition", "insertion", "deletion", "homoglyph",
                "wrong-folder", "renamed"}
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KNOWLEDGE = os.path.join(ROOT, "host", "detect", "known_names.tsv")

# Names attackers imitate, as the default profile knows them (a subset of
# host/detect/known_names.tsv), with their stems long enough for one-edit rules.
KNOWN = ["svchost.exe", "lsass.exe", "csrss.exe", "smss.exe", "wininit.exe", "winlogon.exe",
         "services.exe", "spoolsv.exe", "conhost.exe", "dllhost.exe", "rundll32.exe",
         "regsvr32.exe", "powershell.exe", "wmiprvse.exe", "explorer.exe", "taskhostw.exe",
         "searchindexer.exe", "runtimebroker.exe", "mshta.exe", "certutil.exe", "msiexec.exe",
         "userinit.exe", "schtasks.exe", "bitsadmin.exe", "wevtutil.exe", "whoami.exe"]
KNOWN_FOLDERS = {"powershell.exe": "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\",
                 "wmiprvse.exe": "C:\\Windows\\System32\\wbem\\",
                 "explorer.exe": "C:\\Windows\\"}
SHORT = ["lsass.exe", "csrss.exe", "smss.exe", "mshta.exe", "cmstp.exe", "wmic.exe"]
SHORT3 = ["cmd.exe", "reg.exe", "dwm.exe", "mmc.exe", "lsm.exe"]
USER_FOLDERS = ["C:\\Users\\Public\\", "C:\\Users\\alice\\AppData\\Local\\Temp\\",
                "C:\\Users\\bob\\Downloads\\", "C:\\ProgramData\\", "C:\\Windows\\Temp\\"]
LOOKALIKE_FOLDERS = ["C:\\Windows \\System32\\", "C:\\W1ndows\\System32\\",
                     "C:\\Wind0ws\\", "C:\\Users\\bob\\AppData\\Local\\Temp\\x\\system32\\",
                     "C:\\Windows\\System32 \\", "C:\\ProgramData\\SysWOW64\\"]
HOMOGLYPHS = {"a": "\u0430", "e": "\u0435", "o": "\u043e", "c": "\u0441", "p": "\u0440",
              "x": "\u0445", "y": "\u0443", "i": "\u0456", "s": "\u0455", "l": "1"}
WRONG_FOLDERS = ["C:\\Users\\Public\\", "C:\\ProgramData\\", "C:\\Windows\\Temp\\",
                 "C:\\Users\\alice\\AppData\\Local\\Temp\\", "C:\\Intel\\", "D:\\tools\\"]
DOCUMENTS = ["pdf", "docx", "xlsx", "jpg", "txt", "doc"]
WORDS = ["invoice", "report", "salary", "scan", "photo", "contract", "resume", "statement",
         "order", "shipping", "payment", "notice"]


def listed_names(path=KNOWLEDGE):
    """The names of the knowledge base."""
    names = set()
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                names.add(line.split("\t")[0].strip().lower())
    return names


def folder_of(path):
    return path[:len(path) - len(path.replace("/", "\\").split("\\")[-1])]


def trusted(folder):
    """A folder of Windows itself or of installed programs (lower-case, with drive)."""
    f = folder.lower()[2:]
    if f.startswith("\\windows\\"):
        return not any(f.startswith(w) for w in ("\\windows\\temp\\", "\\windows\\tasks\\"))
    return f.startswith("\\program files\\") or f.startswith("\\program files (x86)\\")


def learned_targets(rows, listed):
    """Names the background runs only from trusted folders, not in the list, with stems of
    at least 5 characters, by how often: the anchors masq must learn. Each with its folder."""
    folders, counts = {}, Counter()
    for line in rows:
        row = json.loads(line)
        path = (row.get("NewProcessName") or row.get("Image") or "").replace("/", "\\")
        name = path.split("\\")[-1].lower()
        counts[name] += 1
        folders.setdefault(name, set()).add(folder_of(path))
    out = {}
    for name, count in counts.items():
        if name in listed or count < 4 or len(stem_ext(name)[0]) < 5 or not name.endswith(".exe"):
            continue
        if all(trusted(f) for f in folders[name]):
            out[name] = sorted(folders[name])[0]
    return out


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


def events(path, when, computer, original=None):
    """One start as two sensors write it: Security 4688 and its Sysmon 1 twin."""
    security = {"TimeGenerated": when, "Computer": computer, "EventID": 4688,
                "NewProcessName": path, "Process": path.split("\\")[-1]}
    sysmon = {"TimeGenerated": when, "Computer": computer, "EventID": 1, "Image": path}
    if original is not None:
        sysmon["OriginalFileName"] = original
    return [security, sysmon]


def target_kinds(kind):
    """listed and learned for the kinds that imitate a name; listed for the short names;
    "-" for the kinds that imitate no name (bidi, double extension, look-alike folders)."""
    if kind in BOTH_TARGETS:
        return ("listed", "learned")
    return ("listed",) if kind in ("short", "short3") else ("-",)


def typo_target(kind, pool, rnd):
    """A target of pool the kind of edit can apply to, and its edited name."""
    while True:
        target = rnd.choice(pool)
        stem = stem_ext(target)[0]
        if kind == "homoglyph" and not any(c in HOMOGLYPHS for c in stem):
            continue
        if kind == "transposition" and len(set(stem)) < 2:
            continue
        return target, edit(kind, target, rnd)


def generate(folder, seed, per_kind):
    rnd = random.Random(seed)
    background = read_background(folder)
    names = process_names(background)
    listed = listed_names()
    learned = learned_targets(background, listed)
    pools = {"listed": sorted(set(targets(names)) & listed | set(KNOWN)),
             "learned": sorted(learned)}
    taken = set(names)
    truth, injected = [], []
    hosts = ["HR001.shire.com", "IT001.shire.com", "MORDORDC.shire.com"]
    for kind in KINDS:
        for target_kind in target_kinds(kind):
            made = 0
            pool = pools.get(target_kind, pools["listed"])
            while made < per_kind:
                when = "2019-12-05T%02d:%02d:%02d.000Z" % (rnd.randrange(24), rnd.randrange(60), rnd.randrange(60))
                host = rnd.choice(hosts)
                original = None
                folder_path = rnd.choice(WRONG_FOLDERS)
                if kind in ("substitution", "transposition", "insertion", "deletion", "homoglyph"):
                    target, name = typo_target(kind, pool, rnd)
                elif kind == "short":
                    target = rnd.choice(SHORT)
                    name = edit(rnd.choice(["substitution", "insertion", "deletion", "transposition"]), target, rnd)
                    if len(stem_ext(name)[0]) < 3:
                        continue
                elif kind == "short3":
                    target = rnd.choice(SHORT3)
                    stem, ext = stem_ext(target)
                    i = rnd.randrange(0, len(stem) + 1)
                    letter = rnd.choice([stem[max(i - 1, 0)], rnd.choice("abcdefghijklmnopqrstuvwxyz")])
                    name = stem[:i] + letter + stem[i:] + ext
                    folder_path = rnd.choice(USER_FOLDERS)
                elif kind == "bidi":
                    # "report\u202Efdp.exe" reads "reportexe.pdf".
                    target = ""
                    name = rnd.choice(WORDS) + str(rnd.randrange(100)) + "\u202e" + rnd.choice(DOCUMENTS)[::-1] + ".exe"
                elif kind == "double-extension":
                    target = ""
                    name = "%s_%d.%s.exe" % (rnd.choice(WORDS), rnd.randrange(1000), rnd.choice(DOCUMENTS))
                elif kind == "wrong-folder":
                    target = rnd.choice(KNOWN if target_kind == "listed" else pool)
                    name = target
                    if target_kind == "learned":
                        folder_path = rnd.choice(USER_FOLDERS)
                elif kind == "look-alike-folder":
                    target = rnd.choice(sorted(names))
                    name = target
                    folder_path = rnd.choice(LOOKALIKE_FOLDERS)
                else:  # renamed: a binary copied under another name (Sysmon keeps the original)
                    if target_kind == "listed":
                        target = rnd.choice(["powershell.exe", "cmd.exe", "rundll32.exe", "certutil.exe", "mshta.exe", "wmic.exe"])
                        original = {"powershell.exe": "PowerShell.EXE", "cmd.exe": "Cmd.Exe"}.get(target, target.upper())
                    else:
                        target = rnd.choice(pool)
                        original = target.upper()
                    name = "%s%d.exe" % (rnd.choice(["update", "helper", "svc", "agent", "tool"]), rnd.randrange(10000))
                lowered = name.lower()
                # A name of the knowledge base is a genuine binary (ssms.exe), not a look-alike.
                if kind not in ("wrong-folder", "look-alike-folder") and (
                        lowered in taken or lowered == target or lowered in listed):
                    continue
                taken.add(lowered)
                path = folder_path + name
                injected.extend(json.dumps(e, ensure_ascii=False) for e in events(path, when, host, original))
                truth.append({"kind": kind, "target_kind": target_kind, "name": lowered,
                              "target": target, "path": path})
                made += 1
    rows = background + injected
    rnd.shuffle(rows)
    return background, rows, truth


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
