#!/usr/bin/env bash
# On a machine with a GPU (NVIDIA's OpenCL driver, or any OpenCL GPU): build,
# run the correctness tests on the GPU (both device symbol layouts), time
# 10^4 x 10^5 and 10^5 x 10^5 matrices in each layout (offsets: one run of
# symbols per name; rows: fixed-width interleaved rows, coalesced), the
# 10^5 x 10^6 matrix (10^11 pairs: the target is >= 10^11 pairs/s on an
# H100-class card) in both layouts, and the CPU path, and print a short table
# last. Plans for about 10 minutes.
#   bench/gpu_check.sh [REAL_DATA_DIR]    (default tests/data/real; 'none' skips it)
# MASQ_DEVICE chooses the device (default: gpu).
set -euo pipefail
cd "$(dirname "$0")/.."
real=${1:-tests/data/real}
[ -d "$real" ] || real=none
export MASQ_DEVICE=${MASQ_DEVICE:-gpu}
build=build-gpu
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== machine"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null || echo "(no nvidia-smi)"
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)

echo "== build"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DMASQ_SPARK_TESTS=OFF >/dev/null
cmake --build "$build" -j"$(nproc)" >/dev/null
"$build/masq" devices

echo "== correctness on $MASQ_DEVICE: matcher against the DP oracle, forced tiles, overflow"
timeout 300 "$build/tests/test_matcher" "$real" | tail -n 12

echo "== timing"
python3 tools/gen_names.py --seed 1 --frequent 100000 --infrequent 100000 \
  --out-frequent "$work/f100k.txt" --out-infrequent "$work/i100k.txt"
head -n 10000 "$work/f100k.txt" >"$work/f10k.txt"
python3 tools/gen_names.py --seed 2 --frequent 10 --infrequent 1000000 \
  --out-frequent "$work/unused.txt" --out-infrequent "$work/i1m.txt"
rows=()
time_one() { # label frequent infrequent backend runs [layout]
  local json layout=(${6:+--device-layout "$6"})
  json=$(timeout 240 "$build/bench/masq_bench_matrix" --frequent "$2" --infrequent "$3" \
    --backend "$4" --runs "$5" "${layout[@]}" --hits "$work/hits_$4_${6:-}_$(basename "$2" .txt)x$(basename "$3" .txt)" 2>"$work/err") ||
    { rows+=("$1 $4 ${6:-} failed: $(tail -c 200 "$work/err")"); return; }
  rows+=("$(python3 -c "import json,sys; j=json.loads(sys.argv[1]); print('%-12s %-7s %-8s %10.3g %12.3g %9d %8.3f  %s' % (sys.argv[2], j['backend'], j.get('device_layout', '-'), j['pairs_per_s'], j['cell_updates_per_s'], j['hits'], j['seconds_median'], j['device']))" "$json" "$1")")
}
same_hits() { # file file: both layouts must give the same hits, distances and scores
  if cmp -s "$1" "$2"; then echo "same"; else echo "DIFFER"; fi
}
time_one "1e4 x 1e5" "$work/f10k.txt" "$work/i100k.txt" opencl 3 offsets
time_one "1e4 x 1e5" "$work/f10k.txt" "$work/i100k.txt" opencl 3 rows
time_one "1e4 x 1e5" "$work/f10k.txt" "$work/i100k.txt" cpu 1
time_one "1e5 x 1e5" "$work/f100k.txt" "$work/i100k.txt" opencl 1 offsets
time_one "1e5 x 1e5" "$work/f100k.txt" "$work/i100k.txt" opencl 1 rows
time_one "1e5 x 1e6" "$work/f100k.txt" "$work/i1m.txt" opencl 1 offsets
time_one "1e5 x 1e6" "$work/f100k.txt" "$work/i1m.txt" opencl 1 rows
check10=$(same_hits "$work/hits_opencl_offsets_f10kxi100k" "$work/hits_opencl_rows_f10kxi100k")
check10cpu=$(same_hits "$work/hits_opencl_offsets_f10kxi100k" "$work/hits_cpu__f10kxi100k")
check100=$(same_hits "$work/hits_opencl_offsets_f100kxi100k" "$work/hits_opencl_rows_f100kxi100k")

echo
echo "masq gpu check, commit $commit, device $MASQ_DEVICE"
printf '%-12s %-7s %-8s %10s %12s %9s %8s  %s\n' matrix backend layout pairs/s cells/s hits seconds device
printf '%s\n' "${rows[@]}"
check1m=$(same_hits "$work/hits_opencl_offsets_f100kxi1m" "$work/hits_opencl_rows_f100kxi1m")
echo "hits, 1e4 x 1e5: offsets vs rows $check10, offsets vs cpu $check10cpu; 1e5 x 1e5: offsets vs rows $check100; 1e5 x 1e6: offsets vs rows $check1m"
