#!/usr/bin/env bash
# Everything masq's build, tests and benchmarks need on Debian 12 (run as
# root, or with sudo available). Safe to run again.
set -euo pipefail
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends \
  build-essential cmake pkg-config python3 python3-pip gzip \
  libcjson-dev libicu-dev zlib1g-dev libcurl4-openssl-dev libssl-dev \
  pocl-opencl-icd ocl-icd-opencl-dev opencl-headers clinfo >/dev/null
# PySpark needs a Java runtime; the image may bring one of its own.
command -v java >/dev/null 2>&1 || $sudo apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless >/dev/null

here=$(cd "$(dirname "$0")" && pwd)
python3 -m pip install -q --disable-pip-version-check -r "$here/requirements.txt"
# The notebook's own distance library, rebuilt for this Python (see the script).
bash "$here/peers/install_fast_damerau_levenshtein.sh"
