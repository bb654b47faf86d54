#!/usr/bin/env bash
# The NUMA memory-policy syscalls (docs/KERNEL.md, "NUMA syscalls"): the
# self-checking guests tests/guest/numa_*.c run under `mmsim run` on one
# machine per case and must exit 0 (each prints FAIL lines for what went
# wrong).  Not diff tests: qemu-riscv64 has no mempolicy syscalls.
#
#   numa.sh TOPOLOGY      a bundled topology (numa-2s, ..., uma-4)
#   numa.sh cpunode       numa-4s-ring, run from node 2's CPUs (local and
#                         nearest-bound-node placement away from node 0)
#   numa.sh thp           numa-2s with transparent huge pages always on
#                         (migration splits them)
#   numa.sh memoryless    three nodes, the last with CPUs and no memory
#                         (ENODEV/EINVAL for it, placement from its CPUs)
#   numa.sh xproc         numa_xproc twice on numa-2s: move_pages and
#                         migrate_pages of another process (by pid)
#   numa.sh nomem         numa_nomem only, on a machine whose node 1 has
#                         16 MiB: migrations that do not fit (ENOMEM, EIO)
set -uo pipefail
exe=${MMSIM_EXE:?}
gdir=${MMSIM_GUEST_DIR:?}/tests
src=${MMSIM_SOURCE_DIR:?}
case_=${1:?usage: numa.sh CASE}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
guests="numa_bind numa_interleave numa_policy numa_migrate numa_errors"
fails=0

# run NAME [mmsim run options...]: every guest on that machine
run() {
  local name=$1; shift
  for g in $guests; do
    if [ ! -x "$gdir/$g" ]; then
      echo "FAIL missing $gdir/$g"; fails=$((fails+1)); continue
    fi
    out=$(timeout 120 "$exe" run -q "$@" "$gdir/$g" 2>&1)
    rc=$?
    if [ $rc -eq 0 ]; then
      echo "ok   $name $g"
    else
      echo "FAIL $name $g: exit $rc"
      printf '%s\n' "$out" | sed 's/^/     /'
      fails=$((fails+1))
    fi
  done
}

case $case_ in
  cpunode)
    run cpunode -t numa-4s-ring --cpunodebind=2 ;;
  thp)
    { grep -v '^ *#' "$src/examples/topologies/numa-2s.yaml" | sed 's/^name: .*/name: numa-2s-thp/'
      echo "kernel: {thp: always}"; } >"$tmp/thp.yaml"
    run thp -t "$tmp/thp.yaml" ;;
  memoryless)
    cat >"$tmp/memless.yaml" <<'YAML'
name: memoryless-3
description: "nodes 0 and 1 with CPUs and memory, node 2 with CPUs only"
clock: 2.5GHz
nodes:
  - {cpus: 2, memory: 1GiB}
  - {cpus: 2, memory: 1GiB}
  - {cpus: 2, memory: 0}
links:
  - {from: 0, to: 1, latency: 25ns, bandwidth: 20GB/s}
  - {from: 1, to: 2, latency: 25ns, bandwidth: 20GB/s}
  - {from: 0, to: 2, latency: 25ns, bandwidth: 20GB/s}
distances:
  - [10, 21, 21]
  - [21, 10, 21]
  - [21, 21, 10]
YAML
    run memoryless -t "$tmp/memless.yaml"
    run memoryless-cpu2 -t "$tmp/memless.yaml" --cpunodebind=2 ;;
  xproc)
    if [ ! -x "$gdir/numa_xproc" ]; then echo "FAIL missing $gdir/numa_xproc"; exit 1; fi
    out=$(timeout 120 "$exe" run -q -t numa-2s --cpunodebind=0 "$gdir/numa_xproc" hold \
          -- --cpunodebind=1 "$gdir/numa_xproc" probe 2>&1)
    rc=$?
    if [ $rc -eq 0 ]; then echo "ok   xproc numa_xproc"
    else echo "FAIL xproc numa_xproc: exit $rc"; printf '%s\n' "$out" | sed 's/^/     /'; fails=$((fails+1)); fi ;;
  nomem)
    cat >"$tmp/small.yaml" <<'YAML'
name: small-node
description: "node 1 has only 16 MiB"
clock: 2.5GHz
nodes:
  - {cpus: 2, memory: 256MiB}
  - {cpus: 2, memory: 16MiB}
links:
  - {from: 0, to: 1, latency: 25ns, bandwidth: 20GB/s}
distances:
  - [10, 21]
  - [21, 10]
YAML
    guests=numa_nomem
    run nomem -t "$tmp/small.yaml" ;;
  *)
    run "$case_" -t "$case_" ;;
esac

[ "$fails" -eq 0 ] && echo "ok   numa $case_" || exit 1
