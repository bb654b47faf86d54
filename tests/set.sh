#!/usr/bin/env bash
# --set on the command line (docs/CLI.md, "Parameter overrides"): a link
# latency override moves the remote DRAM latency `mmsim latency` shows by
# twice the change; `hardware` shows overridden distances; `run` takes
# --set before the program and the guest measures the slower link; a
# later --set wins; bad overrides are configuration errors (125) naming
# the override, a --set without '=' a usage error (2).
set -uo pipefail
exe=${MMSIM_EXE:?}
guest=${MMSIM_GUEST_DIR:?}/tests/lat_chase
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL $*"; fails=$((fails+1)); }

base=$("$exe" latency -t numa-2s | awk '$1 == "DRAM" {print $3}')
slow=$("$exe" latency -t numa-2s --set 'links[*].latency=45ns' | awk '$1 == "DRAM" {print $3}')
[ "$base" = "139.400" ] || fail "latency: remote DRAM '$base', want 139.400"
[ "$slow" = "179.400" ] || fail "latency --set links[*].latency=45ns: remote DRAM '$slow', want 179.400"
last=$("$exe" latency -t numa-2s --set 'links[0].latency=10ns' --set=links[0].latency=35ns |
       awk '$1 == "DRAM" {print $3}')
[ "$last" = "159.400" ] || fail "two --set: remote DRAM '$last', want 159.400 (the later wins)"

"$exe" hardware -t numa-2s --set 'distances=[[10, 33], [33, 10]]' >"$tmp/hw" || fail "hardware: exit $?"
grep -q '^  0:  10  33 $' "$tmp/hw" || fail "hardware: distances not overridden: $(cat "$tmp/hw")"
# A generator's relative trace file stays relative to the topology file's
# directory, not to where the command runs, when an override re-reads it.
(cd "$tmp" && "$exe" hardware -t "$MMSIM_SOURCE_DIR/tests/topologies/good/traffic.yaml" \
  --set clock=2GHz >/dev/null 2>"$tmp/etr") || fail "relative trace under --set: $(cat "$tmp/etr")"

# The guest measures it: a 16 MiB chase bound to node 1 from CPU 0.
"$exe" run -q -t numa-2s --set 'links[*].latency=45ns' --membind=1 --physcpubind=0 \
  "$guest" 16384 >"$tmp/run" || fail "run --set: exit $?"
awk '$1 == 16384 && $2 > 175 && $2 < 185 {ok = 1} END {exit !ok}' "$tmp/run" ||
  fail "run --set: measured $(cat "$tmp/run"), want ~179.4 ns"

"$exe" latency -t numa-2s --set 'links[*].latency=fast' >/dev/null 2>"$tmp/e1"
rc=$?
[ $rc -eq 125 ] || fail "bad value: exit $rc, want 125"
grep -qx "mmsim: --set: <override links\[\*\].latency=fast>: links\[0\].latency: expected a latency with a unit such as 80ns or 4cycles, got 'fast'" "$tmp/e1" ||
  fail "bad value message: $(cat "$tmp/e1")"
"$exe" run -t numa-2s --set 'nodes[2].memory=1GiB' "$guest" 64 >/dev/null 2>"$tmp/e2"
rc=$?
[ $rc -eq 125 ] || fail "index out of range: exit $rc, want 125"
grep -qx 'mmsim: --set: <override nodes\[2\].memory=1GiB>: nodes\[2\]: index out of range (entries 0-1)' "$tmp/e2" ||
  fail "index message: $(cat "$tmp/e2")"
"$exe" hardware --set nolatency >/dev/null 2>"$tmp/e3"
rc=$?
[ $rc -eq 2 ] || fail "no '=': exit $rc, want 2"
grep -q "is not PATH=VALUE" "$tmp/e3" || fail "no '=' message: $(cat "$tmp/e3")"

[ $fails -eq 0 ] && echo "set.sh: all passed"
exit $((fails > 0))
