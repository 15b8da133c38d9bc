#!/bin/sh
# Packs masq with the shared libraries it links (ICU, cJSON, libcurl, OpenSSL, zlib,
# the OpenCL loader...) into one archive for Spark executors that lack them:
#   masq_spark.py --masq-archive masq-bundle.tar.gz ...
# Layout: bin/masq, lib/*.so*. The C library (libc, libm, the loader) is left out: the
# executors' own is used, so build masq on the executors' OS or an older one (glibc
# is backward compatible, not forward). OpenCL drivers (ICDs) are not bundled.
#
# Usage: tools/spark/bundle_masq.sh [build/masq] [masq-bundle.tar.gz]
set -eu
masq=${1:-build/masq}
out=${2:-masq-bundle.tar.gz}
[ -x "$masq" ] || { echo "bundle_masq: no executable $masq" >&2; exit 1; }
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/bin" "$stage/lib"
cp "$masq" "$stage/bin/masq"
# ldd lines: "libx.so.1 => /path/libx.so.1 (0x...)"; keep what is not the C library.
ldd "$masq" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }' |
    grep -Ev '/(libc|libm|libdl|libpthread|librt|ld-linux[^/]*)\.so' |
    while read -r lib; do cp -L "$lib" "$stage/lib/"; done
tar -C "$stage" -czf "$out" bin lib
echo "bundle_masq: $out ($(ls "$stage/lib" | wc -l) libraries)" >&2
