#!/usr/bin/env bash
# Limits of `mmsim run` and its --stats report (issue 10, docs/RELIABILITY.md):
#   limits.sh max-insns|max-time|timeout   the run ends with 125, one line
#       "mmsim: limit reached: ... (--OPTION)", and the --stats file is
#       still written, complete, with run.truncated = 1
#   limits.sh max-mem        guest memory beyond --max-mem ends the run likewise
#   limits.sh max-threads    clone fails with EAGAIN beyond --max-threads
#   limits.sh max-files      open fails with EMFILE beyond --max-files
#   limits.sh stats-full     --stats /dev/full: a clear error, exit 125
#   limits.sh stats-unwritable  a --stats directory that cannot be written
#       is an error before the guest runs; no file is left
#   limits.sh stats-atomic   a complete run: the report replaces an old
#       file, no temporary file is left, run.truncated = 0
# Uses grep only (no python): the JSON is checked for its braces and marker.
set -uo pipefail
exe=${MMSIM_EXE:?}
guests=${MMSIM_GUEST_DIR:?}/tests
tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL $*"; fails=$((fails+1)); }

# run_limit NAME MESSAGE OPTIONS...: spin until the limit; 125, the message,
# a complete truncated report and nothing else left in $tmp.
run_limit() {
  local name=$1 msg=$2; shift 2
  rm -f "$tmp"/s.json*
  timeout 60 "$exe" run "$@" --stats "$tmp/s.json" "$guests/spin" >"$tmp/out" 2>"$tmp/err"
  local st=$?
  [ "$st" -eq 125 ] || { fail "$name: exit $st, want 125"; cat "$tmp/err"; }
  grep -qx "spinning" "$tmp/out" || fail "$name: the guest did not run"
  grep -qxF -- "$msg" "$tmp/err" || { fail "$name: no line '$msg'"; cat "$tmp/err"; }
  [ "$(grep -c '^mmsim: limit reached' "$tmp/err")" -eq 1 ] || fail "$name: not one message"
  grep -q "truncated (${name})" "$tmp/err" || fail "$name: summary does not say truncated"
  check_report "$name" 1
}

# check_report NAME TRUNCATED: $tmp/s.json is a whole JSON object with
# "run": {"truncated": TRUNCATED}, and no temporary file is left.
check_report() {
  local f=$tmp/s.json
  [ -s "$f" ] || { fail "$1: no --stats file"; return; }
  [ "$(head -c1 "$f")" = "{" ] || fail "$1: --stats does not start with {"
  [ "$(tail -n1 "$f")" = "}" ] || fail "$1: --stats does not end with }"
  grep -A1 '^  "run": {' "$f" | grep -q "\"truncated\": $2\$" \
    || fail "$1: --stats has no \"run\": {\"truncated\": $2}"
  grep -q '"insns": [1-9]' "$f" || fail "$1: --stats has no statistics"
  ls "$tmp" | grep -q '^s\.json\.' && fail "$1: temporary file left: $(ls "$tmp")"
  echo "ok   $1"
}

case ${1:?usage: limits.sh CASE (see the top of the script)} in
max-insns)
  run_limit max-insns "mmsim: limit reached: 1000000 instructions (--max-insns)" --max-insns 1000000
  ;;
max-time)
  run_limit max-time "mmsim: limit reached: simulated time 10 ms (--max-time)" --max-time 10ms
  run_limit max-time "mmsim: limit reached: simulated time 500 us (--max-time)" --max-time 500us
  # A simulated-time limit is deterministic: the same truncated report twice.
  cp "$tmp/s.json" "$tmp/first.json"
  run_limit max-time "mmsim: limit reached: simulated time 500 us (--max-time)" --max-time 500us
  cmp -s "$tmp/s.json" "$tmp/first.json" || fail "max-time: two runs give different --stats"
  # A usage error, not a limit.
  "$exe" run --max-time 10 "$guests/spin" >/dev/null 2>"$tmp/err"; st=$?
  [ "$st" -eq 2 ] || fail "max-time without a unit: exit $st, want 2"
  grep -q "^mmsim: --max-time: '10' is not a positive duration" "$tmp/err" \
    || { fail "max-time without a unit: message"; cat "$tmp/err"; }
  ;;
max-mem)
  # page_touch maps and touches 64 MiB: the 16 MiB limit stops it.
  rm -f "$tmp"/s.json*
  timeout 60 "$exe" run --max-mem 16MiB --stats "$tmp/s.json" "$guests/page_touch" \
    >"$tmp/out" 2>"$tmp/err"; st=$?
  [ "$st" -eq 125 ] || { fail "max-mem: exit $st, want 125"; cat "$tmp/err"; }
  grep -qxF "mmsim: limit reached: guest memory 16777216 bytes (--max-mem)" "$tmp/err" \
    || { fail "max-mem: message"; cat "$tmp/err"; }
  grep -q "truncated (max-mem)" "$tmp/err" || fail "max-mem: summary does not say truncated"
  check_report max-mem 1
  "$exe" run --max-mem 16MB "$guests/spin" >/dev/null 2>"$tmp/err"; st=$?
  [ "$st" -eq 2 ] || fail "max-mem 16MB: exit $st, want 2 (binary units only)"
  ;;
timeout)
  start=$(date +%s)
  run_limit timeout "mmsim: limit reached: wall-clock time 1 s (--timeout)" --timeout 1
  took=$(( $(date +%s) - start ))
  [ "$took" -le 20 ] || fail "timeout: took ${took}s for --timeout 1"
  ;;
max-threads)
  # thr_many creates 200 threads one at a time, then 16 at once.
  "$exe" run -q --max-threads 1 "$guests/thr_many" >"$tmp/out" 2>"$tmp/err"; st=$?
  [ "$st" -eq 1 ] || fail "max-threads 1: exit $st, want the guest's 1"
  grep -qx "create 0 failed" "$tmp/out" || { fail "max-threads 1: pthread_create did not fail"; cat "$tmp/out"; }
  "$exe" run -q --max-threads 17 "$guests/thr_many" >"$tmp/out" 2>"$tmp/err"; st=$?
  [ "$st" -eq 0 ] || { fail "max-threads 17: exit $st, want 0"; cat "$tmp/out" "$tmp/err"; }
  "$exe" run -q --max-threads 0 "$guests/thr_many" >/dev/null 2>&1; st=$?
  [ "$st" -eq 2 ] || fail "max-threads 0: exit $st, want 2"
  echo "ok   max-threads"
  ;;
max-files)
  # fds 0-2 are open: --max-files 10 leaves 7.
  "$exe" run -q --max-files 10 "$guests/spin" files >"$tmp/out" 2>"$tmp/err"; st=$?
  [ "$st" -eq 0 ] || fail "max-files: exit $st, want 0"
  grep -qx "opened 7: EMFILE" "$tmp/out" || { fail "max-files 10"; cat "$tmp/out"; }
  "$exe" run -q "$guests/spin" files >"$tmp/out" 2>"$tmp/err"; st=$?
  grep -qx "opened 1021: EMFILE" "$tmp/out" || { fail "max-files default"; cat "$tmp/out"; }
  echo "ok   max-files"
  ;;
stats-full)
  [ -w /dev/full ] || { echo "skip: no /dev/full"; exit 0; }
  "$exe" run -q --stats /dev/full "$guests/spin" files >"$tmp/out" 2>"$tmp/err"; st=$?
  [ "$st" -eq 125 ] || fail "stats-full: exit $st, want 125"
  grep -qx "mmsim: --stats: cannot write /dev/full: No space left on device" "$tmp/err" \
    || { fail "stats-full: message"; cat "$tmp/err"; }
  [ -c /dev/full ] || fail "stats-full: /dev/full is no longer a device"
  ls /dev | grep -q '^full\.' && fail "stats-full: temporary file left in /dev"
  # The instruction trace on a full disk: an error too, not a short log.
  "$exe" run -q --trace=/dev/full "$guests/spin" files >"$tmp/out" 2>"$tmp/err"; st=$?
  [ "$st" -eq 125 ] || fail "trace-full: exit $st, want 125"
  grep -qx "mmsim: --trace: cannot write /dev/full: No space left on device" "$tmp/err" \
    || { fail "trace-full: message"; cat "$tmp/err"; }
  echo "ok   stats-full"
  ;;
stats-unwritable)
  # A missing directory, a "directory" that is a file, and (not as root,
  # who can write anywhere) a read-only directory: an error, exit 125,
  # before the guest runs (it prints nothing), and no file left behind.
  : >"$tmp/file"
  mkdir "$tmp/ro" && chmod 555 "$tmp/ro"
  targets=("$tmp/nodir/s.json" "$tmp/file/s.json")
  [ "$(id -u)" -ne 0 ] && targets+=("$tmp/ro/s.json")
  for t in "${targets[@]}"; do
    "$exe" run -q --stats "$t" "$guests/spin" files >"$tmp/out" 2>"$tmp/err"; st=$?
    [ "$st" -eq 125 ] || fail "stats-unwritable $t: exit $st, want 125"
    [ -s "$tmp/out" ] && fail "stats-unwritable $t: the guest ran"
    grep -q "^mmsim: --stats: cannot write $t: " "$tmp/err" \
      || { fail "stats-unwritable $t: message"; cat "$tmp/err"; }
    [ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "stats-unwritable $t: not one line"
  done
  [ -z "$(ls -A "$tmp/ro")" ] || fail "stats-unwritable: file left in the directory"
  echo "ok   stats-unwritable"
  ;;
stats-atomic)
  echo "old" >"$tmp/s.json"
  "$exe" run -q --stats "$tmp/s.json" "$guests/spin" files >"$tmp/out" 2>"$tmp/err"; st=$?
  [ "$st" -eq 0 ] || { fail "stats-atomic: exit $st"; cat "$tmp/err"; }
  check_report stats-atomic 0
  ;;
*) echo "unknown case $1"; exit 2 ;;
esac
[ "$fails" -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
