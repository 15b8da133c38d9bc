"""What every benchmark records beside its figures: the processor and the
commit (and whether the tree had uncommitted changes)."""
import os
import platform
import subprocess
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def cpu_model():
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def usable_cpus():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def git_commit():
    """(short commit, dirty) of the checkout, ("unknown", None) outside git."""
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO,
                                capture_output=True, text=True, timeout=10)
        if commit.returncode != 0:
            return "unknown", None
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               cwd=REPO, capture_output=True, text=True, timeout=30)
        return commit.stdout.strip(), (bool(dirty.stdout.strip()) if dirty.returncode == 0 else None)
    except (OSError, subprocess.SubprocessError):
        return "unknown", None


def machine():
    """What a benchmark's JSON says of the machine it ran on, its load included
    (the machine may be shared: ratios from one invocation hold, times less)."""
    return {"cpu": cpu_model(), "cpus": usable_cpus(), "system": platform.platform(),
            "load": os.getloadavg()[0]}


GNU_TIME = "/usr/bin/time"


def run_with_peak(argv, **run_args):
    """(completed process, wall seconds, peak RSS in KB) of one run. The peak
    comes from GNU time, a small C parent: a child's ru_maxrss counts what its
    parent held when it forked, and Python alone is ~15 MB. The process must
    exit 0 or 1 (1: masq found anomalies)."""
    if not os.access(GNU_TIME, os.X_OK):
        raise SystemExit("%s is missing: apt-get install time" % GNU_TIME)
    with tempfile.NamedTemporaryFile(prefix="masq-rss-") as report:
        start = time.monotonic()
        run = subprocess.run([GNU_TIME, "-f", "%M", "-o", report.name] + list(argv), **run_args)
        seconds = time.monotonic() - start
        if run.returncode not in (0, 1):
            detail = run.stderr[-2000:].decode("utf-8", "replace") if run.stderr else ""
            raise SystemExit("%s: exit %d %s" % (" ".join(argv), run.returncode, detail))
        with open(report.name, encoding="utf-8") as f:
            return run, seconds, int(f.read().split()[-1])
