#!/usr/bin/env bash
# The private mmsim syscall (<mmsim/guest.h>, docs/GUEST.md): roi_check
# under qemu-riscv64 (ENOSYS: "in simulator: 0") and under `mmsim run`
# ("in simulator: 1", ROI begin/end succeed, op 3 is EINVAL), the --stats
# JSON's roi.begin_cycle < roi.end_cycle, the counters reset at ROI begin
# (cpu0.insns below the cycle clock, which is not reset), the report is the
# snapshot taken at ROI end (the clock in it is the end cycle), no unknown-syscall
# warning, and --trace naming the call "mmsim".
set -uo pipefail
exe=${MMSIM_EXE:?}
guest=${MMSIM_GUEST_DIR:?}/tests/roi_check
qemu=${QEMU_RISCV64:-qemu-riscv64}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL $*"; fails=$((fails+1)); }
[ -x "$guest" ] || { echo "FAIL missing $guest"; exit 1; }

printf '%s\n' "in simulator: 0" "roi begin: -1 end: -1" "op 3: -1 errno ENOSYS" >"$tmp/want_q"
printf '%s\n' "in simulator: 1" "roi begin: 0 end: 0" "op 3: -1 errno EINVAL" >"$tmp/want_m"

timeout 60 "$qemu" "$guest" >"$tmp/q" 2>"$tmp/qerr" || fail "qemu: exit $?"
diff -u "$tmp/want_q" "$tmp/q" || fail "qemu output"

timeout 60 "$exe" run --stats "$tmp/s.json" "$guest" >"$tmp/m" 2>"$tmp/merr" || fail "mmsim: exit $?"
diff -u "$tmp/want_m" "$tmp/m" || fail "mmsim output"
if grep -qi "unknown syscall" "$tmp/merr"; then fail "unknown-syscall warning"; cat "$tmp/merr"; fi

# stat NAME: the first "NAME": N value of the (pretty-printed) JSON
stat() { grep -o "\"$1\": [0-9]*" "$tmp/s.json" | head -1 | awk '{print $2}'; }
b=$(stat begin_cycle) e=$(stat end_cycle) insns=$(stat insns) cycles=$(stat cycles)
unknown=$(stat unknown_syscalls)
if [ -z "$b" ] || [ -z "$e" ] || [ -z "$insns" ] || [ -z "$cycles" ]; then
  fail "stats: roi/cpu0 values missing"; cat "$tmp/s.json"
elif ! { [ "$b" -gt 0 ] && [ "$e" -gt "$b" ]; }; then
  fail "stats: roi begin $b end $e"
elif ! [ "$cycles" -ge "$e" ]; then
  fail "stats: cpu0.cycles $cycles < roi end $e (the clock must not be reset)"
elif ! [ "$insns" -lt $((cycles - b / 2)) ]; then
  fail "stats: cpu0.insns $insns not reset at ROI begin $b (cycles $cycles)"
elif [ "$cycles" != "$e" ]; then
  fail "stats: cpu0.cycles $cycles, not the snapshot taken at ROI end ($e)"
elif [ "$unknown" != 0 ]; then
  fail "stats: kernel.unknown_syscalls $unknown"
else
  echo "ok   stats roi begin $b end $e"
fi

timeout 60 "$exe" run --trace="$tmp/trace" "$guest" >/dev/null 2>&1 || fail "mmsim --trace: exit $?"
grep -q "^ecall mmsim(0x2, " "$tmp/trace" || fail "--trace does not name the call mmsim"

[ "$fails" -eq 0 ] && echo "ok   roi" || exit 1
