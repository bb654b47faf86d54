#!/usr/bin/env bash
# The smoke test of bench/run (tests/bench.cmake): `bench/run --quick -r 1`
# on this build prints one table row per issue 9 target, each with a positive
# instruction count, host seconds, MIPS and RSS, the CPU seconds, the guest
# memory touched, the qemu-riscv64 seconds and ratio (or "-" when
# qemu-riscv64 is not installed), the target and "met" or "NOT met"; exit
# status 0; the --json file has every row.  Speed is never asserted.  Usage
# errors exit 2 with a message.
set -uo pipefail
src=${MMSIM_SOURCE_DIR:?}
build=${MMSIM_BINARY_DIR:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL $*"; fails=$((fails+1)); }

"$src/bench/run" -B "$build" --no-build --quick -r 1 --json "$tmp/b.json" \
    >"$tmp/out" 2>"$tmp/err"
st=$?
cat "$tmp/out"
[ "$st" -eq 0 ] || { fail "bench/run: exit $st"; cat "$tmp/err"; }

num='[0-9]+(\.[0-9]+)?'
pos='([1-9][0-9]*(\.[0-9]+)?|0\.[0-9]*[1-9][0-9]*)'   # a number above zero
if command -v qemu-riscv64 >/dev/null; then
    q="$pos +$num"x
else
    q='- +-'
fi
# label, instructions, host s, MIPS, CPU s, qemu s, ratio, RSS MiB, touched MiB, target, met
rows=("intmark detailed|MIPS>=100" "fpmark detailed|MIPS>=60" "intmark timing=off|MIPS>=450"
      "fpmark timing=off|MIPS>=450" "chase 64 MiB detailed|MIPS>=20"
      "16 CPUs numa-4s-ring \(a\)|MIPS>=50" "RSS on 1 TiB|RSS<=touched\+64")
for r in "${rows[@]}"; do
    label=${r%|*} target=${r#*|}
    line="^$label +[1-9][0-9]* +$pos +$pos +$num +$q +$pos +$pos +$target +(met|NOT met)$"
    grep -Eq "$line" "$tmp/out" || fail "no valid row '$label'"
done
nrows=$(grep -Ec '(MIPS>=[0-9]+|RSS<=touched\+64) +(met|NOT met)$' "$tmp/out")
[ "$nrows" -eq ${#rows[@]} ] || fail "$nrows rows, not ${#rows[@]}"
grep -q '^(a) 16 threads' "$tmp/out" || fail "no footnote for the 16-CPU row"
[ -s "$tmp/b.json" ] || fail "no --json file"
[ "$(grep -c '"name":' "$tmp/b.json")" -eq ${#rows[@]} ] || fail "--json: not ${#rows[@]} rows"
[ "$(grep -c '"met":' "$tmp/b.json")" -eq ${#rows[@]} ] || fail "--json: a row without figures"

# Usage errors: exit 2 and a message, nothing run.
"$src/bench/run" -B "$build" --no-build --only nosuch >"$tmp/out" 2>"$tmp/err"
st=$?
[ "$st" -eq 2 ] || fail "--only nosuch: exit $st, want 2"
grep -qxF "bench_sim: --only: no row 'nosuch'" "$tmp/err" || fail "--only nosuch: message"
"$src/bench/run" -B "$build" --no-build -r 0 >"$tmp/out" 2>"$tmp/err"
st=$?
[ "$st" -eq 2 ] || fail "-r 0: exit $st, want 2"
grep -qxF "bench_sim: -r: '0' is not a number of runs (1-100)" "$tmp/err" || fail "-r 0: message"

[ "$fails" -eq 0 ] && echo "bench smoke: all rows present" || echo "$fails failure(s)"
exit $((fails > 0))
