#!/usr/bin/env bash
# The CLI cases as data: each folder under CASES is one case.
#   args        masq's arguments, one line, shell words; $W is the case's scratch
#               folder (the case's files are copied there), $CASE its source folder
#   setup       optional: bash run in $W first (to make links, FIFOs, binary files)
#   env         optional: VAR=value words added to masq's environment, one line, shell
#               words as in args (MASQ_DEVICE=none OCL_ICD_VENDORS=$W/none)
#   stdin       optional: masq's standard input (default /dev/null); a setup may write
#               $W/.stdin instead, for a file the case does not hold (the real data)
#   exit        the expected exit code
#   stderr      optional: fixed strings that stderr must hold, one a line
#   stderr_not  optional: fixed strings that stderr must not hold
#   stdout      optional: fixed strings that stdout must hold
#   stdout_not  optional: fixed strings that stdout must not hold
#   stdout_json optional: Python expressions, one a line, each true with j = stdout
#               read as JSON (j['summary']['events'] == 2); run in $W
#   check       optional: bash -e run in $W after masq, with $OUT, $ERR, $MASQ: exit 0
#               is a pass ("! cmd" does not stop bash -e: write "! cmd || exit 1")
#   files/      optional: copied into $W before setup
#   stdout.golden, stderr.golden
#               optional: the whole expected stdout, stderr, after the scrub below
#   scrub       optional: more sed -E expressions for the scrub, one a line
# The scrub, before comparing with a golden file: the scratch folder becomes $W,
# timing is removed (the "seconds" of a JSON summary, "1.25 s" in messages).
# MASQ_UPDATE_GOLDEN=1 rewrites every golden file of the cases run with what masq
# printed (to start one, create it empty); review the diff before committing it.
# Usage: run_cli_cases.sh MASQ CASES [NAME...]
set -u
export LC_ALL=C
masq=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
cases=$(cd "$2" && pwd)

shift 2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0
updated=0
# scrub FILE CASE: FILE as a golden file holds it
scrub() {
  local extra=()
  [ -f "$2/scrub" ] && while IFS= read -r line; do [ -n "$line" ] && extra+=(-e "$line"); done <"$2/scrub"
  sed -E -e "s#$W#\$W#g" -e 's/"seconds":([[:space:]]*)\{[^}]*\}/"seconds":\1{}/g' \
    -e '/"seconds":[[:space:]]*\{$/,/\}/{/"seconds":[[:space:]]*\{$/!{/\}/!d}}' \
    -e 's/\b[0-9]+\.[0-9]+ s\b/T s/g' "${extra[@]}" "$1"
}
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  for d in "$cases"/*/; do names+=("$(basename "$d")"); done
fi
for name in "${names[@]}"; do
  CASE=$cases/$name
  W=$work/$name
  mkdir -p "$W"
  [ -d "$CASE/files" ] && cp -a "$CASE/files/." "$W/"
  why=""
  if [ ! -f "$CASE/args" ] || [ ! -f "$CASE/exit" ]; then
    why="no args or exit file"
  fi
  if [ -z "$why" ] && [ -f "$CASE/setup" ]; then
    (cd "$W" && W=$W CASE=$CASE MASQ=$masq bash -e "$CASE/setup") >"$W/.setup.log" 2>&1 ||
      why="setup failed: $(head -c 300 "$W/.setup.log")"
  fi
  if [ -z "$why" ]; then
    OUT=$W/.stdout ERR=$W/.stderr
    input=/dev/null
    [ -f "$CASE/stdin" ] && input=$CASE/stdin
    [ -f "$W/.stdin" ] && input=$W/.stdin
    eval "args=($(cat "$CASE/args"))"
    env_words=()
    [ -f "$CASE/env" ] && eval "env_words=($(cat "$CASE/env"))"
    (cd "$W" && env "${env_words[@]}" timeout 60 "$masq" "${args[@]}" <"$input" >"$OUT" 2>"$ERR")
    code=$?
    expected=$(tr -d ' \n' <"$CASE/exit")
    [ "$code" = "$expected" ] || why="exit $code, expected $expected"
    while [ -z "$why" ] && IFS= read -r line; do
      [ -n "$line" ] && ! grep -qF -- "$line" "$ERR" && why="stderr lacks '$line'"
    done < <([ -f "$CASE/stderr" ] && cat "$CASE/stderr")
    while [ -z "$why" ] && IFS= read -r line; do
      [ -n "$line" ] && grep -qF -- "$line" "$ERR" && why="stderr holds '$line'"
    done < <([ -f "$CASE/stderr_not" ] && cat "$CASE/stderr_not")
    while [ -z "$why" ] && IFS= read -r line; do
      [ -n "$line" ] && ! grep -qF -- "$line" "$OUT" && why="stdout lacks '$line'"
    done < <([ -f "$CASE/stdout" ] && cat "$CASE/stdout")
    while [ -z "$why" ] && IFS= read -r line; do
      [ -n "$line" ] && grep -qF -- "$line" "$OUT" && why="stdout holds '$line'"
    done < <([ -f "$CASE/stdout_not" ] && cat "$CASE/stdout_not")
    for stream in stdout stderr; do
      golden=$CASE/$stream.golden
      [ -n "$why" ] || [ ! -f "$golden" ] && continue
      actual=$OUT
      [ $stream = stderr ] && actual=$ERR
      scrub "$actual" "$CASE" >"$W/.$stream.scrubbed"
      if [ "${MASQ_UPDATE_GOLDEN:-}" = 1 ]; then
        cmp -s "$W/.$stream.scrubbed" "$golden" || { cp "$W/.$stream.scrubbed" "$golden"; updated=$((updated + 1)); }
      elif ! cmp -s "$W/.$stream.scrubbed" "$golden"; then
        why="$stream differs from $stream.golden: $(diff "$golden" "$W/.$stream.scrubbed" | head -n 12)"
      fi
    done
    if [ -z "$why" ] && [ -f "$CASE/stdout_json" ]; then
      why=$(cd "$W" && python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))
for line in open(sys.argv[2]):
    if line.strip() and not eval(line):
        print("stdout fails " + line.strip())
        break
' "$OUT" "$CASE/stdout_json" 2>&1)
    fi
    if [ -z "$why" ] && [ -f "$CASE/check" ]; then
      (cd "$W" && W=$W CASE=$CASE OUT=$OUT ERR=$ERR MASQ=$masq bash -e "$CASE/check") >"$W/.check.log" 2>&1 ||
        why="check failed: $(head -c 400 "$W/.check.log")"
    fi
    [ -n "$why" ] && why="$why; stderr: $(head -c 600 "$ERR")"
  fi
  if [ -z "$why" ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL: $name: $why" >&2
  fi
done
echo "cli_cases: $passed passed, $failed failed"
[ "$updated" -gt 0 ] && echo "cli_cases: $updated golden files rewritten (MASQ_UPDATE_GOLDEN=1)"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
