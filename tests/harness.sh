#!/usr/bin/env bash
# Install libmmsim from the build tree into a temporary prefix, build the
# example harnesses (examples/harness) against it with find_package, run
# each on the bundled workloads and check what its table shows:
#   link_sweep      remote latency grows by 2 x the link step per row (a
#                   remote load crosses the link twice), within 3 %, and
#                   matches the configured latency;
#   policy_compare  binding to the remote node is slower than local, and
#                   numastat sees local pages as local and bound ones as
#                   other-node;
#   tlb_study       the L2 TLB miss rate never grows as the TLB does, and
#                   falls to 0 once it holds every page.
# Usage: harness.sh BUILD_DIR
set -euo pipefail
build=$1
src=${MMSIM_SOURCE_DIR:?}
guests=${MMSIM_GUEST_DIR:?}/examples
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix
fail() { echo "harness.sh: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$prefix" >/dev/null
cmake -S "$src/examples/harness" -B "$work/b" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$work/b" >/dev/null
export LD_LIBRARY_PATH=$prefix/lib

run() {
  "$work/b/$1" "$guests" > "$work/$1.out" || fail "$1 failed (exit $?)"
  cat "$work/$1.out"
}

# docs/API.md's tutorial: link 40 ns, so remote DRAM costs 89.4 + 2 x 40 ns;
# the sampler saw the region's counters grow.
run tutorial
grep -q '^exit code 0; 2[0-9]\{4\} remote DRAM loads, 169\.[0-9] ns on average$' \
  "$work/tutorial.out" || fail "tutorial: wrong result line"
[ "$(grep -c 'remote DRAM accesses$' "$work/tutorial.out")" -ge 5 ] || fail "tutorial: too few samples"
grep -q '^IPC [0-9.]*; memory accesses: .*remote DRAM' "$work/tutorial.out" ||
  fail "tutorial: no report line"

# link_ns configured_ns measured_ns dram_remote_ns
run link_sweep
awk '
  /^#/ || $1 == "link_ns" { next }
  {
    n++
    if ($3 < $2 * 0.97 || $3 > $2 * 1.03) { print "row " n ": measured " $3 " vs configured " $2; bad = 1 }
    if (n > 1) {
      want = 2 * ($1 - link); got = $3 - prev
      if (got < want * 0.97 || got > want * 1.03) {
        print "link " link " -> " $1 " ns: measured latency grew by " got " ns, want " want " (+-3%)"; bad = 1
      }
    }
    link = $1; prev = $3
  }
  END { if (n < 4) { print "only " n " rows"; bad = 1 } exit bad }
' "$work/link_sweep.out" || fail "link_sweep: wrong table"

# policy sim_ms ns_per_load local_node other_node
run policy_compare
awk '
  /^#/ || $1 == "policy" { next }
  { ms[$1] = $2; ns[$1] = $3; loc[$1] = $4; oth[$1] = $5 }
  END {
    bad = 0
    if (!("local" in ns) || !("bind-remote" in ns) || !("interleave" in ns)) { print "rows missing"; exit 1 }
    if (!(ns["bind-remote"] > ns["local"] * 1.2)) { print "bind-remote not slower than local"; bad = 1 }
    if (!(ms["bind-remote"] > ms["local"])) { print "bind-remote run not longer than local"; bad = 1 }
    if (!(ns["interleave"] > ns["local"] && ns["interleave"] < ns["bind-remote"])) {
      print "interleave not between local and remote"; bad = 1
    }
    if (!(loc["local"] > 100 && oth["local"] == 0)) { print "local: pages not local"; bad = 1 }
    if (!(oth["bind-remote"] > 100 * loc["bind-remote"])) { print "bind-remote: pages not remote"; bad = 1 }
    exit bad
  }
' "$work/policy_compare.out" || fail "policy_compare: wrong table"

# l2tlb dtlb_miss l2tlb_miss walks walk_read_ns peak_walks roi_cycles
run tlb_study
awk '
  /^#/ || $1 == "l2tlb" { next }
  {
    n++
    if (n > 1 && $3 > miss) { print $1 " entries: miss rate " $3 " above " miss " with fewer"; bad = 1 }
    if (n > 1 && $7 > cycles) { print $1 " entries: slower than with fewer"; bad = 1 }
    if (n == 1 && $3 < 0.9) { print "smallest TLB: miss rate " $3 ", want ~1"; bad = 1 }
    miss = $3; cycles = $7
  }
  END {
    if (n < 4) { print "only " n " rows"; bad = 1 }
    if (miss != 0) { print "largest TLB: miss rate " miss ", want 0"; bad = 1 }
    exit bad
  }
' "$work/tlb_study.out" || fail "tlb_study: wrong table"
echo "harness.sh: tutorial, link_sweep, policy_compare and tlb_study build against the installed library and show what they should"
