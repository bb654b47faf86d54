#!/usr/bin/env bash
# Valgrind memcheck over a subset (issue 10, docs/RELIABILITY.md): the CLI
# on the default machines and guests that exercise the loader, syscalls,
# threads, page tables and the timing model.  Any memcheck error or a
# definitely/indirectly lost block fails (exit 99 from valgrind); the
# guests' own exit statuses are checked as in tests/guest/manifest.txt.
set -uo pipefail
exe=${MMSIM_EXE:?}
guests=${MMSIM_GUEST_DIR:?}/tests
command -v valgrind >/dev/null || { echo "FAIL valgrind not found: run scripts/setup"; exit 1; }
fails=0
vg() {
  local want=$1
  shift
  valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
    "$@" >/dev/null 2>"$tmp"
  local st=$?
  if [ "$st" -eq 99 ] || [ "$st" -ne "$want" ]; then
    echo "FAIL (exit $st, want $want): $*"
    cat "$tmp"
    fails=$((fails+1))
  else
    echo "ok   $*"
  fi
}
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
vg 0 "$exe" hardware
vg 0 "$exe" latency
vg 7 "$exe" run -q -t uma-4 "$guests/hello_raw"
vg 0 "$exe" run -q -t numa-2s "$guests/sys_files"
vg 0 "$exe" run -q -t numa-2s "$guests/thr_sync"
vg 0 "$exe" run -q -t numa-2s --timing=off --membind=1 "$guests/numa_migrate"
[ "$fails" -eq 0 ]
