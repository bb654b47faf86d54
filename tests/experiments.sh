#!/usr/bin/env bash
# `mmsim compare` on any program and on the bundled workloads, its output
# formats and plots, `mmsim matrix --csv` (issue 8, docs/EXPERIMENTS.md):
#   experiments.sh program    compare -- lat_chase on the default machines:
#       every report row in the text, valid JSON with the expected keys,
#       CSV (RFC 4180: header, three fields per row, a quoted topology path
#       with a comma) with one row per numeric JSON leaf; percentiles
#       ordered min <= p50 <= p95 <= p99 <= max; the served classes add up
#   experiments.sh dram       numa-2s, lat_chase beyond the LLC: the
#       local-DRAM p50 within one histogram bucket (1/32) of the configured
#       DRAM latency; numastat numa_hit as `mmsim run --stats` counts it
#   experiments.sh plot       --plot: an SVG naming both machines, a PNG
#       with the PNG signature, latency and bandwidth plots; a file that is
#       neither is a usage error
#   experiments.sh no-gnuplot --plot with no gnuplot on PATH: exit 127 and a
#       message naming the Debian package, before anything runs
#   experiments.sh workloads  the bundled workloads by name (small sizes):
#       their own results in the report; bad arguments are usage errors
#   experiments.sh matrix-csv `mmsim matrix --csv` rows against --json
# The bandwidth matrix (local > remote, remote within the link's bandwidth)
# is checked with the latency matrix in tests/timing.sh matrix.
set -uo pipefail
exe=${MMSIM_EXE:?}
guests=${MMSIM_GUEST_DIR:?}/tests
examples=${MMSIM_GUEST_DIR:?}/examples
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL $*"; fails=$((fails+1)); }
ok() { echo "ok   $*"; }
command -v jq >/dev/null || { echo "FAIL jq not found: run scripts/setup"; exit 1; }
export MMSIM_EXAMPLES_DIR=$examples

# within GOT WANT FRACTION: |GOT - WANT| <= FRACTION * WANT
within() { awk -v g="$1" -v w="$2" -v f="$3" 'BEGIN { d = g - w; if (d < 0) d = -d; exit !(d <= w * f) }'; }
# want TOPO LEVEL [NODE]: the configured unloaded latency (ns)
want() {
  "$exe" latency -t "$1" --json | jq -r --arg l "$2" --argjson n "${3:-0}" '.[$l][] | select(.node == $n) | .ns'
}
# Every distribution object: min <= p50 <= p95 <= p99 <= max (0 violations).
pct_order='[.. | objects | select(has("p50_ns")) | select(.count != 0)
            | select(.min_ns > .p50_ns or .p50_ns > .p95_ns or .p95_ns > .p99_ns or .p99_ns > .max_ns)] | length'

case ${1:?usage: experiments.sh CASE (see the top of the script)} in
program)
  # 64 KiB: the L2; a few seconds on both machines.
  timeout 600 "$exe" compare -- "$guests/lat_chase" 64 >"$tmp/t" 2>"$tmp/err" \
    || { fail "text: exit $? $(cat "$tmp/err")"; exit 1; }
  for row in sim_time_ns ipc latency accesses mean_ns p50_ns p95_ns p99_ns served l1.count \
             l1.share l2.count llc.count c2c_local.count dram_local.count dram_remote.count \
             c2c_remote.count upgrade.count tlb dtlb_miss_rate itlb_miss_rate walks walk_cycles \
             interconnect node0_bus.utilisation node0_bus.avg_queue_ns node0_mem.utilisation \
             node0_mem.avg_queue_ns link0_0to1.utilisation link0_1to0.avg_queue_ns numastat \
             node0.numa_hit node0.numa_miss node0.numa_foreign node0.interleave_hit \
             node0.local_node node0.other_node node1.numa_hit exit_code; do
    grep -Eq "^ *$row( |$)" "$tmp/t" || fail "text: no row '$row'"
  done
  head -2 "$tmp/t" | grep -q "uma-4.*numa-2s" || fail "text: no uma-4 and numa-2s columns"
  ok "program: text rows"

  timeout 600 "$exe" compare --json -- "$guests/lat_chase" 64 >"$tmp/j" 2>"$tmp/err" \
    || { fail "json: exit $?"; exit 1; }
  jq -e . "$tmp/j" >/dev/null || { fail "json: invalid"; exit 1; }
  [ "$(jq 'length' "$tmp/j")" = 2 ] || fail "json: not one report per machine"
  for k in topology sim_time_ns ipc instructions latency served tlb interconnect numastat exit_code; do
    [ "$(jq --arg k "$k" '[.[] | has($k)] | all' "$tmp/j")" = true ] || fail "json: no key $k"
  done
  [ "$(jq '[.[] | .latency | has("p50_ns") and has("p95_ns") and has("p99_ns") and has("mean_ns")] | all' "$tmp/j")" = true ] \
    || fail "json: latency without mean/p50/p95/p99"
  [ "$(jq '.[1].served | has("dram_remote") and has("c2c_remote")' "$tmp/j")" = true ] \
    || fail "json: numa-2s without the remote classes"
  [ "$(jq '.[0].served | has("dram_remote")' "$tmp/j")" = false ] || fail "json: uma-4 with remote DRAM"
  [ "$(jq '[.[] | .numastat.node0 | has("numa_hit") and has("numa_miss") and has("numa_foreign") and has("interleave_hit") and has("local_node") and has("other_node")] | all' "$tmp/j")" = true ] \
    || fail "json: numastat fields"
  n=$(jq "$pct_order" "$tmp/j")
  [ "$n" = 0 ] || fail "json: $n distributions with percentiles out of order or outside [min, max]"
  [ "$(jq '[.[] | (.latency.accesses == ([.served | to_entries[] | select(.key | test("hop") | not) | .value.count] | add))] | all' "$tmp/j")" = true ] \
    || fail "json: the served classes do not add up to the accesses"
  [ "$(jq '[.[] | .latency.accesses > 0 and .instructions > 0 and .ipc > 0 and .sim_time_ns > 0 and .exit_code == 0] | all' "$tmp/j")" = true ] \
    || fail "json: empty report"
  ok "program: json ($(jq -c '[.[] | .latency.p50_ns]' "$tmp/j") p50 ns)"

  # CSV on a topology path with a comma: the field must be quoted.
  cp "$MMSIM_SOURCE_DIR/examples/topologies/uma-4.yaml" "$tmp/a,b.yaml"
  timeout 600 "$exe" compare --csv -t "$tmp/a,b.yaml" -- "$guests/lat_chase" 64 >"$tmp/c" 2>"$tmp/err" \
    || { fail "csv: exit $? $(cat "$tmp/err")"; exit 1; }
  [ "$(head -1 "$tmp/c")" = $'topology,metric,value\r' ] || fail "csv: header '$(head -1 "$tmp/c")'"
  grep -q $'\r$' "$tmp/c" && [ "$(grep -vc $'\r$' "$tmp/c")" = 0 ] || fail "csv: lines not ended by CRLF"
  [ "$(sed -n 2p "$tmp/c" | cut -c1)" = '"' ] && grep -q "^\"$tmp/a,b.yaml\",sim_time_ns," "$tmp/c" \
    || fail "csv: the topology with a comma is not quoted: $(sed -n 2p "$tmp/c")"
  # Unquote the first field, then every row has exactly 3 fields.
  bad=$(tail -n +2 "$tmp/c" | sed 's/^"[^"]*",/x,/' | tr -d '\r' | awk -F, 'NF != 3' | wc -l)
  [ "$bad" = 0 ] || fail "csv: $bad rows without 3 fields"
  rows=$(($(wc -l <"$tmp/c") - 1))
  leaves=$(jq '[.[0] | paths(type == "number" or type == "boolean")] | length' "$tmp/j")
  [ "$rows" = "$leaves" ] || fail "csv: $rows rows, the uma-4 JSON report has $leaves numeric leaves"
  got=$(tr -d '\r' <"$tmp/c" | awk -F, '$(NF-1) == "served.l2.count" { print $NF }')
  [ "$got" = "$(jq '.[0].served.l2.count' "$tmp/j")" ] || fail "csv: served.l2.count $got, JSON $(jq '.[0].served.l2.count' "$tmp/j")"
  ok "program: csv ($rows rows)"
  ;;
dram)
  # numa-2s: LLC 8 MiB; a 16 MiB chase misses it on every load.
  timeout 600 "$exe" compare -t numa-2s --json -- "$guests/lat_chase" 16384 >"$tmp/j" 2>"$tmp/err" \
    || { fail "compare: exit $? $(cat "$tmp/err")"; exit 1; }
  conf=$(want numa-2s DRAM 0)
  p50=$(jq '.[0].served.dram_local.p50_ns' "$tmp/j")
  # The percentile is its bucket's upper bound: at most 1/32 above.
  if within "$p50" "$conf" 0.03125; then
    ok "dram: local DRAM p50 $p50 ns, configured $conf ns"
  else
    fail "dram: local DRAM p50 $p50 ns, configured $conf ns (more than one bucket apart)"
  fi
  [ "$(jq '.[0].served.dram_local.share > 0.2' "$tmp/j")" = true ] || fail "dram: few DRAM accesses"
  n=$(jq "$pct_order" "$tmp/j")
  [ "$n" = 0 ] || fail "dram: $n distributions with percentiles out of order"
  # The same run under `mmsim run`: the same page allocations.
  timeout 600 "$exe" run -q -t numa-2s --stats "$tmp/s.json" "$guests/lat_chase" 16384 >/dev/null 2>&1 \
    || fail "run: exit $?"
  for n in 0 1; do
    a=$(jq ".[0].numastat.node$n.numa_hit" "$tmp/j") b=$(jq ".node$n.numa_hit" "$tmp/s.json")
    [ "$a" = "$b" ] || fail "dram: node$n numa_hit $a in compare, $b in the run's statistics"
  done
  [ "$(jq '.[0].numastat.node0.numa_hit > 0' "$tmp/j")" = true ] || fail "dram: no numa_hit on node 0"
  ok "dram: numastat numa_hit $(jq -c '[.[0].numastat[] | .numa_hit]' "$tmp/j") as in --stats"
  ;;
plot)
  timeout 600 "$exe" compare --plot "$tmp/l.svg" latency -s 16,64,1024 -n 1000 -c 0 >/dev/null 2>"$tmp/err" \
    || { fail "svg: exit $? $(cat "$tmp/err")"; }
  head -c 100 "$tmp/l.svg" | grep -Eq '^(<\?xml|<svg)' || fail "svg: does not start as SVG"
  grep -q "uma-4" "$tmp/l.svg" && grep -q "numa-2s" "$tmp/l.svg" || fail "svg: no topology names"
  grep -q "</svg>" "$tmp/l.svg" || fail "svg: not complete"
  timeout 600 "$exe" compare -t numa-2s --threads 1,2 --plot "$tmp/b.png" bandwidth -n 4K -k 1 >/dev/null 2>"$tmp/err" \
    || { fail "png: exit $? $(cat "$tmp/err")"; }
  [ "$(head -c 8 "$tmp/b.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || fail "png: no PNG signature"
  "$exe" compare --plot "$tmp/x.pdf" latency >/dev/null 2>"$tmp/err"; st=$?
  [ "$st" = 2 ] && grep -q "must end in .svg or .png" "$tmp/err" || fail "bad extension: exit $st $(cat "$tmp/err")"
  "$exe" compare --plot "$tmp/x.svg" pagewalk -b 2M -n 10 >/dev/null 2>"$tmp/err"; st=$?
  [ "$st" = 2 ] && grep -q "nothing to plot" "$tmp/err" || fail "pagewalk plot: exit $st $(cat "$tmp/err")"
  ok "plot: svg, png"
  ;;
no-gnuplot)
  # A PATH without gnuplot (mmsim itself needs none).
  mkdir "$tmp/bin"
  PATH="$tmp/bin" "$exe" compare --plot "$tmp/x.svg" >/dev/null 2>"$tmp/err"; st=$?
  [ "$st" = 127 ] || fail "no gnuplot: exit $st, want 127"
  grep -q "gnuplot not found" "$tmp/err" && grep -q "gnuplot-nox" "$tmp/err" \
    || fail "no gnuplot: message '$(cat "$tmp/err")'"
  [ ! -e "$tmp/x.svg" ] || fail "no gnuplot: a plot file was left"
  PATH="$tmp/bin" "$exe" matrix --plot "$tmp/x.png" >/dev/null 2>"$tmp/err"; st=$?
  [ "$st" = 127 ] && grep -q "gnuplot-nox" "$tmp/err" || fail "matrix, no gnuplot: exit $st"
  ok "no-gnuplot: $(cat "$tmp/err")"
  ;;
workloads)
  timeout 600 "$exe" compare -t numa-2s --json pagewalk -b 4M -n 2000 -c 0 >"$tmp/pw" 2>"$tmp/err" \
    || fail "pagewalk: exit $? $(cat "$tmp/err")"
  [ "$(jq '.[0].workload.ns_per_access | has("4k") and has("2m")' "$tmp/pw")" = true ] || fail "pagewalk: no results"
  [ "$(jq '.[0].roi and .[0].tlb.walks > 0' "$tmp/pw")" = true ] || fail "pagewalk: no ROI or no walks"
  timeout 600 "$exe" compare -t numa-2s --json numa-policy -b 256K -r 1 -p local -p bind:1 -c 0 >"$tmp/np" 2>"$tmp/err" \
    || fail "numa-policy: exit $? $(cat "$tmp/err")"
  [ "$(jq -c '[.[0].workload.policies[].policy]' "$tmp/np")" = '["local","bind:1"]' ] || fail "numa-policy: $(jq -c .[0].workload "$tmp/np")"
  timeout 600 "$exe" compare -t numa-2s --json latency -s 16,64 -n 1000 -c 0 >"$tmp/la" 2>"$tmp/err" \
    || fail "latency: exit $? $(cat "$tmp/err")"
  [ "$(jq -c '[.[0].workload.latency_ns[].size_kib]' "$tmp/la")" = '[16,64]' ] || fail "latency: $(jq -c .[0].workload "$tmp/la")"
  timeout 600 "$exe" compare -t numa-2s --threads 1,2 --json bandwidth -n 4K -k 1 >"$tmp/bw" 2>"$tmp/err" \
    || fail "bandwidth: exit $? $(cat "$tmp/err")"
  [ "$(jq -c '[.[0].workload.bandwidth_gbs[] | .threads]' "$tmp/bw")" = '[1,2]' ] || fail "bandwidth: $(jq -c .[0].workload "$tmp/bw")"
  [ "$(jq '.[0].cpus_used' "$tmp/bw")" = 2 ] || fail "bandwidth: the statistics are not the 2-thread run's"
  # Usage errors: exit 2 and a message that says what is allowed.
  "$exe" compare nosuch >/dev/null 2>"$tmp/err"; st=$?
  [ "$st" = 2 ] && grep -q "not a bundled workload (latency, bandwidth, numa-policy, pagewalk" "$tmp/err" \
    || fail "unknown workload: exit $st $(cat "$tmp/err")"
  "$exe" compare --threads 2 latency >/dev/null 2>"$tmp/err"; st=$?
  [ "$st" = 2 ] && grep -q "the latency workload runs one thread" "$tmp/err" || fail "--threads latency: exit $st"
  "$exe" compare --threads 1,x >/dev/null 2>"$tmp/err"; st=$?
  [ "$st" = 2 ] && grep -q "not a number from 1 to 1024 or a comma list" "$tmp/err" || fail "--threads 1,x: exit $st"
  "$exe" compare --json --csv latency >/dev/null 2>"$tmp/err"; st=$?
  [ "$st" = 2 ] || fail "--json --csv: exit $st"
  "$exe" compare -- "$tmp/nosuch" >/dev/null 2>"$tmp/err"; st=$?
  [ "$st" = 127 ] || fail "missing program: exit $st $(cat "$tmp/err")"
  ok "workloads"
  ;;
matrix-csv)
  # 64 KiB: the L2, so a fast run; the rows, not the values, are the point.
  timeout 600 "$exe" matrix -t numa-2s --size 64 --json >"$tmp/j" 2>"$tmp/err" || fail "json: exit $?"
  timeout 600 "$exe" matrix -t numa-2s --size 64 --csv >"$tmp/c" 2>"$tmp/err" || fail "csv: exit $?"
  [ "$(head -1 "$tmp/c")" = $'topology,metric,value\r' ] || fail "matrix csv: header"
  for ij in "0 1" "1 0" "1 1"; do
    set -- $ij
    got=$(tr -d '\r' <"$tmp/c" | awk -F, -v m="latency_ns[$1][$2]" '$2 == m { print $3 }')
    exp=$(jq ".latency_ns[$1][$2]" "$tmp/j")
    awk -v a="$got" -v b="$exp" 'BEGIN { exit !(a == b && a > 0) }' || fail "matrix csv: latency_ns[$1][$2] $got, JSON $exp"
  done
  [ "$(tr -d '\r' <"$tmp/c" | awk -F, '$2 == "distances[0][1]" { print $3 }')" = 21 ] || fail "matrix csv: distances[0][1]"
  ok "matrix-csv"
  ;;
*) echo "experiments.sh: unknown case '$1'" >&2; exit 2 ;;
esac
[ "$fails" -eq 0 ]
