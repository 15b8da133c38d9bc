#!/usr/bin/env python3
"""Seeded generator of realistic Windows process names for tests and benchmarks.

Writes two files, frequent and infrequent names, one lower-cased name per line, UTF-8,
'\n' line ends. Same seed and sizes -> same bytes out (only Python's `random.Random`
with an integer seed is used, and nothing iterates a set). Names are unique within each
file, the two files are disjoint, and every name is 4-40 code points long.

What goes in:
  frequent    ~200 real Windows and vendor binaries first, then vendor/product names,
              DLLs, versioned installers, scripts, a few temp, CJK and extension-less names
  infrequent  1-2 edit look-alikes of frequent names (substitution, adjacent
              transposition, insertion, deletion, homoglyphs such as Cyrillic а/е/о/с/р,
              0 for o, 1 for l, and a few "transpose then insert between" edits whose true
              Damerau-Levenshtein distance is below their OSA distance), plus the long
              tail: versioned installers, temp and GUID-like names, hashes, downloads,
              double extensions, CJK and other non-ASCII names, a few with no extension

Usage:
  gen_names.py --seed 1 --frequent 2000 --infrequent 20000 \
      --out-frequent frequent.txt --out-infrequent infrequent.txt

Also importable: `generate(seed, n_frequent, n_infrequent) -> (frequent, infrequent)`.
"""

import argparse
import random
import sys

MIN_LEN = 4
MAX_LEN = 40

# Real binaries seen on Windows fleets: the system, Defender, Office, browsers, agents.
REAL_NAMES = """
svchost.exe lsass.exe csrss.exe smss.exe wininit.exe winlogon.exe services.exe
spoolsv.exe explorer.exe conhost.exe powershell.exe powershell_ise.exe pwsh.exe cmd.exe
rundll32.exe regsvr32.exe dllhost.exe taskhostw.exe taskhost.exe sihost.exe ctfmon.exe
dwm.exe fontdrvhost.exe runtimebroker.exe searchindexer.exe searchprotocolhost.exe
searchfilterhost.exe searchui.exe searchapp.exe startmenuexperiencehost.exe
shellexperiencehost.exe applicationframehost.exe systemsettings.exe lockapp.exe
userinit.exe logonui.exe consent.exe wmiprvse.exe wmiadap.exe wmiapsrv.exe unsecapp.exe
msiexec.exe trustedinstaller.exe tiworker.exe mousocoreworker.exe usoclient.exe
wuauclt.exe musnotification.exe sppsvc.exe sgrmbroker.exe securityhealthservice.exe
securityhealthsystray.exe msmpeng.exe nissrv.exe mpcmdrun.exe smartscreen.exe
audiodg.exe werfault.exe wermgr.exe backgroundtaskhost.exe compattelrunner.exe
devicecensus.exe taskmgr.exe mmc.exe notepad.exe calc.exe mspaint.exe wordpad.exe
regedit.exe reg.exe schtasks.exe sc.exe net.exe net1.exe netsh.exe ipconfig.exe
ping.exe tracert.exe tracerpt.exe nslookup.exe whoami.exe hostname.exe systeminfo.exe
tasklist.exe taskkill.exe certutil.exe bitsadmin.exe mshta.exe wscript.exe cscript.exe
msbuild.exe installutil.exe regasm.exe regsvcs.exe csc.exe cvtres.exe ngen.exe
ngentask.exe wevtutil.exe vssadmin.exe vssvc.exe wbadmin.exe bcdedit.exe diskpart.exe
defrag.exe cleanmgr.exe dism.exe dismhost.exe sfc.exe gpupdate.exe gpresult.exe
auditpol.exe esentutl.exe ntdsutil.exe dsregcmd.exe cmstp.exe forfiles.exe findstr.exe
robocopy.exe xcopy.exe expand.exe makecab.exe extrac32.exe curl.exe tar.exe ftp.exe
msdt.exe sdiagnhost.exe dxdiag.exe perfmon.exe resmon.exe eventvwr.exe mstsc.exe
rdpclip.exe tstheme.exe lsaiso.exe wudfhost.exe printisolationhost.exe
msedge.exe msedgewebview2.exe microsoftedgeupdate.exe identity_helper.exe chrome.exe
firefox.exe iexplore.exe onedrive.exe onedrivesetup.exe filecoauth.exe teams.exe
ms-teams.exe outlook.exe winword.exe excel.exe powerpnt.exe onenote.exe msaccess.exe
officeclicktorun.exe officec2rclient.exe acrord32.exe acrobat.exe adobearm.exe
reader_sl.exe googleupdate.exe jusched.exe java.exe javaw.exe python.exe pythonw.exe
node.exe code.exe git.exe ssh.exe vmtoolsd.exe vmware-tray.exe vboxservice.exe
zoom.exe slack.exe skype.exe spotify.exe dropbox.exe 7zfm.exe winrar.exe vlc.exe
notepad++.exe putty.exe winscp.exe teamviewer.exe anydesk.exe splunkd.exe
osqueryd.exe sysmon64.exe sysmon.exe procexp64.exe procmon.exe autoruns.exe psexec.exe
psexesvc.exe windowsazureguestagent.exe waappagent.exe healthservice.exe
monitoringhost.exe senseir.exe mssense.exe sensecncproxy.exe ccmexec.exe ccmsetup.exe
intunemanagementextension.exe agentexecutor.exe nvcontainer.exe
nvdisplay.container.exe igfxem.exe igfxtray.exe rtkaudusvc64.exe wsl.exe wslhost.exe
bash.exe docker.exe dockerd.exe com.docker.backend.exe gamebar.exe hxtsr.exe
microsoft.photos.exe settingsynchost.exe upfc.exe verclsid.exe wlrmdr.exe
more.com mode.com chcp.com tree.com format.com kernel32.dll ntdll.dll user32.dll
shell32.dll advapi32.dll logon.scr ribbons.scr bubbles.scr mystify.scr
startup.bat logon.bat registry memcompression vmmem
""".split()

VENDORS = """
adobe acro google mozilla nvidia intel realtek logi logitech dell hp lenovo asus citrix
vmware cisco zoom slack oracle sap autodesk symantec mcafee sophos crowdstrike cylance
carbonblack sentinel tanium qualys rapid7 splunk elastic datadog dropbox box webex
ringcentral okta duo forti paloalto globalprotect kaspersky eset bitdefender avast
malwarebytes veeam acronis solarwinds kaseya connectwise manageengine ivanti bomgar
beyondtrust cyberark thycotic jamf zscaler netskope openvpn wireguard anyconnect
barracuda trend nessus wireshark npcap steam epic origin discord whatsapp telegram
signal brave opera vivaldi notion evernote grammarly foxit nitro pdfcreator bluebeam
ricoh canon epson brother xerox lexmark kyocera konica synaptics elan alps dolby
waves nahimic razer corsair msi gigabyte asrock amd radeon ati qualcomm broadcom
killer rivet marvell plantronics poly jabra sennheiser yealink
""".split()

PRODUCT_WORDS = """
update updater helper service svc agent host broker launcher monitor tray notifier
manager sync client daemon installer setup uninstall crashhandler crashpad elevation
collector scanner console server bridge proxy worker runner watchdog reporter
telemetry diag config plugin render gpu audio video print scan backup restore license
auth sso vpn remote control center hub assistant sensor shield guard protect defender
endpoint edr av scheduler engine core framework runtime container panel settings
companion connect link share drive cloud desktop mobile web app ui cli tool utility
""".split()

DLL_STEMS = """
api-ms-win-core-file-l1-2-0 api-ms-win-crt-runtime-l1-1-0 api-ms-win-core-synch-l1-2-0
msvcp140 vcruntime140 vcruntime140_1 ucrtbase mfc140u msvcr120 msvcp120 d3d11 d3d12
dxgi opengl32 vulkan-1 libcrypto-3-x64 libssl-3-x64 libcurl zlib1 sqlite3 libeay32
ssleay32 python311 python39 qt5core qt5gui qt5widgets qt6core libglib-2.0-0 icuuc
icuin winhttp wininet crypt32 bcrypt ncrypt secur32 sspicli dbghelp dbgcore version
winmm uxtheme dwmapi comctl32 oleaut32 ole32 combase rpcrt4 setupapi cfgmgr32 wintrust
""".split()

# Pieces of the terse 8.3-era names vendors still ship (igfxpers, hkcmd, rtkngui, nvsvc).
ABBREV_PIECES = """
nv igfx rtk hk ati amd ms win sys net svc wu sec ccm mp lsa dfs dns usr cfg upd mgr srv
ctl cpl tray mon hlp ui cmd pers ngui em gfx aud snd kbd mou pnp usb bt wlan lan vpn
fw av ids log evt sched task run exec load boot init dev drv pwr bat disp cap reg inst
set prt scn fax tel sync bak app host agt cli hid cam mic hdmi dp vga kb ps ws wmi com ole
dll exe pkg ime ink pen touch sens geo loc gps nfc lte wifi ether spool dcom rpc smb nfs
""".split()

SCRIPT_WORDS = """
install uninstall update setup run start stop deploy cleanup backup restore logon logoff
map_drives mapdrives printers gpo_refresh inventory patch hotfix repair reset fix
config configure enable disable register unregister sync collect report scan
""".split()

DOC_WORDS = """
invoice document scan photo img report statement payment order receipt contract
resume cv shipping delivery notice urgent confidential salary bonus agreement
quotation proposal tender bank transfer
""".split()

CJK_WORDS = [
    "微信", "腾讯", "钉钉", "搜狗", "输入法", "浏览器", "管家", "安全", "更新", "助手",
    "下载", "播放器", "云", "文档", "会议", "卫士", "网盘", "驱动", "精灵", "客户端",
    "一太郎", "アップデート", "ヘルパー", "サービス", "ランチャー", "設定",
    "카카오톡", "업데이트", "도우미", "보안", "설치",
]
OTHER_NONASCII_WORDS = [
    "обновление", "установка", "помощник", "служба", "клиент", "übersicht", "größe",
    "café", "résumé", "facture", "açúcar", "zażółć", "ελληνικά", "ενημέρωση", "mañana",
    "données", "téléchargement", "überwachung", "přehled", "güncelleme",
]

HOMOGLYPHS = {
    "a": ["\u0430"],            # Cyrillic а
    "c": ["\u0441"],            # Cyrillic с
    "e": ["\u0435"],            # Cyrillic е
    "h": ["\u04bb"],            # Cyrillic һ
    "i": ["1", "\u0456", "l"],  # 1, Ukrainian і, l
    "l": ["1", "i"],
    "o": ["0", "\u043e", "\u03bf"],  # 0, Cyrillic о, Greek ο
    "p": ["\u0440"],            # Cyrillic р
    "s": ["5", "\u0455"],       # 5, Cyrillic ѕ
    "x": ["\u0445"],            # Cyrillic х
    "y": ["\u0443"],            # Cyrillic у
    "g": ["9", "q"],
    "b": ["6"],
    "z": ["2"],
    "t": ["7"],
}

KEYBOARD_ROWS = ["1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm"]
ASCII_LOWER = "abcdefghijklmnopqrstuvwxyz"
HEX = "0123456789abcdef"
ALNUM = ASCII_LOWER + "0123456789"


def _keyboard_neighbours():
    grid = {}
    for row_index, row in enumerate(KEYBOARD_ROWS):
        for col_index, char in enumerate(row):
            grid[char] = (row_index, col_index)
    neighbours = {}
    for char, (row, col) in grid.items():
        near = []
        for other, (orow, ocol) in grid.items():
            if other != char and abs(orow - row) <= 1 and abs(ocol - col) <= 1:
                near.append(other)
        neighbours[char] = sorted(near)
    return neighbours


NEIGHBOURS = _keyboard_neighbours()


def split_extension(name):
    """(stem, '.ext') at the last '.', or (name, '') when there is none."""
    dot = name.rfind(".")
    if dot <= 0:
        return name, ""
    return name[:dot], name[dot:]


class NameGenerator:
    """All the name kinds; every method draws only from self.rng."""

    def __init__(self, seed):
        self.rng = random.Random(seed)

    # -- small helpers -------------------------------------------------------------
    def _ext(self):
        return self.rng.choices([".exe", ".dll", ".com", ".scr", ".bat"],
                                weights=[90, 4, 2, 2, 2])[0]

    def _hex(self, n):
        return "".join(self.rng.choice(HEX) for _ in range(n))

    def _alnum(self, n):
        return "".join(self.rng.choice(ALNUM) for _ in range(n))

    def _version(self):
        r = self.rng
        parts = [str(r.randint(1, 24)), str(r.randint(0, 12))]
        if r.random() < 0.5:
            parts.append(str(r.randint(0, 30)))
        if r.random() < 0.15:
            parts.append(str(r.randint(0, 9999)))
        return ".".join(parts)

    # -- name kinds ----------------------------------------------------------------
    def vendor_product(self):
        r = self.rng
        vendor = r.choice(VENDORS)
        words = [r.choice(PRODUCT_WORDS) for _ in range(r.choices([1, 2], [90, 10])[0])]
        sep = r.choices(["", "_", "-", "."], weights=[70, 14, 12, 4])[0]
        roll = r.random()
        if roll < 0.3:
            stem = vendor                        # "dropbox"
        elif roll < 0.5:
            stem = sep.join(words)               # "updatehelper"
        else:
            stem = sep.join([vendor] + words)    # "adobe_updater"
        if r.random() < 0.12:
            stem += r.choice(["64", "32", "_x64", "x64", "_x86", "2", "3"])
        return stem + self._ext()

    def abbreviated(self):
        r = self.rng
        stem = "".join(r.choice(ABBREV_PIECES) for _ in range(r.choices([2, 3], [80, 20])[0]))
        if r.random() < 0.25:
            stem += r.choice(["32", "64", "2", "x", "srv", "svc"])
        return stem + self._ext()

    def dll(self):
        r = self.rng
        if r.random() < 0.6:
            return r.choice(DLL_STEMS) + ".dll"
        return r.choice(VENDORS) + r.choice(["", "_", "-"]) + r.choice(PRODUCT_WORDS) + \
            r.choice(["", "", "64", "32", "x64"]) + ".dll"

    def versioned(self):
        r = self.rng
        product = r.choices([r.choice(VENDORS) + r.choice(["", "_", "-"]) + r.choice(PRODUCT_WORDS),
                             r.choice(VENDORS), r.choice(PRODUCT_WORDS),
                             split_extension(r.choice(REAL_NAMES))[0]], [15, 30, 35, 20])[0]
        form = r.randrange(6)
        ver = self._version()
        if form == 0:
            stem = "%s_x64_v%s" % (product, ver)              # setup_x64_v3.2.1
        elif form == 1:
            stem = "%s-%s" % (product, ver)                     # node-18.17.1
        elif form == 2:
            stem = "%s_%s" % (product, ver.replace(".", "_"))
        elif form == 3:
            stem = "%s%s" % (product, ver.replace(".", ""))     # acrord32 style digits
        elif form == 4:
            stem = "%s-%s-%s" % (product, ver, r.choice(["win64", "x64", "amd64", "win32", "x86"]))
        else:
            stem = "%ssetup_%s" % (product, ver)
        return stem + r.choices([".exe", ".exe", ".exe", ".bat", ".dll"], [60, 20, 10, 5, 5])[0]

    def temp(self):
        r = self.rng
        form = r.randrange(7)
        if form == 0:
            return "tmp%s.tmp.exe" % self._hex(4)            # tmp4f3a.tmp.exe
        if form == 1:
            return "~df%s.exe" % self._hex(r.randint(4, 6))
        if form == 2:
            return "is-%s.tmp.exe" % self._alnum(5)           # Inno Setup's
        if form == 3:
            return "%s.tmp.exe" % self._hex(r.randint(6, 10))
        if form == 4:
            return "_ir_sf_temp_%d.exe" % r.randint(0, 99)
        if form == 5:
            return "rar$ex%s.exe" % self._hex(4)
        return "tmp%s.exe" % self._alnum(r.randint(4, 8))

    def guid_like(self):
        r = self.rng
        form = r.choices(range(5), [10, 15, 40, 10, 25])[0]
        if form == 0:   # full GUID, 36 + 4 = 40 code points
            stem = "-".join(self._hex(n) for n in (8, 4, 4, 4, 12))
        elif form == 1:
            stem = "-".join(self._hex(n) for n in (8, 4, 4))
        elif form == 2:
            stem = self._hex(r.randint(8, 16))               # b6a1458f396
        elif form == 3:
            stem = "{%s}" % self._hex(r.randint(8, 12))
        else:
            stem = self._alnum(r.randint(5, 12))
        return stem + r.choices([".exe", ".dll", ".scr", ".com", ".bat"], [80, 10, 4, 3, 3])[0]

    def download(self):
        r = self.rng
        base = split_extension(r.choice([self.vendor_product(), r.choice(REAL_NAMES),
                                         self.versioned()]))[0]
        return "%s (%d).exe" % (base, r.randint(1, 9))       # chromesetup (1).exe

    def script(self):
        r = self.rng
        stem = r.choice(SCRIPT_WORDS)
        if r.random() < 0.5:
            stem += r.choice(["_", "-", ""]) + r.choice(PRODUCT_WORDS + VENDORS)
        if r.random() < 0.2:
            stem += str(r.randint(1, 99))
        return stem + r.choices([".bat", ".com", ".exe"], [70, 5, 25])[0]

    def document_lure(self):
        r = self.rng
        stem = r.choice(DOC_WORDS) + r.choice(["_", "-", "", " "]) + \
            r.choice([str(r.randint(1, 99999)), "%d%02d%02d" % (r.randint(2019, 2025),
                                                                  r.randint(1, 12),
                                                                  r.randint(1, 28))])
        fake = r.choice(["", "", ".pdf", ".doc", ".docx", ".jpg", ".xlsx", ".txt", ".zip"])
        return stem + fake + r.choices([".exe", ".scr", ".com", ".bat"], [60, 25, 8, 7])[0]

    def non_ascii(self):
        r = self.rng
        if r.random() < 0.6:
            stem = "".join(r.choice(CJK_WORDS) for _ in range(r.randint(1, 3)))
            if r.random() < 0.25:
                stem = r.choice(["wps", "qq", "360", "baidu", "line", "naver"]) + stem
        else:
            stem = r.choice(OTHER_NONASCII_WORDS)
            if r.random() < 0.4:
                stem += r.choice(["_", "-", ""]) + r.choice(PRODUCT_WORDS)
        return stem + r.choices([".exe", ".dll", ".bat"], [90, 6, 4])[0]

    def no_extension(self):
        r = self.rng
        form = r.randrange(4)
        if form == 0:
            return r.choice(["registry", "memcompression", "vmmem", "secure system",
                             "memory compression", "system", "idle"])
        if form == 1:
            return r.choice(VENDORS) + r.choice(["", "_", "-"]) + r.choice(PRODUCT_WORDS)
        if form == 2:
            return split_extension(r.choice(REAL_NAMES))[0]    # "svchost"
        return "%s-%s" % (r.choice(PRODUCT_WORDS), self._version())  # dots, no real extension

    # -- look-alikes ---------------------------------------------------------------
    def _edit_once(self, stem, allow_transpose_insert):
        """One edit on stem (two for the rare transpose-then-insert)."""
        r = self.rng
        n = len(stem)
        op = r.choices(["sub", "homoglyph", "transpose", "insert", "delete", "tins"],
                       weights=[24, 26, 20, 18, 12, 3 if allow_transpose_insert else 0])[0]
        if op == "homoglyph":
            spots = [i for i, ch in enumerate(stem) if ch in HOMOGLYPHS]
            if spots:
                i = r.choice(spots)
                return stem[:i] + r.choice(HOMOGLYPHS[stem[i]]) + stem[i + 1:]
            op = "sub"
        if op in ("transpose", "tins") and n >= 2:
            spots = [i for i in range(n - 1) if stem[i] != stem[i + 1]]
            if spots:
                i = r.choice(spots)
                if op == "transpose":
                    return stem[:i] + stem[i + 1] + stem[i] + stem[i + 2:]
                # "ab" -> "bxa": true DL 2 (swap, insert between), OSA 3.
                filler = r.choice([c for c in ASCII_LOWER if c not in (stem[i], stem[i + 1])])
                return stem[:i] + stem[i + 1] + filler + stem[i] + stem[i + 2:]
            op = "sub"
        if op == "delete" and n >= 3:
            i = r.randrange(n)
            return stem[:i] + stem[i + 1:]
        if op == "insert" or n < 2:
            i = r.randrange(n + 1)
            if n and r.random() < 0.5:
                j = min(i, n - 1)
                return stem[:j] + stem[j] + stem[j:]     # doubled letter: svchostt
            return stem[:i] + r.choice(ASCII_LOWER + "0123456789_") + stem[i:]
        i = r.randrange(n)
        old = stem[i]
        if old in NEIGHBOURS and r.random() < 0.6:
            new = r.choice(NEIGHBOURS[old])
        else:
            new = r.choice([c for c in ASCII_LOWER if c != old])
        return stem[:i] + new + stem[i + 1:]

    def lookalike(self, source):
        """A 1-2 edit variant of source, edits on the stem; a few change the extension."""
        r = self.rng
        stem, ext = split_extension(source)
        if not stem:
            return source + "x"
        roll = r.random()
        if roll < 0.03 and ext:
            return stem + r.choice([e for e in (".exe", ".com", ".scr", ".bat") if e != ext])
        if roll < 0.05 and ext:
            return source + r.choice([".exe", ".scr"])       # svchost.exe.exe
        edits = r.choices([1, 2], weights=[70, 30])[0]
        for k in range(edits):
            stem = self._edit_once(stem, allow_transpose_insert=(edits == 1 and k == 0))
        return stem + ext


def _fits(name):
    if not (MIN_LEN <= len(name) <= MAX_LEN):
        return False
    if name != name.strip():
        return False
    # One name per line, and TSV downstream: no control characters or line separators.
    return all(ch.isprintable() or ch == " " for ch in name)


def generate(seed, n_frequent, n_infrequent):
    """Returns (frequent, infrequent): two lists of unique lower-cased names, disjoint."""
    gen = NameGenerator(seed)
    r = gen.rng

    frequent = {}
    real = [name for name in REAL_NAMES if _fits(name)]
    r.shuffle(real)
    for name in real[:n_frequent]:
        frequent[name] = None
    frequent_kinds = [gen.vendor_product, gen.abbreviated, gen.dll, gen.versioned,
                      gen.script, gen.temp, gen.non_ascii, gen.no_extension, gen.guid_like,
                      None]
    frequent_weights = [30, 34, 9, 6, 6, 2, 5, 2, 1, 5]
    attempts = 0
    while len(frequent) < n_frequent:
        attempts += 1
        if attempts > 200 * (n_frequent + 10):
            raise RuntimeError("cannot make %d unique frequent names" % n_frequent)
        kind = r.choices(frequent_kinds, frequent_weights)[0]
        if kind is None:   # benign frequent near-names (taskhost/taskhostw)
            name = gen.lookalike(r.choice(real))
        else:
            name = kind()
        name = name.lower()
        if _fits(name) and name not in frequent:
            frequent[name] = None
    frequent_list = list(frequent)

    infrequent = {}
    infrequent_kinds = [None, gen.vendor_product, gen.abbreviated, gen.versioned, gen.temp,
                        gen.guid_like, gen.dll, gen.non_ascii, gen.document_lure,
                        gen.download, gen.script, gen.no_extension]
    infrequent_weights = [13, 15, 30, 6, 8, 6, 4, 7, 3, 2, 3, 3]
    attempts = 0
    while len(infrequent) < n_infrequent:
        attempts += 1
        if attempts > 200 * (n_infrequent + 10):
            raise RuntimeError("cannot make %d unique infrequent names" % n_infrequent)
        kind = r.choices(infrequent_kinds, infrequent_weights)[0]
        if kind is None:   # a masquerade: look-alike of a frequent name, mostly a real one
            source = r.choice(real) if r.random() < 0.6 else r.choice(frequent_list)
            name = gen.lookalike(source)
        else:
            name = kind()
        name = name.lower()
        if _fits(name) and name not in frequent and name not in infrequent:
            infrequent[name] = None

    frequent_out = frequent_list
    infrequent_out = list(infrequent)
    r.shuffle(frequent_out)
    r.shuffle(infrequent_out)
    return frequent_out, infrequent_out


def _write(path, names):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for name in names:
            f.write(name)
            f.write("\n")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--frequent", type=int, default=2000, help="number of frequent names")
    parser.add_argument("--infrequent", type=int, default=20000,
                        help="number of infrequent names")
    parser.add_argument("--out-frequent", required=True, metavar="FILE")
    parser.add_argument("--out-infrequent", required=True, metavar="FILE")
    args = parser.parse_args(argv)
    if args.frequent < 0 or args.infrequent < 0:
        parser.error("sizes must be >= 0")
    frequent, infrequent = generate(args.seed, args.frequent, args.infrequent)
    _write(args.out_frequent, frequent)
    _write(args.out_infrequent, infrequent)
    return 0


if __name__ == "__main__":
    sys.exit(main())
