#!/usr/bin/env bash
# difftest.sh - differential test of the simulator against qemu-riscv64.
#
#   difftest.sh NAME [K]             run case K (default 1) of program NAME
#                                    from tests/guest/manifest.txt under
#                                    qemu-riscv64 and under `mmsim run`, and
#                                    compare stdout (byte for byte) and exit
#                                    status (with each other and with the
#                                    manifest's expected status)
#   difftest.sh --qemu-only [NAME [K]]
#                                    run every case (or one) under
#                                    qemu-riscv64 alone, twice: the status
#                                    must be the manifest's and the two
#                                    stdouts identical (guards the corpus)
#   difftest.sh --list               print the cases as NAME K ARGS...
#
# Environment (ctest sets these through MMSIM_TEST_ENV):
#   MMSIM_GUEST_DIR     guest build output; binaries in $MMSIM_GUEST_DIR/tests
#   MMSIM_EXE           the mmsim command-line program (not needed for
#                       --qemu-only / --list)
#   MMSIM_SOURCE_DIR    source tree (default: the directory above this script)
#   MMSIM_DIFF_TIMEOUT  seconds per run (default 60)
#   MMSIM_DIFF_RUN_OPTS extra options for `mmsim run`, split on blanks
#   QEMU_RISCV64        qemu binary (default: qemu-riscv64 from PATH)
#
# Exit status: 0 when everything matches, 1 on any mismatch or setup
# problem.  A missing guest binary, qemu or mmsim is a FAILURE, never a
# skip: a green run must mean the comparison happened.
set -u -o pipefail

fail() {
  printf 'FAIL: %s\n' "$*" >&2
  exit 1
}

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src_dir=${MMSIM_SOURCE_DIR:-$(dirname "$script_dir")}
manifest=$src_dir/tests/guest/manifest.txt
timeout_s=${MMSIM_DIFF_TIMEOUT:-60}
qemu=${QEMU_RISCV64:-qemu-riscv64}

[[ -r $manifest ]] || fail "manifest not found: $manifest (is MMSIM_SOURCE_DIR right?)"

# --- the manifest -----------------------------------------------------------
# Parsed into parallel arrays: case_name, case_k (index among the program's
# cases, from 1), case_args (raw field), case_stdin, case_exit, case_line.
case_name=() case_k=() case_args=() case_stdin=() case_exit=() case_line=()
trim() {
  local s=$1
  s=${s#"${s%%[![:space:]]*}"}
  s=${s%"${s##*[![:space:]]}"}
  printf '%s' "$s"
}
declare -A seen=()
lineno=0
while IFS= read -r line || [[ -n $line ]]; do
  lineno=$((lineno + 1))
  [[ $line =~ ^[[:space:]]*(#|$) ]] && continue
  IFS='|' read -r f_name f_args f_stdin f_exit f_extra <<<"$line"
  [[ -z ${f_extra:-} ]] || fail "manifest line $lineno: more than 4 fields: $line"
  f_name=$(trim "${f_name:-}") f_args=$(trim "${f_args:-}")
  f_stdin=$(trim "${f_stdin:-}") f_exit=$(trim "${f_exit:-}")
  [[ $f_name =~ ^[A-Za-z0-9_.-]+$ ]] || fail "manifest line $lineno: bad NAME '$f_name'"
  [[ -n $f_stdin ]] || fail "manifest line $lineno: empty STDIN field (use --)"
  [[ $f_exit =~ ^[0-9]+$ ]] && ((f_exit <= 255)) ||
    fail "manifest line $lineno: EXIT must be 0..255, got '$f_exit'"
  seen[$f_name]=$((${seen[$f_name]:-0} + 1))
  case_name+=("$f_name") case_k+=("${seen[$f_name]}") case_args+=("$f_args")
  case_stdin+=("$f_stdin") case_exit+=("$f_exit") case_line+=("$lineno")
done <"$manifest"
((${#case_name[@]} > 0)) || fail "manifest has no cases: $manifest"

# split_args RAW: fill the array `args` with the shell-like words of RAW
split_args() {
  args=()
  [[ -z $1 ]] && return 0
  local w
  # xargs understands '...', "..." and backslashes, and nothing else
  printf '%s\n' "$1" | xargs printf '%s\0' >"$work/args" 2>"$work/args.err" ||
    fail "cannot split ARGS: $1: $(cat "$work/args.err")"
  while IFS= read -r -d '' w; do
    args+=("$w")
  done <"$work/args"
}

# find_case NAME K: set `ci` to the case index
find_case() {
  local i
  for i in "${!case_name[@]}"; do
    if [[ ${case_name[$i]} == "$1" && ${case_k[$i]} == "$2" ]]; then
      ci=$i
      return 0
    fi
  done
  fail "no case $2 of program '$1' in $manifest"
}

# --- running one program ----------------------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/mmsim-difftest.XXXXXX") || fail "mktemp failed"
trap 'rm -rf "$work"' EXIT

# run_guest TAG STDIN CMD...: run with a timeout in a scratch directory;
# stdout -> $work/TAG.out, stderr -> $work/TAG.err, status -> $status.
# The guest sees the same environment under both runners, plus one fixed
# variable that args_env prints.
run_guest() {
  local tag=$1 in=$2
  shift 2
  mkdir -p "$work/cwd-$tag"
  (
    cd "$work/cwd-$tag" || exit 125
    ulimit -c 0
    export MMSIM_GUEST_TESTVAR="set by difftest.sh"
    # not exec: if the guest dies by a signal, the shell's "Aborted" note
    # goes to this run's stderr file and the subshell exits with 128+N
    timeout -k 10 "$timeout_s" "$@"
    rc=$?
    exit "$rc"
  ) <"$in" >"$work/$tag.out" 2>"$work/$tag.err"
  status=$?
}

describe_status() {
  local s=$1
  if ((s == 124)); then
    printf '%s (timeout after %ss, or the program exited 124)' "$s" "$timeout_s"
  elif ((s > 128 && s < 160)); then
    printf '%s (killed by signal %s)' "$s" "$((s - 128))"
  else
    printf '%s' "$s"
  fi
}

show_stderr() {
  local tag=$1
  if [[ -s $work/$tag.err ]]; then
    echo "--- $tag stderr (last 20 lines) ---"
    tail -n 20 "$work/$tag.err"
  fi
}

require_qemu() {
  command -v "$qemu" >/dev/null 2>&1 ||
    fail "qemu-riscv64 not found ('$qemu'): install qemu-user (scripts/setup); the differential test cannot run"
}

# prepare_case I: set prog, stdin_file, args for case I, or fail loudly
prepare_case() {
  local i=$1
  [[ -n ${MMSIM_GUEST_DIR:-} ]] || fail "MMSIM_GUEST_DIR is not set (run through ctest, or export it)"
  prog=$MMSIM_GUEST_DIR/tests/${case_name[$i]}
  [[ -f $prog && -x $prog ]] ||
    fail "guest binary missing: $prog (build the 'guests' target; needs riscv64-linux-gnu-gcc)"
  if [[ ${case_stdin[$i]} == -- ]]; then
    stdin_file=/dev/null
  else
    stdin_file=$src_dir/tests/guest/${case_stdin[$i]}
    [[ -r $stdin_file ]] || fail "stdin file missing: $stdin_file (manifest line ${case_line[$i]})"
  fi
  split_args "${case_args[$i]}"
}

case_title() {
  local i=$1
  printf '%s case %s (manifest line %s): %s %s <%s' "${case_name[$i]}" "${case_k[$i]}" \
    "${case_line[$i]}" "${case_name[$i]}" "${case_args[$i]}" "${case_stdin[$i]}"
}

# --- modes ------------------------------------------------------------------
mode=diff
if [[ ${1:-} == --qemu-only ]]; then
  mode=qemu
  shift
elif [[ ${1:-} == --list ]]; then
  for i in "${!case_name[@]}"; do
    printf '%s %s %s\n' "${case_name[$i]}" "${case_k[$i]}" "${case_args[$i]}"
  done
  exit 0
fi

if [[ $mode == qemu ]]; then
  require_qemu
  if (($# >= 1)); then
    find_case "$1" "${2:-1}"
    todo=("$ci")
  else
    todo=("${!case_name[@]}")
  fi
  bad=0
  for i in "${todo[@]}"; do
    prepare_case "$i"
    run_guest q1 "$stdin_file" "$qemu" "$prog" "${args[@]}"
    s1=$status
    run_guest q2 "$stdin_file" "$qemu" "$prog" "${args[@]}"
    s2=$status
    problems=()
    ((s1 == case_exit[i])) ||
      problems+=("exit status $(describe_status "$s1"), manifest expects ${case_exit[$i]}")
    ((s1 == s2)) || problems+=("exit status differs between two qemu runs: $s1 vs $s2")
    cmp -s "$work/q1.out" "$work/q2.out" || problems+=("stdout differs between two qemu runs (non-deterministic output)")
    if ((${#problems[@]})); then
      bad=$((bad + 1))
      echo "FAIL $(case_title "$i")"
      printf '  - %s\n' "${problems[@]}"
      if ! cmp -s "$work/q1.out" "$work/q2.out"; then
        diff -u --label "qemu run 1" --label "qemu run 2" "$work/q1.out" "$work/q2.out" | head -n 60
      fi
      show_stderr q1
    else
      echo "ok   $(case_title "$i") -> $s1"
    fi
  done
  echo "${#todo[@]} case(s) under qemu-riscv64, $bad failed"
  ((bad == 0))
  exit
fi

# mode diff: one case, qemu against mmsim
(($# >= 1 && $# <= 2)) || fail "usage: difftest.sh NAME [K] | --qemu-only [NAME [K]] | --list"
[[ -z ${2:-} || $2 =~ ^[0-9]+$ ]] || fail "case number must be a positive integer, got '$2'"
find_case "$1" "${2:-1}"
prepare_case "$ci"
require_qemu
[[ -n ${MMSIM_EXE:-} ]] || fail "MMSIM_EXE is not set (the mmsim executable; ctest sets it)"
[[ -f $MMSIM_EXE && -x $MMSIM_EXE ]] || fail "mmsim executable missing or not executable: $MMSIM_EXE"
read -r -a run_opts <<<"${MMSIM_DIFF_RUN_OPTS:-}"

echo "case: $(case_title "$ci")"
run_guest qemu "$stdin_file" "$qemu" "$prog" "${args[@]}"
qs=$status
run_guest mmsim "$stdin_file" "$MMSIM_EXE" run "${run_opts[@]}" "$prog" "${args[@]}"
ms=$status
want=${case_exit[$ci]}

problems=()
cmp -s "$work/qemu.out" "$work/mmsim.out" || problems+=("stdout differs")
((qs == ms)) || problems+=("exit status differs: qemu $(describe_status "$qs"), mmsim $(describe_status "$ms")")
((qs == want)) || problems+=("qemu exit status $(describe_status "$qs") is not the manifest's $want (corpus or qemu problem)")
((ms == want)) || problems+=("mmsim exit status $(describe_status "$ms") is not the manifest's $want")

if ((${#problems[@]} == 0)); then
  echo "PASS: stdout identical ($(wc -c <"$work/qemu.out") bytes), exit status $qs"
  exit 0
fi
echo "FAIL: $(case_title "$ci")"
printf '  - %s\n' "${problems[@]}"
echo "exit status: qemu $(describe_status "$qs"), mmsim $(describe_status "$ms"), manifest $want"
if ! cmp -s "$work/qemu.out" "$work/mmsim.out"; then
  echo "--- stdout diff (first 200 lines) ---"
  diff -u --label "qemu-riscv64 stdout" --label "mmsim run stdout" \
    "$work/qemu.out" "$work/mmsim.out" | head -n 200
fi
show_stderr qemu
show_stderr mmsim
exit 1
