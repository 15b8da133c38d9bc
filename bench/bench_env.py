"""What every benchmark records beside its figures: the processor and the
commit (and whether the tree had uncommitted changes)."""
import os
import platform
import subprocess

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
