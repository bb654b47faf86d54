#!/usr/bin/env bash
# Traffic generators through the CLI (mmsim run --traffic, docs/TRAFFIC.md).
# Usage: traffic.sh CASE
#   traffic.sh chase          numa-2s: a pointer chase over 256 MiB (32x the
#       LLC) bound to node 0 measures the configured local DRAM latency, bound
#       to node 1 the remote one, within 1% (`mmsim latency --json`)
#   traffic.sh bandwidth      uma-4: one sequential reader per CPU saturates
#       the shared bus (8 B x 1333 MHz = 10.664 GB/s) within 5%, split
#       evenly; a rate-limited generator below saturation gets its rate (2%)
#   traffic.sh contention     uma-4: background generators slow bw_stream and
#       end with it (status 0); the run's status is the program's
#   traffic.sh placement      --timing=off: bind=1 puts every page of the
#       footprint on node 1 (--numa-maps), interleave over both nodes
#   traffic.sh trace          a text trace of 64 reads to distinct lines:
#       64 misses; so does tests/topologies/good/traffic.yaml's traffic:
#       section, its trace named relative to the file
#   traffic.sh determinism    the same seed twice: identical --stats JSON
#   traffic.sh errors         bad specs and traces: exit 2 and a precise
#       message; a generator with no bound and nothing else to run: 125
set -uo pipefail
exe=${MMSIM_EXE:?}
guests=${MMSIM_GUEST_DIR:?}/tests
src=${MMSIM_SOURCE_DIR:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL $*"; fails=$((fails+1)); }
command -v jq >/dev/null || { echo "FAIL jq not found: run scripts/setup"; exit 1; }

# within GOT WANT PCT: |GOT - WANT| <= PCT% of WANT
within() { awk -v g="$1" -v w="$2" -v p="$3" 'BEGIN { d = g - w; if (d < 0) d = -d; exit !(d <= w * p / 100) }'; }
# gbs FILE PID: the generator's bandwidth in GB/s (bytes per simulated ns)
gbs() { jq -r --arg g "gen$2" '.[$g].bytes * 1000 / .[$g].time_ps' "$1"; }

case "${1:-}" in
chase)
  for node in 0 1; do
    want=$("$exe" latency -t numa-2s --json | jq --argjson n $node '.DRAM[] | select(.node == $n) | .ns')
    "$exe" run -q -t numa-2s --traffic chase,footprint=256MiB,ops=20000,cpu=0,bind=$node \
      --stats "$tmp/c$node.json" 2>"$tmp/err" || { fail "chase node $node: exit $? $(cat "$tmp/err")"; continue; }
    got=$(jq '.gen1000.latency_ps.mean / 1000' "$tmp/c$node.json")
    if within "$got" "$want" 1; then
      echo "ok   chase: node $node $got ns, configured $want ns"
    else
      fail "chase: node $node $got ns, not within 1% of the configured $want ns"
    fi
  done
  ;;
bandwidth)
  bus=10.664
  args=()
  for c in 0 1 2 3; do
    args+=(--traffic "sequential,size=64,footprint=16MiB,ops=40000,cpu=$c,populate")
  done
  "$exe" run -q -t uma-4 "${args[@]}" --stats "$tmp/bw.json" 2>"$tmp/err" \
    || fail "bandwidth: exit $? $(cat "$tmp/err")"
  total=0
  for pid in 1000 1001 1002 1003; do
    g=$(gbs "$tmp/bw.json" $pid)
    total=$(awk -v a="$total" -v b="$g" 'BEGIN { print a + b }')
    within "$g" "$(awk -v b=$bus 'BEGIN { print b / 4 }')" 5 || fail "bandwidth: pid $pid got $g GB/s, not a quarter of the bus"
  done
  if within "$total" $bus 5; then
    echo "ok   bandwidth: 4 generators $total GB/s, bus $bus GB/s"
  else
    fail "bandwidth: 4 generators $total GB/s, not within 5% of the bus's $bus GB/s"
  fi
  "$exe" run -q -t uma-4 --traffic sequential,size=64,footprint=64MiB,rate=2GB/s,ops=20000,populate \
    --stats "$tmp/rate.json" 2>"$tmp/err" || fail "rate: exit $? $(cat "$tmp/err")"
  g=$(gbs "$tmp/rate.json" 1000)
  if within "$g" 2 2; then echo "ok   rate: $g GB/s for 2GB/s"; else fail "rate: $g GB/s for 2GB/s"; fi
  ;;
contention)
  "$exe" run -q -t uma-4 "$guests/bw_stream" 1 2 2 >"$tmp/alone" 2>"$tmp/err" \
    || fail "alone: exit $? $(cat "$tmp/err")"
  "$exe" run -q -t uma-4 --traffic random,size=64,footprint=32MiB,cpu=1,populate \
    --traffic sequential,size=64,footprint=32MiB,cpu=2,reads=50%,populate \
    --stats "$tmp/cont.json" "$guests/bw_stream" 1 2 2 >"$tmp/loaded" 2>"$tmp/err"
  st=$?
  [ "$st" -eq 0 ] || fail "contention: exit $st $(cat "$tmp/err")"
  a=$(awk '{ print $4 }' "$tmp/alone") l=$(awk '{ print $4 }' "$tmp/loaded")
  if awk -v a="$a" -v l="$l" 'BEGIN { exit !(l < a * 0.9) }'; then
    echo "ok   contention: bw_stream $a GB/s alone, $l GB/s beside two generators"
  else
    fail "contention: bw_stream $a GB/s alone, $l GB/s with generators: not slower"
  fi
  # The generators ended with the program: their last access is not far
  # past its end (a scheduling quantum at most).
  prog=$(jq '.cpu0.cycles' "$tmp/cont.json")
  for c in 1 2; do
    g=$(jq ".cpu$c.cycles" "$tmp/cont.json")
    awk -v p="$prog" -v g="$g" 'BEGIN { exit !(g <= p * 1.05 && g >= p * 0.9) }' \
      || fail "contention: CPU $c stopped at cycle $g, the program at $prog"
  done
  [ "$(jq '.gen1001.ops > 1000 and .gen1002.writes > 100' "$tmp/cont.json")" = true ] \
    || fail "contention: the generators did little: $(jq -c '[.gen1001.ops, .gen1002.writes]' "$tmp/cont.json")"
  ;;
placement)
  "$exe" run -q -t numa-2s --timing=off --numa-maps="$tmp/maps" \
    --traffic strided,stride=4KiB,footprint=4MiB,ops=1024,reads=0,cpu=0,bind=1 \
    --traffic random,footprint=4MiB,ops=50000,cpu=1,interleave=0-1 2>"$tmp/err" \
    || fail "placement: exit $? $(cat "$tmp/err")"
  grep -q "^# pid 1000 traffic$" "$tmp/maps" || fail "placement: no header: $(cat "$tmp/maps")"
  bind=$(awk '/^# pid 1000/ { on = 1; next } /^#/ { on = 0 } on' "$tmp/maps")
  il=$(awk '/^# pid 1001/ { on = 1; next } /^#/ { on = 0 } on' "$tmp/maps")
  if echo "$bind" | grep -q "bind:1 .*N1=1024" && ! echo "$bind" | grep -q "N0="; then
    echo "ok   placement: bind=1: $bind"
  else
    fail "placement: bind=1: $bind"
  fi
  echo "$il" | grep -q "interleave:0-1 .*N0=[0-9]* N1=[0-9]*" \
    && echo "ok   placement: interleave: $il" || fail "placement: interleave: $il"
  ;;
trace)
  { echo "# 64 reads to distinct lines"; for i in $(seq 0 63); do printf 'R 0x%x\n' $((i * 128)); done; } >"$tmp/t.txt"
  "$exe" run -q -t numa-2s --traffic "trace=$tmp/t.txt" --stats "$tmp/t.json" 2>"$tmp/err" \
    || fail "trace: exit $? $(cat "$tmp/err")"
  [ "$(jq -c '[.gen1000.ops, .gen1000.misses, .gen1000.bytes]' "$tmp/t.json")" = "[64,64,512]" ] \
    && echo "ok   trace: 64 reads, 64 misses" || fail "trace: $(jq -c '.gen1000' "$tmp/t.json")"
  # The topology file's generators: its trace is relative to the file.
  "$exe" run -q -t "$src/tests/topologies/good/traffic.yaml" --stats "$tmp/y.json" 2>"$tmp/err" \
    || fail "trace (topology file): exit $? $(cat "$tmp/err")"
  [ "$(jq -c '[.gen1000.misses, .gen1001.ops]' "$tmp/y.json")" = "[64,1000]" ] \
    && echo "ok   trace: from the topology file" || fail "trace (topology file): $(jq -c '[.gen1000, .gen1001.ops]' "$tmp/y.json")"
  ;;
determinism)
  for i in 1 2; do
    "$exe" run -q -t numa-2s --seed 5 --traffic random,footprint=8MiB,reads=70%,ops=20000,cpu=0 \
      --traffic chase,footprint=8MiB,ops=5000,cpu=2 --stats "$tmp/d$i.json" 2>"$tmp/err" \
      || fail "determinism: exit $? $(cat "$tmp/err")"
  done
  cmp -s "$tmp/d1.json" "$tmp/d2.json" && echo "ok   determinism" || fail "determinism: the statistics differ"
  w=$(jq '.gen1000.writes' "$tmp/d1.json")
  awk -v w="$w" 'BEGIN { exit !(w > 5600 && w < 6400) }' || fail "determinism: $w writes of 20000 at 30%"
  ;;
errors)
  # expect STATUS MESSAGE -- ARGS...
  expect() {
    local st=$1 msg=$2
    shift 3
    "$exe" run -q "$@" >/dev/null 2>"$tmp/err"
    local got=$?
    if [ "$got" -eq "$st" ] && grep -qF -- "$msg" "$tmp/err"; then
      echo "ok   errors: $(head -1 "$tmp/err")"
    else
      fail "errors: $* gave $got: $(cat "$tmp/err") (want $st and '$msg')"
    fi
  }
  printf 'R 0x0\nR 0x40 3\n' >"$tmp/bad.trace"
  expect 2 "'zigzag' is neither a pattern" -- --traffic zigzag,ops=10
  expect 2 "footprint: '0' is not a positive size" -- --traffic random,footprint=0,ops=10
  expect 2 "cpu: '9' is not a CPU of this machine" -- -t numa-2s --traffic random,cpu=9,ops=10
  expect 2 "unknown key 'colour'" -- --traffic random,colour=red
  expect 2 "trace file $tmp/none: No such file" -- --traffic "trace=$tmp/none"
  expect 2 "$tmp/bad.trace:2: access size 3 is not a power of two" -- --traffic "trace=$tmp/bad.trace"
  expect 2 "a chase needs a footprint of at least two whole 64-byte lines" -- --traffic chase,footprint=64B,ops=1
  expect 125 "has no bound (ops or duration) and nothing else runs" -- --traffic random
  ;;
long)
  # Intervals and durations beyond 2^32 cycles (a second or two): a 2 s
  # run at one access a microsecond does about 2 million (less the time
  # its page faults take), and three accesses 2 s apart span 4 s.
  "$exe" run -q --timing=off --traffic random,interval=1us,duration=2s,cpu=0 \
    --stats "$tmp/a.json" >/dev/null 2>&1 || fail "long: duration run failed"
  ops=$(jq '[to_entries[] | select(.key | test("^gen")) | .value.ops] | add' "$tmp/a.json")
  [ "$ops" -gt 1900000 ] && [ "$ops" -le 2000000 ] \
    && echo "ok   long: $ops accesses in 2 s at 1 us" || fail "long: $ops accesses in 2 s at 1 us"
  "$exe" run -q --traffic random,interval=2s,ops=3,cpu=0 --stats "$tmp/b.json" >/dev/null 2>&1 \
    || fail "long: interval run failed"
  span=$(jq '[to_entries[] | select(.key | test("^gen")) | .value.time_ps] | add' "$tmp/b.json")
  awk -v s="$span" 'BEGIN { exit !(s >= 4e12 && s < 4.01e12) }' \
    && echo "ok   long: 3 accesses 2 s apart span $span ps" || fail "long: span $span ps, want 4 s"
  # Trace addresses: decimal with leading zeros (not octal), or 0x hex.
  printf 'R 0100\nR 08\nW 0x40\n' >"$tmp/dec.trace"
  "$exe" run -q -t numa-2s --traffic "trace=$tmp/dec.trace,cpu=0" --stats "$tmp/c.json" \
    >/dev/null 2>"$tmp/err" || fail "long: decimal trace: $(cat "$tmp/err")"
  n=$(jq '[to_entries[] | select(.key | test("^gen")) | .value.ops] | add' "$tmp/c.json")
  [ "$n" = 3 ] && echo "ok   long: decimal trace addresses" || fail "long: decimal trace gave $n"
  ;;
*) echo "traffic.sh: unknown case '${1:-}'" >&2; exit 2 ;;
esac
[ "$fails" -eq 0 ]
