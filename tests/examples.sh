#!/usr/bin/env bash
# examples.sh - runs the bundled guest workloads (examples/guest) with small
# arguments and checks their exit status and the shape of their output.
#
#   examples.sh qemu     under qemu-riscv64 (functional; host timings)
#   examples.sh mmsim    under `$MMSIM_EXE run -q`
#   examples.sh header   <mmsim/guest.h>: compiles cleanly with the RISC-V
#                        cross compiler under -std=c17 -pedantic -Werror and
#                        -std=gnu17, runs under qemu (ROI helpers return -1,
#                        errno untouched), and stops a host compiler with
#                        its #error
#
# Environment (ctest sets these through MMSIM_TEST_ENV):
#   MMSIM_GUEST_DIR   guest build output; binaries in $MMSIM_GUEST_DIR/examples
#   MMSIM_EXE         the mmsim program (mmsim mode only)
#   QEMU_RISCV64      qemu binary (default: qemu-riscv64 from PATH)
#   MMSIM_EXAMPLES_TIMEOUT  seconds per run (default 120)
#
# The NUMA syscalls may return ENOSYS (qemu on a host without NUMA, or a
# call the simulator does not implement yet), which the workloads tolerate
# and this test accepts.
# A missing binary, qemu or mmsim is a FAILURE, never a skip.
set -u -o pipefail

fail() {
  printf 'FAIL: %s\n' "$*" >&2
  exit 1
}

mode=${1:-}
[[ $mode == qemu || $mode == mmsim || $mode == header ]] || fail "usage: examples.sh qemu|mmsim|header"

if [[ $mode == header ]]; then
  src_dir=${MMSIM_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
  cross=${MMSIM_RISCV_CC:-riscv64-linux-gnu-gcc}
  qemu=${QEMU_RISCV64:-qemu-riscv64}
  command -v "$cross" >/dev/null || fail "$cross not found (run scripts/setup)"
  command -v "$qemu" >/dev/null || fail "qemu-riscv64 not found (set QEMU_RISCV64 or run scripts/setup)"
  work=$(mktemp -d "${TMPDIR:-/tmp}/mmsim-guesth.XXXXXX") || fail "mktemp failed"
  trap 'rm -rf "$work"' EXIT
  cat >"$work/t.c" <<'EOF_C'
#include <mmsim/guest.h>
#include <stdio.h>
int main(void)
{
    errno = 1234;
    int b = mmsim_roi_begin(), e = mmsim_roi_end(), in = mmsim_in_simulator();
    if (errno != 1234) { puts("errno changed"); return 1; }
    unsigned cpu = 9999, node = 9999;
    long gc = mmsim_getcpu(&cpu, &node);
    mmsim_nodemask_t m;
    mmsim_nodemask_zero(&m);
    mmsim_nodemask_set(&m, 3);
    if (!mmsim_nodemask_isset(&m, 3) || mmsim_nodemask_isset(&m, 2)) { puts("nodemask"); return 1; }
    long mb = mmsim_mbind(&m, sizeof(m), MPOL_BIND, m.bits, MMSIM_NODEMASK_MAXNODE, MPOL_MF_STRICT);
    uint64_t t0 = mmsim_now_ns(), t1 = mmsim_now_ns();
    printf("roi %d %d in_simulator %d getcpu %ld mbind_failed %d clock %d\n", b, e, in, gc, mb != 0,
           t0 > 0 && t1 >= t0);
    return 0;
}
EOF_C
  for std in c17 gnu17; do
    "$cross" -std=$std -pedantic -Wall -Wextra -Werror -O2 -static -I"$src_dir/include" \
      "$work/t.c" -o "$work/t-$std" || fail "guest.h does not compile with $cross -std=$std -pedantic -Werror"
    out=$("$qemu" "$work/t-$std") || fail "header test program (-std=$std) failed under qemu: $out"
    echo "$std: $out"
    [[ $out == "roi -1 -1 in_simulator 0 getcpu 0 mbind_failed 1 clock 1" ]] ||
      fail "unexpected output under qemu (-std=$std): $out"
  done
  host_cc=${CC:-cc}
  if command -v "$host_cc" >/dev/null; then
    if "$host_cc" -I"$src_dir/include" -c "$work/t.c" -o "$work/host.o" 2>"$work/host.err"; then
      fail "a host compiler ($host_cc) accepted mmsim/guest.h; it must stop with #error"
    fi
    grep -q "guest programs only" "$work/host.err" ||
      fail "host compile of guest.h failed without the #error message: $(head -n 3 "$work/host.err")"
    echo "host compiler: stopped by the #error, as it should"
  fi
  echo "guest.h checks passed"
  exit 0
fi
[[ -n ${MMSIM_GUEST_DIR:-} ]] || fail "MMSIM_GUEST_DIR is not set (run through ctest, or export it)"
bindir=$MMSIM_GUEST_DIR/examples
timeout_s=${MMSIM_EXAMPLES_TIMEOUT:-120}

for prog in latency bandwidth numa-policy pagewalk; do
  [[ -f $bindir/$prog && -x $bindir/$prog ]] ||
    fail "guest binary missing: $bindir/$prog (is riscv64-linux-gnu-gcc installed and the 'guests' target built?)"
done

if [[ $mode == qemu ]]; then
  qemu=${QEMU_RISCV64:-qemu-riscv64}
  command -v "$qemu" >/dev/null || fail "qemu-riscv64 not found (set QEMU_RISCV64 or run scripts/setup)"
  runner=("$qemu")
  threads=2
else
  [[ -n ${MMSIM_EXE:-} ]] || fail "MMSIM_EXE is not set (the mmsim executable; ctest sets it)"
  [[ -f $MMSIM_EXE && -x $MMSIM_EXE ]] || fail "mmsim executable missing or not executable: $MMSIM_EXE"
  runner=("$MMSIM_EXE" run -q)
  threads=2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/mmsim-examples.XXXXXX") || fail "mktemp failed"
trap 'rm -rf "$work"' EXIT

failures=0
problem() {
  printf 'FAIL: %s\n' "$*" >&2
  failures=$((failures + 1))
}

# run WANT_STATUS NAME ARGS...: runs $bindir/NAME; output in $work/out, $work/err.
run() {
  local want=$1 prog=$2
  shift 2
  local st=0
  timeout "$timeout_s" "${runner[@]}" "$bindir/$prog" "$@" >"$work/out" 2>"$work/err" </dev/null || st=$?
  printf '=== %s %s (exit %d)\n' "$prog" "$*" "$st"
  cat "$work/out"
  if [[ -s $work/err ]]; then
    sed 's/^/  stderr: /' "$work/err" | head -n 20
  fi
  if ((st == 124)); then
    problem "$prog $*: timed out after ${timeout_s}s"
    return 1
  fi
  if ((st != want)); then
    problem "$prog $*: exit status $st, expected $want"
    return 1
  fi
  return 0
}

# expect_lines COUNT REGEX WHAT: stdout must have exactly COUNT lines matching.
expect_lines() {
  local want=$1 re=$2 what=$3 got
  got=$(grep -cE -- "$re" "$work/out")
  ((got == want)) || problem "$what: $got lines match /$re/, expected $want"
}

# Common checks of a run's stdout: no pointers, no nan/inf.
sane() {
  local what=$1
  if grep -qE '0x[0-9a-fA-F]{5,}' "$work/out"; then problem "$what: prints something like a pointer"; fi
  if grep -qiE '(^|[^a-z])(nan|inf)([^a-z]|$)' "$work/out"; then problem "$what: prints nan or inf"; fi
}

num='[0-9]+\.[0-9]{3}'

# --help and a bad option, for every workload.
for prog in latency bandwidth numa-policy pagewalk; do
  if run 0 "$prog" --help; then
    grep -q "^usage: $prog" "$work/out" || problem "$prog --help: no usage line"
  fi
  run 2 "$prog" --no-such-option
done

# latency: 6 sizes, one line each; then huge pages and a node binding.
if run 0 latency -s 4-64,256 -n 20000; then
  sane latency
  expect_lines 6 "^[0-9]+ $num\$" "latency"
  for s in 4 8 16 32 64 256; do
    grep -qE "^$s $num\$" "$work/out" || problem "latency: no line for size $s KiB"
  done
  expect_lines 1 '^# size_kib ns_per_load$' "latency header"
fi
if run 0 latency -s 16,2048 -n 8000 -l 128 -H -m 0 -S 7; then
  sane "latency -H -m 0"
  expect_lines 2 "^[0-9]+ $num\$" "latency -H -m 0"
fi

# bandwidth: four kernels and a passed validation.
if run 0 bandwidth -t "$threads" -n 20000 -k 3; then
  sane bandwidth
  for k in copy scale add triad; do
    expect_lines 1 "^$k +$num +[0-9]+\.[0-9]{9} +[0-9]+\.[0-9]{9} +[0-9]+\.[0-9]{9}\$" "bandwidth $k"
  done
  expect_lines 1 '^validation: passed' "bandwidth validation"
fi

# numa-policy: every policy of a 2-node machine, with placement or
# "placement: unavailable".
if run 0 numa-policy -b 256K -r 1 -N 2 -s 16; then
  sane numa-policy
  pol='^(default|local|bind:[01]|preferred:[01]|interleave|weighted-interleave)(\(not-applied\))? +'
  expect_lines 8 "$pol$num +$num placement:( unavailable.*|( node[0-9]+=[0-9]+\.[0-9]%)+)\$" "numa-policy"
  for p in default local bind:0 bind:1 preferred:0 preferred:1 interleave weighted-interleave; do
    grep -qE "^$p(\(not-applied\))? " "$work/out" || problem "numa-policy: no line for policy $p"
  done
fi
if run 0 numa-policy -b 64K -p bind:0 -p interleave; then
  expect_lines 2 "^[a-z:0-9-]+(\(not-applied\))? +$num +$num placement: " "numa-policy -p"
fi

# pagewalk: both modes, then one.
if run 0 pagewalk -b 8M -n 20000; then
  sane pagewalk
  expect_lines 1 "^4k $num\$" "pagewalk 4k"
  expect_lines 1 "^2m $num( .*)?\$" "pagewalk 2m"
fi
if run 0 pagewalk -b 4M -n 4000 -M 2m -S 3; then
  expect_lines 1 "^2m $num( .*)?\$" "pagewalk -M 2m"
  expect_lines 0 "^4k " "pagewalk -M 2m"
fi

# bad arguments are usage errors (status 2), not crashes
run 2 latency -l 48
run 2 pagewalk -b 3M
run 2 numa-policy -p nosuch

if ((failures)); then
  printf '%d check(s) failed (%s)\n' "$failures" "$mode" >&2
  exit 1
fi
echo "all workloads ran and printed the expected lines ($mode)"
