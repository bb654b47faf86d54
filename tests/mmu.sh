#!/usr/bin/env bash
# Real page tables end to end (docs/MMU.md): guests produce the same output
# under Sv39 and Sv48, with and without transparent huge pages, and the
# statistics show what the configuration asks for: four PTE reads per cold
# walk under Sv48, 2 MiB TLB entries and THP faults with `thp: always`,
# page-table pages under the task's policy, shootdowns, and identical
# statistics for identical runs.
#
# usage: mmu.sh CASE   (sv48 | thp | placement | determinism)
set -uo pipefail
exe=${MMSIM_EXE:?}
guests=${MMSIM_GUEST_DIR:?}/tests
src=${MMSIM_SOURCE_DIR:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL $*"; fails=$((fails+1)); }
command -v jq >/dev/null || { echo "FAIL jq not found: run scripts/setup"; exit 1; }

# topo BASE EXTRA: a copy of a bundled topology with a kernel section.
topo() {
  sed "s/^name: .*/name: $1-test/" "$src/examples/topologies/$1.yaml" >"$tmp/$1-$3.yaml"
  printf 'kernel: {%s}\n' "$2" >>"$tmp/$1-$3.yaml"
  echo "$tmp/$1-$3.yaml"
}
# stat FILE NAME: a statistic from a --stats JSON file (dotted name).
stat() { jq -r --arg n "$2" 'getpath($n | split(".")) // "missing"' "$1"; }
# run NAME TOPO OUT [args]: run a guest; stdout to OUT.out, stats OUT.json
run() {
  local g=$1 t=$2 o=$3
  shift 3
  # Functional timing: the page tables, TLBs and walks are the same, and the
  # five-program comparison stays quick under the sanitizers.
  timeout 300 "$exe" run -q --timing=off -t "$t" --stats "$tmp/$o.json" "$@" "$guests/$g" \
    >"$tmp/$o.out" 2>"$tmp/$o.err"
  echo $? >"$tmp/$o.rc"
}

case "${1:-}" in
sv48)
  t48=$(topo uma-4 "paging: sv48" sv48)
  for g in sha256 page_touch malloc_heavy thr_many signals; do
    run $g uma-4 "$g-39"
    run $g "$t48" "$g-48"
    [ "$(cat "$tmp/$g-39.rc")" = 0 ] || fail "$g sv39: exit $(cat "$tmp/$g-39.rc")"
    cmp -s "$tmp/$g-39.out" "$tmp/$g-48.out" || fail "$g: output differs under Sv48"
    cmp -s "$tmp/$g-39.rc" "$tmp/$g-48.rc" || fail "$g: exit status differs under Sv48"
  done
  # A cold Sv39 walk never reads level 3; Sv48 walks start there.
  l3=$(stat "$tmp/page_touch-48.json" cpu0.walk.reads.l3)
  l3_39=$(stat "$tmp/page_touch-39.json" cpu0.walk.reads.l3)
  [ "$l3_39" = 0 ] || fail "sv39: walk.reads.l3 = $l3_39"
  [ "$l3" != missing ] && [ "$l3" -gt 0 ] || fail "sv48: walk.reads.l3 = $l3"
  echo "ok   sv48 (level-3 reads: $l3)"
  ;;
thp)
  tthp=$(topo uma-4 "thp: always" thp)
  tnever=$(topo uma-4 "thp: never" never)
  run page_touch uma-4 base
  run page_touch "$tthp" thp
  run page_touch "$tnever" never
  for o in base thp never; do
    [ "$(cat "$tmp/$o.rc")" = 0 ] || fail "$o: exit $(cat "$tmp/$o.rc")"
    cmp -s "$tmp/base.out" "$tmp/$o.out" || fail "$o: output differs"
  done
  alloc=$(stat "$tmp/thp.json" kernel.thp_fault_alloc)
  m2=$(stat "$tmp/thp.json" cpu0.dtlb.misses.2m)
  f_thp=$(stat "$tmp/thp.json" kernel.page_faults)
  f_base=$(stat "$tmp/base.json" kernel.page_faults)
  [ "$alloc" -gt 0 ] || fail "thp: thp_fault_alloc = $alloc"
  [ "$m2" -gt 0 ] || fail "thp: no 2 MiB dTLB entries (misses.2m = $m2)"
  [ "$f_thp" -lt "$f_base" ] || fail "thp: $f_thp faults, not fewer than $f_base"
  [ "$(stat "$tmp/base.json" kernel.thp_fault_alloc)" = 0 ] || fail "madvise mode mapped THPs"
  [ "$(stat "$tmp/never.json" kernel.thp_fault_alloc)" = 0 ] || fail "never mode mapped THPs"
  echo "ok   thp ($alloc huge pages, $f_thp faults vs $f_base)"
  ;;
placement)
  # Page-table pages are ordinary kernel allocations under the task's
  # policy (Linux): on the running CPU's node by default, on the bound node
  # with --membind; none are left once the process is gone.
  run page_touch numa-2s local --physcpubind=2
  run page_touch numa-2s bound --physcpubind=2 --membind=0
  for o in local bound; do
    [ "$(cat "$tmp/$o.rc")" = 0 ] || fail "$o: exit $(cat "$tmp/$o.rc")"
  done
  l0=$(stat "$tmp/local.json" node0.pgtable_alloc) l1=$(stat "$tmp/local.json" node1.pgtable_alloc)
  b0=$(stat "$tmp/bound.json" node0.pgtable_alloc) b1=$(stat "$tmp/bound.json" node1.pgtable_alloc)
  [ "$l0" = 0 ] && [ "$l1" -gt 0 ] || fail "default policy on node 1: node0 $l0, node1 $l1 page-table pages"
  # (The root table is allocated with the process, before its policy is set.)
  [ "$b1" -le 1 ] && [ "$b0" -gt 0 ] || fail "--membind=0: node0 $b0, node1 $b1 page-table pages"
  [ "$(stat "$tmp/local.json" node1.pgtable_pages)" = 0 ] || fail "page tables left after exit"
  echo "ok   placement (default: $l0/$l1, membind=0: $b0/$b1)"
  ;;
determinism)
  tthp=$(topo numa-2s "thp: always" thp)
  run thr_many "$tthp" a --seed 7
  run thr_many "$tthp" b --seed 7
  cmp -s "$tmp/a.json" "$tmp/b.json" || fail "statistics differ between identical runs"
  sd=$(stat "$tmp/a.json" kernel.tlb_shootdowns)
  [ "$sd" != missing ] && [ "$sd" -gt 0 ] || fail "no shootdowns counted ($sd)"
  echo "ok   determinism ($sd shootdowns)"
  ;;
*) echo "mmu.sh: unknown case '${1:-}'" >&2; exit 2 ;;
esac
[ "$fails" -eq 0 ]
