#!/usr/bin/env bash
# The README's two commands, verbatim, on a fresh Debian 12, and the .deb installed there.
#
# Builds a minimal Debian 12 root with debootstrap (cached), and in fresh copies of it:
#   A  as root, with no sudo on the machine: the "Try it" command; the demo prints its
#      table (on a terminal), and masq --version names the clone's commit;
#   B  as an unprivileged user with sudo: the "Try it" command, then the "Run the tests"
#      command (the whole test suite, once); the system Python holds none of the tests'
#      packages; cpack -G DEB makes the .deb;
#   C  a root with nothing else: 'apt install ./masq_*.deb', then masq scan --demo from
#      PATH, masq --version, man masq and the completions.
# Each runs on a clean clone (git clone) of this repository's HEAD.
#
# Usage (as root): tests/install/run_clean_debian.sh
# Environment: MASQ_DEBOOTSTRAP_CACHE (default /var/cache/masq-debootstrap: the root,
# downloaded .debs and pip's cache are kept there between runs), MASQ_DEBIAN_MIRROR,
# MASQ_KEEP=1 to keep the roots.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
cache=${MASQ_DEBOOTSTRAP_CACHE:-/var/cache/masq-debootstrap}
mirror=${MASQ_DEBIAN_MIRROR:-http://deb.debian.org/debian}
start=$(date +%s)
say() { echo "== [$(( $(date +%s) - start )) s] $*"; }
die() { echo "FAIL: $*" >&2; exit 1; }
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, chroot and mounts)"
for tool in unshare chroot mount git script; do
    command -v "$tool" >/dev/null || die "missing prerequisite: $tool"
done
if ! command -v debootstrap >/dev/null; then
    say "installing debootstrap"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
fi

# The two commands, exactly as the README gives them: the first sh block after each heading.
readme_command() {
    awk -v h="$1" '$0 == h {f=1; next} f && /^```sh/ {c=1; next} c && /^```/ {exit} c {print}' "$repo/README.md"
}
try_it=$(readme_command "## Try it (fresh Debian 12)")
run_tests=$(readme_command "## Run the tests")
[ -n "$try_it" ] && [ "$(printf '%s\n' "$try_it" | wc -l)" -eq 1 ] || die "README: no one-line command under 'Try it'"
[ -n "$run_tests" ] && [ "$(printf '%s\n' "$run_tests" | wc -l)" -eq 1 ] || die "README: no one-line command under 'Run the tests'"
say "Try it: $try_it"
say "Run the tests: $run_tests"

# The pristine root, made once.
pristine="$cache/bookworm-minbase"
mkdir -p "$cache/apt-archives/partial" "$cache/pip"
if [ ! -f "$pristine/.complete" ]; then
    say "debootstrap: a minimal Debian 12 root in $pristine"
    rm -rf "$pristine"
    debootstrap --variant=minbase bookworm "$pristine" "$mirror" >"$cache/debootstrap.log" 2>&1 ||
        { tail -20 "$cache/debootstrap.log" >&2; die "debootstrap failed (log: $cache/debootstrap.log)"; }
    # The sources of a stock Debian 12: the release, its updates and security.
    cat >"$pristine/etc/apt/sources.list" <<EOF
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
EOF
    rm -rf "$pristine/var/cache/apt/archives/"*.deb "$pristine/var/lib/apt/lists/"*
    touch "$pristine/.complete"
else
    say "debootstrap: reusing $pristine"
fi

work=$(mktemp -d /var/tmp/masq-clean-debian.XXXXXX)
logs="$work/logs"
mkdir -p "$logs"
cleanup() {
    if [ "${MASQ_KEEP:-0}" = 1 ] || [ "${ok:-0}" != 1 ]; then
        echo "roots and logs kept in $work" >&2
    else
        # The roots were only ever mounted in private mount namespaces, gone by now.
        if grep -q " $work" /proc/self/mounts; then echo "mounts left under $work; not removing it" >&2; return; fi
        rm -rf "$work"
    fi
}
trap cleanup EXIT

git clone --quiet "$repo" "$work/clone"
commit=$(git -C "$work/clone" rev-parse --short=12 HEAD)
say "clean clone of $commit"

new_root() {
    local root="$work/$1"
    cp -a "$pristine" "$root"
    printf '127.0.0.1 localhost %s\n::1 localhost\n' "$(uname -n)" >"$root/etc/hosts"
    # This machine's network settings, as any machine on its network has them: DNS, and
    # the local certificate authorities its HTTPS goes through (taken in when the root
    # installs ca-certificates) with pip's configuration naming the system's bundle.
    cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
    if [ -d /usr/local/share/ca-certificates ]; then
        mkdir -p "$root/usr/local/share/ca-certificates"
        cp -a /usr/local/share/ca-certificates/. "$root/usr/local/share/ca-certificates/"
    fi
    if [ -f /etc/pip.conf ]; then cp /etc/pip.conf "$root/etc/pip.conf"; fi
    echo "$root"
}

# Runs a command in ROOT, in a private mount namespace (the mounts vanish with it).
in_root() {
    local root=$1
    shift
    unshare --mount --propagation private -- bash -c '
        root=$1; shift
        mount -t proc proc "$root/proc"
        mount -t sysfs sys "$root/sys"
        mount --rbind /dev "$root/dev"
        mount --bind "$MASQ_CACHE/apt-archives" "$root/var/cache/apt/archives"
        if [ -d "$root/home/tester/.cache/pip" ]; then mount --bind "$MASQ_CACHE/pip" "$root/home/tester/.cache/pip"; fi
        exec chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=xterm \
            PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@"' _ "$root" "$@"
}
export MASQ_CACHE="$cache"

# The README command in a file, run on a terminal (script(1)) so that the demo prints
# its table as a user sees it; output in LOG, exit status kept.
run_readme() { # ROOT USER DIR COMMAND LOG
    local root=$1 user=$2 dir=$3 command=$4 log=$5
    printf '%s\n' "$command" >"$root/tmp/readme_command.sh"
    chmod 644 "$root/tmp/readme_command.sh"
    local inner="cd $dir && script -qec 'bash /tmp/readme_command.sh' /dev/null"
    if [ "$user" = root ]; then
        in_root "$root" bash -c "$inner" </dev/null >"$log" 2>&1
    else
        in_root "$root" su - "$user" -c "$inner" </dev/null >"$log" 2>&1
    fi
}

# The log is cleaned into a file first: under pipefail, "tr | grep -q" fails whenever
# grep stops at its match before tr has written the rest (SIGPIPE), as it did in CI.
check_table() { # LOG WHO
    tr -d '\r' <"$1" >"$1.text"
    grep -qE '^SEVERITY +SCORE' "$1.text" || { tail -30 "$1" >&2; die "$2: the demo printed no table (log $1)"; }
    local rows
    rows=$(grep -cE ' demo +' "$1.text" || true)
    [ "$rows" -ge 5 ] || { tail -30 "$1" >&2; die "$2: the demo's table has $rows demo rows (log $1)"; }
    say "$2: the demo printed its table ($rows demo rows)"
}

# A: root, no sudo.
rootA=$(new_root rootA)
cp -a "$work/clone" "$rootA/root/masq"
in_root "$rootA" sh -c '! command -v sudo' || die "A: the root has sudo"
say "A (root, no sudo): Try it"
run_readme "$rootA" root /root/masq "$try_it" "$logs/A_try_it.log" ||
    { tail -40 "$logs/A_try_it.log" >&2; die "A: 'Try it' failed as root (log $logs/A_try_it.log)"; }
check_table "$logs/A_try_it.log" A
in_root "$rootA" /root/masq/build/masq --version >"$logs/A_version.log" 2>&1 || die "A: masq --version failed"
grep -q "^commit: $commit" "$logs/A_version.log" || { cat "$logs/A_version.log" >&2; die "A: masq --version does not name commit $commit"; }
grep -q "^built against: cJSON" "$logs/A_version.log" || die "A: masq --version names no libraries"
say "A: masq --version: $(head -1 "$logs/A_version.log"), commit $commit"
[ "${MASQ_KEEP:-0}" = 1 ] || rm -rf "$rootA"

# B: an unprivileged user with sudo.
rootB=$(new_root rootB)
say "B: sudo and a user 'tester' with sudo rights"
in_root "$rootB" sh -c 'export DEBIAN_FRONTEND=noninteractive; apt-get update -qq && apt-get install -y -qq --no-install-recommends sudo >/dev/null &&
    useradd -m -s /bin/bash tester && echo "tester ALL=(ALL) NOPASSWD: ALL" >/etc/sudoers.d/tester && chmod 440 /etc/sudoers.d/tester &&
    mkdir -p /home/tester/.cache/pip && chown -R tester:tester /home/tester/.cache' >"$logs/B_prepare.log" 2>&1 ||
    { tail -20 "$logs/B_prepare.log" >&2; die "B: could not add sudo and the user"; }
tester_uid=$(in_root "$rootB" id -u tester)
chown -R "$tester_uid:$tester_uid" "$cache/pip"
cp -a "$work/clone" "$rootB/home/tester/masq"
in_root "$rootB" chown -R tester:tester /home/tester/masq
say "B (user with sudo): Try it"
run_readme "$rootB" tester /home/tester/masq "$try_it" "$logs/B_try_it.log" ||
    { tail -40 "$logs/B_try_it.log" >&2; die "B: 'Try it' failed as a user with sudo (log $logs/B_try_it.log)"; }
check_table "$logs/B_try_it.log" B
say "B (user with sudo): Run the tests"
t0=$(date +%s)
# A failed suite is reported, and the checks after it (the .deb) still run.
if run_readme "$rootB" tester /home/tester/masq "$run_tests" "$logs/B_run_tests.log"; then
    say "B: the tests passed in $(( $(date +%s) - t0 )) s"
else
    tr -d '\r' <"$logs/B_run_tests.log" | sed -n '/tests passed\|tests failed/,$p' >&2
    fail "B: 'Run the tests' failed as a user with sudo after $(( $(date +%s) - t0 )) s (log $logs/B_run_tests.log)"
fi
tr -d '\r' <"$logs/B_run_tests.log" | grep -E "tests passed|tests failed|Total Test time" || fail "B: ctest printed no summary"
# The tests ran the venv's Python; the system Python (Debian's) got none of their packages.
in_root "$rootB" sh -c '[ "$(command -v python3)" = /usr/bin/python3 ] && ! /usr/bin/python3 -c "import pyspark" 2>/dev/null && ! /usr/bin/python3 -c "import fastDamerauLevenshtein" 2>/dev/null' ||
    fail "B: the system Python has the tests' packages, or is not Debian's"
say "B: cpack -G DEB"
in_root "$rootB" su - tester -c 'cd ~/masq/build && cmake --build . && cpack -G DEB' >"$logs/B_cpack.log" 2>&1 ||
    { tail -20 "$logs/B_cpack.log" >&2; die "B: cpack -G DEB failed"; }
deb=$(ls "$rootB"/home/tester/masq/build/masq_*.deb)
[ -f "$deb" ] || die "B: cpack made no masq_*.deb"
cp "$deb" "$work/"
say "B: $(basename "$deb"): $(dpkg-deb -f "$deb" Depends)"
[ "${MASQ_KEEP:-0}" = 1 ] || rm -rf "$rootB"

# C: the .deb on a root that has nothing else.
rootC=$(new_root rootC)
cp "$work"/masq_*.deb "$rootC/root/"
say "C: apt install ./$(basename "$deb") (and man-db, for man)"
in_root "$rootC" sh -c 'cd /root && export DEBIAN_FRONTEND=noninteractive && apt-get update -qq &&
    apt install -y -q --no-install-recommends ./masq_*.deb man-db' >"$logs/C_install.log" 2>&1 ||
    { tail -30 "$logs/C_install.log" >&2; die "C: apt install ./masq_*.deb failed"; }
in_root "$rootC" sh -c '[ "$(command -v masq)" = /usr/bin/masq ]' || die "C: masq is not on PATH as /usr/bin/masq"
in_root "$rootC" bash -c "cd /tmp && script -qec 'masq scan --demo' /dev/null" </dev/null >"$logs/C_demo.log" 2>&1 ||
    { tail -20 "$logs/C_demo.log" >&2; die "C: masq scan --demo from PATH failed"; }
check_table "$logs/C_demo.log" C
in_root "$rootC" masq --version >"$logs/C_version.log" 2>&1 || die "C: masq --version failed"
grep -q "^commit: $commit" "$logs/C_version.log" || { cat "$logs/C_version.log" >&2; die "C: the .deb's masq --version does not name $commit"; }
in_root "$rootC" sh -c 'man -w masq && MANPAGER=cat MANWIDTH=80 man masq' >"$logs/C_man.log" 2>&1 || { cat "$logs/C_man.log" >&2; die "C: man masq failed"; }
grep -q "EXIT STATUS" "$logs/C_man.log" && grep -q "masq-scan\|SCAN OPTIONS" "$logs/C_man.log" || die "C: man masq shows no EXIT STATUS or SCAN OPTIONS"
in_root "$rootC" sh -c 'test -f /usr/share/bash-completion/completions/masq && test -f /usr/share/zsh/vendor-completions/_masq' ||
    die "C: the .deb has no bash or zsh completion"
say "C: masq on PATH ($(head -1 "$logs/C_version.log")), man masq ($(head -1 "$logs/C_man.log")), completions"
[ "$failures" = 0 ] || die "$failures of the checks above failed"
ok=1
say "all passed"
