#!/usr/bin/env bash
# The mmsim program's commands, exit codes and messages.
set -uo pipefail
exe=${MMSIM_EXE:?}
src=${MMSIM_SOURCE_DIR:?}
fails=0
check() {   # check NAME EXPECTED_STATUS EXPECTED_OUTPUT_SUBSTRING -- CMD...
  local name=$1 want=$2 text=$3; shift 4
  local out status
  out=$("$@" 2>&1); status=$?
  if [ "$status" -ne "$want" ]; then
    echo "FAIL $name: exit $status, want $want"; echo "$out" | head -20; fails=$((fails+1)); return
  fi
  if [ -n "$text" ] && ! grep -qF -- "$text" <<<"$out"; then
    echo "FAIL $name: output lacks '$text'"; echo "$out" | head -20; fails=$((fails+1)); return
  fi
  echo "ok   $name"
}

check version 0 "mmsim 0.1.0" -- "$exe" --version
check help 0 "commands:" -- "$exe" --help
check help-hardware 0 "usage: mmsim hardware" -- "$exe" help hardware
check hardware-help 0 "usage: mmsim hardware" -- "$exe" hardware --help
check no-command 2 "usage: mmsim" -- "$exe"
check unknown-command 2 "mmsim: unknown command 'frobnicate' (see 'mmsim --help')" -- "$exe" frobnicate
check help-unknown 2 "mmsim: unknown command 'nope'" -- "$exe" help nope
check topologies 0 "numa-8s        8 nodes, 16 CPUs, 32 GiB" -- "$exe" topologies
check hardware-numa-2s 0 "  0:  10  21 " -- "$exe" hardware -t numa-2s
check hardware-defaults 0 "# numa-2s: NUMA" -- "$exe" hardware
check hardware-file 0 "node 1 cpus:" -- "$exe" hardware -t "$src/examples/topologies/tiered-cxl.yaml"
check hardware-json 0 '"distances": [' -- "$exe" hardware -t numa-4s-ring --json
check hardware-bad-file 125 "link-to-missing-node.yaml:13:9: links[0].to: node 7 does not exist (nodes 0-1)" \
  -- "$exe" hardware -t "$src/tests/topologies/bad/link-to-missing-node.yaml"
check hardware-unknown-name 125 "mmsim: no bundled topology named 'numa-9s'" -- "$exe" hardware -t numa-9s
check hardware-bad-option 2 "" -- "$exe" hardware --frob

# numactl -H exactly, for the bundled two-socket machine (free lines vary
# with the allocator's reservations, so they are checked for shape).
out=$("$exe" hardware -t numa-2s)
want_re='^available: 2 nodes \(0-1\)
node 0 cpus: 0 1
node 0 size: 8192 MB
node 0 free: [0-9]+ MB
node 1 cpus: 2 3
node 1 size: 8192 MB
node 1 free: [0-9]+ MB
node distances:
node   0   1 
  0:  10  21 
  1:  21  10 $'
if [[ "$out" =~ $want_re ]]; then echo "ok   numactl-format"; else echo "FAIL numactl-format:"; echo "$out"; fails=$((fails+1)); fi

echo "$fails failed"
[ "$fails" -eq 0 ]
