#!/usr/bin/env bash
# The timing model reproduces its own configuration (issue 7, docs/TIMING.md):
#   timing.sh latency-numa   numa-2s: a pointer chase (lat_chase) measures,
#       in simulated ns, plateaus within 3% of the L1, L2, LLC and local
#       DRAM latencies `mmsim latency` reports, and bound to node 1 with
#       --membind the remote DRAM latency
#   timing.sh latency-uma    the same on uma-4 (sizes up to 4x its LLC)
#   timing.sh bandwidth-uma  uma-4: 2 and 4 CPUs writing saturate the
#       shared bus (8 B x 1333 MHz = 10.664 GB/s, examples/topologies/
#       uma-4.yaml) within 5%, and per-CPU bandwidth falls as CPUs are added
#   timing.sh bandwidth-numa numa-4s-full: one writer per node on local
#       memory scales (4 nodes give at least 3.5x one node)
#   timing.sh pingpong       numa-2s: handing a line back and forth costs at
#       least a cache-to-cache transfer per hand-off, more across sockets
#   timing.sh determinism    4 CPUs on uma-4 twice: identical --stats JSON
#   timing.sh compare        `mmsim compare --json` (the README's main job)
#       on the default UMA and NUMA machines: every latency row within 3% of
#       its configuration, node 1's memory dearer than node 0's on numa-2s,
#       more bandwidth from two nodes' controllers than from one shared bus
#   timing.sh matrix         `mmsim matrix --bandwidth` on numa-2s: local
#       and remote latencies within 3% of the configuration, and a
#       remote/local ratio near the published two-socket figures the file
#       cites (90 / 140 ns); bandwidth from local memory above remote, remote
#       within the link's configured bandwidth, local within the controller's
#   timing.sh modes          --timing=off: one cycle per instruction, no
#       pipeline; roi: the pipeline only from mmsim_roi_begin(); a bad
#       mode is a usage error; guest output is the same in every mode
set -uo pipefail
exe=${MMSIM_EXE:?}
guests=${MMSIM_GUEST_DIR:?}/tests
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL $*"; fails=$((fails+1)); }
command -v jq >/dev/null || { echo "FAIL jq not found: run scripts/setup"; exit 1; }

# within GOT WANT PCT: |GOT - WANT| <= PCT% of WANT
within() { awk -v g="$1" -v w="$2" -v p="$3" 'BEGIN { d = g - w; if (d < 0) d = -d; exit !(d <= w * p / 100) }'; }
# want TOPO LEVEL [NODE]: the configured unloaded latency (ns)
want() {
  "$exe" latency -t "$1" --json | jq -r --arg l "$2" --argjson n "${3:-0}" '.[$l][] | select(.node == $n) | .ns'
}
# chase NAME TOPO [mmsim options] -- SIZES...: lat_chase output in $tmp/NAME
chase() {
  local name=$1 topo=$2
  shift 2
  local opts=()
  while [ "$1" != "--" ]; do opts+=("$1"); shift; done
  shift
  timeout 600 "$exe" run -q -t "$topo" "${opts[@]}" "$guests/lat_chase" "$@" >"$tmp/$name" 2>"$tmp/$name.err" \
    || { fail "$name: exit $? $(cat "$tmp/$name.err")"; return 1; }
}
# check NAME KIB LEVEL WANT: the plateau at KIB is within 3% of WANT ns
check() {
  local got
  got=$(awk -v k="$2" '$1 == k { print $2 }' "$tmp/$1")
  if [ -z "$got" ]; then fail "$1: no result for $2 KiB"; return; fi
  if within "$got" "$4" 3; then
    echo "ok   $1 $3 ($2 KiB): $got ns, configured $4 ns"
  else
    fail "$1 $3 ($2 KiB): measured $got ns, configured $4 ns (more than 3% apart)"
  fi
}

case ${1:?usage: timing.sh CASE (see the top of the script)} in
latency-numa)
  # numa-2s: L1D 48 KiB, L2 1 MiB, LLC 8 MiB; 32 MiB is 4x the LLC.
  chase numa numa-2s -- 16 512 4096 32768 || exit 1
  check numa 16 L1 "$(want numa-2s L1)"
  check numa 512 L2 "$(want numa-2s L2)"
  check numa 4096 LLC "$(want numa-2s LLC)"
  check numa 32768 DRAM "$(want numa-2s DRAM 0)"
  chase remote numa-2s --membind=1 -- 32768 || exit 1
  check remote 32768 "remote DRAM" "$(want numa-2s DRAM 1)"
  ;;
latency-uma)
  # uma-4: LLC 16 MiB; 64 MiB is 4x the LLC.
  chase uma uma-4 -- 16 512 8192 65536 || exit 1
  check uma 16 L1 "$(want uma-4 L1)"
  check uma 512 L2 "$(want uma-4 L2)"
  check uma 8192 LLC "$(want uma-4 LLC)"
  check uma 65536 DRAM "$(want uma-4 DRAM 0)"
  ;;
bandwidth-uma)
  bus=10.664
  for n in 1 2 4; do
    timeout 600 "$exe" run -q -t uma-4 "$guests/bw_stream" $n 4 3 >"$tmp/bw$n" 2>"$tmp/err" \
      || { fail "bw_stream $n: exit $?"; cat "$tmp/err"; }
  done
  agg() { awk '{ print $4 }' "$tmp/bw$1"; }
  per() { awk '{ print $7 }' "$tmp/bw$1"; }
  for n in 2 4; do
    if within "$(agg $n)" $bus 5; then
      echo "ok   bandwidth-uma: $n CPUs $(agg $n) GB/s, bus $bus GB/s"
    else
      fail "bandwidth-uma: $n CPUs $(agg $n) GB/s, not within 5% of the bus's $bus GB/s"
    fi
  done
  awk -v a="$(per 1)" -v b="$(per 2)" -v c="$(per 4)" 'BEGIN { exit !(a > b && b > c) }' \
    || fail "bandwidth-uma: per-CPU bandwidth does not fall: $(per 1) $(per 2) $(per 4)"
  awk -v b="$(per 2)" -v c="$(per 4)" 'BEGIN { exit !(c < b * 0.6) }' \
    || fail "bandwidth-uma: 4 CPUs get $(per 4) GB/s each, 2 get $(per 2): not shared"
  ;;
bandwidth-numa)
  # numa-4s-full: CPUs 4n..4n+3 on node n; one writer on node 0, then one
  # per node (CPUs 0, 4, 8, 12), each on its local memory (first touch).
  timeout 600 "$exe" run -q -t numa-4s-full "$guests/bw_stream" 1 4 3 0 4 >"$tmp/one" 2>"$tmp/err" \
    || { fail "one node: exit $?"; cat "$tmp/err"; }
  timeout 600 "$exe" run -q -t numa-4s-full "$guests/bw_stream" 4 4 3 0 4 >"$tmp/four" 2>"$tmp/err" \
    || { fail "four nodes: exit $?"; cat "$tmp/err"; }
  one=$(awk '{ print $4 }' "$tmp/one") four=$(awk '{ print $4 }' "$tmp/four")
  if awk -v a="$one" -v b="$four" 'BEGIN { exit !(b >= 3.5 * a) }'; then
    echo "ok   bandwidth-numa: 1 node $one GB/s, 4 nodes $four GB/s"
  else
    fail "bandwidth-numa: 1 node $one GB/s, 4 nodes $four GB/s (want at least 3.5x)"
  fi
  ;;
pingpong)
  timeout 600 "$exe" run -q -t numa-2s "$guests/pingpong" 0 1 2000 >"$tmp/same" 2>&1 \
    || fail "same socket: exit $?"
  timeout 600 "$exe" run -q -t numa-2s "$guests/pingpong" 0 2 2000 >"$tmp/cross" 2>&1 \
    || fail "cross socket: exit $?"
  same=$(awk '{ print $5 }' "$tmp/same") cross=$(awk '{ print $5 }' "$tmp/cross")
  # memsys_unloaded_ps on numa-2s: C2C within the node 35 ns, across 95.4 ns.
  awk -v s="$same" 'BEGIN { exit !(s >= 35) }' || fail "pingpong: $same ns within a socket < 35 ns (a C2C transfer)"
  awk -v c="$cross" 'BEGIN { exit !(c >= 95.4) }' || fail "pingpong: $cross ns across sockets < 95.4 ns"
  awk -v s="$same" -v c="$cross" 'BEGIN { exit !(c > 2 * s) }' \
    || fail "pingpong: across sockets $cross ns, within $same ns"
  echo "ok   pingpong: $same ns within a socket, $cross ns across"
  ;;
determinism)
  for r in a b; do
    timeout 600 "$exe" run -q -t uma-4 --stats "$tmp/$r.json" "$guests/bw_stream" 4 2 2 >/dev/null 2>&1 \
      || fail "run $r: exit $?"
  done
  cmp -s "$tmp/a.json" "$tmp/b.json" || fail "determinism: two runs give different statistics"
  [ "$(jq '.cpu3.pipe.insns' "$tmp/a.json")" -gt 0 ] || fail "determinism: CPU 3 did not run timed"
  echo "ok   determinism"
  ;;
compare)
  timeout 600 "$exe" compare --json --examples "${MMSIM_GUEST_DIR}/examples" >"$tmp/c.json" 2>"$tmp/err" \
    || { fail "compare: exit $?"; cat "$tmp/err"; exit 1; }
  n=$(jq '[.[].latency_ns[] | select(((.measured - .configured) / .configured | fabs) > 0.03)] | length' "$tmp/c.json")
  [ "$n" = 0 ] || fail "compare: $n latency rows more than 3% from their configuration"
  [ "$(jq '.[] | select(.topology == "numa-2s") | .node_memory_ns | (.[1].measured > .[0].measured)' "$tmp/c.json")" = true ] \
    || fail "compare: numa-2s node 1 not dearer than node 0"
  uma=$(jq '.[0].bandwidth_gbs.copy' "$tmp/c.json") numa=$(jq '.[1].bandwidth_gbs.copy' "$tmp/c.json")
  awk -v u="$uma" -v n="$numa" 'BEGIN { exit !(n > u) }' || fail "compare: copy $numa GB/s on NUMA, $uma on UMA"
  echo "ok   compare (copy: UMA $uma GB/s, NUMA $numa GB/s)"
  ;;
matrix)
  # 16 MiB: twice numa-2s's LLC, DRAM for the chase and the STREAM arrays.
  timeout 600 "$exe" matrix -t numa-2s --bandwidth --size 16384 --json --examples "${MMSIM_GUEST_DIR}/examples" >"$tmp/m.json" 2>"$tmp/err" \
    || { fail "matrix: exit $?"; cat "$tmp/err"; exit 1; }
  l=$(want numa-2s DRAM 0) r=$(want numa-2s DRAM 1)
  for ij in "0 0 $l" "1 1 $l" "0 1 $r" "1 0 $r"; do
    set -- $ij
    got=$(jq ".latency_ns[$1][$2]" "$tmp/m.json")
    within "$got" "$3" 3 || fail "matrix: node $1 -> memory $2: $got ns, configured $3"
  done
  ratio=$(jq '.latency_ns[0][1] / .latency_ns[0][0]' "$tmp/m.json")
  awk -v x="$ratio" 'BEGIN { exit !(x > 1.45 && x < 1.70) }' \
    || fail "matrix: remote/local $ratio, published two-socket figures give about 140/90 = 1.56"
  "$exe" hardware -t numa-2s --json >"$tmp/hw.json"
  link=$(jq '.links[0].bandwidth_gbs' "$tmp/hw.json")
  for i in 0 1; do
    j=$((1 - i))
    loc=$(jq ".bandwidth_gbs[$i][$i]" "$tmp/m.json") rem=$(jq ".bandwidth_gbs[$i][$j]" "$tmp/m.json")
    mc=$(jq ".nodes[$i].mem_bandwidth_gbs" "$tmp/hw.json")
    awk -v l="$loc" -v r="$rem" 'BEGIN { exit !(l > r && r > 0) }' \
      || fail "matrix: node $i: local $loc GB/s, remote $rem GB/s (want local > remote > 0)"
    awk -v r="$rem" -v k="$link" 'BEGIN { exit !(r <= k) }' \
      || fail "matrix: node $i -> memory $j: $rem GB/s, more than the link's $k GB/s"
    awk -v l="$loc" -v k="$mc" 'BEGIN { exit !(l <= k) }' \
      || fail "matrix: node $i: $loc GB/s, more than its controller's $mc GB/s"
  done
  echo "ok   matrix (remote/local $ratio; bandwidth $(jq -c .bandwidth_gbs "$tmp/m.json") GB/s, link $link)"
  ;;
modes)
  for m in detailed off roi; do
    timeout 600 "$exe" run -q --timing=$m --stats "$tmp/$m.json" "$guests/roi_check" >"$tmp/$m.out" 2>&1 \
      || fail "--timing=$m: exit $?"
  done
  cmp -s "$tmp/detailed.out" "$tmp/off.out" && cmp -s "$tmp/off.out" "$tmp/roi.out" \
    || fail "modes: guest output differs"
  [ "$(jq '.cpu0.pipe // "none" | if type == "object" then .insns else 0 end' "$tmp/off.json")" = 0 ] \
    || fail "modes: --timing=off used the pipeline"
  # Off and before the ROI: one cycle per instruction plus the page faults'
  # fixed costs, so both reach mmsim_roi_begin at the same cycle; detailed
  # timing gets there at another.
  off=$(jq '.roi.begin_cycle' "$tmp/off.json") roi=$(jq '.roi.begin_cycle' "$tmp/roi.json")
  det=$(jq '.roi.begin_cycle' "$tmp/detailed.json")
  [ "$off" = "$roi" ] && [ "$det" != "$off" ] || fail "modes: ROI begins at cycle $off (off), $roi (roi), $det (detailed)"
  [ "$(jq '.cpu0.pipe.insns' "$tmp/roi.json")" -gt 0 ] || fail "modes: roi: no instruction timed after the ROI"
  "$exe" run --timing=fast "$guests/roi_check" >/dev/null 2>"$tmp/err"; st=$?
  [ "$st" -eq 2 ] && grep -q "not one of detailed, off, roi" "$tmp/err" || fail "modes: --timing=fast: exit $st"
  echo "ok   modes"
  ;;
*) echo "timing.sh: unknown case '$1'" >&2; exit 2 ;;
esac
[ "$fails" -eq 0 ]
