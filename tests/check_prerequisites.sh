#!/bin/sh
# What the tests need beyond the build, each named when missing:
#   check_prerequisites.sh PYTHON SPARK_TESTS(ON|OFF)
# PYTHON is the tests' Python (build/venv/bin/python, made by 'sh tools/setup.sh --tests').
python=$1
spark=${2:-ON}
fix="run 'sh tools/setup.sh --tests' (or configure with -DMASQ_PYTHON=a Python that has them)"
if [ ! -x "$python" ]; then
    echo "missing prerequisite: the tests' Python $python does not exist; $fix" >&2
    exit 1
fi
modules=""
case "$spark" in ON | on | TRUE | true | 1 | YES | yes) modules="pyspark numpy fastDamerauLevenshtein" ;; esac
missing=""
for m in $modules; do
    "$python" -c "import $m" >/dev/null 2>&1 || missing="$missing $m"
done
if [ -n "$missing" ]; then
    echo "missing prerequisite: Python modules not importable by $python:$missing; $fix" >&2
    exit 1
fi
if [ -n "$modules" ] && ! java -version >/dev/null 2>&1; then
    echo "missing prerequisite: no Java runtime (java) on PATH for PySpark; $fix" >&2
    exit 1
fi
if ! command -v evtxexport >/dev/null 2>&1; then
    echo "missing prerequisite: evtxexport (Debian: libevtx-utils), the EVTX reader masq's is held to; $fix" >&2
    exit 1
fi
echo "tests' Python: $python ($("$python" -c 'import sys; print(sys.version.split()[0])'))${modules:+, with$modules and Java}"
