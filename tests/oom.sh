#!/usr/bin/env bash
# Guest out of memory (docs/RELIABILITY.md): on a 64 MiB machine, requests
# larger than memory fail with ENOMEM where the syscall allows it (mmap,
# brk); touching more than memory gets the process SIGKILLed as Linux's OOM
# killer would, with a message naming the faulting address and node, the
# free lists at the time (buddyinfo) and the victim's memory; the statistics
# are still written and the simulator itself exits cleanly.
set -uo pipefail
exe=${MMSIM_EXE:?}
guest=${MMSIM_GUEST_DIR:?}/tests/oom
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL $*"; fails=$((fails+1)); }
cat >"$tmp/small.yaml" <<'YAML'
name: small
nodes: [{cpus: 1, memory: 64MiB}]
YAML

timeout 120 "$exe" run -q -t "$tmp/small.yaml" "$guest" enomem 64 >"$tmp/out" 2>"$tmp/err"
st=$?
[ "$st" -eq 0 ] || { fail "enomem: exit $st"; cat "$tmp/out" "$tmp/err"; }
grep -q "oom enomem: ok" "$tmp/out" || fail "enomem: $(cat "$tmp/out")"

timeout 120 "$exe" run -q -t "$tmp/small.yaml" --stats "$tmp/s.json" "$guest" touch 64 \
  >"$tmp/out" 2>"$tmp/err"
st=$?
[ "$st" -eq 137 ] || { fail "touch: exit $st, want 137 (SIGKILL)"; cat "$tmp/out" "$tmp/err"; }
grep -q "not killed" "$tmp/out" && fail "touch: the guest was not killed"
grep -q "guest out of memory: pid [0-9]* page fault at 0x[0-9a-f]* (pc 0x[0-9a-f]*) on CPU 0 (node 0)" \
  "$tmp/err" || { fail "touch: no fault line"; cat "$tmp/err"; }
grep -q "^Node 0, zone" "$tmp/err" || fail "touch: no buddyinfo in the message"
grep -q "Out of memory: Killed process [0-9]* (.*oom) total-vm:[0-9]*kB, anon-rss:[0-9]*kB" \
  "$tmp/err" || fail "touch: no kill line"
[ -s "$tmp/s.json" ] || fail "touch: statistics not written"
[ "$fails" -eq 0 ] && echo "ok   oom"
[ "$fails" -eq 0 ]
