#!/bin/sh
# Set up, build and (with --tests) prepare the tests of masq on Debian 12 (or Ubuntu).
#
#   sh tools/setup.sh            Debian packages for building and running masq, then the
#                                build in ./build
#   sh tools/setup.sh --tests    also the test-only packages (Python venv support and
#                                headers, a Java runtime for Spark), and a virtual
#                                environment in build/venv with the tests' Python
#                                packages (tools/requirements-test.txt) and the
#                                notebook's fastDamerauLevenshtein
#
# Works as root (no sudo needed) and as a user with sudo; packages already installed are
# not asked for again, so it needs neither when everything is there. Nothing is ever
# installed into the system Python. Safe to run again.
#
# Environment: MASQ_BUILD_DIR (default build), MASQ_JOBS (default: the number of CPUs),
# PYTHON (the Python the venv is made from, default python3).
set -eu

tests=0
for arg in "$@"; do
    case "$arg" in
    --tests) tests=1 ;;
    -h | --help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "setup.sh: unknown argument '$arg' (try --help)" >&2; exit 1 ;;
    esac
done

cd "$(dirname "$0")/.."
build=${MASQ_BUILD_DIR:-build}
jobs=${MASQ_JOBS:-$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)}

# What building and running masq needs: the C toolchain, CMake, cJSON, ICU, zlib, libdeflate, libcurl,
# OpenSSL, SQLite, the OpenCL headers and ICD loader, and PoCL (an OpenCL device on any CPU).
packages="build-essential cmake pkg-config libcjson-dev libicu-dev zlib1g-dev libdeflate-dev
  libcurl4-openssl-dev libssl-dev libsqlite3-dev ocl-icd-opencl-dev opencl-headers
  pocl-opencl-icd"
# What only the tests need: Python with venv and headers (the notebook's library is built
# from C), a Java runtime for PySpark, certificates for pip, file(1) for cpack's .deb.
# libevtx-utils: evtxexport, the independent EVTX reader masq's own is held to.
# chromium: the browser the HTML report is opened in (headless).
if [ "$tests" = 1 ]; then
    packages="$packages python3 python3-venv python3-dev openjdk-17-jre-headless
  ca-certificates file libevtx-utils chromium"
fi

missing=""
for p in $packages; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    [ "$status" = "install ok installed" ] || missing="$missing $p"
done
if [ -n "$missing" ]; then
    if [ "$(id -u)" -eq 0 ]; then
        as_root=""
    elif command -v sudo >/dev/null 2>&1; then
        as_root="sudo"
    else
        echo "setup.sh: these packages are missing:$missing" >&2
        echo "setup.sh: run this script as root, or as a user with sudo, to install them" >&2
        exit 1
    fi
    echo "== installing:$missing" >&2
    $as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    # shellcheck disable=SC2086
    $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

if [ "$tests" = 1 ]; then
    case $build in /*) venv="$build/venv" ;; *) venv="$PWD/$build/venv" ;; esac
    python=${PYTHON:-python3}
    mkdir -p "$build"
    if [ ! -x "$venv/bin/python" ]; then
        echo "== making the tests' virtual environment $venv" >&2
        "$python" -m venv "$venv"
    fi
    echo "== installing the tests' Python packages into $venv" >&2
    # wheel first, so that PySpark (an sdist) is built as a wheel and cached.
    "$venv/bin/python" -m pip install -q --disable-pip-version-check wheel
    "$venv/bin/python" -m pip install -q --disable-pip-version-check -r tools/requirements-test.txt
    PYTHON="$venv/bin/python" bash tools/peers/install_fast_damerau_levenshtein.sh
fi

echo "== building masq in $build" >&2
cmake -S . -B "$build"
cmake --build "$build" -j "$jobs"
